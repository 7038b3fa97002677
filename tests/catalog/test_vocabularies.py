from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from rdflib import OWL, SKOS, Graph, Literal, Namespace, URIRef

from catalog import vocabularies
from catalog.models import Concept, Licence, PolicyTemplate
from catalog.vocabularies import load_vocabularies

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "vocabularies"
AT = Namespace("http://publications.europa.eu/ontology/authority/")
EU_OFFICIAL = {"BUL", "CES", "DAN", "DEU", "ELL", "ENG", "EST", "FIN", "FRA", "GLE", "HRV", "HUN"}
EU_OFFICIAL |= {"ITA", "LAV", "LIT", "MLT", "NLD", "POL", "POR", "RON", "SLK", "SLV", "SPA", "SWE"}


def codes(scheme):
    return set(Concept.objects.in_scheme(scheme).values_list("code", flat=True))


@pytest.mark.django_db
def test_migration_loads_every_scheme():
    S = Concept.Scheme
    assert codes(S.THEME) == {code for code, _, _ in vocabularies.THEMES}
    assert len(codes(S.THEME)) == 13
    assert codes(S.ACCESS_RIGHT) == {"PUBLIC", "RESTRICTED", "NON_PUBLIC"}
    assert codes(S.DISTRIBUTION_STATUS) == {"COMPLETED", "DEVELOP", "DEPRECATED", "WITHDRAWN"}
    assert len(codes(S.FILE_TYPE)) >= 40
    assert EU_OFFICIAL | {"FRY", "NOR"} <= codes(S.LANGUAGE)
    assert {"DAILY", "MONTHLY", "ANNUAL", "IRREG", "UNKNOWN", "CONT"} <= codes(S.FREQUENCY)
    assert len(codes(S.PUBLISHER_TYPE)) == 11
    assert {"CC0-1.0", "PDM-1.0", "CC-BY-4.0", "CC-BY-NC-ND-4.0", "EUPL-1.2", "ODbL-1.0"} <= set(
        Licence.objects.values_list("code", flat=True)
    )


@pytest.mark.django_db
def test_concepts_have_uri_scheme_and_both_labels():
    theme = Concept.objects.get(scheme=Concept.Scheme.THEME, code="TRAN")
    assert theme.uri == "http://publications.europa.eu/resource/authority/data-theme/TRAN"
    assert theme.scheme_uri == "http://publications.europa.eu/resource/authority/data-theme"
    assert theme.label == {"en": "Transport", "nl": "Vervoer"}
    local = Concept.objects.get(scheme=Concept.Scheme.PUBLISHER_TYPE, code="LocalAuthority")
    assert local.uri == "http://purl.org/adms/publishertype/LocalAuthority"
    for concept in Concept.objects.exclude(scheme=Concept.Scheme.DOMAIN):
        assert concept.uri.endswith("/" + concept.code)
        assert concept.scheme_uri and concept.label["en"] and concept.label["nl"], concept.uri


@pytest.mark.django_db
def test_languages_list_dutch_and_english_first():
    first = Concept.objects.in_scheme(Concept.Scheme.LANGUAGE).values_list("code", flat=True)[:2]
    assert list(first) == ["NLD", "ENG"]


@pytest.mark.django_db
def test_every_file_type_has_media_type_and_sane_flags():
    file_types = Concept.objects.in_scheme(Concept.Scheme.FILE_TYPE)
    assert all("/" in ft.media_type for ft in file_types)
    flags = {ft.code: (ft.machine_readable, ft.non_proprietary) for ft in file_types}
    assert flags["CSV"] == (True, True)
    assert flags["GEOJSON"] == (True, True)
    assert flags["XLSX"] == (True, False)
    assert flags["PDF"] == (False, False)
    assert file_types.get(code="CSV").extensions == "csv"


@pytest.mark.django_db
def test_licence_flags_follow_the_open_definition():
    licences = {licence.code: licence for licence in Licence.objects.all()}
    assert licences["CC-BY-4.0"].is_open and licences["CC-BY-4.0"].attribution
    assert licences["CC-BY-SA-4.0"].share_alike
    assert not licences["CC-BY-NC-4.0"].is_open
    assert licences["CC0-1.0"].public_domain and licences["CC0-1.0"].is_open
    assert licences["CC0-1.0"].uri == "http://creativecommons.org/publicdomain/zero/1.0/"
    for licence in licences.values():
        assert licence.title["en"] and licence.title["nl"] and licence.url
        if licence.non_commercial or licence.no_derivatives:
            assert not licence.is_open, licence.code


@pytest.mark.django_db
def test_reload_is_idempotent_and_repairs_changes():
    before = (Concept.objects.count(), Licence.objects.count())
    Concept.objects.filter(code="TRAN").update(label={"en": "Changed"})
    Licence.objects.filter(code="CC-BY-NC-4.0").update(is_open=True)

    load_vocabularies(Concept, Licence)
    out = StringIO()
    call_command("load_vocabularies", stdout=out)

    assert (Concept.objects.count(), Licence.objects.count()) == before
    assert Concept.objects.get(scheme="theme", code="TRAN").label["nl"] == "Vervoer"
    assert not Licence.objects.get(code="CC-BY-NC-4.0").is_open
    assert f"Loaded {len(list(vocabularies.concepts()))} concepts" in out.getvalue()


@pytest.mark.django_db
def test_load_fills_an_empty_database():
    PolicyTemplate.objects.all().delete()  # the shipped templates refer to licences and terms
    Concept.objects.all().delete()
    Licence.objects.all().delete()
    n_concepts, n_licences = load_vocabularies(Concept, Licence)
    assert Concept.objects.count() == n_concepts > 150
    assert Licence.objects.count() == n_licences == len(vocabularies.LICENCES)


# Checked against the official tables, when the shared spec directory is there ------------

OFFICIAL_FILES = {
    "theme": "eu/data-theme-skos.rdf",
    "access-right": "eu/access-right-skos.rdf",
    "frequency": "eu/frequency.rdf",
    "file-type": "eu/file-type.rdf",
    "language": "eu/language-inscheme.ttl",
    "distribution-status": "eu/distribution-status-skos.rdf",
    "publisher-type": "adms/ADMS_SKOS_v1.00.rdf",
}
needs_spec = pytest.mark.skipif(
    not SPEC.is_dir(), reason=f"official vocabularies not found at {SPEC}"
)


def deprecated(graph, uri):
    return (uri, OWL.deprecated, Literal(True)) in graph or str(
        graph.value(uri, AT.deprecated)
    ) == "true"


@pytest.fixture(scope="module")
def official():
    graphs = {}

    def parse(name):
        if name not in graphs:
            graphs[name] = Graph().parse(SPEC / name)
        return graphs[name]

    return parse


@needs_spec
@pytest.mark.parametrize("scheme", sorted(OFFICIAL_FILES))
def test_shipped_concepts_exist_in_the_official_table(official, scheme):
    graph = official(OFFICIAL_FILES[scheme])
    shipped = [c for c in vocabularies.concepts() if c["scheme"] == scheme]
    assert shipped
    for concept in shipped:
        uri = URIRef(concept["uri"])
        assert (uri, SKOS.inScheme, URIRef(concept["scheme_uri"])) in graph, uri
        assert not deprecated(graph, uri), uri
        # Where the table has labels, ours are the same words (we capitalise).
        for language in ("en", "nl"):
            labels = graph.objects(uri, SKOS.prefLabel)
            label = next((o for o in labels if o.language == language), None)
            if label is not None:
                assert concept["label"][language].casefold() == str(label).casefold(), uri


@needs_spec
def test_licences_map_to_current_eu_licences(official):
    graph = official("eu/licence-extract.ttl")
    scheme = URIRef(vocabularies.EU + "/licence")
    for eu_uri in vocabularies.EU_LICENCE_CODES:
        assert (URIRef(eu_uri), SKOS.inScheme, scheme) in graph, eu_uri
        assert not deprecated(graph, URIRef(eu_uri)), eu_uri
    for licence in vocabularies.LICENCES:
        if licence["uri"].startswith(vocabularies.EU):
            assert licence["uri"] == f"{vocabularies.EU}/licence/{licence['eu']}"
