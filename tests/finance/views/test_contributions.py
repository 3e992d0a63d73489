"""What finance adds to the register's pages through `ledgerline.contributions`: the asset list's cost and book
value columns, the export's book value as of a date, and the dashboard's book value card."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assetreg import csv_io
from assetreg import services as register
from assetreg.models import Asset
from finance import selectors
from ledgerline.money import Money
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

LIST = reverse("assetreg:asset_list")
EXPORT = reverse("assetreg:asset_export")


def list_cells(response, tag):
    """The contributed cells of one asset's row, by column label."""
    asset = next(a for a in response.context["page"].object_list if a.asset_tag == tag)
    return {cell.label: cell.value for cell in asset.contributed_cells}


def export_rows(response):
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_asset_list_shows_cost_and_book_value_from_finance(world, client_for, textbook_asset, post_through):
    post_through(date(2024, 6, 1))
    today_value = selectors.book_value_as_of(textbook_asset, date.today())

    response = client_for("facility_manager").get(LIST)

    assert [column.label for column in response.context["contributed_columns"]] == ["Cost", "Book value"]
    assert list_cells(response, "TB-1") == {"Cost": "EUR 10,000.00", "Book value": today_value.format()}
    assert ">Book value</th>" in response.text and today_value.format() in response.text


def _count_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_contributed_columns_cost_the_same_queries_for_3_and_for_40_valued_assets(world, client_for, post_through):
    for number in range(3):
        make_asset(world, asset_tag=f"FEW-{number}")
    post_through(date(2024, 6, 1))
    client = client_for("finance")
    few = _count_list_queries(client)

    for number in range(37):
        make_asset(world, asset_tag=f"MANY-{number:02}")
    post_through(date(2024, 6, 1))
    many = _count_list_queries(client)

    assert few == many
    response = client.get(LIST)
    assert list_cells(response, "MANY-00")["Book value"] == list_cells(response, "FEW-0")["Book value"]


def test_the_export_has_the_book_value_as_of_the_date_asked_for(world, client_for, textbook_asset, post_through):
    post_through(date(2024, 6, 1))

    rows = export_rows(client_for("facility_manager").get(EXPORT, {"as_of": "2024-03-31", "q": "TB-1"}))

    assert [(row["asset_tag"], row["book_value_as_of"], row["book_value"]) for row in rows] == [
        ("TB-1", "2024-03-31", "9550.00")
    ]
    assert selectors.book_value_as_of(textbook_asset, date(2024, 3, 31)) == Money(Decimal("9550"), "EUR")


def test_the_export_without_a_date_is_as_of_today(world, client_for, textbook_asset):
    rows = export_rows(client_for("finance").get(EXPORT, {"q": "TB-1"}))

    assert rows[0]["book_value_as_of"] == date.today().isoformat()


@pytest.mark.parametrize("as_of", ["2024-13-01", "yesterday", "0001-01-01", "9999-12-31"])
def test_a_bad_export_date_is_a_400_that_names_it(world, client_for, as_of):
    response = client_for("finance").get(EXPORT, {"as_of": as_of})

    assert response.status_code == 400
    assert response.content.decode().startswith("as_of: ")


def test_an_export_with_the_book_value_imports_again_without_changing_anything(world, client_for, textbook_asset):
    text = b"".join(client_for("finance").get(EXPORT).streaming_content).decode()
    assert "book_value" in text.splitlines()[0]

    report = register.assets_import_rows(actor=world.finance, rows=csv_io.read_csv(text), dry_run=False)

    assert report.errors == [] and report.created == [] and report.updated == []
    assert Asset.objects.get(pk=textbook_asset.pk).version == textbook_asset.version


def test_the_dashboard_shows_the_book_value_of_the_assets_the_user_may_see(world, client_for, post_through):
    make_asset(world, asset_tag="HOME-1")
    make_asset(world, site=world.away, asset_tag="AWAY-1", acquisition_cost=Decimal("5000"), salvage_value=0)
    post_through(date(2024, 6, 1))

    def posted_total(assets):
        """What the ledger holds after the June posting, summed (the card never adds two currencies)."""
        return sum((selectors.book_value_as_of(a, date(2024, 6, 30)) for a in assets), Money(Decimal(0), "EUR"))

    everything = posted_total(Asset.objects.all())
    home_only = posted_total(Asset.objects.filter(site=world.home))

    for_finance = client_for("finance").get(reverse("dashboard"))
    for_manager = client_for("facility_manager").get(reverse("dashboard"))

    assert "Book value of assets held" in for_finance.text
    assert "through June 2024" in for_finance.text
    assert f"<strong>{everything.format()}</strong>" in for_finance.text
    assert f"<strong>{home_only.format()}</strong>" in for_manager.text
    assert everything.format() not in for_manager.text


def test_the_admin_export_has_the_book_value_of_today_too(world, textbook_asset, post_through):
    post_through(date(2024, 6, 1))
    client = Client()
    client.force_login(world.finance)

    response = client.get(reverse("admin:assetreg_asset_export"), {"q": "TB-1"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))

    today = selectors.book_value_as_of(textbook_asset, date.today()).rounded().amount
    assert (row["asset_tag"], row["book_value_as_of"], row["book_value"]) == (
        "TB-1",
        date.today().isoformat(),
        f"{today:f}",
    )
