"""The public dataset pages: search list with facets, dataset page, downloads, data services."""

import re

import pytest
from django.core.files.base import ContentFile

from catalog.models import Concept, Dataset, DatasetRelation
from tests.factories import (
    ContactPointFactory,
    DataServiceFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    concept,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/datasets/"


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Published datasets with their search index row (written on commit, as in the portal)."""

    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return DatasetFactory(published=True, **kwargs)

    return make


def _slugs(response) -> list[str]:
    return [dataset.slug for dataset in response.context["page_obj"].object_list]


def _facet(response, name) -> dict[str, int]:
    group = next(g for g in response.context["facet_groups"] if g["name"] == name)
    return {item["value"]: item["count"] for item in group["items"]}


# The list -----------------------------------------------------------------------------------


def test_dataset_list_shows_published_datasets_only(client, alice, publisher):
    DatasetFactory(published=True, slug="open-data", publisher=publisher)
    DatasetFactory(slug="secret-draft", publisher=publisher)
    DatasetFactory(slug="old-data", publisher=publisher, status=Dataset.Status.WITHDRAWN)
    client.force_login(alice)  # even members find only published datasets in the catalogue

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert _slugs(response) == ["open-data"]
    assert b"secret-draft" not in response.content
    assert b"old-data" not in response.content


def test_dataset_list_facets_do_not_count_drafts(client):
    DatasetFactory(published=True, themes=[concept(Concept.Scheme.THEME, "TRAN")])
    DatasetFactory(themes=[concept(Concept.Scheme.THEME, "HEAL")], keywords={"en": ["hidden"]})

    response = client.get(LIST_URL)

    assert _facet(response, "theme") == {"TRAN": 1}
    assert "hidden" not in _facet(response, "keyword")


def test_dataset_list_search_finds_by_title(client, indexed):
    indexed(slug="trees", title={"en": "Trees in the city centre", "nl": "Bomen"})
    indexed(slug="budget", title={"en": "City budget", "nl": "Begroting"})

    response = client.get(LIST_URL, {"q": "trees"})

    assert response.status_code == 200
    assert _slugs(response) == ["trees"]
    assert response.context["sort"] == "relevance"
    assert 'value="trees"' in response.content.decode()


def test_dataset_list_selected_facet_has_a_link_that_removes_it(client):
    DatasetFactory(published=True, slug="traffic", themes=[concept(Concept.Scheme.THEME, "TRAN")])
    DatasetFactory(published=True, slug="health", themes=[concept(Concept.Scheme.THEME, "HEAL")])

    response = client.get(LIST_URL, {"theme": "TRAN", "sort": "title"})

    assert _slugs(response) == ["traffic"]
    chip = response.context["chips"][0]
    assert (chip["name"], chip["value"]) == ("theme", "TRAN")
    html = response.content.decode()
    # The chip and the checked facet both link to the same list without the theme.
    assert html.count('href="?sort=title"') == 2
    assert 'aria-current="true"' in html


def test_dataset_list_chip_names_the_filter_even_without_results(client):
    health = concept(Concept.Scheme.THEME, "HEAL")

    response = client.get(LIST_URL, {"theme": "HEAL"})

    assert response.context["page_obj"].paginator.count == 0
    assert [chip["label"] for chip in response.context["chips"]] == [str(health.label)]
    assert "No datasets match" in response.content.decode()


def test_dataset_list_facet_link_adds_the_value(client):
    DatasetFactory(published=True, publisher__slug="zwolle")

    response = client.get(LIST_URL, {"q": "x y"})
    html = client.get(LIST_URL).content.decode()

    assert response.status_code == 200
    assert 'href="?publisher=zwolle"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "NOPE"},
        {"publisher": "no-such-publisher"},
        {"format": "<script>"},
        {"modified_since": "2025-13-45"},
        {"issued_since": "yesterday"},
        {"sort": "random"},
    ],
)
def test_dataset_list_invalid_parameter_gives_a_readable_400(client, params):
    DatasetFactory(published=True)

    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    html = response.content.decode()
    assert "This search cannot be run" in html
    (name,) = params
    assert f"<code>{name}</code>" in html
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1e9", ""])
def test_dataset_list_odd_page_numbers_never_fail(client, page):
    for n in range(25):
        DatasetFactory(published=True, slug=f"dataset-{n:02d}")

    response = client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number in (1, 2)


def test_dataset_list_page_out_of_range_shows_the_last_page(client):
    for n in range(25):
        DatasetFactory(published=True, slug=f"dataset-{n:02d}")

    response = client.get(LIST_URL, {"page": "7"})

    assert response.context["page_obj"].number == 2
    assert len(_slugs(response)) == 5
    assert 'aria-current="page"' in response.content.decode()


def test_dataset_list_empty_state_offers_a_way_back(client, indexed):
    indexed(title={"en": "Trees"})

    response = client.get(LIST_URL, {"q": "zeppelin"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "No datasets match" in html
    assert 'href="/datasets/"' in html


def test_dataset_list_sort_links_keep_the_filters(client):
    DatasetFactory(published=True, themes=[concept(Concept.Scheme.THEME, "TRAN")])
    DatasetFactory(published=True, themes=[concept(Concept.Scheme.THEME, "TRAN")])

    html = client.get(LIST_URL, {"theme": "TRAN", "page": "1"}).content.decode()

    assert 'href="?theme=TRAN&amp;sort=title"' in html
    assert 'href="?theme=TRAN&amp;sort=modified"' in html


def _list_with(count):
    for _ in range(count):
        dataset = DatasetFactory(
            published=True,
            themes=[concept(Concept.Scheme.THEME, "TRAN"), concept(Concept.Scheme.THEME, "ENVI")],
            keywords={"en": ["roads", "traffic"], "nl": ["wegen"]},
        )
        DistributionFactory.create_batch(2, dataset=dataset)


def test_dataset_list_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    _list_with(3)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST_URL, {"theme": "TRAN"})
    _list_with(12)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL, {"theme": "TRAN"})

    assert len(_slugs(response)) == 15


# The dataset page -----------------------------------------------------------------------------


@pytest.fixture
def full_dataset(publisher):
    dataset = DatasetFactory(
        published=True,
        slug="air-quality",
        publisher=publisher,
        title={"en": "Air quality", "nl": "Luchtkwaliteit"},
        description={"en": "Hourly **measurements**.\n\n<script>alert(1)</script>"},
        keywords={"en": ["air", "pollution"], "nl": ["lucht"]},
        themes=[concept(Concept.Scheme.THEME, "ENVI")],
        temporal_start="2020-01-01",
        temporal_end="2024-12-31",
        spatial_label={"en": "Utrecht"},
        spatial_uri="https://sws.geonames.org/2745912/",
        bbox_west=4.97,
        bbox_south=52.02,
        bbox_east=5.19,
        bbox_north=52.14,
        frequency=concept(Concept.Scheme.FREQUENCY, "DAILY"),
        landing_page="https://www.utrecht.nl/lucht",
        documentation=["https://docs.example.org/air"],
        conforms_to=["https://schema.example.org/air"],
        version="2.1",
        version_notes={"en": "New sensors."},
        provenance={"en": "Collected by the municipal sensor network."},
        licence=LicenceFactory(
            code="CC-BY-SA-4.0",
            uri="http://creativecommons.org/licenses/by-sa/4.0/",
            title={"en": "Creative Commons Attribution-ShareAlike 4.0"},
            share_alike=True,
        ),
    )
    dataset.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    ContactPointFactory(dataset=dataset, name="Air desk", email="air@example.org")
    DistributionFactory(
        dataset=dataset,
        title={"en": "Measurements 2024"},
        byte_size=2048,
        checksum="a" * 64,
    )
    return dataset


def test_dataset_page_shows_every_metadata_field(client, full_dataset):
    response = client.get("/datasets/air-quality/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Air quality",
        "<strong>measurements</strong>",
        "pollution",
        "Utrecht",
        "west 4.9700°",
        "https://www.utrecht.nl/lucht",
        "https://docs.example.org/air",
        "https://schema.example.org/air",
        "2.1",
        "New sensors.",
        "Collected by the municipal sensor network.",
        "Creative Commons Attribution-ShareAlike 4.0",
        "Share adaptations under the same licence.",
        "Credit the publisher",
        "Air desk",
        "mailto:air@example.org",
        "Measurements 2024",
        "2.0\xa0KB",
        "a" * 64,
        full_dataset.uri,
    ]:
        assert text in html, text
    assert "<script>alert(1)</script>" not in html


def test_dataset_page_links_to_downloads_rdf_and_apis(client, full_dataset):
    distribution = full_dataset.distributions.get()

    html = client.get("/datasets/air-quality/").content.decode()

    assert f'href="/datasets/air-quality/download/{distribution.uuid}/"' in html
    for suffix, media_type in [
        ("ttl", "text/turtle"),
        ("rdf", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
    ]:
        assert (
            f'<link rel="alternate" type="{media_type}" href="/datasets/air-quality.{suffix}"'
            in html
        )
        assert f'href="/datasets/air-quality.{suffix}"' in html
    assert 'href="/api/v1/datasets/air-quality/"' in html
    assert '<script type="application/ld+json">' in html  # schema.org for search engines
    assert 'href="/api/3/action/package_show?id=air-quality"' in html


def test_dataset_page_hides_draft_related_datasets(client, publisher):
    dataset = DatasetFactory(published=True, slug="main", publisher=publisher)
    public = DatasetFactory(published=True, title={"en": "Public sibling"})
    draft = DatasetFactory(title={"en": "Secret sibling"})
    DatasetRelation.objects.create(dataset=dataset, target=public)
    DatasetRelation.objects.create(dataset=dataset, target=draft)

    html = client.get("/datasets/main/").content.decode()

    assert "Public sibling" in html
    assert "Secret sibling" not in html


def test_dataset_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    def make(size):
        dataset = DatasetFactory(
            published=True,
            themes=[
                concept(Concept.Scheme.THEME, code) for code in ["TRAN", "ENVI", "HEAL"][:size]
            ],
            keywords={"en": [f"word{n}" for n in range(size * 3)]},
        )
        DistributionFactory.create_batch(size * 2, dataset=dataset)
        ContactPointFactory.create_batch(size, dataset=dataset)
        return dataset

    small, large = make(1), make(3)
    with django_assert_max_num_queries(20) as few:
        client.get(small.get_absolute_url())

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(large.get_absolute_url())

    assert response.status_code == 200


def test_draft_dataset_is_hidden_from_anonymous_visitors(client):
    dataset = DatasetFactory(status=Dataset.Status.DRAFT)

    response = client.get(dataset.get_absolute_url())

    assert response.status_code == 404


@pytest.mark.parametrize("user", ["carol", "bob"])
def test_draft_dataset_is_hidden_from_outsiders(client, request, publisher, user):
    dataset = DatasetFactory(publisher=publisher)
    client.force_login(request.getfixturevalue(user))

    assert client.get(dataset.get_absolute_url()).status_code == 404


def test_publisher_member_sees_own_draft_with_a_banner(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, title={"en": "Work in progress"})
    client.force_login(alice)

    response = client.get(dataset.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft — not public" in html
    assert "Work in progress" in html
    assert '<meta name="robots" content="noindex">' in html


def test_site_manager_sees_drafts(client, manager):
    dataset = DatasetFactory()
    client.force_login(manager)

    assert client.get(dataset.get_absolute_url()).status_code == 200


def test_withdrawn_dataset_is_gone_for_the_public(client, publisher):
    old = DatasetFactory(
        publisher=publisher, status=Dataset.Status.WITHDRAWN, title={"en": "Old counts"}
    )
    new = DatasetFactory(published=True, publisher=publisher, title={"en": "New counts"})
    DatasetRelation.objects.create(dataset=new, target=old, role=DatasetRelation.Role.REPLACES)

    response = client.get(old.get_absolute_url())

    assert response.status_code == 410
    html = response.content.decode()
    assert "This dataset has been withdrawn" in html
    assert "Old counts" in html
    assert f'href="{new.get_absolute_url()}"' in html


def test_withdrawn_dataset_stays_visible_to_its_publisher(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, status=Dataset.Status.WITHDRAWN)
    client.force_login(alice)

    response = client.get(dataset.get_absolute_url())

    assert response.status_code == 200
    assert "Withdrawn — no longer public" in response.content.decode()


def test_unknown_dataset_gives_the_site_404_page(client):
    response = client.get("/datasets/no-such-thing/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Downloads --------------------------------------------------------------------------------------


def _download_url(distribution):
    return f"/datasets/{distribution.dataset.slug}/download/{distribution.uuid}/"


def test_download_serves_the_uploaded_file_safely(client):
    distribution = DistributionFactory(
        dataset__published=True,
        access_url="",
        download_url="",
        media_type="text/csv",
        file=ContentFile(b"a,b\n1,2\n", name="trees 2024.csv"),
    )

    response = client.get(_download_url(distribution))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert response["Content-Type"] == "text/csv"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="trees_2024[\w]*\.csv"', disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_download_guesses_the_content_type_when_the_media_type_is_unusable(client):
    distribution = DistributionFactory(
        dataset__published=True,
        access_url="",
        download_url="",
        media_type="text/html\r\nX-Evil: 1",
        file=ContentFile(b"{}", name="data.json"),
    )

    response = client.get(_download_url(distribution))

    assert response["Content-Type"] == "application/json"
    assert "X-Evil" not in response


def test_download_of_a_missing_file_is_a_404(client):
    distribution = DistributionFactory(
        dataset__published=True,
        access_url="",
        download_url="",
        file=ContentFile(b"x", name="gone.csv"),
    )
    distribution.file.storage.delete(distribution.file.name)

    assert client.get(_download_url(distribution)).status_code == 404


def test_download_redirects_to_the_download_url(client):
    distribution = DistributionFactory(
        dataset__published=True,
        access_url="https://example.org/page",
        download_url="https://example.org/data.csv",
    )

    response = client.get(_download_url(distribution))

    assert response.status_code == 302
    assert response["Location"] == "https://example.org/data.csv"


def test_download_redirects_to_the_access_url_without_a_download_url(client):
    distribution = DistributionFactory(
        dataset__published=True, access_url="https://api.example.org/", download_url=""
    )

    response = client.get(_download_url(distribution))

    assert response.status_code == 302
    assert response["Location"] == "https://api.example.org/"


def test_download_of_a_draft_is_hidden_from_outsiders(client, bob, publisher):
    distribution = DistributionFactory(dataset__publisher=publisher)

    assert client.get(_download_url(distribution)).status_code == 404
    client.force_login(bob)
    assert client.get(_download_url(distribution)).status_code == 404


def test_download_of_a_draft_works_for_members(client, alice, publisher):
    distribution = DistributionFactory(dataset__publisher=publisher)
    client.force_login(alice)

    assert client.get(_download_url(distribution)).status_code == 302


def test_download_needs_the_right_dataset_slug(client):
    distribution = DistributionFactory(dataset__published=True)
    other = DatasetFactory(published=True)

    response = client.get(f"/datasets/{other.slug}/download/{distribution.uuid}/")

    assert response.status_code == 404


# Data services ----------------------------------------------------------------------------------


def test_data_service_page_shows_the_endpoint_and_published_datasets(client):
    shown = DatasetFactory(published=True, title={"en": "Served openly"})
    hidden = DatasetFactory(title={"en": "Served draft"})
    service = DataServiceFactory(slug="traffic-api")
    service.serves_datasets.set([shown, hidden])

    response = client.get("/data-services/traffic-api/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "https://api.example.org/traffic" in html
    assert "Served openly" in html
    assert "Served draft" not in html


def test_draft_data_service_is_hidden_from_the_public(client, alice, publisher):
    service = DataServiceFactory(publisher=publisher, status=Dataset.Status.DRAFT)

    assert client.get(service.get_absolute_url()).status_code == 404
    client.force_login(alice)
    assert client.get(service.get_absolute_url()).status_code == 200
