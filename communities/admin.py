"""The admin of communities, for site managers: communities with their members and dataset
rules, profiles (experts and moderators), and the posts read-mostly (moderators work in the
portal's moderation queue; here a site manager can still hide or release a post)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from catalog.admin import FormFieldsMixin
from catalog.models import is_site_manager
from communities.models import (
    Answer,
    Community,
    DataRequest,
    Membership,
    Profile,
    Question,
    Report,
)


class SiteManagerAdmin(admin.ModelAdmin):
    """Only site managers see these; publisher members have no say over communities."""

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


class ReadMostlyAdmin(SiteManagerAdmin):
    """Posts are written in the portal; here only `editable_fields` change."""

    editable_fields: tuple[str, ...] = ("is_hidden", "is_held")

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [
            field.name
            for field in self.model._meta.get_fields()
            if field.concrete and field.name not in self.editable_fields and field.name != "id"
        ]


# Communities -----------------------------------------------------------------------------


class KeywordsField(forms.CharField):
    """A list of keywords typed as one comma-separated line."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        words = (word.strip() for word in (value or "").split(","))
        return sorted({word[:100] for word in words if word})


class CommunityForm(forms.ModelForm):
    rule_keywords = KeywordsField(
        label=_("include datasets with these keywords"),
        required=False,
        help_text=_("Separated by commas; a dataset matches if it has one of them exactly."),
    )

    class Meta:
        model = Community
        fields = [
            "name",
            "slug",
            "description",
            "image",
            "themes",
            "is_open",
            "datasets",
            "rule_publishers",
            "rule_themes",
            "rule_keywords",
        ]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "status", "publisher", "joined_at"]
    autocomplete_fields = ["user", "publisher"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "publisher")

    def has_view_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_add_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_manager(request.user)


@admin.register(Community)
class CommunityAdmin(FormFieldsMixin, SiteManagerAdmin):
    form = CommunityForm
    inlines = [MembershipInline]
    list_display = ["__str__", "slug", "is_open", "member_count", "created_at"]
    list_filter = ["is_open"]
    search_fields = ["slug", *(f"name__{code}" for code in settings.METADATA_LANGUAGES)]
    filter_horizontal = ["themes", "rule_publishers", "rule_themes"]
    # Thousands of datasets do not fit a two-box selector; the autocomplete searches them.
    autocomplete_fields = ["datasets"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "image", "themes", "is_open"]}),
        (
            _("Datasets"),
            {
                "description": _(
                    "The community's datasets: those picked here, plus every published "
                    "dataset that matches one of the rules, now or in future."
                ),
                "fields": ["datasets", "rule_publishers", "rule_themes", "rule_keywords"],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(member_count=Count("memberships", distinct=True))
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Profile)
class ProfileAdmin(SiteManagerAdmin):
    """Site managers mark experts and moderators here."""

    list_display = ["user", "display_name", "organisation", "is_expert", "is_moderator"]
    list_editable = ["is_expert", "is_moderator"]
    list_filter = ["is_expert", "is_moderator", "email_frequency"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "display_name", "organisation"]
    autocomplete_fields = ["user"]
    fields = [
        "user",
        "display_name",
        "organisation",
        "expertise",
        "language",
        "is_expert",
        "is_moderator",
        "email_frequency",
    ]


# Posts, read-mostly ----------------------------------------------------------------------


@admin.register(Question)
class QuestionAdmin(ReadMostlyAdmin):
    list_display = ["title", "author", "community", "dataset", "status", "created_at", "is_hidden"]
    list_filter = ["status", "is_hidden", "is_held", "community"]
    list_select_related = ["author", "community", "dataset"]
    search_fields = ["title", "body", "author__username"]
    date_hierarchy = "created_at"


@admin.register(Answer)
class AnswerAdmin(ReadMostlyAdmin):
    list_display = ["__str__", "author", "on_behalf_of", "created_at", "is_hidden"]
    list_filter = ["is_hidden", "is_held"]
    list_select_related = ["author", "question", "on_behalf_of"]
    search_fields = ["body", "author__username", "question__title"]
    date_hierarchy = "created_at"


@admin.register(DataRequest)
class DataRequestAdmin(ReadMostlyAdmin):
    list_display = ["title", "author", "community", "status", "status_changed_at", "is_hidden"]
    list_filter = ["status", "is_hidden", "is_held", "community"]
    list_select_related = ["author", "community"]
    search_fields = ["title", "body", "author__username"]
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadMostlyAdmin):
    editable_fields = ()
    list_display = ["__str__", "content_type", "reporter", "created_at", "resolved_at", "decision"]
    list_filter = ["decision", "content_type"]
    list_select_related = ["content_type", "reporter"]
