"""Data communities in the APIs: REST resources under /api/v1/ and CKAN groups.

Reads are open and show only what the portal shows: visible posts (not deleted, hidden or
held), datasets the requester may see, members' public names (never e-mail addresses).
Writes need a signed-in user (a token, as for the catalogue) and go through the same
functions as the web pages, so the API allows exactly what a signed-in user may do.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog.api import CanWriteOrReadOnly
from catalog.markdown import render_markdown
from catalog.models import Dataset, Publisher
from catalog.serializers import LanguageMapField, PublisherRefSerializer
from communities import antiabuse
from communities import questions as qa
from communities import requests as lifecycle
from communities.antiabuse import rate_limited
from communities.models import (
    Answer,
    Comment,
    Community,
    DataRequest,
    DataRequestComment,
    DataRequestEvent,
    Membership,
    Question,
)
from communities.notify import follow
from communities.profiles import display_name
from communities.spaces import dataset_scopes

# Which published datasets belong to communities, for many communities at once ---------------


def scope_slugs(communities) -> dict[int, list[str]]:
    """Slugs of the published datasets in scope of each community, sorted, in a fixed
    number of queries however many communities there are (spaces.dataset_scopes)."""
    scopes = dataset_scopes(communities)
    ids = set().union(*scopes.values()) if scopes else set()
    slugs = dict(Dataset.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return {pk: sorted(slugs[d] for d in datasets if d in slugs) for pk, datasets in scopes.items()}


# People ----------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """A person as the portal shows them: never their e-mail address."""

    username = serializers.CharField()
    display_name = serializers.SerializerMethodField()

    def get_display_name(self, user) -> str:
        return display_name(user)


class MemberSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    display_name = serializers.SerializerMethodField()
    publisher = serializers.SerializerMethodField(
        help_text="For data owners: slug of the publisher they speak for."
    )
    joined_at = serializers.DateTimeField()

    def get_display_name(self, membership) -> str:
        return display_name(membership.user)

    def get_publisher(self, membership) -> str | None:
        return membership.publisher.slug if membership.publisher_id else None


class MembersByRoleSerializer(serializers.Serializer):
    """Active members, per role."""

    owner = MemberSerializer(many=True, help_text="Data owners: publishers' representatives.")
    reuser = MemberSerializer(many=True)
    expert = MemberSerializer(many=True)
    moderator = MemberSerializer(many=True)
    manager = MemberSerializer(many=True)

    def to_representation(self, memberships):
        by_role = {role: [] for role in Membership.Role.values}
        for membership in memberships:
            by_role[membership.role].append(membership)
        return super().to_representation(by_role)


def _web_url(obj) -> str:
    return settings.SITE_URL + obj.get_absolute_url()


# Communities -----------------------------------------------------------------------------


class CommunitySerializer(serializers.ModelSerializer):
    name = LanguageMapField()
    description = LanguageMapField(help_text="Markdown, per language tag.")
    themes = serializers.SerializerMethodField(help_text="Codes of its themes.")
    image_url = serializers.SerializerMethodField(help_text="Blank when it has no image.")
    members = MembersByRoleSerializer(source="active_members", read_only=True)
    member_count = serializers.SerializerMethodField()
    datasets = serializers.SerializerMethodField(
        help_text="Slugs of the published datasets in scope: picked, or matching its rules."
    )
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Community
        fields = [
            "slug", "name", "description", "is_open", "themes", "image_url", "members",
            "member_count", "datasets", "web_url", "created_at",
        ]  # fmt: skip

    def get_themes(self, obj) -> list[str]:
        return [theme.code for theme in obj.themes.all()]

    def get_image_url(self, obj) -> str:
        return obj.image.url if obj.image else ""

    def get_member_count(self, obj) -> int:
        return len(obj.active_members)

    def get_datasets(self, obj) -> list[str]:
        scopes = self.context.get("scopes")
        if scopes is None or obj.pk not in scopes:
            scopes = scope_slugs([obj])
        return scopes[obj.pk]

    def get_web_url(self, obj) -> str:
        return _web_url(obj)


def community_queryset():
    members = (
        Membership.objects.filter(status=Membership.Status.ACTIVE, user__is_active=True)
        .select_related("user__profile", "publisher")
        .order_by("joined_at", "pk")
    )
    return Community.objects.prefetch_related(
        "themes", Prefetch("memberships", queryset=members, to_attr="active_members")
    ).order_by("slug")


@extend_schema_view(
    list=extend_schema(summary="List data communities, with members and datasets"),
    retrieve=extend_schema(summary="One data community"),
)
class CommunityViewSet(viewsets.ReadOnlyModelViewSet):
    """Data communities: owners, re-users and experts around the datasets of a domain."""

    serializer_class = CommunitySerializer
    lookup_field = "slug"

    def get_queryset(self):
        return community_queryset()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "scopes": scope_slugs(page)}
        data = CommunitySerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


# Questions -------------------------------------------------------------------------------


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = PersonSerializer()
    body = serializers.CharField(help_text="Markdown source.")
    body_html = serializers.SerializerMethodField(help_text="Rendered and sanitised.")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))


class CommentSerializer(PostSerializer):
    pass


class AnswerSerializer(PostSerializer):
    on_behalf_of = PublisherRefSerializer(allow_null=True, help_text="Answered for a publisher.")
    labels = serializers.ListField(
        child=serializers.ChoiceField(choices=["owner", "expert"]),
        read_only=True,
        help_text="From a data owner and/or an expert (the thread's badges).",
    )
    is_accepted = serializers.SerializerMethodField()
    comments = CommentSerializer(source="visible_comments", many=True)

    def get_is_accepted(self, obj) -> bool:
        return obj.question.accepted_answer_id == obj.pk


class QuestionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    author = PersonSerializer()
    body_html = serializers.SerializerMethodField(help_text="Rendered and sanitised.")
    community = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tags = serializers.ListField(child=serializers.CharField())
    accepted_answer = serializers.SerializerMethodField(
        help_text="Id of the accepted answer, if any."
    )
    answer_count = serializers.SerializerMethodField()
    answers = AnswerSerializer(source="visible_answers", many=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "id", "title", "body", "body_html", "author", "community", "dataset", "tags",
            "status", "accepted_answer", "answer_count", "answers", "created_at", "edited_at",
            "first_response_at", "web_url",
        ]  # fmt: skip

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))

    def get_accepted_answer(self, obj) -> int | None:
        visible = {answer.pk for answer in obj.visible_answers}
        return obj.accepted_answer_id if obj.accepted_answer_id in visible else None

    def get_answer_count(self, obj) -> int:
        return len(obj.visible_answers)

    def get_web_url(self, obj) -> str:
        return _web_url(obj)

    def to_representation(self, obj):
        for answer in obj.visible_answers:
            answer.question = obj  # is_accepted reads it: no query per answer
            if not hasattr(answer, "labels"):
                answer.labels = qa.labels_for(obj, [answer]).get(answer.author_id, [])
        return super().to_representation(obj)


def with_labels(questions: list) -> list:
    """Set `labels` on every visible answer of `questions` (communities.questions.set_labels)."""
    qa.set_labels([(question, question.visible_answers) for question in questions])
    return questions


def question_queryset(user):
    """Visible questions, on no dataset or one `user` may see, with their visible answers and
    comments in a fixed number of queries."""
    comments = Comment.objects.visible().select_related("author__profile")
    answers = (
        Answer.objects.visible()
        .select_related("author__profile", "on_behalf_of")
        .prefetch_related(Prefetch("comments", queryset=comments, to_attr="visible_comments"))
    )
    seen = Dataset.objects.visible_to(user).values("pk")
    return (
        Question.objects.visible()
        .filter(Q(dataset__isnull=True) | Q(dataset__in=seen))
        .select_related("author__profile", "community", "dataset")
        .prefetch_related(Prefetch("answers", queryset=answers, to_attr="visible_answers"))
    )


def _text_param(params, name: str) -> str:
    return params.get(name, "").replace("\x00", "")[:200]


def _bool_param(params, name: str) -> bool | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise exceptions.ValidationError({name: ["Must be true or false."]})


def _choice_param(params, name: str, choices) -> str | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if value not in choices:
        raise exceptions.ValidationError({name: [f"Must be one of {', '.join(choices)}."]})
    return value


QUESTION_PARAMETERS = [
    OpenApiParameter("community", str, description="Slug of a community."),
    OpenApiParameter(
        "dataset",
        str,
        description="Slug of a dataset: its questions, wherever they were asked.",
    ),
    OpenApiParameter("status", str, enum=Question.Status.values),
    OpenApiParameter(
        "answered", bool, description="true: with at least one answer; false: without."
    ),
]
_ERRORS = {400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT}
_ACTION_ERRORS = {**_ERRORS, 404: OpenApiTypes.OBJECT}


class QuestionWriteSerializer(serializers.Serializer):
    """A question: in a community (slug) and/or on a dataset (slug)."""

    title = serializers.CharField(max_length=antiabuse.TITLE_MAX_LENGTH)
    body = serializers.CharField(
        max_length=antiabuse.BODY_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Markdown.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=20, required=False
    )
    community = serializers.CharField(required=False, allow_blank=True)
    dataset = serializers.CharField(required=False, allow_blank=True)


class AnswerWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=antiabuse.BODY_MAX_LENGTH, help_text="Markdown.")
    on_behalf_of = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Slug of a publisher you represent in the question's community.",
    )


class AcceptSerializer(serializers.Serializer):
    answer = serializers.IntegerField(help_text="Id of the answer to accept.")


@extend_schema_view(
    list=extend_schema(
        summary="List questions, with their answers and comments",
        parameters=QUESTION_PARAMETERS,
        responses={200: QuestionSerializer(many=True), 400: OpenApiTypes.OBJECT},
    ),
    retrieve=extend_schema(summary="One question, with its answers and comments"),
    create=extend_schema(
        summary="Ask a question (token)",
        request=QuestionWriteSerializer,
        responses={201: QuestionSerializer, **_ERRORS},
    ),
)
class QuestionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Questions in communities and on datasets; hidden, held and deleted posts are left out."""

    serializer_class = QuestionSerializer
    permission_classes = [CanWriteOrReadOnly]
    # Bounded: a longer number is not an id, and would overflow the database's integers.
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        questions = question_queryset(self.request.user)
        if self.action != "list":
            return questions
        params = self.request.query_params
        if params.get("community"):
            community = Community.objects.filter(slug=_text_param(params, "community")).first()
            if community is None:
                return questions.none()
            # As on the community's page: its own questions and those on its datasets.
            questions = questions.filter(
                Q(community=community) | Q(dataset__in=community.datasets_in_scope().values("pk"))
            )
        if params.get("dataset"):
            questions = questions.filter(dataset__slug=_text_param(params, "dataset"))
        question_status = _choice_param(params, "status", Question.Status.values)
        if question_status:
            questions = questions.filter(status=question_status)
        answered = _bool_param(params, "answered")
        if answered is not None:
            has_answer = Exists(Answer.objects.visible().filter(question=OuterRef("pk")))
            questions = questions.filter(has_answer if answered else ~has_answer)
        return questions

    def list(self, request, *args, **kwargs):
        page = with_labels(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(with_labels([self.get_object()])[0]).data)

    def _show(self, question, code=status.HTTP_200_OK):
        """The question as its author sees it right after a change (held posts included)."""
        shown = question_queryset(self.request.user).filter(pk=question.pk).first()
        if shown is None:  # held for moderation: the author still gets what they sent
            question.visible_answers = []
            shown = question
        return Response(self.get_serializer(with_labels([shown])[0]).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = QuestionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        community = dataset = None
        if data.get("community"):
            community = Community.objects.filter(slug=data["community"]).first()
            if community is None:
                raise exceptions.ValidationError({"community": ["No community has this slug."]})
        if data.get("dataset"):
            # As on the web: questions go on published datasets only.
            dataset = Dataset.objects.published().filter(slug=data["dataset"]).first()
            if dataset is None:
                raise exceptions.ValidationError(
                    {"dataset": ["No published dataset has this slug."]}
                )
        if community is None and dataset is None:
            raise exceptions.ValidationError(
                {"non_field_errors": ["Ask in a community, on a dataset, or both."]}
            )
        form = qa.QuestionForm(
            {
                "title": data["title"],
                "body": data.get("body", ""),
                "tags": ", ".join(data.get("tags", [])),
            }
        )
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors.get_json_data())
        _refuse_floods(request)
        question = qa.post_question(
            author=request.user, form=form, community=community, dataset=dataset
        )
        follow(request.user, question=question)
        return self._show(question, status.HTTP_201_CREATED)

    def _visible_question(self):
        """The question for a write: visible, else 404 (as get_object for everyone)."""
        return self.get_object()

    @extend_schema(
        summary="Answer a question (token)",
        description="A closed question takes no answers (403). `on_behalf_of` names a "
        "publisher you are a member of: the answer is then labelled as theirs.",
        request=AnswerWriteSerializer,
        responses={201: AnswerSerializer, **_ACTION_ERRORS, 429: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        question = self._visible_question()
        if question.status == Question.Status.CLOSED:
            raise exceptions.PermissionDenied("This question is closed and takes no new answers.")
        serializer = AnswerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {"body": serializer.validated_data["body"]}
        on_behalf_of = serializer.validated_data.get("on_behalf_of")
        form = qa.AnswerForm(data, user=request.user)
        if on_behalf_of:
            if "on_behalf_of" not in form.fields:
                raise exceptions.ValidationError(
                    {"on_behalf_of": ["You answer for no publisher: you are not a member of one."]}
                )
            publisher = Publisher.objects.filter(slug=on_behalf_of).first()
            data["on_behalf_of"] = publisher.pk if publisher else 0
            form = qa.AnswerForm(data, user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors.get_json_data())
        _refuse_floods(request)
        post = qa.post_answer(author=request.user, question=question, form=form)
        post = (
            Answer.objects.select_related("author__profile", "on_behalf_of")
            .prefetch_related(
                Prefetch("comments", queryset=Comment.objects.none(), to_attr="visible_comments")
            )
            .get(pk=post.pk)
        )
        question.visible_answers = [post]
        with_labels([question])
        post.question = question
        return Response(AnswerSerializer(post).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept an answer (the asker, or a member of the dataset's publisher)",
        request=AcceptSerializer,
        responses={200: QuestionSerializer, **_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        question = self._visible_question()
        if not qa.may_accept(request.user, question):
            raise exceptions.PermissionDenied("Only the asker or the data owner accepts answers.")
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        chosen = next(
            (a for a in question.visible_answers if a.pk == serializer.validated_data["answer"]),
            None,
        )
        if chosen is None:
            raise exceptions.ValidationError({"answer": ["No visible answer to this question."]})
        if question.accepted_answer_id != chosen.pk:
            question.accepted_answer = chosen
            question.save(update_fields=["accepted_answer"])
            chosen.question = question
            qa._announce_accepted(chosen, request.user)
        return self._show(question)

    def _set_status(self, request, new_status):
        question = self._visible_question()
        if not qa.may_close(request.user, question):
            raise exceptions.PermissionDenied(
                "Only the asker, the data owner or a moderator closes and reopens a question."
            )
        if question.status != new_status:
            question.status = new_status
            question.save(update_fields=["status"])
        return self._show(question)

    @extend_schema(
        summary="Close a question: it takes no new answers",
        request=None,
        responses={200: QuestionSerializer, **_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._set_status(request, Question.Status.CLOSED)

    @extend_schema(
        summary="Reopen a closed question",
        request=None,
        responses={200: QuestionSerializer, **_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._set_status(request, Question.Status.OPEN)


class Throttled(exceptions.Throttled):
    default_detail = "You posted a lot just now. Try again in an hour."


def _refuse_floods(request, action: str = "post") -> None:
    """The web forms' posting limits, per person and per address, count API posts too."""
    if rate_limited(request, action):
        raise Throttled(wait=antiabuse.WINDOW)


# Data requests ---------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(allow_null=True)

    class Meta:
        model = DataRequestEvent
        fields = ["status", "explanation", "actor", "created_at"]


class DataRequestSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    author = PersonSerializer()
    body_html = serializers.SerializerMethodField(help_text="Rendered and sanitised.")
    owner = PublisherRefSerializer(allow_null=True)
    community = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    dataset = serializers.SerializerMethodField(
        help_text="Slug of the published or existing dataset, once linked."
    )
    supporter_count = serializers.IntegerField(read_only=True)
    history = EventSerializer(source="events", many=True, read_only=True)
    comments = PostSerializer(source="visible_comments", many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = DataRequest
        fields = [
            "id", "title", "body", "body_html", "author", "possible_owner", "owner", "purpose",
            "desired_format", "desired_period", "commercial", "community", "status", "reason",
            "dataset", "status_changed_at", "supporter_count", "history", "comments",
            "created_at", "edited_at", "web_url",
        ]  # fmt: skip

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))

    def get_dataset(self, obj) -> str | None:
        # Only a published dataset is named: a withdrawn or draft one would leak.
        dataset = obj.dataset
        if dataset is None or dataset.status != Dataset.Status.PUBLISHED:
            return None
        return dataset.slug

    def get_web_url(self, obj) -> str:
        return _web_url(obj)


def data_request_queryset():
    comments = DataRequestComment.objects.visible().select_related("author__profile")
    events = DataRequestEvent.objects.select_related("actor__profile")
    return (
        DataRequest.objects.visible()
        .select_related("author__profile", "owner", "community", "dataset")
        .prefetch_related(
            Prefetch("events", queryset=events),
            Prefetch("comments", queryset=comments, to_attr="visible_comments"),
        )
        .annotate(supporter_count=Count("supporters", distinct=True))
        .order_by("-created_at", "-pk")
    )


class DataRequestWriteSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=antiabuse.TITLE_MAX_LENGTH, help_text="What data is needed."
    )
    body = serializers.CharField(max_length=antiabuse.BODY_MAX_LENGTH, help_text="Markdown.")
    possible_owner = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner = serializers.CharField(
        required=False, allow_blank=True, help_text="Slug of the publisher that may hold it."
    )
    purpose = serializers.CharField(max_length=2_000, required=False, allow_blank=True)
    desired_format = serializers.CharField(max_length=100, required=False, allow_blank=True)
    desired_period = serializers.CharField(max_length=100, required=False, allow_blank=True)
    commercial = serializers.BooleanField(required=False, default=False)
    community = serializers.CharField(
        required=False, allow_blank=True, help_text="Slug of a community."
    )


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DataRequest.Status.values)
    explanation = serializers.CharField(max_length=5_000, required=False, allow_blank=True)
    reason = serializers.ChoiceField(
        choices=DataRequest.Reason.values, required=False, allow_blank=True,
        help_text="Required when the data is not available.",
    )  # fmt: skip
    dataset = serializers.CharField(
        required=False, allow_blank=True, help_text="Slug of the published dataset."
    )
    owner = serializers.CharField(
        required=False, allow_blank=True, help_text="Slug of the publisher, when forwarding."
    )


class SupportSerializer(serializers.Serializer):
    supporter_count = serializers.IntegerField()
    supporting = serializers.BooleanField()


REQUEST_PARAMETERS = [
    OpenApiParameter("status", str, enum=DataRequest.Status.values),
    OpenApiParameter("community", str, description="Slug of a community."),
    OpenApiParameter("owner", str, description="Slug of the publisher that may hold it."),
]


def _form_errors(errors) -> dict:
    return {name: [e["message"] for e in items] for name, items in errors.get_json_data().items()}


@extend_schema_view(
    list=extend_schema(
        summary="List data requests, with status history and supporters",
        parameters=REQUEST_PARAMETERS,
        responses={200: DataRequestSerializer(many=True), 400: OpenApiTypes.OBJECT},
    ),
    retrieve=extend_schema(summary="One data request, with its status history"),
    create=extend_schema(
        summary="Request data that is not in the catalogue (token)",
        request=DataRequestWriteSerializer,
        responses={201: DataRequestSerializer, **_ERRORS, 429: OpenApiTypes.OBJECT},
    ),
)
class DataRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Requests for data, with their public lifecycle; hidden, held and deleted ones are left
    out."""

    serializer_class = DataRequestSerializer
    permission_classes = [CanWriteOrReadOnly]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        requests = data_request_queryset()
        if self.action == "list":
            params = self.request.query_params
            _choice_param(params, "status", DataRequest.Status.values)
            cleaned = {name: _text_param(params, name) for name in ("status", "community", "owner")}
            requests = lifecycle.filter_requests(requests, cleaned)
        return requests

    def _show(self, data_request, code=status.HTTP_200_OK):
        shown = data_request_queryset().get(pk=data_request.pk)
        return Response(self.get_serializer(shown).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = DataRequestWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["commercial"] = "on" if data.get("commercial") else ""
        form = lifecycle.DataRequestForm(data)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form.errors))
        _refuse_floods(request, "data-request")
        data_request = lifecycle.submit(form, request.user)
        return self._show(data_request, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Support a request (“I need this too”); DELETE withdraws your support",
        request=None,
        responses={200: SupportSerializer, **_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post", "delete"])
    def support(self, request, pk=None):
        data_request = self.get_object()
        if request.method == "DELETE":
            data_request.supporters.remove(request.user)
        elif data_request.author_id == request.user.pk:
            raise exceptions.ValidationError({"detail": "This is your own request."})
        else:
            data_request.supporters.add(request.user)
        body = {
            "supporter_count": data_request.supporters.count(),
            "supporting": data_request.supporters.filter(pk=request.user.pk).exists(),
        }
        return Response(body)

    @extend_schema(
        summary="Change a request's status (community managers and the owner's members)",
        description="The steps allowed from each status and who may take them are those of "
        "the web page. `not_available` needs a `reason` (and an explanation for `other`); "
        "`published` and `already_available` need the `dataset`; forwarding needs an `owner`.",
        request=StatusChangeSerializer,
        responses={200: DataRequestSerializer, **_ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        data_request = self.get_object()
        statuses = lifecycle.next_statuses(request.user, data_request)
        if not statuses:
            raise exceptions.PermissionDenied("You cannot change this request's status.")
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = lifecycle.StatusForm(
            {key: value for key, value in serializer.validated_data.items()}, statuses=statuses
        )
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form.errors))
        data = form.cleaned_data
        try:
            lifecycle.change_status(
                data_request,
                actor=request.user,
                status=data["status"],
                explanation=data["explanation"],
                reason=data["reason"],
                dataset=data["dataset"],
                owner=data["owner"],
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return self._show(data_request)


# CKAN: communities as groups -------------------------------------------------------------


def _lang() -> str:
    return settings.METADATA_LANGUAGES[0]


def ckan_group(community: Community, package_count: int) -> dict:
    """A community in the shape of a CKAN group dict (type "community")."""
    lang = _lang()
    image = settings.SITE_URL + community.image.url if community.image else ""
    return {
        "id": community.slug,
        "name": community.slug,
        "title": community.name.localized(lang),
        "title_translated": dict(community.name),
        "display_name": community.name.localized(lang),
        "description": community.description.localized(lang),
        "description_translated": dict(community.description),
        "image_url": image,
        "image_display_url": image,
        "created": community.created_at.replace(tzinfo=None).isoformat(),
        "is_organization": False,
        "type": "community",
        "state": "active",
        "approval_status": "approved",
        "package_count": package_count,
        "url": _web_url(community),
    }


class CommunityGroups:
    """catalog.ckan.GROUP_PROVIDERS entry: group_list and group_show cover communities."""

    def groups(self) -> list[dict]:
        communities = list(Community.objects.order_by("slug"))
        scopes = scope_slugs(communities)
        return [ckan_group(c, len(scopes[c.pk])) for c in communities]

    def group(self, name: str):
        community = Community.objects.filter(slug=name[:100]).first()
        if community is None:
            return None
        datasets = community.datasets_in_scope()
        return ckan_group(community, datasets.count()), datasets


# The router ------------------------------------------------------------------------------


def register(router) -> None:
    """Put the communities' resources on the portal's one router (portal.urls)."""
    router.register("communities", CommunityViewSet, basename="community")
    router.register("questions", QuestionViewSet, basename="question")
    router.register("data-requests", DataRequestViewSet, basename="datarequest")
