"""Two first records of the same day racing: the loser gets a field error and writes nothing, never a 500."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from finance.holdings import services
from finance.holdings.models import FxRate
from tests.finance.holdings.conftest import price, snapshot

DAY = date(2024, 3, 1)


def test_a_price_recorded_meanwhile_by_another_writer_is_a_field_error(finance_user, equity, monkeypatch):
    looked_up = services._supersede_prices

    def then_the_other_writer_commits(rows, actor):
        found = looked_up(rows, actor)  # no row for the day yet, so nothing is locked
        price(equity, DAY, "10.00")
        return found

    monkeypatch.setattr(services, "_supersede_prices", then_the_other_writer_commits)
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        services.price_record(actor=finance_user, instrument=equity, price_date=DAY, close="11", source="x")

    assert "recorded by someone else meanwhile" in caught.value.message_dict["date"][0]
    # The competing row shares this test's transaction, so it rolls back with the refusal: nothing is left.
    assert snapshot() == before


def test_a_rate_recorded_meanwhile_by_another_writer_is_a_field_error(finance_user, monkeypatch):
    looked_up = services._supersede_rates

    def then_the_other_writer_commits(rows, actor):
        found = looked_up(rows, actor)
        FxRate.objects.create(rate_date=DAY, base="EUR", quote="USD", rate=Decimal("1.08"), source="feed")
        return found

    monkeypatch.setattr(services, "_supersede_rates", then_the_other_writer_commits)
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        services.fx_record(actor=finance_user, rate_date=DAY, base="EUR", quote="USD", rate="1.1", source="x")

    assert "EUR/USD on 2024-03-01" in caught.value.message_dict["date"][0]
    assert snapshot() == before
