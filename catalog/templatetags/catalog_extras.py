"""Presentation-only template filters for the public catalogue pages."""

import re
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from catalog.markdown import render_markdown

register = template.Library()

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# Block markers count only at the start of a line: "2023 to 2026. Next" is not a list.
_MARKDOWN_MARKUP = re.compile(
    r"^[ \t]*(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+|[*_`~|]+|<[^>]+>", re.MULTILINE
)
_WHITESPACE = re.compile(r"\s+")
# The EU data themes static/img/themes.svg has a symbol for; others get a generic one.
THEME_ICONS = {
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI",
    "TECH", "TRAN",
}  # fmt: skip


def _page_language() -> str:
    return (get_language() or "en").split("-")[0].lower()


@register.filter
def markdown(value) -> str:
    """Markdown text (or a language map, in the visitor's language) as sanitised HTML."""
    return render_markdown(str(value or ""))


@register.filter
def plain_excerpt(value, length: int = 220) -> str:
    """A short plain-text excerpt of Markdown, for cards (cheaper than rendering it)."""
    text = _MARKDOWN_LINK.sub(r"\1", str(value or ""))
    text = _WHITESPACE.sub(" ", _MARKDOWN_MARKUP.sub("", text)).strip()
    if len(text) <= int(length):
        return text
    return text[: int(length)].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


@register.filter
def lang_attr(value) -> str:
    """` lang="xx"` when a language map shows text in another language than the page's."""
    language_of = getattr(value, "language_of_localized", None)
    if language_of is None:
        return ""
    code = language_of()
    if not code or code.split("-")[0].lower() == _page_language():
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def tag_lang_attr(code) -> str:
    """` lang="xx"` for a plain language tag (e.g. a keyword's) unlike the page's."""
    if not code or str(code).split("-")[0].lower() == _page_language():
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def in_page_language(keywords) -> list:
    """The keywords in the page's language; all of them when none is."""
    keywords = list(keywords)
    language = _page_language()
    matching = [k for k in keywords if (k.language or "").split("-")[0].lower() == language]
    return matching or keywords


@register.filter
def rdf_url(dataset, extension: str) -> str:
    """The URL of a dataset's RDF representation: /datasets/<slug>.<extension>."""
    return f"{dataset.get_absolute_url().rstrip('/')}.{extension}"


@register.filter
def format_codes(dataset) -> list[str]:
    """The distinct format codes of a dataset's (prefetched) distributions, in order."""
    codes = []
    for distribution in dataset.distributions.all():
        code = format_badge(distribution.format) if distribution.format_id else ""
        if code and code not in codes:
            codes.append(code)
    return codes


@register.filter
def format_badge(file_type) -> str:
    """Short text for a file-type badge: its label when short ("Turtle"), else its code."""
    if file_type is None:
        return ""
    label = str(file_type.label)
    return label if 0 < len(label) <= 8 else file_type.code.replace("_", " ")


@register.filter
def theme_icon(code) -> str:
    """The id of the symbol in static/img/themes.svg for a theme code."""
    return code if code in THEME_ICONS else "generic"


@register.filter
def hostname(url) -> str:
    """The host part of a URL, for compact link text."""
    try:
        return urlsplit(str(url)).hostname or str(url)
    except ValueError:  # e.g. a malformed IPv6 host in harvested metadata
        return str(url)


@register.simple_tag
def toggle_query(params, name: str, value) -> str:
    """The query string with `name=value` added, or removed when present; back to page 1."""
    query = params.copy()
    query.pop("page", None)
    values = query.getlist(name)
    value = str(value)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def without_query(params, *names) -> str:
    """The query string without the named parameters (and the page number)."""
    query = params.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
