"""CSV imports of prices, FX and transactions: all or nothing, and a dry run that lists every bad row."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from finance.holdings import csv_io, selectors, services
from finance.holdings.models import FxRate, PricePoint, Transaction
from tests.finance.holdings.conftest import snapshot

D = Decimal


def rows(text: str, columns):
    return csv_io.read_csv(text.encode(), columns)


def test_a_price_file_with_bad_rows_writes_nothing_and_names_each_row_and_field(finance_user, equity):
    text = (
        "date,instrument,close\n"
        "2024-03-01,ACME,10.50\n"
        "2024-13-01,ACME,10.60\n"
        "2024-03-04,NOPE,1\n"
        "2024-03-05,DE0001234567,0\n"
        "2024-03-06,acme,ten\n"
    )
    report = services.prices_import(actor=finance_user, rows=rows(text, csv_io.PRICE_COLUMNS), dry_run=False)

    assert [(e.line, e.field) for e in report.errors] == [(3, "date"), (4, "instrument"), (5, "close"), (6, "close")]
    assert report.written is False
    assert PricePoint.objects.count() == 0


def test_a_dry_run_reports_and_writes_nothing_then_the_import_writes(finance_user, equity):
    text = "date,instrument,close,currency\n2024-03-01,ACME,10.50,EUR\n2024-03-04,DE0001234567,10.75,\n"
    dry = services.prices_import(actor=finance_user, rows=rows(text, csv_io.PRICE_COLUMNS), dry_run=True)
    assert (dry.ok, dry.created, PricePoint.objects.count()) == (True, 2, 0)

    done = services.prices_import(actor=finance_user, rows=rows(text, csv_io.PRICE_COLUMNS), dry_run=False)
    again = services.prices_import(actor=finance_user, rows=rows(text, csv_io.PRICE_COLUMNS), dry_run=False)

    assert (done.written, done.created) == (True, 2)
    assert (again.created, again.unchanged) == (0, 2)
    assert selectors.price_on(equity, date(2024, 3, 4)).close == D("10.75")


def test_a_re_imported_price_that_differs_supersedes_the_old_one(finance_user, equity):
    services.prices_import(
        actor=finance_user,
        rows=rows("date,instrument,close\n2024-03-01,ACME,10\n", csv_io.PRICE_COLUMNS),
        dry_run=False,
    )
    services.prices_import(
        actor=finance_user,
        rows=rows("date,instrument,close\n2024-03-01,ACME,11\n", csv_io.PRICE_COLUMNS),
        dry_run=False,
    )

    assert selectors.price_on(equity, date(2024, 3, 1)).close == D(11)
    assert PricePoint.objects.filter(supersedes__isnull=False).count() == 1


def test_a_price_in_another_currency_and_a_day_twice_are_row_errors(finance_user, equity):
    text = "date,instrument,close,currency\n2024-03-01,ACME,10,USD\n2024-03-02,ACME,10,\n2024-03-02,ACME,11,\n"
    report = services.prices_import(actor=finance_user, rows=rows(text, csv_io.PRICE_COLUMNS), dry_run=True)

    assert [(e.line, e.field) for e in report.errors] == [(2, "currency"), (4, "date")]


def test_an_fx_file_is_all_or_nothing(finance_user):
    text = (
        "date,base,quote,rate\n"
        "2024-03-01,EUR,USD,1.0850\n"
        "2024-03-01,EUR,XXX,1\n"
        "2024-03-01,GBP,GBP,1\n"
        "2024-03-02,EUR,USD,-1\n"
    )
    report = services.fx_import(actor=finance_user, rows=rows(text, csv_io.FX_COLUMNS), dry_run=False)

    assert [(e.line, e.field) for e in report.errors] == [(3, "quote"), (4, "quote"), (5, "rate")]
    assert FxRate.objects.count() == 0

    good = services.fx_import(
        actor=finance_user,
        rows=rows(text.splitlines()[0] + "\n" + text.splitlines()[1], csv_io.FX_COLUMNS),
        dry_run=False,
    )
    assert good.written and selectors.fx_rate_on("USD", "EUR", date(2024, 3, 1)).inverse


TRANSACTIONS = (
    "date,type,instrument,quantity,price,amount,currency,fee,note\n"
    "2024-01-02,deposit,,,,10000,EUR,,opening\n"
    "2024-01-03,buy,ACME,100,20.5,,,5,\n"
    "2024-01-04,exchange,USD,,1.1,1000,EUR,,\n"
    "2024-02-01,dividend,ACME,,,45.00,,,\n"
    "2024-03-01,split,ACME,2,,,,,\n"
    "2024-03-02,sell,ACME,50,11,,,,\n"
)


def test_a_transaction_file_builds_the_ledger(finance_user, portfolio, equity):
    report = services.transactions_import(
        actor=finance_user, portfolio=portfolio, rows=rows(TRANSACTIONS, csv_io.TRANSACTION_COLUMNS), dry_run=False
    )

    (position,) = selectors.positions(portfolio, date(2024, 3, 2))
    assert (report.written, report.created) == (True, 6)
    assert position.quantity == 150
    assert position.cost_basis.amount == D("1541.25")  # 2055 x 150/200
    assert selectors.cash_balances(portfolio, date(2024, 3, 2)) == {
        "EUR": selectors.Money(D("7540.00"), "EUR"),  # 10000 - 2055 - 1000 + 45 + 550
        "USD": selectors.Money(D("1100.00"), "USD"),
    }


def test_a_transaction_file_with_bad_rows_writes_nothing_and_a_dry_run_lists_them_all(finance_user, portfolio, equity):
    text = TRANSACTIONS + (
        "2024-03-03,sell,ACME,1000,11,,,,\n"  # more than held
        "2024-03-04,buy,NOPE,1,1,,,,\n"
        "2024-03-05,buy,ACME,1,0,,,,\n"
        "03/06/2024,deposit,,,,1,EUR,,\n"
        "2024-03-07,deposit,,,,1.005,EUR,,\n"
        "2024-03-08,dividend,ACME,,,,,,\n"
    )
    before = snapshot()

    for dry_run in (True, False):
        report = services.transactions_import(
            actor=finance_user, portfolio=portfolio, rows=rows(text, csv_io.TRANSACTION_COLUMNS), dry_run=dry_run
        )
        assert [(e.line, e.field) for e in report.errors] == [
            (8, "quantity"),
            (9, "instrument"),
            (10, "price"),
            (11, "date"),
            (12, "amount"),
            (13, "amount"),
        ]

    assert snapshot() == before


def test_a_sale_beyond_what_the_file_bought_is_an_error_on_its_line(finance_user, portfolio, equity):
    text = TRANSACTIONS + "2024-03-03,sell,ACME,1000,11,,,,\n"

    report = services.transactions_import(
        actor=finance_user, portfolio=portfolio, rows=rows(text, csv_io.TRANSACTION_COLUMNS), dry_run=True
    )

    assert [(e.line, e.field) for e in report.errors] == [(8, "quantity")]
    assert Transaction.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("date,type,instrument\n", "lacks these columns: quantity, price, amount"),
        ("date,type,instrument,quantity,price,amount,colour\n", "Unknown columns: colour"),
        ("date,type,instrument,quantity,price,amount\n1,2,3,4,5,6,7\n", "more values"),
    ],
)
def test_a_malformed_file_is_refused_as_a_whole(text, message):
    with pytest.raises(ValidationError) as caught:
        csv_io.read_csv(text.encode(), csv_io.TRANSACTION_COLUMNS)

    assert message in caught.value.messages[0]


def test_a_split_in_a_file_takes_new_to_old_and_refuses_an_inexact_reverse_split(finance_user, portfolio, equity):
    head = "date,type,instrument,quantity,price,amount,currency,fee,note\n2024-01-03,buy,ACME,300,20,,,,\n"
    before = snapshot()

    bad = services.transactions_import(
        actor=finance_user,
        portfolio=portfolio,
        rows=rows(head + "2024-03-01,split,ACME,1:3,,,,,\n", csv_io.TRANSACTION_COLUMNS),
        dry_run=False,
    )
    assert [(e.line, e.field) for e in bad.errors] == [(3, "quantity")] and "1-for-3" in bad.errors[0].message
    assert snapshot() == before

    good = services.transactions_import(
        actor=finance_user,
        portfolio=portfolio,
        rows=rows(head + "2024-03-01,split,ACME,1:2,,,,,\n", csv_io.TRANSACTION_COLUMNS),
        dry_run=False,
    )
    assert good.written and selectors.positions(portfolio, date(2024, 3, 1))[0].quantity == 150
