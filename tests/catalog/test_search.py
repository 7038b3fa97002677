"""Full-text search (catalog/search.py) and how the index is kept fresh, on both databases."""

import pytest
from django.core.management import call_command
from django.db import connection

from catalog import search
from catalog.models import Concept, Dataset, Publisher, QualityScore
from tests.factories import DatasetFactory, DistributionFactory, PublisherFactory, concept

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL full-text search only"
)


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Create datasets the way the portal does: the index follows on commit, through the task."""

    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return DatasetFactory(published=True, **kwargs)

    return make


def found(query, queryset=None):
    results = search.search_datasets(queryset or Dataset.objects.all(), query)
    if "search_rank" in results.query.annotations:
        results = results.order_by("-search_rank", "pk")
    return [dataset.slug for dataset in results]


def test_search_finds_title_words(indexed):
    indexed(slug="trees", title={"en": "Trees in the city centre"})
    indexed(slug="water", title={"en": "Water levels"})

    assert found("trees") == ["trees"]
    assert found("Trees CENTRE") == ["trees"]


def test_search_matches_every_word(indexed):
    indexed(slug="trees", title={"en": "Trees in the city centre"})
    indexed(slug="city", title={"en": "City budget"})

    assert found("city trees") == ["trees"]
    assert sorted(found("city")) == ["city", "trees"]


def test_search_title_match_ranks_above_keyword_above_description(indexed):
    for n in range(3):
        indexed(slug=f"noise-{n}", title={"en": f"Unrelated {n}"})
    indexed(
        slug="in-description",
        title={"en": "Water levels"},
        description={"en": "Measured where bicycles cross the river."},
    )
    indexed(slug="in-title", title={"en": "Bicycles parked at stations"})
    indexed(slug="in-keyword", title={"en": "Parking counts"}, keywords={"en": ["bicycles"]})

    assert found("bicycles") == ["in-title", "in-keyword", "in-description"]


def test_search_rank_is_a_float_higher_for_better_matches(indexed):
    indexed(slug="title", title={"en": "Air quality"})
    indexed(slug="description", title={"en": "Sensors"}, description={"en": "air quality"})
    for n in range(3):
        indexed(slug=f"other-{n}", title={"en": f"Budget {n}"})

    ranks = {d.slug: d.search_rank for d in search.search_datasets(Dataset.objects.all(), "air")}

    assert set(ranks) == {"title", "description"}
    assert all(isinstance(rank, float) for rank in ranks.values())
    assert ranks["title"] > ranks["description"] > 0


def test_search_prefix_of_last_word(indexed):
    indexed(slug="traffic", title={"en": "Traffic counts"})
    indexed(slug="accidents", title={"nl": "Verkeersongevallen 2024"})

    assert found("traf") == ["traffic"]
    assert found("verkeer") == ["accidents"]
    assert found("ongevallen verkeer") == []  # only the last word is a prefix
    assert found("2024 verkeers") == ["accidents"]


def test_search_earlier_words_are_not_prefixes(indexed):
    indexed(slug="traffic", title={"en": "Traffic counts"})

    assert found("traf counts") == []
    assert found("traffic cou") == ["traffic"]


def test_search_english_stemming(indexed):
    indexed(slug="accident", title={"en": "Every accident on the motorway"})

    assert found("accidents motorway") == ["accident"]


@on_postgresql
def test_search_dutch_stemming_on_postgresql(indexed):
    indexed(slug="trees", title={"nl": "Bomen in de binnenstad"})
    indexed(slug="roads", title={"nl": "Onderhoud van de weg"})

    assert found("boom") == ["trees"]
    assert found("wegen onderhoud") == ["roads"]


def test_search_every_language_of_the_title(indexed):
    indexed(slug="trees", title={"nl": "Bomen in de binnenstad", "en": "Trees in the city centre"})
    indexed(slug="other", title={"nl": "Bomen langs de snelweg"})

    assert found("trees") == ["trees"]
    assert sorted(found("bomen")) == ["other", "trees"]


def test_search_ignores_diacritics(indexed):
    indexed(slug="coords", title={"nl": "Coördinaten van de café's"})

    assert found("coordinaten") == ["coords"]
    assert found("cafe") == ["coords"]
    assert found("COÖRDINATEN") == ["coords"]


def test_search_indexes_keywords_publisher_and_formats(indexed):
    utrecht = PublisherFactory(slug="utrecht", name={"nl": "Gemeente Utrecht"})
    dataset = indexed(slug="a", publisher=utrecht, keywords={"nl": ["luchtkwaliteit"]})
    indexed(slug="b")
    DistributionFactory(dataset=dataset, format=concept(Concept.Scheme.FILE_TYPE, "GEOJSON"))
    search.index_dataset(dataset.pk)

    assert found("luchtkwaliteit") == ["a"]
    assert found("gemeente utrecht") == ["a"]
    assert found("geojson") == ["a"]


def test_search_blank_query_returns_the_queryset_unchanged(indexed):
    indexed(slug="a")
    queryset = Dataset.objects.filter(slug="a")

    for query in ("", "   ", None, '"', "!?-"):
        assert search.search_datasets(queryset, query) is queryset


HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "**",
    "AND",
    "OR",
    "NOT",
    "a AND",
    "NEAR(",
    "NEAR(a b, 2)",
    "-",
    "-traffic",
    ":",
    "title:traffic",
    "title : traffic",
    "\\",
    "traffic\\",
    "(",
    ")",
    "{}",
    "[]",
    "^",
    "a & b | !c",
    "a <-> b",
    "a:* & b:*",
    "'a' 'b'",
    "%",
    "%s",
    "%(x)s",
    "_",
    "\x00",
    "; DROP TABLE catalog_dataset; --",
    "x" * 10000,
    " traffic " * 500,
    "😀",
    "traffic 😀",
    "🚲 fietsen",
    "中文",
    "ĳsselmeer",
    "ǅ",
    "the",
    "de het een",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_search_hostile_input_never_raises(indexed, query):
    indexed(slug="traffic", title={"en": "Traffic and the city"})

    results = found(query)

    assert isinstance(results, list)


def test_search_hostile_input_still_finds_the_words_it_contains(indexed):
    indexed(slug="traffic", title={"en": "Traffic counts"})

    assert found('"traffic"') == ["traffic"]
    assert found("traffic AND NEAR(") == []  # "and" and "near" are words like any other
    assert found("-traffic*") == ["traffic"]
    assert found("title:traffic") == []


def test_search_restricts_the_given_queryset(indexed):
    indexed(slug="published", title={"en": "Traffic counts"})
    with_draft = indexed(slug="draft", title={"en": "Traffic plans"})
    with_draft.status = Dataset.Status.DRAFT
    with_draft.save()

    assert found("traffic", Dataset.objects.published()) == ["published"]


# Keeping the index fresh -----------------------------------------------------------------


def test_index_follows_a_saved_title_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(published=True, title={"en": "Bridges"})
    assert found("bridges") == [dataset.slug]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dataset.title = {"en": "Tunnels"}
        dataset.save()

    # One reindex for one save (other callbacks forget cached counts, rescore quality).
    assert sum("reindex_dataset" in repr(callback) for callback in callbacks) == 1
    assert found("tunnels") == [dataset.slug]
    assert found("bridges") == []


def test_index_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        DatasetFactory(published=True, title={"en": "Bridges"})

    assert callbacks
    assert found("bridges") == []


def test_index_follows_keywords(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(published=True)
    with django_capture_on_commit_callbacks(execute=True):
        dataset.set_keywords({"en": ["potholes"]})
    assert found("potholes") == [dataset.slug]

    with django_capture_on_commit_callbacks(execute=True):
        dataset.keywords.clear()
    assert found("potholes") == []


def test_index_follows_keywords_changed_from_the_keyword_side(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(published=True, keywords={"en": ["potholes"]})
    keyword = dataset.keywords.get()

    with django_capture_on_commit_callbacks(execute=True):
        keyword.datasets.clear()

    assert found("potholes") == []


def test_index_follows_distribution_formats(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(published=True)
        distribution = DistributionFactory(
            dataset=dataset, format=concept(Concept.Scheme.FILE_TYPE, "PARQUET")
        )
    assert found("parquet") == [dataset.slug]

    with django_capture_on_commit_callbacks(execute=True):
        distribution.delete()
    assert found("parquet") == []


def test_index_follows_a_publisher_rename(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(published=True, publisher__name={"nl": "Waterschap Noord"})
    assert found("noord") == [dataset.slug]

    with django_capture_on_commit_callbacks(execute=True):
        publisher = Publisher.objects.get(pk=dataset.publisher_id)
        publisher.name = {"nl": "Waterschap Zuid"}
        publisher.save()

    assert found("zuid") == [dataset.slug]
    assert found("noord") == []


def test_index_drops_a_deleted_dataset(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(published=True, title={"en": "Bridges"})
    dataset_id = dataset.pk

    with django_capture_on_commit_callbacks(execute=True):
        dataset.delete()

    assert _index_ids() == set()
    search.remove_dataset(dataset_id)  # idempotent
    search.index_dataset(dataset_id)  # a task for a deleted dataset removes, not fails


def test_index_drops_rows_of_datasets_deleted_without_signals(indexed):
    dataset = indexed(title={"en": "Bridges"})

    Dataset.themes.through.objects.filter(dataset=dataset)._raw_delete(connection.alias)
    QualityScore.objects.filter(dataset=dataset)._raw_delete(connection.alias)
    Dataset.objects.filter(pk=dataset.pk)._raw_delete(connection.alias)

    assert _index_ids() == set()


def test_reindex_task_removes_a_dataset_that_is_gone(indexed):
    from catalog.tasks import reindex_dataset

    dataset = indexed(title={"en": "Bridges"})
    Dataset.objects.filter(pk=dataset.pk).delete()

    reindex_dataset.delay(dataset.pk)

    assert found("bridges") == []


def test_rebuild_command_indexes_everything_and_drops_orphans(capsys):
    datasets = DatasetFactory.create_batch(3, published=True)  # no commit: not indexed yet
    search.index_dataset(datasets[0].pk)
    with connection.cursor() as cursor:  # a row left behind by a crashed worker
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {search.TABLE} (dataset_id, ranking, document) "
                "VALUES (999999, 'ghost', 'ghost')"
            )
        else:
            cursor.execute(f"INSERT INTO {search.TABLE} (rowid, title) VALUES (999999, 'ghost')")

    call_command("rebuild_search_index")

    assert "Indexed 3 datasets" in capsys.readouterr().out
    assert _index_ids() == {d.pk for d in datasets}
    assert sorted(found("dataset")) == sorted(d.slug for d in datasets)


def test_rebuild_index_counts_in_batches(monkeypatch):
    monkeypatch.setattr(search, "BATCH_SIZE", 2)
    datasets = DatasetFactory.create_batch(5, published=True)

    assert search.rebuild_index() == 5
    assert _index_ids() == {d.pk for d in datasets}


def test_index_datasets_batch_skips_missing_ids():
    datasets = DatasetFactory.create_batch(2, published=True)

    search.index_datasets([datasets[0].pk, datasets[1].pk, 123456])

    assert _index_ids() == {d.pk for d in datasets}


def _index_ids() -> set[int]:
    key = "dataset_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {search.TABLE}")
        return {row[0] for row in cursor.fetchall()}


def test_search_ranks_only_the_best_matches_beyond_the_limit(indexed, monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    for n in range(3):
        indexed(slug=f"description-{n}", title={"en": f"Sensors {n}"}, description={"en": "dikes"})
    indexed(slug="title-a", title={"en": "Dikes north"})
    indexed(slug="title-b", title={"en": "Dikes south"})

    results = search.search_datasets(Dataset.objects.all(), "dikes").order_by("-search_rank", "pk")
    ranks = {d.slug: d.search_rank for d in results}

    assert len(ranks) == 5
    assert [d.slug for d in results][:2] == ["title-a", "title-b"]
    assert min(ranks["title-a"], ranks["title-b"]) > max(
        ranks[f"description-{n}"] for n in range(3)
    )


def test_reindex_task_retries_when_the_database_is_unavailable(indexed, monkeypatch):
    from django.db.utils import OperationalError

    from catalog.tasks import reindex_dataset

    dataset = indexed(title={"en": "Bridges"})
    calls = []
    real = search.index_dataset

    def flaky(dataset_id):  # the database drops the first connection
        calls.append(dataset_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real(dataset_id)

    monkeypatch.setattr(search, "index_dataset", flaky)
    Dataset.objects.filter(pk=dataset.pk).update(title={"en": "Tunnels"})

    result = reindex_dataset.apply(args=[dataset.pk], throw=False)

    assert result.successful()
    assert calls == [dataset.pk, dataset.pk]
    assert found("tunnels") == [dataset.slug]
    assert reindex_dataset.acks_late
