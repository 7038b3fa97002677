"""Data requests: asking for data that is not in the catalogue, and its public lifecycle.

Anyone signed in files a request; others support ("I need this too") and discuss it. The
community's managers, the members of the owning publisher and site managers move it along
TRANSITIONS, the one place that says which step may follow which and by whom. Every step is
a DataRequestEvent with its explanation, and tells the requester, supporters and followers.
Hidden, held or deleted requests and comments stay out of every public view.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django.views.decorators.http import require_POST

from catalog.markdown import render_markdown
from catalog.models import (
    SITE_MANAGERS_GROUP,
    Dataset,
    Publisher,
    PublisherMembership,
    is_site_manager,
)
from communities import moderation
from communities.antiabuse import BODY_MAX_LENGTH, HoneypotMixin, rate_limited
from communities.models import (
    Community,
    DataRequest,
    DataRequestComment,
    DataRequestEvent,
    Follow,
    Membership,
)
from communities.notify import notify

Status = DataRequest.Status
MANAGER, OWNER = "manager", "owner"
BOTH = frozenset({MANAGER, OWNER})
MANAGERS = frozenset({MANAGER})

# From each status, the statuses that may follow and who may take the step: community
# managers (and site managers), or members of the owning publisher. Forwarding is the
# managers' job; closed requests can only be reopened for review, except published ones.
TRANSITIONS = {
    Status.SUBMITTED: {
        Status.UNDER_REVIEW: MANAGERS,
        Status.FORWARDED: MANAGERS,
        Status.PLANNED: BOTH,
        Status.NOT_AVAILABLE: BOTH,
        Status.ALREADY_AVAILABLE: BOTH,
    },
    Status.UNDER_REVIEW: {
        Status.FORWARDED: MANAGERS,
        Status.PLANNED: BOTH,
        Status.NOT_AVAILABLE: BOTH,
        Status.ALREADY_AVAILABLE: BOTH,
    },
    Status.FORWARDED: {
        Status.PLANNED: BOTH,
        Status.PUBLISHED: BOTH,
        Status.NOT_AVAILABLE: BOTH,
        Status.ALREADY_AVAILABLE: BOTH,
    },
    Status.PLANNED: {
        Status.PUBLISHED: BOTH,
        Status.NOT_AVAILABLE: BOTH,
    },
    Status.NOT_AVAILABLE: {Status.UNDER_REVIEW: MANAGERS},
    Status.ALREADY_AVAILABLE: {Status.UNDER_REVIEW: MANAGERS},
    Status.PUBLISHED: {},
}
# Statuses that still wait for someone to act: these are reminded when left untouched.
OPEN = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.FORWARDED, Status.PLANNED]
NEEDS_DATASET = {Status.PUBLISHED, Status.ALREADY_AVAILABLE}

PURPOSE_MAX = 2_000
EXPLANATION_MAX = 5_000
PAGE_SIZE = 20


# Who may do what ---------------------------------------------------------------------------


def roles_of(user, data_request: DataRequest) -> frozenset:
    """The lifecycle roles `user` holds on the request: manager, owner, both or none."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if is_site_manager(user):
        return BOTH
    roles = set()
    if (
        data_request.community_id
        and Membership.objects.filter(
            community_id=data_request.community_id,
            user=user,
            role=Membership.Role.MANAGER,
            status=Membership.Status.ACTIVE,
        ).exists()
    ):
        roles.add(MANAGER)
    if (
        data_request.owner_id
        and PublisherMembership.objects.filter(
            publisher_id=data_request.owner_id, user=user
        ).exists()
    ):
        roles.add(OWNER)
    return frozenset(roles)


def next_statuses(user, data_request: DataRequest) -> list:
    """The statuses `user` may move the request to now, in lifecycle order."""
    roles = roles_of(user, data_request)
    allowed = TRANSITIONS.get(data_request.status, {})
    return [status for status in Status if roles & allowed.get(status, frozenset())]


def visible_requests(user):
    """Requests `user` may open: the visible ones, their own (hidden or held, with a notice),
    and those moderators decide on (all for site moderators, their communities' otherwise)."""
    if not user.is_authenticated:
        return DataRequest.objects.visible()
    if moderation.is_site_moderator(user):
        return DataRequest.objects.all()
    return DataRequest.objects.filter(
        Q(pk__in=DataRequest.objects.visible().values("pk"))
        | Q(author=user, is_deleted=False)
        | Q(community__in=moderation.moderated_communities(user), is_deleted=False)
    )


def visible_comments(user, data_request):
    """The request's comments `user` sees: visible ones, their own, all for its moderators."""
    comments = DataRequestComment.objects.filter(request=data_request, is_deleted=False)
    if not user.is_authenticated:
        return comments.visible()
    if moderation.is_site_moderator(user) or (
        data_request.community_id in moderation.moderated_communities(user)
    ):
        return comments
    return comments.filter(Q(is_hidden=False, is_held=False) | Q(author=user))


# Forms -------------------------------------------------------------------------------------


class DataRequestForm(HoneypotMixin, forms.ModelForm):
    body = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What data you need, in as much detail as you can. Markdown: **bold**, [link](https://…)."
        ),
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        max_length=PURPOSE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What you would do with the data."),
    )
    owner = forms.ModelChoiceField(
        queryset=Publisher.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        label=gettext_lazy("Publisher that may hold it"),
        empty_label=gettext_lazy("Not in the list / don't know"),
    )
    community = forms.ModelChoiceField(
        queryset=Community.objects.all(),
        to_field_name="slug",
        required=False,
        label=gettext_lazy("Community"),
        empty_label=gettext_lazy("None"),
    )

    class Meta:
        model = DataRequest
        fields = [
            "title",
            "body",
            "possible_owner",
            "owner",
            "purpose",
            "desired_format",
            "desired_period",
            "commercial",
            "community",
        ]
        help_texts = {
            "possible_owner": gettext_lazy("Who may hold the data, if you know or suspect it."),
            "desired_format": gettext_lazy("For example CSV, GeoJSON or an API."),
            "desired_period": gettext_lazy("For example 2015 to now, or updated daily."),
            "commercial": gettext_lazy("Tick if you would use the data commercially."),
        }


class CommentForm(HoneypotMixin, forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Markdown."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"))
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason (when not available)"),
        choices=[("", "—"), *DataRequest.Reason.choices],
        required=False,
    )
    dataset = forms.ModelChoiceField(
        # Any dataset here: change_status() refuses unpublished ones with a clear message.
        queryset=Dataset.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.TextInput,
        label=gettext_lazy("Dataset (identifier in its web address)"),
        error_messages={"invalid_choice": gettext_lazy("No dataset has this identifier.")},
    )
    owner = forms.ModelChoiceField(
        queryset=Publisher.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        label=gettext_lazy("Owner (when forwarding)"),
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation (shown publicly)"),
        max_length=EXPLANATION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]


# The lifecycle -----------------------------------------------------------------------------


def _status_errors(data_request, *, status, reason, explanation, dataset, owner) -> dict:
    errors = {}
    if status == Status.NOT_AVAILABLE:
        if reason not in DataRequest.Reason.values:
            errors["reason"] = _("Say why the data is not available.")
        elif reason == DataRequest.Reason.OTHER and not explanation.strip():
            errors["explanation"] = _("Explain the reason.")
    if status in NEEDS_DATASET:
        if dataset is None:
            errors["dataset"] = _("Link the published dataset.")
        elif not Dataset.objects.published().filter(pk=dataset.pk).exists():
            errors["dataset"] = _("This dataset is not published.")
    if status == Status.FORWARDED and owner is None and data_request.owner_id is None:
        errors["owner"] = _("Choose the publisher to forward the request to.")
    if len(explanation) > EXPLANATION_MAX:
        errors["explanation"] = _("The explanation is too long.")
    return errors


def change_status(
    data_request, *, actor, status, explanation="", reason="", dataset=None, owner=None
) -> DataRequestEvent:
    """Move the request to `status` if TRANSITIONS lets `actor` do so; record and notify.

    Raises PermissionDenied for a step the actor may not take and ValidationError (by
    field) for a missing reason, explanation, owner or published dataset.
    """
    if status not in next_statuses(actor, data_request):
        raise PermissionDenied(_("You cannot make this change."))
    errors = _status_errors(
        data_request,
        status=status,
        reason=reason,
        explanation=explanation,
        dataset=dataset,
        owner=owner,
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    data_request.status = status
    data_request.status_changed_at = now
    data_request.reason = reason if status == Status.NOT_AVAILABLE else ""
    if status in NEEDS_DATASET:
        data_request.dataset = dataset
    if owner is not None and status == Status.FORWARDED:
        data_request.owner = owner
    with transaction.atomic():
        data_request.save(
            update_fields=["status", "status_changed_at", "reason", "dataset", "owner"]
        )
        event = DataRequestEvent.objects.create(
            request=data_request,
            status=status,
            explanation=explanation.strip(),
            actor=actor,
            created_at=now,
        )
        with override(settings.LANGUAGE_CODE):
            message = _("Data request “%(title)s” is now: %(status)s") % {
                "title": data_request.title,
                "status": Status(status).label,
            }
        notify(
            _interested(data_request),
            "data_request_status",
            message,
            data_request.get_absolute_url(),
            actor=actor,
        )
    return event


def _interested(data_request) -> list:
    """The requester, the supporters and the followers of a request."""
    User = get_user_model()  # noqa: N806
    followers = Follow.objects.filter(data_request=data_request).values("user_id")
    return list(
        User.objects.filter(
            Q(pk=data_request.author_id)
            | Q(pk__in=data_request.supporters.values("pk"))
            | Q(pk__in=followers)
        )
    )


def _site_managers():
    User = get_user_model()  # noqa: N806
    return User.objects.filter(
        Q(is_superuser=True) | Q(groups__name=SITE_MANAGERS_GROUP), is_active=True
    ).distinct()


def _managers_of(community):
    """Who looks after requests in `community`: its managers, or the site managers when it
    has none (or there is no community)."""
    if community is not None:
        User = get_user_model()  # noqa: N806
        managers = User.objects.filter(
            community_memberships__community=community,
            community_memberships__role=Membership.Role.MANAGER,
            community_memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        if managers.exists():
            return list(managers)
    return list(_site_managers())


def submit(form: DataRequestForm, user) -> DataRequest:
    """Save a valid form as a submitted request; the managers and owner hear of it."""
    data_request = form.save(commit=False)
    data_request.author = user
    data_request.status = Status.SUBMITTED
    data_request.is_held = moderation.should_hold(user)
    with transaction.atomic():
        data_request.save()
        DataRequestEvent.objects.create(
            request=data_request,
            status=Status.SUBMITTED,
            actor=user,
            created_at=data_request.status_changed_at,
        )
        # The managers moderate a held request too; the owner only hears of released ones.
        recipients = _managers_of(data_request.community)
        if data_request.owner_id and not data_request.is_held:
            recipients += [m.user for m in data_request.owner.memberships.select_related("user")]
        with override(settings.LANGUAGE_CODE):
            message = _("New data request: %(title)s") % {"title": data_request.title}
        notify(recipients, "data_request_new", message, data_request.get_absolute_url(), actor=user)
    return data_request


def add_comment(data_request, user, body: str) -> DataRequestComment:
    with transaction.atomic():
        comment = DataRequestComment.objects.create(
            request=data_request, author=user, body=body, is_held=moderation.should_hold(user)
        )
        if comment.is_held:  # the moderators release it; nobody hears of it before that
            return comment
        with override(settings.LANGUAGE_CODE):
            message = _("New comment on data request “%(title)s”") % {"title": data_request.title}
        followers = Follow.objects.filter(data_request=data_request).values("user_id")
        User = get_user_model()  # noqa: N806
        recipients = User.objects.filter(Q(pk=data_request.author_id) | Q(pk__in=followers))
        notify(
            recipients,
            "data_request_comment",
            message,
            data_request.get_absolute_url() + f"#comment-{comment.pk}",
            actor=user,
        )
    return comment


# Reminders ---------------------------------------------------------------------------------


def stale_requests(now=None):
    """Open, visible requests whose status has not changed for DATA_REQUEST_REMINDER_DAYS
    and whose managers were not reminded in this period yet."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DATA_REQUEST_REMINDER_DAYS)
    return DataRequest.objects.visible().filter(
        Q(reminded_at__isnull=True)
        | Q(reminded_at__lte=cutoff)
        # A reminder about an earlier status does not count for the current one.
        | Q(reminded_at__lt=F("status_changed_at")),
        status__in=OPEN,
        status_changed_at__lte=cutoff,
    )


def send_reminders(now=None) -> int:
    """Remind the managers of every stale request once per period; returns how many
    requests were reminded about. Idempotent within a period (reminded_at)."""
    now = now or timezone.now()
    reminded = 0
    for data_request in stale_requests(now).select_related("community").order_by("pk"):
        with override(settings.LANGUAGE_CODE):
            message = _(
                "Data request “%(title)s” has waited %(days)s days without a status change."
            ) % {"title": data_request.title, "days": (now - data_request.status_changed_at).days}
        with transaction.atomic():
            # Claim the request first, so two overlapping runs do not both remind.
            claimed = stale_requests(now).filter(pk=data_request.pk).update(reminded_at=now)
            if claimed:
                notify(
                    _managers_of(data_request.community),
                    "data_request_reminder",
                    message,
                    data_request.get_absolute_url(),
                )
                reminded += 1
    return reminded


# Views -------------------------------------------------------------------------------------


def _paginate(request, items):
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


def filter_requests(requests, params):
    """The list's filters (also usable by the API): status, community and owner slugs."""
    status = params.get("status", "").strip()
    if status in Status.values:
        requests = requests.filter(status=status)
    community = params.get("community", "").strip()[:100]
    if community:
        requests = requests.filter(community__slug=community)
    owner = params.get("owner", "").strip()[:200]
    if owner:
        requests = requests.filter(owner__slug=owner)
    return requests


def for_list(requests):
    """What a request card shows, in a fixed number of queries."""
    return requests.select_related("community", "owner", "author").annotate(
        supporter_count=Count("supporters", distinct=True)
    )


def request_list(request):
    params = request.GET
    requests = for_list(filter_requests(DataRequest.objects.visible(), params))
    ctx = {
        "page_obj": _paginate(request, requests.order_by("-created_at", "-pk")),
        "statuses": Status.choices,
        "communities": Community.objects.all(),
        "owners": Publisher.objects.filter(
            pk__in=DataRequest.objects.visible().values("owner")
        ).order_by("slug"),
        "filters": {name: params.get(name, "") for name in ("status", "community", "owner")},
    }
    return render(request, "communities/request_list.html", ctx)


@login_required
def request_create(request):
    status = 200
    if request.method == "POST":
        form = DataRequestForm(request.POST)
        if rate_limited(request, "data-request"):
            messages.error(request, _("You made many requests just now. Try again in an hour."))
            status = 429
        elif form.is_valid():
            data_request = submit(form, request.user)
            messages.success(request, _("Thank you. Your request is published."))
            return HttpResponseRedirect(data_request.get_absolute_url())
        else:
            status = 400
    else:
        community = Community.objects.filter(slug=request.GET.get("community", "")[:100]).first()
        form = DataRequestForm(initial={"community": community} if community else None)
    return render(request, "communities/request_form.html", {"form": form}, status=status)


def _get_request(request, pk):
    return get_object_or_404(
        visible_requests(request.user).select_related("community", "owner", "author", "dataset"),
        pk=pk,
    )


def request_detail(request, pk, *, comment_form=None, status_form=None, status=200):
    data_request = _get_request(request, pk)
    user = request.user
    comments = visible_comments(user, data_request).select_related("author")
    statuses = next_statuses(user, data_request)
    # A dataset only shows when it is published: a link to a withdrawn one would leak it.
    dataset = data_request.dataset
    if dataset is not None and not Dataset.objects.published().filter(pk=dataset.pk).exists():
        dataset = None
    ctx = {
        "data_request": data_request,
        "body_html": render_markdown(data_request.body),
        "dataset": dataset,
        "events": data_request.events.select_related("actor"),
        "comments": [(c, render_markdown(c.body)) for c in comments],
        "supporter_count": data_request.supporters.count(),
        "following": user.is_authenticated
        and Follow.objects.filter(user=user, data_request=data_request).exists(),
        "supporting": user.is_authenticated and data_request.supporters.filter(pk=user.pk).exists(),
        "comment_form": comment_form or CommentForm(),
        "status_form": status_form or (StatusForm(statuses=statuses) if statuses else None),
    }
    return render(request, "communities/request_detail.html", ctx, status=status)


@login_required
@require_POST
def request_support(request, pk):
    data_request = _get_request(request, pk)
    if not data_request.is_visible:
        raise Http404
    if request.POST.get("action") == "unsupport":
        data_request.supporters.remove(request.user)
        messages.success(request, _("You no longer support this request."))
    elif data_request.author_id == request.user.pk:
        messages.info(request, _("This is your own request."))
    else:
        data_request.supporters.add(request.user)
        messages.success(request, _("Thank you: your support is counted."))
    return HttpResponseRedirect(data_request.get_absolute_url())


@login_required
@require_POST
def request_comment(request, pk):
    data_request = _get_request(request, pk)
    if not data_request.is_visible:
        raise Http404
    form = CommentForm(request.POST)
    if rate_limited(request, "post"):
        messages.error(request, _("You commented a lot just now. Try again in an hour."))
        return request_detail(request, pk, comment_form=form, status=429)
    if not form.is_valid():
        return request_detail(request, pk, comment_form=form, status=400)
    comment = add_comment(data_request, request.user, form.cleaned_data["body"])
    return HttpResponseRedirect(data_request.get_absolute_url() + f"#comment-{comment.pk}")


@login_required
@require_POST
def request_status(request, pk):
    data_request = _get_request(request, pk)
    statuses = next_statuses(request.user, data_request)
    if not statuses:
        raise PermissionDenied
    form = StatusForm(request.POST, statuses=statuses)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change_status(
                data_request,
                actor=request.user,
                status=data["status"],
                explanation=data["explanation"],
                reason=data["reason"],
                dataset=data["dataset"],
                owner=data["owner"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status is changed."))
            return HttpResponseRedirect(data_request.get_absolute_url() + "#history")
    return request_detail(request, pk, status_form=form, status=400)
