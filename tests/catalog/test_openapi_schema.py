"""The OpenAPI schema is served, documented locally, and accurate: schemathesis finds no
server error and no response that contradicts it."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from catalog.models import Concept, Dataset
from portal.wsgi import application
from tests.factories import (
    ContactPointFactory,
    DataServiceFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    concept,
)

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def _wsgi_keeps_the_test_connection():
    # Called through the WSGI application (not Django's test client), a request would close
    # the test transaction's connection on PostgreSQL; the test client disconnects this too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def catalogue(db, settings, _wsgi_keeps_the_test_connection):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "write": None},
    }
    cache.clear()
    LicenceFactory()
    dataset = DatasetFactory(
        published=True,
        slug="trees",
        keywords={"nl": ["bomen"]},
        frequency=concept(Concept.Scheme.FREQUENCY, "ANNUAL"),
        temporal_start="2020-01-01",
        bbox_west=4.0, bbox_south=52.0, bbox_east=5.0, bbox_north=53.0,
    )  # fmt: skip
    ContactPointFactory(dataset=dataset)
    DistributionFactory(dataset=dataset)
    service = DataServiceFactory(status=Dataset.Status.PUBLISHED, slug="trees-api")
    service.serves_datasets.set([dataset])
    return dataset


# Loaded through the WSGI application itself: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def api_schema(catalogue):
    return schema


@schema.parametrize()
@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
def test_api_conforms_to_its_schema(case, catalogue):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.parametrize(
    "template, parameters",
    [
        ("/api/v1/datasets/", {}),
        ("/api/v1/datasets/{slug}/", {"slug": "trees"}),
        ("/api/v1/distributions/", {}),
        ("/api/v1/publishers/", {}),
        ("/api/v1/data-services/", {}),
        ("/api/v1/data-services/{slug}/", {"slug": "trees-api"}),
        ("/api/v1/licences/", {}),
        ("/api/v1/formats/", {}),
        ("/api/v1/themes/{code}/", {"code": "TRAN"}),
    ],
)
def test_real_responses_match_the_schema(api_schema, template, parameters):
    case = api_schema[template]["GET"].Case(path_parameters=parameters)

    response = case.call_and_validate(checks=CHECKS)

    assert response.status_code == 200
    assert response.json().get("count", 1) >= 1


def test_schema_is_openapi_3_and_documents_token_auth(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    body = response.json()
    assert body["openapi"].startswith("3.")
    assert body["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    dataset_list = body["paths"]["/api/v1/datasets/"]["get"]
    names = {parameter["name"] for parameter in dataset_list["parameters"]}
    assert {"q", "theme", "publisher", "format", "sort", "page", "page_size"} <= names


def test_docs_page_is_served_without_a_cdn(client, db):
    response = client.get("/api/v1/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
