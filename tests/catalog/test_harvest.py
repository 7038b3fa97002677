import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from catalog import harvest as harvesting
from catalog.harvest import harvest
from catalog.models import (
    Concept,
    Dataset,
    HarvestRun,
    HarvestSource,
    Licence,
    Publisher,
)
from catalog.tasks import harvest_due_sources
from tests.factories import DatasetFactory, PublisherFactory, concept
from tests.localserver import LocalServer

pytestmark = pytest.mark.django_db

EU = "http://publications.europa.eu/resource/authority"
PREFIXES = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dc: <http://purl.org/dc/elements/1.1/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix ex: <http://example.org/ns#> .
"""


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English, whatever an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def server():
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def source(server, publisher):
    return HarvestSource.objects.create(
        name="Open data Utrecht",
        slug="utrecht",
        url=server.url("/catalog.ttl"),
        publisher=publisher,
    )


def dataset_ttl(key: str, title: str = "", *, extra: str = "") -> str:
    title = title or f"Dataset {key}"
    return f"""
<http://example.org/datasets/{key}> a dcat:Dataset ;
    dct:identifier "{key}" ;
    dct:title "{title}"@nl, "{title} (en)"@en ;
    dct:description "About {key}."@en ;
    dcat:theme <{EU}/data-theme/ENVI> ;
    dcat:distribution <http://example.org/datasets/{key}/csv> {extra}.
<http://example.org/datasets/{key}/csv> a dcat:Distribution ;
    dcat:accessURL <http://files.example.org/{key}.csv> ;
    dct:format <{EU}/file-type/CSV> .
"""


def catalogue(*datasets: str, next_page: str = "", legacy: bool = False) -> str:
    paging = ""
    if next_page:
        predicate = "hydra:nextPage" if legacy else "hydra:next"
        paging = f"<http://example.org/catalog?page=x> {predicate} <{next_page}> .\n"
    return PREFIXES + paging + "".join(datasets)


# Creating, updating, withdrawing ---------------------------------------------------------


def test_harvest_creates_published_datasets_that_remember_their_source(server, source, publisher):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a", "Air quality"), dataset_ttl("b")))

    run = harvest(source)

    assert (run.status, run.created, run.failed) == (HarvestRun.Status.SUCCEEDED, 2, 0)
    dataset = Dataset.objects.get(identifier="a")
    assert dataset.status == Dataset.Status.PUBLISHED
    assert dataset.published_at is not None
    assert dataset.harvest_source == source
    assert dataset.publisher == publisher
    assert dataset.uri == "http://example.org/datasets/a"
    assert dataset.slug == "air-quality"
    assert dataset.title == {"nl": "Air quality", "en": "Air quality (en)"}
    assert [t.code for t in dataset.themes.all()] == ["ENVI"]
    distribution = dataset.distributions.get()
    assert distribution.access_url == "http://files.example.org/a.csv"
    assert distribution.format.code == "CSV"
    assert run.finished_at >= run.started_at


def test_harvested_datasets_are_scored_for_quality(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a", "Air quality"), dataset_ttl("b")))

    harvest(source)

    # Harvests write in bulk, without signals: the harvest scores what it wrote.
    scores = {d.identifier: d.quality.score for d in Dataset.objects.select_related("quality")}
    assert set(scores) == {"a", "b"}
    assert all(score > 0 for score in scores.values())


def test_harvest_gives_unique_slugs(server, source):
    DatasetFactory(slug="same-title")
    server.add(
        "/catalog.ttl", catalogue(dataset_ttl("a", "Same title"), dataset_ttl("b", "Same title"))
    )

    harvest(source)

    slugs = set(Dataset.objects.filter(harvest_source=source).values_list("slug", flat=True))
    assert slugs == {"same-title-2", "same-title-3"}


def test_harvest_counts_updated_unchanged_and_withdrawn(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("b"), dataset_ttl("c")))
    harvest(source)
    unchanged_before = Dataset.objects.get(identifier="b").updated_at
    server.add(
        "/catalog.ttl",
        catalogue(dataset_ttl("a", "New title"), dataset_ttl("b"), dataset_ttl("d")),
    )

    run = harvest(source)

    assert (run.created, run.updated, run.unchanged, run.withdrawn, run.failed) == (1, 1, 1, 1, 0)
    assert Dataset.objects.get(identifier="a").title["nl"] == "New title"
    assert Dataset.objects.get(identifier="b").updated_at == unchanged_before
    assert Dataset.objects.get(identifier="c").status == Dataset.Status.WITHDRAWN
    assert Dataset.objects.filter(harvest_source=source).count() == 4


def test_harvest_keeps_distribution_identity_on_update(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))
    harvest(source)
    before = Dataset.objects.get(identifier="a").distributions.get().uuid
    server.add("/catalog.ttl", catalogue(dataset_ttl("a", "Renamed")))

    harvest(source)

    assert Dataset.objects.get(identifier="a").distributions.get().uuid == before


def test_harvest_republishes_a_dataset_that_came_back(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("b")))
    harvest(source)
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))
    harvest(source)
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("b")))

    run = harvest(source)

    assert (run.updated, run.unchanged) == (1, 1)
    assert Dataset.objects.get(identifier="b").status == Dataset.Status.PUBLISHED


def test_harvest_matches_blank_node_datasets_on_identifier(server, source):
    document = (
        PREFIXES
        + """
        [] a dcat:Dataset ; dct:identifier "no-iri" ; dct:title "Without IRI"@en .
    """
    )
    server.add("/catalog.ttl", document)
    harvest(source)
    server.add("/catalog.ttl", document.replace("Without IRI", "Still without IRI"))

    run = harvest(source)

    assert (run.created, run.updated) == (0, 1)
    dataset = Dataset.objects.get(identifier="no-iri")
    assert dataset.title == {"en": "Still without IRI"}
    # Without a source IRI the dataset gets the portal's own URI.
    assert dataset.uri.endswith(f"/datasets/{dataset.slug}/")


def test_harvest_never_takes_over_a_dataset_from_elsewhere(server, source):
    local = DatasetFactory(uri="http://example.org/datasets/a", published=True)
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("b")))

    run = harvest(source)

    assert (run.created, run.failed) == (1, 1)
    assert "has this URI" in run.failures.get().reason
    local.refresh_from_db()
    assert local.harvest_source is None
    assert Dataset.objects.filter(uri="http://example.org/datasets/a").count() == 1


def test_harvest_does_not_duplicate_a_dataset_listed_twice(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("a")))

    run = harvest(source)

    assert run.created == 1
    assert Dataset.objects.filter(identifier="a").count() == 1


# Paging and limits ------------------------------------------------------------------------


def test_harvest_follows_hydra_next_and_legacy_next_page(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), next_page=server.url("/page2.ttl")))
    server.add(
        "/page2.ttl", catalogue(dataset_ttl("b"), next_page="/page3.ttl", legacy=True)
    )  # a relative next page
    server.add("/page3.ttl", catalogue(dataset_ttl("c")))

    run = harvest(source)

    assert (run.status, run.pages, run.created) == (HarvestRun.Status.SUCCEEDED, 3, 3)
    assert server.paths() == ["/catalog.ttl", "/page2.ttl", "/page3.ttl"]


def test_harvest_stops_a_next_page_loop_and_withdraws_nothing(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("b")))
    harvest(source)
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), next_page=server.url("/page2.ttl")))
    server.add("/page2.ttl", catalogue(dataset_ttl("c"), next_page=server.url("/catalog.ttl")))

    run = harvest(source)

    assert run.status == HarvestRun.Status.PARTIAL
    assert "links back" in run.message
    assert (run.pages, run.created, run.withdrawn) == (2, 1, 0)
    assert Dataset.objects.get(identifier="b").status == Dataset.Status.PUBLISHED
    assert server.paths().count("/catalog.ttl") == 2  # once per run


def test_harvest_stops_at_the_page_limit(server, source, monkeypatch):
    monkeypatch.setattr(harvesting, "MAX_PAGES", 2)
    for number in range(1, 5):
        server.add(
            f"/p{number}.ttl",
            catalogue(dataset_ttl(f"d{number}"), next_page=server.url(f"/p{number + 1}.ttl")),
        )
    source.url = server.url("/p1.ttl")
    source.save()

    run = harvest(source)

    assert (run.status, run.pages, run.created) == (HarvestRun.Status.PARTIAL, 2, 2)


def test_harvest_of_a_document_that_cannot_be_parsed_changes_nothing(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("b")))
    harvest(source)
    server.add("/catalog.ttl", catalogue(dataset_ttl("a", "Changed"), next_page="/broken.ttl"))
    server.add("/broken.ttl", PREFIXES + "<http://example.org/x> dct:title ")

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "broken.ttl" in run.message and "could not be read" in run.message
    assert (run.created, run.updated, run.withdrawn) == (0, 0, 0)
    assert Dataset.objects.get(identifier="a").title["nl"] == "Dataset a"
    assert Dataset.objects.get(identifier="b").status == Dataset.Status.PUBLISHED


def test_harvest_of_a_missing_page_changes_nothing(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))
    harvest(source)
    server.routes.clear()

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "404" in run.message
    assert Dataset.objects.get(identifier="a").status == Dataset.Status.PUBLISHED


def test_harvest_refuses_a_document_over_the_size_limit(server, source, monkeypatch):
    monkeypatch.setattr(harvesting, "MAX_DOCUMENT_BYTES", 100)
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "larger than the limit" in run.message
    assert not Dataset.objects.exists()


def test_harvest_refuses_private_addresses_unless_allowed(server, source, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "Refused to connect" in run.message
    assert server.requests == []


def test_harvest_refuses_a_file_url_source(source):
    source.url = "file:///etc/passwd"
    source.save()

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "Only http and https" in run.message


# One bad record fails alone ---------------------------------------------------------------


def test_harvest_bad_records_fail_alone(server, source):
    untitled = PREFIXES + '<http://example.org/datasets/u> a dcat:Dataset ; dct:identifier "u" .'
    backwards = dataset_ttl(
        "t",
        extra='; dct:temporal [ dcat:startDate "2024-01-01"^^xsd:date ; '
        'dcat:endDate "2020-01-01"^^xsd:date ] ',
    )
    server.add("/catalog.ttl", catalogue(dataset_ttl("good"), backwards) + untitled)

    run = harvest(source)

    assert (run.status, run.created, run.failed) == (HarvestRun.Status.SUCCEEDED, 1, 2)
    reasons = dict(run.failures.values_list("record", "reason"))
    assert "no title" in reasons["http://example.org/datasets/u"]
    assert "ends" in reasons["http://example.org/datasets/t"]
    assert Dataset.objects.get().identifier == "good"


def test_harvest_a_record_the_database_refuses_fails_alone(server, source, monkeypatch):
    # A value no check foresaw: the batch is retried record by record in savepoints.
    server.add("/catalog.ttl", catalogue(dataset_ttl("a"), dataset_ttl("b"), dataset_ttl("c")))
    original = harvesting._create_parts

    def create_parts(pairs, **kwargs):
        if any(record.identifier == "b" for _pk, record in pairs):
            from django.db import IntegrityError

            raise IntegrityError("simulated refusal")
        return original(pairs, **kwargs)

    monkeypatch.setattr(harvesting, "_create_parts", create_parts)

    run = harvest(source)

    assert (run.created, run.failed) == (2, 1)
    assert "simulated refusal" in run.failures.get().reason
    assert set(Dataset.objects.values_list("identifier", flat=True)) == {"a", "c"}


def test_a_failed_record_is_not_withdrawn(server, source):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))
    harvest(source)
    server.add(
        "/catalog.ttl",
        PREFIXES + '<http://example.org/datasets/a> a dcat:Dataset ; dct:identifier "a" .',
    )

    run = harvest(source)

    assert (run.failed, run.withdrawn) == (1, 0)
    assert Dataset.objects.get(identifier="a").status == Dataset.Status.PUBLISHED


# Publishers -------------------------------------------------------------------------------


def test_harvest_maps_publishers_by_agent_uri_and_creates_missing_ones(server, source):
    source.publisher = None
    source.save()
    known = PublisherFactory(slug="known", uri="http://example.org/org/known")
    server.add(
        "/catalog.ttl",
        catalogue(
            dataset_ttl("a", extra="; dct:publisher <http://example.org/org/known> "),
            dataset_ttl("b", extra="; dct:publisher <http://example.org/org/new> "),
            dataset_ttl("c", extra="; dct:publisher <http://example.org/org/new> "),
        )
        + """<http://example.org/org/new> a foaf:Agent ;
               foaf:name "Waterschap Nieuw"@nl, "New water board"@en ;
               foaf:homepage <https://nieuw.example.org/> ."""
        + PREFIXES
        + '[] a dcat:Dataset ; dct:identifier "x" ; dct:title "No publisher"@en .',
    )

    run = harvest(source)

    assert (run.created, run.failed) == (3, 1)
    assert "no publisher" in run.failures.get().reason
    assert Dataset.objects.get(identifier="a").publisher == known
    new = Publisher.objects.get(uri="http://example.org/org/new")
    assert new.name == {"nl": "Waterschap Nieuw", "en": "New water board"}
    assert new.homepage == "https://nieuw.example.org/"
    assert set(new.datasets.values_list("identifier", flat=True)) == {"b", "c"}


def test_harvest_source_publisher_owns_every_dataset(server, source, publisher):
    server.add(
        "/catalog.ttl",
        catalogue(dataset_ttl("a", extra="; dct:publisher <http://example.org/org/other> ")),
    )

    harvest(source)

    assert Dataset.objects.get(identifier="a").publisher == publisher
    assert not Publisher.objects.filter(uri="http://example.org/org/other").exists()


# Tolerant reading -------------------------------------------------------------------------

DCAT_AP_1_RDF_XML = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:dct="http://purl.org/dc/terms/" xmlns:foaf="http://xmlns.com/foaf/0.1/"
         xmlns:vcard="http://www.w3.org/2006/vcard/ns#" xmlns:schema="http://schema.org/"
         xmlns:adms="http://www.w3.org/ns/adms#" xmlns:owl="http://www.w3.org/2002/07/owl#">
  <rdf:Description rdf:about="https://data.gemeente.nl/catalogus">
    <rdf:type rdf:resource="http://www.w3.org/ns/dcat#Catalog"/>
    <dcat:dataset rdf:resource="https://data.gemeente.nl/dataset/bomen"/>
  </rdf:Description>
  <rdf:Description rdf:about="https://data.gemeente.nl/dataset/bomen">
    <rdf:type rdf:resource="http://www.w3.org/ns/dcat#Dataset"/>
    <dc:identifier>bomen-2019</dc:identifier>
    <dc:title xml:lang="nl">Bomenregister</dc:title>
    <dc:title xml:lang="fy">Beamregister</dc:title>
    <dct:description>Alle bomen in beheer van de gemeente.</dct:description>
    <dcat:keyword>bomen</dcat:keyword>
    <dcat:keyword xml:lang="en">trees</dcat:keyword>
    <dcat:theme>Milieu</dcat:theme>
    <dcat:theme>Groenbeheer</dcat:theme>
    <dct:language>nl</dct:language>
    <dct:accrualPeriodicity rdf:resource="http://purl.org/cld/freq/annual"/>
    <dct:issued>2019-03-01T10:00:00Z</dct:issued>
    <dct:modified>2020</dct:modified>
    <owl:versionInfo>2.1</owl:versionInfo>
    <dct:temporal>
      <dct:PeriodOfTime>
        <schema:startDate>2018-01-01</schema:startDate>
        <schema:endDate>2018-12-31</schema:endDate>
      </dct:PeriodOfTime>
    </dct:temporal>
    <dct:spatial>Utrecht</dct:spatial>
    <dct:publisher>
      <foaf:Organization>
        <foaf:name>Gemeente Voorbeeld</foaf:name>
      </foaf:Organization>
    </dct:publisher>
    <dcat:contactPoint>
      <vcard:Organization>
        <vcard:fn>Team Open Data</vcard:fn>
        <vcard:hasEmail>opendata@gemeente.nl</vcard:hasEmail>
      </vcard:Organization>
    </dcat:contactPoint>
    <dct:subject>groen</dct:subject>
    <adms:sample rdf:resource="https://data.gemeente.nl/voorbeeld.csv"/>
    <dcat:distribution>
      <dcat:Distribution>
        <dc:title>Bomen (CSV)</dc:title>
        <dcat:accessURL rdf:resource="https://data.gemeente.nl/bomen.csv"/>
        <dc:format>CSV</dc:format>
        <dct:license>CC-BY-4.0</dct:license>
        <dcat:byteSize>12345</dcat:byteSize>
        <dcat:mediaType>text/csv</dcat:mediaType>
      </dcat:Distribution>
    </dcat:distribution>
  </rdf:Description>
</rdf:RDF>
"""


def test_harvest_reads_dcat_ap_1_rdf_xml_with_dc_terms_and_literals(server, source):
    source.url = server.url("/catalog.rdf")
    source.save()
    server.add("/catalog.rdf", DCAT_AP_1_RDF_XML, content_type="application/octet-stream")

    run = harvest(source)

    assert (run.created, run.failed) == (1, 0)
    dataset = Dataset.objects.get()
    assert dataset.identifier == "bomen-2019"
    assert dataset.uri == "https://data.gemeente.nl/dataset/bomen"
    assert dataset.title == {"nl": "Bomenregister", "fy": "Beamregister"}
    assert dataset.description == {"nl": "Alle bomen in beheer van de gemeente."}
    assert dataset.keywords_by_language() == {"nl": ["bomen", "groen"], "en": ["trees"]}
    assert dataset.frequency.code == "ANNUAL"
    assert [c.code for c in dataset.languages.all()] == ["NLD"]
    assert (dataset.issued, dataset.modified) == (date(2019, 3, 1), date(2020, 1, 1))
    assert (dataset.temporal_start, dataset.temporal_end) == (date(2018, 1, 1), date(2018, 12, 31))
    assert dataset.spatial_label == {"nl": "Utrecht"}
    assert dataset.version == "2.1"
    contact = dataset.contact_points.get()
    assert (contact.name, contact.email) == ("Team Open Data", "opendata@gemeente.nl")
    distribution = dataset.distributions.get()
    assert distribution.title == {"nl": "Bomen (CSV)"}
    assert distribution.format.code == "CSV"
    assert distribution.media_type == "text/csv"
    assert distribution.byte_size == 12345
    # A licence literal is matched by code; one licence for all distributions is the dataset's.
    assert dataset.licence.code == "CC-BY-4.0"
    # A theme literal is matched by label; an unknown one and adms:sample (no field for
    # it) are kept, not dropped.
    assert [t.code for t in dataset.themes.all()] == ["ENVI"]
    assert dataset.raw_metadata["dcat:theme"] == ["Groenbeheer"]
    assert dataset.raw_metadata["adms:sample"] == [
        {"@id": "https://data.gemeente.nl/voorbeeld.csv"}
    ]


DCAT_AP_2_JSON_LD = {
    "@context": {
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "title": {"@id": "dct:title", "@container": "@language"},
        "description": {"@id": "dct:description", "@language": "en"},
        "keyword": {"@id": "dcat:keyword", "@container": "@language"},
        "theme": {"@id": "dcat:theme", "@type": "@id"},
        "distribution": {"@id": "dcat:distribution"},
        "accessURL": {"@id": "dcat:accessURL", "@type": "@id"},
        "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
        "license": {"@id": "dct:license", "@type": "@id"},
        "format": {"@id": "dct:format"},
        "Dataset": "dcat:Dataset",
    },
    "@graph": [
        {
            "@id": "https://opendata.example.eu/set/water-levels",
            "@type": "Dataset",
            "dct:identifier": "water-levels",
            "title": {"en": "Water levels", "de": "Wasserstände", "nl": "Waterstanden"},
            "description": "Hourly water levels.",
            "keyword": {"en": ["water", "rivers"], "de": "Wasser"},
            "theme": "http://publications.europa.eu/resource/authority/data-theme/ENVI",
            "dct:accessRights": {"@id": f"{EU}/access-right/PUBLIC"},
            "dct:publisher": {
                "@id": "https://opendata.example.eu/org/rws",
                "foaf:name": "Rijkswaterstaat",
            },
            "distribution": [
                {
                    "@type": "dcat:Distribution",
                    "accessURL": "https://opendata.example.eu/api/water",
                    "downloadURL": "https://opendata.example.eu/water.json",
                    "format": "json",
                    "license": "https://creativecommons.org/publicdomain/zero/1.0/legalcode",
                    "http://spdx.org/rdf/terms#checksum": {
                        "http://spdx.org/rdf/terms#algorithm": {
                            "@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
                        },
                        "http://spdx.org/rdf/terms#checksumValue": "AB" * 32,
                    },
                }
            ],
        }
    ],
}


def test_harvest_reads_dcat_ap_2_json_ld_with_an_inline_context(server, source):
    source.url = server.url("/catalog.jsonld")
    source.save()
    server.add("/catalog.jsonld", json.dumps(DCAT_AP_2_JSON_LD), content_type="application/json")

    run = harvest(source)

    assert (run.created, run.failed) == (1, 0)
    dataset = Dataset.objects.get()
    assert dataset.title == {"en": "Water levels", "de": "Wasserstände", "nl": "Waterstanden"}
    assert dataset.description == {"en": "Hourly water levels."}
    assert dataset.keywords_by_language() == {"de": ["Wasser"], "en": ["rivers", "water"]}
    assert [t.code for t in dataset.themes.all()] == ["ENVI"]
    assert dataset.access_rights.code == "PUBLIC"
    distribution = dataset.distributions.get()
    assert distribution.download_url == "https://opendata.example.eu/water.json"
    assert distribution.format.code == "JSON"
    assert distribution.checksum == "ab" * 32
    assert dataset.licence == Licence.objects.get(code="CC0-1.0")


def test_harvest_fetches_a_remote_json_ld_context_through_outbound(server, source):
    document = dict(DCAT_AP_2_JSON_LD, **{"@context": "/context.jsonld"})
    server.add(
        "/context.jsonld",
        json.dumps({"@context": DCAT_AP_2_JSON_LD["@context"]}),
        content_type="application/ld+json",
    )
    server.add("/catalog.jsonld", json.dumps(document), content_type="application/ld+json")
    source.url = server.url("/catalog.jsonld")
    source.save()

    run = harvest(source)

    assert (run.status, run.created) == (HarvestRun.Status.SUCCEEDED, 1)
    assert "/context.jsonld" in server.paths()


def test_harvest_reads_turtle_with_dc_terms_plain_literals_and_any_language(server, source):
    concept(Concept.Scheme.ACCESS_RIGHT, "PUBLIC")
    source.language = "en"
    source.save()
    server.add(
        "/catalog.ttl",
        PREFIXES
        + """
        <http://example.org/ds/1> a dcat:Dataset ;
            dc:identifier "ds-1" ;
            dc:title "Parking places", "Parkeerplaatsen"@nl, "Parkplätze"@de-DE ;
            dc:description "Where to park." ;
            dcat:theme "TRAN", <http://example.org/themes/unknown> ;
            dct:accessRights "public" ;
            dct:license "Creative Commons Naamsvermelding 4.0 Internationaal" ;
            dct:language <http://id.loc.gov/vocabulary/iso639-1/nl> ;
            dct:spatial <http://sws.geonames.org/2745912/> ;
            dcat:landingPage <http://example.org/parking> ;
            ex:quality "good"@en ;
            dcat:distribution [
                dcat:downloadURL <http://example.org/parking.geojson> ;
                dc:format "GeoJSON" ;
                dcat:mediaType <http://www.iana.org/assignments/media-types/application/geo+json>
            ] , [ dc:title "A distribution without any address" ] .
        """,
    )

    run = harvest(source)

    assert (run.created, run.failed) == (1, 0)
    dataset = Dataset.objects.get()
    assert dataset.identifier == "ds-1"
    assert dataset.title == {"en": "Parking places", "nl": "Parkeerplaatsen", "de-de": "Parkplätze"}
    assert dataset.description == {"en": "Where to park."}
    assert [t.code for t in dataset.themes.all()] == ["TRAN"]
    assert dataset.access_rights.code == "PUBLIC"
    assert dataset.licence.code == "CC-BY-4.0"
    assert [c.code for c in dataset.languages.all()] == ["NLD"]
    assert dataset.spatial_uri == "http://sws.geonames.org/2745912/"
    assert dataset.landing_page == "http://example.org/parking"
    distribution = dataset.distributions.get()
    assert distribution.access_url == distribution.download_url
    assert distribution.format.code == "GEOJSON"
    assert distribution.media_type == "application/geo+json"
    raw = dataset.raw_metadata
    assert raw["http://example.org/ns#quality"] == [{"@value": "good", "@language": "en"}]
    assert raw["dcat:theme"] == [{"@id": "http://example.org/themes/unknown"}]
    assert raw["dcat:distribution"] == [{"dct:title": ["A distribution without any address"]}]


def test_harvest_detects_the_serialisation_by_extension_and_sniffing(server, source):
    nt = (
        "<http://example.org/d/n> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/ns/dcat#Dataset> .\n<http://example.org/d/n> "
        '<http://purl.org/dc/terms/title> "N-Triples"@en .\n'
    )
    server.add("/dump.nt", nt, content_type="text/plain")
    server.add("/catalog.ttl", DCAT_AP_1_RDF_XML, content_type="text/plain")
    for path in ("/dump.nt", "/catalog.ttl"):
        source.url = server.url(path)
        source.save()
        harvest(source)

    # /catalog.ttl claims Turtle by extension but the content type is generic: the
    # extension wins, the XML does not parse as Turtle, and nothing changes.
    assert Dataset.objects.get().title == {"en": "N-Triples"}
    assert source.runs.first().status == HarvestRun.Status.FAILED


def test_harvest_reads_rdf_xml_with_entities_for_namespaces(server, source):
    server.add(
        "/catalog.ttl",
        """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY dcat "http://www.w3.org/ns/dcat#">
  <!ENTITY base "http://example.org/datasets/">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="&base;e">
    <rdf:type rdf:resource="&dcat;Dataset"/>
    <dct:title xml:lang="en">With entities</dct:title>
  </rdf:Description>
</rdf:RDF>""",
        content_type="application/rdf+xml",
    )

    run = harvest(source)

    assert run.created == 1
    assert Dataset.objects.get().uri == "http://example.org/datasets/e"


def test_harvest_refuses_an_xml_entity_bomb(server, source):
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    server.add(
        "/catalog.ttl",
        f"""<?xml version="1.0"?><!DOCTYPE r [{entities}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="http://example.org/d"><dct:title>&a9;</dct:title></rdf:Description>
</rdf:RDF>""",
        content_type="application/rdf+xml",
    )

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "nested XML entities" in run.message


def test_harvest_refuses_an_html_page(server, source):
    server.add("/catalog.ttl", "<html><body>Login</body></html>", content_type="text/html")

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "web page" in run.message


# CKAN -------------------------------------------------------------------------------------


def ckan_package(number: int) -> dict:
    return {
        "id": f"0000-{number}",
        "name": f"package-{number}",
        "title": f"Package {number}",
        "notes": "From CKAN.",
        "url": "https://ckan.example.org/about",
        "version": "1.0",
        "license_id": "cc-by",
        "metadata_created": "2021-01-01T10:00:00",
        "metadata_modified": "2022-02-02T10:00:00",
        "maintainer": "Data team",
        "maintainer_email": "data@ckan.example.org",
        "organization": {"name": "gemeente-x", "title": "Gemeente X"},
        "tags": [{"name": "verkeer"}, {"name": "fiets"}],
        "groups": [{"name": "transport", "title": "Transport"}],
        "extras": [{"key": "frequency", "value": "MONTHLY"}, {"key": "custom", "value": "kept"}],
        "resources": [
            {
                "url": f"https://ckan.example.org/{number}.csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "size": 42,
                "name": "Data",
            },
            {"url": "", "format": "HTML", "name": "Broken resource"},
        ],
    }


def test_harvest_reads_a_ckan_site_page_by_page(server, source, monkeypatch):
    monkeypatch.setattr(harvesting, "CKAN_ROWS", 2)
    packages = [ckan_package(n) for n in range(3)]

    def package_search(query):
        start, rows = int(query["start"][0]), int(query["rows"][0])
        body = {"success": True, "result": {"count": 3, "results": packages[start : start + rows]}}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    server.routes["/api/3/action/package_search"] = package_search
    source.type = HarvestSource.Type.CKAN
    source.url = server.url("/")
    source.publisher = None
    source.save()

    run = harvest(source)

    assert (run.status, run.pages, run.created, run.failed) == ("succeeded", 2, 3, 0)
    dataset = Dataset.objects.get(identifier="0000-1")
    assert dataset.uri == server.url("/dataset/0000-1")
    assert dataset.title == {"nl": "Package 1"}
    assert dataset.keywords_by_language() == {"nl": ["fiets", "verkeer"]}
    assert [t.code for t in dataset.themes.all()] == ["TRAN"]
    assert dataset.licence.code == "CC-BY-4.0"
    assert dataset.frequency.code == "MONTHLY"
    assert dataset.publisher.name == {"nl": "Gemeente X"}
    assert dataset.contact_points.get().email == "data@ckan.example.org"
    distribution = dataset.distributions.get()
    assert (distribution.format.code, distribution.byte_size) == ("CSV", 42)
    assert dataset.raw_metadata["extras"] == {"custom": "kept"}
    assert Publisher.objects.filter(name__nl="Gemeente X").count() == 1

    run = harvest(source)

    assert (run.unchanged, run.created) == (3, 0)


def test_harvest_of_a_site_that_is_not_ckan_fails(server, source):
    server.add("/api/3/action/package_search", "<html></html>", content_type="text/html")
    source.type = HarvestSource.Type.CKAN
    source.url = server.url("/")
    source.save()

    run = harvest(source)

    assert run.status == HarvestRun.Status.FAILED
    assert "CKAN package_search" in run.message


# The command, the tasks and the admin -----------------------------------------------------


def test_harvest_command_runs_a_source_by_slug(server, source, capsys):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))

    call_command("harvest", "utrecht")

    assert "1 created" in capsys.readouterr().out
    assert source.runs.get().created == 1


def test_harvest_command_harvests_a_local_file(tmp_path, publisher, capsys):
    path = tmp_path / "export.ttl"
    path.write_text(catalogue(dataset_ttl("a"), dataset_ttl("b")))

    call_command("harvest", str(path), "--publisher", publisher.slug)
    call_command("harvest", str(path))

    source = HarvestSource.objects.get()
    assert source.url == path.resolve().as_uri()
    assert not source.enabled  # a file is never harvested on a schedule
    assert Dataset.objects.filter(harvest_source=source, publisher=publisher).count() == 2
    assert "2 unchanged" in capsys.readouterr().out


def test_harvest_command_creates_a_source_for_a_url(server, publisher):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))

    call_command("harvest", server.url("/catalog.ttl"), "--publisher", publisher.slug)

    assert HarvestSource.objects.get().datasets.count() == 1


def test_harvest_command_refuses_what_it_cannot_find():
    with pytest.raises(CommandError, match="neither a harvest source"):
        call_command("harvest", "no-such-source")


def test_harvest_command_fails_loudly_when_the_run_fails(source):
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("harvest", "utrecht")


def test_harvest_due_sources_runs_enabled_sources_whose_time_came(
    server, source, publisher, django_capture_on_commit_callbacks
):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))
    later = HarvestSource.objects.create(
        name="Later",
        slug="later",
        url=server.url("/catalog.ttl"),
        publisher=publisher,
        next_run_at=timezone.now() + timezone.timedelta(hours=1),
    )
    HarvestSource.objects.create(
        name="Off", slug="off", url=server.url("/catalog.ttl"), enabled=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = harvest_due_sources.delay().get()

    assert queued == 1
    assert source.runs.get().created == 1
    source.refresh_from_db()
    assert source.next_run_at > timezone.now() + timezone.timedelta(hours=23)
    assert not later.runs.exists()


def test_harvest_run_report_is_visible_in_the_admin(client, manager, server, source):
    server.add(
        "/catalog.ttl",
        catalogue(dataset_ttl("good"))
        + PREFIXES
        + '<http://example.org/datasets/bad> a dcat:Dataset ; dct:identifier "bad" .',
    )
    run = harvest(source)
    client.force_login(manager)

    listing = client.get("/admin/catalog/harvestrun/")
    detail = client.get(f"/admin/catalog/harvestrun/{run.pk}/change/")
    source_page = client.get(f"/admin/catalog/harvestsource/{source.pk}/change/")

    assert listing.status_code == 200
    assert "Open data Utrecht" in listing.text
    assert detail.status_code == 200
    assert "http://example.org/datasets/bad" in detail.text
    assert "no title" in detail.text
    assert source_page.status_code == 200


def test_admin_harvest_now_action_queues_a_run(
    client, manager, server, source, django_capture_on_commit_callbacks
):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/catalog/harvestsource/",
            {"action": "harvest_now", "_selected_action": [source.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert source.runs.get().created == 1


def test_harvested_dataset_is_read_only_in_the_admin_except_portal_fields(
    client, manager, server, source
):
    server.add("/catalog.ttl", catalogue(dataset_ttl("a")))
    harvest(source)
    dataset = Dataset.objects.get()
    client.force_login(manager)

    response = client.get(f"/admin/catalog/dataset/{dataset.pk}/change/")

    assert response.status_code == 200
    assert 'name="title_0"' not in response.text
    assert "Dataset a" in response.text


def test_only_site_managers_see_harvest_sources_in_the_admin(client, alice):
    client.force_login(alice)

    assert client.get("/admin/catalog/harvestsource/").status_code == 403
