"""One-row rules of holdings' tables: clean() says what is wrong, and the database agrees."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from finance.holdings.choices import AssetClass, InstrumentKind
from finance.holdings.models import Instrument, Portfolio
from tests.finance.holdings.conftest import make_instrument


def _instrument(**fields):
    values = dict(kind=InstrumentKind.EQUITY, name="X", currency="EUR", asset_class=AssetClass.EQUITY, ticker="X")
    values.update(fields)
    return Instrument(**values)


def test_an_isin_is_twelve_characters_and_bond_fields_belong_to_bonds(db):
    with pytest.raises(ValidationError) as caught:
        _instrument(isin="US123", coupon_rate=Decimal("2.5")).full_clean()

    assert set(caught.value.message_dict) == {"isin", "coupon_rate"}
    _instrument(kind=InstrumentKind.BOND, isin="DE0001102580", coupon_rate=Decimal("2.5")).full_clean()


def test_tickers_and_isins_are_unique_and_one_of_them_is_needed(db):
    make_instrument("ACME", isin="DE0001234567")

    for fields in ({"ticker": "ACME"}, {"ticker": "OTHER", "isin": "DE0001234567"}, {"ticker": "", "isin": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            _instrument(**fields).save()


def test_a_portfolio_code_and_fee_are_bounded(client_):
    with pytest.raises(ValidationError) as caught:
        Portfolio(
            code="bad code", name="x", client=client_, reporting_currency="EUR", management_fee_bps=20000
        ).full_clean()

    assert set(caught.value.message_dict) == {"code", "management_fee_bps"}
