"""A public search answered in memory (catalog.facetindex) must agree with the ORM path
on every surface: the same datasets, the same total and the same facet counts, and no
draft counted, also right after a dataset is unpublished."""

import pytest
from django.http import QueryDict

from catalog.filters import DatasetFilter, facet_counts, index_facet_counts
from catalog.models import Concept, Dataset
from tests.factories import (
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    PublisherFactory,
    concept,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(django_capture_on_commit_callbacks):
    """Rivers and roads of two publishers, in several themes, formats and keywords."""
    with django_capture_on_commit_callbacks(execute=True):
        north = PublisherFactory(slug="north")
        south = PublisherFactory(slug="south")
        cc_by = LicenceFactory()
        cc0 = LicenceFactory(
            code="CC0-1.0", uri="http://creativecommons.org/publicdomain/zero/1.0/"
        )
        envi = concept(Concept.Scheme.THEME, "ENVI")
        tran = concept(Concept.Scheme.THEME, "TRAN")
        json_format = concept(Concept.Scheme.FILE_TYPE, "JSON")
        made = []
        for n in range(12):
            dataset = DatasetFactory(
                published=True,
                slug=f"river-{n}",
                title={"en": f"River levels {n}", "nl": f"Waterstanden rivier {n}"},
                publisher=north if n % 2 else south,
                licence=cc_by if n % 3 else cc0,
                themes=[envi] if n % 4 else [envi, tran],
                keywords={"en": ["water", *(["flood"] if n % 5 == 0 else [])]},
            )
            DistributionFactory(dataset=dataset)
            if n % 3 == 0:
                DistributionFactory(dataset=dataset, format=json_format)
            made.append(dataset)
        for n in range(3):
            made.append(
                DatasetFactory(
                    published=True,
                    slug=f"road-{n}",
                    title={"en": f"Road works {n}"},
                    publisher=north,
                    themes=[tran],
                )
            )
        DatasetFactory(slug="river-draft", title={"en": "River draft levels"}, publisher=north)
        DatasetFactory(
            slug="river-withdrawn",
            title={"en": "River withdrawn"},
            publisher=south,
            status=Dataset.Status.WITHDRAWN,
        )
    return made


def _both(params: str):
    data = QueryDict(params)
    orm = DatasetFilter(data, queryset=Dataset.objects.published())
    assert orm.is_valid(), orm.errors
    indexed = DatasetFilter(data, queryset=Dataset.objects.published())
    assert indexed.is_valid()
    result = indexed.from_index()
    assert result is not None, "this search should be answered in memory"
    return orm.qs, result


def _as_dict(facets):
    return {name: {(item.value, item.count) for item in items} for name, items in facets.items()}


@pytest.mark.parametrize(
    "params",
    [
        "q=river",
        "q=levels",
        "q=rivier",
        "q=river&theme=TRAN",
        "q=river&theme=TRAN&theme=ENVI",
        "q=river&publisher=north&publisher=south",
        "q=river&publisher=north&format=JSON",
        "q=river&keyword=flood",
        "q=river&licence=CC-BY-4.0",
        "q=river&licence=CC-BY-4.0&licence=CC0-1.0",
        "q=nothing-like-this",
        "q=road",
        "q=river&quality=bad&quality=sufficient&quality=good&quality=excellent",
        "q=river&quality=excellent",
    ],
)
def test_in_memory_search_agrees_with_the_database(catalogue, params):
    queryset, result = _both(params)

    assert set(result.ids) == set(queryset.values_list("pk", flat=True))
    assert result.count == queryset.count()
    assert _as_dict(index_facet_counts(result)) == _as_dict(facet_counts(queryset, quality=True))


def test_in_memory_search_orders_as_the_database_does(catalogue):
    queryset, result = _both("q=river")

    # Relevance first, then the newest: the ORM's relevance order.
    assert result.ids == list(queryset.values_list("pk", flat=True))


def test_drafts_and_withdrawn_are_never_counted(catalogue):
    _queryset, result = _both("q=river")
    slugs = set(Dataset.objects.filter(pk__in=result.ids).values_list("slug", flat=True))

    assert "river-draft" not in slugs and "river-withdrawn" not in slugs
    assert sum(item.count for item in index_facet_counts(result)["publisher"]) == 12


def test_an_unpublished_dataset_leaves_the_counts_at_once(catalogue, client):
    assert client.get("/datasets/", {"q": "river"}).context["page_obj"].paginator.count == 12

    river = Dataset.objects.get(slug="river-3")
    river.status = Dataset.Status.DRAFT
    river.save()

    response = client.get("/datasets/", {"q": "river"})
    assert response.context["page_obj"].paginator.count == 11
    assert "river-3" not in [d.slug for d in response.context["page_obj"]]
    publishers = {g["name"]: g for g in response.context["facet_groups"]}["publisher"]
    assert sum(item["count"] for item in publishers["items"]) == 11


def test_pages_of_in_memory_results_do_not_overlap(catalogue, client):
    pages = [
        client.get("/api/v1/datasets/", {"q": "river", "page_size": 5, "page": n}).json()
        for n in (1, 2, 3)
    ]

    slugs = [item["slug"] for page in pages for item in page["results"]]
    assert len(slugs) == 12 == len(set(slugs))
    assert "river-draft" not in slugs
    assert pages[2]["next"] is None


def test_rest_and_ckan_searches_agree_on_the_total(catalogue, client):
    rest = client.get("/api/v1/datasets/", {"q": "river", "page_size": 5}).json()
    ckan = client.get("/api/3/action/package_search", {"q": "river", "rows": 5}).json()

    assert rest["count"] == ckan["result"]["count"] == 12
    assert len(rest["results"]) == len(ckan["result"]["results"]) == 5
    names = [r["name"] for r in ckan["result"]["results"]]
    assert [r["slug"] for r in rest["results"]] == names


def test_ckan_facets_from_memory_match_the_database_path(catalogue, client):
    params = {"q": "river", "facet.field": '["organization", "tags", "res_format"]'}
    fast = client.get("/api/3/action/package_search", params).json()["result"]
    # Another sort order takes the database path, over the same matches.
    slow = client.get(
        "/api/3/action/package_search", {**params, "sort": "score desc, name asc"}
    ).json()["result"]

    assert fast["count"] == 12
    assert slow["count"] == 12
    assert fast["facets"] == slow["facets"]


def test_search_page_reads_a_fixed_number_of_queries(
    catalogue, client, django_assert_max_num_queries
):
    client.get("/datasets/", {"q": "river"})  # builds the bitmaps once
    with django_assert_max_num_queries(12):
        client.get("/datasets/", {"q": "river", "theme": "ENVI"})
