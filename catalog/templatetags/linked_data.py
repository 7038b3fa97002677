"""Template tags that put the linked-data views of a record into its HTML page."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from catalog import dcat

register = template.Library()


@register.simple_tag
def schema_org_script(dataset):
    """A <script type="application/ld+json"> with the dataset as a schema.org Dataset."""
    # schema_org_script escapes <, > and & inside the JSON, so it cannot close the element.
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(dcat.schema_org_script(dataset))
    )


@register.simple_tag
def rdf_alternates(url_name, slug):
    """<link rel="alternate"> to each RDF serialisation, e.g. url_name "catalog:dataset-rdf"."""
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" href="{}">',
        (
            (fmt.content_type, reverse(url_name, args=[slug, suffix]))
            for suffix, fmt in dcat.FORMATS.items()
        ),
    )
