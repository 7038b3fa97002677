"""Benchmark: the background jobs' engines, against targets.

    uv run python bench/jobs.py [--urls 10000] [--hosts 20]

Link checks: catalog.linkcheck.check_many() over 10,000 URLs spread over 20 hosts, served
by a local HTTP server in a separate process (addresses 127.0.0.1 to 127.0.0.20, a few
milliseconds of latency, one host refusing HEAD, some missing files). Prints checks per
second and the most concurrent requests any host saw, with the settings in force
(LINKCHECK_*). Targets: at least 200 checks per second, and never more requests at once
per host than LINKCHECK_HOST_CONCURRENCY. Only the engine is measured: recording the
results is one row write per link, done by the caller.

Structure profiling: catalog.profiling.profile_path() over a generated 200 MB CSV (eight
columns of integers, numbers, dates, booleans and text, with quoted commas and empty cells),
in a fresh process. Prints MB per second and memory: the process's peak resident size, and
how much profiling added to it (the interpreter, Django and pyarrow take about 115 MB
before the first byte is read). Targets: at least 20 MB/s and a peak under 200 MB for the
whole process.

Each part is a bench_<job>() function returning whether its targets were met; main()
runs them all. Exit status 1 when a target is missed.
"""

import argparse
import asyncio
import multiprocessing
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LINK_CHECKS_PER_SECOND = 200.0
PROFILE_MB_PER_SECOND = 20.0
PROFILE_MEMORY_MB = 200.0
SERVER_LATENCY = 0.003  # seconds per request, so that requests overlap as on a real host


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--profile-mb", type=int, default=200, help="Size of the CSV to profile.")
    return parser.parse_args()


def _setup() -> None:
    # The local server lives on loopback addresses, which outbound requests refuse otherwise.
    os.environ["OUTBOUND_ALLOW_PRIVATE"] = "True"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# A local server with many hosts, in its own process (it must not share our GIL) ----------


def _serve(hosts: int, ports, stats, stop) -> None:
    asyncio.run(_serve_async(hosts, ports, stats, stop))


async def _serve_async(hosts, ports, stats, stop) -> None:
    running, most = Counter(), Counter()

    async def handle(reader, writer):
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, path = head.split(b" ", 2)[:2]
                running[host] += 1
                most[host] = max(most[host], running[host])
                await asyncio.sleep(SERVER_LATENCY)
                running[host] -= 1
                writer.write(_answer(host, method, path))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = []
    for n in range(1, hosts + 1):
        server = await asyncio.start_server(handle, f"127.0.0.{n}", 0, backlog=512)
        servers.append(server)
        ports.append(server.sockets[0].getsockname()[1])
    while not stop.is_set():
        await asyncio.sleep(0.05)
    stats.update(dict(most))
    for server in servers:
        server.close()


def _answer(host: str, method: bytes, path: bytes) -> bytes:
    body = b"id,value\n" + b"1,2\n" * 50
    if path.endswith(b"-missing.csv"):
        status, body = b"404 Not Found", b"not found"
    elif method == b"HEAD" and host.endswith(".2"):
        status, body = b"405 Method Not Allowed", b""  # this host refuses HEAD
    else:
        status = b"200 OK"
    headers = b"Content-Type: text/csv\r\nContent-Length: %d\r\n" % len(body)
    return (
        b"HTTP/1.1 " + status + b"\r\n" + headers + b"\r\n" + (b"" if method == b"HEAD" else body)
    )


def bench_links(urls: int, hosts: int) -> bool:
    from django.conf import settings

    from catalog import linkcheck

    manager = multiprocessing.Manager()
    ports, stats, stop = manager.list(), manager.dict(), manager.Event()
    server = multiprocessing.Process(target=_serve, args=(hosts, ports, stats, stop), daemon=True)
    server.start()
    while len(ports) < hosts:
        if not server.is_alive():
            print("The local server did not start (are 127.0.0.2 and up routable here?)")
            return False
        time.sleep(0.05)
    items = []
    for n in range(urls):
        host = n % hosts
        name = f"{n}-missing.csv" if n % 50 == 0 else f"{n}.csv"
        items.append((n, f"http://127.0.0.{host + 1}:{ports[host]}/files/{name}"))

    started = time.perf_counter()
    outcomes = Counter(result.outcome for _key, result in linkcheck.check_many(items))
    elapsed = time.perf_counter() - started
    stop.set()
    server.join(timeout=10)
    rate = urls / elapsed
    per_host = settings.LINKCHECK_HOST_CONCURRENCY
    most = max(stats.values()) if stats else 0
    expected_failures = len(range(0, urls, 50))

    print(f"Link checks: {urls:,} URLs over {hosts} hosts")
    print(
        f"  settings: {settings.LINKCHECK_WORKERS} threads, {per_host} requests at once per "
        f"host, {settings.LINKCHECK_HOST_DELAY_MS} ms politeness delay, "
        f"server latency {SERVER_LATENCY * 1000:.0f} ms"
    )
    print(
        f"  {elapsed:.1f} s, {rate:,.0f} checks per second (target >= {LINK_CHECKS_PER_SECOND:.0f})"
    )
    print(f"  most requests at once on one host: {most} (limit {per_host})")
    print(f"  outcomes: {dict(outcomes)} (expected {expected_failures} failures)")
    met = (
        rate >= LINK_CHECKS_PER_SECOND
        and 0 < most <= per_host
        and outcomes["failed"] == expected_failures
        and outcomes["ok"] == urls - expected_failures
    )
    print("  " + ("target met" if met else "TARGET MISSED"))
    return met


# Structure profiling -----------------------------------------------------------------------


def _write_csv(path: Path, size: int) -> None:
    import random

    rnd = random.Random(42)
    themes = ["afval", "water", "verkeer", "lucht", "groen", "wonen"]
    places = [f"Gemeente {i}" for i in range(400)]
    written = row = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,naam,thema,bedrag,datum,actief,plaats,opmerking\n")
        while written < size:
            lines = []
            for _ in range(10_000):
                row += 1
                note = "" if row % 7 else f'"tekst, met komma {row % 1000}"'
                lines.append(
                    f"{row},Object {rnd.randrange(100_000)},{rnd.choice(themes)},"
                    f"{rnd.random() * 10_000:.2f},2024-{1 + row % 12:02d}-{1 + row % 28:02d},"
                    f"{'true' if row % 3 else 'false'},{rnd.choice(places)},{note}\n"
                )
            chunk = "".join(lines)
            handle.write(chunk)
            written += len(chunk)


def _profile_in_child(path: str, queue) -> None:
    import resource

    _setup()
    from catalog import profiling

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    result = profiling.profile_path(path, name="bench.csv")
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    types = {column["name"]: column["type"] for column in result.columns}
    queue.put((elapsed, before, peak, result.status, result.row_count, types))


def bench_profiling(megabytes: int) -> bool:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-profile-") as directory:
        path = Path(directory) / "bench.csv"
        _write_csv(path, megabytes * 1_000_000)
        size = path.stat().st_size
        # A fresh process, so that its peak memory is the profiling's and nothing else's.
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_profile_in_child, args=(str(path), queue))
        child.start()
        elapsed, before, peak, status, rows, types = queue.get(timeout=600)
        child.join(timeout=60)
    rate = size / 1_000_000 / elapsed
    added = peak - before
    print(f"Structure profiling: a {size / 1_000_000:.0f} MB CSV, {rows:,} rows")
    print(f"  {elapsed:.1f} s, {rate:,.1f} MB/s (target >= {PROFILE_MB_PER_SECOND:.0f})")
    print(
        f"  memory: peak {peak:.0f} MB resident (target < {PROFILE_MEMORY_MB:.0f}), "
        f"{added:.0f} MB of it added by profiling"
    )
    print(f"  status {status}, types {types}")
    expected = {
        "id": "integer",
        "naam": "string",
        "thema": "string",
        "bedrag": "number",
        "datum": "date",
        "actief": "boolean",
        "plaats": "string",
        "opmerking": "string",
    }
    met = (
        status == "ok"
        and types == expected
        and rate >= PROFILE_MB_PER_SECOND
        and peak < PROFILE_MEMORY_MB
    )
    print("  " + ("target met" if met else "TARGET MISSED"))
    return met


def main() -> int:
    args = _parse_args()
    _setup()
    results = [bench_links(args.urls, args.hosts), bench_profiling(args.profile_mb)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
