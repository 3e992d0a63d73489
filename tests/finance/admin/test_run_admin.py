"""Posting runs in the admin: the list with progress, "Post a month", the failure banner, read-only records."""

import re
from datetime import date

import pytest
from django.urls import reverse

from finance import services
from finance.choices import RunStatus
from finance.models import DepreciationRun
from tests.dbstate import unchanged_database
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

RUNS = "admin:finance_depreciationrun_changelist"
POST_MONTH = "admin:finance_depreciationrun_post"


def text_of(page):
    """The page as a reader sees it: without tags."""
    return re.sub(r"<[^>]+>", "", page)


def test_finance_sees_runs_with_progress_totals_and_who_asked(world, logged_in, posted_2024):
    response = logged_in(world.finance).get(reverse(RUNS))

    assert response.status_code == 200
    page = response.text
    assert f"Run {posted_2024.pk}" in page and "December 2024" in page
    assert f"{posted_2024.total_assets} / {posted_2024.total_assets} (100%)" in text_of(page)
    assert '<progress class="run-progress" data-run-progress max="100" value="100"' in page
    assert "data-run-status-url" not in page, "a finished run is not polled"
    assert f"EUR {posted_2024.totals['EUR'][:-3]}" in page.replace(",", "")
    assert "fin" in page
    assert "Post a month" in page


def test_a_running_run_shows_how_far_it_got_and_is_polled_like_the_web_page(world, logged_in):
    run = DepreciationRun.objects.create(
        period=date(2026, 10, 1),
        status=RunStatus.RUNNING,
        total_assets=200,
        processed_assets=50,
        requested_by=world.finance,
    )

    page = logged_in(world.finance).get(reverse(RUNS)).text

    assert "50 / 200 (25%)" in text_of(page)
    assert f'data-run-status-url="{reverse("finance:run_status", args=[run.pk])}"' in page
    assert "js/runs.js" in page


def test_post_a_month_starts_a_run_and_links_it(world, logged_in, textbook_asset, django_capture_on_commit_callbacks):
    client = logged_in(world.finance)

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post(reverse(POST_MONTH), {"period": "2024-06"})

    run = DepreciationRun.objects.get()
    assert response.status_code == 302 and response.url == reverse(RUNS)
    assert (run.period, run.trigger, run.requested_by) == (date(2024, 6, 1), "manual", world.finance)
    assert enqueued, "the chunk tasks are sent to the workers once the run is committed"
    listing = client.get(response.url)
    assert f"Run {run.pk} for June 2024 started" in listing.text
    assert reverse("admin:finance_depreciationrun_change", args=[run.pk]) in listing.text


def test_post_a_month_offers_the_month_that_just_ended(world, logged_in):
    form = logged_in(world.finance).get(reverse(POST_MONTH)).context["form"]

    assert form.initial["period"] == services.scheduled_period()


def test_a_future_month_is_a_form_error_and_starts_nothing(world, logged_in):
    response = logged_in(world.finance).post(reverse(POST_MONTH), {"period": "2099-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["period"] == ["A future month cannot be posted yet."]
    assert not DepreciationRun.objects.exists()


def test_a_month_already_being_posted_is_a_form_error(
    world, logged_in, textbook_asset, django_capture_on_commit_callbacks
):
    client = logged_in(world.finance)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse(POST_MONTH), {"period": "2024-06"})

    response = client.post(reverse(POST_MONTH), {"period": "2024-06"})

    assert response.status_code == 200
    assert "already in progress" in response.context["form"].errors["period"][0]
    assert DepreciationRun.objects.count() == 1


def test_a_month_that_is_not_a_month_is_a_form_error(world, logged_in):
    response = logged_in(world.finance).post(reverse(POST_MONTH), {"period": "June"})

    assert response.status_code == 200 and response.context["form"].errors["period"]


def test_the_latest_run_with_failures_is_announced_and_its_failures_are_listed(world, logged_in, textbook_asset):
    broken = make_asset(world, asset_tag="NO-DATE-1", in_service_date=None)
    run = services.depreciation_run_start(actor=world.finance, period=date(2024, 6, 1), dispatch=False)
    client = logged_in(world.finance)

    listing = client.get(reverse(RUNS))
    detail = client.get(reverse("admin:finance_depreciationrun_change", args=[run.pk]))

    assert run.status == RunStatus.DONE_WITH_ERRORS
    warnings = [str(m) for m in listing.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        f"1 asset(s) could not be valued in run {run.pk} (June 2024): "
        f'<a href="{reverse("admin:finance_runfailure_changelist")}?run__id__exact={run.pk}">'
        "see its failures</a>."
    ]
    assert "NO-DATE-1" in detail.text and "no in-service date" in detail.text
    failures = client.get(reverse("admin:finance_runfailure_changelist"), {"run__id__exact": run.pk})
    assert [f.asset for f in failures.context["cl"].result_list] == [broken]


def test_no_banner_once_a_later_run_went_through(world, logged_in, textbook_asset):
    broken = make_asset(world, asset_tag="NO-DATE-1", in_service_date=None)
    services.depreciation_run_start(actor=world.finance, period=date(2024, 6, 1), dispatch=False)
    broken.in_service_date = date(2024, 1, 1)
    broken.save()
    services.depreciation_run_start(actor=world.finance, period=date(2024, 7, 1), dispatch=False)

    listing = logged_in(world.finance).get(reverse(RUNS))

    assert not [m for m in listing.context["messages"] if m.level_tag == "warning"]


def test_runs_are_never_added_changed_or_deleted_by_hand(world, logged_in, posted_2024):
    client = logged_in(world.admin)
    change = reverse("admin:finance_depreciationrun_change", args=[posted_2024.pk])

    detail = client.get(change)
    refused_change = client.post(change, {"status": RunStatus.FAILED})
    refused_add = client.get(reverse("admin:finance_depreciationrun_add"))
    delete = reverse("admin:finance_depreciationrun_delete", args=[posted_2024.pk])
    refused_delete = client.post(delete, {"post": "yes"})

    assert detail.status_code == 200 and 'name="_save"' not in detail.text
    assert (refused_change.status_code, refused_add.status_code, refused_delete.status_code) == (403, 403, 403)
    posted_2024.refresh_from_db()
    assert posted_2024.status == RunStatus.DONE


def test_auditors_see_runs_but_cannot_post_a_month(world, logged_in, posted_2024):
    client = logged_in(world.auditor)

    listing = client.get(reverse(RUNS))
    with unchanged_database():
        refused = client.post(reverse(POST_MONTH), {"period": "2024-06"})

    assert listing.status_code == 200 and f"Run {posted_2024.pk}" in listing.text
    assert "Post a month" not in listing.text
    assert refused.status_code == 403


def test_a_facility_manager_with_admin_access_cannot_post_a_month(world, logged_in, staff_facility_manager):
    client = logged_in(staff_facility_manager)

    assert client.get(reverse(POST_MONTH)).status_code == 403
    assert client.post(reverse(POST_MONTH), {"period": "2024-06"}).status_code == 403
    assert client.get(reverse(RUNS)).status_code == 403
    assert not DepreciationRun.objects.exists()


def test_finance_finds_the_valuation_screens_on_the_admin_index(world, logged_in):
    page = logged_in(world.finance).get(reverse("admin:index")).text

    for name in ("Depreciation runs", "Value entries", "Depreciation plans"):
        assert name in page
