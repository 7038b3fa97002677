"""Full-text search over datasets, behind one set of functions for both databases.

The index lives in a side table keyed by dataset id (created by migration 0003):
- PostgreSQL: `catalog_datasetsearch(dataset_id, facets, ranking, document)`. `document` carries
  Dutch, English and unstemmed ('simple') lexemes of every text, weighted title A >
  keywords B > description C > publisher, themes and formats D, under a GIN index;
  `ranking` holds only the stemmed title and keywords, which ts_rank scores. The SQL
  function catalog_datasetsearch_match() finds matches through the GIN index, always.
  `facets` lists the dataset's facet keys, so the facets of a search cost one lookup
  per match (see catalog.filters.facet_counts).
- SQLite: an FTS5 virtual table of the same name (porter stemming over unicode61 with
  diacritics removed), ranked with bm25 weighted the same way.
Both match every word of the query (in any of its forms); the last word also matches as
a prefix, so "verkeer" finds "verkeersongevallen" and "traf" finds "traffic". Texts of
every language of a language map are indexed, so an English word finds a dataset whose
English title has it. Queries are reduced to plain words first, so no operator or
punctuation a visitor types reaches either engine.

Callers filter with search_datasets(); the index is kept fresh by catalog.tasks
(reindex_dataset, enqueued on commit from catalog.signals) and rebuilt by rebuild_index().
"""

import heapq
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from operator import itemgetter

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Min, Q, QuerySet
from django.db.models.expressions import RawSQL

TABLE = "catalog_datasetsearch"
BATCH_SIZE = 500
# Words beyond this are dropped: a search box is not a document, and each word widens the
# query with its Dutch, English and prefix forms.
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
# bm25 weights per FTS5 column (title, keywords, description, extra), mirroring A > B > C > D.
_BM25_WEIGHTS = "10.0, 5.0, 1.0, 0.5"
# ts_rank weights of D, C, B, A (only A and B are in the ranking vector).
_PG_WEIGHTS = (0.05, 0.2, 0.5, 1.0)
_RANK_FLOOR = 0.001
# Matches beyond this many, by rank, are ordered by the caller's next sort key (newest).
RANKED_MATCHES = 1000
_WORD = re.compile(r"[^\W_]+")


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _fold(text: str) -> str:
    """Lower-case and strip diacritics, so "coördinaten" and "coordinaten" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def query_terms(query: str) -> list[str]:
    """The words of a user's query, without any operator or punctuation of either engine."""
    terms = _WORD.findall(_fold(query or "")[: MAX_TERMS * (MAX_TERM_LENGTH + 1) * 4])
    return [term[:MAX_TERM_LENGTH] for term in terms[:MAX_TERMS]]


# Documents ---------------------------------------------------------------------------------


def _texts(value) -> list[str]:
    if isinstance(value, dict):
        return [text for text in value.values() if isinstance(text, str) and text]
    return [value] if isinstance(value, str) and value else []


Document = tuple[tuple[str, str, str, str], list[int]]


def _documents(ids: list[int], dataset_model) -> dict[int, Document]:
    """{id: ((title, keywords, description, extra), facet keys)} for these datasets.

    Facet keys are the concept ids of the themes, languages and formats, and, negated,
    the first id of each keyword value: PostgreSQL counts a search's facets from them.
    Plain values() queries keep this fast for a rebuild and usable from a migration,
    which passes its historical Dataset model.
    """
    keywords: dict[int, list[tuple[int, str]]] = {}
    through = dataset_model.keywords.through.objects.filter(dataset_id__in=ids)
    for pk, keyword_id, value in through.values_list("dataset_id", "keyword_id", "keyword__value"):
        keywords.setdefault(pk, []).append((keyword_id, value))
    first_keyword = dict(
        dataset_model._meta.get_field("keywords")
        .related_model.objects.filter(value__in={v for kws in keywords.values() for _, v in kws})
        .values("value")
        .annotate(first=Min("id"))
        .values_list("value", "first")
    )
    concepts: dict[int, list[tuple[int, dict]]] = {}
    for field in ("themes", "languages"):
        links = dataset_model._meta.get_field(field).remote_field.through.objects
        for pk, concept_id, label in links.filter(dataset_id__in=ids).values_list(
            "dataset_id", "concept_id", "concept__label"
        ):
            concepts.setdefault(pk, []).append((concept_id, label if field == "themes" else {}))
    formats: dict[int, dict[int, str]] = {}
    distribution_model = dataset_model._meta.get_field("distributions").related_model
    distributions = distribution_model.objects.filter(dataset_id__in=ids, format__isnull=False)
    for pk, format_id, code in distributions.values_list("dataset_id", "format_id", "format__code"):
        formats.setdefault(pk, {})[format_id] = code
    documents = {}
    rows = dataset_model.objects.filter(pk__in=ids).values_list(
        "pk", "title", "description", "publisher__name"
    )
    for pk, title, description, publisher_name in rows:
        theme_labels = [text for _, label in concepts.get(pk, []) for text in _texts(label)]
        texts = (
            " ".join(_texts(title)),
            " ".join(value for _, value in keywords.get(pk, [])),
            " ".join(_texts(description)),
            " ".join(
                [*_texts(publisher_name), *theme_labels, *sorted(formats.get(pk, {}).values())]
            ),
        )
        facets = {concept_id for concept_id, _ in concepts.get(pk, [])}
        facets |= set(formats.get(pk, {}))
        facets |= {-first_keyword[value] for _, value in keywords.get(pk, [])}
        documents[pk] = (tuple(_fold(text) for text in texts), sorted(facets))
    return documents


def _pg_vector(column: str, weight: str, configs=("dutch", "english", "simple")) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{config}', {column}), '{weight}')" for config in configs
    )


# One row per dataset: `document` (everything, in Dutch, English and unstemmed 'simple'
# lexemes; the latter make prefixes of Dutch compounds match) and `ranking` (title and
# keywords, stemmed only: it scores matches, it does not find them).
_PG_UPSERT = f"""
    INSERT INTO {TABLE} (dataset_id, facets, ranking, document)
    SELECT id, facets,
           {_pg_vector("title", "A", ("dutch", "english"))}
           || {_pg_vector("keywords", "B", ("dutch", "english"))},
           {_pg_vector("title", "A")} || {_pg_vector("keywords", "B")}
           || {_pg_vector("description", "C")} || {_pg_vector("extra", "D")}
    FROM (VALUES (%s::bigint, %s::text, %s::text, %s::text, %s::text, %s::integer[]))
         AS v (id, title, keywords, description, extra, facets)
    ON CONFLICT (dataset_id) DO UPDATE
    SET facets = EXCLUDED.facets, ranking = EXCLUDED.ranking, document = EXCLUDED.document
"""


def _write(rows: list[tuple[int, Document]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if _is_postgresql():
            cursor.executemany(_PG_UPSERT, [(pk, *texts, facets) for pk, (texts, facets) in rows])
        else:
            cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(pk,) for pk, _ in rows])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, title, keywords, description, extra) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(pk, *texts) for pk, (texts, _facets) in rows],
            )


def _delete(ids: list[int]) -> None:
    if not ids:
        return
    key = "dataset_id" if _is_postgresql() else "rowid"
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {TABLE} WHERE {key} = %s", [(pk,) for pk in ids])


def index_datasets(ids: Iterable[int], *, dataset_model=None) -> None:
    """(Re)index these datasets in batches; ids of datasets that no longer exist are removed.

    `dataset_model` is for migrations, which must use their historical model.
    """
    if dataset_model is None:
        from catalog.filters import invalidate_facet_counts
        from catalog.models import Dataset as dataset_model

        # Bulk writers (generate_synthetic, imports) call this instead of sending signals.
        invalidate_facet_counts()
    ids = sorted({int(pk) for pk in ids})
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        documents = _documents(batch, dataset_model)
        _write(list(documents.items()))
        _delete(sorted(set(batch) - set(documents)))


def index_dataset(dataset_id: int) -> None:
    """(Re)index one dataset; a dataset that no longer exists is removed from the index."""
    index_datasets([dataset_id])


def remove_dataset(dataset_id: int) -> None:
    """Remove a dataset from the index (a no-op when it is not there)."""
    _delete([int(dataset_id)])


def _all_ids() -> Iterator[list[int]]:
    from catalog.models import Dataset

    last = 0
    while True:
        batch = list(
            Dataset.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


def rebuild_index() -> int:
    """Index every dataset in batches and drop rows of deleted ones; returns the count indexed."""
    count = seen_max = 0
    for batch in _all_ids():
        index_datasets(batch)
        count += len(batch)
        seen_max = batch[-1]
    _drop_orphans(seen_max)
    return count


def _drop_orphans(seen_max: int) -> None:
    key = "dataset_id" if _is_postgresql() else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE {key} > %s OR {key} NOT IN "
            "(SELECT id FROM catalog_dataset)",
            [seen_max],
        )


# Queries -----------------------------------------------------------------------------------


def _pg_tsquery(terms: list[str]) -> tuple[str, list[str]]:
    """SQL for a tsquery matching every term in Dutch or English; the last also as a prefix."""
    parts, params = [], []
    for position, term in enumerate(terms):
        if position == len(terms) - 1:
            parts.append(
                "(to_tsquery('dutch', %s) || to_tsquery('english', %s) || to_tsquery('simple', %s))"
            )
            params += [term + ":*"] * 3
        else:
            parts.append("(to_tsquery('dutch', %s) || to_tsquery('english', %s))")
            params += [term, term]
    return "(" + " && ".join(parts) + ")", params


def _fts5_match(terms: list[str]) -> str:
    """An FTS5 expression: every term as a quoted string, the last as a prefix."""
    quoted = [f'"{term}"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


class _OnPk(Func):
    """SQL around the outer row's primary key: `sql` holds {pk} where the key goes."""

    def __init__(self, sql: str, params: list, *, output_field):
        self.template_sql, self.template_params = sql, params
        super().__init__(F("pk"), output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        assert not pk_params  # a column reference: the template's params keep their order
        return self.template_sql.replace("{pk}", pk_sql), list(self.template_params)


def _pg_matches(terms: list[str]) -> list[tuple[int, float]]:
    """(dataset id, rank) of every match, found through the GIN index in one pass."""
    tsquery, params = _pg_tsquery(terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT dataset_id, rank FROM {TABLE}_match({tsquery}, %s::real[])",
            [*params, list(_PG_WEIGHTS)],
        )
        return cursor.fetchall()


def ranked_ids(query: str) -> list[int]:
    """Ids of every dataset matching `query`, best first; equal ranks put the newer
    (higher id) first. Drafts included: callers restrict to what a visitor may see
    (catalog.facetindex). The database sorts, so only one integer per match travels."""
    terms = query_terms(query)
    if not terms:
        return []
    with connection.cursor() as cursor:
        if _is_postgresql():
            tsquery, params = _pg_tsquery(terms)
            cursor.execute(
                f"SELECT dataset_id FROM {TABLE}_match({tsquery}, %s::real[]) "
                "ORDER BY rank DESC, dataset_id DESC",
                [*params, list(_PG_WEIGHTS)],
            )
        else:
            cursor.execute(
                f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "
                f"ORDER BY bm25({TABLE}, {_BM25_WEIGHTS}), rowid DESC",
                [_fts5_match(terms)],
            )
        return [pk for (pk,) in cursor.fetchall()]


def search_datasets(queryset: QuerySet, query: str) -> QuerySet:
    """Restrict `queryset` to datasets matching `query` and annotate `search_rank`.

    search_rank is a float, higher is better. A query without any word (blank, or only
    punctuation) returns the queryset unchanged. The caller orders by search_rank.

    On PostgreSQL the full-text match runs once, here, and the queryset carries its ids:
    a list page counts, pages and facets the same matches with plain key lookups, and
    the planner knows how many there are. Only the RANKED_MATCHES best matches carry
    their rank; the rest rank 0, which orders them by the caller's next sort key.
    """
    terms = query_terms(query)
    if not terms:
        return queryset
    if _is_postgresql():
        matches = _pg_matches(terms)
        best = heapq.nlargest(RANKED_MATCHES, matches, key=itemgetter(1))
        # Matches only in the description or metadata have ts_rank 0 on the ranking
        # vector; the floor keeps every ranked match above the unranked rest.
        ranks = json.dumps({str(pk): round(_RANK_FLOOR + rank, 6) for pk, rank in best})
        # An array literal as text: psycopg adapts a list of 100,000 ints ten times slower.
        ids = "{" + ",".join(str(pk) for pk, _ in matches) + "}"
        found = _OnPk("{pk} = ANY(%s::bigint[])", [ids], output_field=BooleanField())
        rank = _OnPk(
            "COALESCE((%s::jsonb ->> ({pk})::text)::float8, 0.0)",
            [ranks],
            output_field=FloatField(),
        )
    else:
        match = _fts5_match(terms)
        found = RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [match])
        found = Q(pk__in=found)
        rank = _OnPk(
            f"(SELECT -bm25({TABLE}, {_BM25_WEIGHTS}) FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid = {{pk}})",
            [match],
            output_field=FloatField(),
        )
    return queryset.filter(found).annotate(search_rank=rank)
