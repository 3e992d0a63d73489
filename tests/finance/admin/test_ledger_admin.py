"""The value ledger in the admin: read-only, filtered by asset, and the forms that append to it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from assetreg.choices import AssetStatus
from assetreg.models import Asset, Disposal
from finance.choices import EntryKind
from finance.models import DepreciationPlan, ValueEntry
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

LEDGER = "admin:finance_valueentry_changelist"
VALUE_FORMS = ("revalue", "impair", "reverse_impairment", "improve", "dispose")


def value_form(name, tag):
    """An admin value form for one asset (the page asks for the tag first without it)."""
    return f"{reverse(f'admin:finance_valueentry_{name}')}?asset={tag}"


def ledger_of(tag):
    return f"{reverse(LEDGER)}?asset={tag}"


def test_the_ledger_lists_entries_with_their_currency_and_has_no_add_button(world, logged_in, posted_2024):
    response = logged_in(world.finance).get(reverse(LEDGER), {"asset": "TB-1"})

    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert len(rows) == 12 and {row.asset.asset_tag for row in rows} == {"TB-1"}
    assert rows[0].period == date(2024, 12, 1)  # newest first
    assert "EUR -150.00" in response.text and "EUR 8,200.00" in response.text
    assert reverse("admin:finance_valueentry_add") not in response.text
    assert "Revalue" in response.text and "?asset=TB-1" in response.text


def test_a_ledger_entry_is_shown_read_only_and_a_post_is_refused(world, logged_in, posted_2024):
    entry = ValueEntry.objects.filter(asset__asset_tag="TB-1").latest("period")
    client = logged_in(world.finance)
    change = reverse("admin:finance_valueentry_change", args=[entry.pk])

    detail = client.get(change)
    refused = client.post(change, {"amount": "0"})

    assert detail.status_code == 200 and 'name="_save"' not in detail.text
    assert "Correct this depreciation entry" in detail.text
    assert refused.status_code == 403
    assert client.get(reverse("admin:finance_valueentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.amount == Decimal("-150.00")


def test_the_ledger_is_searched_by_asset_tag(world, logged_in, posted_2024):
    response = logged_in(world.finance).get(reverse(LEDGER), {"q": "tb-"})

    assert {row.asset.asset_tag for row in response.context["cl"].result_list} == {"TB-1"}


def test_revalue_appends_an_entry_and_returns_to_the_assets_ledger(world, logged_in, posted_2024):
    client = logged_in(world.finance)

    response = client.post(
        value_form("revalue", "tb-1"),
        {
            "entry_date": "2025-01-10",
            "fair_value": "9160.00",
            "appraiser": "Knight Frank",
            "reason": "Market appraisal",
        },
    )

    assert response.status_code == 302 and response.url == ledger_of("TB-1")
    entry = ValueEntry.objects.get(kind=EntryKind.REVALUATION)
    assert (entry.amount, entry.carrying_after, entry.actor) == (Decimal("960.00"), Decimal("9160.00"), world.finance)
    ledger = client.get(response.url)
    assert "TB-1 was revalued to EUR 9,160.00." in [str(m) for m in ledger.context["messages"]]


def test_the_revalue_form_shows_the_assets_book_value_first(world, logged_in, posted_2024):
    response = logged_in(world.finance).get(reverse("admin:finance_valueentry_revalue"), {"asset": "TB-1"})

    assert response.context["form"].fields["fair_value"].label == "Fair value (EUR)"
    assert "Depreciation posted through" in response.text and "Dec 2024" in response.text


def test_a_revaluation_inside_a_posted_month_is_a_form_error(world, logged_in, posted_2024):
    response = logged_in(world.finance).post(
        value_form("revalue", "TB-1"),
        {
            "entry_date": "2024-06-15",
            "fair_value": "9000",
            "appraiser": "A",
            "reason": "Late",
        },
    )

    assert response.status_code == 200
    assert "falls in a posted period" in response.context["form"].errors["entry_date"][0]
    assert not ValueEntry.objects.filter(kind=EntryKind.REVALUATION).exists()


def test_an_unknown_tag_is_a_form_error(world, logged_in):
    response = logged_in(world.finance).post(
        value_form("impair", "NOPE-9"),
        {
            "entry_date": "2025-01-10",
            "recoverable_amount": "1",
            "reason": "x",
        },
    )

    assert response.context["form"].errors["asset"] == ["There is no asset tagged NOPE-9."]
    assert not ValueEntry.objects.exists()


def test_an_impairment_above_the_carrying_amount_is_a_form_error(world, logged_in, posted_2024):
    response = logged_in(world.finance).post(
        value_form("impair", "TB-1"),
        {
            "entry_date": "2025-01-10",
            "recoverable_amount": "9000",
            "reason": "Flood",
        },
    )

    assert "below the carrying amount" in response.context["form"].errors["recoverable_amount"][0]


def test_a_capital_improvement_is_added_to_the_carrying_amount(world, logged_in, posted_2024):
    response = logged_in(world.finance).post(
        value_form("improve", "TB-1"),
        {
            "entry_date": "2025-01-10",
            "added_cost": "1200",
            "reason": "New motor",
        },
    )

    assert response.status_code == 302
    assert ValueEntry.objects.get(kind=EntryKind.IMPROVEMENT).carrying_after == Decimal("9400.00")


def test_reversing_without_an_impairment_is_a_form_error(world, logged_in, posted_2024):
    response = logged_in(world.finance).post(
        value_form("reverse_impairment", "TB-1"),
        {
            "entry_date": "2025-01-10",
            "amount": "100",
            "reason": "Recovered",
        },
    )

    assert response.context["form"].non_field_errors() == ["This asset has no impairment to reverse."]


def test_disposing_of_an_asset_still_in_service_is_a_form_error(world, logged_in, textbook_asset):
    response = logged_in(world.finance).post(
        value_form("dispose", "TB-1"),
        {
            "disposal_date": "2025-01-10",
            "method": "sale",
            "proceeds": "5000",
            "reason": "Sold",
            "version": textbook_asset.version,
        },
    )

    assert response.status_code == 200
    assert "cannot become disposed" in response.context["form"].non_field_errors()[0]
    assert Asset.objects.get(pk=textbook_asset.pk).status == AssetStatus.IN_SERVICE
    assert not Disposal.objects.exists()


def test_disposing_of_an_asset_out_of_service_records_the_gain_or_loss(world, logged_in):
    old = make_asset(world, asset_tag="OLD-1", status=AssetStatus.OUT_OF_SERVICE)

    response = logged_in(world.finance).post(
        value_form("dispose", "OLD-1"),
        {
            "disposal_date": "2025-01-31",
            "method": "sale",
            "proceeds": "9000",
            "reason": "Sold",
            "version": old.version,
        },
    )

    assert response.status_code == 302 and response.url == ledger_of("OLD-1")
    assert Asset.objects.get(asset_tag="OLD-1").status == AssetStatus.DISPOSED
    disposal = ValueEntry.objects.get(kind=EntryKind.DISPOSAL)
    assert disposal.profit_or_loss == Decimal("9000") - Decimal("8050.00")  # 10,000 - 13 months x 150


def test_a_depreciation_entry_is_corrected_by_a_new_entry(world, logged_in, posted_2024):
    entry = ValueEntry.objects.get(asset__asset_tag="TB-1", period=date(2024, 12, 1))

    response = logged_in(world.finance).post(
        reverse("admin:finance_valueentry_correct", args=[entry.pk]),
        {
            "correct_amount": "100",
            "reason": "Wrong rate in December",
        },
    )

    assert response.status_code == 302
    correction = ValueEntry.objects.get(kind=EntryKind.CORRECTION)
    assert (correction.corrects, correction.amount) == (entry, Decimal("50.00"))
    entry.refresh_from_db()
    assert entry.amount == Decimal("-150.00")


@pytest.mark.parametrize("form", VALUE_FORMS)
def test_a_facility_manager_with_admin_access_cannot_use_the_value_forms(
    world, logged_in, staff_facility_manager, textbook_asset, form
):
    client = logged_in(staff_facility_manager)
    url = reverse(f"admin:finance_valueentry_{form}")

    assert client.get(url).status_code == 403
    assert client.post(url, {"asset_tag": "TB-1", "entry_date": "2025-01-10", "reason": "x"}).status_code == 403
    assert not ValueEntry.objects.exists()


@pytest.mark.parametrize("form", VALUE_FORMS)
def test_auditors_see_the_ledger_but_cannot_use_the_value_forms(world, logged_in, form):
    client = logged_in(world.auditor)

    listing = client.get(reverse(LEDGER))

    assert listing.status_code == 200 and "Revalue" not in listing.text
    assert client.get(reverse(f"admin:finance_valueentry_{form}")).status_code == 403


def test_the_plan_shows_method_basis_and_the_months_to_come(world, logged_in, posted_2024):
    client = logged_in(world.finance)
    plan = DepreciationPlan.objects.get(asset__asset_tag="TB-1")

    listing = client.get(reverse("admin:finance_depreciationplan_changelist"), {"q": "TB-1"})
    detail = client.get(reverse("admin:finance_depreciationplan_change", args=[plan.pk]))

    assert [p.asset.asset_tag for p in listing.context["cl"].result_list] == ["TB-1"]
    assert "Straight line" in listing.text and "Jan 2024" in listing.text and "EUR 9,000.00" in listing.text
    assert "<td>Jan 2025</td><td>EUR 150.00</td><td>EUR 8,050.00</td>" in detail.text
    assert 'name="_save"' not in detail.text


@pytest.mark.parametrize("form", VALUE_FORMS)
def test_a_value_form_asks_for_the_asset_first(world, logged_in, form):
    response = logged_in(world.finance).get(reverse(f"admin:finance_valueentry_{form}"))

    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["asset"] and 'method="get"' in response.text
