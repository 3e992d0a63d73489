"""Bounds on the valuation API's input: lives, amounts within the column and the currency's minor unit, months
that a run can post. Past a bound is a 400 with a field message and nothing is written."""

from datetime import date

import pytest
from billiard.exceptions import WorkerLostError
from celery.signals import task_failure

from finance import services
from finance.choices import EntryKind, RunStatus
from finance.models import DepreciationPlan, DepreciationRun, ValueEntry

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/depreciation-runs/"
IMPROVEMENT = {"entry_date": "2025-01-10", "added_cost": "4800.00", "reason": "New roof"}


def url(asset, what):
    return f"/api/v1/assets/{asset.pk}/{what}/"


def plan_of(asset):
    return list(DepreciationPlan.objects.filter(asset=asset).values_list("pk", "life_months"))


@pytest.mark.parametrize("months", [2**31, 2**63, 1_000_000])
def test_a_new_useful_life_beyond_a_century_is_refused(world, api_as, textbook_asset, post_through, months):
    post_through(date(2024, 12, 1))
    plan_before = plan_of(textbook_asset)

    response = api_as(world.finance).post(
        url(textbook_asset, "improve"), {**IMPROVEMENT, "new_useful_life_months": months}, format="json"
    )

    assert response.status_code == 400
    assert "new_useful_life_months" in response.json()
    assert not ValueEntry.objects.filter(kind=EntryKind.IMPROVEMENT).exists()
    assert plan_of(textbook_asset) == plan_before


def test_the_service_refuses_a_life_beyond_a_century_from_any_interface(world, textbook_asset, post_through):
    post_through(date(2024, 12, 1))

    with pytest.raises(Exception) as refused:
        services.asset_improve(
            actor=world.finance,
            asset=textbook_asset,
            entry_date=date(2025, 1, 10),
            added_cost="4800.00",
            reason="New roof",
            new_useful_life_months=1201,
        )

    assert refused.value.message_dict == {"new_useful_life_months": ["Enter a useful life between 1 and 1200 months."]}


def test_an_added_cost_that_would_overflow_the_column_is_refused(world, api_as, textbook_asset, post_through):
    post_through(date(2024, 12, 1))

    response = api_as(world.finance).post(
        url(textbook_asset, "improve"), {**IMPROVEMENT, "added_cost": "9999999999999999.99"}, format="json"
    )

    assert response.status_code == 400
    assert "added_cost" in response.json()
    assert not ValueEntry.objects.filter(kind=EntryKind.IMPROVEMENT).exists()


@pytest.mark.parametrize("field, value", [("added_cost", "4800.001"), ("added_cost", "0.005")])
def test_an_improvement_finer_than_cents_is_refused(world, api_as, textbook_asset, post_through, field, value):
    post_through(date(2024, 12, 1))

    response = api_as(world.finance).post(url(textbook_asset, "improve"), {**IMPROVEMENT, field: value}, format="json")

    assert response.status_code == 400
    assert response.json() == {field: ["EUR amounts have at most 2 decimal places."]}
    assert not ValueEntry.objects.filter(kind=EntryKind.IMPROVEMENT).exists()


@pytest.mark.parametrize("period", ["0001-01", "1899-12"])
def test_a_run_for_a_month_before_1900_is_refused(world, api_as, textbook_asset, period):
    response = api_as(world.finance).post(RUNS, {"period": period}, format="json")

    assert response.status_code == 400
    assert "period" in response.json()
    assert not DepreciationRun.objects.exists()


def test_a_value_event_dated_before_1900_is_refused(world, api_as, textbook_asset):
    response = api_as(world.finance).post(
        url(textbook_asset, "impair"),
        {"entry_date": "0001-01-01", "recoverable_amount": "100.00", "reason": "Flood"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"entry_date": ["Enter a date between 1900-01-01 and 2199-12-31."]}
    assert not ValueEntry.objects.exists()


def test_a_run_whose_chunk_crashes_is_marked_failed_with_the_reason_at_once(world, textbook_asset, monkeypatch):
    def crash(*args, **kwargs):
        raise ValueError("year 0 is out of range")

    monkeypatch.setattr(services.posting, "post_plans_python", crash)
    monkeypatch.setattr(services.posting, "post_range_sql", crash)

    with pytest.raises(ValueError):
        services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)

    run = DepreciationRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "year 0 is out of range" in run.error
    assert run.finished_at is not None


def test_a_chunk_task_that_fails_for_good_fails_its_run(world, textbook_asset, monkeypatch):
    from finance.tasks import depreciation_run_chunk_task

    run = services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)
    DepreciationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, finished_at=None)

    # What the worker's parent process sends when a chunk's process dies or hits its hard time limit.
    task_failure.send(
        sender=depreciation_run_chunk_task,
        task_id="task-id",
        exception=WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL)."),
        args=(run.pk, 1, 100),
        kwargs={},
    )

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "signal 9" in run.error
