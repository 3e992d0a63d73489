"""The beat schedule lives in code and is applied after every migrate, keeping what was switched off in the admin."""

import json

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from ledgerline import periodic

pytestmark = pytest.mark.django_db

WARRANTY_JOB = "Warranty alerts (daily)"


def test_migrate_schedules_the_daily_warranty_alerts_at_six():
    # The test database was built by migrate, so the post_migrate hook has already run.
    job = PeriodicTask.objects.get(name=WARRANTY_JOB)
    assert job.task == "assetreg.warranty_alerts_send"
    assert job.enabled
    assert (job.crontab.minute, job.crontab.hour, job.crontab.day_of_week) == ("0", "6", "*")
    assert json.loads(job.kwargs) == {"days_ahead": 30}


def test_migrate_schedules_the_monthly_depreciation_posting_on_the_first():
    job = PeriodicTask.objects.get(task="finance.depreciation_run_monthly")
    assert job.enabled
    assert (job.crontab.minute, job.crontab.hour, job.crontab.day_of_month) == ("0", "2", "1")


def test_resync_keeps_admin_switch_and_run_history():
    # Given an admin switched the job off (and it had run before)
    job = PeriodicTask.objects.get(name=WARRANTY_JOB)
    job.enabled = False
    job.total_run_count = 7
    job.save()

    # When migrate runs again
    call_command("migrate", verbosity=0)

    # Then the job is still off, its history kept, and no duplicate was made
    job.refresh_from_db()
    assert not job.enabled
    assert job.total_run_count == 7
    assert PeriodicTask.objects.filter(task="assetreg.warranty_alerts_send").count() == 1


def test_resync_applies_a_changed_definition_from_code(monkeypatch):
    # Given the code now runs the job at 07:30 with a longer horizon
    changed = periodic.PeriodicJob(
        name=WARRANTY_JOB,
        task="assetreg.warranty_alerts_send",
        description="Changed in code.",
        minute="30",
        hour="7",
        kwargs={"days_ahead": 45},
    )
    monkeypatch.setattr(periodic, "PERIODIC_JOBS", (changed,))

    # When the schedule is applied
    summary = periodic.sync_periodic_tasks()

    # Then the existing job is updated in place
    assert summary == {"created": 0, "updated": 1, "unchanged": 0}
    job = PeriodicTask.objects.get(name=WARRANTY_JOB)
    assert (job.crontab.minute, job.crontab.hour) == ("30", "7")
    assert json.loads(job.kwargs) == {"days_ahead": 45}
    assert periodic.sync_periodic_tasks() == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_deleted_job_is_recreated():
    PeriodicTask.objects.filter(name=WARRANTY_JOB).delete()

    assert periodic.sync_periodic_tasks()["created"] == 1
    assert PeriodicTask.objects.get(name=WARRANTY_JOB).enabled
