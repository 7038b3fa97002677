"""DatasetFilter (GET parameters of dataset lists) and facet_counts, on both databases."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation
from rest_framework import generics, serializers
from rest_framework.test import APIRequestFactory

from catalog import search
from catalog.filters import DatasetFilter, FacetItem, facet_counts
from catalog.models import Concept, Dataset
from tests.factories import (
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    PublisherFactory,
    concept,
)

pytestmark = pytest.mark.django_db


def theme(code):
    return concept(Concept.Scheme.THEME, code)


def language(code):
    return concept(Concept.Scheme.LANGUAGE, code)


def published(**kwargs):
    dataset = DatasetFactory(published=True, **kwargs)
    search.index_dataset(dataset.pk)
    return dataset


def slugs(params, queryset=None):
    filterset = DatasetFilter(params, queryset=queryset or Dataset.objects.published())
    assert filterset.is_valid(), filterset.errors
    return [dataset.slug for dataset in filterset.qs]


def errors(params):
    filterset = DatasetFilter(params, queryset=Dataset.objects.published())
    assert not filterset.is_valid()
    return filterset.errors


# Filters ---------------------------------------------------------------------------------


def test_filter_q_searches_and_sorts_by_relevance():
    published(slug="description", title={"en": "Sensors"}, description={"en": "Bridges."})
    published(slug="title", title={"en": "Bridges"})
    published(slug="other", title={"en": "Budget"})

    assert slugs({"q": "bridges"}) == ["title", "description"]


def test_filter_blank_q_lists_everything_newest_first():
    now = timezone.now()
    published(slug="old", published_at=now - datetime.timedelta(days=3))
    published(slug="new", published_at=now)

    assert slugs({"q": "  "}) == ["new", "old"]
    assert slugs({}) == ["new", "old"]
    assert [d.slug for d in DatasetFilter(queryset=Dataset.objects.published()).qs] == [
        "new",
        "old",
    ]


def test_filter_theme_requires_every_chosen_theme():
    published(slug="transport", themes=[theme("TRAN")])
    published(slug="both", themes=[theme("TRAN"), theme("ENVI")])
    published(slug="environment", themes=[theme("ENVI")])

    assert sorted(slugs({"theme": "TRAN"})) == ["both", "transport"]
    assert slugs({"theme": ["TRAN", "ENVI"]}) == ["both"]


def test_filter_repeated_parameters_from_a_query_string(rf):
    published(slug="transport", themes=[theme("TRAN")])
    published(slug="both", themes=[theme("TRAN"), theme("ENVI")])

    request = rf.get("/datasets/?theme=TRAN&theme=ENVI&theme=")

    assert slugs(request.GET) == ["both"]


def test_filter_publisher_accepts_any_of_the_chosen_slugs():
    published(slug="a", publisher=PublisherFactory(slug="utrecht"))
    published(slug="b", publisher=PublisherFactory(slug="zwolle"))
    published(slug="c", publisher=PublisherFactory(slug="rws"))

    assert slugs({"publisher": "utrecht"}) == ["a"]
    assert sorted(slugs({"publisher": ["utrecht", "zwolle"]})) == ["a", "b"]


def test_filter_format_counts_a_dataset_once():
    csv = published(slug="csv")
    DistributionFactory.create_batch(2, dataset=csv)
    both = published(slug="both")
    DistributionFactory(dataset=both)
    DistributionFactory(dataset=both, format=concept(Concept.Scheme.FILE_TYPE, "JSON"))
    published(slug="none")

    assert sorted(slugs({"format": "CSV"})) == ["both", "csv"]
    assert slugs({"format": ["CSV", "JSON"]}) == ["both"]


def test_filter_licence_and_access_rights():
    cc0 = LicenceFactory(code="CC0-1.0", uri="http://creativecommons.org/publicdomain/zero/1.0/")
    restricted = concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED")
    published(slug="open")
    published(slug="cc0", licence=cc0)
    published(slug="restricted", access_rights=restricted)

    assert sorted(slugs({"licence": "CC-BY-4.0"})) == ["open", "restricted"]
    assert sorted(slugs({"licence": ["CC0-1.0", "CC-BY-4.0"]})) == ["cc0", "open", "restricted"]
    assert slugs({"access_rights": "RESTRICTED"}) == ["restricted"]
    assert slugs({"access_rights": "RESTRICTED", "licence": "CC0-1.0"}) == []


def test_filter_keyword_matches_the_value_in_any_language():
    published(slug="nl", keywords={"nl": ["water"]})
    published(slug="both", keywords={"nl": ["water", "dijk"], "en": ["water"]})
    published(slug="none", keywords={"en": ["budget"]})

    assert sorted(slugs({"keyword": "water"})) == ["both", "nl"]
    assert slugs({"keyword": ["water", "dijk"]}) == ["both"]


def test_filter_language():
    dutch = published(slug="dutch")
    dutch.languages.set([language("NLD")])
    english = published(slug="english")
    english.languages.set([language("ENG"), language("NLD")])

    assert sorted(slugs({"language": "NLD"})) == ["dutch", "english"]
    assert slugs({"language": "ENG"}) == ["english"]


def test_filter_modified_since_and_issued_since():
    old = published(slug="old", issued=datetime.date(2020, 5, 1))
    published(slug="new", issued=datetime.date(2025, 1, 1))
    Dataset.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=40)
    )
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()

    assert slugs({"modified_since": since}) == ["new"]
    assert slugs({"issued_since": "2024-12-31"}) == ["new"]
    assert sorted(slugs({"issued_since": "2020-05-01"})) == ["new", "old"]


def test_filter_combines_search_and_facets():
    published(slug="match", title={"en": "Bridges"}, themes=[theme("TRAN")])
    published(slug="other-theme", title={"en": "Bridges"}, themes=[theme("ENVI")])

    assert slugs({"q": "bridge", "theme": "TRAN"}) == ["match"]


def test_filter_sort_orders():
    now = timezone.now()
    a = published(slug="a", title={"en": "beta"}, published_at=now - datetime.timedelta(days=1))
    published(slug="b", title={"nl": "Alfa"}, published_at=now)
    published(slug="c", title={"en": "Gamma", "nl": "Aardappel"}, published_at=now)
    Dataset.objects.filter(pk=a.pk).update(updated_at=now + datetime.timedelta(hours=1))

    assert slugs({"sort": "newest"}) == ["c", "b", "a"]
    assert slugs({"sort": "modified"})[0] == "a"
    assert slugs({"sort": "relevance"}) == ["c", "b", "a"]  # without q: newest
    with translation.override("en"):
        assert slugs({"sort": "title"}) == ["b", "a", "c"]
    with translation.override("nl"):
        assert slugs({"sort": "title"}) == ["c", "b", "a"]


def test_filter_sort_title_with_a_query():
    published(slug="z", title={"en": "Zebra crossings"})
    published(slug="a", title={"en": "Accidents near crossings"}, description={"en": "crossings"})

    assert slugs({"q": "crossings", "sort": "title"}) == ["a", "z"]


@pytest.mark.parametrize(
    ("params", "parameter", "text"),
    [
        ({"theme": "NOPE"}, "theme", "NOPE"),
        ({"theme": ["TRAN", "NOPE"]}, "theme", "NOPE"),
        ({"publisher": "nobody"}, "publisher", "nobody"),
        ({"format": "DOCX9"}, "format", "DOCX9"),
        ({"licence": "MIT-9"}, "licence", "MIT-9"),
        ({"access_rights": "SECRET"}, "access_rights", "SECRET"),
        ({"keyword": "never-used"}, "keyword", "never-used"),
        ({"language": "XXX"}, "language", "XXX"),
        ({"modified_since": "2024-13-01"}, "modified_since", "modified_since"),
        ({"modified_since": "yesterday"}, "modified_since", "modified_since"),
        ({"issued_since": "31-12-2024"}, "issued_since", "issued_since"),
        ({"sort": "random"}, "sort", "random"),
        ({"theme": ["TRAN"] * 21}, "theme", "at most"),
    ],
)
def test_filter_invalid_parameter_names_it(params, parameter, text):
    theme("TRAN")
    published(slug="a")

    found = errors(params)

    assert list(found) == [parameter]
    message = " ".join(found[parameter])
    assert text in message
    assert parameter in message


def test_filter_invalid_parameters_keep_the_valid_ones():
    published(slug="transport", themes=[theme("TRAN")])
    published(slug="environment", themes=[theme("ENVI")])
    filterset = DatasetFilter({"theme": "TRAN", "sort": "random"}, queryset=Dataset.objects.all())

    assert not filterset.is_valid()
    assert [d.slug for d in filterset.qs] == ["transport"]


def test_filter_hostile_search_input_never_fails():
    published(slug="a", title={"en": "Traffic"})

    for query in ['"', "*", "AND", "NEAR(", "-", ":", "'", "\\", "x" * 5000, "😀", "%s"]:
        assert slugs({"q": query}) in ([], ["a"])


class _DatasetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dataset
        fields = ["slug"]


class _DatasetList(generics.ListAPIView):
    serializer_class = _DatasetSerializer
    filterset_class = DatasetFilter
    pagination_class = None

    def get_queryset(self):
        return Dataset.objects.visible_to(self.request.user)


def _api(query_string):
    request = APIRequestFactory().get("/api/datasets/" + query_string)
    request.user = AnonymousUser()
    return _DatasetList.as_view()(request)


def test_filter_works_as_the_drf_filterset_class():
    published(slug="match", title={"en": "Bridges"}, themes=[theme("TRAN")])
    published(slug="other", title={"en": "Budget"}, themes=[theme("TRAN")])
    DatasetFactory(slug="draft", title={"en": "Bridges"})

    response = _api("?q=bridges&theme=TRAN")

    assert response.status_code == 200
    assert [item["slug"] for item in response.data] == ["match"]


def test_filter_drf_answers_400_naming_the_parameter():
    response = _api("?theme=NOPE&modified_since=never")

    assert response.status_code == 400
    assert set(response.data) == {"theme", "modified_since"}


# Facet counts ----------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    utrecht = PublisherFactory(slug="utrecht", name={"en": "Utrecht", "nl": "Utrecht"})
    zwolle = PublisherFactory(slug="zwolle", name={"en": "Zwolle", "nl": "Zwolle"})
    cc0 = LicenceFactory(code="CC0-1.0", uri="http://creativecommons.org/publicdomain/zero/1.0/")
    a = published(
        slug="a",
        publisher=utrecht,
        themes=[theme("TRAN"), theme("ENVI")],
        keywords={"nl": ["verkeer"], "en": ["verkeer", "traffic"]},
    )
    a.languages.set([language("NLD")])
    DistributionFactory.create_batch(2, dataset=a)  # two CSVs: counted once
    b = published(
        slug="b",
        publisher=utrecht,
        themes=[theme("TRAN")],
        keywords={"nl": ["verkeer"]},
        licence=cc0,
    )
    DistributionFactory(dataset=b, format=concept(Concept.Scheme.FILE_TYPE, "JSON"))
    published(
        slug="c",
        publisher=zwolle,
        themes=[theme("ENVI")],
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED"),
    )
    draft = DatasetFactory(
        slug="draft",
        publisher=zwolle,
        themes=[theme("AGRI")],
        keywords={"nl": ["geheim"]},
        licence=cc0,
    )
    DistributionFactory(dataset=draft, format=concept(Concept.Scheme.FILE_TYPE, "XML"))
    draft.languages.set([language("ENG")])
    search.rebuild_index()  # links added after creation reach the index too


def as_dict(items):
    return {item.value: item.count for item in items}


def test_facet_counts_over_published_datasets(catalogue):
    with translation.override("en"):
        facets = facet_counts(Dataset.objects.visible_to(AnonymousUser()))

    assert set(facets) == {
        "theme",
        "publisher",
        "format",
        "licence",
        "access_rights",
        "keyword",
        "language",
    }
    assert as_dict(facets["theme"]) == {"TRAN": 2, "ENVI": 2}
    assert as_dict(facets["publisher"]) == {"utrecht": 2, "zwolle": 1}
    assert as_dict(facets["format"]) == {"CSV": 1, "JSON": 1}
    assert as_dict(facets["licence"]) == {"CC-BY-4.0": 2, "CC0-1.0": 1}
    assert as_dict(facets["access_rights"]) == {"PUBLIC": 2, "RESTRICTED": 1}
    assert as_dict(facets["keyword"]) == {"verkeer": 2, "traffic": 1}
    assert as_dict(facets["language"]) == {"NLD": 1}


def test_facet_counts_leave_out_drafts(catalogue):
    facets = facet_counts(Dataset.objects.visible_to(AnonymousUser()))
    values = {item.value for items in facets.values() for item in items}

    assert not values & {"AGRI", "geheim", "XML", "ENG"}
    assert as_dict(facets["publisher"])["zwolle"] == 1


def test_facet_counts_include_drafts_for_their_publishers_members(catalogue, manager):
    facets = facet_counts(Dataset.objects.visible_to(manager))

    assert as_dict(facets["theme"])["AGRI"] == 1
    assert as_dict(facets["publisher"])["zwolle"] == 2


def test_facet_counts_of_a_filtered_search(catalogue):
    filterset = DatasetFilter(
        {"theme": "TRAN", "q": "dataset"}, queryset=Dataset.objects.published().for_list()
    )

    facets = facet_counts(filterset.qs)

    assert as_dict(facets["theme"]) == {"TRAN": 2, "ENVI": 1}
    assert as_dict(facets["publisher"]) == {"utrecht": 2}
    assert as_dict(facets["access_rights"]) == {"PUBLIC": 2}


def test_facet_items_are_sorted_by_count_then_label_and_localized(catalogue):
    with translation.override("nl"):
        facets = facet_counts(Dataset.objects.published())

    assert facets["publisher"][0] == FacetItem(value="utrecht", label="Utrecht", count=2)
    themes = facets["theme"]
    assert [item.count for item in themes] == [2, 2]
    assert [item.label for item in themes] == sorted(item.label for item in themes)
    assert all(isinstance(item.label, str) for items in facets.values() for item in items)


def test_facet_counts_keyword_facet_is_limited():
    dataset = published(keywords={"en": [f"word{n:02}" for n in range(30)]})
    published(keywords={"en": ["word29"]})

    keywords = facet_counts(Dataset.objects.filter(pk__gte=dataset.pk))["keyword"]

    assert len(keywords) == 20
    assert keywords[0] == FacetItem(value="word29", label="word29", count=2)


def test_facet_counts_use_one_query(catalogue, django_assert_num_queries):
    queryset = DatasetFilter(
        {"q": "dataset", "theme": "TRAN"}, queryset=Dataset.objects.published().for_list()
    ).qs
    for n in range(5):
        published(slug=f"more-{n}", themes=[theme("ECON")], keywords={"en": [f"k{n}"]})

    with django_assert_num_queries(1):
        facet_counts(queryset)


def test_facet_counts_of_nothing_are_empty():
    facets = facet_counts(Dataset.objects.none())

    assert all(items == [] for items in facets.values())


def test_facet_counts_cache_slow_results_until_the_catalogue_changes(catalogue, monkeypatch):
    from django.core.cache import cache

    from catalog import filters

    cache.clear()
    monkeypatch.setattr(filters, "FACET_CACHE_MIN_SECONDS", -1)  # every result is "slow"
    queryset = Dataset.objects.published()
    assert as_dict(facet_counts(queryset)["theme"]) == {"TRAN": 2, "ENVI": 2}

    Dataset.objects.filter(slug="c").update(status=Dataset.Status.DRAFT)  # no signals
    assert as_dict(facet_counts(queryset)["theme"]) == {"TRAN": 2, "ENVI": 2}  # cached

    Dataset.objects.get(slug="a").withdraw()  # a save: signals invalidate the cache
    assert as_dict(facet_counts(queryset)["theme"]) == {"TRAN": 1}


def test_facet_counts_fast_results_are_not_cached(catalogue):
    queryset = Dataset.objects.published()
    assert as_dict(facet_counts(queryset)["publisher"]) == {"utrecht": 2, "zwolle": 1}

    Dataset.objects.filter(slug="c").update(status=Dataset.Status.DRAFT)

    assert as_dict(facet_counts(queryset)["publisher"]) == {"utrecht": 2}


def test_facet_counts_cached_labels_follow_the_language(catalogue, monkeypatch):
    from django.core.cache import cache

    from catalog import filters

    cache.clear()
    monkeypatch.setattr(filters, "FACET_CACHE_MIN_SECONDS", -1)
    restricted = concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED")
    Concept.objects.filter(pk=restricted.pk).update(label={"en": "Restricted", "nl": "Beperkt"})
    with translation.override("en"):
        english = facet_counts(Dataset.objects.published())["access_rights"]
    with translation.override("nl"):
        dutch = facet_counts(Dataset.objects.published())["access_rights"]

    assert FacetItem("RESTRICTED", "Restricted", 1) in english
    assert FacetItem("RESTRICTED", "Beperkt", 1) in dutch


@pytest.mark.parametrize(
    "parameter", ["theme", "publisher", "format", "licence", "access_rights", "keyword", "language"]
)
@pytest.mark.parametrize("value", ["\x00", "TRAN\x00", "x" * 5000, "😀", "' OR 1=1 --", "%"])
def test_filter_hostile_facet_values_are_invalid_not_errors(parameter, value):
    published(slug="a")

    found = errors({parameter: value})

    assert list(found) == [parameter]


@pytest.mark.parametrize("parameter", ["modified_since", "issued_since", "sort", "q"])
def test_filter_hostile_other_values_never_fail(parameter):
    published(slug="a", title={"en": "Traffic"})

    for value in ["\x00", "2024-01-01\x00", "x" * 5000, "😀", "9999-99-99", "-1"]:
        filterset = DatasetFilter({parameter: value}, queryset=Dataset.objects.published())
        filterset.is_valid()
        list(filterset.qs)


def test_facet_counts_of_a_search_match_those_of_the_same_datasets_without_search(catalogue):
    # On PostgreSQL a search counts from the facet keys in the search index; the
    # counts must be those of the catalogue tables.
    searched = search.search_datasets(Dataset.objects.published(), "dataset")
    assert searched.count() == 3

    with translation.override("en"):
        assert facet_counts(searched) == facet_counts(Dataset.objects.published())


def test_facet_counts_of_a_search_count_a_keyword_value_once_per_dataset(catalogue, manager):
    searched = search.search_datasets(Dataset.objects.visible_to(manager), "dataset")

    keywords = as_dict(facet_counts(searched)["keyword"])

    assert keywords == {"verkeer": 2, "traffic": 1, "geheim": 1}
