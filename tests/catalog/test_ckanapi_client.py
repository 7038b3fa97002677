"""The real `ckanapi` client against the live test server: what CKAN users' scripts do."""

import ckanapi
import pytest
from django.core.cache import cache

from catalog.models import ApiToken, Dataset
from tests.factories import DatasetFactory, LicenceFactory, concept

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


@pytest.fixture
def anonymous(live_server):
    return ckanapi.RemoteCKAN(live_server.url, user_agent="datakring-tests")


@pytest.fixture
def alice_ckan(live_server, alice):
    key = ApiToken.create_for(alice, "ckanapi")[1]
    return ckanapi.RemoteCKAN(live_server.url, apikey=key, user_agent="datakring-tests")


def test_package_search_pages_through_the_whole_catalogue(anonymous, publisher):
    published = {DatasetFactory(published=True, publisher=publisher).slug for _ in range(23)}
    DatasetFactory(publisher=publisher)  # a draft: never listed

    seen, start = [], 0
    while True:
        page = anonymous.action.package_search(rows=10, start=start, sort="name asc")
        seen += [package["name"] for package in page["results"]]
        start += 10
        if start >= page["count"]:
            break

    assert page["count"] == 23
    assert sorted(seen) == sorted(published)


def test_package_show_organization_list_license_list_status_show(anonymous, publisher):
    dataset = DatasetFactory(published=True, publisher=publisher)
    LicenceFactory()

    package = anonymous.action.package_show(id=dataset.slug)
    organizations = anonymous.action.organization_list(all_fields=True)
    licences = anonymous.action.license_list()
    status = anonymous.action.status_show()

    assert package["id"] == str(dataset.uuid)
    assert [org["name"] for org in organizations] == [publisher.slug]
    assert "CC-BY-4.0" in [licence["id"] for licence in licences]
    assert status["ckan_version"].startswith("2.")


def test_package_show_of_a_missing_dataset_raises_not_found(anonymous):
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id="missing")


def test_create_patch_delete_with_a_token(alice_ckan, publisher):
    concept("theme", "TRAN")

    created = alice_ckan.action.package_create(
        name="fietstellingen",
        title="Fietstellingen",
        notes="Tellingen van fietsers.",
        owner_org=publisher.slug,
        groups=[{"name": "tran"}],
        resources=[{"url": "https://example.org/fiets.csv", "name": "Tellingen"}],
    )
    patched = alice_ckan.action.package_patch(id=created["id"], version="2.0")
    alice_ckan.action.package_delete(id=created["id"])

    assert created["name"] == "fietstellingen" and created["num_resources"] == 1
    assert patched["version"] == "2.0" and patched["title"] == "Fietstellingen"
    assert Dataset.objects.get(slug="fietstellingen").status == Dataset.Status.WITHDRAWN


def test_validation_errors_raise_validation_error(alice_ckan, publisher):
    with pytest.raises(ckanapi.ValidationError) as error:
        alice_ckan.action.package_create(name="x", owner_org=publisher.slug)

    assert "title" in error.value.error_dict


def test_writes_without_a_token_raise_not_authorized(anonymous, publisher):
    dataset = DatasetFactory(published=True, publisher=publisher)

    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(name="x", title="X", owner_org=publisher.slug)
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_patch(id=dataset.slug, version="9")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_delete(id=dataset.slug)

    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.PUBLISHED and dataset.version == ""


def test_search_query_errors_raise_search_query_error(anonymous):
    with pytest.raises(ckanapi.SearchQueryError):
        anonymous.action.package_search(fq="colour:red")
