import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog import search
from catalog.models import ApiToken, Concept, Dataset, Distribution, HarvestSource
from tests.factories import (
    ConceptFactory,
    ContactPointFactory,
    DataServiceFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    PublisherFactory,
    concept,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def _client_for(user) -> APIClient:
    _token, key = ApiToken.create_for(user, "test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def alice_api(alice):
    return _client_for(alice)


@pytest.fixture
def bob_api(bob):
    return _client_for(bob)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def _full_dataset(**kwargs):
    dataset = DatasetFactory(
        published=True,
        keywords={"en": ["traffic"], "nl": ["verkeer"]},
        themes=[concept(Concept.Scheme.THEME, "TRAN"), concept(Concept.Scheme.THEME, "ENVI")],
        frequency=concept(Concept.Scheme.FREQUENCY, "ANNUAL"),
        **kwargs,
    )
    dataset.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    ContactPointFactory(dataset=dataset)
    distribution = DistributionFactory(dataset=dataset)
    distribution.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    DistributionFactory(dataset=dataset, format=concept(Concept.Scheme.FILE_TYPE, "JSON"))
    return dataset


# Reads ----------------------------------------------------------------------------------


def test_dataset_list_shows_published_datasets_only_to_anonymous(api):
    published = DatasetFactory(published=True)
    DatasetFactory(status=Dataset.Status.DRAFT)
    DatasetFactory(status=Dataset.Status.WITHDRAWN)

    response = api.get("/api/v1/datasets/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [d["slug"] for d in response.json()["results"]] == [published.slug]


def test_dataset_list_shows_own_drafts_to_a_member_with_a_token(alice_api, publisher):
    draft = DatasetFactory(publisher=publisher)
    DatasetFactory(status=Dataset.Status.DRAFT)  # another publisher's

    response = alice_api.get("/api/v1/datasets/")

    assert [d["slug"] for d in response.json()["results"]] == [draft.slug]


def test_dataset_list_paginates_with_count_and_links(api):
    for _ in range(3):
        DatasetFactory(published=True)

    first = api.get("/api/v1/datasets/?page_size=2").json()
    second = api.get(first["next"]).json()

    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["previous"] is None
    assert len(second["results"]) == 1 and second["next"] is None
    assert second["previous"].startswith("http://testserver/api/v1/datasets/")


def test_dataset_list_page_size_is_capped_at_1000(api):
    DatasetFactory(published=True)

    response = api.get("/api/v1/datasets/?page_size=5000")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_dataset_list_filters_by_theme_and_publisher(api, publisher):
    wanted = DatasetFactory(published=True, publisher=publisher)
    DatasetFactory(published=True, themes=[concept(Concept.Scheme.THEME, "ECON")])
    DatasetFactory(published=True, publisher=publisher, themes=[concept("theme", "ECON")])

    response = api.get("/api/v1/datasets/?theme=TRAN&publisher=gemeente-utrecht")

    assert [d["slug"] for d in response.json()["results"]] == [wanted.slug]


def test_dataset_list_searches_with_q(api):
    wanted = DatasetFactory(published=True, title={"en": "Bicycle counts", "nl": "Fietstellingen"})
    DatasetFactory(published=True, title={"en": "School budgets"})
    search.index_datasets(Dataset.objects.values_list("pk", flat=True))

    response = api.get("/api/v1/datasets/?q=bicycle")

    assert [d["slug"] for d in response.json()["results"]] == [wanted.slug]


def test_dataset_list_sorts_by_title(api):
    DatasetFactory(published=True, slug="b", title={"en": "Bravo", "nl": "Bravo"})
    DatasetFactory(published=True, slug="a", title={"en": "Alpha", "nl": "Alpha"})

    response = api.get("/api/v1/datasets/?sort=title")

    assert [d["slug"] for d in response.json()["results"]] == ["a", "b"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("theme=NOPE", "theme"),
        ("publisher=nobody", "publisher"),
        ("licence=MIT-ish", "licence"),
        ("format=NOPE", "format"),
        ("modified_since=yesterday", "modified_since"),
        ("sort=random", "sort"),
    ],
)
def test_dataset_list_unknown_filter_value_is_a_400_naming_the_parameter(api, query, parameter):
    response = api.get(f"/api/v1/datasets/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert parameter in response.json()[parameter][0]


def test_dataset_detail_has_nested_distributions_and_vocabularies(api):
    dataset = _full_dataset()

    response = api.get(f"/api/v1/datasets/{dataset.slug}/")

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == str(dataset.uuid)
    assert body["title"] == dataset.title
    assert body["publisher"]["slug"] == dataset.publisher.slug
    assert {t["code"] for t in body["themes"]} == {"TRAN", "ENVI"}
    assert body["keywords"] == {"en": ["traffic"], "nl": ["verkeer"]}
    assert body["licence"]["code"] == "CC-BY-4.0"
    assert body["frequency"]["code"] == "ANNUAL"
    assert [d["format"]["code"] for d in body["distributions"]] == ["CSV", "JSON"]
    assert body["contact_points"][0]["email"] == "datadesk@example.org"


def test_dataset_detail_of_a_draft_is_404_for_anonymous(api):
    draft = DatasetFactory()

    assert api.get(f"/api/v1/datasets/{draft.slug}/").status_code == 404


def test_distribution_list_and_detail_hide_drafts(api):
    visible = DistributionFactory(dataset=DatasetFactory(published=True))
    hidden = DistributionFactory(dataset=DatasetFactory())

    listed = api.get("/api/v1/distributions/").json()

    assert [d["id"] for d in listed["results"]] == [str(visible.uuid)]
    assert api.get(f"/api/v1/distributions/{visible.uuid}/").status_code == 200
    assert api.get(f"/api/v1/distributions/{hidden.uuid}/").status_code == 404


def test_publisher_list_counts_published_datasets(api, publisher):
    DatasetFactory(published=True, publisher=publisher)
    DatasetFactory(publisher=publisher)

    response = api.get("/api/v1/publishers/gemeente-utrecht/")

    assert response.json()["dataset_count"] == 1
    assert response.json()["uri"].endswith("/publishers/gemeente-utrecht/")


def test_data_service_list_hides_drafts_and_unseen_datasets(api):
    service = DataServiceFactory(status=Dataset.Status.PUBLISHED)
    DataServiceFactory(status=Dataset.Status.DRAFT)
    public, draft = DatasetFactory(published=True), DatasetFactory()
    service.serves_datasets.set([public, draft])

    response = api.get("/api/v1/data-services/")

    assert [s["slug"] for s in response.json()["results"]] == [service.slug]
    assert response.json()["results"][0]["serves_datasets"] == [public.slug]


@pytest.mark.parametrize(
    "path, code",
    [
        ("themes", "TRAN"),
        ("formats", "CSV"),
        ("access-rights", "PUBLIC"),
        ("frequencies", "ANNUAL"),
        ("languages", "NLD"),
        ("licences", "CC-BY-4.0"),
    ],
)
def test_vocabularies_list_and_detail_by_code(api, path, code):
    for scheme in ("theme", "file-type", "access-right", "frequency", "language"):
        ConceptFactory(scheme=scheme, code={"theme": "TRAN", "file-type": "CSV"}.get(scheme, code))
    LicenceFactory()

    listed = api.get(f"/api/v1/{path}/?page_size=1000")
    detail = api.get(f"/api/v1/{path}/{code}/")

    assert listed.status_code == 200
    assert code in [item["code"] for item in listed.json()["results"]]
    assert detail.json()["code"] == code


def test_api_root_lists_the_resources(api):
    body = api.get("/api/v1/").json()

    assert {"datasets", "distributions", "publishers", "data-services", "themes"} <= set(body)


# Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/datasets/",
        "/api/v1/datasets/?q=dataset",
        "/api/v1/distributions/",
        "/api/v1/publishers/",
        "/api/v1/data-services/",
        "/api/v1/themes/",
        "/api/v1/licences/",
    ],
)
def test_list_query_count_does_not_grow_with_rows(api, url):
    _full_dataset()
    service = DataServiceFactory(status=Dataset.Status.PUBLISHED)
    service.themes.set([concept("theme", "TRAN")])
    few = _count_queries(api, url)
    for _ in range(4):
        dataset = _full_dataset()
        service = DataServiceFactory(status=Dataset.Status.PUBLISHED)
        service.serves_datasets.set([dataset])

    assert _count_queries(api, url) == few


# Writes ---------------------------------------------------------------------------------


def _new_dataset(**overrides):
    concept("theme", "TRAN")
    concept("language", "NLD")
    LicenceFactory()
    return {
        "title": {"nl": "Parkeerplaatsen", "en": "Parking places"},
        "description": {"nl": "Alle parkeerplaatsen.", "en": "Every parking place."},
        "publisher": "gemeente-utrecht",
        "themes": ["TRAN"],
        "keywords": {"nl": ["parkeren"], "en": ["parking"]},
        "licence": "CC-BY-4.0",
        "languages": ["NLD"],
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        **overrides,
    }


def test_dataset_create_with_token_makes_a_draft(alice_api):
    response = alice_api.post("/api/v1/datasets/", _new_dataset(), format="json")

    assert response.status_code == 201, response.json()
    dataset = Dataset.objects.get(slug=response.json()["slug"])
    assert dataset.status == Dataset.Status.DRAFT
    assert dataset.slug == "parkeerplaatsen"
    assert dataset.keywords_by_language() == {"nl": ["parkeren"], "en": ["parking"]}
    assert response.json()["licence"]["code"] == "CC-BY-4.0"


def test_dataset_create_without_token_is_401(api):
    response = api.post("/api/v1/datasets/", _new_dataset(), format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Dataset.objects.exists()


def test_dataset_create_gives_field_level_errors(alice_api):
    payload = _new_dataset(
        title={}, themes=["NOPE"], temporal_end="2023-01-01", landing_page="not a url"
    )

    response = alice_api.post("/api/v1/datasets/", payload, format="json")

    assert response.status_code == 400
    assert {"title", "themes", "landing_page"} <= set(response.json())
    assert not Dataset.objects.exists()


def test_dataset_create_checks_model_validation_as_the_admin(alice_api):
    response = alice_api.post(
        "/api/v1/datasets/", _new_dataset(temporal_end="2023-01-01"), format="json"
    )

    assert response.status_code == 400
    assert "temporal_end" in response.json()


def test_dataset_create_for_another_publisher_is_refused(alice_api, other_publisher):
    response = alice_api.post(
        "/api/v1/datasets/", _new_dataset(publisher=other_publisher.slug), format="json"
    )

    assert response.status_code == 400
    assert "publisher" in response.json()


def test_dataset_type_errors_are_400(alice_api):
    response = alice_api.post("/api/v1/datasets/", _new_dataset(title="plain"), format="json")

    assert response.status_code == 400
    assert "title" in response.json()


def test_dataset_patch_publishes_and_sets_the_publication_date(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher)

    response = alice_api.patch(
        f"/api/v1/datasets/{dataset.slug}/", {"status": "published"}, format="json"
    )

    assert response.status_code == 200, response.json()
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.PUBLISHED
    assert dataset.published_at is not None
    assert response.json()["title"] == dataset.title


def test_dataset_patch_keeps_other_fields(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher, keywords={"nl": ["fiets"]}, version="1")

    alice_api.patch(f"/api/v1/datasets/{dataset.slug}/", {"version": "2"}, format="json")

    dataset.refresh_from_db()
    assert dataset.version == "2"
    assert dataset.keywords_by_language() == {"nl": ["fiets"]}
    assert [t.code for t in dataset.themes.all()] == ["TRAN"]


def test_dataset_put_replaces_fields(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher, version="1", slug="parkeerplaatsen")

    response = alice_api.put(f"/api/v1/datasets/{dataset.slug}/", _new_dataset(), format="json")

    assert response.status_code == 200, response.json()
    dataset.refresh_from_db()
    assert dataset.version == ""
    assert dataset.title["en"] == "Parking places"
    assert dataset.status == Dataset.Status.DRAFT


def test_dataset_slug_cannot_change(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher)

    response = alice_api.patch(
        f"/api/v1/datasets/{dataset.slug}/", {"slug": "elsewhere"}, format="json"
    )

    assert response.status_code == 400
    assert "slug" in response.json()


def test_dataset_of_another_publisher_cannot_be_changed(bob_api, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True)

    patch = bob_api.patch(f"/api/v1/datasets/{dataset.slug}/", {"version": "9"}, format="json")
    delete = bob_api.delete(f"/api/v1/datasets/{dataset.slug}/")

    assert patch.status_code == 403
    assert delete.status_code == 403
    dataset.refresh_from_db()
    assert dataset.version == "" and dataset.status == Dataset.Status.PUBLISHED


def test_harvested_dataset_cannot_be_changed(alice_api, publisher):
    source = HarvestSource.objects.create(name="CKAN", slug="ckan", url="https://ckan.example")
    dataset = DatasetFactory(publisher=publisher, published=True, harvest_source=source)

    response = alice_api.patch(f"/api/v1/datasets/{dataset.slug}/", {}, format="json")

    assert response.status_code == 403


def test_dataset_delete_removes_a_draft(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher)

    response = alice_api.delete(f"/api/v1/datasets/{dataset.slug}/")

    assert response.status_code == 204
    assert not Dataset.objects.filter(pk=dataset.pk).exists()


def test_dataset_delete_withdraws_a_published_dataset(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True)

    response = alice_api.delete(f"/api/v1/datasets/{dataset.slug}/")

    assert response.status_code == 204
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.WITHDRAWN


def test_distribution_create_update_delete(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher)
    concept("file-type", "CSV")

    created = alice_api.post(
        "/api/v1/distributions/",
        {"dataset": dataset.slug, "access_url": "https://example.org/a.csv", "format": "CSV"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/distributions/{created.json()['id']}/"
    assert created.json()["media_type"] == "text/csv"

    patched = alice_api.patch(url, {"title": {"en": "All of it"}}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["title"] == {"en": "All of it"}
    assert patched.json()["access_url"] == "https://example.org/a.csv"

    assert alice_api.delete(url).status_code == 204
    assert not Distribution.objects.exists()


def test_distribution_without_a_location_is_refused(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher)

    response = alice_api.post("/api/v1/distributions/", {"dataset": dataset.slug}, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_distribution_for_another_publishers_dataset_is_refused(bob_api, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True)
    distribution = DistributionFactory(dataset=dataset)

    created = bob_api.post(
        "/api/v1/distributions/",
        {"dataset": dataset.slug, "access_url": "https://example.org/b.csv"},
        format="json",
    )
    deleted = bob_api.delete(f"/api/v1/distributions/{distribution.uuid}/")

    assert created.status_code == 400 and "dataset" in created.json()
    assert deleted.status_code == 403


def test_distribution_cannot_move_to_another_dataset(alice_api, publisher):
    distribution = DistributionFactory(dataset=DatasetFactory(publisher=publisher))
    other = DatasetFactory(publisher=publisher)

    response = alice_api.patch(
        f"/api/v1/distributions/{distribution.uuid}/", {"dataset": other.slug}, format="json"
    )

    assert response.status_code == 400


# Throttling and CORS --------------------------------------------------------------------


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100/min",
            "user": "100/min",
            "write": "100/min",
            **rates,
        },
    }


def test_anonymous_reads_are_throttled_with_retry_after(api, settings):
    _rates(settings, anon="2/min")

    statuses = [api.get("/api/v1/themes/").status_code for _ in range(3)]
    response = api.get("/api/v1/themes/")

    assert statuses == [200, 200, 429]
    assert int(response["Retry-After"]) > 0


def test_writes_are_throttled_per_token(alice, alice_api, publisher, settings):
    _rates(settings, write="1/min")
    dataset = DatasetFactory(publisher=publisher)
    url = f"/api/v1/datasets/{dataset.slug}/"

    first = alice_api.patch(url, {"version": "1"}, format="json")
    second = alice_api.patch(url, {"version": "2"}, format="json")
    other_token = _client_for(alice).patch(url, {"version": "3"}, format="json")

    assert (first.status_code, second.status_code, other_token.status_code) == (200, 429, 200)
    assert "Retry-After" in second
    assert alice_api.get(url).status_code == 200  # reads are not counted as writes


def test_cors_allows_reads_from_any_origin(api):
    response = api.get("/api/v1/datasets/", HTTP_ORIGIN="https://dashboard.example")

    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_allows_get_but_not_writes(api):
    get = api.options(
        "/api/v1/datasets/",
        HTTP_ORIGIN="https://dashboard.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    post = api.options(
        "/api/v1/datasets/",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )

    assert get["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in get["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in post


def test_cors_headers_are_absent_on_writes(alice_api, publisher):
    dataset = DatasetFactory(publisher=publisher)

    response = alice_api.patch(
        f"/api/v1/datasets/{dataset.slug}/", {}, format="json", HTTP_ORIGIN="https://x.example"
    )

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_cors_is_not_enabled_outside_the_api(client):
    PublisherFactory()

    response = client.get("/publishers/", HTTP_ORIGIN="https://x.example")

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/api/v1/datasets/a%0Ab/", "/api/v1/no%0Asuch/thing/"])
def test_api_404s_are_json_even_for_paths_with_a_newline(client, path):
    # schemathesis generates such slugs; the API must not answer them with an HTML page.
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
