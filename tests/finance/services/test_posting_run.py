"""The monthly posting run: exact amounts, catch-up, idempotency, interrupted runs and isolated failures."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from assetreg.choices import DepreciationMethod
from assetreg.models import Asset
from finance import posting, services
from finance.choices import EntryKind, RunStatus
from finance.models import DepreciationPlan, ValueEntry
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db


def depreciation(asset):
    return list(
        ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION)
        .order_by("period")
        .values_list("period", "amount", "carrying_after")
    )


def test_first_run_posts_every_month_since_in_service_with_textbook_amounts(world, textbook_asset):
    run = services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)

    rows = depreciation(textbook_asset)
    assert run.status == RunStatus.DONE
    assert len(rows) == 12
    assert {amount for _, amount, _ in rows} == {Decimal("-150.00")}
    assert rows[-1] == (date(2024, 12, 1), Decimal("-150.00"), Decimal("8200.00"))
    everything_posted = -sum(a for a in ValueEntry.objects.filter(run=run).values_list("amount", flat=True))
    assert Decimal(run.totals["EUR"]) == everything_posted >= Decimal("1800.00")


def test_running_a_period_twice_adds_nothing(world, textbook_asset):
    services.depreciation_run_start(actor=world.finance, period=date(2024, 6, 1), dispatch=False)
    again = services.depreciation_run_start(actor=world.finance, period=date(2024, 6, 1), dispatch=False)

    assert again.posted_entries == 0
    assert len(depreciation(textbook_asset)) == 6


def test_an_interrupted_run_rerun_ends_with_exactly_one_entry_per_asset_period(world):
    assets = [make_asset(world, asset_tag=f"IR-{i}") for i in range(6)]
    # The first run dies after half of the assets were posted (only their plans and entries exist).
    half = assets[:3]
    services.plans_ensure(lo=half[0].pk, hi=half[-1].pk, through=date(2024, 3, 1))
    posting.post_plans_python(list(DepreciationPlan.objects.filter(asset__in=half)), date(2024, 3, 1))

    services.depreciation_run_start(actor=world.finance, period=date(2024, 3, 1), dispatch=False)

    for asset in assets:
        periods = [p for p, _, _ in depreciation(asset)]
        assert periods == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]


def test_a_failing_asset_is_listed_and_does_not_stop_the_rest(
    world, textbook_asset, django_capture_on_commit_callbacks
):
    broken = make_asset(world, asset_tag="BROKEN-1")
    Asset.objects.filter(pk=broken.pk).update(useful_life_months=None)  # bad data that slipped in

    with django_capture_on_commit_callbacks(execute=True):
        run = services.depreciation_run_start(actor=world.finance, period=date(2024, 2, 1), dispatch=False)

    assert run.status == RunStatus.DONE_WITH_ERRORS
    failures = [(f.asset.asset_tag, f.reason) for f in run.failures.all()]
    assert failures == [("BROKEN-1", "The asset has no useful life.")]
    assert len(depreciation(textbook_asset)) == 2
    assert mail.outbox and "BROKEN-1" in mail.outbox[0].body and world.finance.email in mail.outbox[0].to


def test_an_awkward_cost_sums_exactly_and_the_last_month_absorbs_rounding(world):
    asset = make_asset(world, acquisition_cost=Decimal("1000.00"), salvage_value=Decimal("0"), useful_life_months=7)

    services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)

    amounts = [-a for _, a, _ in depreciation(asset)]
    assert len(amounts) == 7
    assert sum(amounts) == Decimal("1000.00")
    assert max(amounts) - min(amounts) <= Decimal("0.01")
    assert depreciation(asset)[-1][2] == Decimal("0.00")


def test_posting_stops_at_salvage_and_never_goes_below(world, textbook_asset):
    services.depreciation_run_start(actor=world.finance, period=date(2026, 1, 1), dispatch=False)
    rows = depreciation(textbook_asset)
    assert min(c for _, _, c in rows) >= Decimal("1000.00")


def test_only_finance_starts_runs_and_future_months_are_refused(world):
    with pytest.raises(PermissionDenied):
        services.depreciation_run_start(actor=world.facility_manager, period=date(2024, 1, 1), dispatch=False)
    with pytest.raises(ValidationError) as excinfo:
        services.depreciation_run_start(actor=world.finance, period=date(2999, 1, 1), dispatch=False)
    assert "period" in excinfo.value.message_dict


def test_assets_of_every_method_are_posted_by_the_run(world):
    methods = [
        DepreciationMethod.STRAIGHT_LINE,
        DepreciationMethod.DECLINING_BALANCE,
        DepreciationMethod.SUM_OF_YEARS_DIGITS,
    ]
    assets = [make_asset(world, asset_tag=f"M-{m}", depreciation_method=m) for m in methods]
    land = make_asset(
        world, asset_tag="LAND-1", depreciation_method=DepreciationMethod.NONE, salvage_value=0, useful_life_months=None
    )

    services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)

    first_year = {a.depreciation_method: -sum(x for _, x, _ in depreciation(a)) for a in assets}
    assert first_year[DepreciationMethod.STRAIGHT_LINE] == Decimal("1800.00")
    assert first_year[DepreciationMethod.SUM_OF_YEARS_DIGITS] == Decimal("3000.00")
    assert first_year[DepreciationMethod.DECLINING_BALANCE] > Decimal("3000.00")
    assert depreciation(land) == []
