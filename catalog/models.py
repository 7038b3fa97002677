"""The catalogue: DCAT-AP 3 catalogue, publishers, datasets, distributions, data services
and the controlled vocabularies they point to."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.multilingual import LanguageMapField
from catalog.uploads import validate_image, validate_upload

SITE_MANAGERS_GROUP = "Site managers"


def is_site_manager(user) -> bool:
    """Site managers see and change everything in the catalogue."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_site_manager", None)
    if cached is None:
        cached = user.groups.filter(name=SITE_MANAGERS_GROUP).exists()
        user._is_site_manager = cached
    return cached


def url_list_validator(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Expected a list of web addresses."))
    for item in value:
        if not item.startswith(("http://", "https://")):
            raise ValidationError(
                _("%(value)s is not a web address (it must start with http:// or https://)."),
                params={"value": item},
            )


# Vocabularies ---------------------------------------------------------------------------


class ConceptQuerySet(models.QuerySet):
    def in_scheme(self, scheme):
        return self.filter(scheme=scheme)


class Concept(models.Model):
    """A term from a controlled vocabulary (SKOS concept), e.g. an EU data theme or file type."""

    class Scheme(models.TextChoices):
        THEME = "theme", _("Data theme")
        ACCESS_RIGHT = "access-right", _("Access right")
        FREQUENCY = "frequency", _("Frequency")
        FILE_TYPE = "file-type", _("File type")
        LANGUAGE = "language", _("Language")
        PUBLISHER_TYPE = "publisher-type", _("Publisher type")
        DISTRIBUTION_STATUS = "distribution-status", _("Distribution status")
        DOMAIN = "domain", _("Domain concept")

    scheme = models.CharField(_("vocabulary"), max_length=30, choices=Scheme)
    scheme_uri = models.URLField(
        _("concept scheme URI"), max_length=500, blank=True, help_text=_("skos:inScheme")
    )
    uri = models.URLField(_("URI"), max_length=500, unique=True)
    code = models.CharField(_("code"), max_length=100)
    label = LanguageMapField(_("label"), max_length=300)
    # File types only: what the DCAT-AP and quality criteria ask about a format.
    media_type = models.CharField(_("IANA media type"), max_length=100, blank=True)
    extensions = models.CharField(
        _("file extensions"), max_length=100, blank=True, help_text=_("Comma-separated, no dot.")
    )
    machine_readable = models.BooleanField(_("machine-readable"), default=False)
    non_proprietary = models.BooleanField(_("non-proprietary"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ConceptQuerySet.as_manager()

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["scheme", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="concept_unique_code"),
        ]

    def __str__(self):
        return str(self.label) or self.code


class Licence(models.Model):
    """A licence document with the flags reuse conditions are judged by."""

    code = models.CharField(
        _("code"), max_length=50, unique=True, help_text=_("Short id, e.g. CC-BY-4.0.")
    )
    uri = models.URLField(_("URI"), max_length=500, unique=True)
    title = LanguageMapField(_("title"), max_length=200)
    url = models.URLField(_("licence text"), max_length=500, blank=True)
    is_open = models.BooleanField(_("open licence"), default=False)
    attribution = models.BooleanField(_("attribution required"), default=False)
    share_alike = models.BooleanField(_("share-alike"), default=False)
    non_commercial = models.BooleanField(_("non-commercial only"), default=False)
    no_derivatives = models.BooleanField(_("no derivatives"), default=False)
    public_domain = models.BooleanField(_("public domain"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["position", "code"]

    def __str__(self):
        return str(self.title) or self.code


class Keyword(models.Model):
    value = models.CharField(_("keyword"), max_length=100)
    language = models.CharField(_("language tag"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["value", "language"], name="keyword_unique"),
        ]
        indexes = [models.Index(fields=["value"], name="keyword_value_idx")]

    def __str__(self):
        return self.value


# Catalogue and publishers ---------------------------------------------------------------


class Catalog(models.Model):
    """The portal's own catalogue record (dcat:Catalog); there is one."""

    title = LanguageMapField(_("title"), max_length=300)
    description = LanguageMapField(_("description"), textarea=True)
    publisher = models.ForeignKey(
        "Publisher", models.SET_NULL, null=True, blank=True, verbose_name=_("publisher")
    )
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)
    languages = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.LANGUAGE},
        verbose_name=_("languages"),
    )
    licence = models.ForeignKey(
        Licence, models.SET_NULL, null=True, blank=True, verbose_name=_("licence")
    )
    themes_taxonomy = models.URLField(
        _("themes taxonomy"),
        max_length=500,
        default="http://publications.europa.eu/resource/authority/data-theme",
    )
    issued = models.DateField(_("issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue")
        verbose_name_plural = _("catalogue")

    def __str__(self):
        return str(self.title) or settings.SITE_NAME

    @classmethod
    def get_current(cls) -> "Catalog":
        catalog = cls.objects.select_related("publisher", "licence").order_by("pk").first()
        if catalog is None:
            catalog = cls.objects.create(
                title={
                    "en": f"{settings.SITE_NAME} catalogue",
                    "nl": f"{settings.SITE_NAME} catalogus",
                },
                description={
                    "en": "Open data published by the members of this portal.",
                    "nl": "Open data gepubliceerd door de deelnemers aan dit portaal.",
                },
                homepage=settings.SITE_URL + "/",
                issued=timezone.localdate(),
            )
        return catalog


class PublisherQuerySet(models.QuerySet):
    def editable_by(self, user):
        if is_site_manager(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def administered_by(self, user):
        if is_site_manager(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=PublisherMembership.Role.ADMIN)


class Publisher(models.Model):
    """An organisation that publishes data (foaf:Agent)."""

    name = LanguageMapField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    uri = models.URLField(
        _("URI"),
        max_length=500,
        blank=True,
        help_text=_("An official organisation URI, if it has one. Blank: the portal's own."),
    )
    description = LanguageMapField(_("description"), textarea=True, blank=True)
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)
    publisher_type = models.ForeignKey(
        Concept,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.PUBLISHER_TYPE},
        verbose_name=_("publisher type"),
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PublisherMembership",
        related_name="publishers",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = PublisherQuerySet.as_manager()

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        ordering = ["slug"]

    def __str__(self):
        return str(self.name) or self.slug

    def get_absolute_url(self):
        return reverse("catalog:publisher-detail", args=[self.slug])

    def get_uri(self) -> str:
        return self.uri or settings.SITE_URL + self.get_absolute_url()

    def add_member(self, user, role=None) -> "PublisherMembership":
        """Make `user` a member; members need staff status to reach the admin."""
        membership, _created = PublisherMembership.objects.update_or_create(
            publisher=self, user=user, defaults={"role": role or PublisherMembership.Role.EDITOR}
        )
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return membership


class PublisherMembership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        EDITOR = "editor", _("Editor")

    publisher = models.ForeignKey(Publisher, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="publisher_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.EDITOR)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["publisher", "user"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.publisher})"


# Datasets -------------------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Reuse conditions' vocabularies (catalog.reuse).


class AccessReason(models.TextChoices):
    """Why data is not public, in the words publishers recognise."""

    PERSONAL_DATA = "personal_data", _("Personal data")
    THIRD_PARTY_RIGHTS = "third_party_rights", _("Third-party rights")
    COMMERCIAL_CONFIDENTIALITY = "commercial_confidentiality", _("Commercial confidentiality")
    SECURITY = "security", _("Security")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    OTHER = "other", _("Other")


class Purpose(models.TextChoices):
    RESEARCH = "research", _("Research")
    EDUCATION = "education", _("Education")
    JOURNALISM = "journalism", _("Journalism")
    PUBLIC_TASK = "public_task", _("Public task")
    COMMERCIAL = "commercial", _("Commercial")
    NON_COMMERCIAL = "non_commercial", _("Non-commercial")


class RecipientType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    BUSINESS = "business", _("Business")
    RESEARCH = "research", _("Research institution")
    CITIZEN = "citizen", _("Citizen")


class PolicyAction(models.TextChoices):
    """ODRL 2.2 actions (catalog.reuse maps each to its odrl: IRI)."""

    USE = "use", _("Use")
    DISPLAY = "display", _("Display")
    DISTRIBUTE = "distribute", _("Distribute")
    DERIVE = "derive", _("Modify or derive")
    COMMERCIALIZE = "commercialize", _("Commercialise")
    AGGREGATE = "aggregate", _("Aggregate")
    # Duties
    ATTRIBUTE = "attribute", _("Attribute the source")
    SHARE_ALIKE = "share_alike", _("Share alike")
    INFORM = "inform", _("Notify the owner")
    SIGN_AGREEMENT = "sign_agreement", _("Sign an agreement")


class DatasetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Published datasets, plus every dataset of the publishers the user belongs to."""
        if is_site_manager(user):
            return self
        if not user.is_authenticated:
            return self.published()
        return self.filter(
            Q(status=Status.PUBLISHED)
            | Q(publisher__in=Publisher.objects.filter(memberships__user=user))
        )

    def editable_by(self, user):
        if is_site_manager(user):
            return self
        return self.filter(publisher__in=Publisher.objects.editable_by(user))

    def for_list(self):
        """What a list of dataset cards shows, in a fixed number of queries."""
        return self.select_related("publisher", "licence", "access_rights").prefetch_related(
            "themes", "distributions__format"
        )


class Dataset(models.Model):
    """A dcat:Dataset."""

    Status = Status

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    uri = models.URLField(
        _("URI"),
        max_length=500,
        unique=True,
        blank=True,
        help_text=_("Stable URI. Blank: the portal assigns one when the dataset is first saved."),
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=500,
        blank=True,
        help_text=_("dct:identifier; harvested datasets keep the identifier of their source."),
    )
    title = LanguageMapField(_("title"), max_length=300)
    description = LanguageMapField(
        _("description"), textarea=True, help_text=_("Markdown. Links and lists are allowed.")
    )
    keywords = models.ManyToManyField(
        Keyword, blank=True, related_name="datasets", verbose_name=_("keywords")
    )
    themes = models.ManyToManyField(
        Concept,
        related_name="datasets",
        limit_choices_to={"scheme": Concept.Scheme.THEME},
        verbose_name=_("themes"),
    )
    concepts = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="concept_datasets",
        limit_choices_to={"scheme": Concept.Scheme.DOMAIN},
        verbose_name=_("domain concepts"),
    )
    publisher = models.ForeignKey(
        Publisher, models.PROTECT, related_name="datasets", verbose_name=_("publisher")
    )
    creator = models.ForeignKey(
        Publisher,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_datasets",
        verbose_name=_("creator"),
    )
    temporal_start = models.DateField(_("temporal coverage from"), null=True, blank=True)
    temporal_end = models.DateField(_("temporal coverage until"), null=True, blank=True)
    spatial_uri = models.URLField(
        _("spatial coverage URI"),
        max_length=500,
        blank=True,
        help_text=_("For example a Geonames or EU place URI."),
    )
    spatial_label = LanguageMapField(_("spatial coverage"), max_length=200, blank=True)
    bbox_west = models.FloatField(
        _("west"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    bbox_south = models.FloatField(
        _("south"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    bbox_east = models.FloatField(
        _("east"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    bbox_north = models.FloatField(
        _("north"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    frequency = models.ForeignKey(
        Concept,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.FREQUENCY},
        verbose_name=_("update frequency"),
    )
    languages = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="language_datasets",
        limit_choices_to={"scheme": Concept.Scheme.LANGUAGE},
        verbose_name=_("languages"),
    )
    issued = models.DateField(_("issued"), null=True, blank=True)
    modified = models.DateField(_("modified"), null=True, blank=True)
    landing_page = models.URLField(_("landing page"), max_length=1000, blank=True)
    documentation = models.JSONField(
        _("documentation pages"), default=list, blank=True, validators=[url_list_validator]
    )
    conforms_to = models.JSONField(
        _("conforms to standards"), default=list, blank=True, validators=[url_list_validator]
    )
    version = models.CharField(_("version"), max_length=50, blank=True)
    version_notes = LanguageMapField(_("version notes"), textarea=True, blank=True)
    access_rights = models.ForeignKey(
        Concept,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.ACCESS_RIGHT},
        verbose_name=_("access rights"),
    )
    licence = models.ForeignKey(
        Licence,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("licence"),
        help_text=_("Applies to every distribution that does not name its own."),
    )
    provenance = LanguageMapField(_("provenance"), textarea=True, blank=True)
    # Reuse conditions beyond licence and access rights (catalog.reuse explains them).
    access_reason = models.CharField(
        _("reason access is limited"),
        max_length=30,
        choices=AccessReason,
        blank=True,
    )
    access_reason_text = LanguageMapField(
        _("about the reason"), textarea=True, blank=True, help_text=_("Required for “Other”.")
    )
    legal_basis = LanguageMapField(_("legal basis"), textarea=True, blank=True)
    legal_basis_uri = models.URLField(_("legal basis URI"), max_length=500, blank=True)
    applicable_legislation = models.JSONField(
        _("applicable legislation"),
        default=list,
        blank=True,
        validators=[url_list_validator],
        help_text=_("ELI URIs of the legislation that applies (dcatap:applicableLegislation)."),
    )
    rights = LanguageMapField(
        _("rights statement"),
        textarea=True,
        blank=True,
        help_text=_("How to attribute the data, and other rights."),
    )
    rights_holder = models.CharField(_("copyright holder"), max_length=300, blank=True)
    policy_template = models.ForeignKey(
        "PolicyTemplate",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("conditions template"),
        help_text=_("The template these conditions started from."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    # Harvested datasets: where they came from, what could not be mapped, and a hash of
    # the mapped record so that an unchanged record is left untouched on the next run.
    harvest_source = models.ForeignKey(
        "HarvestSource",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="datasets",
        verbose_name=_("harvest source"),
    )
    raw_metadata = models.JSONField(
        _("unmapped source metadata"), default=dict, blank=True, editable=False
    )
    harvest_hash = models.CharField(max_length=64, blank=True, editable=False)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("metadata modified"), auto_now=True)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The public list: published datasets, newest first / last modified first.
            models.Index(fields=["status", "-published_at"], name="dataset_status_published_idx"),
            models.Index(fields=["status", "-updated_at"], name="dataset_status_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(temporal_start__isnull=True)
                | Q(temporal_end__isnull=True)
                | Q(temporal_start__lte=models.F("temporal_end")),
                name="dataset_temporal_order",
            ),
        ]

    def __str__(self):
        return str(self.title) or self.slug

    def save(self, *args, **kwargs):
        # The URI is fixed on first save so that it never follows a later slug change.
        if not self.uri:
            self.uri = settings.SITE_URL + reverse("catalog:dataset-detail", args=[self.slug])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalog:dataset-detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.temporal_start and self.temporal_end and self.temporal_start > self.temporal_end:
            errors["temporal_end"] = _("The end of the period lies before its start.")
        bbox = [self.bbox_west, self.bbox_south, self.bbox_east, self.bbox_north]
        if any(v is not None for v in bbox) and not all(v is not None for v in bbox):
            errors["bbox_west"] = _("Give all four sides of the bounding box, or none.")
        elif all(v is not None for v in bbox) and (
            self.bbox_west > self.bbox_east or self.bbox_south > self.bbox_north
        ):
            errors["bbox_west"] = _("West must lie west of east, and south south of north.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_bbox(self) -> bool:
        return None not in (self.bbox_west, self.bbox_south, self.bbox_east, self.bbox_north)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def publish(self):
        self.status = Status.PUBLISHED
        self.published_at = self.published_at or timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])

    def withdraw(self):
        self.status = Status.WITHDRAWN
        self.save(update_fields=["status", "updated_at"])

    def set_keywords(self, keywords_by_language: dict[str, list[str]]):
        """Replace the keywords with {language: [values]}, creating missing Keyword rows."""
        wanted = {
            (value.strip()[:100], language)
            for language, values in keywords_by_language.items()
            for value in values
            if value.strip()
        }
        Keyword.objects.bulk_create(
            [Keyword(value=value, language=language) for value, language in wanted],
            ignore_conflicts=True,
        )
        candidates = Keyword.objects.filter(value__in={value for value, _ in wanted})
        self.keywords.set([k for k in candidates if (k.value, k.language) in wanted])

    def keywords_by_language(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for keyword in self.keywords.all():
            result.setdefault(keyword.language, []).append(keyword.value)
        return result

    def effective_licence(self):
        return self.licence


class ContactPoint(models.Model):
    """A vcard:Kind to ask about the dataset."""

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="contact_points")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.email or self.url or self.phone):
            raise ValidationError(_("Give an e-mail address, web address or telephone number."))


class DatasetRelation(models.Model):
    """A qualified relation (dcat:qualifiedRelation) to another dataset or resource."""

    class Role(models.TextChoices):
        SOURCE = "source", _("is derived from")
        PART_OF = "part_of", _("is part of")
        VERSION_OF = "version_of", _("is a version of")
        REPLACES = "replaces", _("replaces")
        RELATED = "related", _("is related to")

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="relations")
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.RELATED)
    target = models.ForeignKey(
        Dataset,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="inverse_relations",
        verbose_name=_("dataset in this catalogue"),
    )
    target_uri = models.URLField(_("or an external URI"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("related dataset")
        verbose_name_plural = _("related datasets")
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=False) | ~Q(target_uri=""),
                name="relation_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.target or self.target_uri}"

    def clean(self):
        if not self.target_id and not self.target_uri:
            raise ValidationError(_("Choose a dataset or give a URI."))
        if self.target_id and self.target_id == self.dataset_id:
            raise ValidationError(_("A dataset cannot be related to itself."))

    def get_target_uri(self) -> str:
        return self.target.uri if self.target_id else self.target_uri


class Distribution(models.Model):
    """A dcat:Distribution: a file or access point of a dataset."""

    class DistributionStatus(models.TextChoices):
        COMPLETED = "COMPLETED", _("Completed")
        DEVELOP = "DEVELOP", _("Under development")
        DEPRECATED = "DEPRECATED", _("Deprecated")
        WITHDRAWN = "WITHDRAWN", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="distributions")
    title = LanguageMapField(_("title"), max_length=300, blank=True)
    description = LanguageMapField(_("description"), textarea=True, blank=True)
    access_url = models.URLField(
        _("access URL"),
        max_length=1000,
        blank=True,
        help_text=_("Where the data can be obtained: a download, an API or a web page."),
    )
    download_url = models.URLField(
        _("download URL"), max_length=1000, blank=True, help_text=_("A direct link to the file.")
    )
    file = models.FileField(
        _("uploaded file"),
        upload_to="distributions/%Y/%m/",
        max_length=300,
        blank=True,
        validators=[validate_upload],
        help_text=_("Upload the file instead of linking to it; the portal serves it."),
    )
    format = models.ForeignKey(
        Concept,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="format_distributions",
        limit_choices_to={"scheme": Concept.Scheme.FILE_TYPE},
        verbose_name=_("format"),
    )
    media_type = models.CharField(
        _("media type"), max_length=100, blank=True, help_text=_("IANA type, e.g. text/csv.")
    )
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    checksum = models.CharField(
        _("SHA-256 checksum"), max_length=64, blank=True, help_text=_("Hexadecimal.")
    )
    licence = models.ForeignKey(
        Licence,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="distributions",
        verbose_name=_("licence"),
        help_text=_("Blank: the dataset's licence."),
    )
    rights = LanguageMapField(_("rights"), textarea=True, blank=True)
    access_rights = models.ForeignKey(
        Concept,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.ACCESS_RIGHT},
        verbose_name=_("access rights"),
        help_text=_("Blank: the dataset's access rights."),
    )
    conforms_to = models.JSONField(
        _("conforms to (schema)"), default=list, blank=True, validators=[url_list_validator]
    )
    languages = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="language_distributions",
        limit_choices_to={"scheme": Concept.Scheme.LANGUAGE},
        verbose_name=_("languages"),
    )
    issued = models.DateField(_("issued"), null=True, blank=True)
    modified = models.DateField(_("modified"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DistributionStatus,
        default=DistributionStatus.COMPLETED,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["position", "pk"]
        indexes = [
            # The format facet of a dataset search counts formats per dataset from this
            # index alone.
            models.Index(fields=["dataset", "format"], name="distribution_format_facet_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(access_url="") | ~Q(download_url="") | ~Q(file=""),
                name="distribution_has_location",
            ),
            models.CheckConstraint(
                condition=Q(checksum="") | Q(checksum__regex=r"^[0-9a-f]{64}$"),
                name="distribution_checksum_sha256",
            ),
        ]

    def __str__(self):
        return str(self.title) or (self.format.code if self.format_id else str(self.uuid))

    def clean(self):
        if not (self.access_url or self.download_url or self.file):
            raise ValidationError(
                _("Give an access URL or a download URL, or upload a file."), code="no_location"
            )

    def get_download_url(self) -> str:
        """The portal URL that serves the uploaded file or sends the visitor to the data."""
        return reverse("catalog:distribution-download", args=[self.dataset.slug, self.uuid])

    def get_access_url(self) -> str:
        """dcat:accessURL, absolute: uploaded files are accessed through the portal."""
        if self.access_url:
            return self.access_url
        if self.file:
            return settings.SITE_URL + self.get_download_url()
        return self.download_url

    def get_download_target(self) -> str:
        """dcat:downloadURL, absolute; blank when there is nothing to download directly."""
        if self.file:
            return settings.SITE_URL + self.get_download_url()
        return self.download_url

    def effective_licence(self):
        return self.licence or self.dataset.licence

    def effective_access_rights(self):
        return self.access_rights or self.dataset.access_rights

    def set_file_facts(self):
        """Fill byte size and SHA-256 from the uploaded file, reading it in chunks."""
        digest = hashlib.sha256()
        size = 0
        self.file.seek(0)
        for chunk in self.file.chunks():
            digest.update(chunk)
            size += len(chunk)
        self.file.seek(0)
        self.byte_size = size
        self.checksum = digest.hexdigest()


class DataServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        if is_site_manager(user):
            return self
        if not user.is_authenticated:
            return self.published()
        return self.filter(
            Q(status=Status.PUBLISHED)
            | Q(publisher__in=Publisher.objects.filter(memberships__user=user))
        )

    def editable_by(self, user):
        if is_site_manager(user):
            return self
        return self.filter(publisher__in=Publisher.objects.editable_by(user))


class DataService(models.Model):
    """A dcat:DataService: an API that serves datasets."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    publisher = models.ForeignKey(
        Publisher, models.PROTECT, related_name="data_services", verbose_name=_("publisher")
    )
    title = LanguageMapField(_("title"), max_length=300)
    description = LanguageMapField(_("description"), textarea=True, blank=True)
    endpoint_url = models.URLField(_("endpoint URL"), max_length=1000)
    endpoint_description = models.URLField(
        _("endpoint description"),
        max_length=1000,
        blank=True,
        help_text=_("For example an OpenAPI document."),
    )
    serves_datasets = models.ManyToManyField(
        Dataset, blank=True, related_name="data_services", verbose_name=_("serves datasets")
    )
    themes = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="data_services",
        limit_choices_to={"scheme": Concept.Scheme.THEME},
        verbose_name=_("themes"),
    )
    conforms_to = models.JSONField(
        _("conforms to standards"), default=list, blank=True, validators=[url_list_validator]
    )
    licence = models.ForeignKey(
        Licence, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("licence")
    )
    access_rights = models.ForeignKey(
        Concept,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.ACCESS_RIGHT},
        verbose_name=_("access rights"),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = DataServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("data service")
        verbose_name_plural = _("data services")
        ordering = ["slug"]

    def __str__(self):
        return str(self.title) or self.slug

    def get_absolute_url(self):
        return reverse("catalog:dataservice-detail", args=[self.slug])

    def get_uri(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()


# Harvesting -----------------------------------------------------------------------------


class HarvestSourceQuerySet(models.QuerySet):
    def due(self, now=None):
        """Enabled sources whose next run time has come (or that never ran)."""
        now = now or timezone.now()
        return self.filter(enabled=True).filter(
            Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)
        )


class HarvestSource(models.Model):
    """Another catalogue whose datasets are copied into this one on a schedule."""

    class Type(models.TextChoices):
        DCAT = "dcat", _("DCAT RDF document (Hydra paging followed)")
        CKAN = "ckan", _("CKAN site (Action API package_search)")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    url = models.URLField(
        _("URL"),
        max_length=1000,
        help_text=_("The first page of the DCAT document, or the CKAN site's home page."),
    )
    type = models.CharField(_("type"), max_length=10, choices=Type, default=Type.DCAT)
    publisher = models.ForeignKey(
        Publisher,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="harvest_sources",
        verbose_name=_("publisher"),
        help_text=_(
            "Owns every harvested dataset. Blank: each dataset goes to the publisher the "
            "source names, matched by URI or name, created when missing."
        ),
    )
    language = models.CharField(
        _("default language"),
        max_length=20,
        default="nl",
        help_text=_("Language tag for text the source gives without one."),
    )
    interval_hours = models.PositiveIntegerField(
        _("interval (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = HarvestSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def schedule_next(self, now=None):
        """Set the next run one interval from `now`, before the run is queued."""
        now = now or timezone.now()
        self.next_run_at = now + timedelta(hours=self.interval_hours)
        self.save(update_fields=["next_run_at", "updated_at"])

    def last_run(self):
        return self.runs.order_by("-started_at").first()


class HarvestRun(models.Model):
    """One harvest of a source, with its counts: the report shown in the admin."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Partly read (nothing withdrawn)")
        FAILED = "failed", _("Failed (nothing changed)")

    source = models.ForeignKey(
        HarvestSource, models.CASCADE, related_name="runs", verbose_name=_("source")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("harvest run")
        verbose_name_plural = _("harvest runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class HarvestFailure(models.Model):
    """A record of a run that could not be harvested, and why."""

    run = models.ForeignKey(HarvestRun, models.CASCADE, related_name="failures")
    record = models.CharField(_("record"), max_length=1000)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("harvest failure")
        verbose_name_plural = _("harvest failures")
        ordering = ["pk"]

    def __str__(self):
        return self.record


# API tokens -------------------------------------------------------------------------------


class ApiToken(models.Model):
    """A personal key for the REST and CKAN APIs; only its SHA-256 digest is stored.

    The token itself is shown once, when it is created: a leaked database then holds
    nothing that can be sent back to the API.
    """

    # Writing last_used_at on every request would turn each API read into a write.
    LAST_USED_PRECISION = timedelta(minutes=1)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def create_for(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token for `user`: returns the record and the key, which is not kept."""
        # The prefix makes keys recognisable (secret scanners) and never starts with "-",
        # which command-line tools would read as an option.
        key = "dk_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.digest(key), prefix=key[:11])
        return token, key

    @classmethod
    def authenticate(cls, key: str):
        """The active user owning `key`, or None; notes when the token was used."""
        if not key or len(key) > 200:
            return None
        token = cls.objects.select_related("user").filter(key_hash=cls.digest(key)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > cls.LAST_USED_PRECISION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


# What the background jobs find -------------------------------------------------------------
# Kept beside, not on, the distribution and the dataset: the jobs write these often, and
# a write here must not bump "metadata modified", fire the search signals or race an
# editor's save of the same row.


class LinkCheck(models.Model):
    """The health of one distribution's link, as catalog.linkcheck last found it.

    A link counts as broken only after repeated failures spread over more than a day
    (see catalog.linkcheck), so a short outage does not flag it.
    """

    class Status(models.TextChoices):
        OK = "ok", _("Working")
        BROKEN = "broken", _("Broken")
        UNKNOWN = "unknown", _("Not checked yet")

    distribution = models.OneToOneField(
        Distribution, models.CASCADE, primary_key=True, related_name="link_check"
    )
    url = models.URLField(_("checked URL"), max_length=1000, blank=True)
    status = models.CharField(
        _("link status"), max_length=10, choices=Status, default=Status.UNKNOWN, db_index=True
    )
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    content_type = models.CharField(_("content type seen"), max_length=200, blank=True)
    content_length = models.PositiveBigIntegerField(_("length seen"), null=True, blank=True)
    format_matches = models.BooleanField(_("matches the declared format"), null=True, blank=True)
    media_type_matches = models.BooleanField(
        _("matches the declared media type"), null=True, blank=True
    )
    final_url = models.URLField(_("final URL"), max_length=1000, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, db_index=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    first_failure_at = models.DateTimeField(_("first failure"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")

    def __str__(self):
        return f"{self.url or self.distribution_id}: {self.get_status_display()}"


class DistributionProfile(models.Model):
    """What is inside a tabular distribution, as catalog.profiling inferred it.

    `schema` is a Frictionless Table Schema document; per-column facts and what owners
    say about columns live in Column, so that re-profiling keeps the owners' words.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be profiled")
        OK = "ok", _("Profiled")
        NOT_TABULAR = "not_tabular", _("Not a table")
        TOO_LARGE = "too_large", _("Too large to profile")
        FAILED = "failed", _("Could not be read")

    distribution = models.OneToOneField(
        Distribution, models.CASCADE, primary_key=True, related_name="profile"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    checksum = models.CharField(_("SHA-256 of the profiled content"), max_length=64, blank=True)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=5, blank=True)
    row_count = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), null=True, blank=True)
    schema = models.JSONField(_("Table Schema"), default=dict, blank=True)
    profiled_at = models.DateTimeField(_("profiled"), null=True, blank=True)

    class Meta:
        verbose_name = _("structure profile")
        verbose_name_plural = _("structure profiles")

    def __str__(self):
        return f"{self.distribution_id}: {self.get_status_display()}"


class Column(models.Model):
    """One column of a distribution: what profiling found, and what its owner says of it.

    Profiling writes name, position, type and stats and sets `present`; the owner's
    title, description, concept, key flag and reference survive re-profiling, also
    while a column is missing from the latest file (present=False).
    """

    distribution = models.ForeignKey(Distribution, models.CASCADE, related_name="columns")
    name = models.CharField(_("name"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)
    type = models.CharField(_("type"), max_length=20, blank=True)
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    present = models.BooleanField(_("in the latest file"), default=True)
    title = LanguageMapField(_("title"), max_length=300, blank=True)
    description = LanguageMapField(_("description"), textarea=True, blank=True)
    concept_uri = models.URLField(
        _("concept"),
        max_length=500,
        blank=True,
        help_text=_("The URI of what the column holds, from any vocabulary."),
    )
    is_key = models.BooleanField(_("key column"), default=False)
    references_dataset = models.ForeignKey(
        Dataset,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="referencing_columns",
        verbose_name=_("joins dataset"),
    )
    references_column = models.CharField(_("on column"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["distribution", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "name"], name="column_unique_name"),
        ]

    def __str__(self):
        return self.name


class QualityScore(models.Model):
    """A dataset's metadata quality, scored as the EU Metadata Quality Assessment does.

    catalog.quality computes it: `score` out of 405 points and its band, `criteria` the
    points per criterion (with what to do when one is missed), and `portal_criteria` the
    portal's own criteria that the EU score lacks, shown separately.
    """

    class Band(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        SUFFICIENT = "sufficient", _("Sufficient")
        BAD = "bad", _("Bad")

    dataset = models.OneToOneField(
        Dataset, models.CASCADE, primary_key=True, related_name="quality"
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0, db_index=True)
    band = models.CharField(_("band"), max_length=10, choices=Band, default=Band.BAD, db_index=True)
    criteria = models.JSONField(_("criteria"), default=list, blank=True)
    portal_score = models.PositiveSmallIntegerField(_("portal criteria score"), default=0)
    portal_criteria = models.JSONField(_("portal criteria"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("quality score")
        verbose_name_plural = _("quality scores")

    def __str__(self):
        return f"{self.dataset_id}: {self.score} ({self.get_band_display()})"


# Reuse conditions, access requests and reuses ----------------------------------------------
# catalog.reuse reads these to explain the conditions and to answer "may I use this?".


class PolicyTemplate(models.Model):
    """A named starting point for reuse conditions that site managers maintain, such as
    "Open, CC BY 4.0" or "Research use after agreement"; publishers apply one, then adjust."""

    name = LanguageMapField(_("name"), max_length=200)
    description = LanguageMapField(_("description"), textarea=True, blank=True)
    licence = models.ForeignKey(
        Licence, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("licence")
    )
    access_rights = models.ForeignKey(
        Concept,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": Concept.Scheme.ACCESS_RIGHT},
        verbose_name=_("access rights"),
    )
    access_reason = models.CharField(
        _("reason access is limited"), max_length=30, choices=AccessReason, blank=True
    )
    agreement_text = LanguageMapField(
        _("agreement text"),
        textarea=True,
        blank=True,
        help_text=_("Markdown. Re-users accept it when they request access."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reuse conditions template")
        verbose_name_plural = _("reuse conditions templates")
        ordering = ["position", "pk"]

    def __str__(self):
        return str(self.name)


class PolicyRule(models.Model):
    """One ODRL rule: a permission, prohibition or duty, with its action and constraints.

    It belongs to a template, a dataset or a distribution (a distribution's rules replace
    the dataset's). Empty constraints mean "any": no purpose listed applies to every purpose.
    """

    class Kind(models.TextChoices):
        PERMISSION = "permission", _("Permission")
        PROHIBITION = "prohibition", _("Prohibition")
        DUTY = "duty", _("Duty")

    template = models.ForeignKey(
        PolicyTemplate, models.CASCADE, null=True, blank=True, related_name="rules"
    )
    dataset = models.ForeignKey(
        Dataset, models.CASCADE, null=True, blank=True, related_name="policy_rules"
    )
    distribution = models.ForeignKey(
        Distribution, models.CASCADE, null=True, blank=True, related_name="policy_rules"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.PERMISSION)
    action = models.CharField(_("action"), max_length=20, choices=PolicyAction)
    purposes = models.JSONField(
        _("purposes"), default=list, blank=True, help_text=_("Empty: any purpose.")
    )
    recipient_types = models.JSONField(
        _("recipient types"), default=list, blank=True, help_text=_("Empty: any recipient.")
    )
    territory = models.CharField(
        _("territory"),
        max_length=200,
        blank=True,
        help_text=_("ISO 3166 country code such as NL, or EU; empty: anywhere."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("usage policy rule")
        verbose_name_plural = _("usage policy rules")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(template__isnull=False, dataset__isnull=True, distribution__isnull=True)
                    | Q(template__isnull=True, dataset__isnull=False, distribution__isnull=True)
                    | Q(template__isnull=True, dataset__isnull=True, distribution__isnull=False)
                ),
                name="policyrule_has_one_owner",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_action_display()}"


class Agreement(models.Model):
    """A version of the agreement a re-user accepts to get access to a dataset.

    Versions are never edited once a request accepted them: a change adds a version.
    """

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField(_("version"))
    text = LanguageMapField(_("agreement text"), textarea=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["dataset", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"], name="agreement_unique_version")
        ]

    def __str__(self):
        return f"{self.dataset} v{self.version}"


class AccessRequestQuerySet(models.QuerySet):
    def active(self, today=None):
        """Approved requests whose access has not ended."""
        today = today or timezone.localdate()
        return self.filter(status=AccessRequest.Status.APPROVED).filter(
            Q(access_until__isnull=True) | Q(access_until__gte=today)
        )


class AccessRequest(models.Model):
    """A re-user's request for access to a restricted dataset, and the publisher's decision.

    It is also the agreement record: who, when, which policy (a snapshot of the rules as
    they were) and which agreement version, and the decision, for the audit trail.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the publisher")
        QUESTION = "question", _("Publisher asked a question")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    dataset = models.ForeignKey(Dataset, models.CASCADE, related_name="access_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="access_requests"
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    commercial = models.BooleanField(_("commercial use"), default=False)
    actions = models.JSONField(_("intended actions"), default=list, blank=True)
    recipient_type = models.CharField(
        _("you are a"), max_length=20, choices=RecipientType, blank=True
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    description = models.TextField(_("intended use"), blank=True)
    period_start = models.DateField(_("needed from"), null=True, blank=True)
    period_end = models.DateField(_("needed until"), null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("agreement version accepted"),
    )
    agreement_accepted_at = models.DateTimeField(_("agreement accepted"), null=True, blank=True)
    policy_snapshot = models.JSONField(_("conditions when requested"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    access_until = models.DateField(_("access until"), null=True, blank=True)
    extra_conditions = models.TextField(_("extra conditions"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} → {self.dataset}: {self.get_status_display()}"


class AccessRequestMessage(models.Model):
    """A question or answer between publisher and re-user on an access request."""

    request = models.ForeignKey(AccessRequest, models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("access request message")
        verbose_name_plural = _("access request messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"


class ReuseQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Reuse.Status.APPROVED)


class Reuse(models.Model):
    """A showcase: an application, visualisation, paper, article, ... built on datasets.

    Visible after a publisher of a linked dataset or a site manager approved it.
    """

    class Type(models.TextChoices):
        APPLICATION = "application", _("Application")
        VISUALISATION = "visualisation", _("Visualisation")
        RESEARCH_PAPER = "research_paper", _("Research paper")
        NEWS_ARTICLE = "news_article", _("News article")
        API = "api", _("API")
        DATASET = "dataset", _("Dataset")
        IDEA = "idea", _("Idea")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type)
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    image = models.ImageField(
        _("image"),
        upload_to="reuses/%Y/%m/",
        blank=True,
        validators=[validate_image],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    author = models.CharField(_("author or organisation"), max_length=200)
    datasets = models.ManyToManyField(Dataset, related_name="reuses", verbose_name=_("datasets"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="reuses"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = ReuseQuerySet.as_manager()

    class Meta:
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:reuse-detail", args=[self.slug])
