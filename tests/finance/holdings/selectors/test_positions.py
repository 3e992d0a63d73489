"""Positions derived from the ledger: cost basis by average cost and FIFO, gains, income, splits, corrections."""

from datetime import date
from decimal import Decimal

import pytest

from finance.holdings import selectors, services
from finance.holdings.choices import CostBasisMethod
from tests.finance.holdings.conftest import make_portfolio, price, record

D = Decimal


def _history(user, portfolio, equity, *, prices=True):
    """Buy 10 @ 100 (fee 10), buy 10 @ 120, sell 5 @ 130 (fee 5), 2-for-1 split; the price halves with it."""
    record(user, portfolio, "deposit", date(2024, 1, 2), amount="5000", currency="EUR")
    record(user, portfolio, "buy", date(2024, 1, 3), instrument=equity, quantity="10", price="100", fee="10")
    record(user, portfolio, "buy", date(2024, 2, 1), instrument=equity, quantity="10", price="120")
    record(user, portfolio, "sell", date(2024, 3, 1), instrument=equity, quantity="5", price="130", fee="5")
    record(user, portfolio, "split", date(2024, 4, 2), instrument=equity, quantity="2")
    if prices:
        price(equity, date(2024, 4, 1), "140")
        price(equity, date(2024, 4, 2), "70")


def _only(portfolio, on):
    (position,) = selectors.positions(portfolio, on)
    return position


def test_average_cost_through_buys_sells_and_a_split(finance_user, portfolio, equity):
    _history(finance_user, portfolio, equity)

    before_split = _only(portfolio, date(2024, 4, 1))
    after_split = _only(portfolio, date(2024, 4, 2))

    assert before_split.quantity == 15
    assert before_split.cost_basis.amount == D("1657.50")  # 2210 less 5 sold at the average 110.50
    assert before_split.realised_gain.amount == D("92.50")  # 645 received less 552.50 of cost
    assert after_split.quantity == 30
    assert after_split.cost_basis.amount == D("1657.50")
    assert after_split.average_cost == D("55.25")
    assert after_split.unrealised_gain.amount == D("442.50")  # 30 x 70 less 1657.50


def test_fifo_sells_the_oldest_lot_first(finance_user, client_, equity):
    portfolio = make_portfolio(client_, "FIFO", cost_basis_method=CostBasisMethod.FIFO)
    _history(finance_user, portfolio, equity)

    position = _only(portfolio, date(2024, 4, 2))

    assert position.quantity == 30
    assert position.realised_gain.amount == D("140.00")  # 645 less half the first lot (505)
    assert position.cost_basis.amount == D("1705.00")
    assert position.unrealised_gain.amount == D("395.00")


def test_the_method_moves_gain_between_realised_and_unrealised_but_not_the_total(finance_user, client_, equity):
    average = make_portfolio(client_, "AVG")
    fifo = make_portfolio(client_, "FIFO", cost_basis_method=CostBasisMethod.FIFO)
    _history(finance_user, average, equity)
    _history(finance_user, fifo, equity, prices=False)

    totals = [
        _only(p, date(2024, 4, 2)).realised_gain.amount + _only(p, date(2024, 4, 2)).unrealised_gain.amount
        for p in (average, fifo)
    ]

    assert totals == [D("535.00"), D("535.00")]


def test_a_split_changes_quantity_and_per_share_history_but_not_value(finance_user, portfolio, equity):
    _history(finance_user, portfolio, equity)

    values = [selectors.portfolio_value(portfolio, day).holdings.amount for day in (date(2024, 4, 1), date(2024, 4, 2))]
    history = selectors.price_history(equity, date(2024, 4, 1), date(2024, 4, 2))
    raw = selectors.price_history(equity, date(2024, 4, 1), date(2024, 4, 2), adjusted=False)

    assert values == [D("2100.00"), D("2100.00")]
    assert [close for _, close in history] == [D(70), D(70)]
    assert [close for _, close in raw] == [D(140), D(70)]


def test_a_position_on_a_past_date_ignores_later_entries(finance_user, portfolio, equity):
    _history(finance_user, portfolio, equity)

    position = _only(portfolio, date(2024, 2, 15))

    assert position.quantity == 20
    assert position.realised_gain.amount == 0


def test_income_is_counted_per_position_and_in_cash(finance_user, portfolio, equity):
    _history(finance_user, portfolio, equity)
    record(finance_user, portfolio, "dividend", date(2024, 5, 2), instrument=equity, amount="45.00", fee="6.75")

    position = _only(portfolio, date(2024, 5, 2))
    cash = selectors.cash_balances(portfolio, date(2024, 5, 2))

    assert position.income.amount == D("45.00")
    # 5000 - 1010 - 1200 + 645 + 45 - 6.75 withholding
    assert cash["EUR"].amount == D("3473.25")


def test_a_corrected_entry_no_longer_counts(finance_user, portfolio, equity):
    _history(finance_user, portfolio, equity)
    wrong = record(finance_user, portfolio, "buy", date(2024, 5, 2), instrument=equity, quantity="100", price="70")

    services.transaction_correct(actor=finance_user, transaction_id=wrong.pk, quantity="10")

    position = _only(portfolio, date(2024, 5, 2))
    assert position.quantity == 40
    assert position.cost_basis.amount == D("2357.50")  # 1657.50 + 10 x 70
    assert selectors.effective_transactions(portfolio).filter(pk=wrong.pk).exists() is False


def test_a_short_position_realises_its_gain_when_covered(finance_user, client_, equity):
    portfolio = make_portfolio(client_, "SHORT", allows_short=True)
    record(finance_user, portfolio, "sell", date(2024, 1, 3), instrument=equity, quantity="10", price="100")
    record(finance_user, portfolio, "buy", date(2024, 1, 10), instrument=equity, quantity="4", price="75")

    position = _only(portfolio, date(2024, 1, 10))

    assert position.quantity == -6
    assert position.realised_gain.amount == D("100.00")  # sold 4 at 100, bought back at 75
    assert position.cost_basis.amount == D("-600.00")


@pytest.mark.parametrize("method", [CostBasisMethod.AVERAGE, CostBasisMethod.FIFO])
def test_a_position_sold_out_is_closed_with_its_gain(finance_user, client_, equity, method):
    portfolio = make_portfolio(client_, "OUT", cost_basis_method=method)
    record(finance_user, portfolio, "buy", date(2024, 1, 3), instrument=equity, quantity="3", price="10")
    record(finance_user, portfolio, "sell", date(2024, 1, 4), instrument=equity, quantity="3", price="12")

    (closed,) = selectors.positions(portfolio, date(2024, 1, 4), include_closed=True)

    assert selectors.positions(portfolio, date(2024, 1, 4)) == []
    assert closed.realised_gain.amount == D("6.00")
    assert closed.cost_basis.amount == 0


def test_securities_transferred_move_at_cost_without_a_gain_and_never_below_zero(finance_user, client_, equity):
    from django.core.exceptions import ValidationError

    portfolio = make_portfolio(client_, "TRF", allows_short=True)
    record(finance_user, portfolio, "transfer_in", date(2024, 1, 2), instrument=equity, quantity="10", price="40")
    record(finance_user, portfolio, "transfer_out", date(2024, 1, 3), instrument=equity, quantity="4")

    position = _only(portfolio, date(2024, 1, 3))
    with pytest.raises(ValidationError) as caught:
        record(finance_user, portfolio, "transfer_out", date(2024, 1, 4), instrument=equity, quantity="7")

    assert (position.quantity, position.cost_basis.amount, position.realised_gain.amount) == (6, D("240.00"), 0)
    assert "quantity" in caught.value.message_dict
    assert selectors.cash_balances(portfolio, date(2024, 1, 4)) == {}


def test_interest_and_tax_move_cash_and_count_as_income_and_charges(finance_user, portfolio):
    record(finance_user, portfolio, "interest", date(2024, 1, 31), amount="12.34", currency="EUR")
    record(finance_user, portfolio, "tax", date(2024, 1, 31), amount="3.09", currency="EUR")

    state = selectors.ledger_state(portfolio, date(2024, 1, 31))

    assert (state.income["EUR"], state.fees["EUR"], state.cash["EUR"]) == (D("12.34"), D("3.09"), D("9.25"))
