"""The publishing admin: publishers' members edit their own records, site managers all.

Members of a publisher are staff without any Django model permission: what they may see
and change follows from their PublisherMembership, checked in every queryset, permission
method and foreign-key choice below. Site managers (superusers or the "Site managers"
group, see catalog.models.is_site_manager) see and change everything.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog import conditions, quality, showcase
from catalog.completeness import missing_properties
from catalog.forms import (
    AdminLanguageMapWidget,
    DataServiceForm,
    MembershipForm,
)
from catalog.linkcheck import link_of
from catalog.models import (
    AccessRequest,
    Catalog,
    Column,
    Concept,
    ContactPoint,
    DataService,
    Dataset,
    DatasetRelation,
    Distribution,
    HarvestFailure,
    HarvestRun,
    HarvestSource,
    Licence,
    LinkCheck,
    PolicyRule,
    PolicyTemplate,
    Publisher,
    PublisherMembership,
    Reuse,
    Status,
    is_site_manager,
)
from catalog.multilingual import LanguageMapField
from catalog.tasks import harvest_source

admin.site.site_header = format_lazy(_("{site} management"), site=settings.SITE_NAME)
admin.site.site_title = format_lazy(_("{site} management"), site=settings.SITE_NAME)
admin.site.index_title = _("Publish and manage data")


def memberships(request) -> dict[int, str]:
    """The user's publisher ids and roles, read once per request."""
    # The login page lists the admin's apps too, for a visitor who is not signed in.
    if not request.user.is_authenticated:
        return {}
    if not hasattr(request, "_catalog_memberships"):
        request._catalog_memberships = dict(
            PublisherMembership.objects.filter(user=request.user).values_list(
                "publisher_id", "role"
            )
        )
    return request._catalog_memberships


def can_edit_publisher(request, publisher_id) -> bool:
    return is_site_manager(request.user) or publisher_id in memberships(request)


def can_administer_publisher(request, publisher_id) -> bool:
    return (
        is_site_manager(request.user)
        or memberships(request).get(publisher_id) == PublisherMembership.Role.ADMIN
    )


class FormFieldsMixin:
    """Language maps get labelled inputs side by side; bare web addresses mean https."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, LanguageMapField):
            kwargs.setdefault(
                "widget",
                AdminLanguageMapWidget(label=db_field.verbose_name, textarea=db_field.textarea),
            )
        elif isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# Records owned by a publisher -------------------------------------------------------------


class PublisherScopedAdmin(FormFieldsMixin, admin.ModelAdmin):
    """Members of a publisher manage its records; site managers manage all of them."""

    # The lookup from the record to its publisher's id.
    publisher_lookup = "publisher"

    def publisher_id_of(self, obj):
        return obj.publisher_id

    def has_module_permission(self, request):
        return is_site_manager(request.user) or bool(memberships(request))

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return is_site_manager(request.user) or bool(memberships(request))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return can_edit_publisher(request, self.publisher_id_of(obj))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_site_manager(request.user):
            return queryset
        return queryset.filter(**{f"{self.publisher_lookup}__in": list(memberships(request))})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices are also the validation: a forged id of another publisher is refused.
        if db_field.name == "publisher":
            kwargs["queryset"] = Publisher.objects.editable_by(request.user)
        elif db_field.name == "dataset":
            kwargs["queryset"] = Dataset.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        own = list(memberships(request))
        if "publisher" not in initial and len(own) == 1:
            initial["publisher"] = own[0]
        return initial


class DatasetPartInline(FormFieldsMixin):
    """Inline rows of a dataset: whoever may edit the dataset may edit them."""

    def _allowed(self, request, obj):
        if obj is None:
            return is_site_manager(request.user) or bool(memberships(request))
        return can_edit_publisher(request, obj.publisher_id)

    def _editable(self, request, obj):
        # A harvested dataset's parts belong to its source, like the dataset itself.
        return self._allowed(request, obj) and not getattr(obj, "harvest_source_id", None)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


DISTRIBUTION_FIELDSETS = [
    (None, {"fields": ["title", "description"]}),
    (
        _("The data: upload a file, or link to it"),
        {
            "fields": ["file", "access_url", "download_url"],
            "description": _(
                "Upload the file for the portal to serve, or give the address where the "
                "data can be found. Uploads get their size and checksum filled in."
            ),
        },
    ),
    (
        _("About the data"),
        {
            "fields": [
                "format",
                "media_type",
                "licence",
                "access_rights",
                "rights",
                "conforms_to",
                "languages",
                "status",
                ("issued", "modified"),
                ("byte_size", "checksum"),
                "position",
            ]
        },
    ),
]


class DistributionInline(DatasetPartInline, admin.StackedInline):
    model = Distribution
    form = conditions.DistributionConditionsForm
    fieldsets = DISTRIBUTION_FIELDSETS
    readonly_fields = ["byte_size", "checksum"]
    autocomplete_fields = ["format", "licence", "access_rights", "languages"]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.distributions.exists() else 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("format", "licence", "access_rights")


class PolicyRuleInline(DatasetPartInline, admin.TabularInline):
    """The dataset's usage policy (ODRL rules), checked together with the form's licence and
    access rights (catalog.conditions.PolicyRuleFormSet)."""

    model = PolicyRule
    fk_name = "dataset"
    form = conditions.PolicyRuleForm
    formset = conditions.PolicyRuleFormSet
    fields = ["kind", "action", "purposes", "recipient_types", "territory"]
    fields += ["valid_from", "valid_until", "position"]
    extra = 0
    verbose_name = _("usage policy rule")
    verbose_name_plural = _("usage policy: what re-users may, must and may not do")


class ContactPointInline(DatasetPartInline, admin.TabularInline):
    model = ContactPoint
    fields = ["name", "email", "url", "phone"]
    extra = 1


class RelationInline(DatasetPartInline, admin.TabularInline):
    model = DatasetRelation
    fk_name = "dataset"
    fields = ["role", "target", "target_uri"]
    autocomplete_fields = ["target"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = Dataset.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Datasets ---------------------------------------------------------------------------------


@admin.register(Dataset)
class DatasetAdmin(PublisherScopedAdmin):
    form = conditions.DatasetAdminForm
    change_form_template = "admin/catalog/dataset/change_form.html"
    inlines = [DistributionInline, ContactPointInline, RelationInline, PolicyRuleInline]
    list_display = [
        "title_column",
        "publisher",
        "status",
        "updated_at",
        "distribution_count",
        "quality_column",
    ]
    list_filter = [
        "status",
        ("publisher", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        ("access_rights", admin.RelatedOnlyFieldListFilter),
        ("quality__band", admin.ChoicesFieldListFilter),
    ]
    list_select_related = ["publisher", "quality"]
    search_fields = [
        "slug",
        "identifier",
        *(f"title__{code}" for code in settings.METADATA_LANGUAGES),
        "=keywords__value",
    ]
    ordering = ["-updated_at"]
    autocomplete_fields = [
        "themes",
        "concepts",
        "languages",
        "frequency",
        "access_rights",
        "licence",
    ]
    actions = ["publish_selected", "withdraw_selected"]
    fieldsets = [
        (
            _("Description"),
            {"fields": ["title", "description", "slug", "landing_page", "documentation"]},
        ),
        (
            _("Classification"),
            {"fields": ["themes", "keyword_text", "concepts"]},
        ),
        (
            _("Coverage"),
            {
                "fields": [
                    ("temporal_start", "temporal_end"),
                    "spatial_label",
                    "spatial_uri",
                    ("bbox_west", "bbox_south", "bbox_east", "bbox_north"),
                    "languages",
                    "frequency",
                ],
                "description": _(
                    "The period, the area and the languages the data covers, and how often "
                    "it is updated."
                ),
            },
        ),
        (
            _("Reuse conditions"),
            {
                "fields": [
                    ("policy_template", "apply_template"),
                    "licence",
                    "access_rights",
                    ("access_reason", "access_reason_text"),
                    ("legal_basis", "legal_basis_uri"),
                    "applicable_legislation",
                    ("rights", "rights_holder"),
                    "agreement_text",
                    "conforms_to",
                    "provenance",
                ],
                "description": _(
                    "Start from a template, then adjust. Give a reason when access is not "
                    "public. The usage policy rules are at the end of this page."
                ),
            },
        ),
        (
            _("Contact"),
            {
                "fields": ["publisher", "creator"],
                "description": _("Add the people to ask about the data under Contact points."),
            },
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    ("issued", "modified"),
                    ("version", "version_notes"),
                    "identifier",
                    "uri",
                    ("published_at", "created_at", "updated_at"),
                ]
            },
        ),
    ]

    @admin.display(description=_("title"))
    def title_column(self, obj):
        return str(obj)

    @admin.display(description=_("distributions"), ordering="distribution_count")
    def distribution_count(self, obj):
        return obj.distribution_count

    @admin.display(description=_("metadata quality"), ordering="quality__score")
    def quality_column(self, obj):
        score = getattr(obj, "quality", None)
        if score is None:
            return "–"
        return f"{score.get_band_display()} ({score.score})"

    def get_queryset(self, request):
        # A subquery rather than a join: the list's count() and filters skip it entirely.
        per_dataset = (
            Distribution.objects.filter(dataset=OuterRef("pk"))
            .order_by()
            .values("dataset")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(distribution_count=Coalesce(Subquery(per_dataset), 0))
        )

    def has_view_permission(self, request, obj=None):
        return super().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        # A harvested dataset belongs to its source (the next run would undo an edit): it is
        # shown read-only. Portal-only fields, once datasets have them, are the exception.
        if obj is not None and obj.harvest_source_id:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.harvest_source_id:
            harvest = (_("Harvest"), {"fields": ["harvest_source", "raw_metadata"]})
            fieldsets = [*fieldsets, harvest]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = ["published_at", "created_at", "updated_at"]
        if obj is not None:
            # URIs and web addresses of a dataset are cited elsewhere; they stay put.
            fields.append("uri")
            if not is_site_manager(request.user):
                fields.append("slug")
        return fields

    def get_search_results(self, request, queryset, search_term):
        # Related datasets and served datasets may belong to another publisher: their
        # autocomplete lists every dataset the user can see, not only the editable ones.
        if _autocomplete_field(request) in ("target", "serves_datasets", "references_dataset"):
            queryset = Dataset.objects.visible_to(request.user)
        return super().get_search_results(request, queryset, search_term)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_conditions()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "_withdraw" in request.POST:
            obj.withdraw()
            self.message_user(
                request, _("The dataset is withdrawn: it no longer shows on the site.")
            )
        elif "_publish" in request.POST or (obj.is_published and obj.published_at is None):
            obj.publish()
            self.message_user(request, _("The dataset is published: everyone can find it now."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        dataset = self.get_object(request, object_id)
        if dataset is not None and self.has_view_permission(request, dataset):
            extra_context["completeness"] = missing_properties(dataset)
            score = quality.current(dataset)
            extra_context["quality"] = quality.report(score) if score else None
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Publish selected datasets"), permissions=["change"])
    def publish_selected(self, request, queryset):
        datasets = [d for d in queryset if d.status != Status.PUBLISHED]
        for dataset in datasets:
            dataset.publish()
            self.log_change(request, dataset, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d dataset was published.",
                "%(count)d datasets were published.",
                len(datasets),
            )
            % {"count": len(datasets)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw selected datasets"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        datasets = [d for d in queryset if d.status == Status.PUBLISHED]
        for dataset in datasets:
            dataset.withdraw()
            self.log_change(request, dataset, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d dataset was withdrawn.",
                "%(count)d datasets were withdrawn.",
                len(datasets),
            )
            % {"count": len(datasets)},
            messages.SUCCESS,
        )


def _autocomplete_field(request) -> str:
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return ""
    return request.GET.get("field_name", "")


class LinkStatusFilter(admin.SimpleListFilter):
    title = _("link status")
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return LinkCheck.Status.choices

    def queryset(self, request, queryset):
        if self.value() == LinkCheck.Status.UNKNOWN:
            # Never checked (no row yet) counts as not checked.
            return queryset.exclude(
                link_check__status__in=[LinkCheck.Status.OK, LinkCheck.Status.BROKEN]
            )
        if self.value() in LinkCheck.Status.values:
            return queryset.filter(link_check__status=self.value())
        return queryset


class ColumnInline(FormFieldsMixin, admin.TabularInline):
    """The columns profiling found in the file; the owner says what they mean.

    Name, type and presence come from the file (catalog.profiling) and are read-only; the
    rest survives every new profile. Columns cannot be added by hand, only described.
    """

    model = Column
    fields = [
        "name", "type", "present", "title", "description", "concept_uri", "is_key",
        "references_dataset", "references_column",
    ]  # fmt: skip
    readonly_fields = ["name", "type", "present"]
    autocomplete_fields = ["references_dataset"]
    extra = 0

    def _editable(self, request, obj):
        return obj is not None and can_edit_publisher(request, obj.dataset.publisher_id)

    def has_view_permission(self, request, obj=None):
        return obj is None or self._editable(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "references_dataset":
            kwargs["queryset"] = Dataset.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DistributionPolicyRuleInline(PolicyRuleInline):
    """A distribution's own usage policy: when it has rules, they replace the dataset's."""

    fk_name = "distribution"
    verbose_name_plural = _("usage policy of this distribution (none: the dataset's applies)")

    def _allowed(self, request, obj):
        if obj is None:
            return super()._allowed(request, obj)
        return can_edit_publisher(request, obj.dataset.publisher_id)

    def _editable(self, request, obj):
        harvested = obj is not None and obj.dataset.harvest_source_id
        return self._allowed(request, obj) and not harvested


@admin.register(Distribution)
class DistributionAdmin(PublisherScopedAdmin):
    form = conditions.DistributionAdminForm
    publisher_lookup = "dataset__publisher"
    fieldsets = [
        (None, {"fields": ["dataset"]}),
        *DISTRIBUTION_FIELDSETS,
        (_("Link health"), {"fields": ["link_health"]}),
        (_("Structure"), {"fields": ["structure"]}),
    ]
    readonly_fields = ["byte_size", "checksum", "link_health", "structure"]
    inlines = [ColumnInline, DistributionPolicyRuleInline]
    autocomplete_fields = ["dataset", "format", "licence", "access_rights", "languages"]
    list_display = ["__str__", "dataset", "format", "link_status", "byte_size", "updated_at"]
    list_select_related = ["dataset", "format", "link_check"]
    list_filter = [
        LinkStatusFilter,
        ("dataset__publisher", admin.RelatedOnlyFieldListFilter),
        ("format", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        *(f"title__{code}" for code in settings.METADATA_LANGUAGES),
        *(f"dataset__title__{code}" for code in settings.METADATA_LANGUAGES),
        "dataset__slug",
    ]

    def publisher_id_of(self, obj):
        return obj.dataset.publisher_id

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dataset")

    @admin.display(description=_("link"), ordering="link_check__status")
    def link_status(self, obj):
        check = link_of(obj)
        if check is None:
            return LinkCheck.Status.UNKNOWN.label
        if check.status == LinkCheck.Status.BROKEN:
            return format_html("{}: {}", check.get_status_display(), check.reason)
        return check.get_status_display()

    @admin.display(description=_("link health"))
    def link_health(self, obj):
        """Everything the last check found, for the owner to act on."""
        check = link_of(obj) if obj and obj.pk else None
        if check is None:
            return _("Not checked yet.")
        rows = [
            (_("Status"), check.get_status_display()),
            (_("Reason"), check.reason),
            (_("Checked URL"), check.url),
            (_("Final URL"), check.final_url),
            (_("HTTP status"), check.http_status),
            (_("Content type seen"), check.content_type),
            (_("Length seen"), check.content_length),
            (_("Matches the declared format"), _yes_no(check.format_matches)),
            (_("Matches the declared media type"), _yes_no(check.media_type_matches)),
            (_("Last checked"), _when(check.checked_at)),
            (_("Last success"), _when(check.last_success_at)),
            (_("First failure"), _when(check.first_failure_at)),
            (_("Consecutive failures"), check.consecutive_failures),
        ]
        shown = ((label, value) for label, value in rows if value not in ("", None))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", shown))

    @admin.display(description=_("structure"))
    def structure(self, obj):
        """How profiling went; the columns it found are listed below, to describe."""
        profile = getattr(obj, "profile", None) if obj and obj.pk else None
        if profile is None:
            return _("Not profiled yet.")
        rows = [
            (_("Status"), profile.get_status_display()),
            (_("Message"), profile.message),
            (_("Rows"), profile.row_count),
            (_("Encoding"), profile.encoding),
            (_("Delimiter"), repr(profile.delimiter) if profile.delimiter else ""),
            (_("Profiled"), _when(profile.profiled_at)),
        ]
        shown = ((label, value) for label, value in rows if value not in ("", None))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", shown))


def _yes_no(value):
    return {True: _("yes"), False: _("no")}.get(value, _("cannot tell"))


def _when(moment):
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else None


@admin.register(DataService)
class DataServiceAdmin(PublisherScopedAdmin):
    form = DataServiceForm
    list_display = ["__str__", "publisher", "status", "endpoint_url", "updated_at"]
    list_filter = ["status", ("publisher", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["publisher"]
    search_fields = ["slug", *(f"title__{code}" for code in settings.METADATA_LANGUAGES)]
    autocomplete_fields = ["serves_datasets", "themes", "licence", "access_rights"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "serves_datasets":
            kwargs["queryset"] = Dataset.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    fieldsets = [
        (_("Description"), {"fields": ["title", "description", "slug", "publisher", "themes"]}),
        (
            _("Access"),
            {"fields": ["endpoint_url", "endpoint_description", "conforms_to", "serves_datasets"]},
        ),
        (_("Reuse conditions"), {"fields": ["licence", "access_rights"]}),
        (_("Contact and publication"), {"fields": ["contact_email", "status"]}),
    ]


# Publishers and their members -------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    """A publisher's administrators add and remove its members."""

    model = PublisherMembership
    form = MembershipForm
    fields = ["user", "role"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def _allowed(self, request, obj):
        if obj is None:
            # Asked without a publisher (InlineModelAdmin.get_queryset does): any of theirs.
            return is_site_manager(request.user) or PublisherMembership.Role.ADMIN in (
                memberships(request).values()
            )
        return can_administer_publisher(request, obj.pk)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


@admin.register(Publisher)
class PublisherAdmin(FormFieldsMixin, admin.ModelAdmin):
    inlines = [MembershipInline]
    list_display = ["__str__", "slug", "publisher_type", "email"]
    list_select_related = ["publisher_type"]
    search_fields = ["slug", *(f"name__{code}" for code in settings.METADATA_LANGUAGES)]
    autocomplete_fields = ["publisher_type"]
    fields = [
        "name",
        "slug",
        "uri",
        "description",
        "homepage",
        "email",
        "publisher_type",
        "logo",
    ]

    def has_module_permission(self, request):
        return is_site_manager(request.user) or bool(memberships(request))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return can_edit_publisher(request, obj.pk)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return is_site_manager(request.user) or any(
                role == PublisherMembership.Role.ADMIN for role in memberships(request).values()
            )
        return can_administer_publisher(request, obj.pk)

    def has_add_permission(self, request):
        return is_site_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_site_manager(request.user):
            return queryset
        return queryset.filter(pk__in=list(memberships(request)))

    def get_readonly_fields(self, request, obj=None):
        # The slug is part of the publisher's URI; only site managers move it.
        return [] if is_site_manager(request.user) else ["slug"]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is PublisherMembership:
            for membership in formset.new_objects + [o for o, _ in formset.changed_objects]:
                # add_member makes the user staff, so that they can sign in here.
                form.instance.add_member(membership.user, membership.role)


# Vocabularies and the catalogue record ----------------------------------------------------


class SiteManagerEditsAdmin(FormFieldsMixin, admin.ModelAdmin):
    """Members may look up terms (the autocompletes need it); site managers edit them."""

    def has_module_permission(self, request):
        return is_site_manager(request.user) or bool(memberships(request))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return is_site_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_manager(request.user)


@admin.register(Concept)
class ConceptAdmin(SiteManagerEditsAdmin):
    list_display = ["__str__", "code", "scheme", "uri"]
    list_filter = ["scheme"]
    search_fields = ["code", *(f"label__{code}" for code in settings.METADATA_LANGUAGES)]
    fieldsets = [
        (None, {"fields": ["scheme", "scheme_uri", "uri", "code", "label", "position"]}),
        (
            _("File types only"),
            {"fields": ["media_type", "extensions", "machine_readable", "non_proprietary"]},
        ),
    ]


@admin.register(Licence)
class LicenceAdmin(SiteManagerEditsAdmin):
    list_display = ["__str__", "code", "is_open", "attribution", "share_alike", "non_commercial"]
    list_filter = ["is_open"]
    search_fields = ["code", *(f"title__{code}" for code in settings.METADATA_LANGUAGES)]


@admin.register(Catalog)
class CatalogAdmin(FormFieldsMixin, admin.ModelAdmin):
    """The portal's own catalogue record: one, edited by site managers."""

    autocomplete_fields = ["languages", "licence"]

    def has_module_permission(self, request):
        return is_site_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_add_permission(self, request):
        return is_site_manager(request.user) and not Catalog.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


# Reuses (catalog.showcase) ---------------------------------------------------------------


@admin.register(Reuse)
class ReuseAdmin(admin.ModelAdmin):
    """Members moderate the reuses of their publishers' data; site managers all of them.

    Reuses are registered on the site (/reuses/new/), so nobody adds one here; the status
    changes only through the approve and reject actions, which notify the submitter.
    """

    list_display = ["title", "type", "author", "status", "submitted_by", "created_at"]
    list_filter = ["status", "type"]
    search_fields = ["title", "author"]
    actions = ["approve", "reject"]
    readonly_fields = ["slug", "status", "submitted_by", "moderated_by", "moderated_at"]
    # Thousands of datasets: searched, not listed.
    autocomplete_fields = ["datasets"]

    def has_module_permission(self, request):
        return showcase.moderates_any(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return showcase.may_moderate(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def get_queryset(self, request):
        scoped = showcase.moderatable_by(request.user)
        return super().get_queryset(request).filter(pk__in=scoped.values("pk"))

    def get_readonly_fields(self, request, obj=None):
        # Which data a reuse uses is its submitter's claim; members only correct the text.
        if is_site_manager(request.user):
            return self.readonly_fields
        return [*self.readonly_fields, "datasets"]

    def _moderate(self, request, queryset, approve):
        for reuse in queryset:
            showcase.moderate(reuse, request.user, approve=approve)
        done = _("%(count)d reuses approved.") if approve else _("%(count)d reuses rejected.")
        self.message_user(request, done % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected reuses"))
    def approve(self, request, queryset):
        self._moderate(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected reuses"))
    def reject(self, request, queryset):
        self._moderate(request, queryset, approve=False)


# Harvesting -------------------------------------------------------------------------------


class SiteManagersOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_site_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_add_permission(self, request):
        return is_site_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_manager(request.user)


# Reuse-conditions templates (catalog.conditions) ------------------------------------------


class TemplateRuleInline(admin.TabularInline):
    model = PolicyRule
    fk_name = "template"
    form = conditions.PolicyRuleForm
    formset = conditions.PolicyRuleFormSet
    fields = PolicyRuleInline.fields
    extra = 0

    def has_view_permission(self, request, obj=None):
        return is_site_manager(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(PolicyTemplate)
class PolicyTemplateAdmin(FormFieldsMixin, SiteManagersOnlyAdmin):
    """Named starting points for reuse conditions; publishers apply them to datasets."""

    list_display = ["__str__", "licence", "access_rights", "access_reason", "position"]
    list_select_related = ["licence", "access_rights"]
    fields = ["name", "description", "licence", "access_rights", "access_reason"]
    fields += ["agreement_text", "position"]
    inlines = [TemplateRuleInline]


@admin.register(HarvestSource)
class HarvestSourceAdmin(SiteManagersOnlyAdmin):
    list_display = ["name", "type", "url", "publisher", "enabled", "next_run_at", "last_run"]
    list_filter = ["type", "enabled"]
    search_fields = ["name", "slug", "url"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["publisher"]
    fields = [
        "name",
        "slug",
        "url",
        "type",
        "publisher",
        "language",
        "interval_hours",
        "enabled",
        "next_run_at",
        "runs",
    ]
    readonly_fields = ["runs"]
    actions = ["harvest_now"]

    @admin.display(description=_("last run"))
    def last_run(self, obj):
        run = obj.last_run()
        return (
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:catalog_harvestrun_change", args=[run.pk]),
                run.get_status_display(),
            )
            if run
            else "-"
        )

    @admin.display(description=_("runs"))
    def runs(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("admin:catalog_harvestrun_changelist") + f"?source__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Reports of every run"))

    @admin.action(description=_("Harvest the selected sources now"))
    def harvest_now(self, request, queryset):
        for source in queryset:
            harvest_source.delay_on_commit(source.pk)
        self.message_user(
            request,
            ngettext(
                "A run of %(count)d source was started; see its report under Harvest runs.",
                "Runs of %(count)d sources were started; see their reports under Harvest runs.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )


class HarvestFailureInline(admin.TabularInline):
    model = HarvestFailure
    fields = ["record", "reason"]
    readonly_fields = ["record", "reason"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HarvestRun)
class HarvestRunAdmin(SiteManagersOnlyAdmin):
    """The report of each run: counts, the run's message and every failed record."""

    list_display = [
        "source",
        "started_at",
        "status",
        "created",
        "updated",
        "unchanged",
        "withdrawn",
        "failed",
    ]
    list_filter = ["status", "source"]
    list_select_related = ["source"]
    date_hierarchy = "started_at"
    fields = [
        "source",
        "status",
        ("started_at", "finished_at"),
        "pages",
        ("created", "updated", "unchanged", "withdrawn", "failed"),
        "message",
    ]
    inlines = [HarvestFailureInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Access requests (catalog.access): the audit trail, read-only; publishers decide on the site.


@admin.register(AccessRequest)
class AccessRequestAdmin(SiteManagersOnlyAdmin):
    list_display = ["pk", "dataset", "user", "organisation", "purpose", "status", "created_at"]
    list_filter = ["status", "purpose"]
    list_select_related = ["dataset", "user"]
    search_fields = ["dataset__slug", "user__username", "organisation"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
