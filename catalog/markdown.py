"""Markdown for metadata text: rendered with `markdown`, then sanitised with nh3.

Descriptions come from editors and from harvested catalogues we do not control, so the
HTML that reaches a page keeps only harmless structure: no scripts, styles or event
handlers, links marked nofollow, and images only when the portal itself serves them.
"""

import xml.etree.ElementTree as etree

import markdown as markdown_lib
import nh3
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "sup", "sub", "abbr", "code", "pre",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
# Headings inside a description sit below the page's own h1 and section h2s.
HEADING_SHIFT = 2


def is_local_url(url: str) -> bool:
    """True for URLs the portal serves itself: relative paths or under SITE_URL."""
    if url.startswith("/") and not url.startswith("//"):
        return True
    return url.startswith(settings.SITE_URL + "/")


class _PortalTreeprocessor(Treeprocessor):
    """Demote headings and turn remote images into plain links to them."""

    def run(self, root):
        for parent in root.iter():
            for index, element in enumerate(list(parent)):
                if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    element.tag = f"h{min(int(element.tag[1]) + HEADING_SHIFT, 6)}"
                elif element.tag == "img" and not is_local_url(element.get("src", "")):
                    link = etree.Element("a", href=element.get("src", ""))
                    link.text = element.get("alt") or element.get("src", "")
                    link.tail = element.tail
                    parent.remove(element)
                    parent.insert(index, link)


class _PortalExtension(markdown_lib.Extension):
    def extendMarkdown(self, md):  # noqa: N802 (the markdown package's API)
        md.treeprocessors.register(_PortalTreeprocessor(md), "portal", 5)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Raw HTML in the source skips the tree processor; remote images lose their source here.
    if tag == "img" and attribute == "src" and not is_local_url(value):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    """Markdown source to sanitised HTML, safe to put in a template as it is."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(
        text,
        extensions=["tables", "fenced_code", "sane_lists", "def_list", "abbr", _PortalExtension()],
        output_format="html",
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 (nh3 output)
