"""Access requests for restricted data ("data deals"), and who may fetch what.

A restricted distribution's real location (its uploaded file, download and access URLs)
is only for those entitled to it: members of the dataset's publisher, site managers and
re-users with an approved, still-active access request for the dataset. Every surface
that shows distributions (the dataset page, REST, CKAN, DCAT, schema.org) asks
`Grants.may_fetch()` and, when it says no, shows the portal's guarded download URL or the
dataset's access-request page instead. The portal download view asks the same question.

The request itself is the agreement record: who asked, for what use, which agreement
version they accepted and when, a snapshot of the conditions in force, and the decision.
"""

import csv
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog import ratelimit
from catalog.models import (
    AccessRequest,
    AccessRequestMessage,
    Agreement,
    Dataset,
    Publisher,
    PublisherMembership,
    is_site_manager,
)
from catalog.reuse import NON_PUBLIC, PUBLIC, RESTRICTED, Conditions, effective_conditions

logger = logging.getLogger(__name__)

Status = AccessRequest.Status
OPEN = (Status.PENDING, Status.QUESTION)
# A stranger can post the request form: a few requests an hour is plenty for a person.
RATE_LIMIT = 5
RATE_WINDOW = 3600


# Who may fetch what ------------------------------------------------------------------------


def access_level(dataset: Dataset, distribution=None) -> str:
    """PUBLIC, RESTRICTED or NON_PUBLIC, as catalog.reuse decides it.

    Only the licence and access rights decide this, so the policy rules are not loaded:
    list pages and exports call it for every distribution.
    """
    if distribution is None:
        return level_of(dataset.licence, dataset.access_rights)
    return level_of(
        distribution.licence or dataset.licence,
        distribution.access_rights or dataset.access_rights,
    )


def level_of(licence, access_rights) -> str:
    """The access level of this licence and access-rights concept (either may be None)."""
    return Conditions(None, None, licence=licence, access_rights=access_rights).access


@dataclass(frozen=True)
class Grants:
    """What one visitor is entitled to beyond public data."""

    site_manager: bool = False
    publisher_ids: frozenset = frozenset()
    dataset_ids: frozenset = frozenset()  # with an active, approved access request

    def manages(self, dataset) -> bool:
        return self.site_manager or dataset.publisher_id in self.publisher_ids

    def has_access(self, dataset) -> bool:
        """Entitled to every restricted distribution of the dataset."""
        return self.manages(dataset) or dataset.pk in self.dataset_ids

    def may_fetch(self, dataset, distribution=None, level=None) -> bool:
        """May this visitor have the file and the real URLs of the distribution?"""
        level = level or access_level(dataset, distribution)
        if level == PUBLIC or self.manages(dataset):
            return True
        # Non-public data is not handed out on request, even after an earlier approval.
        return level == RESTRICTED and dataset.pk in self.dataset_ids


NOBODY = Grants()


def grants_for(user) -> Grants:
    """The grants of a user, in at most two queries."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    if is_site_manager(user):
        return Grants(site_manager=True)
    publishers = PublisherMembership.objects.filter(user=user).values_list("publisher_id")
    datasets = AccessRequest.objects.active().filter(user=user).values_list("dataset_id")
    return Grants(
        publisher_ids=frozenset(pk for (pk,) in publishers),
        dataset_ids=frozenset(pk for (pk,) in datasets),
    )


def request_grants(request) -> Grants:
    """grants_for(request.user), worked out once per HTTP request."""
    if request is None:
        return NOBODY
    grants = getattr(request, "_access_grants", None)
    if grants is None:
        grants = request._access_grants = grants_for(getattr(request, "user", None))
    return grants


def request_url(dataset, level: str) -> str:
    """Where to go instead of a withheld distribution of this access level: the dataset's
    access-request page when restricted, the dataset page (reason, contact) otherwise."""
    if level != RESTRICTED:
        return settings.SITE_URL + dataset.get_absolute_url()
    return settings.SITE_URL + reverse("catalog:access-request-create", args=[dataset.slug])


def requestable(dataset, distributions=None) -> bool:
    """Can access be requested: the dataset, or one of its distributions, is restricted
    (a non-public dataset offers no request, only contact)."""
    level = access_level(dataset)
    if level == RESTRICTED:
        return True
    if level == NON_PUBLIC:
        return False
    if distributions is None:
        distributions = dataset.distributions.select_related("licence", "access_rights")
    return any(access_level(dataset, d) == RESTRICTED for d in distributions)


# Requests --------------------------------------------------------------------------------


def can_decide(user, dataset) -> bool:
    """Members of the dataset's publisher and site managers decide on its requests."""
    return grants_for(user).manages(dataset)


def visible_requests(user):
    """The requests a user may open: their own, and those on their publishers' datasets."""
    requests = AccessRequest.objects.select_related("dataset__publisher", "user", "agreement")
    if is_site_manager(user):
        return requests
    publishers = Publisher.objects.filter(memberships__user=user)
    return requests.filter(Q(user=user) | Q(dataset__publisher__in=publishers))


def current_agreement(dataset) -> Agreement | None:
    return dataset.agreements.order_by("-version").first()


def open_request(user, dataset) -> AccessRequest | None:
    """The user's request on the dataset that still waits for a decision, if any."""
    return AccessRequest.objects.filter(user=user, dataset=dataset, status__in=OPEN).first()


def rate_limited(user) -> bool:
    """Count a request creation; True once the user made too many in the last hour."""
    return ratelimit.count(f"access:requests:{user.pk}", RATE_WINDOW) > RATE_LIMIT


def policy_snapshot(dataset) -> dict:
    """The conditions in force, as plain JSON, for the agreement record."""
    conditions = effective_conditions(dataset)
    return {
        "licence": conditions.licence.code if conditions.licence else None,
        "access": conditions.access,
        "requires_agreement": conditions.requires_agreement,
        "rules": [
            {
                "kind": rule.kind,
                "action": rule.action,
                "purposes": rule.purposes,
                "recipient_types": rule.recipient_types,
                "territory": rule.territory,
                "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
                "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
            }
            for rule in conditions.rules
        ],
    }


def compact_snapshot(snapshot: dict) -> str:
    """One line for the CSV export: licence, access and each rule with its constraints."""
    parts = [f"licence={snapshot.get('licence') or '-'}", f"access={snapshot.get('access', '-')}"]
    for rule in snapshot.get("rules", []):
        text = f"{rule.get('kind')}:{rule.get('action')}"
        constraints = [*rule.get("purposes", []), *rule.get("recipient_types", [])]
        if rule.get("territory"):
            constraints.append(rule["territory"])
        if constraints:
            text += "[" + ",".join(constraints) + "]"
        parts.append(text)
    return "; ".join(parts)


@transaction.atomic
def create_request(user, dataset, data: dict, agreement: Agreement | None) -> AccessRequest:
    """Record a request, with the agreement version the user accepted and the conditions
    as they are now; the publisher's members hear of it once the transaction commits."""
    access_request = AccessRequest.objects.create(
        dataset=dataset,
        user=user,
        agreement=agreement,
        agreement_accepted_at=timezone.now() if agreement else None,
        policy_snapshot=policy_snapshot(dataset),
        **data,
    )
    notify_members(access_request, "access_new")
    return access_request


@transaction.atomic
def ask(access_request, author, body: str) -> None:
    """A member asks the requester a question; the request waits for the answer."""
    AccessRequestMessage.objects.create(request=access_request, author=author, body=body)
    _set_status(access_request, Status.QUESTION)
    notify_requester(access_request, "access_question", body=body)


@transaction.atomic
def answer(access_request, author, body: str) -> None:
    """The requester answers (or adds to) their request; it goes back to the publisher."""
    AccessRequestMessage.objects.create(request=access_request, author=author, body=body)
    _set_status(access_request, Status.PENDING)
    notify_members(access_request, "access_answer", body=body)


@transaction.atomic
def approve(access_request, by, *, access_until=None, extra_conditions="") -> None:
    access_request.access_until = access_until
    access_request.extra_conditions = extra_conditions
    access_request.decision_reason = ""
    _decide(access_request, by, Status.APPROVED)
    notify_requester(access_request, "access_approved")


@transaction.atomic
def refuse(access_request, by, reason: str) -> None:
    """Refuse a request, or end an approval: the reason is required and recorded."""
    access_request.decision_reason = reason
    _decide(access_request, by, Status.REFUSED)
    notify_requester(access_request, "access_refused")


def withdraw(access_request) -> None:
    _set_status(access_request, Status.WITHDRAWN)


def _decide(access_request, by, status) -> None:
    access_request.decided_by = by
    access_request.decided_at = timezone.now()
    access_request.status = status
    access_request.save()


def _set_status(access_request, status) -> None:
    access_request.status = status
    access_request.save(update_fields=["status", "updated_at"])


# Notifications ---------------------------------------------------------------------------


def member_emails(publisher) -> list[str]:
    members = publisher.members.filter(is_active=True).exclude(email="")
    return sorted(set(members.values_list("email", flat=True)))


def notify_members(access_request, template: str, **extra) -> None:
    recipients = member_emails(access_request.dataset.publisher)
    _send_on_commit(access_request, template, recipients, extra)


def notify_requester(access_request, template: str, **extra) -> None:
    email = access_request.user.email
    _send_on_commit(access_request, template, [email] if email else [], extra)


def _send_on_commit(access_request, template, recipients, extra) -> None:
    if not recipients:
        return
    pk = access_request.pk
    transaction.on_commit(lambda: send_notification(pk, template, recipients, extra))


# Marked for translation here, translated in the site's language when sent.
SUBJECTS = {
    "access_new": gettext_noop("New access request for “%(dataset)s”"),
    "access_answer": gettext_noop("Answer on the access request for “%(dataset)s”"),
    "access_question": gettext_noop("Question about your access request for “%(dataset)s”"),
    "access_approved": gettext_noop("Your access request for “%(dataset)s” was approved"),
    "access_refused": gettext_noop("Your access request for “%(dataset)s” was refused"),
}


def send_notification(pk, template, recipients, extra) -> bool:
    """Send one notification; a failing mail server is logged, never raised: the request
    itself is already saved, and the other side sees it on the portal anyway."""
    try:
        access_request = AccessRequest.objects.select_related("dataset", "user").get(pk=pk)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "request": access_request,
                "dataset": access_request.dataset,
                "site_name": settings.SITE_NAME,
                "url": settings.SITE_URL
                + reverse("catalog:access-request-detail", args=[access_request.pk]),
                **extra,
            }
            body = render_to_string(f"catalog/email/{template}.txt", context)
            subject = _(SUBJECTS[template]) % {"dataset": access_request.dataset.title}
        send_mail(
            f"{settings.SITE_NAME}: {subject}",
            body,
            None,
            recipients,
        )
        return True
    except Exception:
        logger.exception("Could not send %s for access request %s", template, pk)
        return False


# Audit trail -----------------------------------------------------------------------------

CSV_HEADER = [
    "request_id", "dataset", "user", "email", "organisation", "requested_at", "purpose",
    "commercial", "actions", "recipient_type", "territory", "period_start", "period_end",
    "description", "agreement_version", "agreement_accepted_at", "policy", "status",
    "decided_by", "decided_at", "reason", "extra_conditions", "access_until",
]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (re-users type these texts)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _iso(value) -> str:
    return value.isoformat() if value else ""


def csv_lines(publisher):
    """The publisher's access requests as CSV lines, oldest first, read in batches."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    requests = (
        AccessRequest.objects.filter(dataset__publisher=publisher)
        .select_related("dataset", "user", "agreement", "decided_by")
        .order_by("created_at", "pk")
    )
    for item in requests.iterator(chunk_size=500):
        decided_by = item.decided_by.get_username() if item.decided_by else ""
        row = [
            item.pk, item.dataset.slug, item.user.get_username(), item.user.email,
            item.organisation, _iso(item.created_at), item.purpose, item.commercial,
            " ".join(item.actions or []), item.recipient_type, item.territory,
            _iso(item.period_start), _iso(item.period_end), item.description,
            item.agreement.version if item.agreement else "", _iso(item.agreement_accepted_at),
            compact_snapshot(item.policy_snapshot or {}), item.status, decided_by,
            _iso(item.decided_at), item.decision_reason, item.extra_conditions,
            _iso(item.access_until),
        ]  # fmt: skip
        yield writer.writerow([_safe(value) for value in row])
