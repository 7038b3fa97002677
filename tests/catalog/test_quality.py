"""Metadata quality: the EU-compatible score, the portal's own criteria, and where they show."""

import datetime
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from catalog import quality, search
from catalog.models import (
    Column,
    Concept,
    Dataset,
    DistributionProfile,
    LinkCheck,
    QualityScore,
)
from tests.catalog.test_dcat_conformance import VALIDATOR, validate, violations
from tests.factories import (
    ContactPointFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    concept,
)

pytestmark = pytest.mark.django_db

DQV = Namespace("http://www.w3.org/ns/dqv#")
S = Concept.Scheme
TODAY = timezone.localdate()


def complete(**kwargs) -> Dataset:
    """A published dataset that meets every criterion: 405 points."""
    values = {
        "published": True,
        "keywords": {"en": ["traffic"]},
        "spatial_uri": "https://sws.geonames.org/2745912/",
        "temporal_start": datetime.date(2020, 1, 1),
        "issued": datetime.date(2024, 1, 1),
        "modified": TODAY - datetime.timedelta(days=3),
        "frequency": concept(S.FREQUENCY, "MONTHLY"),
    }
    dataset = DatasetFactory(**{**values, **kwargs})
    ContactPointFactory(dataset=dataset)
    distribution = DistributionFactory(
        dataset=dataset,
        title={"en": "Counts"},
        rights={"en": "© City of Utrecht"},
        byte_size=1234,
    )
    LinkCheck.objects.create(distribution=distribution, status=LinkCheck.Status.OK)
    DistributionProfile.objects.create(distribution=distribution, status="ok")
    Column.objects.create(distribution=distribution, name="count", type="integer")
    return dataset


def score(dataset, today=TODAY) -> dict:
    (item,) = quality._load([dataset.pk])
    return quality.assess(item, today)


def by_code(result, key="criteria") -> dict:
    return {entry["code"]: entry for entry in result[key]}


def unmet(result) -> set[str]:
    return {entry["code"] for entry in result["criteria"] if not entry["met"]}


def test_complete_dataset_scores_every_point():
    result = score(complete())

    assert unmet(result) == set()
    assert result["score"] == 405
    assert result["band"] == QualityScore.Band.EXCELLENT
    assert result["portal_score"] == 100


def test_criteria_weigh_as_the_eu_assessment():
    weights = {c.code: c.max for c in quality.CRITERIA}

    assert sum(weights.values()) == 405
    assert quality.dimension_maxima() == {
        "findability": 100,
        "accessibility": 100,
        "interoperability": 110,
        "reusability": 75,
        "contextuality": 20,
    }
    assert weights["access_url_reachable"] == 50
    assert weights["dcat_ap"] == 30
    assert weights["access_rights_vocabulary"] == 5


def _first(dataset):
    return dataset.distributions.get()


def _set(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


MUTATIONS = {
    "keywords": (lambda d: d.keywords.clear(), {"keywords"}),
    "themes": (lambda d: d.themes.clear(), {"themes"}),
    "spatial": (lambda d: _set(d, spatial_uri=""), {"spatial"}),
    "temporal": (lambda d: _set(d, temporal_start=None), {"temporal"}),
    "access_url_reachable": (
        lambda d: LinkCheck.objects.filter(distribution__dataset=d).update(status="broken"),
        {"access_url_reachable", "download_url_reachable"},
    ),
    "download_url": (
        lambda d: _set(_first(d), download_url=""),
        {"download_url", "download_url_reachable"},
    ),
    "download_url_reachable": (
        lambda d: LinkCheck.objects.filter(distribution__dataset=d).update(status="unknown"),
        {"access_url_reachable", "download_url_reachable"},
    ),
    "format": (
        lambda d: _set(_first(d), format=None),
        {"format", "non_proprietary", "machine_readable"},
    ),
    "media_type": (lambda d: _set(_first(d), media_type=""), {"media_type"}),
    "format_vocabulary": (
        lambda d: _set(
            _first(d),
            media_type="application/x-home-made",
            format=Concept.objects.create(
                scheme=S.FILE_TYPE, code="HOME", uri="https://example.org/formats/home"
            ),
        ),
        # A format from outside the EU table also fails the DCAT-AP check.
        {"format_vocabulary", "non_proprietary", "machine_readable", "dcat_ap"},
    ),
    "non_proprietary": (
        lambda d: _set(_first(d), format=concept(S.FILE_TYPE, "XLSX")),
        {"non_proprietary"},
    ),
    "machine_readable": (
        lambda d: _set(_first(d), format=concept(S.FILE_TYPE, "HTML")),
        {"machine_readable"},
    ),
    "dcat_ap": (lambda d: _set(d, description={}), {"dcat_ap"}),
    "licence": (lambda d: _set(d, licence=None), {"licence", "licence_vocabulary"}),
    "licence_vocabulary": (
        lambda d: _set(
            d, licence=LicenceFactory(code="OWN", uri="https://example.org/our-licence")
        ),
        {"licence_vocabulary"},
    ),
    "access_rights": (
        lambda d: _set(d, access_rights=None),
        {"access_rights", "access_rights_vocabulary"},
    ),
    "access_rights_vocabulary": (
        lambda d: _set(
            d,
            access_rights=Concept.objects.create(
                scheme=S.ACCESS_RIGHT, code="OPEN", uri="https://example.org/rights/open"
            ),
        ),
        {"access_rights_vocabulary", "dcat_ap"},
    ),
    "contact_point": (lambda d: d.contact_points.all().delete(), {"contact_point"}),
    "rights": (lambda d: _set(_first(d), rights={}), {"rights"}),
    "byte_size": (lambda d: _set(_first(d), byte_size=None), {"byte_size"}),
    "issued": (lambda d: _set(d, issued=None, published_at=None), {"issued"}),
}


@pytest.mark.parametrize("code", sorted(MUTATIONS))
def test_each_criterion_is_missed_when_its_property_is(code):
    dataset = complete()
    mutate, missed = MUTATIONS[code]
    mutate(dataset)

    result = score(Dataset.objects.get(pk=dataset.pk))

    assert unmet(result) == missed
    assert by_code(result)[code]["points"] == 0
    lost = sum(c.max for c in quality.CRITERIA if c.code in missed)
    assert result["score"] == 405 - lost


def test_criteria_without_a_way_to_miss_them_fall_back_to_what_dcat_publishes():
    # Every dataset has a publisher, and DCAT falls back to the metadata's own dates.
    dataset = complete(modified=None)
    Dataset.objects.filter(pk=dataset.pk).update(issued=None)

    result = by_code(score(Dataset.objects.get(pk=dataset.pk)))

    assert result["publisher"]["met"]
    assert result["modified"]["met"]  # from updated_at
    assert result["issued"]["met"]  # from published_at


def test_bounding_box_or_place_name_is_spatial_coverage():
    boxed = complete(spatial_uri="", bbox_west=5, bbox_south=52, bbox_east=5.2, bbox_north=52.2)
    named = complete(spatial_uri="", spatial_label={"nl": "Utrecht"})

    assert by_code(score(boxed))["spatial"]["met"]
    assert by_code(score(named))["spatial"]["met"]


def test_uploaded_file_counts_as_reachable_without_a_link_check():
    dataset = complete()
    distribution = _first(dataset)
    distribution.link_check.delete()
    distribution.file.save("counts.csv", io.BytesIO(b"a,b\n1,2\n"), save=False)
    _set(distribution, access_url="", download_url="")

    result = score(Dataset.objects.get(pk=dataset.pk))

    assert unmet(result) == set()


def test_distribution_points_are_averaged_over_distributions():
    dataset = complete()
    DistributionFactory(
        dataset=dataset,
        title={"en": "Scan"},
        format=None,
        rights={"en": "©"},
        byte_size=10,
    )
    extra = dataset.distributions.get(title__en="Scan")
    LinkCheck.objects.create(distribution=extra, status=LinkCheck.Status.OK)

    result = score(dataset)
    fmt = by_code(result)["format"]

    assert fmt["points"] == 10  # 20 points, met by one of two
    assert (fmt["count"], fmt["total"], fmt["met"]) == (1, 2, False)
    assert fmt["missing"] == ["Scan"]
    assert by_code(result)["machine_readable"]["points"] == 10
    assert result["score"] == 405 - 10 - 10 - 10


def test_dataset_without_distributions_gets_no_distribution_points():
    dataset = complete()
    dataset.distributions.all().delete()

    result = score(dataset)
    distribution_level = {c.code for c in quality.CRITERIA if c.scope == quality.DISTRIBUTION}

    assert unmet(result) == distribution_level
    assert result["score"] == 405 - sum(
        c.max for c in quality.CRITERIA if c.code in distribution_level
    )


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (405, "excellent"),
        (351, "excellent"),
        (350, "good"),
        (221, "good"),
        (220, "sufficient"),
        (121, "sufficient"),
        (120, "bad"),
        (0, "bad"),
    ],
)
def test_bands_follow_the_eu_thresholds(points, band):
    assert quality.band_for(points) == band


def test_bare_dataset_is_bad():
    dataset = DatasetFactory(licence=None, access_rights=None)
    dataset.themes.clear()

    result = score(dataset)

    assert result["band"] == "bad"
    assert result["score"] == 10 + 30 + 5  # publisher, DCAT-AP, metadata modification date


# Portal criteria ----------------------------------------------------------------------


def test_structure_described_needs_a_profile_with_columns():
    dataset = complete()
    distribution = _first(dataset)
    entry = by_code(score(dataset), "portal_criteria")["structure_described"]
    assert entry["met"] and entry["applicable"]

    distribution.columns.all().delete()
    result = score(dataset)
    assert not by_code(result, "portal_criteria")["structure_described"]["met"]
    assert result["portal_score"] == 70

    distribution.profile.delete()
    assert not by_code(score(dataset), "portal_criteria")["structure_described"]["met"]


def test_structure_is_not_asked_of_files_that_are_no_tables():
    dataset = complete()
    _set(_first(dataset), format=concept(S.FILE_TYPE, "PDF"))
    _set(_first(dataset).profile, status=DistributionProfile.Status.NOT_TABULAR)

    result = score(dataset)
    entry = by_code(result, "portal_criteria")["structure_described"]

    assert not entry["applicable"]
    assert result["portal_score"] == 100  # the other two are met, this one is left out


def test_reuse_conditions_of_restricted_data_need_a_rights_statement():
    dataset = complete(access_rights=concept(S.ACCESS_RIGHT, "RESTRICTED"))

    assert by_code(score(dataset), "portal_criteria")["reuse_conditions"]["met"]

    _set(_first(dataset), rights={})
    assert not by_code(score(dataset), "portal_criteria")["reuse_conditions"]["met"]


def test_reuse_conditions_need_licence_and_access_rights():
    no_licence = complete(licence=None)
    no_rights = complete(access_rights=None)

    assert not by_code(score(no_licence), "portal_criteria")["reuse_conditions"]["met"]
    assert not by_code(score(no_rights), "portal_criteria")["reuse_conditions"]["met"]


@pytest.mark.parametrize(
    ("frequency", "days_ago", "met", "applicable"),
    [
        ("MONTHLY", 30, True, True),
        ("MONTHLY", 45, False, True),
        ("DAILY", 1, True, True),
        ("DAILY", 3, False, True),
        ("ANNUAL", 400, True, True),
        ("ANNUAL", 500, False, True),
        ("IRREG", 3000, False, False),
        ("UNKNOWN", 3000, False, False),
    ],
)
def test_updated_on_time_compares_modified_with_the_frequency(frequency, days_ago, met, applicable):
    dataset = complete(frequency=concept(S.FREQUENCY, frequency))
    _set(dataset, modified=TODAY - datetime.timedelta(days=days_ago))

    entry = by_code(score(dataset), "portal_criteria")["updated_on_time"]

    assert (entry["met"], entry["applicable"]) == (met, applicable)


def test_updated_on_time_without_a_frequency_is_missed():
    dataset = complete(frequency=None)

    entry = by_code(score(dataset), "portal_criteria")["updated_on_time"]

    assert entry["applicable"] and not entry["met"]


def test_updated_on_time_falls_back_to_the_metadata_modification():
    dataset = complete(modified=None, frequency=concept(S.FREQUENCY, "WEEKLY"))
    today = timezone.localdate()

    assert by_code(score(dataset, today), "portal_criteria")["updated_on_time"]["met"]
    later = today + datetime.timedelta(days=30)
    assert not by_code(score(dataset, later), "portal_criteria")["updated_on_time"]["met"]


# Storing and recomputing ----------------------------------------------------------------


def test_score_datasets_stores_rows_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    datasets = [complete() for _ in range(3)]

    with django_assert_max_num_queries(10):
        assert quality.score_datasets([d.pk for d in datasets] + [999999]) == 3

    stored = QualityScore.objects.get(dataset=datasets[0])
    assert stored.score == 405 and stored.band == "excellent"
    assert {entry["code"] for entry in stored.criteria} == {c.code for c in quality.CRITERIA}


def test_changes_are_scored_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = complete()
    assert QualityScore.objects.get(dataset=dataset).score == 405

    with django_capture_on_commit_callbacks(execute=True):
        dataset.keywords.clear()
    assert QualityScore.objects.get(dataset=dataset).score == 375

    with django_capture_on_commit_callbacks(execute=True):
        dataset.contact_points.all().delete()
    assert QualityScore.objects.get(dataset=dataset).score == 355

    with django_capture_on_commit_callbacks(execute=True):
        _set(_first(dataset), byte_size=None)
    assert QualityScore.objects.get(dataset=dataset).score == 350


def test_a_link_check_rescores_the_dataset(django_capture_on_commit_callbacks):
    dataset = complete()  # scored nowhere yet: the test transaction never commits
    check = _first(dataset).link_check

    with django_capture_on_commit_callbacks(execute=True):
        check.status = LinkCheck.Status.BROKEN
        check.save()

    stored = QualityScore.objects.get(dataset=dataset)
    assert stored.score == 405 - 50 - 30
    assert stored.band == "good"


def test_a_structure_profile_rescores_the_dataset(django_capture_on_commit_callbacks):
    dataset = complete()
    profile = _first(dataset).profile

    with django_capture_on_commit_callbacks(execute=True):
        profile.status = DistributionProfile.Status.FAILED
        profile.save()
    assert QualityScore.objects.get(dataset=dataset).portal_score == 70

    with django_capture_on_commit_callbacks(execute=True):
        profile.status = DistributionProfile.Status.OK
        profile.save()
    assert QualityScore.objects.get(dataset=dataset).portal_score == 100


def test_many_signals_of_one_transaction_score_once(django_capture_on_commit_callbacks):
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            complete()

    table = QualityScore._meta.db_table
    writes = [q for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(writes) == 1


def test_score_datasets_command(publisher, other_publisher):
    mine = complete(publisher=publisher)
    theirs = complete(publisher=other_publisher)
    out = StringIO()

    call_command("score_datasets", "--publisher", publisher.slug, stdout=out)

    assert QualityScore.objects.filter(dataset=mine).exists()
    assert not QualityScore.objects.filter(dataset=theirs).exists()
    assert "Scored 1 datasets." in out.getvalue()
    call_command("score_datasets", "--dataset", theirs.slug, stdout=out)
    assert QualityScore.objects.filter(dataset=theirs).exists()
    with pytest.raises(CommandError):
        call_command("score_datasets", "--dataset", "no-such-dataset")


def test_score_all_datasets_runs_nightly(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "catalog.tasks.score_all_datasets" in tasks


def test_score_all_datasets_task_scores_drafts_too():
    from catalog.tasks import score_all_datasets

    draft = DatasetFactory()
    published = complete()

    assert score_all_datasets.delay().get() == 2
    assert QualityScore.objects.filter(dataset__in=[draft, published]).count() == 2


# Where the score shows ------------------------------------------------------------------


def _scored(**kwargs) -> Dataset:
    dataset = complete(**kwargs)
    quality.score_datasets([dataset.pk])
    return dataset


def _good(**kwargs) -> Dataset:
    dataset = _scored(**kwargs)
    LinkCheck.objects.filter(distribution__dataset=dataset).update(status="broken")
    dataset.keywords.clear()
    quality.score_datasets([dataset.pk])  # 405 - 80 - 30 = 295: good
    return dataset


def test_admin_shows_score_and_how_to_fix_each_missed_criterion(client, alice, publisher):
    dataset = _good(publisher=publisher)
    client.force_login(alice)

    response = client.get(f"/admin/catalog/dataset/{dataset.pk}/change/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "295 of 405 points: Good" in html
    assert str(quality.BY_CODE["keywords"].how_to_fix) in html
    assert "Fix or replace the address of each distribution" in html
    assert "Portal criteria:" in html


def test_admin_scores_a_dataset_that_has_no_score_yet(client, alice, publisher):
    dataset = complete(publisher=publisher)
    client.force_login(alice)

    response = client.get(f"/admin/catalog/dataset/{dataset.pk}/change/")

    assert response.status_code == 200
    assert "405 of 405 points: Excellent" in response.content.decode()


def test_admin_list_filters_and_shows_the_band(client, manager):
    good = _good()
    excellent = _scored()
    client.force_login(manager)

    response = client.get("/admin/catalog/dataset/", {"quality__band": "good"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [good]
    assert "Good (295)" in response.content.decode()
    response = client.get("/admin/catalog/dataset/", {"o": "6"})  # by quality ascending
    assert list(response.context["cl"].result_list)[:2] == [good, excellent]


def test_dataset_page_shows_the_band_in_words(client):
    dataset = _good()

    html = client.get(dataset.get_absolute_url()).content.decode()

    assert "Metadata quality: <strong>Good</strong>" in html
    assert "295 of 405 points" in html


def test_dataset_page_without_a_score_shows_no_band(client):
    dataset = complete()

    response = client.get(dataset.get_absolute_url())

    assert response.status_code == 200
    assert "Metadata quality:" not in response.content.decode()


def test_dataset_list_filters_sorts_and_counts_by_band(client):
    good = _good(slug="good-one")
    excellent = _scored(slug="excellent-one")
    draft = DatasetFactory(slug="secret-draft")
    quality.score_datasets([draft.pk])

    response = client.get("/datasets/", {"quality": "good"})
    listed = [d.slug for d in response.context["page_obj"].object_list]
    assert listed == [good.slug]
    assert "Metadata quality: <strong>Good</strong>" in response.content.decode()

    response = client.get("/datasets/", {"sort": "quality"})
    assert [d.slug for d in response.context["page_obj"].object_list] == [
        excellent.slug,
        good.slug,
    ]
    groups = {group["name"]: group for group in response.context["facet_groups"]}
    counts = {item["value"]: item["count"] for item in groups["quality"]["items"]}
    assert counts == {"excellent": 1, "good": 1}  # the draft's "bad" is not counted


@pytest.mark.parametrize("value", ["superb", "\x00", "good\x00", "x" * 5000, "' OR 1=1 --"])
def test_dataset_list_unknown_band_is_a_400_naming_the_parameter(client, value):
    response = client.get("/datasets/", {"quality": value})

    assert response.status_code == 400
    assert "<code>quality</code>" in response.content.decode()


def test_dataset_search_filtered_by_band(client):
    good = _good(slug="good-one", title={"en": "Traffic counts"})
    _scored(slug="excellent-one", title={"en": "Traffic lights"})
    search.rebuild_index()  # the test transaction never commits, so no signal indexed them

    response = client.get("/datasets/", {"q": "traffic", "quality": "good"})

    assert [d.slug for d in response.context["page_obj"].object_list] == [good.slug]


def test_rest_api_filters_sorts_and_shows_quality(client):
    good = _good(slug="good-one")
    excellent = _scored(slug="excellent-one")
    draft = DatasetFactory(slug="secret-draft")
    quality.score_datasets([draft.pk])

    found = client.get("/api/v1/datasets/", {"quality": ["good", "bad"]}).json()
    slugs = [item["slug"] for item in found["results"]]
    assert slugs == [good.slug]
    assert found["results"][0]["quality"]["band"] == "good"
    assert found["results"][0]["quality"]["score"] == 295

    ordered = client.get("/api/v1/datasets/", {"sort": "quality"}).json()
    assert [item["slug"] for item in ordered["results"]] == [excellent.slug, good.slug]

    bad = client.get("/api/v1/datasets/", {"quality": "superb"})
    assert bad.status_code == 400
    assert "quality" in bad.json()


def test_rest_api_dataset_without_a_score_has_null_quality(client):
    dataset = complete()

    assert client.get(f"/api/v1/datasets/{dataset.slug}/").json()["quality"] is None


def test_ckan_package_carries_score_and_band_as_extras(client):
    dataset = _good()

    package = client.get("/api/3/action/package_show", {"id": dataset.slug}).json()["result"]
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}

    assert extras["quality_score"] == "295"
    assert extras["quality_band"] == "good"


def test_dcat_carries_the_measurements_as_dqv(client):
    dataset = _good()

    graph = Graph().parse(data=client.get(f"/datasets/{dataset.slug}.ttl").content, format="turtle")
    ref = URIRef(dataset.uri)
    values = {}
    for node in graph.objects(ref, DQV.hasQualityMeasurement):
        assert (node, RDF.type, DQV.QualityMeasurement) in graph
        metric = graph.value(node, DQV.isMeasurementOf)
        assert (metric, RDF.type, DQV.Metric) in graph
        values[str(metric).rsplit("-", 1)[1]] = graph.value(node, DQV.value)

    assert values["score"] == Literal(295, datatype=XSD.integer)
    assert values["findability"].toPython() == 70
    assert values["accessibility"].toPython() == 20
    assert values["portal"] == Literal(100, datatype=XSD.integer)


def test_drafts_leak_nowhere_through_quality(client):
    draft = DatasetFactory(slug="secret-draft")
    quality.score_datasets([draft.pk])

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "secret-draft" not in client.get("/datasets/", {"quality": "bad"}).content.decode()
    api = client.get("/api/v1/datasets/", {"quality": "bad"}).json()
    assert api["results"] == []
    assert "secret-draft" not in client.get("/catalog.ttl").content.decode()


@pytest.mark.skipif(not VALIDATOR.exists(), reason="the DCAT-AP validator is not here")
@pytest.mark.parametrize("suffix", ["ttl", "jsonld"])
def test_dqv_measurements_keep_the_document_valid_dcat_ap_3(client, tmp_path, suffix):
    dataset = _good()

    report = validate(client, tmp_path, f"/datasets/{dataset.slug}.{suffix}")

    assert report["conforms"], violations(report)
