"""Multilingual metadata: text kept per language tag, shown in the visitor's language.

Metadata fields hold a language map such as {"nl": "Verkeerstellingen", "en": "Traffic
counts"}. Editors fill the languages of settings.METADATA_LANGUAGES side by side;
harvested records may carry any other tag, which the form keeps untouched.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


class LanguageMap(dict):
    """A dict of language tag -> text whose str() is the text in the active language."""

    def localized(self, language: str | None = None) -> str:
        """The text in `language` (default: the active one), else English, Dutch, any."""
        for code in (language or _language(), settings.LANGUAGE_CODE, *settings.METADATA_LANGUAGES):
            if self.get(code):
                return self[code]
        return next((text for text in self.values() if text), "")

    def language_of_localized(self, language: str | None = None) -> str:
        """The tag of the text localized() returns, for a correct `lang` attribute."""
        text = self.localized(language)
        return next((code for code, value in self.items() if value == text), "")

    def __str__(self) -> str:
        return self.localized()


class LanguageMapWidget(forms.MultiWidget):
    template_name = "catalog/widgets/language_map.html"

    def __init__(self, *, textarea: bool = False, attrs=None):
        self.languages = list(settings.METADATA_LANGUAGES)
        widget = forms.Textarea(attrs={"rows": 4}) if textarea else forms.TextInput
        super().__init__([widget for _ in self.languages], attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for code, sub in zip(self.languages, context["widget"]["subwidgets"], strict=True):
            sub["language"] = code
            sub["attrs"]["lang"] = code
        return context


class LanguageMapFormField(forms.MultiValueField):
    """One input per metadata language; other language tags of the initial value survive."""

    def __init__(self, *, textarea: bool = False, max_length: int | None = None, **kwargs):
        for unused in ("encoder", "decoder", "show_hidden_initial", "empty_value"):
            kwargs.pop(unused, None)
        self.languages = list(settings.METADATA_LANGUAGES)
        fields = [forms.CharField(required=False, max_length=max_length) for _ in self.languages]
        kwargs.setdefault("widget", LanguageMapWidget(textarea=textarea))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        return LanguageMap(
            (code, text.strip())
            for code, text in zip(self.languages, data_list or [], strict=False)
            if text and text.strip()
        )

    def clean(self, value):
        result = super().clean(value)
        if self.required and not any(result.values()):
            raise ValidationError(self.error_messages["required"], code="required")
        return result

    def has_changed(self, initial, data):
        return dict(self.compress(data) if isinstance(data, list) else data or {}) != {
            code: text for code, text in (initial or {}).items() if code in self.languages
        }


class LanguageMapField(models.JSONField):
    """A JSON object of language tag -> text, read back as a LanguageMap."""

    description = _("Text in several languages")

    def __init__(self, *args, textarea: bool = False, max_length: int | None = None, **kwargs):
        self.textarea = textarea
        self.text_max_length = max_length
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.textarea:
            kwargs["textarea"] = True
        if self.text_max_length:
            kwargs["max_length"] = self.text_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        # Key transforms (title__nl) come through here too and must stay plain strings.
        return LanguageMap(value) if isinstance(value, dict) else value

    def to_python(self, value):
        return LanguageMap(value) if isinstance(value, dict) else value

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ValidationError(_("Expected text per language, such as {'en': '…'}."))
        if self.text_max_length and any(len(v) > self.text_max_length for v in value.values()):
            raise ValidationError(
                _("Each language's text may have at most %(max)d characters."),
                params={"max": self.text_max_length},
            )

    def formfield(self, **kwargs):
        # Skip JSONField.formfield: editors get one input per language, not raw JSON.
        return super(models.JSONField, self).formfield(
            **{
                "form_class": LanguageMapFormField,
                "textarea": self.textarea,
                "max_length": self.text_max_length,
                **kwargs,
            }
        )
