"""Benchmark: search with facets and the dataset page over 100,000 datasets on PostgreSQL.

    uv run python bench/search.py [--datasets 100000] [--requests 300]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/datakring_bench), creates
the database when it is missing, migrates it and tops it up with synthetic datasets
(`manage.py generate_synthetic`). It refuses a database holding other datasets than
synthetic ones, so it cannot fill a real catalogue by accident.

Timings are server time measured in process with Django's test client: p50 and p95 of
`/datasets/?q=…` (results, facets, pagination) over a mix of what visitors type, and of
`/datasets/<slug>/`, against the targets; search timings are also split by how many
datasets the query matches. As in production, a query that comes back within a few
minutes may find its facet counts cached. Exit status 1 when a target is missed.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/datakring_bench"
TARGETS_MS = {"search": 100.0, "dataset page": 30.0}
GIN_INDEX = "catalog_datasetsearch_document_idx"
MATCH_GROUPS = [
    (1_000, "up to 1,000 datasets"),
    (10_000, "1,001 to 10,000"),
    (30_000, "10,001 to 30,000"),
    (10**9, "more than 30,000"),
]
# Words a visitor types: whole Dutch and English words, prefixes (the last word is matched
# as one), two-word queries, words that match nothing.
FIXED_QUERIES = [
    "verkeer",
    "verkeersongevallen",
    "traffic",
    "traf",
    "water",
    "waterstanden",
    "bomen",
    "trees",
    "afval",
    "lucht",
    "luchtkwaliteit",
    "air quality",
    "energie",
    "onderwijs",
    "school",
    "begroting",
    "budget",
    "parkeren",
    "fiets",
    "bevolking",
    "population",
    "geluid",
    "wonen",
    "huur",
    "subsidies",
    "gemeente",
    "zwolle",
    "utrecht 2024",
    "2020",
    "bus",
    "gezondheid",
    "xyzzy",
    "kwaliteit van",
    "open data",
]


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="per measured page")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"Creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _ensure_datasets(wanted: int) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from catalog import search
    from catalog.models import Dataset

    others = Dataset.objects.exclude(slug__startswith="synth-").count()
    if others:
        sys.exit(
            f"The benchmark database holds {others} datasets that are not synthetic; "
            "point DATABASE_URL at a database of its own."
        )
    have = Dataset.objects.count()
    if have < wanted:
        print(f"Generating {wanted - have:,} synthetic datasets (have {have:,}) ...", flush=True)
        started = time.perf_counter()
        try:
            call_command("generate_synthetic", datasets=wanted - have, verbosity=1)
        except CommandError as error:
            if "Unknown command" in str(error):
                sys.exit("manage.py generate_synthetic is not available yet; cannot fill the data.")
            raise
        print(f"  done in {time.perf_counter() - started:.0f} s")
    if _index_count() != Dataset.objects.count():
        print("Search index out of step with the datasets: rebuilding ...", flush=True)
        started = time.perf_counter()
        search.rebuild_index()
        print(f"  done in {time.perf_counter() - started:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _index_count() -> int:
    from django.db import connection

    from catalog.search import TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def _search_urls(rng: random.Random, count: int) -> list[str]:
    """What visitors type: one to three words of real titles (Dutch or English), a prefix
    of at least four letters, or one of FIXED_QUERIES (which has some that match almost
    everything); a fifth also pick a facet, a sort order or the second page."""
    from catalog.filters import facet_counts
    from catalog.models import Dataset

    titles = []
    for title in Dataset.objects.order_by("?").values_list("title", flat=True)[:100]:
        for text in title.values():
            words = [w.lower() for w in re.findall(r"[^\W\d_]{4,}", text)]
            if words:
                titles.append(words)
    facets = facet_counts(Dataset.objects.published())
    extras = [{}] * 20 + [
        {"theme": rng.choice(facets["theme"]).value},
        {"format": rng.choice(facets["format"]).value},
        {"publisher": rng.choice(facets["publisher"]).value},
        {"sort": "newest"},
        {"page": 2},
    ]
    urls = []
    for _ in range(count):
        words, kind = rng.choice(titles), rng.random()
        if kind < 0.4:
            query = rng.choice(words)
        elif kind < 0.7:
            query = " ".join(rng.sample(words, min(2, len(words))))
        elif kind < 0.8:
            query = " ".join(rng.sample(words, min(3, len(words))))
        elif kind < 0.9:
            word = rng.choice(words)
            query = word[: rng.randint(4, len(word))]
        else:
            query = rng.choice(FIXED_QUERIES)
        urls.append("/datasets/?" + urlencode({"q": query, **rng.choice(extras)}))
    return urls


def _detail_urls(rng: random.Random, count: int) -> list[str]:
    from catalog.models import Dataset

    total = Dataset.objects.count()
    offsets = [rng.randrange(total) for _ in range(count)]
    ids = list(Dataset.objects.order_by("pk").values_list("pk", flat=True))
    slugs = dict(Dataset.objects.filter(pk__in=[ids[o] for o in offsets]).values_list("pk", "slug"))
    return [f"/datasets/{slugs[ids[o]]}/" for o in offsets]


def _measure(client, urls: list[str]) -> list[float]:
    for url in urls[:10]:  # warm caches and connections; not counted
        client.get(url)
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    return timings


def _by_matches(urls: list[str], timings: list[float]) -> None:
    """Search timings grouped by how much of the catalogue the query matches."""
    from urllib.parse import parse_qs

    from catalog import search

    sizes: dict[str, int] = {}
    for url in urls:
        query = parse_qs(urlsplit(url).query)["q"][0]
        if query not in sizes:
            sizes[query] = len(search._pg_matches(search.query_terms(query)))
    groups: dict[str, list[float]] = {}
    for url, ms in zip(urls, timings, strict=True):
        matches = sizes[parse_qs(urlsplit(url).query)["q"][0]]
        group = next(g for limit, g in MATCH_GROUPS if matches <= limit)
        groups.setdefault(group, []).append(ms)
    print(f"\n{'search matching':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for _limit, group in MATCH_GROUPS:
        if group in groups:
            values = groups[group]
            print(
                f"{group:<22}{len(values):>9}{statistics.median(values):>9.1f}"
                f"{_percentile(values, 0.95):>9.1f}"
            )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _explain(query: str = "verkeer") -> bool:
    """Print the plan of the full-text match; True when it goes through the GIN index.

    The match runs inside catalog_datasetsearch_match(), which disables sequential scans
    for its own statement; the same statement is explained here under the same setting.
    """
    from django.db import connection, transaction

    from catalog import search

    tsquery, params = search._pg_tsquery(search.query_terms(query))
    sql = f"SELECT dataset_id FROM {search.TABLE} WHERE document @@ {tsquery}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nPlan of the full-text match for {query!r}:")
    print("  " + plan.replace("\n", "\n  "))
    return GIN_INDEX in plan


def main() -> int:
    args = _parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"This benchmark needs PostgreSQL; DATABASE_URL is {url!r}.")
    _ensure_database(url)
    _setup(url)
    _ensure_datasets(args.datasets)

    from django.conf import settings
    from django.test import Client, override_settings

    from catalog.models import Dataset

    rng = random.Random(args.seed)
    client = Client()
    print(f"\nDatabase {urlsplit(url).path.lstrip('/')}: {Dataset.objects.count():,} datasets")
    # Pages link hashed static files; the benchmark needs no collectstatic run first.
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    search_urls = _search_urls(rng, args.requests)
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
        results = {
            "search": _measure(client, search_urls),
            "dataset page": _measure(client, _detail_urls(rng, args.requests)),
        }
    uses_gin = _explain()
    _by_matches(search_urls, results["search"])

    print(f"\n{'page':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target p95")
    missed = not uses_gin
    for name, timings in results.items():
        p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
        ok = p95 < TARGETS_MS[name]
        missed |= not ok
        print(
            f"{name:<14}{len(timings):>9}{p50:>9.1f}{p95:>9.1f}{max(timings):>9.1f}"
            f"  < {TARGETS_MS[name]:.0f} ms {'ok' if ok else 'MISSED'}"
        )
    print(f"search plan uses the GIN index {GIN_INDEX}: {'yes' if uses_gin else 'NO'}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (figures scale with load)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
