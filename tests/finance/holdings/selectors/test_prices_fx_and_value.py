"""Prices with carry-forward and the stale flag, FX conversion (direct and inverse), cash and market value."""

from datetime import date
from decimal import Decimal

from finance.holdings import selectors, services
from ledgerline.money import Money
from tests.finance.holdings.conftest import make_portfolio, price, record

D = Decimal


def test_a_missing_price_carries_the_last_one_forward_flagged_stale(finance_user, equity):
    price(equity, date(2024, 3, 1), "10.50")
    price(equity, date(2024, 3, 4), "11.00")

    on_the_day = selectors.price_on(equity, date(2024, 3, 1))
    weekend = selectors.price_on(equity, date(2024, 3, 3))

    assert (on_the_day.close, on_the_day.stale) == (D("10.50"), False)
    assert (weekend.close, weekend.price_date, weekend.stale) == (D("10.50"), date(2024, 3, 1), True)
    assert selectors.price_on(equity, date(2024, 2, 29)) is None


def test_a_price_correction_supersedes_and_the_same_close_writes_nothing(finance_user, equity):
    first = services.price_record(
        actor=finance_user, instrument=equity, price_date="2024-03-01", close="10.5", source="x"
    )
    again = services.price_record(
        actor=finance_user, instrument=equity, price_date="2024-03-01", close="10.50", source="x"
    )
    fixed = services.price_record(
        actor=finance_user, instrument=equity, price_date="2024-03-01", close="10.8", source="x"
    )

    assert again.pk == first.pk
    assert fixed.supersedes_id == first.pk
    assert selectors.price_on(equity, date(2024, 3, 1)).close == D("10.8")
    assert equity.prices.count() == 2  # append-only: the first close is kept


def test_fx_direct_inverse_carried_forward_and_missing(finance_user):
    services.fx_record(actor=finance_user, rate_date="2024-03-01", base="EUR", quote="USD", rate="1.25", source="ecb")

    direct = selectors.fx_rate_on("EUR", "USD", date(2024, 3, 1))
    inverse = selectors.fx_rate_on("USD", "EUR", date(2024, 3, 1))
    later = selectors.fx_rate_on("EUR", "USD", date(2024, 3, 5))
    converted, _ = selectors.convert(Money(D("100"), "USD"), "EUR", date(2024, 3, 1))

    assert (direct.rate, direct.inverse, direct.stale) == (D("1.25"), False, False)
    assert (inverse.rate, inverse.inverse) == (D("0.8"), True)
    assert (later.rate, later.stale) == (D("1.25"), True)
    assert converted.rounded() == Money(D("80.00"), "EUR")
    assert selectors.fx_rate_on("EUR", "GBP", date(2024, 3, 1)) is None
    assert selectors.fx_rate_on("EUR", "USD", date(2024, 3, 2), exact=True) is None


def test_the_more_recent_of_direct_and_inverse_wins(finance_user):
    services.fx_record(actor=finance_user, rate_date="2024-03-01", base="EUR", quote="USD", rate="1.25", source="ecb")
    services.fx_record(actor=finance_user, rate_date="2024-03-04", base="USD", quote="EUR", rate="0.5", source="fed")

    assert selectors.fx_rate_on("EUR", "USD", date(2024, 3, 4)).rate == D(2)


def test_cash_per_currency_through_trades_income_fees_and_an_exchange(finance_user, portfolio, us_equity):
    record(finance_user, portfolio, "deposit", date(2024, 1, 2), amount="10000", currency="EUR")
    record(
        finance_user,
        portfolio,
        "exchange",
        date(2024, 1, 3),
        amount="4000",
        currency="EUR",
        counter_currency="USD",
        price="1.1",
    )
    record(
        finance_user,
        portfolio,
        "buy",
        date(2024, 1, 4),
        instrument=us_equity,
        quantity="20",
        price="150.25",
        fee="4.99",
    )
    record(finance_user, portfolio, "dividend", date(2024, 2, 1), instrument=us_equity, amount="12.40")
    record(finance_user, portfolio, "fee", date(2024, 2, 1), amount="25", currency="EUR")
    record(finance_user, portfolio, "withdrawal", date(2024, 2, 2), amount="1000", currency="EUR")

    cash = selectors.cash_balances(portfolio, date(2024, 2, 2))

    assert cash == {"EUR": Money(D("4975.00"), "EUR"), "USD": Money(D("1402.41"), "USD")}  # 4400 - 3009.99 + 12.40


def test_a_portfolio_settling_in_its_reporting_currency_pays_foreign_trades_from_it(finance_user, client_, us_equity):
    portfolio = make_portfolio(client_, "SETTLE", settle_in_reporting_currency=True)
    services.fx_record(actor=finance_user, rate_date="2024-01-04", base="EUR", quote="USD", rate="1.25", source="ecb")
    record(finance_user, portfolio, "deposit", date(2024, 1, 2), amount="5000", currency="EUR")

    buy = record(finance_user, portfolio, "buy", date(2024, 1, 4), instrument=us_equity, quantity="10", price="100")

    assert buy.fx_rate == D("0.8")
    assert selectors.cash_balances(portfolio, date(2024, 1, 4)) == {"EUR": Money(D("4200.00"), "EUR")}


def test_market_value_in_the_reporting_currency_with_stale_and_missing_figures(
    finance_user, portfolio, equity, us_equity
):
    record(finance_user, portfolio, "deposit", date(2024, 1, 2), amount="1000", currency="USD")
    record(finance_user, portfolio, "buy", date(2024, 1, 2), instrument=us_equity, quantity="4", price="100")
    record(finance_user, portfolio, "deposit", date(2024, 1, 2), amount="500", currency="EUR")
    record(finance_user, portfolio, "buy", date(2024, 1, 2), instrument=equity, quantity="2", price="50")
    services.fx_record(actor=finance_user, rate_date="2024-01-02", base="EUR", quote="USD", rate="1.25", source="ecb")
    price(us_equity, date(2024, 1, 2), "110")
    price(equity, date(2024, 1, 3), "60")

    unpriced = selectors.portfolio_value(portfolio, date(2024, 1, 2))
    value = selectors.portfolio_value(portfolio, date(2024, 1, 3))

    # USD: 4 x 110 = 440 -> EUR 352; cash USD 600 -> EUR 480; EUR: 2 x 60 = 120, cash 400
    assert value.holdings == Money(D("472.00"), "EUR")
    assert value.cash == Money(D("880.00"), "EUR")
    assert value.total == Money(D("1352.00"), "EUR")
    assert value.complete and value.stale == ["USCO: last price 2024-01-02", "USD/EUR: last rate 2024-01-02"]
    assert unpriced.missing == ["ACME: no price on or before 2024-01-02"]
    assert unpriced.complete is False


def test_reads_are_set_based(finance_user, portfolio, django_assert_max_num_queries):
    instruments = []
    from tests.finance.holdings.conftest import make_instrument

    record(finance_user, portfolio, "deposit", date(2024, 1, 2), amount="100000", currency="EUR")
    for n in range(12):
        instruments.append(make_instrument(f"T{n}"))
        record(finance_user, portfolio, "buy", date(2024, 1, 2), instrument=instruments[-1], quantity="1", price="10")
        price(instruments[-1], date(2024, 1, 2), "11")

    # Constant whatever the number of instruments: ledger, instruments, prices, splits since a stale price, FX.
    with django_assert_max_num_queries(5):
        value = selectors.portfolio_value(portfolio, date(2024, 1, 5))
    with django_assert_max_num_queries(5):
        held = selectors.positions(portfolio, date(2024, 1, 5))

    assert value.holdings == Money(D("132.00"), "EUR")
    assert len(held) == 12


def test_portfolios_are_visible_to_finance_and_auditors_only(world, portfolio):
    from ledgerline.policy import SYSTEM

    seen = {
        role: list(selectors.portfolios_visible_to(world.user(role)))
        for role in ("finance", "auditor", "admin", "facility_manager", "technician")
    }

    assert seen == {
        "finance": [portfolio],
        "auditor": [portfolio],
        "admin": [portfolio],
        "facility_manager": [],
        "technician": [],
    }
    assert list(selectors.portfolios_visible_to(SYSTEM)) == [portfolio]


def test_a_close_carried_forward_across_a_split_is_divided_by_its_ratio(finance_user, portfolio, equity):
    """10 shares at 100, a 2-for-1 split on a day without a price: still worth 1,000 until the next close."""
    record(finance_user, portfolio, "deposit", date(2024, 3, 1), amount="1000", currency="EUR")
    record(finance_user, portfolio, "buy", date(2024, 3, 1), instrument=equity, quantity="10", price="100")
    price(equity, date(2024, 3, 1), "100")
    record(finance_user, portfolio, "split", date(2024, 3, 4), instrument=equity, quantity="2")
    price(equity, date(2024, 3, 6), "52")

    before, on_split, after, priced = (
        selectors.portfolio_value(portfolio, date(2024, 3, d)).holdings.amount for d in (1, 4, 5, 6)
    )
    carried = selectors.price_on(equity, date(2024, 3, 5))

    assert (before, on_split, after, priced) == (D("1000.00"), D("1000.00"), D("1000.00"), D("1040.00"))
    assert (carried.close, carried.price_date, carried.stale) == (D(50), date(2024, 3, 1), True)
    assert selectors.price_on(equity, date(2024, 3, 3)).close == D(100)
