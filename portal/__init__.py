# Expose the Celery app so `celery -A portal` finds it and shared_task binds to it.
from portal.celery import app as celery_app

__all__ = ("celery_app",)
