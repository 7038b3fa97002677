"""Community spaces, membership and profiles. Questions, data requests, notifications and
moderation have their own view modules (questions.py, requests.py, moderation.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import PublisherMembership
from communities import membership as members
from communities import profiles, spaces
from communities.models import Community, Follow, Membership

PAGE_SIZE = 20
MEMBERS_PAGE_SIZE = 50


def _paginate(request, items, per_page=PAGE_SIZE):
    """The requested page; a number out of range gives the last page, garbage the first."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    page.elided_range = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


def _managed_membership(request, slug, pk):
    """The community and one of its memberships, for a manager of that community."""
    community = get_object_or_404(Community, slug=slug)
    if not members.can_manage(community, request.user):
        raise PermissionDenied
    membership = get_object_or_404(
        Membership.objects.select_related("user__profile", "community"),
        pk=pk,
        community=community,
    )
    return community, membership


def _to_members(community):
    return HttpResponseRedirect(reverse("communities:member-list", args=[community.slug]))


# Spaces ----------------------------------------------------------------------------------


def community_list(request):
    communities = list(spaces.with_member_counts(Community.objects.prefetch_related("themes")))
    counts = spaces.dataset_counts(communities)
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            Membership.objects.filter(user=request.user).values_list("community_id", "status")
        )
    for community in communities:
        community.dataset_count = counts[community.pk]
        community.my_status = mine.get(community.pk)
    communities.sort(key=lambda community: str(community.name).casefold())
    return render(request, "communities/community_list.html", {"communities": communities})


def community_detail(request, slug):
    community = get_object_or_404(Community.objects.prefetch_related("themes"), slug=slug)
    datasets = community.datasets_in_scope()
    questions = spaces.community_questions(community, datasets)
    membership = members.membership_of(community, request.user)
    can_manage = members.can_manage(community, request.user, membership)
    member_groups = spaces.members_by_role(community)
    ctx = {
        "community": community,
        "membership": membership,
        "can_manage": can_manage,
        "following": request.user.is_authenticated
        and Follow.objects.filter(user=request.user, community=community).exists(),
        "member_groups": member_groups,
        "member_count": sum(group["count"] for group in member_groups),
        "pending_count": (
            community.memberships.filter(status=Membership.Status.PENDING).count()
            if can_manage
            else 0
        ),
        "page_obj": _paginate(
            request, datasets.for_list().order_by("-published_at", "-pk"), per_page=10
        ),
        "open_questions": spaces.open_questions(questions),
        **spaces.recent(community, datasets, questions),
    }
    return render(request, "communities/community_detail.html", ctx)


# Membership ------------------------------------------------------------------------------


@login_required
@require_POST
def join(request, slug):
    community = get_object_or_404(Community, slug=slug)
    membership = members.join(community, request.user)
    if membership.status == Membership.Status.PENDING:
        messages.success(
            request,
            _("You asked to join %(community)s. Its managers will decide.")
            % {"community": community.name},
        )
    else:
        messages.success(
            request, _("You are a member of %(community)s.") % {"community": community.name}
        )
    return HttpResponseRedirect(community.get_absolute_url())


@login_required
@require_POST
def leave(request, slug):
    community = get_object_or_404(Community, slug=slug)
    membership = get_object_or_404(Membership, community=community, user=request.user)
    try:
        members.leave(membership)
    except members.Refused as refused:
        messages.error(request, str(refused))
    else:
        if membership.status == Membership.Status.PENDING:
            messages.success(request, _("Your request to join was withdrawn."))
        else:
            messages.success(request, _("You left %(community)s.") % {"community": community.name})
    return HttpResponseRedirect(community.get_absolute_url())


@login_required
def member_list(request, slug):
    """The managers' page: requests to join, and every member's role."""
    community = get_object_or_404(Community, slug=slug)
    if not members.can_manage(community, request.user):
        raise PermissionDenied
    memberships = community.memberships.select_related("user__profile", "publisher")
    page_obj = _paginate(
        request,
        memberships.filter(status=Membership.Status.ACTIVE).order_by("role", "user__username"),
        per_page=MEMBERS_PAGE_SIZE,
    )
    # The publishers each member may represent as a data owner, in one query for the page.
    own = {}
    for link in PublisherMembership.objects.filter(
        user__in=[membership.user_id for membership in page_obj.object_list]
    ).select_related("publisher"):
        own.setdefault(link.user_id, []).append(link.publisher)
    for membership in page_obj.object_list:
        membership.own_publishers = own.get(membership.user_id, [])
    ctx = {
        "community": community,
        "pending": memberships.filter(status=Membership.Status.PENDING).order_by("joined_at"),
        "page_obj": page_obj,
        "roles": Membership.Role.choices,
    }
    return render(request, "communities/member_list.html", ctx)


@login_required
@require_POST
def member_approve(request, slug, pk):
    community, membership = _managed_membership(request, slug, pk)
    try:
        members.approve(membership, actor=request.user)
    except members.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(person)s is now a member.") % {"person": profiles.display_name(membership.user)},
        )
    return _to_members(community)


@login_required
@require_POST
def member_refuse(request, slug, pk):
    community, membership = _managed_membership(request, slug, pk)
    try:
        members.refuse(membership, actor=request.user)
    except members.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("The request of %(person)s was refused.")
            % {"person": profiles.display_name(membership.user)},
        )
    return _to_members(community)


@login_required
@require_POST
def member_role(request, slug, pk):
    community, membership = _managed_membership(request, slug, pk)
    form = members.RoleForm(request.POST, member=membership.user)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, " ".join(errors))
        return _to_members(community)
    try:
        members.change_role(
            membership,
            role=form.cleaned_data["role"],
            publisher=form.cleaned_data["publisher"],
            actor=request.user,
        )
    except members.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(person)s is now: %(role)s.")
            % {
                "person": profiles.display_name(membership.user),
                "role": membership.get_role_display(),
            },
        )
    return _to_members(community)


@login_required
@require_POST
def member_remove(request, slug, pk):
    community, membership = _managed_membership(request, slug, pk)
    try:
        members.remove(membership, actor=request.user)
    except members.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(person)s is no longer a member.")
            % {"person": profiles.display_name(membership.user)},
        )
    if membership.user_id == request.user.pk and not members.can_manage(community, request.user):
        return HttpResponseRedirect(community.get_absolute_url())
    return _to_members(community)


# Profiles --------------------------------------------------------------------------------


def profile_detail(request, username):
    person = get_object_or_404(
        get_user_model().objects.select_related("profile"), username=username, is_active=True
    )
    ctx = {
        "person": person,
        "profile": profiles.profile_for(person),
        "memberships": profiles.public_memberships(person),
        "answers": profiles.recent_answers(person),
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "communities/profile_detail.html", ctx)


@login_required
def profile_edit(request):
    profile = profiles.profile_for(request.user)
    if request.method == "POST":
        form = profiles.ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is saved."))
            response = HttpResponseRedirect(
                reverse("communities:profile-detail", args=[request.user.get_username()])
            )
            if profile.language:
                # The portal speaks the chosen language from the next page on.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    profile.language,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                )
            return response
        status = 400
    else:
        form = profiles.ProfileForm(instance=profile)
        status = 200
    return render(request, "communities/profile_form.html", {"form": form}, status=status)
