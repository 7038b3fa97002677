"""Forms of the publishing admin: plain-language fields over the DCAT-AP model.

Lists of web addresses are typed one per line, keywords as comma-separated text per
metadata language, and a slug left blank is derived from the title.
"""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    Concept,
    DataService,
    Dataset,
    Distribution,
    PublisherMembership,
)
from catalog.multilingual import LanguageMap, LanguageMapFormField, LanguageMapWidget


def language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code.upper()


class AdminLanguageMapWidget(LanguageMapWidget):
    """The language inputs side by side, each named for assistive technology."""

    template_name = "admin/widgets/language_map.html"

    def __init__(self, *, label="", textarea: bool = False, attrs=None):
        self.label = label
        super().__init__(textarea=textarea, attrs=attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        label = capfirst(self.label)
        context["widget"]["label"] = label
        for sub in context["widget"]["subwidgets"]:
            sub["language_name"] = language_name(sub["language"])
            sub["attrs"]["aria-label"] = f"{label} ({sub['language_name']})"
        return context


class URLListField(forms.Field):
    """A list of web addresses, typed one per line."""

    widget = forms.Textarea(attrs={"rows": 3})
    default_error_messages = {
        "invalid_line": _(
            "Line %(line)d, “%(value)s”, is not a web address. Put one address per line, "
            "starting with https:// or http://."
        ),
    }

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        check = URLValidator(schemes=["http", "https"])
        for number, url in enumerate(value, start=1):
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_line"],
                    code="invalid_line",
                    params={"line": number, "value": url[:100]},
                ) from None


def unique_slug(model, text: str, *, exclude_pk=None, fallback: str = "dataset") -> str:
    base = slugify(text)[:180].strip("-") or fallback
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def formfield(db_field, **kwargs):
    """Model form fields; a web address typed without scheme means https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class SlugFromTitleMixin:
    """Leave the slug blank and the form derives one from the title."""

    slug_fallback = "dataset"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "The last part of the web address. Leave blank to derive it from the title."
            )

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug"):
            title = LanguageMap(cleaned_data.get("title") or {})
            cleaned_data["slug"] = unique_slug(
                self._meta.model,
                title.localized(settings.METADATA_LANGUAGES[0]),
                exclude_pk=self.instance.pk,
                fallback=self.slug_fallback,
            )
        return cleaned_data


class DatasetForm(SlugFromTitleMixin, forms.ModelForm):
    keyword_text = LanguageMapFormField(
        label=_("Keywords"),
        required=False,
        help_text=_("Separate keywords with commas, e.g. traffic, bicycles, counts."),
        widget=AdminLanguageMapWidget(label=_("Keywords")),
    )
    documentation = URLListField(
        label=_("Documentation pages"),
        required=False,
        help_text=_("Web pages that explain the data, one address per line."),
    )
    conforms_to = URLListField(
        label=_("Conforms to standards"),
        required=False,
        help_text=_("Addresses of the standards or schemas the data follows, one per line."),
    )

    class Meta:
        model = Dataset
        formfield_callback = formfield
        fields = [
            "title",
            "description",
            "slug",
            "landing_page",
            "documentation",
            "themes",
            "concepts",
            "temporal_start",
            "temporal_end",
            "spatial_label",
            "spatial_uri",
            "bbox_west",
            "bbox_south",
            "bbox_east",
            "bbox_north",
            "languages",
            "frequency",
            "licence",
            "access_rights",
            "conforms_to",
            "provenance",
            "publisher",
            "creator",
            "status",
            "issued",
            "modified",
            "version",
            "version_notes",
            "identifier",
            "uri",
        ]
        error_messages = {
            "title": {"required": _("Give the dataset a title in at least one language.")},
            "description": {"required": _("Describe the dataset in at least one language.")},
            "themes": {"required": _("Choose at least one theme.")},
            "publisher": {
                "required": _("Choose the organisation that publishes this dataset."),
                "invalid_choice": _("You cannot publish datasets for that organisation."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "keyword_text" in self.fields:
            self.initial["keyword_text"] = {
                language: ", ".join(values)
                for language, values in self.instance.keywords_by_language().items()
            }

    def clean_keyword_text(self):
        keywords = {}
        for language, text in (self.cleaned_data.get("keyword_text") or {}).items():
            values = [value.strip() for value in text.split(",") if value.strip()]
            too_long = [value for value in values if len(value) > 100]
            if too_long:
                raise ValidationError(
                    _("“%(value)s” is too long for a keyword (at most 100 characters)."),
                    params={"value": too_long[0][:40] + "…"},
                )
            keywords[language] = values
        return keywords

    def _save_m2m(self):
        super()._save_m2m()
        if "keyword_text" not in self.fields:
            return
        # Keywords in languages the form does not show (harvested ones) are kept.
        kept = {
            language: values
            for language, values in self.instance.keywords_by_language().items()
            if language not in settings.METADATA_LANGUAGES
        }
        self.instance.set_keywords({**kept, **self.cleaned_data["keyword_text"]})


class DistributionForm(forms.ModelForm):
    conforms_to = URLListField(
        label=_("Conforms to (schema)"),
        required=False,
        help_text=_("Addresses of schemas the file follows, one per line."),
    )

    class Meta:
        model = Distribution
        formfield_callback = formfield
        fields = [
            "dataset",
            "title",
            "description",
            "file",
            "access_url",
            "download_url",
            "format",
            "media_type",
            "licence",
            "rights",
            "conforms_to",
            "languages",
            "status",
            "issued",
            "modified",
            "position",
        ]
        error_messages = {
            "dataset": {"invalid_choice": _("You cannot add files to that dataset.")},
        }

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        linked = cleaned_data.get("access_url") or cleaned_data.get("download_url")
        if upload and linked:
            raise ValidationError(
                _("Either upload a file or link to the data, not both."), code="upload_and_link"
            )
        if upload and "file" in self.changed_data and not cleaned_data.get("format"):
            cleaned_data["format"] = format_for_filename(upload.name)
        data_format = cleaned_data.get("format")
        if data_format and not cleaned_data.get("media_type"):
            cleaned_data["media_type"] = data_format.media_type
        return cleaned_data

    def save(self, commit=True):
        distribution = self.instance
        if "file" in self.changed_data:
            if distribution.file:
                distribution.set_file_facts()
            else:
                distribution.byte_size, distribution.checksum = None, ""
        return super().save(commit)


def format_for_filename(name: str) -> Concept | None:
    """The file-type concept whose extensions include the file's, if any."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if not extension:
        return None
    candidates = Concept.objects.filter(
        scheme=Concept.Scheme.FILE_TYPE, extensions__icontains=extension
    )
    for concept in candidates:
        if extension in [e.strip().lower() for e in concept.extensions.split(",")]:
            return concept
    return None


class DataServiceForm(SlugFromTitleMixin, forms.ModelForm):
    slug_fallback = "service"
    conforms_to = URLListField(
        label=_("Conforms to standards"),
        required=False,
        help_text=_("Addresses of the standards the API follows, one per line."),
    )

    class Meta:
        model = DataService
        formfield_callback = formfield
        fields = [
            "title",
            "description",
            "slug",
            "publisher",
            "themes",
            "endpoint_url",
            "endpoint_description",
            "conforms_to",
            "serves_datasets",
            "licence",
            "access_rights",
            "contact_email",
            "status",
        ]
        error_messages = {
            "publisher": {
                "invalid_choice": _("You cannot publish services for that organisation.")
            },
        }


class MemberField(forms.CharField):
    """An existing account, identified by its username or e-mail address."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        users = get_user_model().objects.filter(
            Q(username__iexact=value) | Q(email__iexact=value), is_active=True
        )[:2]
        if len(users) == 0:
            raise ValidationError(
                _(
                    "There is no account with the username or e-mail address “%(value)s”. "
                    "The person needs an account first."
                ),
                params={"value": value},
                code="unknown_user",
            )
        if len(users) > 1:
            raise ValidationError(
                _("Several accounts use this e-mail address; give the username instead."),
                code="ambiguous_user",
            )
        return users[0]


class MembershipForm(forms.ModelForm):
    user = MemberField(
        label=_("Username or e-mail address"),
        max_length=254,
        error_messages={"required": _("Give the username or e-mail address of the member.")},
    )

    class Meta:
        model = PublisherMembership
        formfield_callback = formfield
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.user_id:
            self.initial["user"] = self.instance.user.get_username()
