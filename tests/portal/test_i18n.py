"""English and Dutch: the page language follows the switcher, the cookie or Accept-Language,
and metadata shows in that language with a `lang` attribute where it falls back."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    return DatasetFactory(
        published=True,
        slug="trees",
        title={"en": "Trees in the city", "nl": "Bomen in de stad"},
        description={"en": "Every tree.", "nl": "Elke boom."},
    )


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_english_is_the_default(client, dataset):
    response = client.get("/datasets/trees/")

    assert _html_lang(response) == "en"
    assert "Trees in the city" in response.content.decode()
    assert "Bomen in de stad" not in response.content.decode()


def test_accept_language_dutch_shows_dutch_metadata(client, dataset):
    response = client.get("/datasets/trees/", HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9,en;q=0.5")

    assert _html_lang(response) == "nl"
    html = response.content.decode()
    assert "Bomen in de stad" in html
    assert "Elke boom." in html
    assert "Trees in the city" not in html


def test_language_cookie_wins_over_accept_language(client, dataset, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    response = client.get("/datasets/", HTTP_ACCEPT_LANGUAGE="en")

    assert _html_lang(response) == "nl"
    assert "Bomen in de stad" in response.content.decode()


def test_language_switcher_sets_the_language_with_csrf(dataset):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/datasets/trees/")
    html = page.content.decode()
    assert 'action="/i18n/setlang/"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    response = client.post(
        "/i18n/setlang/",
        {"language": "nl", "next": "/datasets/trees/", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert response["Location"] == "/datasets/trees/"
    assert _html_lang(client.get("/datasets/trees/")) == "nl"


def test_language_switcher_refuses_a_post_without_csrf(dataset):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})

    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_metadata_in_another_language_is_marked_with_lang(client):
    DatasetFactory(published=True, slug="only-dutch", title={"nl": "Alleen Nederlands"})

    html = client.get("/datasets/only-dutch/").content.decode()

    assert '<h1 lang="nl">Alleen Nederlands</h1>' in html


def test_metadata_in_the_page_language_has_no_lang_attribute(client, dataset):
    html = client.get("/datasets/trees/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "<h1>Bomen in de stad</h1>" in html


def test_urls_carry_no_language_prefix(client, dataset):
    assert reverse("catalog:dataset-detail", args=["trees"]) == "/datasets/trees/"
    assert client.get("/nl/datasets/trees/").status_code == 404
