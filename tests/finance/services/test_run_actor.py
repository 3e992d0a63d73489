"""Who may start a posting run: finance staff by hand, and Celery beat's monthly job as the system actor. No
free-text value lets anyone else past the check."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from finance import services
from finance.choices import EntryKind
from finance.models import DepreciationRun
from finance.tasks import depreciation_run_monthly_task
from ledgerline.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["facility_manager", "technician", "auditor"])
def test_a_person_cannot_pass_as_the_schedule_to_start_a_run(world, textbook_asset, role):
    # When someone who is not finance staff starts a run claiming to be the schedule
    with pytest.raises(PermissionDenied):
        services.depreciation_run_start(
            actor=world.user(role), period=date(2024, 6, 1), trigger="schedule", dispatch=False
        )

    # Then no run is recorded
    assert not DepreciationRun.objects.exists()


def test_finance_cannot_record_its_run_as_the_schedule(world, textbook_asset):
    with pytest.raises(ValueError):
        services.depreciation_run_start(
            actor=world.finance, period=date(2024, 6, 1), trigger="schedule", dispatch=False
        )

    assert not DepreciationRun.objects.exists()


def test_the_monthly_task_runs_as_the_system_actor(world, textbook_asset, django_capture_on_commit_callbacks):
    # When beat's monthly task runs (its chunk tasks are only queued here)
    with django_capture_on_commit_callbacks(execute=False):
        result = depreciation_run_monthly_task.apply(kwargs={"period": "2024-06-01"}).get()

    # Then one run is recorded as started by the schedule, by no user
    run = DepreciationRun.objects.get()
    assert result["run_id"] == run.pk
    assert (run.trigger, run.requested_by, run.period) == ("schedule", None, date(2024, 6, 1))


def test_the_system_actor_may_post_but_not_change_values(world, textbook_asset):
    run = services.depreciation_run_start(actor=SYSTEM, period=date(2024, 6, 1), dispatch=False)
    assert run.trigger == "schedule"

    with pytest.raises(PermissionDenied):
        services.asset_impair(
            actor=SYSTEM, asset=textbook_asset, entry_date=date(2024, 7, 15), recoverable_amount="5000", reason="x"
        )
    assert not textbook_asset.value_entries.filter(kind=EntryKind.IMPAIRMENT).exists()
