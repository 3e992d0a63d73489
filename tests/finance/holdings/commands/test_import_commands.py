"""`import_prices`, `import_fx` and `import_transactions`: the services behind a command line."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from finance.holdings import selectors
from finance.holdings.models import FxRate, PricePoint, Transaction


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str):
        path = tmp_path / "data.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_import_prices_dry_run_then_write(equity, csv_file):
    path = csv_file("date,instrument,close\n2024-03-01,ACME,10.50\n")

    dry, _ = run("import_prices", path, "--dry-run")
    assert "Dry run" in dry and PricePoint.objects.count() == 0

    out, _ = run("import_prices", path, "--source", "exchange-feed")
    point = PricePoint.objects.get()
    assert "Import written" in out
    assert (point.close, point.source, point.recorded_by) == (Decimal("10.50"), "exchange-feed", None)


def test_import_fx_fails_naming_every_bad_row(db, csv_file):
    path = csv_file("date,base,quote,rate\n2024-03-01,EUR,USD,abc\n2024-03-01,EUR,USD,1.1\n2024-99-01,EUR,GBP,0.8\n")
    err = StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("import_fx", path, stdout=StringIO(), stderr=err)

    assert "line 2, rate" in err.getvalue() and "line 4, date" in err.getvalue()
    assert FxRate.objects.count() == 0


def test_import_transactions_into_a_portfolio(finance_user, portfolio, equity, csv_file):
    path = csv_file(
        "date,type,instrument,quantity,price,amount\n2024-01-02,deposit,,,,500\n2024-01-03,buy,ACME,4,100,\n"
    )

    out, _ = run("import_transactions", path, "--portfolio", "bal", "--user", "fin")

    assert "2 were recorded" in out
    assert selectors.positions(portfolio, date(2024, 1, 3))[0].quantity == 4
    assert set(Transaction.objects.values_list("recorded_by", flat=True)) == {finance_user.pk}


def test_import_transactions_refuses_an_unknown_portfolio_a_missing_file_and_a_user_without_the_role(
    portfolio, csv_file, world
):
    path = csv_file("date,type,instrument,quantity,price,amount\n2024-01-02,deposit,,,,500\n")

    with pytest.raises(CommandError, match="No portfolio"):
        run("import_transactions", path, "--portfolio", "NOPE")
    with pytest.raises(CommandError, match="No such file"):
        run("import_transactions", path + ".missing", "--portfolio", "BAL", "--user", world.auditor.username)
    with pytest.raises(CommandError, match="Only finance staff"):
        run("import_transactions", path, "--portfolio", "BAL", "--user", world.auditor.username)
    assert Transaction.objects.count() == 0


def test_import_transactions_needs_a_user_and_never_runs_as_the_system(finance_user, portfolio, csv_file):
    path = csv_file("date,type,instrument,quantity,price,amount\n2024-01-02,deposit,,,,500\n")

    with pytest.raises(CommandError, match="--user is required"):
        run("import_transactions", path, "--portfolio", "BAL")

    assert Transaction.objects.count() == 0
