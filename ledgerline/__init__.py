"""Project-wide package: settings, Celery app, URLs, money type, roles and API tokens."""

from .celery import app as celery_app

__all__ = ["celery_app"]
