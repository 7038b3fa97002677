"""Benchmark: DCAT-AP export of 100,000 datasets (3 distributions each) on PostgreSQL.

    uv run python bench/dcat.py [--datasets 100000] [--pages 3]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/datakring_bench), creates the
database when it is missing, migrates it and tops it up with synthetic datasets
(`manage.py generate_synthetic`); it refuses a database holding other than synthetic
datasets. Measures, each in a subprocess of its own so that peak memory (getrusage of the
child) is the command's or the server's alone:

- `manage.py export_dcat --format nt`: wall time, datasets per second, peak memory;
- serving `/catalog.ttl?page_size=1000` (first, a middle and the last page) through
  Django's request handling: time per page and peak memory.

Targets on a 2-core machine: export at least 2,000 datasets/s, peak memory under 250 MB.
Exit status 1 when a target is missed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/datakring_bench"
TARGET_RATE = 2000  # datasets per second
TARGET_MB = 250

# Run in a child process: serves catalogue pages and prints their timings as JSON.
SERVE_PAGES = """
import json, sys, time
import django
django.setup()
from django.test import Client
client = Client()
timings = []
for page in sys.argv[1:]:
    started = time.perf_counter()
    response = client.get("/catalog.ttl", {"page_size": 1000, "page": page})
    size = sum(len(chunk) for chunk in response)
    timings.append({"page": int(page), "status": response.status_code, "bytes": size,
                    "seconds": time.perf_counter() - started})
print(json.dumps(timings))
"""


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=3, help="catalogue pages to serve")
    return parser.parse_args()


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
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


def _ensure_datasets(wanted: int) -> int:
    from django.core.management import call_command

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
        call_command("generate_synthetic", datasets=wanted - have, verbosity=1)
        print(f"  done in {time.perf_counter() - started:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Dataset.objects.published().count()


def _run_child(command: list[str]) -> tuple[str, float, float, float]:
    """Run `command`; return its stdout, wall time (s), CPU time (s) and peak memory (MB)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(command)} failed:\n{err.read().decode()}")
        peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
        return out.read().decode(), elapsed, usage.ru_utime + usage.ru_stime, peak_mb


def _bench_export(published: int) -> bool:
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "catalog.nt"
        command = [sys.executable, "manage.py", "export_dcat", "--format", "nt"]
        _out, elapsed, cpu, peak_mb = _run_child([*command, "--output", str(output)])
        size_mb = output.stat().st_size / 1e6
        with output.open("rb") as stream:
            triples = sum(1 for _ in stream)
    rate = published / elapsed
    print(
        f"\nexport_dcat --format nt: {published:,} datasets, {triples:,} triples, {size_mb:,.0f} MB"
    )
    print(f"  {elapsed:.1f} s = {rate:,.0f} datasets/s (target >= {TARGET_RATE:,})")
    print(f"  CPU time of the command {cpu:.1f} s ({published / cpu:,.0f} datasets per CPU-second)")
    print(f"  peak memory {peak_mb:.0f} MB (target < {TARGET_MB})")
    return rate >= TARGET_RATE and peak_mb < TARGET_MB


def _bench_pages(published: int, count: int) -> bool:
    last = max(1, -(-published // 1000))
    pages = sorted({1, (last + 1) // 2, last} | set(range(2, max(2, count - 1))))[:count]
    out, _elapsed, _cpu, peak_mb = _run_child(
        [sys.executable, "-c", SERVE_PAGES, *(str(page) for page in pages)]
    )
    timings = json.loads(out)
    print(f"\nGET /catalog.ttl?page_size=1000 (of {last:,} pages):")
    ok = peak_mb < TARGET_MB
    for timing in timings:
        seconds, size_mb = timing["seconds"], timing["bytes"] / 1e6
        print(
            f"  page {timing['page']:>4}: {seconds:.2f} s, {size_mb:.1f} MB Turtle, "
            f"{1000 / seconds:,.0f} datasets/s (status {timing['status']})"
        )
        ok = ok and timing["status"] == 200
    print(f"  peak memory of the serving process {peak_mb:.0f} MB (target < {TARGET_MB})")
    return ok


def main() -> int:
    args = _parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"This benchmark needs PostgreSQL; DATABASE_URL is {url!r}.")
    _ensure_database(url)
    _setup(url)
    published = _ensure_datasets(args.datasets)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Load average before measuring: {load} ({os.cpu_count()} CPUs); other work skews timings."
    )
    export_ok = _bench_export(published)
    pages_ok = _bench_pages(published, args.pages)
    print("\nAll DCAT targets met." if export_ok and pages_ok else "\nA DCAT target was missed.")
    return 0 if export_ok and pages_ok else 1


if __name__ == "__main__":
    sys.exit(main())
