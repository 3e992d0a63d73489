"""Reading an asset's value through the API: schedule, ledger and book value, scoped to the user's sites."""

from datetime import date
from decimal import Decimal

import pytest

from finance import services
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db


def url(asset, what):
    return f"/api/v1/assets/{asset.pk}/{what}/"


def test_the_schedule_lists_posted_then_planned_months_summing_to_cost_minus_salvage(
    world, api_as, textbook_asset, post_through
):
    post_through(date(2024, 12, 1))

    response = api_as(world.technician).get(url(textbook_asset, "schedule"))

    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 60  # the whole five years at once, not paged
    assert [row["posted"] for row in rows] == [True] * 12 + [False] * 48
    assert rows[0] == {
        "period": "2024-01-01",
        "amount": "150.0000",
        "currency": "EUR",
        "carrying_after": "9850.0000",
        "posted": True,
    }
    assert sum(Decimal(row["amount"]) for row in rows) == Decimal("9000.00")  # cost 10,000 - salvage 1,000
    assert rows[-1]["period"] == "2028-12-01"
    assert rows[-1]["carrying_after"] == "1000.0000"


def test_the_schedule_of_an_asset_at_another_site_is_404(world, api_as, textbook_asset):
    hidden = make_asset(world, site=world.away, asset_tag="AWAY-1")

    assert api_as(world.technician).get(url(hidden, "schedule")).status_code == 404
    assert api_as(world.outsider).get(url(textbook_asset, "schedule")).status_code == 404


def test_the_ledger_lists_entries_oldest_first_with_their_run_a_page_at_a_time(
    world, api_as, textbook_asset, post_through
):
    run = post_through(date(2024, 6, 1))
    services.asset_impair(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2024, 7, 10),
        recoverable_amount="8000",
        reason="Flood damage",
    )

    first = api_as(world.auditor).get(url(textbook_asset, "ledger"), {"page_size": 5})
    last = api_as(world.auditor).get(url(textbook_asset, "ledger"), {"page_size": 5, "page": 2})

    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 7
    assert [row["period"] for row in body["results"]] == [f"2024-0{m}-01" for m in range(1, 6)]
    january = body["results"][0]
    assert (january["kind"], january["amount"], january["carrying_after"], january["currency"]) == (
        "depreciation",
        "-150.0000",
        "9850.0000",
        "EUR",
    )
    assert (january["run"], january["corrects"], january["actor"]) == (run.pk, None, None)
    impairment = last.json()["results"][-1]
    assert (impairment["kind"], impairment["entry_date"], impairment["amount"]) == (
        "impairment",
        "2024-07-10",
        "-1100.0000",
    )
    assert (impairment["profit_or_loss"], impairment["reason"], impairment["actor"]) == (
        "-1100.0000",
        "Flood damage",
        "fin",
    )


def test_the_ledger_runs_the_same_number_of_queries_for_1_and_for_40_entries(
    world, api_as, django_assert_num_queries, post_through
):
    one = make_asset(world, asset_tag="ONE", in_service_date=date(2024, 12, 1))
    many = make_asset(world, asset_tag="MANY", in_service_date=date(2021, 9, 1), acquisition_date=date(2021, 8, 1))
    post_through(date(2024, 12, 1))
    client = api_as(world.technician)
    client.get(url(one, "ledger"))  # the token's first use records last_used_at; later uses within a minute do not

    # token, the user's other tokens (knox expiry sweep), roles, assigned sites, the asset, count, page.
    with django_assert_num_queries(7):
        single = client.get(url(one, "ledger"))
    with django_assert_num_queries(7):
        forty = client.get(url(many, "ledger"), {"page_size": 200})

    assert (single.json()["count"], forty.json()["count"]) == (1, 40)


def test_the_book_value_is_read_from_the_ledger_and_forecast_beyond_it(world, api_as, textbook_asset, post_through):
    post_through(date(2024, 6, 1))
    client = api_as(world.technician)

    past = client.get(url(textbook_asset, "book-value"), {"as_of": "2024-03-31"})
    forecast = client.get(url(textbook_asset, "book-value"), {"as_of": "2024-12-31"})

    assert past.status_code == 200
    assert past.json() == {
        "asset": textbook_asset.pk,
        "as_of": "2024-03-31",
        "book_value": "9550.0000",
        "currency": "EUR",
    }
    assert forecast.json()["book_value"] == "8200.0000"


@pytest.mark.parametrize("as_of", [None, "", "31/12/2024", "2024-02-30"])
def test_a_missing_or_malformed_date_for_the_book_value_is_400_with_a_message_on_as_of(
    world, api_as, textbook_asset, as_of
):
    params = {} if as_of is None else {"as_of": as_of}

    response = api_as(world.finance).get(url(textbook_asset, "book-value"), params)

    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]


def test_the_book_value_of_an_asset_at_another_site_is_404(world, api_as):
    hidden = make_asset(world, site=world.away, asset_tag="AWAY-1")

    response = api_as(world.facility_manager).get(url(hidden, "book-value"), {"as_of": "2024-03-31"})

    assert response.status_code == 404
