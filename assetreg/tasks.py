"""Celery tasks of the register: thin wrappers that call one service and return a small summary."""

from datetime import date

from celery import shared_task

from ledgerline.policy import SYSTEM

from . import services


@shared_task(
    name="assetreg.warranty_alerts_send",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def warranty_alerts_send_task(as_of: str | None = None, days_ahead: int = 30) -> dict[str, int]:
    """Daily: alert facility managers of warranties that end within `days_ahead` days (idempotent)."""
    return services.warranty_alerts_send(
        actor=SYSTEM, as_of=date.fromisoformat(as_of) if as_of else None, days_ahead=days_ahead
    )
