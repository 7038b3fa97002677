"""The home page and the site's error pages."""

import pytest
from django.test import RequestFactory

from catalog.models import Concept, Dataset
from portal.views import server_error
from tests.factories import DatasetFactory, DistributionFactory, PublisherFactory, concept

pytestmark = pytest.mark.django_db


def test_home_has_a_search_box_that_searches_datasets(client):
    html = client.get("/").content.decode()

    assert 'action="/datasets/"' in html
    assert '<label for="home-search">' in html
    assert 'name="q"' in html


def test_home_counts_themes_of_published_datasets_only(client):
    transport, health = concept(Concept.Scheme.THEME, "TRAN"), concept(Concept.Scheme.THEME, "HEAL")
    DatasetFactory.create_batch(2, published=True, themes=[transport])
    DatasetFactory(themes=[health])
    DatasetFactory(themes=[transport], status=Dataset.Status.WITHDRAWN)

    response = client.get("/")

    counts = {theme.code: theme.dataset_count for theme in response.context["themes"]}
    assert counts == {"TRAN": 2}
    assert 'href="/datasets/?theme=TRAN"' in response.content.decode()
    assert response.context["dataset_count"] == 2


def test_home_shows_newest_published_datasets_and_no_drafts(client):
    DatasetFactory(published=True, title={"en": "Fresh open data"})
    DatasetFactory(title={"en": "Secret draft"})

    html = client.get("/").content.decode()

    assert "Fresh open data" in html
    assert "Secret draft" not in html


def test_home_lists_publishers_that_have_published(client, publisher, other_publisher):
    DatasetFactory(published=True, publisher=publisher)
    DatasetFactory(publisher=other_publisher)

    response = client.get("/")

    assert [p.slug for p in response.context["publishers"]] == ["gemeente-utrecht"]
    assert response.context["publisher_count"] == 1


def test_home_without_data_has_an_empty_state(client):
    html = client.get("/").content.decode()

    assert "Nothing published yet" in html


def test_home_query_count_does_not_grow(client, django_assert_max_num_queries):
    def make(count):
        for _ in range(count):
            dataset = DatasetFactory(
                published=True,
                publisher=PublisherFactory(),
                themes=[
                    concept(Concept.Scheme.THEME, "TRAN"),
                    concept(Concept.Scheme.THEME, "ENVI"),
                ],
            )
            DistributionFactory.create_batch(2, dataset=dataset)

    make(2)
    with django_assert_max_num_queries(15) as few:
        client.get("/")
    make(10)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_page_layout_has_landmarks_and_a_skip_link(client):
    html = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    for landmark in ("<header", "<nav", "<footer"):
        assert landmark in html


def test_not_found_page_uses_the_site_design(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html


def test_bad_host_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "We could not understand this request" in response.content.decode()


def test_server_error_page_renders_without_a_request_context(settings):
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert settings.SITE_NAME in html
