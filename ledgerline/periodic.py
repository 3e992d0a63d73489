"""The Celery beat schedule, defined in code and applied to django-celery-beat's tables after every migrate.

Code owns what a job runs and when (task, schedule, arguments, description). The admin owns whether it runs:
a job switched off there stays off, and its run history (last run, run count) is never touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction


@dataclass(frozen=True)
class PeriodicJob:
    """One periodic job: a unique name, the Celery task it runs, a crontab and keyword arguments."""

    name: str
    task: str
    description: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    kwargs: dict[str, Any] = field(default_factory=dict)


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="Warranty alerts (daily)",
        task="assetreg.warranty_alerts_send",
        description="Every morning: tell facility managers which warranties end within 30 days (once per asset).",
        minute="0",
        hour="6",
        kwargs={"days_ahead": 30},
    ),
    PeriodicJob(
        name="Depreciation posting (monthly)",
        task="finance.depreciation_run_monthly",
        description="On the 1st of each month: post depreciation for the month that just ended.",
        minute="0",
        hour="2",
        day_of_month="1",
    ),
)


def _crontab_for(job: PeriodicJob, using: str) -> Any:
    from django_celery_beat.models import CrontabSchedule

    spec = {
        "minute": job.minute,
        "hour": job.hour,
        "day_of_week": job.day_of_week,
        "day_of_month": job.day_of_month,
        "month_of_year": job.month_of_year,
        "timezone": settings.CELERY_TIMEZONE,
    }
    schedule = CrontabSchedule.objects.using(using).filter(**spec).order_by("pk").first()
    return schedule or CrontabSchedule.objects.using(using).create(**spec)


def sync_periodic_tasks(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Apply PERIODIC_JOBS by name: create missing jobs, update changed definitions, keep admin on/off switches."""
    from django_celery_beat.models import PeriodicTask

    summary = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic(using=using):
        for job in PERIODIC_JOBS:
            crontab = _crontab_for(job, using)
            definition = {
                "task": job.task,
                "crontab": crontab,
                "interval": None,
                "solar": None,
                "clocked": None,
                "kwargs": json.dumps(job.kwargs, sort_keys=True),
                "description": job.description,
            }
            current = PeriodicTask.objects.using(using).filter(name=job.name).first()
            unchanged = current is not None and all(
                _same(key, getattr(current, key), value) for key, value in definition.items()
            )
            if unchanged:
                summary["unchanged"] += 1
                continue
            _, created = PeriodicTask.objects.using(using).update_or_create(
                name=job.name, defaults=definition, create_defaults={**definition, "enabled": True}
            )
            summary["created" if created else "updated"] += 1
    return summary


def _same(key: str, current: Any, wanted: Any) -> bool:
    if key == "kwargs":
        try:
            return json.loads(current or "{}") == json.loads(wanted)
        except ValueError:
            return False
    return getattr(current, "pk", current) == getattr(wanted, "pk", wanted)


def sync_periodic_tasks_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver: apply the schedule once django-celery-beat's tables exist."""
    tables = set(connections[using].introspection.table_names())
    if {"django_celery_beat_periodictask", "django_celery_beat_crontabschedule"} <= tables:
        sync_periodic_tasks(using=using)
