"""Serializers of the REST API (catalog.api): what it shows, and the input it accepts.

Reads nest vocabulary terms as {code, uri, label}; writes name them by code and publishers
and datasets by slug. Language maps are objects of language tag to text.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import access, conditions, reuse
from catalog.models import (
    AccessReason,
    Column,
    Concept,
    ContactPoint,
    DataService,
    Dataset,
    Distribution,
    Licence,
    LinkCheck,
    Publisher,
    Purpose,
    QualityScore,
    RecipientType,
    Reuse,
    Status,
)

# Serializers: reads ------------------------------------------------------------------------


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class LanguageMapField(serializers.DictField):
    """Text per language tag, e.g. {"nl": "Verkeer", "en": "Traffic"}."""

    child = serializers.CharField(allow_blank=True)


class ConceptSerializer(serializers.ModelSerializer):
    label = LanguageMapField()

    class Meta:
        model = Concept
        fields = ["code", "uri", "label"]


class FileTypeSerializer(ConceptSerializer):
    class Meta:
        model = Concept
        fields = ["code", "uri", "label", "media_type", "extensions", "machine_readable"]
        fields += ["non_proprietary"]


class LicenceSerializer(serializers.ModelSerializer):
    title = LanguageMapField()

    class Meta:
        model = Licence
        fields = ["code", "uri", "title", "url", "is_open", "attribution", "share_alike"]
        fields += ["non_commercial", "no_derivatives", "public_domain"]


class LicenceRefSerializer(serializers.ModelSerializer):
    title = LanguageMapField()

    class Meta:
        model = Licence
        fields = ["code", "uri", "title"]


class PublisherRefSerializer(serializers.ModelSerializer):
    name = LanguageMapField()
    uri = serializers.CharField(source="get_uri")

    class Meta:
        model = Publisher
        fields = ["slug", "name", "uri"]


class PublisherSerializer(serializers.ModelSerializer):
    name = LanguageMapField()
    description = LanguageMapField()
    uri = serializers.CharField(source="get_uri")
    publisher_type = ConceptSerializer(allow_null=True)
    dataset_count = serializers.IntegerField(
        help_text="Published datasets of this publisher.", read_only=True
    )
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Publisher
        fields = ["slug", "name", "description", "uri", "homepage", "email", "publisher_type"]
        fields += ["dataset_count", "web_url"]

    def get_web_url(self, obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


class LinkSerializer(serializers.ModelSerializer):
    """Link health of a distribution (catalog.linkcheck); status "unknown" until checked."""

    final_url = serializers.CharField(
        read_only=True, help_text="Where redirects ended; blank when nothing answered."
    )

    class Meta:
        model = LinkCheck
        fields = [
            "status", "checked_at", "http_status", "reason", "content_type", "content_length",
            "format_matches", "media_type_matches", "final_url", "last_success_at",
            "first_failure_at", "consecutive_failures",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, distribution):
        try:
            check = distribution.link_check
        except LinkCheck.DoesNotExist:
            check = LinkCheck()
        return super().to_representation(check)


class ColumnSerializer(serializers.ModelSerializer):
    """One column as profiling found it (type, stats) and its owner described it."""

    title = LanguageMapField()
    description = LanguageMapField()
    joins_dataset = serializers.SerializerMethodField(
        help_text="Slug of the dataset this column joins, if any."
    )
    joins_column = serializers.CharField(source="references_column")

    class Meta:
        model = Column
        fields = [
            "name", "position", "type", "stats", "title", "description", "concept_uri",
            "is_key", "joins_dataset", "joins_column",
        ]  # fmt: skip

    def get_joins_dataset(self, obj) -> str | None:
        target = obj.references_dataset
        # As on the dataset page: a draft is nobody else's business.
        if target is None or target.status == Status.DRAFT:
            return None
        return target.slug


class StructureSerializer(serializers.Serializer):
    """What a tabular distribution contains (catalog.profiling); null until profiled."""

    status = serializers.CharField()
    message = serializers.CharField()
    row_count = serializers.IntegerField(allow_null=True)
    encoding = serializers.CharField()
    delimiter = serializers.CharField()
    profiled_at = serializers.DateTimeField(allow_null=True)
    schema_url = serializers.CharField(allow_null=True, help_text="The Table Schema document.")
    columns = ColumnSerializer(many=True)


class PolicyRuleSerializer(serializers.Serializer):
    """One ODRL rule of the usage policy; empty lists mean any purpose, any recipient."""

    kind = serializers.ChoiceField(choices=["permission", "prohibition", "duty"])
    action = serializers.CharField()
    action_iri = serializers.CharField(help_text="The ODRL 2.2 action.")
    purposes = serializers.ListField(child=serializers.CharField())
    recipient_types = serializers.ListField(child=serializers.CharField())
    territory = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class ReuseConditionsSerializer(serializers.Serializer):
    """The conditions in force (catalog.conditions.as_data); a distribution's override
    its dataset's."""

    licence = serializers.CharField(allow_null=True)
    licence_uri = serializers.CharField(allow_null=True)
    access_rights = serializers.CharField(allow_null=True)
    access_rights_uri = serializers.CharField(allow_null=True)
    access = serializers.ChoiceField(choices=["PUBLIC", "RESTRICTED", "NON_PUBLIC"])
    access_reason = serializers.CharField(allow_null=True)
    access_reason_text = LanguageMapField()
    legal_basis = LanguageMapField()
    legal_basis_uri = serializers.CharField()
    applicable_legislation = serializers.ListField(child=serializers.CharField())
    rights = LanguageMapField()
    rights_holder = serializers.CharField()
    requires_agreement = serializers.BooleanField()
    policy = PolicyRuleSerializer(many=True)


def _reuse_conditions(dataset, distribution=None) -> dict:
    return conditions.as_data(reuse.effective_conditions(dataset, distribution))


class DistributionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    dataset = serializers.SlugField(source="dataset.slug")
    title = LanguageMapField()
    description = LanguageMapField()
    rights = LanguageMapField()
    access_url = serializers.CharField(source="get_access_url", help_text="dcat:accessURL")
    download_url = serializers.CharField(
        source="get_download_target", help_text="dcat:downloadURL; blank when there is none."
    )
    uploaded = serializers.SerializerMethodField(help_text="The portal serves the file.")
    format = FileTypeSerializer(allow_null=True)
    licence = LicenceRefSerializer(allow_null=True)
    languages = ConceptSerializer(many=True)
    conforms_to = serializers.ListField(child=serializers.CharField())
    link = LinkSerializer(source="*", read_only=True)
    structure = serializers.SerializerMethodField()
    reuse_conditions = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = [
            "id", "dataset", "title", "description", "access_url", "download_url", "uploaded",
            "format", "media_type", "byte_size", "checksum", "licence", "rights", "conforms_to",
            "languages", "status", "issued", "modified", "position", "created_at", "updated_at",
            "link", "structure", "reuse_conditions",
        ]  # fmt: skip

    def get_uploaded(self, obj) -> bool:
        return bool(obj.file)

    @extend_schema_field(ReuseConditionsSerializer)
    def get_reuse_conditions(self, obj) -> dict:
        return _reuse_conditions(obj.dataset, obj)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not access.request_grants(self.context.get("request")).may_fetch(obj.dataset, obj):
            # catalog.access: a restricted distribution's real location is only for those
            # granted access; others get the portal's guarded download URL.
            data["access_url"] = settings.SITE_URL + obj.get_download_url()
            data["download_url"] = ""
            data["link"]["final_url"] = ""
            data["structure"] = None  # a withheld file's columns and statistics are data
        return data

    @extend_schema_field(StructureSerializer(allow_null=True))
    def get_structure(self, obj):
        profile = getattr(obj, "profile", None)
        if profile is None:
            return None
        ok = profile.status == profile.Status.OK
        schema_url = reverse("catalog:distribution-schema", args=[obj.dataset.slug, obj.uuid])
        return {
            "status": profile.status,
            "message": profile.message,
            "row_count": profile.row_count,
            "encoding": profile.encoding,
            "delimiter": profile.delimiter,
            "profiled_at": serializers.DateTimeField().to_representation(profile.profiled_at)
            if profile.profiled_at
            else None,
            "schema_url": settings.SITE_URL + schema_url if ok else None,
            "columns": ColumnSerializer(
                [c for c in obj.columns.all() if c.present] if ok else [], many=True
            ).data,
        }


class ContactPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPoint
        fields = ["name", "email", "url", "phone"]


class QualitySerializer(serializers.ModelSerializer):
    """The metadata quality score (catalog.quality): EU MQA points out of 405, and band."""

    class Meta:
        model = QualityScore
        fields = ["score", "band", "computed_at"]
        read_only_fields = fields


class DatasetSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    title = LanguageMapField()
    description = LanguageMapField()
    spatial_label = LanguageMapField()
    version_notes = LanguageMapField()
    provenance = LanguageMapField()
    publisher = PublisherRefSerializer()
    creator = PublisherRefSerializer(allow_null=True)
    themes = ConceptSerializer(many=True)
    concepts = ConceptSerializer(many=True)
    keywords = serializers.SerializerMethodField(help_text="Keywords per language tag.")
    languages = ConceptSerializer(many=True)
    frequency = ConceptSerializer(allow_null=True)
    access_rights = ConceptSerializer(allow_null=True)
    licence = LicenceRefSerializer(allow_null=True)
    documentation = serializers.ListField(child=serializers.CharField())
    conforms_to = serializers.ListField(child=serializers.CharField())
    contact_points = ContactPointSerializer(many=True)
    distributions = DistributionSerializer(many=True, read_only=True)
    web_url = serializers.SerializerMethodField()
    quality = QualitySerializer(read_only=True, allow_null=True)
    reuse_conditions = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "id", "slug", "uri", "identifier", "title", "description", "status", "publisher",
            "creator", "themes", "concepts", "keywords", "landing_page", "documentation",
            "temporal_start", "temporal_end", "spatial_uri", "spatial_label", "bbox_west",
            "bbox_south", "bbox_east", "bbox_north", "languages", "frequency", "issued",
            "modified", "version", "version_notes", "access_rights", "licence", "conforms_to",
            "provenance", "contact_points", "distributions", "web_url", "published_at",
            "created_at", "updated_at", "quality", "reuse_conditions",
        ]  # fmt: skip

    @extend_schema_field(ReuseConditionsSerializer)
    def get_reuse_conditions(self, obj) -> dict:
        return _reuse_conditions(obj)

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    )
    def get_keywords(self, obj) -> dict:
        return obj.keywords_by_language()

    def get_web_url(self, obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


class DataServiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    title = LanguageMapField()
    description = LanguageMapField()
    publisher = PublisherRefSerializer()
    themes = ConceptSerializer(many=True)
    licence = LicenceRefSerializer(allow_null=True)
    access_rights = ConceptSerializer(allow_null=True)
    conforms_to = serializers.ListField(child=serializers.CharField())
    serves_datasets = serializers.SerializerMethodField(
        help_text="Slugs of the datasets it serves that you may see."
    )
    uri = serializers.CharField(source="get_uri")

    class Meta:
        model = DataService
        fields = [
            "id", "slug", "uri", "title", "description", "publisher", "endpoint_url",
            "endpoint_description", "serves_datasets", "themes", "conforms_to", "licence",
            "access_rights", "contact_email", "status", "created_at", "updated_at",
        ]  # fmt: skip

    def get_serves_datasets(self, obj) -> list[str]:
        return [dataset.slug for dataset in obj.visible_datasets]


class ReuseSerializer(serializers.ModelSerializer):
    """An approved reuse (catalog.showcase); only published datasets are named."""

    datasets = serializers.SerializerMethodField(help_text="Slugs of the datasets it uses.")
    image_url = serializers.SerializerMethodField(help_text="Blank when it has no image.")
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Reuse
        fields = [
            "slug", "title", "type", "url", "description", "author", "datasets", "image_url",
            "web_url", "moderated_at", "created_at",
        ]  # fmt: skip

    def get_datasets(self, obj) -> list[str]:
        return [dataset.slug for dataset in obj.public_datasets]

    def get_image_url(self, obj) -> str:
        if not obj.image:
            return ""
        return settings.SITE_URL + reverse("catalog:reuse-image", args=[obj.slug])

    def get_web_url(self, obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


# Serializers: writes -----------------------------------------------------------------------


class _CodeList(serializers.ListField):
    child = serializers.CharField()


class DatasetWriteSerializer(serializers.Serializer):
    """A dataset as sent to the API; references are codes (vocabularies) and slugs."""

    title = LanguageMapField()
    description = LanguageMapField()
    slug = serializers.CharField(
        required=False, allow_blank=True, help_text="Blank: derived from the title (on create)."
    )
    publisher = serializers.CharField(help_text="Slug of a publisher you are a member of.")
    creator = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    themes = _CodeList(help_text="Theme codes, e.g. TRAN.")
    concepts = _CodeList(required=False, help_text="Domain concept codes.")
    keywords = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    landing_page = serializers.CharField(required=False, allow_blank=True)
    documentation = _CodeList(required=False, help_text="Web addresses.")
    conforms_to = _CodeList(required=False, help_text="Web addresses.")
    temporal_start = serializers.DateField(required=False, allow_null=True)
    temporal_end = serializers.DateField(required=False, allow_null=True)
    spatial_uri = serializers.CharField(required=False, allow_blank=True)
    spatial_label = LanguageMapField(required=False)
    bbox_west = serializers.FloatField(required=False, allow_null=True)
    bbox_south = serializers.FloatField(required=False, allow_null=True)
    bbox_east = serializers.FloatField(required=False, allow_null=True)
    bbox_north = serializers.FloatField(required=False, allow_null=True)
    languages = _CodeList(required=False, help_text="Language codes, e.g. NLD.")
    frequency = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    issued = serializers.DateField(required=False, allow_null=True)
    modified = serializers.DateField(required=False, allow_null=True)
    version = serializers.CharField(required=False, allow_blank=True)
    version_notes = LanguageMapField(required=False)
    access_rights = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    licence = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    provenance = LanguageMapField(required=False)
    identifier = serializers.CharField(required=False, allow_blank=True)
    uri = serializers.CharField(required=False, allow_blank=True, help_text="Only on create.")
    # Reuse conditions (catalog.conditions refuses inconsistent ones, per field).
    access_reason = serializers.ChoiceField(
        choices=AccessReason.choices, required=False, allow_blank=True
    )
    access_reason_text = LanguageMapField(required=False)
    legal_basis = LanguageMapField(required=False)
    legal_basis_uri = serializers.CharField(required=False, allow_blank=True)
    applicable_legislation = _CodeList(required=False, help_text="ELI web addresses.")
    rights = LanguageMapField(required=False)
    rights_holder = serializers.CharField(required=False, allow_blank=True)


class DistributionWriteSerializer(serializers.Serializer):
    dataset = serializers.CharField(help_text="Slug of the dataset (on create).")
    title = LanguageMapField(required=False)
    description = LanguageMapField(required=False)
    access_url = serializers.CharField(required=False, allow_blank=True)
    download_url = serializers.CharField(required=False, allow_blank=True)
    format = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    media_type = serializers.CharField(required=False, allow_blank=True)
    licence = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    rights = LanguageMapField(required=False)
    conforms_to = _CodeList(required=False)
    languages = _CodeList(required=False)
    status = serializers.ChoiceField(
        choices=Distribution.DistributionStatus.choices, required=False
    )
    issued = serializers.DateField(required=False, allow_null=True)
    modified = serializers.DateField(required=False, allow_null=True)
    position = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    access_rights = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Blank: the dataset's."
    )


# "May I use this?" (catalog.reuse.check) ----------------------------------------------------


class ReuseCheckSerializer(serializers.Serializer):
    """An intended use; the HTML form on the dataset page validates its query with it too.

    Pass the dataset as context["dataset"] to accept one of its distributions.
    """

    purpose = serializers.ChoiceField(choices=Purpose.choices)
    commercial = serializers.BooleanField(default=False)
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=[(a.value, a.label) for a in reuse.CHECK_ACTIONS]),
        allow_empty=False,
        max_length=20,
    )
    recipient_type = serializers.ChoiceField(choices=RecipientType.choices)
    territory = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        allow_blank=True,
        max_length=2,
        help_text="ISO 3166-1 alpha-2 country code, or EU.",
        error_messages={"invalid": _("Give a two-letter country code such as NL, or EU.")},
    )
    distribution = serializers.UUIDField(
        required=False, allow_null=True, help_text="Check one distribution's own conditions."
    )

    def validate_distribution(self, value):
        if value is None:
            return None
        dataset = self.context["dataset"]
        found = next((d for d in dataset.distributions.all() if d.uuid == value), None)
        if found is None:
            raise serializers.ValidationError(_("This is not a distribution of this dataset."))
        return found

    def validate(self, attrs):
        if attrs["purpose"] == Purpose.NON_COMMERCIAL and attrs.get("commercial"):
            raise serializers.ValidationError(
                {"commercial": [_("A non-commercial purpose cannot be a commercial use.")]}
            )
        return attrs

    def use(self) -> reuse.Use:
        data = self.validated_data
        return reuse.Use(
            purpose=data["purpose"],
            recipient_type=data["recipient_type"],
            actions=list(data["actions"]),
            commercial=data["commercial"],
            territory=(data.get("territory") or "").upper(),
        )


class ReuseDutySerializer(serializers.Serializer):
    action = serializers.CharField(help_text="An ODRL duty action, e.g. attribute.")
    label = serializers.CharField()


class ReuseReasonSerializer(serializers.Serializer):
    rule = serializers.CharField(
        help_text="What decided: licence:<flag>, policy:<kind>:<id>, access:<…> or "
        "default:not_covered."
    )
    text = serializers.CharField()


class ReuseVerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=reuse.VERDICTS)
    duties = ReuseDutySerializer(many=True)
    reasons = ReuseReasonSerializer(many=True)
    next_steps = serializers.CharField()
