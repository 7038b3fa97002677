"""Benchmark: the REST and CKAN APIs over 100,000 datasets on PostgreSQL.

    uv run python bench/api.py [--datasets 100000] [--requests 200] [--seconds 10]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/datakring_bench) and fills
it like bench/search.py does (whose database helpers it reuses). Prints:
- p50/p95 of `/api/v1/datasets/?q=…` and of
  `/api/3/action/package_search?q=…&rows=100&facet.field=[…]`, server time measured in
  process with Django's test client, against the target p95 < 150 ms;
- requests per second of `package_show` under 8 concurrent clients: gunicorn on
  127.0.0.1 (throttling off, as for a trusted load test) and a thread pool of httpx
  clients, each asking for random datasets.
Exit status 1 when a target is missed.
"""

import argparse
import importlib.util
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0
CLIENTS = 8
FACETS = ["organization", "groups", "tags", "res_format", "license_id"]


def _search_bench():
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per measured search")
    parser.add_argument("--seconds", type=float, default=10.0, help="package_show load test")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def _queries(rng: random.Random, count: int, words: list[str]) -> list[str]:
    return [rng.choice(words) for _ in range(count)]


def _measure(client, urls: list[str]) -> list[float]:
    for url in urls[:10]:  # warm caches and connections; not counted
        client.get(url)
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return timings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(database_url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "API_THROTTLE_ANON": "10000000/min",
        "API_THROTTLE_USER": "10000000/min",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "False",
    }
    command = [
        sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--workers", "4", "--access-logfile", "/dev/null",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(base + "/api/3/action/site_read", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def _load_test(base: str, names: list[str], seconds: float, seed: int) -> tuple[int, int, float]:
    """(requests, failures, seconds) of CLIENTS threads asking package_show until time is up."""
    deadline = time.perf_counter() + seconds

    def client(number: int) -> tuple[int, int]:
        rng = random.Random(seed + number)
        done = failed = 0
        with httpx.Client(base_url=base, timeout=10) as http:
            while time.perf_counter() < deadline:
                response = http.get("/api/3/action/package_show", params={"id": rng.choice(names)})
                done += 1
                failed += response.status_code != 200
        return done, failed

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed


def main() -> int:
    args = _parse_args()
    bench = _search_bench()
    url = os.environ.get("DATABASE_URL") or bench.DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"This benchmark needs PostgreSQL; DATABASE_URL is {url!r}.")
    bench._ensure_database(url)
    bench._setup(url)
    bench._ensure_datasets(args.datasets)

    from django.test import Client

    from catalog.models import Dataset

    rng = random.Random(args.seed)
    client = Client()
    print(f"\nDatabase {urlsplit(url).path.lstrip('/')}: {Dataset.objects.count():,} datasets")
    words = _queries(rng, args.requests, bench.FIXED_QUERIES)
    facets = json.dumps(FACETS)
    results = {
        "REST /api/v1/datasets/?q=": _measure(
            client, [f"/api/v1/datasets/?{urlencode({'q': w})}" for w in words]
        ),
        "CKAN package_search rows=100 + facets": _measure(
            client,
            [
                "/api/3/action/package_search?"
                + urlencode({"q": w, "rows": 100, "facet.field": facets})
                for w in words
            ],
        ),
    }
    print(f"\n{'request':<40}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target p95")
    missed = False
    for name, timings in results.items():
        p50, p95 = statistics.median(timings), bench._percentile(timings, 0.95)
        ok = p95 < TARGET_P95_MS
        missed |= not ok
        print(
            f"{name:<40}{len(timings):>6}{p50:>9.1f}{p95:>9.1f}{max(timings):>9.1f}"
            f"  < {TARGET_P95_MS:.0f} ms {'ok' if ok else 'MISSED'}"
        )

    names = list(Dataset.objects.published().order_by("?").values_list("slug", flat=True)[:2000])
    from django.db import connections

    connections.close_all()
    server, base = _start_server(url)
    try:
        done, failed, elapsed = _load_test(base, names, args.seconds, args.seed)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\npackage_show, {CLIENTS} concurrent clients, gunicorn 4 workers: "
        f"{done / elapsed:.0f} requests/s ({done} in {elapsed:.1f} s, {failed} failed)"
    )
    return 1 if missed or failed else 0


if __name__ == "__main__":
    sys.exit(main())
