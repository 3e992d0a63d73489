"""A task sent through the real broker is picked up by a real Celery worker, which writes to the real database.

Needs a broker server (Redis or RabbitMQ) and a database that another thread can see (not in-memory SQLite):
skipped otherwise, unless REQUIRE_CELERY_ROUNDTRIP=1 (as in CI), where a missing setup is a failure.
"""

import os
import time
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import close_old_connections, connections
from django.utils import timezone

from assetreg.models import WarrantyAlert
from assetreg.tasks import warranty_alerts_send_task
from ledgerline import roles
from ledgerline.celery import app as celery_app

pytestmark = pytest.mark.celery_roundtrip

SERVER_BROKERS = ("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://")


def _why_not_possible() -> str | None:
    broker = celery_app.conf.broker_url or ""
    if not broker.startswith(SERVER_BROKERS):
        return f"the broker is {broker.split('://')[0]}://, not a server (set CELERY_BROKER_URL=redis://...)"
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return "the database is SQLite; the worker thread needs a server database (set DATABASE_URL=postgres://...)"
    return None


@pytest.fixture
def roundtrip_possible() -> None:
    reason = _why_not_possible()
    if reason is None:
        return
    if os.environ.get("REQUIRE_CELERY_ROUNDTRIP") == "1":
        pytest.fail(f"REQUIRE_CELERY_ROUNDTRIP=1 but {reason}")
    pytest.skip(reason)


def _close_worker_connections(**kwargs) -> None:
    """Runs in the worker thread after each task, so the test database can be dropped at the end."""
    connections.close_all()


@pytest.fixture
def role_groups(transactional_db) -> None:
    """The role groups come from a data migration; an earlier transactional test's flush may have removed them."""
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)


def test_warranty_alert_task_runs_on_a_real_worker(roundtrip_possible, transactional_db, role_groups, world):
    # Committed data is needed: the worker thread reads the database through its own connection.
    # Given an asset at HQ whose warranty ends in 10 days, and HQ's facility manager has an email address
    today = timezone.localdate()
    world.home_asset.warranty_end = today + timedelta(days=10)
    world.home_asset.save()
    queue = f"roundtrip-{uuid.uuid4().hex[:12]}"  # a queue of our own: no stale or foreign messages

    task_postrun.connect(_close_worker_connections, weak=False, dispatch_uid=queue)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
            # When the task is sent through the broker
            warranty_alerts_send_task.apply_async(kwargs={"as_of": today.isoformat()}, queue=queue)

            # Then the worker records the alert in the database ...
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                close_old_connections()
                if WarrantyAlert.objects.filter(asset=world.home_asset).exists():
                    break
                time.sleep(0.2)
            else:
                pytest.fail("No warranty alert was written within 20 s: is the worker consuming the queue?")
    finally:
        task_postrun.disconnect(dispatch_uid=queue)

    # ... and mails the facility manager
    assert [message.to for message in mail.outbox] == [[world.facility_manager.email]]
    assert "HQ-PUMP-1" in mail.outbox[0].body
