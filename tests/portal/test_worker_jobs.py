"""The background jobs on a real Celery worker: link check, structure profile and quality
score reach a dataset saved through the API, and a task whose worker is killed mid-run
is completed by the next worker.

Needs Redis, PostgreSQL and the worker that .ci/run starts (CELERY_WORKER_RUNNING=1) with
OUTBOUND_ALLOW_PRIVATE=True, so that it may fetch this test's local HTTP server. The kill
test starts and kills workers of its own, on a queue of its own.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from catalog.models import ApiToken, Distribution, DistributionProfile, LinkCheck, QualityScore
from portal.celery import app as celery_app
from tests.factories import DatasetFactory, DistributionFactory, LicenceFactory, concept
from tests.localserver import LocalServer
from tests.portal.test_worker import _wait_for, _wait_until_worker_idle

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (os.environ.get("REDIS_URL") and os.environ.get("CELERY_WORKER_RUNNING") == "1"),
        reason="needs REDIS_URL and a Celery worker on the test database "
        "(CELERY_WORKER_RUNNING=1; .ci/run starts one)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
CSV = b"station;datum;waterstand_cm\nLobith;2025-01-01;912\nLobith;2025-01-02;905\n"


@pytest.fixture
def real_worker():
    if connection.vendor == "sqlite":
        pytest.skip("a worker process cannot see SQLite's in-memory test database")
    celery_app.conf.task_always_eager = False
    yield
    _wait_until_worker_idle()
    celery_app.conf.task_always_eager = True


@pytest.fixture
def server():
    local = LocalServer()
    yield local
    local.close()


@pytest.mark.django_db(transaction=True)
def test_dataset_saved_through_the_api_gets_link_check_profile_and_score(
    real_worker, server, alice
):
    server.add("/levels.csv", CSV, content_type="text/csv")
    concept("theme", "ENVI")
    concept("file-type", "CSV")
    LicenceFactory()
    _token, key = ApiToken.create_for(alice, "worker test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    created = api.post(
        "/api/v1/datasets/",
        {
            "title": {"nl": "Waterstanden Lobith", "en": "Water levels at Lobith"},
            "description": {"en": "Daily water levels.", "nl": "Dagelijkse waterstanden."},
            "publisher": "gemeente-utrecht",
            "themes": ["ENVI"],
            "licence": "CC-BY-4.0",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    distribution = api.post(
        "/api/v1/distributions/",
        {
            "dataset": created.json()["slug"],
            "download_url": server.url("/levels.csv"),
            "format": "CSV",
        },
        format="json",
    )
    assert distribution.status_code == 201, distribution.json()
    pk = Distribution.objects.get().pk

    _wait_for(
        lambda: LinkCheck.objects.filter(distribution_id=pk, status="ok").exists(),
        "the worker did not check the new distribution's link",
    )
    _wait_for(
        lambda: DistributionProfile.objects.filter(distribution_id=pk, status="ok").exists(),
        "the worker did not profile the new distribution",
    )
    profile = DistributionProfile.objects.get(distribution_id=pk)
    assert profile.row_count == 2 and profile.delimiter == ";"
    assert [c.name for c in Distribution.objects.get().columns.order_by("position")] == [
        "station",
        "datum",
        "waterstand_cm",
    ]
    # The score follows the link check: a reachable download URL earns its points.
    _wait_for(
        lambda: QualityScore.objects.filter(
            dataset__slug=created.json()["slug"], computed_at__gte=_checked_at(pk)
        ).exists(),
        "the worker did not rescore the dataset after its link check",
    )


def _checked_at(distribution_id):
    return LinkCheck.objects.get(distribution_id=distribution_id).checked_at


def _start_worker(queue: str, log: Path) -> subprocess.Popen:
    """A worker of our own: one process, our queue only, unacked tasks restored quickly."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "OUTBOUND_ALLOW_PRIVATE": "True",
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_is_completed_by_the_next_worker(
    real_worker, server, tmp_path
):
    # The first request hangs long enough to kill the worker in the middle of it; the
    # retried task finds the link answering at once.
    hits = []

    def slow_once(_query):
        hits.append(time.monotonic())
        delay = "20" if len(hits) == 1 else "0"
        return 200, {"Content-Type": "text/csv", "X-Test-Delay": delay}, CSV

    server.routes["/slow.csv"] = slow_once
    # Saving a distribution queues its check on the shared worker: let that one check
    # another URL and finish, then point the row at ours without signals.
    distribution = DistributionFactory(
        dataset=DatasetFactory(published=True), download_url=server.url("/elsewhere.csv")
    )
    _wait_for(
        lambda: LinkCheck.objects.filter(distribution=distribution).exists(),
        "the shared worker did not check the first URL",
    )
    Distribution.objects.filter(pk=distribution.pk).update(
        download_url=server.url("/slow.csv"), access_url=server.url("/slow.csv")
    )
    queue = f"killtest-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "workers.log"

    first = _start_worker(queue, log)
    try:
        celery_app.send_task("catalog.tasks.check_link", args=[distribution.pk], queue=queue)
        _wait_for(lambda: hits, "the first worker never started the link check")
        _kill(first)
        assert not LinkCheck.objects.filter(distribution=distribution, status="ok").exists()

        second = _start_worker(queue, log)
        try:
            deadline = time.monotonic() + 60
            while not LinkCheck.objects.filter(distribution=distribution, status="ok").exists():
                assert time.monotonic() < deadline, (
                    "the second worker did not complete the killed task:\n"
                    + log.read_text(errors="replace")[-3000:]
                )
                time.sleep(0.3)
        finally:
            _kill(second)
    finally:
        _kill(first)
        # Our queue must not outlive the test.
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
    assert len(hits) >= 2
    assert settings.CELERY_TASK_ACKS_LATE
