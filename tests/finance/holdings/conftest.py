"""Fixtures of holdings: a client, a EUR portfolio, instruments in EUR and USD, and a finance user."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from finance.holdings import services
from finance.holdings.choices import AssetClass, CostBasisMethod, InstrumentKind
from finance.holdings.models import Client, Instrument, Portfolio, PricePoint, Transaction
from ledgerline import roles
from tests.factories import UserFactory


@pytest.fixture
def finance_user(db):
    return UserFactory(username="fin", role=roles.FINANCE)


@pytest.fixture
def client_(db):
    return Client.objects.create(name="Alder Family Office")


def make_portfolio(client: Client, code: str = "BAL", **overrides: Any) -> Portfolio:
    values: dict[str, Any] = dict(
        name=f"Portfolio {code}",
        reporting_currency="EUR",
        cost_basis_method=CostBasisMethod.AVERAGE,
    )
    values.update(overrides)
    return Portfolio.objects.create(code=code, client=client, **values)


@pytest.fixture
def portfolio(client_):
    return make_portfolio(client_)


def make_instrument(ticker: str, currency: str = "EUR", **overrides: Any) -> Instrument:
    values: dict[str, Any] = dict(
        kind=InstrumentKind.EQUITY, name=f"{ticker} plc", currency=currency, asset_class=AssetClass.EQUITY
    )
    values.update(overrides)
    return Instrument.objects.create(ticker=ticker, **values)


@pytest.fixture
def equity(db):
    return make_instrument("ACME", isin="DE0001234567")


@pytest.fixture
def us_equity(db):
    return make_instrument("USCO", currency="USD")


def record(user: Any, portfolio: Portfolio, kind: str, day: date, **fields: Any) -> Transaction:
    return services.transaction_record(actor=user, portfolio=portfolio, kind=kind, trade_date=day, **fields)


def price(instrument: Instrument, day: date, close: str) -> PricePoint:
    return PricePoint.objects.create(
        instrument=instrument, price_date=day, close=Decimal(close), currency=instrument.currency, source="test"
    )


def snapshot() -> tuple[int, ...]:
    """How many ledger, price and FX rows exist: a refused write leaves these unchanged."""
    from finance.holdings.models import FxRate

    return (Transaction.objects.count(), PricePoint.objects.count(), FxRate.objects.count())
