"""Celery tasks of the communities: thin wrappers around the modules that do the work."""

from celery import shared_task
from django.db.utils import OperationalError


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def remind_data_requests() -> int:
    """Remind managers of data requests left untouched (daily; `manage.py
    remind_data_requests`). Idempotent: a request is reminded about once per period."""
    from communities import requests

    return requests.send_reminders()


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=900,
    time_limit=960,
)
def send_notification_digest() -> int:
    """E-mail the daily digest to people who chose it (daily; `manage.py
    send_notification_digest`). Idempotent: what was e-mailed is marked, so a retry or a
    second run sends nothing twice."""
    from communities import notify

    return notify.send_digests()
