"""Celery tasks of the catalogue: thin wrappers that take ids and call catalog.search."""

from celery import shared_task
from django.db.utils import OperationalError

from catalog import search


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def reindex_dataset(dataset_id: int) -> None:
    """Bring one dataset's search entry up to date; removes it when the dataset is gone.

    Idempotent, so duplicates (several signals for one save) and retries are harmless.
    """
    search.index_dataset(dataset_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def reindex_publisher(publisher_id: int) -> None:
    """Reindex a publisher's datasets: its name is part of their search documents."""
    from catalog.models import Dataset

    search.index_datasets(
        Dataset.objects.filter(publisher_id=publisher_id).values_list("pk", flat=True)
    )


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def rebuild_search_index() -> int:
    """Rebuild the whole index (weekly by beat, and `manage.py rebuild_search_index`)."""
    return search.rebuild_index()


# Harvesting -------------------------------------------------------------------------------


@shared_task(acks_late=False, soft_time_limit=2400, time_limit=2460)
def harvest_source(source_id: int) -> None:
    """Harvest one source now (queued by the scheduler and the admin); the run keeps a report.

    Not acknowledged late: a run that killed its worker must not be retried in a loop.
    """
    from catalog.harvest import harvest
    from catalog.models import HarvestSource

    source = HarvestSource.objects.filter(pk=source_id).first()
    if source is not None:
        harvest(source)


@shared_task
def harvest_due_sources() -> int:
    """Queue a run of every enabled source whose interval has passed (beat, every 15 minutes)."""
    from catalog.models import HarvestSource

    due = list(HarvestSource.objects.due())
    for source in due:
        source.schedule_next()
        harvest_source.delay_on_commit(source.pk)
    return len(due)
