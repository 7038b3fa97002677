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
from django.core.exceptions import SuspiciousFileOperation
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
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from catalog import dcat, facetindex, profiling
from catalog.filters import DatasetFilter, facet_counts, index_facet_counts
from catalog.models import (
    ApiToken,
    Column,
    DataService,
    Dataset,
    DatasetRelation,
    Distribution,
    DistributionProfile,
    Keyword,
    Publisher,
    Status,
)
from catalog.search import query_terms
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
                "format", "licence", "link_check", "profile"
            ).prefetch_related(
                "languages",
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
    ctx = {
        "dataset": dataset,
        "distributions": dataset.distributions.all(),
        "profiled": profiling.worth_showing(dataset.distributions.all()),
        # Withdrawn targets stay listed (they were public); drafts do not.
        "relations": [
            r for r in dataset.relations.all() if not r.target_id or r.target.status != Status.DRAFT
        ],
        "can_edit": request.user.is_staff
        and Dataset.objects.editable_by(request.user).filter(pk=dataset.pk).exists(),
    }
    return render(request, "catalog/dataset_detail.html", ctx)


def distribution_schema(request, slug, uuid):
    """The Table Schema of a profiled distribution: columns, types and the owner's words."""
    distribution = get_object_or_404(
        Distribution.objects.select_related("dataset", "profile"),
        uuid=uuid,
        dataset__slug=slug,
        dataset__in=Dataset.objects.visible_to(request.user),
        profile__status=DistributionProfile.Status.OK,
    )
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
        Distribution.objects.select_related("dataset"),
        uuid=uuid,
        dataset__slug=slug,
        dataset__in=Dataset.objects.visible_to(request.user),
    )
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
