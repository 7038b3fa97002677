"""The DCAT-AP completeness hint: which mandatory and recommended properties are missing."""

import pytest

from catalog.completeness import missing_properties
from catalog.models import Concept
from tests.factories import (
    ContactPointFactory,
    DatasetFactory,
    DistributionFactory,
    concept,
)

pytestmark = pytest.mark.django_db


def terms(properties):
    return {prop.term for prop in properties}


def complete_dataset(**kwargs):
    dataset = DatasetFactory(
        keywords={"en": ["traffic"]},
        spatial_uri="https://sws.geonames.org/2745912/",
        temporal_start="2020-01-01",
        **kwargs,
    )
    ContactPointFactory(dataset=dataset)
    DistributionFactory(dataset=dataset, description={"en": "Counts per hour."})
    return dataset


def test_complete_dataset_misses_nothing():
    result = missing_properties(complete_dataset())

    assert result["mandatory"] == []
    assert result["recommended"] == []
    assert result["distributions"] == []
    assert result["count"] == 0


def test_bare_dataset_lists_recommended_properties():
    dataset = DatasetFactory()

    result = missing_properties(dataset)

    assert result["mandatory"] == []
    assert terms(result["recommended"]) == {
        "dcat:contactPoint",
        "dcat:distribution",
        "dcat:keyword",
        "dct:spatial",
        "dct:temporal",
    }
    assert result["count"] == 5


def test_harvested_record_without_title_or_theme_misses_mandatory():
    dataset = DatasetFactory(title={}, description={"en": "  "})
    dataset.themes.clear()

    result = missing_properties(dataset)

    assert terms(result["mandatory"]) == {"dct:title", "dct:description"}
    assert "dcat:theme" in terms(result["recommended"])


def test_bounding_box_or_spatial_label_counts_as_spatial_coverage():
    labelled = DatasetFactory(spatial_label={"nl": "Utrecht"})
    boxed = DatasetFactory(bbox_west=5.0, bbox_south=52.0, bbox_east=5.2, bbox_north=52.2)

    assert "dct:spatial" not in terms(missing_properties(labelled)["recommended"])
    assert "dct:spatial" not in terms(missing_properties(boxed)["recommended"])


def test_distribution_gaps_are_listed_per_distribution():
    dataset = complete_dataset(licence=None)
    bare = DistributionFactory(dataset=dataset, format=None, description={})

    result = missing_properties(dataset)

    gaps = {item["distribution"]: item for item in result["distributions"]}
    assert terms(gaps[bare]["recommended"]) == {"dct:description", "dct:format", "dct:license"}
    assert gaps[bare]["mandatory"] == []
    assert len(gaps) == 2  # the first distribution lacks a licence too
    assert result["count"] == 4


def test_dataset_licence_counts_for_its_distributions():
    dataset = complete_dataset()
    DistributionFactory(
        dataset=dataset,
        licence=None,
        description={"en": "Per day."},
        format=concept(Concept.Scheme.FILE_TYPE, "JSON"),
    )

    assert missing_properties(dataset)["distributions"] == []


def test_labels_are_plain_words():
    result = missing_properties(DatasetFactory())

    contact = next(p for p in result["recommended"] if p.term == "dcat:contactPoint")
    assert str(contact.label) == "Contact point"
    assert str(contact.advice) == "Add someone people can ask about the data."


def test_query_count_is_bounded(django_assert_max_num_queries):
    dataset = complete_dataset()
    DistributionFactory.create_batch(5, dataset=dataset)

    with django_assert_max_num_queries(5):
        missing_properties(dataset)
