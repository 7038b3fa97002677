"""Trust and moderation: reports of posts, the moderators' queue (hide, restore, release
held posts, resolve reports) and holding new accounts' first posts.

Who moderates a post: site managers, people marked moderator in their profile, and the
moderators and managers of the post's community (for a question on a dataset: of every
community that includes the dataset). The other modules only filter with `.visible()` and
call should_hold() when they create a post.
"""

from collections import defaultdict

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog.models import Dataset, is_site_manager
from communities import antiabuse
from communities.models import (
    Answer,
    Comment,
    Community,
    DataRequest,
    DataRequestComment,
    Membership,
    Profile,
    Question,
    Report,
)
from communities.notify import _next_url, notify

# URL keyword → model of every kind of post that can be reported and moderated.
REPORTABLE = {
    "question": Question,
    "answer": Answer,
    "comment": Comment,
    "data_request": DataRequest,
    "data_request_comment": DataRequestComment,
}
KIND_OF = {model: kind for kind, model in REPORTABLE.items()}
# What the queue loads with each kind, to find a post's community and link without more queries.
RELATED = {
    "question": ["author", "community", "dataset"],
    "answer": ["author", "question__community", "question__dataset"],
    "comment": ["author", "answer__question__community", "answer__question__dataset"],
    "data_request": ["author", "community"],
    "data_request_comment": ["author", "request__community"],
}
MODERATING_ROLES = (Membership.Role.MODERATOR, Membership.Role.MANAGER)
# Members in these roles are known to a community: their posts are never held.
TRUSTED_ROLES = (*MODERATING_ROLES, Membership.Role.OWNER, Membership.Role.EXPERT)
QUEUE_LIMIT = 100


def kind_of(post) -> str:
    return KIND_OF[type(post)]


# Who moderates ------------------------------------------------------------------------------


def is_site_moderator(user) -> bool:
    """Site managers and people marked moderator moderate every post."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_site_manager(user):
        return True
    return Profile.objects.filter(user=user, is_moderator=True).exists()


def moderated_communities(user) -> set[int]:
    """Ids of the communities `user` moderates as a moderator or manager member."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(
            user=user, status=Membership.Status.ACTIVE, role__in=MODERATING_ROLES
        ).values_list("community_id", flat=True)
    )


def moderates_any(user) -> bool:
    return is_site_moderator(user) or bool(moderated_communities(user))


def _thread(post):
    """The question or data request a post belongs to (itself for those two)."""
    if isinstance(post, Answer):
        return post.question
    if isinstance(post, Comment):
        return post.answer.question
    if isinstance(post, DataRequestComment):
        return post.request
    return post


def _communities_including(dataset_ids, communities) -> dict[int, set[int]]:
    """dataset id → ids of those of `communities` whose scope includes it."""
    found = defaultdict(set)
    if not dataset_ids:
        return found
    for community in communities:
        in_scope = Dataset.objects.filter(community.scope_q(), pk__in=dataset_ids)
        for pk in in_scope.values_list("pk", flat=True):
            found[pk].add(community.pk)
    return found


def post_communities(post, *, among=None) -> set[int]:
    """Ids of the communities a post belongs to (limited to the ids in `among`, if given)."""
    thread = _thread(post)
    ids = {thread.community_id} if thread.community_id else set()
    if isinstance(thread, Question) and thread.dataset_id:
        communities = Community.objects.all()
        if among is not None:
            communities = communities.filter(pk__in=among)
        ids |= _communities_including([thread.dataset_id], communities)[thread.dataset_id]
    return ids if among is None else ids & set(among)


def may_moderate(user, post) -> bool:
    if is_site_moderator(user):
        return True
    mine = moderated_communities(user)
    return bool(mine and post_communities(post, among=mine))


def moderators_of(post):
    """Who hears of a report: profile moderators and the post's community moderators."""
    communities = post_communities(post)
    members = Membership.objects.filter(
        community__in=communities, status=Membership.Status.ACTIVE, role__in=MODERATING_ROLES
    ).values("user")
    return get_user_model().objects.filter(is_active=True).filter(
        pk__in=members
    ) | get_user_model().objects.filter(is_active=True, profile__is_moderator=True)


# Holding first posts --------------------------------------------------------------------------


def should_hold(user) -> bool:
    """Whether a new post by `user` waits for a moderator (COMMUNITY_HOLD_FIRST_POSTS).

    Held until one of the user's posts was released or published: after that the account
    is no longer new. Moderators, experts, publisher members and trusted community members
    are never held.
    """
    if not settings.COMMUNITY_HOLD_FIRST_POSTS:
        return False
    if user.is_staff or is_site_moderator(user):
        return False
    if Profile.objects.filter(user=user, is_expert=True).exists():
        return False
    if user.publisher_memberships.exists():
        return False
    if Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role__in=TRUSTED_ROLES
    ).exists():
        return False
    return not any(
        model.objects.filter(author=user, is_held=False, is_hidden=False).exists()
        for model in REPORTABLE.values()
    )


# Reports and decisions ----------------------------------------------------------------------


def open_reports(post):
    return Report.objects.filter(
        content_type=ContentType.objects.get_for_model(post),
        object_id=post.pk,
        resolved_at=None,
    )


def report(post, user, reason: str) -> Report:
    """Record `user`'s report (one open report per person and post) and tell the moderators."""
    existing = open_reports(post).filter(reporter=user).first()
    if existing is not None:
        return existing
    created = Report.objects.create(post=post, reporter=user, reason=reason)
    notify(
        moderators_of(post),
        "report",
        _("A post was reported: %(reason)s") % {"reason": reason[:200]},
        reverse("communities:moderation-queue"),
        actor=user,
    )
    return created


def _resolve(post, user, decision: str) -> None:
    open_reports(post).update(resolved_at=timezone.now(), resolved_by=user, decision=decision)


def hide(post, user) -> None:
    post.is_hidden = True
    post.is_held = False
    post.save(update_fields=["is_hidden", "is_held"])
    _resolve(post, user, "hidden")
    notify(
        [post.author],
        "post_hidden",
        _("A moderator hid one of your posts."),
        _thread_url(post),
        actor=user,
    )


def restore(post, user) -> None:
    post.is_hidden = False
    post.save(update_fields=["is_hidden"])
    _resolve(post, user, "restored")


def release(post, user) -> None:
    """Publish a held post; now the people concerned hear of it, as for any new post."""
    from communities import questions  # it imports this module's should_hold

    post.is_held = False
    post.save(update_fields=["is_held"])
    announce = {
        Question: questions.announce_question,
        Answer: questions.announce_answer,
        Comment: questions.announce_comment,
    }.get(type(post))
    if announce is not None:
        announce(post)
    notify(
        [post.author],
        "post_released",
        _("Your post is now visible to everyone."),
        post_url(post),
        actor=user,
    )


def dismiss(post, user) -> None:
    """The reports were unfounded: the post stays as it is."""
    _resolve(post, user, "kept")


ACTIONS = {"hide": hide, "restore": restore, "release": release, "dismiss": dismiss}
_DONE = {
    "hide": lambda: _("The post is hidden."),
    "restore": lambda: _("The post is visible again."),
    "release": lambda: _("The post is released and visible to everyone."),
    "dismiss": lambda: _("The reports are closed; the post stays."),
}


def _thread_url(post) -> str:
    try:
        return _thread(post).get_absolute_url()
    except NoReverseMatch:  # the page of that kind of thread is not there (yet)
        return ""


def post_url(post) -> str:
    url = _thread_url(post)
    if url and isinstance(post, Answer):
        url += f"#answer-{post.pk}"
    elif url and isinstance(post, Comment | DataRequestComment):
        url += f"#comment-{post.pk}"
    return url


# The queue ------------------------------------------------------------------------------------


def _load(kind: str, ids=None, **filters):
    posts = REPORTABLE[kind].objects.select_related(*RELATED[kind])
    if ids is not None:
        return posts.filter(pk__in=ids)
    return posts.filter(**filters).order_by("-created_at")[:QUEUE_LIMIT]


def queue(user) -> dict:
    """What `user` may decide on: reported posts (with their open reports), held posts and
    hidden posts (to restore), each a list of dicts with kind, post, url and reports."""
    reports = list(
        Report.objects.filter(resolved_at=None)
        .select_related("content_type", "reporter")
        .order_by("created_at")[: QUEUE_LIMIT * 5]
    )
    by_post = defaultdict(list)
    for item in reports:
        by_post[(item.content_type.model_class(), item.object_id)].append(item)
    sections = {"reported": [], "held": [], "hidden": []}
    for kind, model in REPORTABLE.items():
        reported_ids = [pk for (cls, pk) in by_post if cls is model]
        if reported_ids:
            for post in _load(kind, reported_ids):
                sections["reported"].append(_entry(kind, post, by_post[(model, post.pk)]))
        held = _load(kind, is_held=True, is_hidden=False, is_deleted=False)
        sections["held"] += [_entry(kind, post) for post in held]
        hidden = _load(kind, is_hidden=True, is_deleted=False)
        sections["hidden"] += [_entry(kind, post) for post in hidden]
    if not is_site_moderator(user):
        sections = _only_moderated(sections, moderated_communities(user))
    for entries in sections.values():
        entries.sort(key=lambda entry: entry["post"].created_at, reverse=True)
    return sections


def _entry(kind, post, reports=()) -> dict:
    thread = _thread(post)
    return {
        "kind": kind,
        "post": post,
        "thread": thread,
        "url": post_url(post),
        "reports": list(reports),
    }


def _only_moderated(sections, mine: set[int]) -> dict:
    """Keep the entries in the communities `mine`, with one scope query per community."""
    entries = [entry for section in sections.values() for entry in section]
    dataset_ids = {
        entry["thread"].dataset_id
        for entry in entries
        if isinstance(entry["thread"], Question) and entry["thread"].dataset_id
    }
    scopes = _communities_including(dataset_ids, Community.objects.filter(pk__in=mine))

    def allowed(entry) -> bool:
        thread = entry["thread"]
        if thread.community_id in mine:
            return True
        return isinstance(thread, Question) and bool(scopes.get(thread.dataset_id))

    return {name: [e for e in section if allowed(e)] for name, section in sections.items()}


# Views ----------------------------------------------------------------------------------------


class ReportForm(antiabuse.HoneypotMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong with this post?"),
        max_length=antiabuse.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _post_or_404(kind: str, pk: int, posts=None):
    model = REPORTABLE.get(kind)
    if model is None:
        raise Http404
    posts = posts if posts is not None else model.objects.all()
    post = posts.select_related(*RELATED[kind]).filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


@login_required
def report_post(request, kind, pk):
    """Report a visible post to the moderators, with a reason."""
    post = _post_or_404(kind, pk, REPORTABLE.get(kind, Question).objects.visible())
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif antiabuse.rate_limited(request, "report"):
            messages.error(request, _("You sent many reports just now. Try again in an hour."))
            status = 429
        else:
            report(post, request.user, form.cleaned_data["reason"])
            messages.success(request, _("Thank you. The moderators will look at this post."))
            return HttpResponseRedirect(_next_url(request, post_url(post) or "/"))
    ctx = {
        "form": form,
        "post": post,
        "kind": kind,
        "thread": _thread(post),
        "next": _next_url(request, ""),
    }
    return render(request, "communities/report_form.html", ctx, status=status)


@login_required
def moderation_queue(request):
    if not moderates_any(request.user):
        raise PermissionDenied
    return render(request, "communities/moderation_queue.html", {"sections": queue(request.user)})


@login_required
@require_POST
def moderate(request, kind, pk):
    """Hide, restore or release a post, or dismiss its reports."""
    post = _post_or_404(kind, pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseRedirect(reverse("communities:moderation-queue"))
    if not may_moderate(request.user, post):
        raise PermissionDenied
    action(post, request.user)
    messages.success(request, _DONE[request.POST["action"]]())
    return HttpResponseRedirect(_next_url(request, reverse("communities:moderation-queue")))
