"""Questions, answers and comments: who may do what on a thread, the forms and the views.

A question lives in a community, on a dataset, or both; a dataset's questions also show in
every community whose scope includes the dataset. Notifications go through
communities.notify; moderation (reports, hiding, releasing held posts) is not done here.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog.models import Dataset, Publisher, PublisherMembership
from communities import moderation
from communities.antiabuse import (
    BODY_MAX_LENGTH,
    TAGS_MAX,
    TITLE_MAX_LENGTH,
    HoneypotMixin,
    rate_limited,
)
from communities.models import (
    Answer,
    Comment,
    Community,
    Membership,
    Profile,
    Question,
)
from communities.notify import follow, followers, is_following, notify, unfollow

# Comments are short remarks; questions and answers take antiabuse.BODY_MAX_LENGTH.
COMMENT_BODY_MAX = 2_000
TAG_MAX = 30
PAGE_SIZE = 20
# How many questions a dataset page lists before linking to all of them.
DATASET_PAGE_QUESTIONS = 5


# Who is who on a thread ---------------------------------------------------------------------


def _publisher_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_publisher_ids", None)
    if cached is None:
        cached = set(
            PublisherMembership.objects.filter(user=user).values_list("publisher_id", flat=True)
        )
        user._publisher_ids = cached
    return cached


def _roles(user, community) -> set[str]:
    """The user's active roles in `community` (a set of Membership.Role values)."""
    if community is None or not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(
            community=community, user=user, status=Membership.Status.ACTIVE
        ).values_list("role", flat=True)
    )


def _profile(user) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def owns_data(user, question: Question) -> bool:
    """A member of the dataset's publisher, or a data owner in the question's community."""
    if question.dataset_id and question.dataset.publisher_id in _publisher_ids(user):
        return True
    return Membership.Role.OWNER in _roles(user, question.community)


def moderates(user, question: Question) -> bool:
    """Site managers and moderators, and the moderators or managers of a community where the
    question shows: its own, or one whose scope includes its dataset."""
    return moderation.may_moderate(user, question)


def may_accept(user, question: Question) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk == question.author_id:
        return True
    return bool(question.dataset_id) and question.dataset.publisher_id in _publisher_ids(user)


def may_close(user, question: Question) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk == question.author_id or owns_data(user, question):
        return True
    moderator = getattr(question, "moderator", None)  # computed once per request if known
    return moderator if moderator is not None else moderates(user, question)


def may_see(user, post, *, moderator: bool) -> bool:
    """Hidden and held posts show only to their author and to moderators."""
    if not (post.is_hidden or post.is_held):
        return True
    return moderator or (user.is_authenticated and user.pk == post.author_id)


def set_labels(threads) -> None:
    """Set `labels` ("owner", "expert") on every answer of `threads`, a list of
    (question, answers) pairs, in two queries for the lot.

    "owner": a member of the dataset's publisher or a data owner of the question's
    community; "expert": an expert of that community or a person marked as an expert.
    """
    threads = [(question, list(answers)) for question, answers in threads]
    authors = {answer.author_id for _question, answers in threads for answer in answers}
    if not authors:
        return
    publishers = {q.dataset.publisher_id for q, _answers in threads if q.dataset_id}
    represents = set(
        PublisherMembership.objects.filter(publisher__in=publishers, user__in=authors).values_list(
            "user_id", "publisher_id"
        )
    )
    roles = set(
        Membership.objects.filter(
            community__in={q.community_id for q, _answers in threads if q.community_id},
            user__in=authors,
            status=Membership.Status.ACTIVE,
            role__in=[Membership.Role.OWNER, Membership.Role.EXPERT],
        ).values_list("user_id", "community_id", "role")
    )
    for question, answers in threads:
        publisher = question.dataset.publisher_id if question.dataset_id else None
        for answer in answers:
            user_id = answer.author_id
            owner = (user_id, publisher) in represents or (
                (user_id, question.community_id, Membership.Role.OWNER) in roles
            )
            profile = _profile(answer.author)
            expert = (user_id, question.community_id, Membership.Role.EXPERT) in roles or bool(
                profile and profile.is_expert
            )
            answer.labels = [name for name, on in (("owner", owner), ("expert", expert)) if on]


def labels_for(question: Question, answers) -> dict[int, list[str]]:
    """Per answer author of one thread: "owner" and/or "expert" (see set_labels)."""
    answers = list(answers)
    set_labels([(question, answers)])
    return {answer.author_id: answer.labels for answer in answers}


def counts_as_response(answer: Answer) -> bool:
    """Whether the answer comes from an owner of the data or an expert (the response KPI)."""
    labels = labels_for(answer.question, [answer])
    return bool(labels.get(answer.author_id))


# Which questions show where ------------------------------------------------------------------


def _public_place():
    """Questions whose dataset, if any, is published: drafts and withdrawn data stay private."""
    return Q(dataset__isnull=True) | Q(dataset__status=Dataset.Status.PUBLISHED)


def for_community(community: Community):
    """The community's own questions plus those on the datasets in its scope."""
    in_scope = Q(community=community) | Q(
        dataset__in=Dataset.objects.published().filter(community.scope_q()).values("pk")
    )
    return Question.objects.filter(in_scope).filter(_public_place())


def for_lists(questions):
    """What a list of questions shows, in a fixed number of queries."""
    visible_answers = Q(answers__is_deleted=False, answers__is_hidden=False, answers__is_held=False)
    return (
        questions.select_related("author__profile", "dataset", "community", "accepted_answer")
        .annotate(answer_count=Count("answers", filter=visible_answers))
        .order_by("-created_at", "-pk")
    )


def filtered(questions, *, user, words: str = "", which: str = ""):
    """Search words in title, text and tags, and one of the list filters."""
    for word in words.split()[:10]:
        questions = questions.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(tags__icontains=word)
        )
    answered = Exists(Answer.objects.visible().filter(question=OuterRef("pk")))
    if which == "unanswered":
        questions = questions.exclude(answered)
    elif which == "answered":
        questions = questions.filter(answered)
    elif which == "accepted":
        questions = questions.filter(accepted_answer__isnull=False)
    elif which == "mine":
        if not user.is_authenticated:
            return questions.none()
        # Your own list also shows what waits for moderation.
        return questions.filter(author=user, is_deleted=False)
    return questions.visible()


# Holding new accounts' first posts ----------------------------------------------------


def _should_hold(user) -> bool:
    """With COMMUNITY_HOLD_FIRST_POSTS, a new account's posts wait for a moderator until one
    of its posts was released (the rule lives in communities.moderation)."""
    return moderation.should_hold(user)


# Forms ---------------------------------------------------------------------------------------


class QuestionForm(HoneypotMixin, forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Your question"), max_length=TITLE_MAX_LENGTH, min_length=5
    )
    body = forms.CharField(
        label=gettext_lazy("Details"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=BODY_MAX_LENGTH,
        required=False,
        help_text=gettext_lazy(
            "What you want to know and what you tried. Markdown: **bold**, [link](https://…)."
        ),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Up to five words, separated by commas."),
    )

    def clean_tags(self):
        tags = []
        for raw in self.cleaned_data["tags"].split(","):
            tag = " ".join(raw.split()).lower()
            if tag and tag not in tags:
                if len(tag) > TAG_MAX:
                    raise forms.ValidationError(
                        _("A tag has at most %(max)d characters.") % {"max": TAG_MAX}
                    )
                tags.append(tag)
        if len(tags) > TAGS_MAX:
            raise forms.ValidationError(_("Give at most %(max)d tags.") % {"max": TAGS_MAX})
        return tags


class AnswerForm(HoneypotMixin, forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=BODY_MAX_LENGTH,
        help_text=gettext_lazy("Markdown: **bold**, [link](https://…), `code`."),
    )
    on_behalf_of = forms.ModelChoiceField(
        label=gettext_lazy("Answer on behalf of"),
        queryset=Publisher.objects.none(),
        required=False,
        empty_label=gettext_lazy("Myself"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        publishers = Publisher.objects.filter(pk__in=_publisher_ids(user)) if user else None
        if publishers is not None and publishers.exists():
            self.fields["on_behalf_of"].queryset = publishers.order_by("slug")
        else:
            del self.fields["on_behalf_of"]


class CommentForm(HoneypotMixin, forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=COMMENT_BODY_MAX,
    )


# Creating posts ------------------------------------------------------------------------------


def post_question(*, author, form: QuestionForm, community=None, dataset=None) -> Question:
    question = Question.objects.create(
        author=author,
        community=community,
        dataset=dataset,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        tags=form.cleaned_data["tags"],
        is_held=_should_hold(author),
    )
    if not question.is_held:
        announce_question(question)
    return question


def post_answer(*, author, question: Question, form: AnswerForm) -> Answer:
    post = Answer.objects.create(
        author=author,
        question=question,
        body=form.cleaned_data["body"],
        on_behalf_of=form.cleaned_data.get("on_behalf_of"),
        is_held=_should_hold(author),
    )
    if counts_as_response(post):
        # A conditional update: the first response time is never moved later.
        Question.objects.filter(pk=question.pk, first_response_at__isnull=True).update(
            first_response_at=post.created_at
        )
    if not post.is_held:
        announce_answer(post)
    return post


def post_comment(*, author, answer: Answer, form: CommentForm) -> Comment:
    post = Comment.objects.create(
        author=author, answer=answer, body=form.cleaned_data["body"], is_held=_should_hold(author)
    )
    if not post.is_held:
        announce_comment(post)
    return post


# Notifications (moderation calls these too, when it releases a held post) --------------------


def announce_question(question: Question) -> None:
    """New question: followers and managers of each community it shows in, and the members of
    the dataset's publisher and the dataset's followers."""
    # Its own community and every community whose scope includes its dataset.
    places = moderation.post_communities(question)
    condition = Q(follows__community__in=places) | Q(
        community_memberships__community__in=places,
        community_memberships__role=Membership.Role.MANAGER,
        community_memberships__status=Membership.Status.ACTIVE,
    )
    if question.dataset_id:
        condition |= Q(follows__dataset=question.dataset_id) | Q(
            publisher_memberships__publisher=question.dataset.publisher_id
        )
    recipients = get_user_model().objects.filter(condition).distinct()
    notify(
        recipients,
        "question",
        _("New question: %(title)s") % {"title": question.title},
        question.get_absolute_url(),
        actor=question.author,
    )


def announce_answer(post: Answer) -> None:
    question = post.question
    recipients = [question.author, *followers(question=question)]
    notify(
        recipients,
        "answer",
        _("New answer to “%(title)s”") % {"title": question.title},
        f"{question.get_absolute_url()}#answer-{post.pk}",
        actor=post.author,
    )


def announce_comment(post: Comment) -> None:
    question = post.answer.question
    notify(
        [post.answer.author],
        "comment",
        _("New comment on your answer to “%(title)s”") % {"title": question.title},
        f"{question.get_absolute_url()}#comment-{post.pk}",
        actor=post.author,
    )


def _announce_accepted(post: Answer, actor) -> None:
    question = post.question
    notify(
        [post.author],
        "accepted",
        _("Your answer to “%(title)s” was accepted") % {"title": question.title},
        f"{question.get_absolute_url()}#answer-{post.pk}",
        actor=actor,
    )


# Views ---------------------------------------------------------------------------------------


def _paginate(request, items):
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


def _question_for(request, pk) -> Question:
    """The question if this user may see it (404 otherwise), with `moderator` set on it."""
    question = get_object_or_404(
        Question.objects.select_related(
            "author__profile", "community", "dataset__publisher", "accepted_answer"
        ),
        pk=pk,
    )
    user = request.user
    if question.dataset_id and not (
        question.dataset.status == Dataset.Status.PUBLISHED
        or Dataset.objects.visible_to(user).filter(pk=question.dataset_id).exists()
    ):
        raise Http404
    question.moderator = moderates(user, question)
    if not may_see(user, question, moderator=question.moderator):
        raise Http404
    return question


def _refusal(request, form) -> tuple[str, int] | None:
    """Why a valid post must not be saved (too many posts just now), with the HTTP status.

    Only valid posts count, so someone correcting a mistake does not use up their limit."""
    if rate_limited(request, "post"):
        return _("You posted a lot just now. Try again in an hour."), 429
    return None


def _ask(request, *, community=None, dataset=None):
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = _refusal(request, form) if form.is_valid() else (None, 400)
        if refusal is None:
            question = post_question(
                author=request.user, form=form, community=community, dataset=dataset
            )
            if question.is_held:
                messages.info(request, _("Thank you. A moderator checks your question first."))
            return HttpResponseRedirect(question.get_absolute_url())
        message, status = refusal
        if message:
            messages.error(request, message)
    ctx = {"form": form, "community": community, "dataset": dataset}
    return render(request, "communities/question_form.html", ctx, status=status)


@login_required
def question_ask(request, slug):
    community = get_object_or_404(Community, slug=slug)
    return _ask(request, community=community)


@login_required
def dataset_question_ask(request, slug):
    dataset = get_object_or_404(Dataset.objects.published().select_related("publisher"), slug=slug)
    return _ask(request, dataset=dataset)


def _thread(request, question: Question):
    """The answers this user sees, accepted first, with comments, labels and permissions."""
    user, moderator = request.user, question.moderator
    answers = [
        answer
        for answer in question.answers.select_related(
            "author__profile", "on_behalf_of"
        ).prefetch_related("comments__author__profile")
        if may_see(user, answer, moderator=moderator)
    ]
    labels = labels_for(question, answers)
    accepted_id = question.accepted_answer_id
    for answer in answers:
        answer.labels = labels.get(answer.author_id, [])
        answer.is_accepted = answer.pk == accepted_id and answer.is_visible
        answer.shown_comments = [
            c for c in answer.comments.all() if may_see(user, c, moderator=moderator)
        ]
    answers.sort(key=lambda answer: not answer.is_accepted)
    return answers


def _detail(request, question: Question, *, answer_form=None, status=200):
    user = request.user
    if answer_form is None and user.is_authenticated:
        answer_form = AnswerForm(user=user)
    ctx = {
        "question": question,
        "answers": _thread(request, question),
        "answer_form": answer_form,
        "comment_form": CommentForm(),
        "may_accept": may_accept(user, question),
        "may_close": may_close(user, question),
        "following": user.is_authenticated and is_following(user, question=question),
        "is_open": question.status == Question.Status.OPEN,
    }
    return render(request, "communities/question_detail.html", ctx, status=status)


def question_detail(request, pk):
    return _detail(request, _question_for(request, pk))


def _back(question: Question, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(question.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _usable(question: Question) -> None:
    """Only a visible question takes answers, comments and decisions."""
    if not question.is_visible:
        raise Http404


@login_required
@require_POST
def question_answer(request, pk):
    question = _question_for(request, pk)
    _usable(question)
    if question.status == Question.Status.CLOSED:
        raise PermissionDenied(_("This question is closed and takes no new answers."))
    form = AnswerForm(request.POST, user=request.user)
    if not form.is_valid():
        return _detail(request, question, answer_form=form, status=400)
    refusal = _refusal(request, form)
    if refusal:
        messages.error(request, refusal[0])
        return _detail(request, question, answer_form=form, status=refusal[1])
    post = post_answer(author=request.user, question=question, form=form)
    if post.is_held:
        messages.info(request, _("Thank you. A moderator checks your answer first."))
    return _back(question, f"answer-{post.pk}")


def _visible_answer(request, pk) -> Answer:
    post = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    question = _question_for(request, post.question_id)
    _usable(question)
    if not post.is_visible:
        raise Http404
    post.question = question
    return post


@login_required
@require_POST
def answer_comment(request, pk):
    post = _visible_answer(request, pk)
    question = post.question
    if question.status == Question.Status.CLOSED:
        raise PermissionDenied(_("This question is closed."))
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(form.errors.get("body", [])))
        return _back(question, f"answer-{post.pk}")
    refusal = _refusal(request, form)
    if refusal:
        messages.error(request, refusal[0])
        return _back(question, f"answer-{post.pk}")
    new = post_comment(author=request.user, answer=post, form=form)
    return _back(question, f"comment-{new.pk}")


@login_required
@require_POST
def answer_accept(request, pk):
    post = _visible_answer(request, pk)
    question = post.question
    if not may_accept(request.user, question):
        raise PermissionDenied
    if request.POST.get("action") == "unaccept":
        if question.accepted_answer_id == post.pk:
            question.accepted_answer = None
            question.save(update_fields=["accepted_answer"])
        return _back(question, f"answer-{post.pk}")
    if question.accepted_answer_id != post.pk:
        question.accepted_answer = post
        question.save(update_fields=["accepted_answer"])
        _announce_accepted(post, request.user)
    return _back(question, f"answer-{post.pk}")


@login_required
@require_POST
def question_status(request, pk, status):
    question = _question_for(request, pk)
    _usable(question)
    if not may_close(request.user, question):
        raise PermissionDenied
    question.status = status
    question.save(update_fields=["status"])
    return _back(question)


@login_required
@require_POST
def question_follow(request, pk):
    question = _question_for(request, pk)
    if request.POST.get("action") == "unfollow":
        unfollow(request.user, question=question)
    else:
        follow(request.user, question=question)
    return _back(question)


POST_MODELS = {"question": Question, "answer": Answer, "comment": Comment}


def _own_post(request, kind: str, pk: int):
    """The user's own, not deleted post of `kind` and its question; 404 or 403 otherwise."""
    post = get_object_or_404(POST_MODELS[kind], pk=pk)
    if post.is_deleted:
        raise Http404
    if kind == "question":
        question = _question_for(request, post.pk)
        post = question
    elif kind == "answer":
        question = _question_for(request, post.question_id)
    else:
        question = _question_for(request, post.answer.question_id)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    return post, question


# Editing reuses the posting forms; an answer's "on behalf of" stays as it was posted.
EDIT_FORMS = {"question": QuestionForm, "answer": AnswerForm, "comment": CommentForm}
EDITABLE = {"question": ("title", "body", "tags"), "answer": ("body",), "comment": ("body",)}


@login_required
def post_edit(request, kind, pk):
    post, question = _own_post(request, kind, pk)
    if request.method == "POST":
        form = EDIT_FORMS[kind](request.POST)
        if form.is_valid():
            for name in EDITABLE[kind]:
                setattr(post, name, form.cleaned_data[name])
            post.edited_at = timezone.now()
            post.save()
            return _back(question, "" if kind == "question" else f"{kind}-{post.pk}")
        status = 400
    else:
        initial = {"body": post.body}
        if kind == "question":
            initial.update(title=post.title, tags=", ".join(post.tags))
        form, status = EDIT_FORMS[kind](initial=initial), 200
    ctx = {
        "form": form,
        "fields": [form[name] for name in EDITABLE[kind]],
        "kind": kind,
        "post": post,
        "question": question,
    }
    return render(request, "communities/question_edit.html", ctx, status=status)


@login_required
@require_POST
def post_delete(request, kind, pk):
    post, question = _own_post(request, kind, pk)
    post.is_deleted = True
    post.save(update_fields=["is_deleted"])
    if kind == "answer" and question.accepted_answer_id == post.pk:
        question.accepted_answer = None
        question.save(update_fields=["accepted_answer"])
    messages.success(request, _("Deleted."))
    return _back(question)


def _question_list(request, questions, ctx: dict):
    words = request.GET.get("q", "")[:200]
    which = request.GET.get("filter", "")
    found = filtered(for_lists(questions), user=request.user, words=words, which=which)
    ctx.update(
        page_obj=_paginate(request, found),
        q=words,
        which=which,
        filters=[
            ("", _("All")),
            ("unanswered", _("Unanswered")),
            ("answered", _("Answered")),
            ("accepted", _("Accepted answer")),
            ("mine", _("Mine")),
        ],
    )
    return render(request, "communities/question_list.html", ctx)


def community_questions(request, slug):
    community = get_object_or_404(Community, slug=slug)
    ask_url = reverse("communities:question-ask", args=[community.slug])
    return _question_list(
        request, for_community(community), {"community": community, "ask_url": ask_url}
    )


def dataset_questions(request, slug):
    dataset = get_object_or_404(Dataset.objects.published(), slug=slug)
    ask_url = reverse("communities:dataset-question-ask", args=[dataset.slug])
    return _question_list(
        request, Question.objects.filter(dataset=dataset), {"dataset": dataset, "ask_url": ask_url}
    )
