"""The real-worker path: a saved dataset reaches the search index through Redis and Celery.

Needs a running worker that reads the test database. .ci/run starts one with
DATABASE_URL pointing at pytest-django's test_<name> database and sets
CELERY_WORKER_RUNNING=1; elsewhere these tests are skipped.
"""

import os
import time

import pytest
from django.db import connection, transaction

from catalog.models import Dataset
from catalog.search import search_datasets
from portal.celery import app as celery_app
from tests.factories import DatasetFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (os.environ.get("REDIS_URL") and os.environ.get("CELERY_WORKER_RUNNING") == "1"),
        reason="needs REDIS_URL and a Celery worker on the test database "
        "(CELERY_WORKER_RUNNING=1; .ci/run starts one)",
    ),
]

TIMEOUT = 30


def _found(word):
    return search_datasets(Dataset.objects.all(), word).exists()


def _wait_until_worker_idle():
    """Let late duplicates of the reindex task finish before the test's tables are flushed."""
    deadline = time.monotonic() + TIMEOUT
    inspect = celery_app.control.inspect(timeout=1)
    while time.monotonic() < deadline:
        with celery_app.connection_for_read() as conn:
            waiting = conn.default_channel.queue_declare(queue="celery")
        busy = [
            task
            for replies in (inspect.active() or {}, inspect.reserved() or {})
            for tasks in replies.values()
            for task in tasks
        ]
        if not waiting.message_count and not busy:
            return
        time.sleep(0.2)


@pytest.fixture
def real_worker():
    if connection.vendor == "sqlite":
        pytest.skip("a worker process cannot see SQLite's in-memory test database")
    celery_app.conf.task_always_eager = False
    yield
    _wait_until_worker_idle()
    celery_app.conf.task_always_eager = True


def _wait_for(condition, failure):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"{failure} within {TIMEOUT}s"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_saved_dataset_is_indexed_by_the_worker(real_worker):
    with transaction.atomic():
        DatasetFactory(published=True, title={"en": "Kwelderfluit counts", "nl": "Kwelderfluit"})
        # Nothing indexes inside the transaction: the task is sent only once it commits.
        assert not _found("kwelderfluit")

    _wait_for(lambda: _found("kwelderfluit"), "the worker did not index the new dataset")


@pytest.mark.django_db(transaction=True)
def test_changed_title_is_reindexed_by_the_worker(real_worker):
    dataset = DatasetFactory(published=True, title={"en": "Slikwadden survey"})
    _wait_for(lambda: _found("slikwadden"), "the worker did not index the new dataset")

    dataset.title = {"en": "Zandplaten survey"}
    dataset.save()

    _wait_for(
        lambda: _found("zandplaten") and not _found("slikwadden"),
        "the worker did not reindex the changed title",
    )
