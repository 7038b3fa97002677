"""The public publisher pages: the list with dataset counts and each publisher's page."""

import pytest

from catalog.models import Concept, Dataset
from tests.factories import DataServiceFactory, DatasetFactory, PublisherFactory, concept

pytestmark = pytest.mark.django_db


def test_publisher_list_counts_published_datasets_only(client, publisher, other_publisher):
    DatasetFactory.create_batch(2, published=True, publisher=publisher)
    DatasetFactory(publisher=publisher)
    DatasetFactory(publisher=publisher, status=Dataset.Status.WITHDRAWN)

    response = client.get("/publishers/")

    assert response.status_code == 200
    counts = {p.slug: p.dataset_count for p in response.context["publishers"]}
    assert counts == {"gemeente-utrecht": 2, "rijkswaterstaat": 0}
    assert "2 datasets" in response.content.decode()


def test_publisher_list_is_sorted_by_name(client):
    PublisherFactory(slug="b", name={"en": "Zwolle"})
    PublisherFactory(slug="a", name={"en": "amsterdam"})

    response = client.get("/publishers/")

    assert [p.slug for p in response.context["publishers"]] == ["a", "b"]


def test_publisher_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    def make(count):
        for _ in range(count):
            publisher = PublisherFactory(
                publisher_type=concept(Concept.Scheme.PUBLISHER_TYPE, "LocalAuthority")
            )
            DatasetFactory(published=True, publisher=publisher)

    make(2)
    with django_assert_max_num_queries(10) as few:
        client.get("/publishers/")
    make(8)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/publishers/")

    assert len(response.context["publishers"]) == 10


def test_publisher_page_lists_its_published_datasets_only(client, publisher, other_publisher):
    DatasetFactory(published=True, publisher=publisher, title={"en": "Trees of Utrecht"})
    DatasetFactory(publisher=publisher, title={"en": "Unfinished draft"})
    DatasetFactory(published=True, publisher=other_publisher, title={"en": "River levels"})

    response = client.get("/publishers/gemeente-utrecht/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Trees of Utrecht" in html
    assert "Unfinished draft" not in html
    assert "River levels" not in html
    assert 'href="/datasets/?publisher=gemeente-utrecht"' in html


def test_publisher_page_hides_drafts_from_members_too(client, alice, publisher):
    DatasetFactory(publisher=publisher, title={"en": "Unfinished draft"})
    client.force_login(alice)

    response = client.get(publisher.get_absolute_url())

    assert "Unfinished draft" not in response.content.decode()


def test_publisher_page_lists_published_data_services(client, publisher):
    DataServiceFactory(publisher=publisher, title={"en": "Tree API"})
    DataServiceFactory(publisher=publisher, title={"en": "Draft API"}, status=Dataset.Status.DRAFT)

    html = client.get(publisher.get_absolute_url()).content.decode()

    assert "Tree API" in html
    assert "Draft API" not in html


@pytest.mark.parametrize("page", ["2", "99", "x"])
def test_publisher_page_is_paginated_and_tolerates_odd_pages(client, publisher, page):
    for n in range(23):
        DatasetFactory(published=True, publisher=publisher, slug=f"set-{n:02d}")

    response = client.get(publisher.get_absolute_url(), {"page": page})

    assert response.status_code == 200
    expected = 1 if page == "x" else 2
    assert response.context["page_obj"].number == expected


def test_publisher_page_query_count_does_not_grow(client, publisher, django_assert_max_num_queries):
    def make(count):
        for _ in range(count):
            DatasetFactory(
                published=True,
                publisher=publisher,
                themes=[
                    concept(Concept.Scheme.THEME, "TRAN"),
                    concept(Concept.Scheme.THEME, "ENVI"),
                ],
            )

    make(2)
    with django_assert_max_num_queries(15) as few:
        client.get(publisher.get_absolute_url())
    make(10)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(publisher.get_absolute_url())


def test_unknown_publisher_is_a_404(client):
    assert client.get("/publishers/nobody/").status_code == 404
