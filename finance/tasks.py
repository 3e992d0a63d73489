"""Celery tasks of the valuation engine: thin wrappers around finance.services."""

from datetime import date
from typing import Any

from celery import shared_task
from celery.signals import task_failure
from django.db import OperationalError

from ledgerline.policy import SYSTEM

from . import services


@shared_task(
    name="finance.depreciation_run_chunk",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=600,
    time_limit=720,
)
def depreciation_run_chunk_task(run_id: int, lo: int, hi: int) -> dict[str, int]:
    """Value one id range of a run (idempotent: the ledger's unique key absorbs a repeat)."""
    return services.depreciation_run_chunk(run_id=run_id, lo=lo, hi=hi)


@shared_task(name="finance.depreciation_run_monthly", acks_late=True, soft_time_limit=60, time_limit=120)
def depreciation_run_monthly_task(period: str | None = None) -> dict[str, int]:
    """Scheduled by beat: start the posting run for the month that just ended (or `period`, YYYY-MM-DD)."""
    run = services.depreciation_run_start(
        actor=SYSTEM,
        period=date.fromisoformat(period) if period else services.scheduled_period(),
    )
    return {"run_id": run.pk, "chunks": run.chunks_total}


@task_failure.connect
def fail_the_run_of_a_failed_chunk(sender: Any = None, args: Any = None, kwargs: Any = None, **extra: Any) -> None:
    """A chunk that fails for good (an error, retries used up, killed at its hard time limit, or its worker process
    lost) fails its run at once, with the reason, instead of leaving it "running"."""
    if getattr(sender, "name", None) != depreciation_run_chunk_task.name:
        return
    run_id = (kwargs or {}).get("run_id", (args or [None])[0])
    if run_id is not None:
        services.depreciation_run_fail(run_id=run_id, reason=f"A chunk of the run failed: {extra.get('exception')!r}")
