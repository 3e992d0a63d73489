"""The valuation runs pages: list, detail, progress JSON and posting a month."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assetreg.models import Asset
from finance import services
from finance.choices import RunStatus
from finance.models import DepreciationRun
from finance.schedule import add_months
from ledgerline.money import Money
from tests.dbstate import unchanged_database
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

LIST = reverse("finance:run_list")


def queued_run(world, period, django_capture_on_commit_callbacks):
    """A run whose chunk tasks were enqueued on commit but that no worker has picked up."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.depreciation_run_start(actor=world.finance, period=period)
    return run, callbacks


@pytest.mark.parametrize("role", ["finance", "auditor"])
def test_finance_and_auditors_see_the_runs_with_status_progress_and_totals(
    world, client_for, textbook_asset, post_through, role
):
    run = post_through(date(2024, 12, 1))

    response = client_for(role).get(LIST)

    assert response.status_code == 200
    html = response.text
    assert "Valuation runs" in html and "December 2024" in html
    assert "badge-run-done" in html and "Done" in html
    assert f'aria-valuenow="{run.progress_percent}"' in html
    assert Money(Decimal(run.totals["EUR"]), "EUR").format() in html
    assert reverse("finance:run_detail", args=[run.pk]) in html
    assert ("Post a month" in html) is (role == "finance")


@pytest.mark.parametrize("role", ["facility_manager", "technician"])
def test_other_roles_may_not_see_the_runs(world, client_for, post_through, role):
    run = post_through(date(2024, 1, 1))
    client = client_for(role)

    for url in (LIST, reverse("finance:run_detail", args=[run.pk]), reverse("finance:run_status", args=[run.pk])):
        assert client.get(url).status_code == 403, url
    with unchanged_database():
        assert client.post(LIST, {"period": "2024-02"}).status_code == 403
    assert "Valuation runs" not in client.get(reverse("dashboard")).text


def test_the_main_navigation_offers_the_runs_to_finance_and_auditors(world, client_for):
    for role in ("finance", "auditor"):
        assert reverse("finance:run_list") in client_for(role).get(reverse("dashboard")).text


def test_finance_posts_a_month_and_the_chunks_are_enqueued_for_the_workers(
    world, client_for, textbook_asset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for("finance").post(LIST, {"period": "2024-03"})

    run = DepreciationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("finance:run_detail", args=[run.pk])
    assert (run.period, run.status, run.trigger, run.requested_by) == (
        date(2024, 3, 1),
        RunStatus.QUEUED,
        "manual",
        world.finance,
    )
    assert len(callbacks) == run.chunks_total == 1  # one chunk task, sent when the transaction commits


def test_a_future_month_is_refused_next_to_the_month(world, client_for):
    next_month = add_months(timezone.localdate(), 1)

    response = client_for("finance").post(LIST, {"period": f"{next_month:%Y-%m}"})

    assert response.status_code == 200
    error = response.text[response.text.index('id="id_period_error"') :][:200]
    assert "A future month cannot be posted yet." in error
    assert not DepreciationRun.objects.exists()


def test_a_month_with_a_run_in_progress_is_refused(
    world, client_for, textbook_asset, django_capture_on_commit_callbacks
):
    run, _ = queued_run(world, date(2024, 3, 1), django_capture_on_commit_callbacks)

    response = client_for("finance").post(LIST, {"period": "2024-03"})

    assert f"A run for March 2024 is already in progress (run {run.pk})." in response.text
    assert DepreciationRun.objects.count() == 1


def test_auditors_may_not_post_a_month(world, client_for):
    assert client_for("auditor").post(LIST, {"period": "2024-03"}).status_code == 403
    assert not DepreciationRun.objects.exists()


def test_a_queued_run_polls_its_status_and_a_finished_one_does_not(
    world, client_for, textbook_asset, post_through, django_capture_on_commit_callbacks
):
    done = post_through(date(2024, 1, 1))
    queued, _ = queued_run(world, date(2024, 2, 1), django_capture_on_commit_callbacks)
    client = client_for("auditor")

    queued_page = client.get(reverse("finance:run_detail", args=[queued.pk])).text
    done_page = client.get(reverse("finance:run_detail", args=[done.pk])).text

    assert f'data-run-status-url="{reverse("finance:run_status", args=[queued.pk])}"' in queued_page
    assert "Waiting for a worker" in queued_page and "js/runs.js" in queued_page
    assert "data-run-status-url" not in done_page
    assert "Depreciation run for January 2024" in done_page
    assert f">{Decimal(done.totals['EUR']):,.2f}<" in done_page  # the EUR total posted


def test_run_status_reports_progress_as_json(
    world, client_for, textbook_asset, post_through, django_capture_on_commit_callbacks
):
    queued, _ = queued_run(world, date(2024, 2, 1), django_capture_on_commit_callbacks)
    client = client_for("finance")

    before = client.get(reverse("finance:run_status", args=[queued.pk])).json()
    services.depreciation_run_chunk(run_id=queued.pk, lo=textbook_asset.pk - 10, hi=textbook_asset.pk + 10)
    after = client.get(reverse("finance:run_status", args=[queued.pk])).json()

    assert before["status"] == "queued" and before["finished"] is False and before["progress_percent"] == 0
    assert before["total_assets"] == Asset.objects.filter(status="in_service").count()
    assert after["status"] == "done" and after["finished"] is True and after["progress_percent"] == 100
    assert after["posted_entries"] >= 2 and after["chunks_done"] == after["chunks_total"] == 1
    assert after["totals"]["EUR"]


def test_the_progress_json_is_the_apis_run_shape(world, client_for, textbook_asset, post_through):
    run = post_through(date(2024, 3, 1))
    client = client_for("finance")

    polled = client.get(reverse("finance:run_status", args=[run.pk])).json()
    api = client.get(f"/api/v1/depreciation-runs/{run.pk}/").json()

    assert polled == api
    assert (polled["status_label"], polled["finished"]) == ("Done", True)


def test_the_run_page_lists_the_assets_that_failed_with_links_and_reasons(
    world, client_for, textbook_asset, post_through
):
    broken = make_asset(world, asset_tag="BROKEN-1")
    Asset.objects.filter(pk=broken.pk).update(useful_life_months=None)
    run = post_through(date(2024, 2, 1))

    html = client_for("finance").get(reverse("finance:run_detail", args=[run.pk])).text

    assert "Done with errors" in html
    assert f'href="{broken.get_absolute_url()}">BROKEN-1</a>' in html
    assert "The asset has no useful life." in html
