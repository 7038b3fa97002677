"""The public catalogue: dataset search and pages, downloads, publishers and data services."""

import mimetypes
import re
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from catalog import access, conditions, dcat, facetindex, profiling, reuse, showcase, snippets
from catalog.filters import DatasetFilter, facet_counts, index_facet_counts
from catalog.models import (
    AccessRequest,
    ApiToken,
    Column,
    DataService,
    Dataset,
    DatasetRelation,
    Distribution,
    DistributionProfile,
    Keyword,
    PolicyAction,
    Publisher,
    Purpose,
    RecipientType,
    Reuse,
    Status,
)
from catalog.reuse import DUTY_ACTIONS
from catalog.search import query_terms
from catalog.serializers import ReuseCheckSerializer
from catalog.sitemaps import SITEMAPS

PAGE_SIZE = 20
# Facet values shown before "show more"; the rest sit in a <details> that needs no JavaScript.
FACET_SHOWN = 8

# The facets of /datasets/, in the order the sidebar shows them; names are query parameters.
FACETS = [
    ("theme", _("Theme")),
    ("publisher", _("Publisher")),
    ("format", _("Format")),
    ("licence", _("Licence")),
    ("access_rights", _("Access rights")),
    ("keyword", _("Keyword")),
    ("language", _("Language")),
    ("quality", _("Metadata quality")),
]
SORTS = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("modified", _("Last modified")),
    ("title", _("Title")),
    ("quality", _("Metadata quality")),
]
# Other parameters a visitor can remove as a chip above the results.
OTHER_FILTERS = [
    ("q", _("Search")),
    ("modified_since", _("Modified since")),
    ("issued_since", _("Issued since")),
]
# The reuse-condition filters: checkboxes (catalog.filters.CONDITION_FLAGS).
CONDITION_FILTERS = [
    ("open_licence", _("Open licence")),
    ("commercial_use", _("Commercial use allowed")),
    ("no_agreement", _("No agreement needed")),
]
# A media type we may put in a Content-Type header as it is (editors type it in).
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+\"-]+)*$")


def _paginate(request, items, per_page=PAGE_SIZE):
    """The requested page; a number out of range gives the last page, garbage the first."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    page.elided_range = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


def _facet_groups(facets, params):
    groups = []
    for name, title in FACETS:
        selected = set(params.getlist(name))
        items = [
            {
                "value": item.value,
                "label": item.label,
                "count": item.count,
                "selected": str(item.value) in selected,
            }
            for item in facets.get(name, [])
        ]
        groups.append(
            {
                "name": name,
                "title": title,
                "items": items,
                "shown": items[:FACET_SHOWN],
                "more": items[FACET_SHOWN:],
                "more_selected": any(item["selected"] for item in items[FACET_SHOWN:]),
            }
        )
    return groups


def _selected_filters(filterset, params):
    """Chips for every active filter, each with its label and the parameter to drop."""
    chips = []
    for name, title in OTHER_FILTERS:
        if params.get(name, "").strip():
            chips.append(
                {"name": name, "value": params[name], "field": title, "label": params[name]}
            )
    for name, title in CONDITION_FILTERS:
        flag = filterset.form.cleaned_data.get(name)
        if flag is not None:
            label = _("yes") if flag else _("no")
            chips.append({"name": name, "value": params[name], "field": title, "label": label})
    for name, title in FACETS:
        # The cleaned values are the objects the parameters name, already fetched.
        field = filterset.filters[name].field
        if hasattr(field, "to_field_name"):
            labels = {
                str(getattr(obj, field.to_field_name)): str(obj)
                for obj in filterset.form.cleaned_data[name]
            }
        else:  # a choice, such as a quality band
            labels = {str(value): str(label) for value, label in field.choices}
        for value in params.getlist(name):
            if value.strip():
                label = labels.get(value.strip(), value)
                chips.append({"name": name, "value": value, "field": title, "label": label})
    return chips


def _error_list(filterset):
    fields = filterset.form.fields
    return [
        {"name": name, "label": fields[name].label if name in fields else name, "messages": errors}
        for name, errors in filterset.errors.items()
    ]


def dataset_list(request):
    filterset = DatasetFilter(request.GET, queryset=Dataset.objects.published())
    has_query = bool(query_terms(request.GET.get("q", "")))
    ctx = {
        "query": request.GET.get("q", ""),
        "sort": request.GET.get("sort") or ("relevance" if has_query else "newest"),
        "sorts": [(value, label) for value, label in SORTS if value != "relevance" or has_query],
    }
    if not filterset.is_valid():
        ctx["errors"] = _error_list(filterset)
        return render(request, "catalog/dataset_list.html", ctx, status=400)

    indexed = filterset.from_index()
    if indexed is not None:
        facets = index_facet_counts(indexed)
        datasets = facetindex.Page(
            indexed.ids, Dataset.objects.published().for_list().select_related("quality")
        )
    else:
        facets = facet_counts(filterset.qs, quality=True)
        datasets = filterset.qs.for_list().select_related("quality")
    groups = _facet_groups(facets, request.GET)
    ctx["page_obj"] = _paginate(request, datasets)
    ctx["facet_groups"] = groups
    ctx["chips"] = _selected_filters(filterset, request.GET)
    ctx["condition_flags"] = [name for name, title in CONDITION_FILTERS]
    ctx["condition_filters"] = [
        {"name": name, "label": title, "checked": filterset.form.cleaned_data.get(name) is True}
        for name, title in CONDITION_FILTERS
    ]
    return render(request, "catalog/dataset_list.html", ctx)


def _detail_queryset():
    """Everything the dataset page shows, in a number of queries that does not grow."""
    return Dataset.objects.select_related(
        "publisher", "creator", "frequency", "access_rights", "licence", "quality"
    ).prefetch_related(
        "themes",
        "concepts",
        "languages",
        "contact_points",
        Prefetch("keywords", queryset=Keyword.objects.order_by("language", "value")),
        Prefetch(
            "relations",
            queryset=DatasetRelation.objects.select_related("target").order_by("role", "pk"),
        ),
        Prefetch(
            "distributions",
            queryset=Distribution.objects.select_related(
                "format", "licence", "access_rights", "link_check", "profile"
            ).prefetch_related(
                "languages",
                "policy_rules",  # the Reuse conditions section
                # The Structure section: every column with the dataset it joins.
                Prefetch(
                    "columns",
                    queryset=Column.objects.filter(present=True).select_related(
                        "references_dataset"
                    ),
                ),
            ),
        ),
        Prefetch("data_services", queryset=DataService.objects.published().order_by("slug")),
        "policy_rules",
    )


def _visible(user, dataset) -> bool:
    if dataset.is_published:
        return True
    return Dataset.objects.visible_to(user).filter(pk=dataset.pk).exists()


def _withdrawn(request, dataset):
    """410 Gone, pointing to the published datasets that replace this one."""
    replacements = Dataset.objects.published().filter(
        relations__target=dataset, relations__role=DatasetRelation.Role.REPLACES
    )
    ctx = {"dataset": dataset, "replacements": replacements}
    return render(request, "catalog/dataset_withdrawn.html", ctx, status=410)


@vary_on_headers("Accept")
def dataset_detail(request, slug):
    fmt = dcat.negotiated_format(request)
    if fmt:
        return dataset_rdf(request, slug, fmt)
    dataset = get_object_or_404(_detail_queryset(), slug=slug)
    if not _visible(request.user, dataset):
        if dataset.status == Status.WITHDRAWN:
            return _withdrawn(request, dataset)
        raise Http404
    box = _access_box(request, dataset)
    ctx = {
        "dataset": dataset,
        "distributions": dataset.distributions.all(),
        # A withheld file's structure and statistics are part of the data.
        "profiled": profiling.worth_showing(box["fetchable"]),
        "access_box": box,
        # Withdrawn targets stay listed (they were public); drafts do not.
        "relations": [
            r for r in dataset.relations.all() if not r.target_id or r.target.status != Status.DRAFT
        ],
        "can_edit": request.user.is_staff
        and Dataset.objects.editable_by(request.user).filter(pk=dataset.pk).exists(),
        "approved_reuses": list(dataset.reuses.approved()[:10]),
        "getting_started": snippets.getting_started(dataset, dataset.distributions.all()),
        "reuse_check": _reuse_check_form(),
        "conditions": conditions.explain_dataset(dataset, dataset.distributions.all()),
    }
    return render(request, "catalog/dataset_detail.html", ctx)


# "May I use this?" (catalog.reuse.check) --------------------------------------------------


def _error_messages(errors) -> list[str]:
    """A serializer's errors for one field as flat messages (list items nest by index)."""
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in _error_messages(value)]
    if isinstance(errors, list):
        return [message for value in errors for message in _error_messages(value)]
    return [str(errors)]


def _reuse_check_form(query=None, errors=None, verdict=None) -> dict:
    """What templates/catalog/_reuse_check.html shows: the choices, the values, the answer."""
    query = query or {}
    return {
        "purposes": Purpose.choices,
        "recipient_types": RecipientType.choices,
        "actions": [(action.value, action.label) for action in reuse.CHECK_ACTIONS],
        "values": {
            "purpose": query.get("purpose", ""),
            "recipient_type": query.get("recipient_type", ""),
            "actions": query.getlist("actions") if query else [PolicyAction.USE.value],
            "commercial": query.get("commercial", "") in ("true", "on", "1"),
            "territory": query.get("territory", ""),
            "distribution": query.get("distribution", ""),
        },
        "errors": {name: _error_messages(value) for name, value in (errors or {}).items()},
        "verdict": verdict,
    }


def reuse_check(request, slug):
    """The check form's answer on a page of its own: a GET form (it changes nothing), so it
    works without JavaScript and an answer can be linked to."""
    datasets = reuse.check_queryset(request.user).prefetch_related("distributions")
    dataset = get_object_or_404(datasets, slug=slug)
    verdict, errors = None, {}
    if request.GET:
        # The form's "any" choices arrive empty; the serializer wants them left out.
        query = request.GET.copy()
        for name in ("territory", "distribution"):
            if not query.get(name, "").strip():
                query.pop(name, None)
        serializer = ReuseCheckSerializer(data=query, context={"dataset": dataset})
        if serializer.is_valid():
            distribution = serializer.validated_data.get("distribution")
            use = serializer.use()
            verdict = reuse.check_dataset(
                dataset, use, distribution=distribution, user=request.user
            )
        else:
            errors = serializer.errors
    ctx = {
        "dataset": dataset,
        "distributions": dataset.distributions.all(),
        "reuse_check": _reuse_check_form(request.GET, errors, verdict),
    }
    return render(request, "catalog/reuse_check.html", ctx)


def distribution_schema(request, slug, uuid):
    """The Table Schema of a profiled distribution: columns, types and the owner's words."""
    distribution = get_object_or_404(
        Distribution.objects.select_related(
            "dataset__licence", "dataset__access_rights", "licence", "access_rights", "profile"
        ),
        uuid=uuid,
        dataset__slug=slug,
        dataset__in=Dataset.objects.visible_to(request.user),
        profile__status=DistributionProfile.Status.OK,
    )
    if not access.request_grants(request).may_fetch(distribution.dataset, distribution):
        raise Http404
    columns = list(distribution.columns.select_related("references_dataset"))
    targets = {c.references_dataset_id for c in columns if c.references_dataset_id}
    visible = set(
        Dataset.objects.visible_to(request.user).filter(pk__in=targets).values_list("pk", flat=True)
    )
    schema = profiling.table_schema(distribution, columns, visible_dataset_ids=visible)
    response = JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
    if not distribution.dataset.is_published:
        response["X-Robots-Tag"] = "noindex"
    return response


def _serve_file(distribution):
    try:
        filename = get_valid_filename(PurePosixPath(distribution.file.name).name)
    except SuspiciousFileOperation:
        filename = "download"
    content_type = distribution.media_type.strip()
    if not _MEDIA_TYPE.match(content_type):
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    try:
        handle = distribution.file.open("rb")
    except OSError:
        raise Http404(_("The file of this distribution is missing.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    # Uploaded files are user content: never sniffed into HTML, never run as a page.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def distribution_download(request, slug, uuid):
    distribution = get_object_or_404(
        Distribution.objects.select_related(
            "dataset__licence", "dataset__access_rights", "licence", "access_rights"
        ),
        uuid=uuid,
        dataset__slug=slug,
        dataset__in=Dataset.objects.visible_to(request.user),
    )
    if not access.request_grants(request).may_fetch(distribution.dataset, distribution):
        return _access_denied(request, distribution.dataset)
    if distribution.file:
        return _serve_file(distribution)
    target = distribution.download_url or distribution.access_url
    if not target:
        raise Http404
    return HttpResponseRedirect(target)


def _with_published_counts(publishers):
    return publishers.annotate(
        dataset_count=Count("datasets", filter=Q(datasets__status=Status.PUBLISHED))
    )


def publisher_list(request):
    publishers = _with_published_counts(Publisher.objects.select_related("publisher_type"))
    ctx = {"publishers": sorted(publishers, key=lambda p: str(p.name).casefold())}
    return render(request, "catalog/publisher_list.html", ctx)


@vary_on_headers("Accept")
def publisher_detail(request, slug):
    fmt = dcat.negotiated_format(request)
    if fmt:
        return publisher_rdf(request, slug, fmt)
    publisher = get_object_or_404(
        _with_published_counts(Publisher.objects.select_related("publisher_type")), slug=slug
    )
    datasets = publisher.datasets.published().for_list().order_by("-published_at", "-pk")
    ctx = {
        "publisher": publisher,
        "page_obj": _paginate(request, datasets),
        "data_services": publisher.data_services.published().order_by("slug"),
    }
    return render(request, "catalog/publisher_detail.html", ctx)


@vary_on_headers("Accept")
def dataservice_detail(request, slug):
    fmt = dcat.negotiated_format(request)
    if fmt:
        return dataservice_rdf(request, slug, fmt)
    service = get_object_or_404(
        DataService.objects.visible_to(request.user)
        .select_related("publisher", "licence", "access_rights")
        .prefetch_related(
            "themes",
            Prefetch(
                "serves_datasets",
                queryset=Dataset.objects.published().select_related("publisher"),
            ),
        ),
        slug=slug,
    )
    return render(request, "catalog/dataservice_detail.html", {"service": service})


# DCAT / linked data ---------------------------------------------------------------------
# RDF documents (DCAT-AP 3) of the catalogue, its datasets, publishers and data services;
# content negotiation; sitemaps and robots.txt. Only published records appear, whoever asks.


def _rdf_response(triples, fmt):
    content_type = f"{dcat.FORMATS[fmt].content_type}; charset=utf-8"
    chunks = dcat.serialize(triples, fmt)
    if fmt == "nt":
        response = StreamingHttpResponse(chunks, content_type=content_type)
    else:
        response = HttpResponse("".join(chunks), content_type=content_type)
    # Linked data is for any client, including scripts on other sites.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _plain(message, status):
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _catalog_page_response(request, fmt, path):
    try:
        page = dcat.CataloguePage.load(request.GET, path)
    except dcat.BadRequest as error:
        return _plain(str(error), 400)
    except Http404 as error:
        return _plain(str(error), 404)
    return _rdf_response(page.triples(), fmt)


def catalog_rdf(request, fmt):
    """/catalog.<fmt>: one Hydra page of the DCAT catalogue."""
    return _catalog_page_response(request, fmt, reverse("catalog:catalog-rdf", args=[fmt]))


@vary_on_headers("Accept")
def catalog_negotiated(request):
    """/catalog: the catalogue in the RDF format the Accept header names (Turtle for */* or no
    header); browsers asking for HTML are sent to the dataset list; anything else gets 406."""
    fmt = dcat.catalog_format(request)
    if fmt is None:
        types = ", ".join(f.content_type for f in dcat.FORMATS.values())
        message = _("Not acceptable. The catalogue is available as %(types)s and text/html.")
        return _plain(message % {"types": types}, 406)
    if fmt == "html":
        return _see_other(reverse("catalog:dataset-list"))
    return _catalog_page_response(request, fmt, reverse("catalog:catalog"))


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def dataset_rdf(request, slug, fmt):
    dataset = get_object_or_404(Dataset.objects.published(), slug=slug)
    return _rdf_response(dcat.dataset_document(dataset), fmt)


def publisher_rdf(request, slug, fmt):
    publisher = get_object_or_404(Publisher, slug=slug)
    return _rdf_response(dcat.publisher_document(publisher), fmt)


def dataservice_rdf(request, slug, fmt):
    service = get_object_or_404(DataService.objects.published(), slug=slug)
    return _rdf_response(dcat.data_service_document(service), fmt)


@vary_on_headers("Accept")
def distribution_rdf(request, uuid):
    """A distribution's IRI: 303 to its dataset's page, or its RDF when RDF is asked for."""
    distribution = get_object_or_404(
        Distribution.objects.select_related("dataset"),
        uuid=uuid,
        dataset__in=Dataset.objects.published(),
    )
    fmt = dcat.negotiated_format(request)
    slug = distribution.dataset.slug
    if fmt:
        return _see_other(reverse("catalog:dataset-rdf", args=[slug, fmt]))
    return _see_other(reverse("catalog:dataset-detail", args=[slug]))


def sitemap_index(request):
    """/sitemap.xml: an index of every page of every section, with SITE_URL addresses."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = settings.SITE_URL + reverse("sitemap-section", args=[section])
        latest = sitemap.get_latest_lastmod()
        for number in sitemap.paginator.page_range:
            page_location = location if number == 1 else f"{location}?p={number}"
            entries.append(SitemapIndexItem(page_location, latest))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap-index')}",
    ]
    return _plain("\n".join(lines) + "\n", 200)


# API tokens -------------------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “nightly upload script”."),
    )


@login_required
def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "catalog/tokens.html", {"tokens": tokens, "form": TokenForm()})


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        tokens = ApiToken.objects.filter(user=request.user)
        return render(request, "catalog/tokens.html", {"tokens": tokens, "form": form}, status=400)
    token, key = ApiToken.create_for(request.user, form.cleaned_data["name"])
    # Shown on this response only: the portal keeps just a hash of the key.
    response = render(request, "catalog/token_created.html", {"token": token, "key": key})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return HttpResponseRedirect(reverse("token-list"))


# Access requests for restricted data (catalog.access) -------------------------------------


class AccessRequestForm(forms.ModelForm):
    actions = forms.MultipleChoiceField(
        label=_("What you will do with the data"),
        choices=[(a.value, a.label) for a in PolicyAction if a not in DUTY_ACTIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accept_agreement = forms.BooleanField(
        label=_("I have read the agreement above and accept it"), required=False
    )
    # The version the visitor read: if the publisher changed the text meanwhile, they read
    # the new one before accepting it.
    agreement_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AccessRequest
        fields = [
            "organisation", "purpose", "commercial", "actions", "recipient_type", "territory",
            "description", "period_start", "period_end",
        ]  # fmt: skip
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.fields["purpose"].choices = [("", "---------"), *Purpose.choices]
        if agreement is None:
            del self.fields["accept_agreement"]
        else:
            self.fields["accept_agreement"].required = True
            self.fields["agreement_version"].initial = agreement.version

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period is before its start."))
        if self.agreement and data.get("agreement_version") != self.agreement.version:
            self.add_error(
                "accept_agreement",
                _("The agreement has changed since you opened this page. Read it and accept it."),
            )
        return data


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))


class ApproveForm(forms.Form):
    access_until = forms.DateField(
        label=_("Access until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Blank: no end date."),
    )
    extra_conditions = forms.CharField(
        label=_("Extra conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_access_until(self):
        value = self.cleaned_data["access_until"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The end date has passed."))
        return value


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The requester reads it; it is kept in the audit trail."),
    )


def _requestable_dataset(slug):
    return get_object_or_404(
        Dataset.objects.published().select_related("publisher", "licence", "access_rights"),
        slug=slug,
    )


@login_required
def access_request_create(request, slug):
    dataset = _requestable_dataset(slug)
    grants = access.grants_for(request.user)
    if not access.requestable(dataset) or grants.has_access(dataset):
        ctx = {"dataset": dataset, "has_access": grants.has_access(dataset)}
        status = 400 if request.method == "POST" else 200
        return render(request, "catalog/access_not_requestable.html", ctx, status=status)
    existing = access.open_request(request.user, dataset)
    if existing is not None:
        messages.info(request, _("You already asked for access to this dataset."))
        return HttpResponseRedirect(reverse("catalog:access-request-detail", args=[existing.pk]))
    agreement = access.current_agreement(dataset)
    form = AccessRequestForm(request.POST or None, agreement=agreement)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif access.rate_limited(request.user):
            messages.error(request, _("Too many requests. Try again in an hour."))
            status = 429
        else:
            data = {name: form.cleaned_data[name] for name in AccessRequestForm.Meta.fields}
            created = access.create_request(request.user, dataset, data, agreement)
            messages.success(request, _("Your request was sent to the publisher."))
            return HttpResponseRedirect(reverse("catalog:access-request-detail", args=[created.pk]))
    ctx = {
        "dataset": dataset,
        "form": form,
        "agreement": agreement,
    }
    return render(request, "catalog/access_request_form.html", ctx, status=status)


def _detail_actions(access_request, deciding, own):
    """The forms the visitor may use now, by name."""
    status = access_request.status
    forms_ = {}
    if deciding and status in access.OPEN:
        forms_["ask"] = MessageForm(prefix="ask")
        forms_["approve"] = ApproveForm(prefix="approve")
    if deciding and status in (*access.OPEN, AccessRequest.Status.APPROVED):
        forms_["refuse"] = RefuseForm(prefix="refuse")
    if own and status in access.OPEN:
        forms_["answer"] = MessageForm(prefix="answer")
    if own and status in (*access.OPEN, AccessRequest.Status.APPROVED):
        forms_["withdraw"] = forms.Form(prefix="withdraw")
    return forms_


_FORMS = {"ask": MessageForm, "answer": MessageForm, "approve": ApproveForm}
_FORMS.update(refuse=RefuseForm, withdraw=forms.Form)


def _apply(action, access_request, user, data):
    if action == "ask":
        access.ask(access_request, user, data["body"])
        return _("Your question was sent to the requester.")
    if action == "answer":
        access.answer(access_request, user, data["body"])
        return _("Your message was sent to the publisher.")
    if action == "approve":
        access.approve(access_request, user, **data)
        return _("The request was approved.")
    if action == "refuse":
        access.refuse(access_request, user, data["reason"])
        return _("The request was refused.")
    access.withdraw(access_request)
    return _("Your request was withdrawn.")


@login_required
def access_request_detail(request, pk):
    access_request = get_object_or_404(access.visible_requests(request.user), pk=pk)
    deciding = access.can_decide(request.user, access_request.dataset)
    own = access_request.user_id == request.user.pk
    available = _detail_actions(access_request, deciding, own)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in available:
            messages.error(request, _("This is not possible any more: the request has changed."))
            return HttpResponseRedirect(request.path)
        form = _FORMS[action](request.POST, prefix=action)
        if form.is_valid():
            done = _apply(action, access_request, request.user, form.cleaned_data)
            messages.success(request, done)
            return HttpResponseRedirect(request.path)
        available[action] = form
        status = 400
    ctx = {
        "item": access_request,
        "dataset": access_request.dataset,
        "thread": access_request.messages.select_related("author"),
        "deciding": deciding,
        "own": own,
        "available": available,
        "active": AccessRequest.objects.active().filter(pk=pk).exists(),
        "policy": access.compact_snapshot(access_request.policy_snapshot or {}),
        "actions": [
            str(PolicyAction(a).label) for a in access_request.actions if a in PolicyAction.values
        ],
    }
    return render(request, "catalog/access_request_detail.html", ctx, status=status)


def _managed_publisher(request, slug):
    publisher = get_object_or_404(Publisher, slug=slug)
    if not Publisher.objects.editable_by(request.user).filter(pk=publisher.pk).exists():
        raise Http404
    return publisher


@login_required
def publisher_access_requests(request, slug):
    publisher = _managed_publisher(request, slug)
    requests = AccessRequest.objects.filter(dataset__publisher=publisher).select_related(
        "dataset", "user"
    )
    selected = request.GET.get("status", "")
    if selected in AccessRequest.Status.values:
        requests = requests.filter(status=selected)
    else:
        selected = ""
    ctx = {
        "publisher": publisher,
        "page_obj": _paginate(request, requests),
        "statuses": AccessRequest.Status.choices,
        "selected": selected,
    }
    return render(request, "catalog/access_request_list.html", ctx)


@login_required
def publisher_access_requests_csv(request, slug):
    publisher = _managed_publisher(request, slug)
    response = StreamingHttpResponse(
        access.csv_lines(publisher), content_type="text/csv; charset=utf-8"
    )
    filename = f"access-requests-{publisher.slug}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_access_requests(request):
    requests = AccessRequest.objects.filter(user=request.user).select_related("dataset")
    active = set(
        AccessRequest.objects.active().filter(user=request.user).values_list("pk", flat=True)
    )
    ctx = {"page_obj": _paginate(request, requests), "active": active}
    return render(request, "catalog/access_my_requests.html", ctx)


def _access_box(request, dataset):
    """Who may fetch which distribution, and what the sidebar's Access box offers."""
    grants = access.request_grants(request)
    distributions = dataset.distributions.all()
    for distribution in distributions:
        distribution.access_level = access.access_level(dataset, distribution)
        distribution.withheld = not grants.may_fetch(
            dataset, distribution, distribution.access_level
        )
    level = access.access_level(dataset)
    withheld = any(d.withheld for d in distributions)
    mine = None
    if request.user.is_authenticated and (level != "PUBLIC" or withheld):
        mine = (
            AccessRequest.objects.filter(dataset=dataset, user=request.user)
            .order_by("-created_at", "-pk")
            .first()
        )
    return {
        "level": level,
        "requestable": access.requestable(dataset, distributions),
        "has_access": grants.has_access(dataset),
        "withheld": withheld,
        "mine": mine,
        "fetchable": [d for d in distributions if not d.withheld],
    }


def _access_denied(request, dataset):
    """403 with a plain explanation, instead of a restricted file or its address."""
    ctx = {
        "dataset": dataset,
        "level": access.access_level(dataset),
        "requestable": access.requestable(dataset),
    }
    return render(request, "catalog/access_denied.html", ctx, status=403)


# Reuses (catalog.showcase) ----------------------------------------------------------------


def reuse_list(request):
    params = request.GET
    reuses = showcase.with_datasets(showcase.filter_reuses(Reuse.objects.approved(), params))
    with_reuses = Reuse.objects.approved().values("datasets__publisher")
    publishers = Publisher.objects.filter(pk__in=with_reuses)
    slug = params.get("dataset", "").strip()
    ctx = {
        "page_obj": _paginate(request, reuses),
        "filters": {name: params.get(name, "").strip() for name in showcase.FILTERS},
        "types": Reuse.Type.choices,
        "publishers": sorted(publishers, key=lambda p: str(p.name).casefold()),
        "dataset": Dataset.objects.published().filter(slug=slug).first() if slug else None,
    }
    return render(request, "catalog/reuse_list.html", ctx)


def _visible_reuse(request, slug):
    return get_object_or_404(showcase.visible_to(request.user), slug=slug)


def reuse_detail(request, slug):
    reuse = get_object_or_404(showcase.with_datasets(showcase.visible_to(request.user)), slug=slug)
    can_moderate = reuse.status != Reuse.Status.APPROVED and showcase.may_moderate(
        request.user, reuse
    )
    ctx = {"reuse": reuse, "can_moderate": can_moderate}
    return render(request, "catalog/reuse_detail.html", ctx)


def reuse_image(request, slug):
    reuse = _visible_reuse(request, slug)
    if not reuse.image:
        raise Http404
    content_type = mimetypes.guess_type(reuse.image.name)[0] or "application/octet-stream"
    try:
        handle = reuse.image.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def reuse_create(request):
    if request.method == "POST":
        chosen = request.POST.getlist("datasets")
        find = request.POST.get("find", "")
    else:
        chosen = request.GET.getlist("dataset")
        find = ""
    finding = request.method == "POST" and request.POST.get("action") == "find"
    status = 200
    if request.method != "POST" or finding:
        # Looking for more datasets keeps the text typed so far, unvalidated.
        initial = {name: request.POST.get(name, "") for name in showcase.TEXT_FIELDS}
        form = showcase.ReuseForm(initial=initial if finding else None)
    elif showcase.rate_limited(request.user):
        form = showcase.ReuseForm(request.POST, request.FILES)
        messages.error(request, _("You registered many reuses just now. Try again in an hour."))
        status = 429
    else:
        form = showcase.ReuseForm(request.POST, request.FILES)
        if form.is_valid():
            showcase.register(form, request.user)
            messages.success(
                request,
                _("Thank you. Your reuse is shown once a publisher of the data approves it."),
            )
            return HttpResponseRedirect(reverse("catalog:my-reuses"))
        status = 400
    chosen, candidates = showcase.candidate_datasets(chosen, find)
    ctx = {
        "form": form,
        "chosen": chosen,
        "candidates": candidates,
        "find": find,
        "finding": finding,
    }
    return render(request, "catalog/reuse_form.html", ctx, status=status)


@login_required
def reuse_moderation(request):
    if not showcase.moderates_any(request.user):
        raise PermissionDenied
    pending = showcase.moderatable_by(request.user).filter(status=Reuse.Status.PENDING)
    ctx = {"page_obj": _paginate(request, showcase.with_datasets(pending))}
    return render(request, "catalog/reuse_moderation.html", ctx)


@login_required
@require_POST
def reuse_moderate(request, slug):
    reuse = get_object_or_404(showcase.moderatable_by(request.user), slug=slug)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        return _plain(_("Choose approve or reject."), 400)
    showcase.moderate(reuse, request.user, approve=decision == "approve")
    if decision == "approve":
        messages.success(request, _("“%(title)s” is published.") % {"title": reuse.title})
    else:
        messages.success(request, _("“%(title)s” was rejected.") % {"title": reuse.title})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("catalog:reuse-detail", args=[reuse.slug])
    return HttpResponseRedirect(target)


@login_required
def my_reuses(request):
    reuses = Reuse.objects.filter(submitted_by=request.user)
    ctx = {
        "page_obj": _paginate(request, reuses),
        "can_moderate": showcase.moderates_any(request.user),
    }
    return render(request, "catalog/reuse_mine.html", ctx)
