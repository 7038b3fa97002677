"""The full-text search index of catalog/search.py, one schema per database.

The table has no foreign key to catalog_dataset on purpose: Django's test flush truncates
model tables without CASCADE, which a referencing table would block. Triggers remove a
dataset's row instead, so that deletions that bypass signals (bulk deletes, TRUNCATE,
the test flush that restarts ids) never leave a row that matches a later dataset.
"""

from django.db import migrations

POSTGRESQL = [
    # `facets` holds the dataset's facet keys (catalog.search._documents);
    # `document` holds every text, for matching through the GIN index; `ranking` only the
    # title (A) and keywords (B), small enough to rank thousands of matches quickly. The
    # low toast_tuple_target moves a large document out of line instead of compressing it
    # in place, so the pages visited for every match stay few.
    """
    CREATE TABLE catalog_datasetsearch (
        dataset_id bigint PRIMARY KEY,
        facets integer[] NOT NULL DEFAULT '{}',
        ranking tsvector NOT NULL,
        document tsvector NOT NULL
    ) WITH (toast_tuple_target = 128)
    """,
    "ALTER TABLE catalog_datasetsearch ALTER COLUMN ranking SET STORAGE MAIN",
    "ALTER TABLE catalog_datasetsearch ALTER COLUMN facets SET STORAGE MAIN",
    "CREATE INDEX catalog_datasetsearch_document_idx ON catalog_datasetsearch USING GIN (document)",
    # The datasets matching a query with their rank, always through the GIN index: a
    # prefix query ORs correlated lexemes, which the planner overestimates; it then picks
    # a sequential scan that decompresses every document (seconds instead of milliseconds
    # at 100,000 datasets). The rank is computed on the row the index led to.
    """
    CREATE FUNCTION catalog_datasetsearch_match(query tsquery, weights real[])
    RETURNS TABLE (dataset_id bigint, rank real)
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 2000
    SET enable_seqscan = off
    AS $$
        SELECT dataset_id, ts_rank(weights, ranking, query)
        FROM catalog_datasetsearch WHERE document @@ query
    $$
    """,
    """
    CREATE FUNCTION catalog_datasetsearch_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM catalog_datasetsearch WHERE dataset_id = OLD.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER catalog_datasetsearch_delete AFTER DELETE ON catalog_dataset
    FOR EACH ROW EXECUTE FUNCTION catalog_datasetsearch_delete()
    """,
    """
    CREATE FUNCTION catalog_datasetsearch_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE catalog_datasetsearch;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER catalog_datasetsearch_truncate AFTER TRUNCATE ON catalog_dataset
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_datasetsearch_truncate()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS catalog_datasetsearch_truncate ON catalog_dataset",
    "DROP TRIGGER IF EXISTS catalog_datasetsearch_delete ON catalog_dataset",
    "DROP FUNCTION IF EXISTS catalog_datasetsearch_truncate()",
    "DROP FUNCTION IF EXISTS catalog_datasetsearch_delete()",
    "DROP FUNCTION IF EXISTS catalog_datasetsearch_match(tsquery)",
    "DROP FUNCTION IF EXISTS catalog_datasetsearch_match(tsquery, real[])",
    "DROP TABLE IF EXISTS catalog_datasetsearch",
]

SQLITE = [
    # rowid is the dataset id. Porter stems English; unicode61 folds case and diacritics.
    """
    CREATE VIRTUAL TABLE catalog_datasetsearch USING fts5(
        title, keywords, description, extra,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER catalog_datasetsearch_delete AFTER DELETE ON catalog_dataset
    BEGIN
        DELETE FROM catalog_datasetsearch WHERE rowid = OLD.id;
    END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS catalog_datasetsearch_delete",
    "DROP TABLE IF EXISTS catalog_datasetsearch",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def fill_index(apps, schema_editor):
    # Datasets that exist before this migration (an upgraded portal) become searchable
    # right away.
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    from catalog import search

    Dataset = apps.get_model("catalog", "Dataset")
    ids = list(Dataset.objects.values_list("pk", flat=True))
    search.index_datasets(ids, dataset_model=Dataset)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_harvesting"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
    ]
