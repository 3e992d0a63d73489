"""Depreciation runs through the API: start (202, posted in the background), follow, list failures.

Finance staff and auditors read runs; only finance staff start them; every other role gets 403.
"""

from datetime import date
from decimal import Decimal

import pytest

from assetreg.models import Asset
from finance.choices import EntryKind, RunStatus
from finance.models import DepreciationRun, ValueEntry
from ledgerline.celery import app as celery_app
from tests.dbstate import unchanged_database
from tests.factories import UserFactory
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/depreciation-runs/"


def test_finance_starts_a_run_and_gets_202_with_the_queued_run_before_anything_is_posted(
    world, api_as, textbook_asset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api_as(world.finance).post(RUNS, {"period": "2024-12"}, format="json")

    assert response.status_code == 202
    run = response.json()
    assert (run["period"], run["status"], run["trigger"], run["requested_by"]) == (
        "2024-12-01",
        "queued",
        "api",
        "fin",
    )
    assert (run["chunks_done"], run["chunks_total"], run["posted_entries"]) == (0, 1, 0)
    assert response["Location"].endswith(f"{RUNS}{run['id']}/")
    assert len(queued) == run["chunks_total"]  # one chunk task per id range, sent once the transaction commits
    assert not ValueEntry.objects.exists()


@pytest.fixture
def eager_tasks():
    """Celery tasks run in the test process when sent, instead of going to a broker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_once_the_workers_ran_the_chunks_the_run_shows_done_with_its_totals(
    world, api_as, textbook_asset, django_capture_on_commit_callbacks, eager_tasks
):
    client = api_as(world.finance)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(RUNS, {"period": "2024-12-31"}, format="json")

    run = client.get(f"{RUNS}{started.json()['id']}/").json()

    assert (run["period"], run["status"], run["progress_percent"]) == ("2024-12-01", "done", 100)
    assert (run["processed_assets"], run["total_assets"], run["chunks_done"], run["chunks_total"]) == (3, 3, 1, 1)
    posted = ValueEntry.objects.filter(run_id=run["id"]).values_list("amount", flat=True)
    assert list(run["totals"]) == ["EUR"]
    assert Decimal(run["totals"]["EUR"]) == -sum(posted) >= Decimal("1800.00")  # the pumps of `world` post too
    assert ValueEntry.objects.filter(asset=textbook_asset, kind=EntryKind.DEPRECIATION).count() == 12
    assert run["started_at"] and run["finished_at"]


def test_a_second_start_while_the_month_is_in_progress_is_400_on_period(
    world, api_as, textbook_asset, django_capture_on_commit_callbacks
):
    client = api_as(world.finance)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(RUNS, {"period": "2024-12"}, format="json")

        again = client.post(RUNS, {"period": "2024-12"}, format="json")

    assert again.status_code == 400
    assert "already in progress" in again.json()["period"][0]
    assert DepreciationRun.objects.count() == 1


@pytest.mark.parametrize("period", ["2099-01", "December 2024", "2024-13", "2024-02-30", ""])
def test_a_future_or_malformed_month_is_400_on_period(world, api_as, period):
    client = api_as(world.finance)

    with unchanged_database():
        response = client.post(RUNS, {"period": period}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["period"]


def test_an_auditor_reads_runs_but_may_not_start_one(world, api_as, post_through):
    run = post_through(date(2024, 6, 1))
    client = api_as(world.auditor)

    listed = client.get(RUNS)
    started = client.post(RUNS, {"period": "2024-07"}, format="json")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [run.pk]
    assert started.status_code == 403
    assert DepreciationRun.objects.count() == 1


@pytest.mark.parametrize("role", ["facility_manager", "technician", "outsider"])
def test_other_roles_get_403_for_every_run_endpoint(world, api_as, post_through, role):
    run = post_through(date(2024, 6, 1))
    client = api_as(world.user(role))

    with unchanged_database():
        responses = [
            client.get(RUNS),
            client.get(f"{RUNS}{run.pk}/"),
            client.get(f"{RUNS}{run.pk}/failures/"),
            client.post(RUNS, {"period": "2024-07"}, format="json"),
        ]

    assert [r.status_code for r in responses] == [403] * 4
    assert "finance staff and auditors" in responses[0].json()["detail"]


def test_an_account_without_a_role_is_told_so(world, api_as):
    nobody = UserFactory(username="nobody")

    response = api_as(nobody).get(RUNS)

    assert response.status_code == 403
    assert "no role" in response.json()["detail"]


def test_runs_are_listed_newest_first_and_filtered_by_status(world, api_as, post_through):
    first = post_through(date(2024, 5, 1))
    second = post_through(date(2024, 6, 1))
    DepreciationRun.objects.filter(pk=first.pk).update(status=RunStatus.FAILED)
    client = api_as(world.finance)

    everything = client.get(RUNS).json()["results"]
    failed = client.get(RUNS, {"status": "failed"}).json()["results"]

    assert [row["id"] for row in everything] == [second.pk, first.pk]
    assert [row["id"] for row in failed] == [first.pk]


def test_a_runs_failures_name_each_asset_and_the_reason(world, api_as, textbook_asset, post_through):
    broken = make_asset(world, asset_tag="BROKEN-1")
    Asset.objects.filter(pk=broken.pk).update(useful_life_months=None)  # bad data that slipped in
    run = post_through(date(2024, 2, 1))
    client = api_as(world.auditor)

    detail = client.get(f"{RUNS}{run.pk}/").json()
    failures = client.get(f"{RUNS}{run.pk}/failures/").json()

    assert (detail["status"], detail["failed_assets"]) == ("done_with_errors", 1)
    assert failures["count"] == 1
    assert failures["results"] == [
        {"asset": broken.pk, "asset_tag": "BROKEN-1", "reason": "The asset has no useful life."}
    ]


def test_an_unknown_run_is_404(world, api_as):
    assert api_as(world.finance).get(f"{RUNS}999999/").status_code == 404
    assert api_as(world.finance).get(f"{RUNS}999999/failures/").status_code == 404
