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


# Link health ------------------------------------------------------------------------------

# How often a check may find its host busy and queue itself again before it waits for the
# next scheduled run instead.
LINK_CHECK_REQUEUES = 100


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def check_link(self, distribution_id: int, requeued: int = 0) -> None:
    """Check one distribution's link and record it (on save, and fanned out at night).

    Network failures are not retried: they are recorded, and the rule that a link is broken
    only after failures over more than a day handles outages. When the host already has
    its share of requests running, the task queues itself again a little later.
    """
    import random

    from catalog import linkcheck

    # Run in-process there is no other worker to share a host with.
    if linkcheck.check_and_record(distribution_id, use_host_slots=not self.request.is_eager):
        return
    if requeued < LINK_CHECK_REQUEUES:
        check_link.apply_async(
            (distribution_id,), {"requeued": requeued + 1}, countdown=random.uniform(1, 10)
        )


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=3000,
    time_limit=3060,
)
def check_all_links(self, failing_only: bool = False) -> int:
    """Check every link (nightly) or the failing ones (during the day): one task per link.

    Run in-process (no worker), the links are checked here with the thread pool instead,
    as `manage.py check_links` does.
    """
    from catalog import linkcheck

    distributions = linkcheck.distributions_to_check(failing_only=failing_only)
    if self.request.is_eager:
        return sum(linkcheck.check_all(distributions).values())
    plan = linkcheck.fan_out_plan(distributions)
    for distribution_id, countdown in plan:
        check_link.apply_async((distribution_id,), countdown=countdown)
    return len(plan)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def send_link_digest() -> int:
    """E-mail publishers' members their broken links (daily; `manage.py send_link_digest`).

    OSError covers SMTP and connection errors; a publisher already sent today is skipped.
    """
    from catalog import linkcheck

    return linkcheck.send_digests()


# Metadata quality -------------------------------------------------------------------------


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def score_dataset(dataset_id: int) -> None:
    """Recompute one dataset's quality score (after a change or a link check).

    Idempotent: it reads the committed rows and overwrites the score; a gone dataset is
    skipped.
    """
    from catalog import quality

    quality.score_datasets([dataset_id])


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=3000,
    time_limit=3060,
)
def score_all_datasets() -> int:
    """Rescore every dataset (nightly by beat, and `manage.py score_datasets`): catches
    bulk writes that send no signals, and "updated on time", which changes with the date."""
    from catalog import quality
    from catalog.models import Dataset

    return quality.score_datasets(Dataset.objects.values_list("pk", flat=True))


# Structure ---------------------------------------------------------------------------------


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=4,
    soft_time_limit=900,
    time_limit=960,
)
def profile_distribution(self, distribution_id: int, force: bool = False) -> None:
    """Infer what a distribution's file holds (`manage.py profile_distributions`).

    Idempotent: an unchanged file (same SHA-256) is not profiled again. A download that
    may work later (timeout, 5xx) is retried with backoff; after the last try, or in-process,
    it is recorded as unreadable. The soft time limit ends in a readable status too.
    """
    from celery.exceptions import SoftTimeLimitExceeded

    from catalog import profiling

    final = self.request.is_eager or self.request.retries >= self.max_retries
    try:
        profiling.profile_distribution(distribution_id, force=force, final=final)
    except profiling.Transient as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from None
    except SoftTimeLimitExceeded:
        profiling.record_timeout(distribution_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def profile_all(force: bool = False) -> int:
    """Queue a profile of every distribution with a file or download URL (weekly by beat);
    unchanged files cost a download and a hash, not a profile."""
    from catalog import profiling

    ids = list(profiling.distributions_to_profile().values_list("pk", flat=True))
    for distribution_id in ids:
        profile_distribution.delay(distribution_id, force=force)
    return len(ids)
