"""Every refusal of transaction_record names its field and writes nothing; what the rules allow is recorded."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from finance.holdings import selectors, services
from finance.holdings.models import Transaction
from ledgerline import roles
from tests.factories import UserFactory
from tests.finance.holdings.conftest import make_instrument, make_portfolio, record, snapshot

D = Decimal
DAY = date(2024, 3, 1)


def refused(call, *args, **kwargs) -> dict[str, list[str]]:
    """The field errors of a refused write, after checking that nothing was written."""
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert snapshot() == before
    return caught.value.message_dict


def test_selling_more_than_held_is_refused(finance_user, portfolio, equity):
    record(finance_user, portfolio, "buy", DAY, instrument=equity, quantity="10", price="5")

    errors = refused(record, finance_user, portfolio, "sell", DAY, instrument=equity, quantity="10.5", price="5")

    assert "only 10" in errors["quantity"][0]


def test_a_back_dated_sale_that_would_short_a_later_sale_is_refused(finance_user, portfolio, equity):
    record(finance_user, portfolio, "buy", date(2024, 1, 2), instrument=equity, quantity="10", price="5")
    record(finance_user, portfolio, "sell", date(2024, 3, 1), instrument=equity, quantity="8", price="6")

    errors = refused(
        record, finance_user, portfolio, "sell", date(2024, 2, 1), instrument=equity, quantity="5", price="6"
    )

    assert "short on 2024-03-01" in errors["quantity"][0]


def test_a_correction_that_would_short_a_later_sale_is_refused(finance_user, portfolio, equity):
    buy = record(finance_user, portfolio, "buy", date(2024, 1, 2), instrument=equity, quantity="10", price="5")
    record(finance_user, portfolio, "sell", date(2024, 3, 1), instrument=equity, quantity="8", price="6")

    errors = refused(services.transaction_correct, actor=finance_user, transaction_id=buy.pk, quantity="7")

    assert "quantity" in errors


def test_a_portfolio_allowing_shorts_may_sell_more_than_it_holds(finance_user, client_, equity):
    portfolio = make_portfolio(client_, "LS", allows_short=True)

    record(finance_user, portfolio, "sell", DAY, instrument=equity, quantity="3", price="5")

    assert selectors.positions(portfolio, DAY)[0].quantity == -3


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.0000001"])
def test_a_price_that_is_not_positive_or_not_a_number_is_refused(finance_user, portfolio, equity, value):
    errors = refused(record, finance_user, portfolio, "buy", DAY, instrument=equity, quantity="1", price=value)

    assert list(errors) == ["price"]


def test_a_future_date_is_refused(finance_user, portfolio):
    tomorrow = timezone.localdate() + timedelta(days=1)

    errors = refused(record, finance_user, portfolio, "deposit", tomorrow, amount="10", currency="EUR")

    assert "in the future" in errors["trade_date"][0]


@pytest.mark.parametrize(("currency", "amount"), [("EUR", "10.001"), ("JPY", "100.5"), ("KWD", "1.0001")])
def test_an_amount_finer_than_its_currency_allows_is_refused(finance_user, portfolio, currency, amount):
    errors = refused(record, finance_user, portfolio, "deposit", DAY, amount=amount, currency=currency)

    assert "decimal places" in errors["amount"][0]


def test_a_foreign_trade_without_that_days_fx_rate_is_refused_when_settling_in_reporting_currency(
    finance_user, client_, us_equity
):
    portfolio = make_portfolio(client_, "SET", settle_in_reporting_currency=True)
    services.fx_record(actor=finance_user, rate_date="2024-02-29", base="EUR", quote="USD", rate="1.1", source="ecb")

    errors = refused(record, finance_user, portfolio, "buy", DAY, instrument=us_equity, quantity="1", price="10")

    assert "No USD/EUR FX rate on 2024-03-01" in errors["currency"][0]


def test_a_trade_in_another_currency_than_the_instruments_is_refused(finance_user, portfolio, us_equity):
    errors = refused(
        record, finance_user, portfolio, "buy", DAY, instrument=us_equity, quantity="1", price="10", currency="EUR"
    )

    assert "traded in USD" in errors["currency"][0]


def test_kinds_that_need_or_refuse_an_instrument(finance_user, portfolio, equity):
    assert "instrument" in refused(record, finance_user, portfolio, "buy", DAY, quantity="1", price="1", currency="EUR")
    assert "instrument" in refused(
        record, finance_user, portfolio, "deposit", DAY, instrument=equity, amount="1", currency="EUR"
    )
    assert "kind" in refused(record, finance_user, portfolio, "gift", DAY, amount="1", currency="EUR")


def test_bounds_on_quantity_split_ratio_and_note(finance_user, portfolio, equity):
    assert "quantity" in refused(
        record, finance_user, portfolio, "buy", DAY, instrument=equity, quantity="1e16", price="1"
    )
    assert "amount" in refused(
        record, finance_user, portfolio, "buy", DAY, instrument=equity, quantity="1e14", price="100"
    )
    assert "quantity" in refused(record, finance_user, portfolio, "split", DAY, instrument=equity, quantity="1")
    assert "quantity" in refused(record, finance_user, portfolio, "split", DAY, instrument=equity, quantity="5000")
    assert "note" in refused(
        record, finance_user, portfolio, "deposit", DAY, amount="1", currency="EUR", note="x" * 501
    )


def test_a_dividend_without_an_amount_pays_the_declared_rate_on_what_is_held(finance_user, portfolio):
    stock = make_instrument("DIV", declared_dividend_per_share=D("0.333"))
    record(finance_user, portfolio, "buy", DAY, instrument=stock, quantity="10", price="5")

    dividend = record(finance_user, portfolio, "dividend", DAY + timedelta(days=1), instrument=stock)

    assert dividend.amount == D("3.33")


def test_a_dividend_without_an_amount_or_a_declared_rate_is_refused(finance_user, portfolio, equity):
    errors = refused(record, finance_user, portfolio, "dividend", DAY, instrument=equity)

    assert "declared dividend" in errors["amount"][0]


def test_an_exchange_needs_two_currencies_and_a_rate(finance_user, portfolio):
    assert "counter_currency" in refused(
        record,
        finance_user,
        portfolio,
        "exchange",
        DAY,
        amount="10",
        currency="EUR",
        counter_currency="EUR",
        price="1",
    )
    assert "price" in refused(
        record, finance_user, portfolio, "exchange", DAY, amount="10", currency="EUR", counter_currency="USD"
    )


def test_only_finance_staff_record(db, portfolio):
    auditor = UserFactory(username="aud", role=roles.AUDITOR)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        record(auditor, portfolio, "deposit", DAY, amount="10", currency="EUR")

    assert snapshot() == before


def test_an_entry_is_corrected_once_and_its_correction_after_that(finance_user, portfolio):
    first = record(finance_user, portfolio, "deposit", DAY, amount="10", currency="EUR")
    second = services.transaction_correct(actor=finance_user, transaction_id=first.pk, amount="12")

    errors = refused(services.transaction_correct, actor=finance_user, transaction_id=first.pk, amount="13")
    third = services.transaction_correct(actor=finance_user, transaction_id=second.pk, amount="14")

    assert "corrected already" in errors["corrects"][0]
    assert third.corrects == second
    assert selectors.cash_balances(portfolio, DAY)["EUR"].amount == D("14.00")
    assert Transaction.objects.filter(portfolio=portfolio).count() == 3  # nothing edited in place


def test_recorded_entries_name_their_author(finance_user, portfolio):
    entry = record(finance_user, portfolio, "deposit", DAY, amount="10", currency="EUR")

    assert entry.recorded_by == finance_user


def test_a_split_ratio_is_an_exact_fraction_given_as_decimal_or_new_to_old(finance_user, portfolio, equity):
    record(finance_user, portfolio, "buy", DAY, instrument=equity, quantity="300", price="5")

    for ratio in ("1:3", "0.33333333", "0.3333", "2:0", "two:1", "1.2345"):
        assert "quantity" in refused(record, finance_user, portfolio, "split", DAY, instrument=equity, quantity=ratio)
    assert (
        "1-for-3"
        in refused(record, finance_user, portfolio, "split", DAY, instrument=equity, quantity="1:3")["quantity"][0]
    )

    record(finance_user, portfolio, "split", date(2024, 3, 4), instrument=equity, quantity="1:4")
    record(finance_user, portfolio, "split", date(2024, 3, 5), instrument=equity, quantity="3:2")
    record(finance_user, portfolio, "split", date(2024, 3, 6), instrument=equity, quantity="0.4")

    assert selectors.positions(portfolio, date(2024, 3, 4))[0].quantity == 75
    assert selectors.positions(portfolio, date(2024, 3, 6))[0].quantity == 45
