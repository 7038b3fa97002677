"""The RDF round trip: export the catalogue, harvest it into an empty portal, compare."""

from datetime import date
from urllib.parse import urlsplit

import httpx
import pytest
from django.conf import settings
from rdflib import Graph
from rdflib.namespace import Namespace

from catalog.harvest import harvest
from catalog.models import (
    Concept,
    Dataset,
    DatasetRelation,
    HarvestRun,
    HarvestSource,
    Publisher,
)
from tests.factories import (
    ContactPointFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    PublisherFactory,
    concept,
)

pytestmark = pytest.mark.django_db

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


def rich_catalogue() -> list[Dataset]:
    """Three published datasets using every field the round trip must carry, and a draft."""
    cc0 = LicenceFactory(code="CC0-1.0", uri="http://creativecommons.org/publicdomain/zero/1.0/")
    cc_by = LicenceFactory()
    water_board = PublisherFactory(
        slug="waterschap",
        name={"nl": "Waterschap De Dommel", "en": "De Dommel water board", "fy": "Wetterskip"},
        description={"nl": "Zorgt voor schoon water.", "en": "Keeps the water clean."},
        uri="https://www.dommel.nl/",
        homepage="https://www.dommel.nl/over-ons",
        email="open@dommel.nl",
        publisher_type=concept(Concept.Scheme.PUBLISHER_TYPE, "RegionalAuthority"),
    )
    city = PublisherFactory(slug="gemeente", name={"nl": "Gemeente Eindhoven"})
    domain = concept(Concept.Scheme.DOMAIN, "waterkwaliteit")
    first = DatasetFactory(
        published=True,
        identifier="dommel-waterkwaliteit",
        title={"nl": "Waterkwaliteit", "en": "Water quality", "de": "Wasserqualität"},
        description={"nl": "Metingen in **alle** beken.", "en": "Measurements in all brooks."},
        publisher=water_board,
        creator=city,
        licence=cc_by,
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "PUBLIC"),
        frequency=concept(Concept.Scheme.FREQUENCY, "MONTHLY"),
        themes=[concept(Concept.Scheme.THEME, "ENVI"), concept(Concept.Scheme.THEME, "HEAL")],
        keywords={"nl": ["water", "beken"], "en": ["water", "brooks"], "de": ["Bach"]},
        temporal_start=date(2015, 1, 1),
        temporal_end=date(2024, 12, 31),
        spatial_uri="http://sws.geonames.org/2756253/",
        spatial_label={"nl": "Eindhoven", "en": "Eindhoven region"},
        bbox_west=5.3,
        bbox_south=51.35,
        bbox_east=5.6,
        bbox_north=51.55,
        issued=date(2015, 3, 1),
        modified=date(2025, 1, 15),
        landing_page="https://www.dommel.nl/data/waterkwaliteit",
        documentation=["https://www.dommel.nl/data/uitleg", "https://www.dommel.nl/data/faq"],
        conforms_to=["https://www.geonovum.nl/standaarden/imwa"],
        version="3.1",
        version_notes={"nl": "Nieuwe meetpunten.", "en": "New sampling points."},
        provenance={"nl": "Gemeten door het laboratorium."},
    )
    first.concepts.set([domain])
    first.languages.set(
        [concept(Concept.Scheme.LANGUAGE, "NLD"), concept(Concept.Scheme.LANGUAGE, "ENG")]
    )
    ContactPointFactory(
        dataset=first,
        name="Datateam",
        email="data@dommel.nl",
        url="https://www.dommel.nl/contact",
        phone="+31411618618",
    )
    ContactPointFactory(dataset=first, name="Laboratorium", email="lab@dommel.nl")
    csv = DistributionFactory(
        dataset=first,
        title={"nl": "Metingen (CSV)", "en": "Measurements (CSV)"},
        description={"nl": "Alle metingen.", "en": "All measurements."},
        access_url="https://data.dommel.nl/waterkwaliteit",
        download_url="https://data.dommel.nl/waterkwaliteit.csv",
        format=concept(Concept.Scheme.FILE_TYPE, "CSV"),
        media_type="text/csv",
        byte_size=1_234_567,
        checksum="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        rights={"nl": "Bronvermelding verplicht.", "en": "Attribution required."},
        conforms_to=["https://www.rfc-editor.org/rfc/rfc4180"],
        issued=date(2015, 3, 1),
        modified=date(2025, 1, 15),
    )
    csv.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    DistributionFactory(
        dataset=first,
        title={"en": "Map service"},
        access_url="https://geo.dommel.nl/wms?service=WMS&request=GetCapabilities",
        download_url="",
        format=concept(Concept.Scheme.FILE_TYPE, "WMS_SRVC"),
        media_type="application/vnd.ogc.wms_xml",
        licence=cc0,
        status="DEVELOP",
        modified=date(2024, 6, 1),
    )
    second = DatasetFactory(
        published=True,
        identifier="eindhoven-bomen",
        title={"nl": "Bomen", "en": "Trees"},
        description={"nl": "Alle bomen."},
        publisher=city,
        licence=cc0,
        themes=[concept(Concept.Scheme.THEME, "ENVI")],
        keywords={"nl": ["bomen"]},
        temporal_start=date(2020, 1, 1),
        issued=date(2020, 2, 2),
        modified=date(2021, 3, 3),
    )
    DistributionFactory(
        dataset=second,
        title={"nl": "Bomen (GeoJSON)"},
        format=concept(Concept.Scheme.FILE_TYPE, "GEOJSON"),
        media_type="application/geo+json",
        byte_size=0,
        modified=date(2021, 3, 3),
    )
    third = DatasetFactory(
        published=True,
        identifier="dommel-meetpunten",
        title={"nl": "Meetpunten"},
        description={"nl": "Waar gemeten wordt.", "en": "Where we measure."},
        publisher=water_board,
        licence=None,
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED"),
        spatial_label={"nl": "Stroomgebied van de Dommel"},
        issued=date(2019, 1, 1),
        modified=date(2019, 1, 2),
    )
    DatasetRelation.objects.create(dataset=first, target=third, role=DatasetRelation.Role.SOURCE)
    DatasetRelation.objects.create(
        dataset=first,
        target_uri="https://data.europa.eu/88u/dataset/kaderrichtlijn-water",
        role=DatasetRelation.Role.RELATED,
    )
    DatasetFactory(identifier="draft", title={"nl": "Concept"}, publisher=city)
    return [first, second, third]


def codes(concepts) -> list[str]:
    return sorted(c.code for c in concepts)


def describe_agent(publisher: Publisher | None) -> dict | None:
    if publisher is None:
        return None
    return {
        "uri": publisher.get_uri(),
        "name": dict(publisher.name),
        "description": dict(publisher.description),
        "homepage": publisher.homepage,
        "email": publisher.email,
        "type": publisher.publisher_type.code if publisher.publisher_type else None,
    }


def describe(dataset: Dataset) -> dict:
    """Everything the round trip must carry, in a form two portals can compare."""
    distributions = [
        {
            "title": dict(d.title),
            "description": dict(d.description),
            "access_url": d.get_access_url(),
            "download_url": d.get_download_target(),
            "format": d.format.code if d.format else None,
            "media_type": d.media_type,
            "byte_size": d.byte_size,
            "checksum": d.checksum,
            "licence": d.effective_licence().code if d.effective_licence() else None,
            "rights": dict(d.rights),
            "conforms_to": d.conforms_to,
            "languages": codes(d.languages.all()),
            "issued": d.issued,
            "modified": d.modified,
            "status": d.status,
        }
        for d in dataset.distributions.all()
    ]
    return {
        "uri": dataset.uri,
        "identifier": dataset.identifier,
        "status": dataset.status,
        "title": dict(dataset.title),
        "description": dict(dataset.description),
        "keywords": {k: sorted(v) for k, v in dataset.keywords_by_language().items()},
        "themes": codes(dataset.themes.all()),
        "concepts": sorted(c.uri for c in dataset.concepts.all()),
        "languages": codes(dataset.languages.all()),
        "publisher": describe_agent(dataset.publisher),
        "creator": describe_agent(dataset.creator),
        "contact_points": sorted(
            (c.name, c.email, c.url, c.phone) for c in dataset.contact_points.all()
        ),
        "temporal": (dataset.temporal_start, dataset.temporal_end),
        "spatial": (
            dataset.spatial_uri,
            dict(dataset.spatial_label),
            dataset.bbox_west,
            dataset.bbox_south,
            dataset.bbox_east,
            dataset.bbox_north,
        ),
        "frequency": dataset.frequency.code if dataset.frequency else None,
        "access_rights": dataset.access_rights.code if dataset.access_rights else None,
        "licence": dataset.licence.code if dataset.licence else None,
        "issued": dataset.issued,
        "modified": dataset.modified,
        "landing_page": dataset.landing_page,
        "documentation": sorted(dataset.documentation),
        "conforms_to": sorted(dataset.conforms_to),
        "version": dataset.version,
        "version_notes": dict(dataset.version_notes),
        "provenance": dict(dataset.provenance),
        "relations": sorted((r.role, r.get_target_uri()) for r in dataset.relations.all()),
        "distributions": sorted(distributions, key=lambda d: (d["access_url"], d["download_url"])),
    }


def export_pages(client, path: str) -> dict[str, tuple[bytes, str]]:
    """Every page of the catalogue by its absolute URL, following hydra:next."""
    pages = {}
    url = settings.SITE_URL + path
    while url:
        parts = urlsplit(url)
        response = client.get(parts.path, {k: v for k, v in _query(parts.query)})
        assert response.status_code == 200
        pages[url] = (response.content, response["Content-Type"])
        graph = Graph().parse(data=response.content, format="turtle")
        url = str(next(graph.objects(None, HYDRA.next), "") or "")
        assert len(pages) < 10
    return pages


def _query(query: str):
    return [pair.split("=", 1) for pair in query.split("&") if pair]


def serve(pages: dict[str, tuple[bytes, str]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        content, content_type = pages[str(request.url)]
        return httpx.Response(200, content=content, headers={"Content-Type": content_type})

    return httpx.MockTransport(handler)


def test_catalogue_round_trips_through_dcat_export_and_harvest(client):
    datasets = rich_catalogue()
    expected = {dataset.uri: describe(dataset) for dataset in datasets}
    pages = export_pages(client, "/catalog.ttl?page_size=2")
    assert len(pages) == 2
    # An empty portal: no datasets, no publishers; the vocabularies stay.
    Dataset.objects.all().delete()
    Publisher.objects.all().delete()
    source = HarvestSource.objects.create(
        name="Ourselves", slug="ourselves", url=next(iter(pages)), language="nl"
    )

    run = harvest(source, transport=serve(pages))

    assert run.status == HarvestRun.Status.SUCCEEDED, run.message
    assert (run.created, run.failed, run.pages) == (3, 0, 2), list(run.failures.values())
    harvested = {dataset.uri: describe(dataset) for dataset in Dataset.objects.all()}
    assert harvested.keys() == expected.keys()
    for uri, description in expected.items():
        assert harvested[uri] == description

    # Harvested again, nothing changed.
    run = harvest(source, transport=serve(pages))

    assert (run.unchanged, run.updated, run.created) == (3, 0, 0)


def test_a_harvested_dataset_exports_as_it_was_harvested(client):
    rich_catalogue()
    pages = export_pages(client, "/catalog.ttl")
    Dataset.objects.all().delete()
    Publisher.objects.all().delete()
    source = HarvestSource.objects.create(name="Us", slug="us", url=next(iter(pages)))
    harvest(source, transport=serve(pages))
    first = Dataset.objects.get(identifier="dommel-waterkwaliteit")

    response = client.get(f"/datasets/{first.slug}.ttl")

    graph = Graph().parse(data=response.content, format="turtle")
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS

    assert (URIRef(first.uri), DCTERMS.identifier, Literal("dommel-waterkwaliteit")) in graph
    assert (URIRef(first.uri), DCTERMS.title, Literal("Wasserqualität", lang="de")) in graph
