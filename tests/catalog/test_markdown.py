"""Markdown in metadata: rendered, then sanitised (catalog/markdown.py)."""

import pytest

from catalog.markdown import render_markdown


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://data.example.nl"


def test_markdown_renders_structure():
    html = render_markdown("Some *emphasis*, a [link](https://example.org) and\n\n- a list")

    assert "<em>emphasis</em>" in html
    assert "<ul>\n<li>a list</li>\n</ul>" in html


def test_markdown_links_get_nofollow_noopener():
    html = render_markdown("[site](https://example.org)")

    assert html == '<p><a href="https://example.org" rel="nofollow noopener">site</a></p>'


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<style>body { display: none }</style>",
        '<b onclick="alert(1)">bold</b>',
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        '<p style="position: fixed">x</p>',
    ],
)
def test_markdown_removes_dangerous_html(source):
    html = render_markdown(source).lower()

    for forbidden in (
        "<script",
        "alert(1)</",
        "<style",
        "onclick",
        "javascript:",
        "<iframe",
        "style=",
    ):
        assert forbidden not in html


def test_markdown_turns_remote_images_into_links():
    html = render_markdown("![chart](https://tracker.example/pixel.png)")

    assert "<img" not in html
    assert '<a href="https://tracker.example/pixel.png" rel="nofollow noopener">chart</a>' in html


def test_markdown_drops_the_source_of_remote_raw_html_images():
    html = render_markdown('<img src="https://tracker.example/pixel.png" alt="x">')

    assert "tracker.example" not in html


@pytest.mark.parametrize(
    "src", ["/media/charts/a.png", "https://data.example.nl/media/charts/a.png"]
)
def test_markdown_keeps_images_served_by_the_portal(src):
    html = render_markdown(f"![chart]({src})")

    assert f'src="{src}"' in html


def test_markdown_does_not_trust_lookalike_hosts():
    html = render_markdown("![x](https://data.example.nl.evil.example/a.png)")

    assert "<img" not in html


def test_markdown_headings_sit_below_the_page_headings():
    html = render_markdown("# Title\n\n## Section")

    assert "<h3>Title</h3>" in html
    assert "<h4>Section</h4>" in html
    assert "<h1" not in render_markdown("<h1>raw</h1>")


def test_markdown_of_nothing_is_empty():
    assert render_markdown("") == ""


def test_plain_excerpt_strips_markup_but_keeps_numbers_ending_a_sentence():
    from catalog.templatetags.catalog_extras import plain_excerpt

    text = "Counts covering 2023 to 2026. Measurements **hourly**.\n\n- first item\n1. step"

    assert plain_excerpt(text) == (
        "Counts covering 2023 to 2026. Measurements hourly. first item step"
    )
