"""Data communities: owners, re-users and experts around the datasets of one domain,
with their questions and answers, data requests, notifications and moderation."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Concept, Dataset, Publisher
from catalog.multilingual import LanguageMapField
from catalog.uploads import validate_image

User = settings.AUTH_USER_MODEL


class Community(models.Model):
    """A space around the datasets of one domain (mobility, education, heritage, ...).

    Its datasets are the ones picked explicitly plus those matching its rules (publisher,
    theme, keyword), so new datasets join by themselves.
    """

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = LanguageMapField(_("name"), max_length=200)
    description = LanguageMapField(
        _("description"), textarea=True, blank=True, help_text=_("Markdown.")
    )
    image = models.ImageField(
        _("image"), upload_to="communities/", blank=True, validators=[validate_image]
    )
    themes = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="communities",
        limit_choices_to={"scheme": Concept.Scheme.THEME},
        verbose_name=_("themes"),
    )
    is_open = models.BooleanField(
        _("open"), default=True, help_text=_("Anyone may join; otherwise managers approve.")
    )
    datasets = models.ManyToManyField(
        Dataset, blank=True, related_name="communities", verbose_name=_("datasets picked")
    )
    rule_publishers = models.ManyToManyField(
        Publisher,
        blank=True,
        related_name="+",
        verbose_name=_("include datasets of these publishers"),
    )
    rule_themes = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.THEME},
        verbose_name=_("include datasets with these themes"),
    )
    rule_keywords = models.JSONField(
        _("include datasets with these keywords"), default=list, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["slug"]

    def __str__(self):
        return str(self.name)

    def get_absolute_url(self):
        return reverse("communities:community-detail", args=[self.slug])

    def scope_q(self) -> Q:
        """Which datasets belong to the community: picked, or matching a rule."""
        condition = Q(pk__in=self.datasets.values("pk"))
        publishers = list(self.rule_publishers.values_list("pk", flat=True))
        themes = list(self.rule_themes.values_list("pk", flat=True))
        if publishers:
            condition |= Q(publisher__in=publishers)
        if themes:
            condition |= Q(
                pk__in=Dataset.themes.through.objects.filter(concept__in=themes).values(
                    "dataset_id"
                )
            )
        if self.rule_keywords:
            condition |= Q(
                pk__in=Dataset.keywords.through.objects.filter(
                    keyword__value__in=self.rule_keywords
                ).values("dataset_id")
            )
        return condition

    def datasets_in_scope(self):
        """The published datasets of this community."""
        return Dataset.objects.published().filter(self.scope_q())


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Data owner")
        REUSER = "reuser", _("Re-user")
        EXPERT = "expert", _("Expert")
        MODERATOR = "moderator", _("Moderator")
        MANAGER = "manager", _("Manager")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Member")
        PENDING = "pending", _("Asked to join")

    community = models.ForeignKey(Community, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, models.CASCADE, related_name="community_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.REUSER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.ACTIVE, db_index=True
    )
    publisher = models.ForeignKey(
        Publisher,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represents"),
        help_text=_("For data owners: the publisher they speak for."),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["community", "role", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="community_member_once")
        ]

    def __str__(self):
        return f"{self.user} in {self.community} ({self.get_role_display()})"


class Profile(models.Model):
    """What a person shows of themselves, their trust flags and notification settings."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        OFF = "off", _("Off")

    user = models.OneToOneField(User, models.CASCADE, related_name="profile")
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    expertise = models.TextField(_("expertise"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    is_expert = models.BooleanField(_("expert"), default=False)
    is_moderator = models.BooleanField(_("moderator"), default=False)
    email_frequency = models.CharField(
        _("e-mail notifications"),
        max_length=10,
        choices=Frequency,
        default=Frequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.display_name or str(self.user)


class Post(models.Model):
    """What questions, answers and comments share: author, body, moderation state."""

    author = models.ForeignKey(User, models.CASCADE, related_name="+")
    body = models.TextField(_("text"), help_text=_("Markdown."))
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted by its author"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False, db_index=True)
    is_held = models.BooleanField(
        _("held for moderation"), default=False, help_text=_("A new account's first post.")
    )

    class Meta:
        abstract = True

    @property
    def is_visible(self) -> bool:
        return not (self.is_deleted or self.is_hidden or self.is_held)


class VisibleQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_deleted=False, is_hidden=False, is_held=False)


class Question(Post):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    community = models.ForeignKey(
        Community, models.CASCADE, null=True, blank=True, related_name="questions"
    )
    dataset = models.ForeignKey(
        Dataset, models.CASCADE, null=True, blank=True, related_name="questions"
    )
    title = models.CharField(_("title"), max_length=200)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    accepted_answer = models.ForeignKey(
        "Answer", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When an owner of the data or an expert first answered: the response-time KPI.
    first_response_at = models.DateTimeField(_("first answer by owner or expert"), null=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=False) | Q(dataset__isnull=False),
                name="question_has_a_place",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communities:question-detail", args=[self.pk])


class Answer(Post):
    question = models.ForeignKey(Question, models.CASCADE, related_name="answers")
    on_behalf_of = models.ForeignKey(
        Publisher,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.question}: {self.body[:40]}"


class Comment(Post):
    answer = models.ForeignKey(Answer, models.CASCADE, related_name="comments")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


class DataRequest(Post):
    """A request for data that is not in the catalogue, with a public lifecycle."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        FORWARDED = "forwarded", _("Forwarded to the owner")
        PLANNED = "planned", _("Planned, being prepared")
        PUBLISHED = "published", _("Published")
        NOT_AVAILABLE = "not_available", _("Not available")
        ALREADY_AVAILABLE = "already_available", _("Already available")

    class Reason(models.TextChoices):
        DOES_NOT_EXIST = "does_not_exist", _("The data does not exist")
        NOT_PUBLIC = "not_public", _("The data cannot be made public")
        NOT_OUR_DATA = "not_our_data", _("Not our data")
        OTHER = "other", _("Other")

    title = models.CharField(_("what data is needed"), max_length=200)
    possible_owner = models.CharField(_("possible owner"), max_length=200, blank=True)
    owner = models.ForeignKey(
        Publisher,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("owner"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    desired_format = models.CharField(_("desired format"), max_length=100, blank=True)
    desired_period = models.CharField(_("period"), max_length=100, blank=True)
    commercial = models.BooleanField(_("commercial use"), default=False)
    community = models.ForeignKey(
        Community, models.SET_NULL, null=True, blank=True, related_name="data_requests"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason, blank=True)
    dataset = models.ForeignKey(
        Dataset,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("resulting or existing dataset"),
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    reminded_at = models.DateTimeField(_("managers reminded"), null=True, blank=True)
    supporters = models.ManyToManyField(
        User, blank=True, related_name="supported_requests", verbose_name=_("supporters")
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communities:request-detail", args=[self.pk])


class DataRequestEvent(models.Model):
    """One step of a request's public lifecycle, with its explanation."""

    request = models.ForeignKey(DataRequest, models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=DataRequest.Status)
    explanation = models.TextField(_("explanation"), blank=True)
    actor = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("data request status change")
        verbose_name_plural = _("data request status changes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request}: {self.status}"


class DataRequestComment(Post):
    request = models.ForeignKey(DataRequest, models.CASCADE, related_name="comments")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("data request comment")
        verbose_name_plural = _("data request comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


class Follow(models.Model):
    """A person following a community, a dataset or a thread, for notifications."""

    user = models.ForeignKey(User, models.CASCADE, related_name="follows")
    community = models.ForeignKey(
        Community, models.CASCADE, null=True, blank=True, related_name="follows"
    )
    dataset = models.ForeignKey(
        Dataset, models.CASCADE, null=True, blank=True, related_name="follows"
    )
    question = models.ForeignKey(
        Question, models.CASCADE, null=True, blank=True, related_name="follows"
    )
    data_request = models.ForeignKey(
        DataRequest, models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(community__isnull=False, dataset__isnull=True, question__isnull=True,
                      data_request__isnull=True)
                    | Q(community__isnull=True, dataset__isnull=False, question__isnull=True,
                        data_request__isnull=True)
                    | Q(community__isnull=True, dataset__isnull=True, question__isnull=False,
                        data_request__isnull=True)
                    | Q(community__isnull=True, dataset__isnull=True, question__isnull=True,
                        data_request__isnull=False)
                ),
                name="follow_one_thing",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.user} follows {self.community or self.dataset or self.question}"


class Notification(models.Model):
    """Something a person should know; shown in the portal and e-mailed as they chose."""

    user = models.ForeignKey(User, models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.message


class Report(models.Model):
    """Anyone's report of a post; moderators hide or restore it."""

    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    post = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    decision = models.CharField(_("decision"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["resolved_at", "-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="report_post_idx")]

    def __str__(self):
        return f"{self.content_type} {self.object_id}: {self.reason[:40]}"
