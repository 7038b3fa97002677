"""DCAT-AP conformance: the RDF the portal serves, checked with the shared SHACL validator
(../shared/tools/dcat-validate: the official DCAT-AP 3.0.1 and DCAT-AP-NL 3.0 shapes)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.models import Dataset
from tests.catalog.test_conditions import _policy_dataset
from tests.catalog.test_dcat_export import make_rich_dataset
from tests.factories import (
    ContactPointFactory,
    DataServiceFactory,
    DatasetFactory,
    DistributionFactory,
    PublisherFactory,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
VALIDATOR = SHARED / "tools" / "dcat-validate"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not VALIDATOR.exists(),
        reason=f"the DCAT-AP validator is not here: {VALIDATOR} (a checkout without ../shared)",
    ),
]


def validate(client, tmp_path, url, *, profile="dcat-ap-3", level="full") -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    suffix = url.split("?")[0].rsplit(".", 1)[-1]
    document = tmp_path / f"document.{suffix}"
    document.write_bytes(response.getvalue())
    result = subprocess.run(
        [
            sys.executable,
            str(VALIDATOR),
            "--json",
            "--profile",
            profile,
            "--level",
            level,
            str(document),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def violations(report: dict) -> list[str]:
    return [
        f"{group['count']}x {group['source_shape']} {group['path']} "
        f"e.g. {group['example_focus_node']}: {group['message']}"
        for group in report["groups"]
        if group["severity"] == "Violation"
    ]


@pytest.mark.parametrize("suffix", ["ttl", "jsonld", "rdf"])
def test_rich_dataset_conforms_to_dcat_ap_3_full(client, tmp_path, suffix):
    dataset = make_rich_dataset()

    report = validate(client, tmp_path, f"/datasets/{dataset.slug}.{suffix}")

    assert report["conforms"], violations(report)
    assert report["counts"]["Violation"] == 0


def test_minimal_dataset_conforms_to_dcat_ap_3_full(client, tmp_path):
    dataset = DatasetFactory(published=True, licence=None, access_rights=None)
    DistributionFactory(dataset=dataset, format=None, media_type="", download_url="")

    report = validate(client, tmp_path, f"/datasets/{dataset.slug}.ttl")

    assert report["conforms"], violations(report)


def test_rich_dataset_conforms_to_dcat_ap_nl_base(client, tmp_path):
    dataset = make_rich_dataset()

    report = validate(
        client, tmp_path, f"/datasets/{dataset.slug}.ttl", profile="dcat-ap-nl", level="base"
    )

    assert report["conforms"], violations(report)


def _nl_complete_dataset(**overrides):
    """The least a publisher fills in for DCAT-AP-NL (README: "DCAT-AP-NL")."""
    fields = dict(published=True, creator=PublisherFactory(), **overrides)
    dataset = DatasetFactory(**fields)  # title, description, theme, access rights, licence
    ContactPointFactory(dataset=dataset)
    DistributionFactory(dataset=dataset)
    return dataset


def test_dataset_with_the_nl_fields_conforms_to_dcat_ap_nl_base(client, tmp_path):
    dataset = _nl_complete_dataset()

    report = validate(
        client, tmp_path, f"/datasets/{dataset.slug}.ttl", profile="dcat-ap-nl", level="base"
    )

    assert report["conforms"], violations(report)


def test_dcat_ap_nl_asks_for_creator_contact_point_and_access_rights(client, tmp_path):
    dataset = DatasetFactory(published=True, access_rights=None)

    report = validate(
        client, tmp_path, f"/datasets/{dataset.slug}.ttl", profile="dcat-ap-nl", level="base"
    )

    missing = {group["path"] for group in report["groups"] if group["severity"] == "Violation"}
    assert missing == {"dct:creator", "dcat:contactPoint", "dct:accessRights"}


def test_catalogue_page_conforms_to_dcat_ap_3_full(client, tmp_path):
    make_rich_dataset()
    DatasetFactory.create_batch(3, published=True)
    DatasetFactory()  # a draft, left out
    DataServiceFactory(slug="idle-api")

    report = validate(client, tmp_path, "/catalog.ttl?page_size=3")

    assert report["conforms"], violations(report)


def test_filtered_catalogue_page_conforms_to_dcat_ap_3_full(client, tmp_path):
    rich = make_rich_dataset()

    report = validate(client, tmp_path, f"/catalog.nt?publisher={rich.publisher.slug}")

    assert report["conforms"], violations(report)


def test_data_service_and_publisher_documents_conform(client, tmp_path):
    rich = make_rich_dataset()

    for url in ("/data-services/lucht-api.ttl", f"/publishers/{rich.publisher.slug}.ttl"):
        report = validate(client, tmp_path, url)
        assert report["conforms"], (url, violations(report))


def test_harvested_text_with_odd_characters_conforms(client, tmp_path):
    dataset = DatasetFactory(
        published=True,
        status=Dataset.Status.PUBLISHED,
        title={"nl": 'Titel met "aanhalingstekens" & <tags>', "x-klingon": "tlhIngan", "": "?"},
        description={"en": "Line one\nline two\\ and a control \x07 character"},
        landing_page="https://example.org/page with spaces/",
    )

    report = validate(client, tmp_path, f"/datasets/{dataset.slug}.rdf")

    assert report["conforms"], violations(report)


@pytest.mark.parametrize("suffix", ["ttl", "jsonld"])
def test_dataset_with_a_full_usage_policy_conforms_to_dcat_ap_3_full(client, tmp_path, suffix):
    # Rights statement and holder, applicable legislation, per-distribution access rights
    # and ODRL policies with every kind of rule and constraint (catalog.conditions).
    dataset = _policy_dataset()

    report = validate(client, tmp_path, f"/datasets/{dataset.slug}.{suffix}")

    assert report["conforms"], violations(report)
    assert report["counts"]["Violation"] == 0
