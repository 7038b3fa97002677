import json
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import search
from catalog.models import ApiToken, Concept, Dataset, Distribution
from tests.factories import (
    ContactPointFactory,
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


@pytest.fixture
def alice_key(alice):
    return ApiToken.create_for(alice, "ckan")[1]


def _get(client, action, query="", **headers):
    response = client.get(f"/api/3/action/{action}{'?' if query else ''}{query}", **headers)
    return response, response.json()


def _post(client, action, data=None, key=None, **extra):
    headers = {"HTTP_AUTHORIZATION": key} if key else {}
    response = client.post(
        f"/api/3/action/{action}",
        json.dumps(data or {}),
        content_type="application/json",
        **headers,
        **extra,
    )
    return response, response.json()


def _result(client, action, query=""):
    response, body = _get(client, action, query)
    assert response.status_code == 200, body
    assert body["success"] is True
    assert body["help"].startswith("http://testserver/api/3/action/help_show?name=")
    return body["result"]


def _full_dataset(**kwargs):
    dataset = DatasetFactory(
        published=True,
        keywords={"en": ["traffic"], "nl": ["verkeer"]},
        frequency=concept(Concept.Scheme.FREQUENCY, "ANNUAL"),
        temporal_start="2024-01-01",
        **kwargs,
    )
    dataset.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    ContactPointFactory(dataset=dataset)
    DistributionFactory(dataset=dataset)
    return dataset


# Envelope, routing, errors --------------------------------------------------------------


def test_unknown_action_is_a_400(client):
    response, body = _get(client, "no_such_action")

    assert response.status_code == 400
    assert body["success"] is False
    assert "no_such_action" in body["error"]["message"]


def test_both_api_paths_answer_without_redirect(client):
    versioned = client.get("/api/3/action/site_read")
    unversioned = client.get("/api/action/site_read")

    assert versioned.status_code == unversioned.status_code == 200
    assert versioned.json()["result"] is True


def test_not_found_error(client):
    response, body = _get(client, "package_show", "id=missing")

    assert response.status_code == 404
    assert body["error"]["__type"] == "Not Found Error"


def test_validation_error_names_the_field(client):
    response, body = _get(client, "package_show")

    assert response.status_code == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["id"] == ["Missing value"]


def test_search_query_error_for_unknown_parameters(client):
    response, body = _get(client, "package_search", "q=x&colour=red")

    assert response.status_code == 400
    assert body["error"]["__type"] == "Search Query Error"
    assert "colour" in body["error"]["message"]


def test_authorization_error_without_token_on_writes(client):
    response, body = _post(client, "package_create", {"name": "x"})

    assert response.status_code == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_unknown_token_is_an_authorization_error(client):
    response, body = _get(client, "site_read", HTTP_AUTHORIZATION="not-a-token")

    assert response.status_code == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_write_action_needs_post(client, alice_key):
    response, body = _get(client, "package_create", HTTP_AUTHORIZATION=alice_key)

    assert response.status_code == 400
    assert "POST" in body["error"]["message"]


def test_bad_json_body_is_a_400(client):
    response = client.post(
        "/api/3/action/package_search", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["success"] is False


def test_help_show_returns_the_action_help(client):
    assert "(slug) or UUID" in _result(client, "help_show", "name=package_show")


def test_actions_are_csrf_exempt(alice_key, publisher):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    dataset = DatasetFactory(publisher=publisher, published=True)

    response, _body = _post(
        client, "package_patch", {"id": dataset.slug, "version": "2"}, alice_key
    )

    assert response.status_code == 200


def test_session_login_does_not_authenticate_ckan_writes(client, alice, publisher):
    client.force_login(alice)
    dataset = DatasetFactory(publisher=publisher, published=True)

    response, body = _post(client, "package_patch", {"id": dataset.slug, "version": "2"})

    assert response.status_code == 403


def test_ckan_reads_are_throttled(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "1/min", "write": "1/min"},
    }

    first = client.get("/api/3/action/site_read")
    second = client.get("/api/3/action/site_read")

    assert (first.status_code, second.status_code) == (200, 429)
    assert int(second["Retry-After"]) > 0


def test_ckan_cors_allows_get_only(client):
    response = client.get("/api/3/action/site_read", HTTP_ORIGIN="https://x.example")
    preflight = client.options(
        "/api/3/action/package_create",
        HTTP_ORIGIN="https://x.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in preflight


# Read actions ---------------------------------------------------------------------------


def test_status_show(client):
    result = _result(client, "status_show")

    assert result["ckan_version"].startswith("2.")
    assert result["site_url"] == "http://127.0.0.1:8000" or result["site_url"]


def test_package_list_has_published_names_with_limit_and_offset(client):
    for slug in ("c", "a", "b"):
        DatasetFactory(published=True, slug=slug)
    DatasetFactory(slug="draft")

    assert _result(client, "package_list") == ["a", "b", "c"]
    assert _result(client, "package_list", "limit=1&offset=1") == ["b"]


def test_package_show_by_name_or_uuid_in_ckan_shape(client):
    dataset = _full_dataset()

    by_name = _result(client, "package_show", f"id={dataset.slug}")
    by_id = _result(client, "package_show", f"id={dataset.uuid}")

    assert by_name == by_id
    assert by_name["id"] == str(dataset.uuid) and by_name["name"] == dataset.slug
    assert by_name["title"] == dataset.title["nl"]
    assert by_name["title_translated"] == dataset.title
    assert by_name["notes_translated"] == dataset.description
    assert by_name["license_id"] == "CC-BY-4.0" and by_name["isopen"] is True
    assert by_name["state"] == "active" and by_name["private"] is False
    assert by_name["owner_org"] == dataset.publisher.slug
    assert by_name["organization"]["name"] == dataset.publisher.slug
    assert [g["name"] for g in by_name["groups"]] == ["tran"]
    assert {t["name"] for t in by_name["tags"]} == {"traffic", "verkeer"}
    assert by_name["num_tags"] == 2
    extras = {e["key"]: e["value"] for e in by_name["extras"]}
    assert extras["uri"] == dataset.uri
    assert extras["temporal_start"] == "2024-01-01"
    assert extras["frequency"].endswith("/frequency/ANNUAL")
    assert json.loads(extras["language"])[0].endswith("/language/NLD")
    assert extras["contact_email"] == "datadesk@example.org"
    resource = by_name["resources"][0]
    assert resource["package_id"] == str(dataset.uuid)
    assert resource["format"] == "CSV" and resource["mimetype"] == "text/csv"
    assert {"id", "url", "size", "hash", "position", "created", "last_modified"} <= set(resource)
    assert by_name["num_resources"] == 1
    assert "T" in by_name["metadata_created"] and "T" in by_name["metadata_modified"]


def test_package_show_hides_drafts_without_the_right_token(client, bob, alice_key, publisher):
    draft = DatasetFactory(publisher=publisher)
    bob_key = ApiToken.create_for(bob, "x")[1]

    anonymous, _ = _get(client, "package_show", f"id={draft.slug}")
    other, _ = _get(client, "package_show", f"id={draft.slug}", HTTP_AUTHORIZATION=bob_key)
    member, body = _get(client, "package_show", f"id={draft.slug}", HTTP_X_CKAN_API_KEY=alice_key)

    assert anonymous.status_code == other.status_code == 404
    assert member.status_code == 200
    assert body["result"]["state"] == "draft" and body["result"]["private"] is True


def test_resource_show(client):
    distribution = DistributionFactory(dataset=DatasetFactory(published=True))
    hidden = DistributionFactory(dataset=DatasetFactory())

    result = _result(client, "resource_show", f"id={distribution.uuid}")
    response, _ = _get(client, "resource_show", f"id={hidden.uuid}")

    assert result["id"] == str(distribution.uuid)
    assert result["url"] == distribution.access_url
    assert response.status_code == 404


def test_package_search_counts_pages_and_sorts(client):
    for slug in ("a", "b", "c"):
        DatasetFactory(published=True, slug=slug)
    DatasetFactory(slug="draft")

    first = _result(client, "package_search", "rows=2&sort=name asc")
    second = _result(client, "package_search", "rows=2&start=2&sort=name asc")

    assert first["count"] == 3
    assert [p["name"] for p in first["results"]] == ["a", "b"]
    assert [p["name"] for p in second["results"]] == ["c"]
    assert first["sort"] == "name asc"


def test_package_search_defaults_to_ten_rows_and_caps_at_1000(client):
    for _ in range(11):
        DatasetFactory(published=True)

    assert len(_result(client, "package_search")["results"]) == 10
    assert len(_result(client, "package_search", "rows=5000")["results"]) == 11


def test_package_search_q_uses_the_portal_search(client):
    wanted = DatasetFactory(published=True, title={"en": "Bicycle counts"})
    DatasetFactory(published=True, title={"en": "School budgets"})
    search.index_datasets(Dataset.objects.values_list("pk", flat=True))

    result = _result(client, "package_search", "q=bicycle")

    assert [p["name"] for p in result["results"]] == [wanted.slug]


@pytest.mark.parametrize(
    "fq",
    [
        "organization:gemeente-utrecht",
        'tags:"verkeer"',
        "res_format:JSON",
        "license_id:CC0-1.0",
        "groups:envi",
        "+organization:gemeente-utrecht +groups:envi",
    ],
)
def test_package_search_fq_filters(client, publisher, fq):
    wanted = DatasetFactory(
        published=True,
        publisher=publisher,
        keywords={"nl": ["verkeer"]},
        themes=[concept("theme", "ENVI")],
        licence=LicenceFactory(
            code="CC0-1.0", uri="http://creativecommons.org/publicdomain/zero/1.0/"
        ),
    )
    DistributionFactory(dataset=wanted, format=concept("file-type", "JSON"))
    DistributionFactory(dataset=DatasetFactory(published=True))

    result = _result(client, "package_search", f"fq={fq}")

    assert [p["name"] for p in result["results"]] == [wanted.slug]


def test_package_search_fq_metadata_modified_range(client):
    DatasetFactory(published=True)

    inside = _result(client, "package_search", "fq=metadata_modified:[2000-01-01T00:00:00Z TO *]")
    outside = _result(client, "package_search", "fq=metadata_modified:[* TO 2000-01-01]")

    assert inside["count"] == 1 and outside["count"] == 0


@pytest.mark.parametrize(
    "query",
    ["fq=colour:red", "sort=colour asc", "fq=metadata_modified:yesterday", "facet.field=colour"],
)
def test_package_search_bad_query_is_a_search_query_error(client, query):
    response, body = _get(client, "package_search", query)

    assert response.status_code == 400
    assert body["error"]["__type"] == "Search Query Error"


def test_package_search_bad_rows_is_a_validation_error(client):
    response, body = _get(client, "package_search", "rows=many")

    assert response.status_code == 409
    assert "rows" in body["error"]


def test_package_search_facets_accept_json_encoded_fields(client, publisher):
    DatasetFactory(published=True, publisher=publisher, keywords={"nl": ["verkeer"]})
    DatasetFactory(published=True, publisher=publisher, keywords={"nl": ["verkeer", "fiets"]})

    result = _result(
        client,
        "package_search",
        'facet.field=["organization","tags","groups","res_format","license_id"]&facet.limit=1',
    )

    assert result["facets"]["organization"] == {"gemeente-utrecht": 2}
    assert result["facets"]["tags"] == {"verkeer": 2}
    assert result["search_facets"]["organization"]["items"][0] == {
        "name": "gemeente-utrecht",
        "display_name": "Utrecht",
        "count": 2,
    }
    assert result["facets"]["groups"] == {"tran": 2}


def test_package_search_repeated_facet_fields_and_mincount(client):
    DatasetFactory(published=True, keywords={"nl": ["verkeer"]})
    DatasetFactory(published=True, keywords={"nl": ["verkeer", "fiets"]})

    result = _result(
        client, "package_search", "facet.field=tags&facet.field=groups&facet.mincount=2"
    )

    assert result["facets"]["tags"] == {"verkeer": 2}
    assert set(result["facets"]) == {"tags", "groups"}


def test_package_search_include_private_for_members_only(client, alice_key, publisher):
    DatasetFactory(publisher=publisher)  # draft
    DatasetFactory(published=True)

    anonymous = _result(client, "package_search", "include_private=true")
    response, member = _get(
        client, "package_search", "include_private=true", HTTP_AUTHORIZATION=alice_key
    )
    without_flag, _ = _get(client, "package_search", HTTP_AUTHORIZATION=alice_key)

    assert anonymous["count"] == 1
    assert member["result"]["count"] == 2
    assert without_flag.json()["result"]["count"] == 1


def test_package_search_query_count_does_not_grow_with_rows(client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _result(client, "package_search", 'rows=100&facet.field=["tags","organization"]')
        return len(queries)

    _full_dataset()
    few = count()
    for _ in range(4):
        _full_dataset()

    assert count() == few


def test_package_search_by_post_json(client):
    DatasetFactory(published=True, slug="a")

    response, body = _post(client, "package_search", {"rows": 1, "facet.field": ["tags"]})

    assert response.status_code == 200
    assert body["result"]["count"] == 1


def test_organization_list_and_show(client, publisher):
    PublisherFactory(slug="aa-first")
    DatasetFactory(published=True, publisher=publisher)
    DatasetFactory(publisher=publisher)  # draft: not counted

    names = _result(client, "organization_list")
    full = _result(client, "organization_list", "all_fields=true&sort=package_count desc")
    limited = _result(client, "organization_list", "limit=1&offset=1")
    shown = _result(client, "organization_show", "id=gemeente-utrecht&include_datasets=true")

    assert names == ["aa-first", "gemeente-utrecht"]
    assert full[0]["name"] == "gemeente-utrecht" and full[0]["package_count"] == 1
    assert limited == ["gemeente-utrecht"]
    assert shown["package_count"] == 1 and len(shown["packages"]) == 1
    assert _get(client, "organization_show", "id=nope")[0].status_code == 404


def test_organization_list_query_count_does_not_grow(client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _result(client, "organization_list", "all_fields=true")
        return len(queries)

    PublisherFactory()
    few = count()
    for _ in range(4):
        DatasetFactory(published=True)
    assert count() == few


@pytest.mark.parametrize(
    "action, query",
    [
        ("package_list", ""),
        ("group_list", "all_fields=true"),
        ("tag_list", "all_fields=true"),
        ("license_list", ""),
        ("format_autocomplete", "q=c"),
        ("organization_show", "id=gemeente-utrecht&include_datasets=true"),
        ("group_show", "id=tran&include_datasets=true"),
    ],
)
def test_list_actions_query_count_does_not_grow(client, publisher, action, query):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _result(client, action, query)
        return len(queries)

    _full_dataset(publisher=publisher)
    few = count()
    for _ in range(4):
        _full_dataset(
            publisher=publisher, licence=LicenceFactory(code=f"L{_}", uri=f"http://l/{_}")
        )

    assert count() == few


def test_group_list_and_show_are_themes(client):
    DatasetFactory(published=True, themes=[concept("theme", "TRAN")])

    names = _result(client, "group_list")
    full = _result(client, "group_list", "all_fields=true&sort=package_count desc&limit=1")
    shown = _result(client, "group_show", "id=tran&include_datasets=true")

    assert "tran" in names
    assert full[0]["name"] == "tran" and full[0]["package_count"] == 1
    assert shown["package_count"] == 1 and len(shown["packages"]) == 1


def test_tag_list_with_query(client):
    DatasetFactory(published=True, keywords={"nl": ["verkeer", "fiets"]})
    DatasetFactory(keywords={"nl": ["geheim"]})  # draft

    assert _result(client, "tag_list") == ["fiets", "verkeer"]
    assert _result(client, "tag_list", "query=ver") == ["verkeer"]


def test_license_list_in_ckan_shape(client):
    LicenceFactory()

    licences = _result(client, "license_list")

    by_id = {licence["id"]: licence for licence in licences}
    assert by_id["CC-BY-4.0"]["od_conformance"] == "approved"
    assert {"title", "url", "osd_conformance", "status", "is_okd_compliant"} <= set(
        by_id["CC-BY-4.0"]
    )


def test_format_autocomplete(client):
    DistributionFactory(dataset=DatasetFactory(published=True))

    assert _result(client, "format_autocomplete", "q=cs") == ["csv"]


# Write actions --------------------------------------------------------------------------


def _package(**overrides):
    concept("theme", "TRAN")
    LicenceFactory()
    concept("file-type", "CSV")
    return {
        "name": "parkeerplaatsen",
        "title": "Parkeerplaatsen",
        "title_translated": {"nl": "Parkeerplaatsen", "en": "Parking places"},
        "notes": "Alle parkeerplaatsen.",
        "owner_org": "gemeente-utrecht",
        "license_id": "cc-by-4.0",
        "groups": [{"name": "tran"}],
        "tags": [{"name": "parkeren"}],
        "extras": [
            {"key": "temporal_start", "value": "2024-01-01"},
            {"key": "contact_email", "value": "parkeren@example.org"},
            {"key": "contact_name", "value": "Parkeerbeheer"},
        ],
        "resources": [{"url": "https://example.org/p.csv", "format": "CSV", "name": "Alles"}],
        **overrides,
    }


def test_package_create(client, alice_key):
    response, body = _post(client, "package_create", _package(), alice_key)

    assert response.status_code == 200, body
    result = body["result"]
    assert result["name"] == "parkeerplaatsen" and result["state"] == "active"
    assert result["title_translated"] == {"nl": "Parkeerplaatsen", "en": "Parking places"}
    assert result["resources"][0]["format"] == "CSV"
    dataset = Dataset.objects.get(slug="parkeerplaatsen")
    assert dataset.published_at is not None
    assert dataset.temporal_start.isoformat() == "2024-01-01"
    assert dataset.contact_points.get().email == "parkeren@example.org"


def test_package_create_private_makes_a_draft(client, alice_key):
    _post(client, "package_create", _package(private=True), alice_key)

    assert Dataset.objects.get().status == Dataset.Status.DRAFT


def test_package_create_validation_errors_use_ckan_keys(client, alice_key):
    response, body = _post(
        client,
        "package_create",
        _package(title="", title_translated=None, groups=[{"name": "nope"}]),
        alice_key,
    )

    assert response.status_code == 409
    assert {"title", "groups"} <= set(body["error"])
    assert not Dataset.objects.exists()


def test_package_create_rolls_back_when_a_resource_is_invalid(client, alice_key):
    response, body = _post(
        client, "package_create", _package(resources=[{"name": "nowhere"}]), alice_key
    )

    assert response.status_code == 409
    assert body["error"]["resources"][0]
    assert not Dataset.objects.exists()


def test_package_create_refuses_unknown_extras(client, alice_key):
    response, body = _post(
        client, "package_create", _package(extras=[{"key": "colour", "value": "red"}]), alice_key
    )

    assert response.status_code == 409
    assert "colour" in body["error"]["extras"][0]


def test_package_create_for_another_publisher_is_an_authorization_error(
    client, alice_key, other_publisher
):
    response, _body = _post(
        client, "package_create", _package(owner_org=other_publisher.slug), alice_key
    )

    assert response.status_code == 403


def test_package_update_replaces_but_keeps_omitted_resources(client, alice_key, publisher):
    dataset = _full_dataset(publisher=publisher, version="1")
    update = {
        "id": dataset.slug,
        "title": "Nieuw",
        "notes": "Nieuwe beschrijving",
        "groups": [{"name": "tran"}],
        "owner_org": publisher.slug,
    }

    response, body = _post(client, "package_update", update, alice_key)

    assert response.status_code == 200, body
    dataset.refresh_from_db()
    assert dataset.title == {"nl": "Nieuw"}
    assert dataset.version == "" and dataset.licence is None
    assert dataset.distributions.count() == 1


def test_package_update_with_resources_replaces_them(client, alice_key, publisher):
    dataset = _full_dataset(publisher=publisher)
    kept = dataset.distributions.get()
    package = _result(client, "package_show", f"id={dataset.slug}")
    package["resources"] = [
        {**package["resources"][0], "name": "Renamed"},
        {"url": "https://example.org/new.csv", "format": "csv"},
    ]
    package["extras"] = [e for e in package["extras"] if e["key"] != "spatial"]

    response, body = _post(client, "package_update", package, alice_key)

    assert response.status_code == 200, body
    names = [r["name"] for r in body["result"]["resources"]]
    assert names[0] == "Renamed" and len(names) == 2
    assert body["result"]["resources"][0]["id"] == str(kept.uuid)


def test_package_patch_changes_only_given_fields(client, alice_key, publisher):
    dataset = _full_dataset(publisher=publisher, version="1")

    response, body = _post(client, "package_patch", {"id": dataset.slug, "version": "2"}, alice_key)

    assert response.status_code == 200, body
    dataset.refresh_from_db()
    assert dataset.version == "2"
    assert dataset.licence is not None and dataset.keywords.count() == 2
    assert dataset.title["en"]


def test_package_patch_of_another_publisher_is_an_authorization_error(client, bob, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True)
    key = ApiToken.create_for(bob, "x")[1]

    response, body = _post(client, "package_patch", {"id": dataset.slug, "version": "2"}, key)

    assert response.status_code == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_package_delete_withdraws(client, alice_key, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True)

    response, body = _post(client, "package_delete", {"id": str(dataset.uuid)}, alice_key)

    assert response.status_code == 200 and body["result"] is None
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.WITHDRAWN
    assert _get(client, "package_show", f"id={dataset.slug}")[0].status_code == 404


def test_resource_create_update_patch_delete(client, alice_key, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True)
    concept("file-type", "CSV")

    response, created = _post(
        client,
        "resource_create",
        {"package_id": dataset.slug, "url": "https://example.org/a.csv", "format": "csv"},
        alice_key,
    )
    assert response.status_code == 200, created
    resource_id = created["result"]["id"]

    response, updated = _post(
        client,
        "resource_update",
        {"id": resource_id, "url": "https://example.org/b.csv", "name": "B"},
        alice_key,
    )
    assert response.status_code == 200, updated
    assert updated["result"]["url"] == "https://example.org/b.csv"
    assert updated["result"]["format"] == ""  # replaced: left out means cleared

    _post(client, "resource_patch", {"id": resource_id, "format": "CSV"}, alice_key)
    assert Distribution.objects.get().format.code == "CSV"
    assert Distribution.objects.get().title == {"nl": "B"}

    response, deleted = _post(client, "resource_delete", {"id": resource_id}, alice_key)
    assert response.status_code == 200 and deleted["result"] is None
    assert not Distribution.objects.exists()


def test_resource_create_with_an_upload(client, alice_key, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True)
    upload = SimpleUploadedFile("counts.csv", b"a,b\n1,2\n", content_type="text/csv")

    response = client.post(
        "/api/3/action/resource_create",
        {"package_id": dataset.slug, "name": "Counts", "upload": upload},
        HTTP_AUTHORIZATION=alice_key,
    )

    assert response.status_code == 200, response.json()
    distribution = Distribution.objects.get()
    assert distribution.byte_size == 8 and len(distribution.checksum) == 64
    assert response.json()["result"]["url_type"] == "upload"


def test_resource_write_on_another_publisher_is_refused(client, bob, publisher):
    distribution = DistributionFactory(dataset=DatasetFactory(publisher=publisher, published=True))
    key = ApiToken.create_for(bob, "x")[1]

    response, _ = _post(client, "resource_delete", {"id": str(distribution.uuid)}, key)
    missing, _ = _post(client, "resource_delete", {"id": str(uuid.uuid4())}, key)

    assert response.status_code == 403
    assert missing.status_code == 404
    assert Distribution.objects.exists()
