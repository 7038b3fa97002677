"""Membership of communities: joining and asking to join, managers' decisions and role
changes, leaving. Views check who may act; these functions keep the rules (a community
always keeps a manager) and notify the person a decision concerns, in their language."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from catalog.models import SITE_MANAGERS_GROUP, Publisher, is_site_manager
from communities.models import Membership
from communities.notify import notify
from communities.profiles import display_name


class Refused(Exception):
    """An action the rules do not allow; its message is for the person who tried."""


def membership_of(community, user) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(community=community, user=user).first()


def can_manage(community, user, membership: Membership | None = None) -> bool:
    """Active managers of the community and site managers manage its members.

    Pass the user's membership when it is already loaded, to save a query."""
    if is_site_manager(user):
        return True
    if membership is None:
        membership = membership_of(community, user)
    return (
        membership is not None
        and membership.status == Membership.Status.ACTIVE
        and membership.role == Membership.Role.MANAGER
    )


def managers(community):
    return get_user_model().objects.filter(
        community_memberships__community=community,
        community_memberships__role=Membership.Role.MANAGER,
        community_memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    )


def _site_managers():
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=SITE_MANAGERS_GROUP), is_active=True)
        .distinct()
    )


def join(community, user) -> Membership:
    """Join an open community as a re-user, or ask to join a closed one (its managers
    hear of it). Joining twice changes nothing."""
    status = Membership.Status.ACTIVE if community.is_open else Membership.Status.PENDING
    membership, created = Membership.objects.get_or_create(
        community=community,
        user=user,
        defaults={"status": status, "role": Membership.Role.REUSER},
    )
    if created and status == Membership.Status.PENDING:
        url = _members_url(community)
        # Without a manager of its own, the site managers decide.
        for manager in managers(community) or _site_managers():
            _tell(
                manager,
                "join_requested",
                _("%(person)s asks to join %(community)s."),
                url,
                actor=user,
                person=display_name(user),
                community=community,
            )
    return membership


def approve(membership: Membership, *, actor) -> None:
    if membership.status != Membership.Status.PENDING:
        raise Refused(_("This person is already a member."))
    membership.status = Membership.Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    _tell(
        membership.user,
        "join_approved",
        _("Welcome: you are now a member of %(community)s."),
        membership.community.get_absolute_url(),
        actor=actor,
        community=membership.community,
    )


def refuse(membership: Membership, *, actor) -> None:
    if membership.status != Membership.Status.PENDING:
        raise Refused(_("Only requests to join can be refused; remove members instead."))
    membership.delete()
    _tell(
        membership.user,
        "join_refused",
        _("Your request to join %(community)s was not accepted."),
        membership.community.get_absolute_url(),
        actor=actor,
        community=membership.community,
    )


def leave(membership: Membership) -> None:
    """Leave a community, or withdraw a request to join it."""
    with transaction.atomic():
        _keep_a_manager(membership)
        membership.delete()


def remove(membership: Membership, *, actor) -> None:
    with transaction.atomic():
        _keep_a_manager(membership)
        membership.delete()
    _tell(
        membership.user,
        "member_removed",
        _("You are no longer a member of %(community)s."),
        membership.community.get_absolute_url(),
        actor=actor,
        community=membership.community,
    )


def change_role(membership: Membership, *, role: str, publisher=None, actor) -> None:
    """Give a member another role; data owners may represent one of their publishers."""
    if membership.status != Membership.Status.ACTIVE:
        raise Refused(_("Approve the request to join first."))
    with transaction.atomic():
        if role != Membership.Role.MANAGER:
            _keep_a_manager(membership)
        membership.role = role
        membership.publisher = publisher if role == Membership.Role.OWNER else None
        membership.save(update_fields=["role", "publisher"])
    _tell(
        membership.user,
        "role_changed",
        _("Your role in %(community)s is now: %(role)s."),
        membership.community.get_absolute_url(),
        actor=actor,
        community=membership.community,
        role=Membership.Role(role).label,
    )


def _keep_a_manager(membership: Membership) -> None:
    """Refuse to take away the last active manager: a community without one could no
    longer approve anyone. Locks the managers' rows so two managers stepping down at the
    same moment cannot both pass."""
    if not (
        membership.role == Membership.Role.MANAGER and membership.status == Membership.Status.ACTIVE
    ):
        return
    others = (
        Membership.objects.select_for_update()
        .filter(
            community_id=membership.community_id,
            role=Membership.Role.MANAGER,
            status=Membership.Status.ACTIVE,
        )
        .exclude(pk=membership.pk)
    )
    if not list(others):
        raise Refused(_("A community needs a manager: make someone else manager first."))


def _members_url(community) -> str:
    return reverse("communities:member-list", args=[community.slug])


def _tell(user, kind: str, message, url: str, *, actor, **params) -> None:
    """Notify one person in their own language (their profile's, else the site's)."""
    language = getattr(getattr(user, "profile", None), "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        text = str(message) % {name: str(value) for name, value in params.items()}
        notify([user], kind, text, url, actor=actor)


class RoleForm(forms.Form):
    """A member's role; for data owners, the publisher they represent (one of theirs)."""

    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    publisher = forms.ModelChoiceField(
        label=_("Represents"),
        queryset=Publisher.objects.none(),
        required=False,
        help_text=_("For data owners: one of the publishers this person is a member of."),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are also the validation: a publisher the person does not belong to
        # is refused.
        self.fields["publisher"].queryset = Publisher.objects.filter(
            memberships__user=member
        ).order_by("slug")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") != Membership.Role.OWNER:
            cleaned["publisher"] = None
        return cleaned
