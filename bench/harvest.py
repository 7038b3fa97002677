"""Benchmark: harvest a 10,000-dataset DCAT Turtle document into an empty portal (PostgreSQL).

    uv run python bench/harvest.py [--datasets 10000] [--distributions 3]

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/datakring_bench) names the server;
the benchmark works in a database of its own next to it, <name>_harvest, which it drops
and recreates, so it never touches a real catalogue or the other benchmarks' data. It fills
that database with synthetic datasets (`manage.py generate_synthetic`), exports them with
catalog.dcat as one Turtle document, empties the catalogue (datasets, publishers,
keywords) and harvests the document as `manage.py harvest FILE` does. It prints the
datasets harvested per second (target: 300), a second, unchanged run, and peak memory.
Exit status 1 when the target is missed.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/datakring_bench"
TARGET_PER_SECOND = 300


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--distributions", type=int, default=3, help="per dataset")
    return parser.parse_args()


def _fresh_database(url: str) -> str:
    """Drop and create <name>_harvest on the server of `url`; return its URL."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_harvest"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _export(path: Path) -> int:
    """Write the published catalogue to `path` as Turtle; return the number of triples."""
    from catalog import dcat

    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(dcat.turtle_prefixes())
        for chunk in dcat.export_chunks():
            count += len(chunk)
            out.writelines(dcat.turtle_body(chunk))
    return count


def _empty_catalogue() -> None:
    from django.db import connection

    from catalog.models import Dataset, Keyword, Publisher

    tables = [Dataset._meta.db_table, Publisher._meta.db_table, Keyword._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("ANALYZE")


def main() -> int:
    args = _parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"This benchmark needs PostgreSQL; DATABASE_URL is {url!r}.")
    _setup(_fresh_database(url))
    from django.core.management import call_command

    from catalog.harvest import harvest
    from catalog.models import Dataset, HarvestSource

    print(f"Generating {args.datasets:,} synthetic datasets ...", flush=True)
    call_command(
        "generate_synthetic",
        datasets=args.datasets,
        distributions_per_dataset=args.distributions,
        verbosity=0,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalogue.ttl"
        started = time.perf_counter()
        triples = _export(path)
        print(
            f"Exported {triples:,} triples ({path.stat().st_size / 2**20:.1f} MB of Turtle) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        _empty_catalogue()
        source = HarvestSource.objects.create(
            name="Benchmark", slug="benchmark", url=path.resolve().as_uri(), enabled=False
        )
        started = time.perf_counter()
        run = harvest(source, path=path)
        elapsed = time.perf_counter() - started
        again_started = time.perf_counter()
        again = harvest(source, path=path)
        again_elapsed = time.perf_counter() - again_started

    if run.status != run.Status.SUCCEEDED or run.created != args.datasets or run.failed:
        print(f"Harvest did not succeed: {run.get_status_display()} {run.message}")
        print(f"  created {run.created}, failed {run.failed}")
        return 1
    rate = run.created / elapsed
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Harvested {run.created:,} datasets into an empty portal in {elapsed:.1f} s")
    print(f"  {rate:,.0f} datasets/s (target {TARGET_PER_SECOND}/s)")
    print(
        f"Second run: {again.unchanged:,} unchanged in {again_elapsed:.1f} s "
        f"({again.unchanged / again_elapsed:,.0f} datasets/s)"
    )
    print(f"Peak memory of the process: {peak:,.0f} MB")
    print(f"Datasets in the portal: {Dataset.objects.count():,}")
    return 0 if rate >= TARGET_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())
