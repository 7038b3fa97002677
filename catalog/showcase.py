"""Reuses (showcases): registering how datasets were reused, moderating, notifying.

Anyone signed in registers a reuse of published datasets; it stays pending until a member
of a publisher of one of its datasets, or a site manager, approves it. Only approved reuses
appear on public surfaces (pages, REST API, sitemap): every public query starts from
Reuse.objects.approved(). E-mails go out after the commit and never fail a request.
"""

import logging

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from catalog import ratelimit
from catalog.models import Dataset, Publisher, PublisherMembership, Reuse, is_site_manager
from catalog.search import search_datasets

logger = logging.getLogger(__name__)

# Submissions one user may make per hour; spam is cheap, moderation is not.
SUBMISSIONS_PER_HOUR = 5
# Datasets offered as checkboxes when the form has no search words.
CANDIDATES = 20
# The query parameters of /reuses/ and /api/v1/reuses/.
FILTERS = ["type", "dataset", "publisher", "q"]
# The form's fields kept as typed while the visitor looks for more datasets.
TEXT_FIELDS = ["title", "type", "url", "description", "author"]
# Paths under /reuses/ that are pages, not reuses.
RESERVED_SLUGS = {"new", "moderation"}


# Who sees what -----------------------------------------------------------------------------


def moderatable_by(user):
    """Reuses `user` may approve or reject: those of their publishers' datasets; all for
    site managers."""
    if is_site_manager(user):
        return Reuse.objects.all()
    if not user.is_authenticated:
        return Reuse.objects.none()
    own = Publisher.objects.filter(memberships__user=user)
    linked = Reuse.objects.filter(datasets__publisher__in=own).values("pk")
    return Reuse.objects.filter(pk__in=linked)


def moderates_any(user) -> bool:
    """Site managers and members of a publisher moderate reuses (of their data)."""
    return is_site_manager(user) or (
        user.is_authenticated and PublisherMembership.objects.filter(user=user).exists()
    )


def may_moderate(user, reuse: Reuse) -> bool:
    return moderatable_by(user).filter(pk=reuse.pk).exists()


def visible_to(user):
    """Approved reuses, plus the user's own and those they may moderate (for previews)."""
    if is_site_manager(user):
        return Reuse.objects.all()
    if not user.is_authenticated:
        return Reuse.objects.approved()
    return Reuse.objects.filter(
        Q(status=Reuse.Status.APPROVED)
        | Q(submitted_by=user)
        | Q(pk__in=moderatable_by(user).values("pk"))
    )


def with_datasets(reuses):
    """Each reuse's published datasets (drafts and withdrawn ones never show) as
    `.public_datasets`, in a fixed number of queries."""
    published = Dataset.objects.published().select_related("publisher").order_by("slug")
    return reuses.prefetch_related(
        Prefetch("datasets", queryset=published, to_attr="public_datasets")
    )


def filter_reuses(reuses, params):
    """The /reuses/ filters (also the REST API's): type, dataset, publisher (slugs), q."""
    kind = params.get("type", "").strip()
    if kind:
        reuses = reuses.filter(type=kind)
    dataset = params.get("dataset", "").strip()
    if dataset:
        linked = Dataset.objects.published().filter(slug=dataset)
        reuses = reuses.filter(pk__in=Reuse.objects.filter(datasets__in=linked).values("pk"))
    publisher = params.get("publisher", "").strip()
    if publisher:
        linked = Dataset.objects.published().filter(publisher__slug=publisher)
        reuses = reuses.filter(pk__in=Reuse.objects.filter(datasets__in=linked).values("pk"))
    query = params.get("q", "").strip()[:200]
    if query:
        reuses = reuses.filter(title__icontains=query)
    return reuses


# Registering -------------------------------------------------------------------------------


class ReuseForm(forms.ModelForm):
    url = forms.URLField(
        label=_("web address"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=_("Where people can see the reuse, e.g. the app or the article."),
    )
    datasets = forms.ModelMultipleChoiceField(
        # The queryset is the validation: a slug of a draft or withdrawn dataset is refused.
        queryset=Dataset.objects.published(),
        to_field_name="slug",
        label=_("Datasets used"),
        error_messages={
            "required": _("Choose at least one dataset that this reuse uses."),
            "invalid_choice": _("%(value)s is not a published dataset."),
        },
    )

    class Meta:
        model = Reuse
        fields = ["title", "type", "url", "description", "image", "author", "datasets"]
        help_texts = {
            "description": _(
                "What it is and how it uses the data. Markdown: **bold**, [link](https://…)."
            ),
        }


def _submissions_key(user) -> str:
    return f"reuse-submissions:{user.pk}"


def rate_limited(user) -> bool:
    """True once `user` registered SUBMISSIONS_PER_HOUR reuses in the last hour or so."""
    return cache.get(_submissions_key(user), 0) >= SUBMISSIONS_PER_HOUR


def _count_submission(user) -> None:
    ratelimit.count(_submissions_key(user), 3600)


def candidate_datasets(chosen_slugs, words: str):
    """Published datasets to offer as checkboxes: the chosen ones first, then those matching
    `words` (or the newest ones)."""
    published = Dataset.objects.published().select_related("publisher")
    chosen = list(published.filter(slug__in=list(chosen_slugs)[:50]).order_by("slug"))
    if words.strip():
        found = search_datasets(published, words).order_by("-search_rank", "-published_at")
    else:
        found = published.order_by("-published_at", "-pk")
    others = found.exclude(pk__in=[d.pk for d in chosen])[:CANDIDATES]
    return chosen, list(others)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "reuse"
    if base in RESERVED_SLUGS:
        base = f"{base}-reuse"
    slug, number = base, 2
    while Reuse.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def register(form: ReuseForm, user) -> Reuse:
    """Save a valid form as a pending reuse by `user`; publishers hear of it after commit.

    If anything fails after the image was stored, the image is removed again: a failed
    submission leaves no file and no row behind.
    """
    reuse = form.save(commit=False)
    reuse.slug = _unique_slug(reuse.title)
    reuse.submitted_by = user
    reuse.status = Reuse.Status.PENDING
    try:
        with transaction.atomic():
            reuse.save()
            form.save_m2m()
            transaction.on_commit(lambda: notify_publishers(reuse.pk))
    except Exception:
        if reuse.image and reuse.image.name:
            reuse.image.storage.delete(reuse.image.name)
        raise
    _count_submission(user)
    return reuse


def moderate(reuse: Reuse, user, approve: bool) -> None:
    """Approve or reject `reuse` (the caller checked may_moderate); the submitter hears."""
    reuse.status = Reuse.Status.APPROVED if approve else Reuse.Status.REJECTED
    reuse.moderated_by = user
    reuse.moderated_at = timezone.now()
    reuse.save(update_fields=["status", "moderated_by", "moderated_at"])
    transaction.on_commit(lambda: notify_submitter(reuse.pk))


# Notifications -----------------------------------------------------------------------------


def _send(subject: str, body: str, recipients: list[str]) -> None:
    for address in recipients:
        try:
            send_mail(subject, body, None, [address])
        except Exception:
            # A mail server that is down must not undo or fail a submission.
            logger.exception("Could not send a reuse e-mail to %s", address)


def notify_publishers(reuse_id: int) -> None:
    """Tell the members of every publisher whose data the reuse uses."""
    reuse = Reuse.objects.filter(pk=reuse_id).first()
    if reuse is None:
        return
    datasets = list(reuse.datasets.published().select_related("publisher"))
    members = PublisherMembership.objects.filter(
        publisher__in={d.publisher_id for d in datasets}, user__is_active=True
    ).exclude(user__email="")
    recipients = sorted(set(members.values_list("user__email", flat=True)))
    context = {
        "reuse": reuse,
        "datasets": datasets,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with override(settings.LANGUAGE_CODE):
        subject = _("New reuse of your data: %(title)s") % {"title": reuse.title}
        body = render_to_string("catalog/email/reuse_submitted.txt", context)
    _send(str(subject), body, recipients)


def notify_submitter(reuse_id: int) -> None:
    reuse = Reuse.objects.select_related("submitted_by").filter(pk=reuse_id).first()
    if reuse is None or reuse.submitted_by is None or not reuse.submitted_by.email:
        return
    context = {"reuse": reuse, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
    with override(settings.LANGUAGE_CODE):
        if reuse.status == Reuse.Status.APPROVED:
            subject = _("Your reuse is published: %(title)s")
        else:
            subject = _("Your reuse was not published: %(title)s")
        subject = subject % {"title": reuse.title}
        body = render_to_string("catalog/email/reuse_decision.txt", context)
    _send(str(subject), body, [reuse.submitted_by.email])
