"""A valuation of many assets on one date: the register's filters choose the assets, each row has its book value."""

from datetime import date

import pytest

from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

BOOK_VALUES = "/api/v1/book-values/"


def rows(response):
    return {row["asset"]["asset_tag"]: (row["book_value"], row["currency"]) for row in response.json()["results"]}


def test_book_values_on_a_date_come_from_the_ledger_and_the_plan_for_the_assets_you_may_see(
    world, api_as, textbook_asset, post_through
):
    make_asset(world, site=world.away, asset_tag="AWAY-1")
    post_through(date(2024, 6, 1))

    past = api_as(world.technician).get(BOOK_VALUES, {"as_of": "2024-03-31", "q": "TB-"})
    forecast = api_as(world.finance).get(BOOK_VALUES, {"as_of": "2024-12-31", "q": "-1"})

    assert past.status_code == 200
    assert rows(past) == {"TB-1": ("9550.0000", "EUR")}
    assert rows(forecast)["TB-1"] == ("8200.0000", "EUR")
    assert rows(forecast)["AWAY-1"] == ("8200.0000", "EUR")
    assert "AWAY-1" not in rows(api_as(world.technician).get(BOOK_VALUES, {"as_of": "2024-12-31"}))


def test_book_values_without_a_date_are_400_on_as_of(world, api_as):
    response = api_as(world.finance).get(BOOK_VALUES)

    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]


def test_book_values_run_the_same_number_of_queries_for_2_and_for_30_assets(
    world, api_as, django_assert_num_queries, post_through
):
    client = api_as(world.finance)
    client.get(BOOK_VALUES, {"as_of": "2024-12-31"})  # the token's first use records last_used_at

    # token, the user's other tokens (knox expiry sweep), roles, count, page, then the book values: the ledger's
    # latest entries, the last posted months, the last entry dates and the plans (finance.selectors).
    with django_assert_num_queries(9):
        two = client.get(BOOK_VALUES, {"as_of": "2024-12-31"})
    for number in range(28):
        make_asset(world, asset_tag=f"MANY-{number}")
    post_through(date(2024, 6, 1))
    with django_assert_num_queries(9):
        thirty = client.get(BOOK_VALUES, {"as_of": "2024-12-31", "page_size": 200})

    assert (two.json()["count"], thirty.json()["count"]) == (2, 30)
    assert rows(thirty)["MANY-0"] == ("8200.0000", "EUR")
