"""Changing an asset's value through the API: revaluation, impairment and its reversal, improvements.

Finance staff only; the services apply the accounting rules and their refusals come back as 400 with field messages.
"""

from datetime import date

import pytest

from finance.choices import EntryKind
from finance.models import ValueEntry
from tests.dbstate import unchanged_database
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

REVALUE = {
    "entry_date": "2025-01-10",
    "fair_value": "9160.00",
    "reason": "Market appraisal",
    "appraiser": "Knight Frank",
}


def url(asset, what):
    return f"/api/v1/assets/{asset.pk}/{what}/"


def test_finance_revalues_an_asset_and_gets_the_ledger_entry_back(world, api_as, textbook_asset, post_through):
    post_through(date(2024, 12, 1))  # book value 8,200

    response = api_as(world.finance).post(url(textbook_asset, "revalue"), REVALUE, format="json")

    assert response.status_code == 201
    entry = response.json()
    assert (entry["kind"], entry["entry_date"], entry["period"]) == ("revaluation", "2025-01-10", "2025-01-01")
    assert (entry["amount"], entry["carrying_after"], entry["reserve_change"], entry["profit_or_loss"]) == (
        "960.0000",
        "9160.0000",
        "960.0000",
        "0.0000",
    )
    assert (entry["appraiser"], entry["actor"], entry["run"]) == ("Knight Frank", "fin", None)
    book_value = api_as(world.auditor).get(url(textbook_asset, "book-value"), {"as_of": "2025-01-10"})
    assert book_value.json()["book_value"] == "9160.0000"


def test_a_revaluation_dated_inside_a_posted_month_is_400_with_a_message_on_entry_date(
    world, api_as, textbook_asset, post_through
):
    post_through(date(2024, 6, 1))

    response = api_as(world.finance).post(
        url(textbook_asset, "revalue"), {**REVALUE, "entry_date": "2024-06-15"}, format="json"
    )

    assert response.status_code == 400
    assert "posted period" in response.json()["entry_date"][0]
    assert not ValueEntry.objects.filter(asset=textbook_asset, kind=EntryKind.REVALUATION).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fair_value": 9160.5}, "fair_value"),  # a JSON number: precision could be lost
        ({"fair_value": "lots"}, "fair_value"),
        ({"entry_date": "10/01/2025"}, "entry_date"),
        ({"appraiser": ""}, "appraiser"),
        ({"evidence_url": "https://example.org/report.pdf"}, "evidence_url"),  # unknown fields are refused
    ],
)
def test_a_malformed_revaluation_is_400_with_a_message_on_the_field(world, api_as, textbook_asset, change, field):
    client = api_as(world.finance)

    with unchanged_database():
        response = client.post(url(textbook_asset, "revalue"), {**REVALUE, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_missing_field_is_400_and_names_every_missing_field(world, api_as, textbook_asset):
    client = api_as(world.finance)

    with unchanged_database():
        response = client.post(url(textbook_asset, "impair"), {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"entry_date", "recoverable_amount", "reason"}


@pytest.mark.parametrize("role", ["facility_manager", "technician", "auditor"])
@pytest.mark.parametrize("action", ["revalue", "impair", "reverse-impairment", "improve"])
def test_only_finance_changes_values_others_get_403(world, api_as, textbook_asset, role, action):
    response = api_as(world.user(role)).post(url(textbook_asset, action), REVALUE, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "Only finance staff may change an asset's value."
    assert not ValueEntry.objects.exists()


def test_an_asset_at_another_site_is_404_before_any_role_check(world, api_as, textbook_asset):
    client = api_as(world.outsider)

    with unchanged_database():
        response = client.post(url(textbook_asset, "revalue"), REVALUE, format="json")

    assert response.status_code == 404


def test_an_impairment_and_its_reversal_are_recorded(world, api_as, textbook_asset, post_through):
    post_through(date(2024, 12, 1))  # 8,200
    client = api_as(world.finance)

    impaired = client.post(
        url(textbook_asset, "impair"),
        {"entry_date": "2025-01-05", "recoverable_amount": "6000.00", "reason": "Flood damage"},
        format="json",
    )
    reversed_ = client.post(
        url(textbook_asset, "reverse-impairment"),
        {"entry_date": "2025-01-20", "amount": "1000.00", "reason": "Repaired"},
        format="json",
    )

    assert impaired.status_code == 201
    assert (impaired.json()["kind"], impaired.json()["amount"], impaired.json()["carrying_after"]) == (
        "impairment",
        "-2200.0000",
        "6000.0000",
    )
    assert reversed_.status_code == 201
    assert (reversed_.json()["kind"], reversed_.json()["carrying_after"]) == ("impairment_reversal", "7000.0000")


def test_reversing_an_impairment_that_never_happened_is_400(world, api_as, textbook_asset, post_through):
    post_through(date(2024, 12, 1))
    client = api_as(world.finance)

    with unchanged_database():
        response = client.post(
            url(textbook_asset, "reverse-impairment"),
            {"entry_date": "2025-01-20", "amount": "100.00", "reason": "Oops"},
            format="json",
        )

    assert response.status_code == 400
    assert "no impairment" in response.json()["non_field_errors"][0]


def test_an_improvement_is_capitalised_and_spread_over_a_new_life(world, api_as, textbook_asset, post_through):
    post_through(date(2024, 12, 1))  # 8,200

    response = api_as(world.finance).post(
        url(textbook_asset, "improve"),
        {"entry_date": "2025-01-15", "added_cost": "4800.00", "reason": "New motor", "new_useful_life_months": 60},
        format="json",
    )
    schedule = api_as(world.finance).get(url(textbook_asset, "schedule")).json()

    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["carrying_after"]) == ("improvement", "13000.0000")
    planned = [row for row in schedule if not row["posted"]]
    assert (planned[0]["period"], planned[0]["amount"]) == ("2025-01-01", "200.0000")  # 12,000 over 60 months
    assert len(planned) == 60


def test_a_disposed_asset_cannot_be_revalued(world, api_as):
    disposed = make_asset(world, asset_tag="GONE-1", status="disposed")
    client = api_as(world.finance)

    with unchanged_database():
        response = client.post(url(disposed, "revalue"), REVALUE, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
