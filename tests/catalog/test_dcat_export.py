"""DCAT-AP export: the RDF documents of datasets, the paged catalogue, content negotiation and
the bulk export. RDF is parsed with rdflib and checked triple by triple."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD

from catalog import dcat
from catalog.dcat import (
    ADMS,
    DCAT,
    DCT,
    FOAF,
    GSP,
    HYDRA,
    SKOS,
    SPDX,
    VCARD,
)
from catalog.models import Catalog, Concept, Dataset, DatasetRelation, Distribution
from catalog.search import index_datasets
from tests.factories import (
    ContactPointFactory,
    DataServiceFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    PublisherFactory,
    concept,
)

pytestmark = pytest.mark.django_db

EU = "http://publications.europa.eu/resource/authority/"
CHECKSUM = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def make_rich_dataset(**overrides) -> Dataset:
    """A published dataset with every field filled, in Dutch and English."""
    publisher = PublisherFactory(
        slug="gemeente-utrecht",
        name={"nl": "Gemeente Utrecht", "en": "City of Utrecht"},
        description={"nl": "De gemeente.", "en": "The municipality."},
        homepage="https://www.utrecht.nl/",
        email="opendata@utrecht.nl",
        publisher_type=concept(Concept.Scheme.PUBLISHER_TYPE, "LocalAuthority"),
    )
    creator = PublisherFactory(
        slug="rivm",
        name={"nl": "RIVM", "en": "National Institute for Public Health"},
        uri="https://identifier.overheid.nl/tooi/id/zbo/zb000143",
        publisher_type=concept(Concept.Scheme.PUBLISHER_TYPE, "NationalAuthority"),
    )
    other = DatasetFactory(
        published=True, slug="luchtkwaliteit-2023", publisher=publisher, creator=creator
    )
    ContactPointFactory(dataset=other)
    fields = dict(
        slug="luchtkwaliteit-2024",
        identifier="utrecht-lucht-2024",
        title={"nl": "Luchtkwaliteit 2024", "en": "Air quality 2024"},
        description={"nl": "Metingen van fijnstof.", "en": "Measurements of particulate matter."},
        publisher=publisher,
        creator=creator,
        licence=LicenceFactory(),
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "PUBLIC"),
        frequency=concept(Concept.Scheme.FREQUENCY, "MONTHLY"),
        temporal_start=datetime.date(2024, 1, 1),
        temporal_end=datetime.date(2024, 12, 31),
        spatial_uri="https://sws.geonames.org/2745912/",
        spatial_label={"nl": "Utrecht (stad)", "en": "Utrecht (city)"},
        bbox_west=5.0,
        bbox_south=52.03,
        bbox_east=5.2,
        bbox_north=52.14,
        issued=datetime.date(2024, 2, 1),
        modified=datetime.date(2024, 11, 5),
        landing_page="https://www.utrecht.nl/luchtkwaliteit/",
        documentation=["https://www.utrecht.nl/luchtkwaliteit/uitleg/"],
        conforms_to=["https://www.geonovum.nl/standaarden/lucht"],
        version="2.1",
        version_notes={"nl": "Nieuwe sensoren.", "en": "New sensors."},
        provenance={"nl": "Gemeten door sensoren.", "en": "Measured by sensors."},
        themes=[concept(Concept.Scheme.THEME, "ENVI"), concept(Concept.Scheme.THEME, "HEAL")],
        keywords={"nl": ["lucht", "fijnstof"], "en": ["air", "particulate matter"]},
        published=True,
    )
    fields.update(overrides)
    dataset = DatasetFactory(**fields)
    dataset.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    dataset.concepts.set(
        [
            Concept.objects.create(
                scheme=Concept.Scheme.DOMAIN,
                uri="https://begrippen.example.org/fijnstof",
                scheme_uri="https://begrippen.example.org/",
                code="fijnstof",
                label={"nl": "Fijnstof", "en": "Particulate matter"},
            )
        ]
    )
    ContactPointFactory(
        dataset=dataset,
        name="Team Open Data",
        email="opendata@utrecht.nl",
        url="https://www.utrecht.nl/contact/",
        phone="+31 30 286 0000",
    )
    DatasetRelation.objects.create(
        dataset=dataset, role=DatasetRelation.Role.REPLACES, target=other
    )
    DatasetRelation.objects.create(
        dataset=dataset,
        role=DatasetRelation.Role.SOURCE,
        target_uri="https://data.rivm.nl/meta/srv/dut/catalog.search#/metadata/lucht",
    )
    distribution = DistributionFactory(
        dataset=dataset,
        title={"nl": "Metingen (CSV)", "en": "Measurements (CSV)"},
        description={"nl": "Alle metingen.", "en": "All measurements."},
        access_url="https://data.utrecht.nl/lucht/",
        download_url="https://data.utrecht.nl/lucht/2024.csv",
        format=concept(Concept.Scheme.FILE_TYPE, "CSV"),
        media_type="text/csv",
        byte_size=123456,
        checksum=CHECKSUM,
        licence=LicenceFactory(
            code="CC0-1.0",
            uri="http://creativecommons.org/publicdomain/zero/1.0/",
            title={"en": "CC0 1.0", "nl": "CC0 1.0"},
            attribution=False,
            public_domain=True,
        ),
        rights={"nl": "Vrij te gebruiken.", "en": "Free to use."},
        conforms_to=["https://www.w3.org/TR/tabular-data-primer/"],
        issued=datetime.date(2024, 2, 1),
        modified=datetime.date(2024, 11, 5),
        status=Distribution.DistributionStatus.COMPLETED,
    )
    distribution.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    DistributionFactory(
        dataset=dataset,
        title={"en": "API"},
        access_url="https://api.utrecht.nl/lucht",
        download_url="",
        format=concept(Concept.Scheme.FILE_TYPE, "JSON"),
        media_type="application/json",
        status=Distribution.DistributionStatus.DEVELOP,
    )
    DataServiceFactory(
        slug="lucht-api",
        publisher=publisher,
        endpoint_description="https://api.utrecht.nl/lucht/openapi.json",
        contact_email="api@utrecht.nl",
        licence=dataset.licence,
        access_rights=dataset.access_rights,
    ).serves_datasets.set([dataset])
    return dataset


def rdf(client, url, fmt="turtle", **headers) -> Graph:
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return Graph().parse(data=response.getvalue(), format=fmt)


def ref(dataset) -> URIRef:
    return URIRef(dataset.uri)


# Dataset documents ------------------------------------------------------------------------


def test_dataset_document_maps_every_field(client):
    dataset = make_rich_dataset()
    s = ref(dataset)

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    assert (s, RDF.type, DCAT.Dataset) in g
    assert (s, DCT.title, Literal("Luchtkwaliteit 2024", lang="nl")) in g
    assert (s, DCT.title, Literal("Air quality 2024", lang="en")) in g
    assert (s, DCT.description, Literal("Metingen van fijnstof.", lang="nl")) in g
    assert (s, DCT.identifier, Literal("utrecht-lucht-2024")) in g
    notation = g.value(g.value(s, ADMS.identifier), SKOS.notation)
    assert notation == Literal(f"urn:uuid:{dataset.uuid}")
    assert (s, DCAT.keyword, Literal("fijnstof", lang="nl")) in g
    assert (s, DCAT.keyword, Literal("particulate matter", lang="en")) in g
    assert (s, DCAT.theme, URIRef(EU + "data-theme/ENVI")) in g
    assert (s, DCAT.theme, URIRef(EU + "data-theme/HEAL")) in g
    assert (s, DCT.subject, URIRef("https://begrippen.example.org/fijnstof")) in g
    assert (s, DCT.publisher, URIRef(dataset.publisher.get_uri())) in g
    assert (s, DCT.creator, URIRef("https://identifier.overheid.nl/tooi/id/zbo/zb000143")) in g
    assert (s, DCT.accrualPeriodicity, URIRef(EU + "frequency/MONTHLY")) in g
    assert (s, DCT.language, URIRef(EU + "language/NLD")) in g
    assert (s, DCT.accessRights, URIRef(EU + "access-right/PUBLIC")) in g
    assert (s, DCT.license, URIRef("http://creativecommons.org/licenses/by/4.0/")) in g
    assert (s, DCT.issued, Literal("2024-02-01", datatype=XSD.date)) in g
    assert (s, DCT.modified, Literal("2024-11-05", datatype=XSD.date)) in g
    landing = URIRef("https://www.utrecht.nl/luchtkwaliteit/")
    assert (s, DCAT.landingPage, landing) in g
    assert (landing, RDF.type, FOAF.Document) in g
    page = URIRef("https://www.utrecht.nl/luchtkwaliteit/uitleg/")
    assert (s, FOAF.page, page) in g
    assert (page, RDF.type, FOAF.Document) in g
    standard = URIRef("https://www.geonovum.nl/standaarden/lucht")
    assert (s, DCT.conformsTo, standard) in g
    assert (standard, RDF.type, DCT.Standard) in g
    assert (s, DCAT.version, Literal("2.1")) in g
    assert (s, ADMS.versionNotes, Literal("Nieuwe sensoren.", lang="nl")) in g
    assert (s, ADMS.versionNotes, Literal("New sensors.", lang="en")) in g
    provenance = g.value(s, DCT.provenance)
    assert (provenance, RDF.type, DCT.ProvenanceStatement) in g
    assert (provenance, RDFS.label, Literal("Measured by sensors.", lang="en")) in g


def test_dataset_document_types_temporal_spatial_and_contact(client):
    dataset = make_rich_dataset()
    s = ref(dataset)

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    period = g.value(s, DCT.temporal)
    assert (period, RDF.type, DCT.PeriodOfTime) in g
    assert (period, DCAT.startDate, Literal("2024-01-01", datatype=XSD.date)) in g
    assert (period, DCAT.endDate, Literal("2024-12-31", datatype=XSD.date)) in g
    place = URIRef("https://sws.geonames.org/2745912/")
    assert (s, DCT.spatial, place) in g
    assert (place, RDF.type, DCT.Location) in g
    assert (place, SKOS.prefLabel, Literal("Utrecht (stad)", lang="nl")) in g
    bbox = g.value(place, DCAT.bbox)
    assert bbox.datatype == GSP.wktLiteral
    assert str(bbox) == "POLYGON((5.0 52.03, 5.2 52.03, 5.2 52.14, 5.0 52.14, 5.0 52.03))"
    contact = g.value(s, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in g
    assert (contact, VCARD.fn, Literal("Team Open Data")) in g
    assert (contact, VCARD.hasEmail, URIRef("mailto:opendata@utrecht.nl")) in g
    assert (contact, VCARD.hasURL, URIRef("https://www.utrecht.nl/contact/")) in g
    assert (contact, VCARD.hasTelephone, URIRef("tel:+31-30-286-0000")) in g


def test_dataset_document_describes_agents_and_vocabulary(client):
    dataset = make_rich_dataset()

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    agent = URIRef(dataset.publisher.get_uri())
    assert (agent, RDF.type, FOAF.Agent) in g
    assert (agent, FOAF.name, Literal("Gemeente Utrecht", lang="nl")) in g
    assert (agent, FOAF.name, Literal("City of Utrecht", lang="en")) in g
    local_authority = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert (agent, DCT.type, local_authority) in g
    assert (local_authority, SKOS.inScheme, URIRef("http://purl.org/adms/publishertype/1.0")) in g
    assert (agent, FOAF.homepage, URIRef("https://www.utrecht.nl/")) in g
    theme = URIRef(EU + "data-theme/ENVI")
    assert (theme, RDF.type, SKOS.Concept) in g
    assert (theme, SKOS.inScheme, URIRef(EU + "data-theme")) in g
    assert (theme, SKOS.prefLabel, Literal("Environment", lang="en")) in g
    assert (URIRef(EU + "data-theme"), RDF.type, SKOS.ConceptScheme) in g
    assert (URIRef(EU + "data-theme"), DCT.title, Literal("Data theme", lang="en")) in g
    assert (URIRef(EU + "language/NLD"), RDF.type, DCT.LinguisticSystem) in g
    assert (URIRef(EU + "frequency/MONTHLY"), RDF.type, DCT.Frequency) in g
    assert (URIRef(EU + "access-right/PUBLIC"), RDF.type, DCT.RightsStatement) in g
    licence = URIRef("http://creativecommons.org/licenses/by/4.0/")
    assert (licence, RDF.type, DCT.LicenseDocument) in g
    assert (licence, DCT.type, URIRef("http://purl.org/adms/licencetype/Attribution")) in g
    # Every concept the document uses has a label and a scheme; never a bare literal.
    for subject in g.subjects(RDF.type, SKOS.Concept):
        assert g.value(subject, SKOS.prefLabel) is not None, subject


def test_distribution_is_fully_described(client):
    dataset = make_rich_dataset()
    csv = dataset.distributions.get(format__code="CSV")
    d = URIRef(f"http://127.0.0.1:8000/distributions/{csv.uuid}")

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    assert (ref(dataset), DCAT.distribution, d) in g
    assert (d, RDF.type, DCAT.Distribution) in g
    assert (d, DCT.title, Literal("Metingen (CSV)", lang="nl")) in g
    assert (d, DCT.description, Literal("All measurements.", lang="en")) in g
    assert (d, DCAT.accessURL, URIRef("https://data.utrecht.nl/lucht/")) in g
    assert (d, DCAT.downloadURL, URIRef("https://data.utrecht.nl/lucht/2024.csv")) in g
    assert (d, DCT.format, URIRef(EU + "file-type/CSV")) in g
    assert (URIRef(EU + "file-type/CSV"), RDF.type, DCT.MediaTypeOrExtent) in g
    media = URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert (d, DCAT.mediaType, media) in g
    assert (media, RDF.type, DCT.MediaType) in g
    assert (d, DCAT.byteSize, Literal("123456", datatype=XSD.nonNegativeInteger)) in g
    checksum = g.value(d, SPDX.checksum)
    assert (checksum, RDF.type, SPDX.Checksum) in g
    assert (checksum, SPDX.checksumValue, Literal(CHECKSUM, datatype=XSD.hexBinary)) in g
    algorithm = g.value(checksum, SPDX.algorithm)
    assert (algorithm, OWL.sameAs, SPDX.checksumAlgorithm_sha256) in g
    cc0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    assert (d, DCT.license, cc0) in g
    assert (cc0, DCT.type, URIRef("http://purl.org/adms/licencetype/PublicDomain")) in g
    rights = g.value(d, DCT.rights)
    assert (rights, RDF.type, DCT.RightsStatement) in g
    assert (rights, RDFS.label, Literal("Free to use.", lang="en")) in g
    assert (d, DCT.conformsTo, URIRef("https://www.w3.org/TR/tabular-data-primer/")) in g
    assert (d, DCT.language, URIRef(EU + "language/NLD")) in g
    assert (d, DCT.issued, Literal("2024-02-01", datatype=XSD.date)) in g
    assert (d, DCT.modified, Literal("2024-11-05", datatype=XSD.date)) in g
    assert (d, ADMS.status, URIRef(EU + "distribution-status/COMPLETED")) in g


def test_distribution_without_licence_carries_the_datasets(client):
    dataset = make_rich_dataset()
    api = dataset.distributions.get(format__code="JSON")
    d = URIRef(f"http://127.0.0.1:8000/distributions/{api.uuid}")

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    assert (d, DCT.license, URIRef(dataset.licence.uri)) in g
    assert (d, ADMS.status, URIRef(EU + "distribution-status/DEVELOP")) in g
    assert g.value(d, DCAT.downloadURL) is None


def test_uploaded_file_is_reached_through_the_portal(client):
    dataset = DatasetFactory(published=True)
    distribution = DistributionFactory(
        dataset=dataset, access_url="", download_url="", file="distributions/data.csv"
    )
    d = URIRef(f"http://127.0.0.1:8000/distributions/{distribution.uuid}")
    portal_url = URIRef(
        f"http://127.0.0.1:8000/datasets/{dataset.slug}/download/{distribution.uuid}/"
    )

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    assert (d, DCAT.accessURL, portal_url) in g
    assert (d, DCAT.downloadURL, portal_url) in g


def test_qualified_relation_to_a_published_dataset(client):
    dataset = make_rich_dataset()
    other = Dataset.objects.get(slug="luchtkwaliteit-2023")

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    relation = g.value(ref(dataset), DCAT.qualifiedRelation)
    assert (relation, RDF.type, DCAT.Relationship) in g
    assert (relation, DCT.relation, ref(other)) in g
    role = URIRef("http://www.iana.org/assignments/relation/predecessor-version")
    assert (relation, DCAT.hadRole, role) in g
    assert (role, RDF.type, DCAT.Role) in g
    # The target is described, so the document stands on its own.
    assert (ref(other), RDF.type, DCAT.Dataset) in g
    assert g.value(ref(other), DCT.title) is not None
    source = URIRef("https://data.rivm.nl/meta/srv/dut/catalog.search#/metadata/lucht")
    assert (ref(dataset), dcat.PROV.wasDerivedFrom, source) in g


def test_relation_to_a_draft_does_not_leak(client):
    dataset = DatasetFactory(published=True)
    draft = DatasetFactory(title={"en": "Secret plans"})
    DatasetRelation.objects.create(dataset=dataset, target=draft)

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    assert g.value(ref(dataset), DCAT.qualifiedRelation) is None
    assert (None, None, ref(draft)) not in g
    assert (None, None, Literal("Secret plans", lang="en")) not in g


def test_catalog_page_names_the_data_services_of_its_datasets(client):
    dataset = make_rich_dataset()
    service = URIRef("http://127.0.0.1:8000/data-services/lucht-api/")

    g = rdf(client, f"/catalog.ttl?publisher={dataset.publisher.slug}")

    assert (dcat.catalog_ref(), DCAT.service, service) in g
    assert (service, RDF.type, DCAT.DataService) in g
    assert (service, DCAT.servesDataset, ref(dataset)) in g
    assert (service, DCAT.endpointURL, URIRef("https://api.example.org/traffic")) in g
    assert (
        service,
        DCAT.endpointDescription,
        URIRef("https://api.utrecht.nl/lucht/openapi.json"),
    ) in g


@pytest.mark.parametrize(
    "suffix,fmt", [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")]
)
def test_every_serialisation_gives_the_same_graph(client, suffix, fmt):
    dataset = make_rich_dataset()

    response = client.get(f"/datasets/{dataset.slug}.{suffix}")
    g = Graph().parse(data=response.getvalue(), format=fmt)

    assert response["Content-Type"].startswith(dcat.FORMATS[suffix].content_type)
    assert isomorphic(g, dcat.to_graph(dcat.dataset_document(dataset)))


def test_hand_written_writers_match_rdflib(client):
    dataset = make_rich_dataset(
        description={"en": 'Quotes " and \\ backslashes\nand lines\r\n\ttabs', "nl": "x"},
        version="1\x07.0",
        landing_page="https://example.org/a b{c}",
    )
    triples = list(dcat.dataset_document(dataset))
    expected = dcat.to_graph(triples)

    for suffix, fmt in (("nt", "nt"), ("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")):
        text = "".join(dcat.WRITERS[suffix](triples))
        assert isomorphic(Graph().parse(data=text, format=fmt), expected), suffix


def test_language_tags_survive_for_any_language(client):
    dataset = DatasetFactory(
        published=True,
        title={"nl": "Titel", "en": "Title", "fy": "Titel (Frysk)", "de-CH": "Titel (CH)"},
    )

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    titles = set(g.objects(ref(dataset), DCT.title))
    assert {(str(t), t.language) for t in titles} == {
        ("Titel", "nl"),
        ("Title", "en"),
        ("Titel (Frysk)", "fy"),
        ("Titel (CH)", "de-CH"),
    }


def test_dates_fall_back_to_publication_and_metadata_change(client):
    dataset = DatasetFactory(published=True)
    dataset.refresh_from_db()

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    issued = g.value(ref(dataset), DCT.issued)
    modified = g.value(ref(dataset), DCT.modified)
    assert issued.datatype == XSD.dateTime
    assert issued.toPython() == dataset.published_at
    assert modified.toPython() == dataset.updated_at


@pytest.mark.parametrize("status", [Dataset.Status.DRAFT, Dataset.Status.WITHDRAWN])
def test_unpublished_dataset_has_no_document_even_for_members(client, alice, publisher, status):
    dataset = DatasetFactory(publisher=publisher, status=status)
    client.force_login(alice)

    for suffix in dcat.FORMATS:
        assert client.get(f"/datasets/{dataset.slug}.{suffix}").status_code == 404
    response = client.get(f"/datasets/{dataset.slug}/", HTTP_ACCEPT="text/turtle")
    assert not response["Content-Type"].startswith("text/turtle")


def test_unknown_suffix_is_not_found(client):
    dataset = DatasetFactory(published=True)

    assert client.get(f"/datasets/{dataset.slug}.json").status_code == 404


def test_uri_stays_when_slug_changes(client):
    dataset = DatasetFactory(published=True, slug="first-name")
    uri = dataset.uri
    dataset.slug = "second-name"
    dataset.save()

    g = rdf(client, "/datasets/second-name.ttl")

    assert uri.endswith("/datasets/first-name/")
    assert (URIRef(uri), RDF.type, DCAT.Dataset) in g


def test_harvested_dataset_keeps_source_uri_and_identifier(client):
    dataset = DatasetFactory(
        published=True,
        uri="https://data.example.org/id/dataset/42",
        identifier="source-42",
    )

    g = rdf(client, f"/datasets/{dataset.slug}.ttl")

    s = URIRef("https://data.example.org/id/dataset/42")
    assert (s, RDF.type, DCAT.Dataset) in g
    assert (s, DCT.identifier, Literal("source-42")) in g


# Publishers, data services, distributions -------------------------------------------------


def test_publisher_document_is_a_foaf_agent(client):
    PublisherFactory(
        slug="kadaster",
        name={"nl": "Kadaster", "en": "Land Registry"},
        publisher_type=concept(Concept.Scheme.PUBLISHER_TYPE, "NationalAuthority"),
    )
    agent = URIRef("http://127.0.0.1:8000/publishers/kadaster/")

    g = rdf(client, "/publishers/kadaster.jsonld", fmt="json-ld")

    assert (agent, RDF.type, FOAF.Agent) in g
    assert (agent, FOAF.name, Literal("Land Registry", lang="en")) in g
    national = URIRef("http://purl.org/adms/publishertype/NationalAuthority")
    assert (agent, DCT.type, national) in g
    assert (agent, FOAF.mbox, URIRef("mailto:data@example.org")) in g


def test_data_service_document_lists_only_published_datasets(client):
    published = DatasetFactory(published=True)
    draft = DatasetFactory()
    service = DataServiceFactory(
        slug="traffic",
        contact_email="api@example.org",
        description={"en": "Live counts."},
        endpoint_description="https://api.example.org/openapi.json",
        conforms_to=["https://spec.openapis.org/oas/v3.1.0"],
        licence=LicenceFactory(),
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "PUBLIC"),
    )
    service.serves_datasets.set([published, draft])
    service.themes.set([concept(Concept.Scheme.THEME, "TRAN")])
    s = URIRef("http://127.0.0.1:8000/data-services/traffic/")

    g = rdf(client, "/data-services/traffic.ttl")

    assert (s, RDF.type, DCAT.DataService) in g
    assert (s, DCT.title, Literal("Verkeers-API", lang="nl")) in g
    assert (s, DCAT.servesDataset, ref(published)) in g
    assert (ref(published), RDF.type, DCAT.Dataset) in g
    assert (s, DCAT.servesDataset, ref(draft)) not in g
    contact = g.value(s, DCAT.contactPoint)
    assert (contact, VCARD.hasEmail, URIRef("mailto:api@example.org")) in g
    assert (s, DCT.description, Literal("Live counts.", lang="en")) in g
    assert (s, DCAT.endpointURL, URIRef("https://api.example.org/traffic")) in g
    assert (s, DCAT.endpointDescription, URIRef("https://api.example.org/openapi.json")) in g
    assert (s, DCT.conformsTo, URIRef("https://spec.openapis.org/oas/v3.1.0")) in g
    assert (s, DCT.license, URIRef("http://creativecommons.org/licenses/by/4.0/")) in g
    assert (s, DCT.accessRights, URIRef(EU + "access-right/PUBLIC")) in g
    assert (s, DCAT.theme, URIRef(EU + "data-theme/TRAN")) in g
    assert (s, DCT.publisher, URIRef(service.publisher.get_uri())) in g


def test_unpublished_data_service_has_no_document(client):
    DataServiceFactory(slug="hidden", status=Dataset.Status.DRAFT)

    assert client.get("/data-services/hidden.ttl").status_code == 404


def test_distribution_iri_redirects_to_its_dataset(client):
    distribution = DistributionFactory(dataset=DatasetFactory(published=True))
    slug = distribution.dataset.slug

    html = client.get(f"/distributions/{distribution.uuid}")
    turtle = client.get(f"/distributions/{distribution.uuid}", HTTP_ACCEPT="text/turtle")

    assert html.status_code == 303
    assert html["Location"] == f"/datasets/{slug}/"
    assert turtle["Location"] == f"/datasets/{slug}.ttl"
    assert "Accept" in html["Vary"]


# Content negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept,content_type",
    [
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/html;q=0.5, application/ld+json", "application/ld+json"),
    ],
)
def test_dataset_page_negotiates_rdf(client, accept, content_type):
    dataset = DatasetFactory(published=True)

    response = client.get(f"/datasets/{dataset.slug}/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize(
    "accept",
    [
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "*/*",
        "",
        "text/html, text/turtle",
    ],
)
def test_dataset_page_stays_html_for_browsers(client, accept):
    dataset = DatasetFactory(published=True)

    response = client.get(f"/datasets/{dataset.slug}/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


def test_publisher_and_service_pages_negotiate_rdf(client):
    publisher = PublisherFactory(slug="provincie")
    DataServiceFactory(slug="geo-api", publisher=publisher)

    for url in ("/publishers/provincie/", "/data-services/geo-api/"):
        response = client.get(url, HTTP_ACCEPT="text/turtle")
        assert response["Content-Type"].startswith("text/turtle"), url
        assert "Accept" in response["Vary"]


@pytest.mark.parametrize(
    "accept,content_type",
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("*/*", "text/turtle"),
        ("", "text/turtle"),
    ],
)
def test_catalog_negotiates(client, accept, content_type):
    response = client.get("/catalog", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "Accept" in response["Vary"]


def test_catalog_sends_browsers_to_the_dataset_list(client):
    response = client.get("/catalog", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert response.status_code == 303
    assert response["Location"] == "/datasets/"
    assert "Accept" in response["Vary"]


def test_catalog_refuses_unsupported_types(client):
    response = client.get("/catalog", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 406
    assert response["Content-Type"].startswith("text/plain")
    assert "Accept" in response["Vary"]


# The paged catalogue ----------------------------------------------------------------------


def test_catalog_lists_published_datasets_only(client, publisher):
    published = DatasetFactory(published=True, publisher=publisher)
    draft = DatasetFactory(publisher=publisher, title={"en": "Draft title"})
    withdrawn = DatasetFactory(publisher=publisher, status=Dataset.Status.WITHDRAWN)
    catalog = dcat.catalog_ref()

    g = rdf(client, "/catalog.ttl")

    assert (catalog, RDF.type, DCAT.Catalog) in g
    assert (catalog, DCAT.dataset, ref(published)) in g
    assert (None, None, ref(draft)) not in g
    assert (None, None, ref(withdrawn)) not in g
    assert (None, None, Literal("Draft title", lang="en")) not in g


def test_catalog_describes_itself(client):
    catalog = Catalog.get_current()
    catalog.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    catalog.licence = LicenceFactory()
    catalog.save()
    c = dcat.catalog_ref()

    g = rdf(client, "/catalog.ttl")

    assert (c, DCT.title, Literal(catalog.title["en"], lang="en")) in g
    assert (c, DCT.description, Literal(catalog.description["nl"], lang="nl")) in g
    assert (c, DCAT.themeTaxonomy, URIRef(EU + "data-theme")) in g
    assert (c, DCT.language, URIRef(EU + "language/NLD")) in g
    assert (c, DCT.license, URIRef(catalog.licence.uri)) in g
    assert (g.value(c, DCT.publisher), RDF.type, FOAF.Agent) in g
    assert (c, FOAF.homepage, URIRef(catalog.homepage)) in g


def test_catalog_pages_link_with_hydra(client):
    datasets = DatasetFactory.create_batch(5, published=True)
    base = "http://127.0.0.1:8000/catalog.ttl"

    g = rdf(client, "/catalog.ttl?page=2&page_size=2")

    view = URIRef(f"{base}?page_size=2&page=2")
    assert (view, RDF.type, HYDRA.PartialCollectionView) in g
    assert (view, HYDRA.first, URIRef(f"{base}?page_size=2&page=1")) in g
    assert (view, HYDRA.previous, URIRef(f"{base}?page_size=2&page=1")) in g
    assert (view, HYDRA.next, URIRef(f"{base}?page_size=2&page=3")) in g
    assert (view, HYDRA.last, URIRef(f"{base}?page_size=2&page=3")) in g
    collection = dcat.catalog_ref()
    assert (collection, HYDRA.view, view) in g
    assert (collection, HYDRA.totalItems, Literal(5, datatype=XSD.nonNegativeInteger)) in g
    listed = set(g.objects(collection, DCAT.dataset))
    assert listed == {ref(datasets[2]), ref(datasets[3])}


def _link(graph, predicate):
    return next(graph.objects(None, predicate), None)


def test_last_page_has_no_next_and_first_no_previous(client):
    DatasetFactory.create_batch(3, published=True)

    first = rdf(client, "/catalog.ttl?page_size=2")
    last = rdf(client, "/catalog.ttl?page_size=2&page=2")

    assert _link(first, HYDRA.previous) is None
    assert _link(first, HYDRA.next) is not None
    assert _link(last, HYDRA.next) is None


def test_paging_walks_every_dataset_once(client):
    datasets = DatasetFactory.create_batch(7, published=True)
    seen, url = [], "/catalog.nt?page_size=3"
    while url:
        g = rdf(client, url, fmt="nt")
        seen += list(g.objects(dcat.catalog_ref(), DCAT.dataset))
        following = _link(g, HYDRA.next)
        url = str(following).removeprefix("http://127.0.0.1:8000") if following else None

    assert sorted(seen) == sorted(ref(d) for d in datasets)


def test_page_urls_are_encoded_and_built_from_site_url(client, settings):
    settings.SITE_URL = "https://data.example.nl"
    DatasetFactory(published=True, title={"en": "Water & air quality"})
    index_datasets(Dataset.objects.values_list("pk", flat=True))

    g = rdf(client, "/catalog.ttl?q=water+%26+air&page_size=5")

    view = g.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
    assert str(view) == "https://data.example.nl/catalog.ttl?q=water%20%26%20air&page_size=5&page=1"


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=-1",
        "page_size=0",
        "page_size=1001",
        "page_size=ten",
        "modified_since=yesterday",
        "modified_since=2024-13-45",
        "publisher=nobody",
        "theme=NOPE",
    ],
)
def test_invalid_parameters_give_400_with_a_plain_message(client, query):
    response = client.get(f"/catalog.ttl?{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.strip()


def test_page_beyond_the_last_is_not_found(client):
    DatasetFactory(published=True)

    assert client.get("/catalog.ttl?page=3").status_code == 404


def test_catalog_filters_by_publisher_theme_and_modified_since(client, publisher):
    mine = DatasetFactory(published=True, publisher=publisher)
    other = DatasetFactory(published=True, themes=[concept(Concept.Scheme.THEME, "ENVI")])
    old = DatasetFactory(published=True, publisher=publisher)
    Dataset.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()

    def listed(query):
        g = rdf(client, f"/catalog.ttl?{query}")
        return set(g.objects(dcat.catalog_ref(), DCAT.dataset))

    assert listed(f"publisher={publisher.slug}") == {ref(mine), ref(old)}
    assert listed("theme=ENVI") == {ref(other)}
    assert listed(f"theme={EU}data-theme/ENVI") == {ref(other)}
    assert listed(f"modified_since={since}") == {ref(mine), ref(other)}
    assert listed(f"publisher={publisher.slug}&modified_since={since}T00:00:00Z") == {ref(mine)}


def test_catalog_searches_with_q(client):
    wanted = DatasetFactory(published=True, title={"en": "Bicycle counts"})
    DatasetFactory(published=True, title={"en": "Tree register"})
    index_datasets(Dataset.objects.values_list("pk", flat=True))

    g = rdf(client, "/catalog.ttl?q=bicycle")

    assert set(g.objects(dcat.catalog_ref(), DCAT.dataset)) == {ref(wanted)}


def _full_dataset(index):
    """A published dataset with everything that costs a query: m2m, contacts, relations,
    distributions with their own licences and languages, a data service."""
    publisher = PublisherFactory(
        publisher_type=concept(Concept.Scheme.PUBLISHER_TYPE, "LocalAuthority")
    )
    dataset = DatasetFactory(
        published=True,
        publisher=publisher,
        creator=PublisherFactory(),
        frequency=concept(Concept.Scheme.FREQUENCY, "DAILY"),
        themes=[concept(Concept.Scheme.THEME, "ENVI")],
        keywords={"nl": [f"woord{index}"], "en": [f"word{index}"]},
    )
    dataset.languages.set([concept(Concept.Scheme.LANGUAGE, "NLD")])
    ContactPointFactory(dataset=dataset)
    for number in range(3):
        distribution = DistributionFactory(
            dataset=dataset,
            licence=LicenceFactory(
                code=f"L{index}-{number}", uri=f"https://l.example.org/{index}/{number}"
            ),
            checksum=CHECKSUM,
        )
        distribution.languages.set([concept(Concept.Scheme.LANGUAGE, "ENG")])
    target = DatasetFactory(published=True)  # theme TRAN: not on the filtered page
    DatasetRelation.objects.create(dataset=dataset, target=target)
    DatasetRelation.objects.create(dataset=dataset, target_uri=f"https://x.example.org/{index}")
    DataServiceFactory(publisher=publisher).serves_datasets.set([dataset])


def test_catalog_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    for index in range(2):
        _full_dataset(index)
    # 32: one query of usage-policy rules (catalog.dcat.policy_triples) for the page's
    # datasets and one for the related datasets it describes.
    with django_assert_max_num_queries(32) as small:
        client.get("/catalog.ttl?theme=ENVI").getvalue()
    for index in range(2, 12):
        _full_dataset(index)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/catalog.ttl?theme=ENVI")
        g = Graph().parse(data=response.getvalue(), format="turtle")

    assert len(set(g.objects(dcat.catalog_ref(), DCAT.dataset))) == 12
    assert len(set(g.subjects(RDF.type, DCAT.Distribution))) == 36


# The bulk export ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,parser", [("nt", "nt"), ("ttl", "turtle")])
def test_export_command_writes_the_whole_catalogue(tmp_path, fmt, parser):
    rich = make_rich_dataset()
    plain = DatasetFactory.create_batch(4, published=True)
    draft = DatasetFactory()
    output = tmp_path / f"catalog.{fmt}"

    call_command("export_dcat", "--format", fmt, "--output", str(output), "--chunk-size", "2")

    g = Graph().parse(output, format=parser)
    listed = set(g.objects(dcat.catalog_ref(), DCAT.dataset))
    assert listed == {
        ref(d) for d in [rich, *plain, Dataset.objects.get(slug="luchtkwaliteit-2023")]
    }
    assert (ref(draft), None, None) not in g
    # Every concept is described once per export, however many datasets use it.
    tran = URIRef(EU + "data-theme/TRAN")
    assert len(list(g.triples((tran, SKOS.prefLabel, None)))) == 2


@pytest.mark.parametrize("fmt,parser", [("nt", "nt"), ("ttl", "turtle")])
def test_streamed_export_is_the_same_rdf_as_an_rdflib_graph(tmp_path, fmt, parser):
    make_rich_dataset()
    DatasetFactory.create_batch(3, published=True)
    output = tmp_path / f"catalog.{fmt}"

    call_command("export_dcat", "--format", fmt, "--output", str(output), "--chunk-size", "2")

    expected = dcat.to_graph(t for chunk in dcat.export_chunks(chunk_size=2) for t in chunk)
    assert isomorphic(Graph().parse(output, format=parser), expected)


def test_export_to_stdout(capsys):
    DatasetFactory(published=True)

    out = io.StringIO()
    call_command("export_dcat", "--format", "nt", stdout=out)

    g = Graph().parse(data=out.getvalue(), format="nt")
    assert len(set(g.objects(dcat.catalog_ref(), DCAT.dataset))) == 1


# schema.org -----------------------------------------------------------------------------


def _schema_org(dataset) -> dict:
    import json
    import re

    from django.template.loader import render_to_string

    html = render_to_string("catalog/_schema_org.html", {"dataset": dataset})
    match = re.fullmatch(
        r'\s*<script type="application/ld\+json">(.*)</script>\s*', html, flags=re.DOTALL
    )
    assert match, html
    return json.loads(match.group(1))


def test_schema_org_dataset_carries_what_search_engines_read():
    dataset = make_rich_dataset()

    data = _schema_org(dataset)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Dataset"
    assert data["name"] == "Air quality 2024"
    assert data["description"] == "Measurements of particulate matter."
    assert data["url"] == "http://127.0.0.1:8000/datasets/luchtkwaliteit-2024/"
    assert data["identifier"] == "utrecht-lucht-2024"
    assert set(data["keywords"]) == {"lucht", "fijnstof", "air", "particulate matter"}
    assert data["license"] == "http://creativecommons.org/licenses/by/4.0/"
    assert data["publisher"]["name"] == "City of Utrecht"
    assert data["creator"]["name"] == "National Institute for Public Health"
    assert data["temporalCoverage"] == "2024-01-01/2024-12-31"
    assert data["spatialCoverage"]["name"] == "Utrecht (city)"
    assert data["spatialCoverage"]["geo"]["box"] == "52.03 5.0 52.14 5.2"
    csv = next(d for d in data["distribution"] if d["encodingFormat"] == "text/csv")
    assert csv["contentUrl"] == "https://data.utrecht.nl/lucht/2024.csv"


def test_schema_org_follows_the_visitors_language():
    from django.utils import translation

    dataset = make_rich_dataset()

    with translation.override("nl"):
        data = _schema_org(dataset)

    assert data["name"] == "Luchtkwaliteit 2024"


def test_schema_org_script_cannot_be_closed_by_a_value():
    dataset = DatasetFactory(
        published=True, title={"en": "</script><script>alert(1)</script> & more"}
    )

    data = _schema_org(dataset)

    assert data["name"] == "</script><script>alert(1)</script> & more"


def test_schema_org_is_left_out_for_unpublished_datasets():
    from django.template.loader import render_to_string

    dataset = DatasetFactory()

    assert render_to_string("catalog/_schema_org.html", {"dataset": dataset}).strip() == ""


@pytest.mark.django_db(transaction=True)
def test_export_reads_ahead_in_a_second_thread_outside_transactions(tmp_path):
    # With committed data the export reads the next chunk on another connection while it
    # writes this one; the output must be the same complete catalogue.
    datasets = DatasetFactory.create_batch(5, published=True)
    DatasetFactory()  # a draft
    output = tmp_path / "catalog.nt"

    call_command("export_dcat", "--format", "nt", "--output", str(output), "--chunk-size", "2")

    g = Graph().parse(output, format="nt")
    assert set(g.objects(dcat.catalog_ref(), DCAT.dataset)) == {ref(d) for d in datasets}
    assert len(set(g.subjects(RDF.type, DCAT.Dataset))) == 5


def test_dataset_page_embeds_the_schema_org_dataset(client):
    import json
    import re

    dataset = make_rich_dataset()

    html = client.get(f"/datasets/{dataset.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert [json.loads(block)["name"] for block in blocks] == ["Air quality 2024"]
