"""Revaluation, impairment, improvement, prospective changes and disposal, through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assetreg import services as register
from assetreg.choices import AssetStatus
from finance import selectors, services
from finance.choices import EntryKind
from finance.models import ValueEntry

pytestmark = pytest.mark.django_db


def post_through(world, period):
    services.depreciation_run_start(actor=world.finance, period=period, dispatch=False)


def dep_amounts(asset, since=None):
    qs = ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION)
    if since:
        qs = qs.filter(period__gte=since)
    return [-a for a in qs.order_by("period").values_list("amount", flat=True)]


def test_revaluation_increase_goes_to_the_reserve_and_later_depreciation_starts_from_it(world, textbook_asset):
    post_through(world, date(2024, 12, 1))  # carrying 8,200 with 48 months left

    entry = services.asset_revalue(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2025, 1, 10),
        fair_value="9160.00",
        reason="Market appraisal",
        appraiser="Knight Frank",
    )
    post_through(world, date(2025, 1, 1))

    assert (entry.amount, entry.reserve_change, entry.profit_or_loss) == (Decimal("960.00"), Decimal("960.00"), 0)
    assert dep_amounts(textbook_asset, date(2025, 1, 1)) == [Decimal("170.00")]  # (9,160 - 1,000) / 48


def test_revaluation_decrease_uses_the_reserve_first_then_is_a_loss_and_a_later_increase_reverses_it(
    world, textbook_asset
):
    post_through(world, date(2024, 12, 1))
    services.asset_revalue(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2025, 1, 2),
        fair_value="8700",
        reason="Up",
        appraiser="A",
    )
    down = services.asset_revalue(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2025, 1, 20),
        fair_value="7700",
        reason="Down",
        appraiser="A",
    )
    up = services.asset_revalue(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2025, 1, 28),
        fair_value="8000",
        reason="Recovery",
        appraiser="A",
    )

    assert (down.reserve_change, down.profit_or_loss) == (Decimal("-500.00"), Decimal("-500.00"))
    assert (up.reserve_change, up.profit_or_loss) == (Decimal("0.00"), Decimal("300.00"))
    summary = selectors.asset_valuation_summary(textbook_asset, date(2025, 1, 31))
    assert summary.revaluation_reserve.amount == 0


def test_a_revaluation_dated_inside_a_posted_period_is_refused(world, textbook_asset):
    post_through(world, date(2024, 6, 1))

    with pytest.raises(ValidationError) as excinfo:
        services.asset_revalue(
            actor=world.finance,
            asset=textbook_asset,
            entry_date=date(2024, 6, 15),
            fair_value="9000",
            reason="Late",
            appraiser="A",
        )

    assert "posted period" in excinfo.value.message_dict["entry_date"][0]
    assert not ValueEntry.objects.filter(asset=textbook_asset, kind=EntryKind.REVALUATION).exists()


def test_only_finance_revalues(world, textbook_asset):
    with pytest.raises(PermissionDenied):
        services.asset_revalue(
            actor=world.facility_manager,
            asset=textbook_asset,
            entry_date=date(2024, 2, 1),
            fair_value="9000",
            reason="x",
            appraiser="A",
        )


def test_impairment_and_its_reversal_are_capped_at_the_unimpaired_carrying_amount(world, textbook_asset):
    post_through(world, date(2024, 12, 1))  # 8,200
    services.asset_impair(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2025, 1, 5),
        recoverable_amount="5800",
        reason="Flood damage",
    )
    post_through(world, date(2025, 6, 1))  # (5,800 - 1,000) / 48 = 100 a month for 6 months -> 5,200
    # Without the impairment it would have been 8,200 - 6 * 150 = 7,300: at most 2,100 can come back.
    with pytest.raises(ValidationError) as excinfo:
        services.asset_reverse_impairment(
            actor=world.finance, asset=textbook_asset, entry_date=date(2025, 7, 1), amount="2100.01", reason="Repaired"
        )
    assert "2100.00" in excinfo.value.message_dict["amount"][0]

    reversal = services.asset_reverse_impairment(
        actor=world.finance, asset=textbook_asset, entry_date=date(2025, 7, 1), amount="2100", reason="Repaired"
    )

    assert reversal.carrying_after == Decimal("7300.00")
    assert reversal.profit_or_loss == Decimal("2100.00")


def test_a_longer_useful_life_re_plans_only_the_periods_not_yet_posted(world, textbook_asset):
    post_through(world, date(2024, 12, 1))
    posted_before = dep_amounts(textbook_asset)

    register.asset_update(
        actor=world.finance, asset=textbook_asset, data={"useful_life_months": 84}, expected_version=None
    )
    post_through(world, date(2025, 1, 1))

    assert dep_amounts(textbook_asset)[:12] == posted_before
    assert dep_amounts(textbook_asset, date(2025, 1, 1)) == [Decimal("100.00")]  # 7,200 over 72 months
    schedule = selectors.asset_schedule(textbook_asset)
    assert sum((r.amount.amount for r in schedule), Decimal(0)) == Decimal("9000.00")
    assert schedule[-1].carrying_after.amount == Decimal("1000.00")


def test_changing_the_cost_once_depreciation_started_is_refused(world, textbook_asset):
    post_through(world, date(2024, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        register.asset_update(
            actor=world.finance, asset=textbook_asset, data={"acquisition_cost": "12000"}, expected_version=None
        )
    assert "capital improvement" in excinfo.value.message_dict["acquisition_cost"][0]


def test_a_capital_improvement_is_added_and_spread_over_the_remaining_life(world, textbook_asset):
    post_through(world, date(2024, 12, 1))

    services.asset_improve(
        actor=world.finance, asset=textbook_asset, entry_date=date(2025, 1, 15), added_cost="4800", reason="New motor"
    )
    post_through(world, date(2025, 1, 1))

    assert dep_amounts(textbook_asset, date(2025, 1, 1)) == [Decimal("250.00")]  # (13,000 - 1,000) / 48


def test_disposal_depreciates_to_the_disposal_date_and_records_the_gain_or_loss(world, textbook_asset):
    post_through(world, date(2024, 12, 1))  # 8,200
    register.asset_transition(
        actor=world.facility_manager,
        asset=textbook_asset,
        to_status=AssetStatus.OUT_OF_SERVICE,
        reason="Replaced",
        effective_date=date(2025, 1, 5),
    )
    textbook_asset.refresh_from_db()

    register.asset_dispose(
        actor=world.facility_manager,
        asset=textbook_asset,
        disposal_date=date(2025, 2, 14),
        method="sale",
        proceeds="7000",
        reason="Sold",
    )

    entries = list(
        ValueEntry.objects.filter(asset=textbook_asset, entry_date__gte=date(2025, 1, 1))
        .order_by("entry_date", "pk")
        .values_list("kind", "amount", "carrying_after", "profit_or_loss")
    )
    assert entries == [
        ("depreciation", Decimal("-150.00"), Decimal("8050.00"), Decimal("-150.00")),  # January
        ("depreciation", Decimal("-75.00"), Decimal("7975.00"), Decimal("-75.00")),  # 14 of 28 days of February
        ("disposal", Decimal("-7975.00"), Decimal("0.00"), Decimal("-975.00")),
    ]
    assert selectors.asset_valuation_summary(textbook_asset, date(2025, 3, 1)).disposal_gain_or_loss.amount == Decimal(
        "-975.00"
    )


def test_meter_readings_cannot_go_backwards(world, textbook_asset):
    register.meter_reading_record(
        actor=world.technician, asset=textbook_asset, reading_date=date(2025, 1, 1), value="1200"
    )
    with pytest.raises(ValidationError) as excinfo:
        register.meter_reading_record(
            actor=world.technician, asset=textbook_asset, reading_date=date(2025, 2, 1), value="1100"
        )
    assert "backwards" in excinfo.value.message_dict["value"][0]


def test_book_value_as_of_a_date_past_and_forecast(world, textbook_asset):
    post_through(world, date(2024, 6, 1))

    assert selectors.book_value_as_of(textbook_asset, date(2024, 3, 31)).amount == Decimal("9550.00")
    assert selectors.book_value_as_of(textbook_asset, date(2024, 12, 31)).amount == Decimal("8200.00")  # forecast
    assert selectors.book_value_as_of(textbook_asset, date(2040, 1, 1)).amount == Decimal("1000.00")


def test_an_appraisal_report_that_is_not_what_it_claims_is_refused(world, textbook_asset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake_pdf = SimpleUploadedFile("appraisal.pdf", b"\x89PNG\r\n\x1a\nnot a pdf", content_type="application/pdf")

    with pytest.raises(ValidationError) as excinfo:
        services.asset_revalue(
            actor=world.finance,
            asset=textbook_asset,
            entry_date=date(2024, 2, 1),
            fair_value="9500",
            reason="Appraisal",
            appraiser="A",
            evidence=fake_pdf,
        )

    assert "evidence" in excinfo.value.message_dict
    assert not ValueEntry.objects.filter(asset=textbook_asset, kind=EntryKind.REVALUATION).exists()


def test_a_disposed_asset_has_no_planned_months(world, textbook_asset):
    post_through(world, date(2024, 12, 1))
    register.asset_transition(
        actor=world.facility_manager,
        asset=textbook_asset,
        to_status=AssetStatus.OUT_OF_SERVICE,
        reason="Replaced",
        effective_date=date(2025, 1, 5),
    )
    textbook_asset.refresh_from_db()
    register.asset_dispose(
        actor=world.facility_manager,
        asset=textbook_asset,
        disposal_date=date(2025, 1, 31),
        method="scrap",
        proceeds="0",
        reason="Scrapped",
    )
    textbook_asset.refresh_from_db()

    assert all(row.posted for row in selectors.asset_schedule(textbook_asset))
