"""The asset list: search, filters, sorting, pages, CSV export and a fixed number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assetreg import csv_io
from assetreg.choices import AssetKind, AssetStatus
from ledgerline.contributions import registry
from tests.factories import AssetFactory, LocationFactory

pytestmark = pytest.mark.django_db


def tags(response):
    return [asset.asset_tag for asset in response.context["page"].object_list]


def test_search_and_filters_narrow_the_list(world, client_for):
    AssetFactory(site=world.home, vehicle=True, asset_tag="HQ-VAN-1", name="Delivery van", plate="XY-99-Z")
    AssetFactory(site=world.home, asset_tag="HQ-FAN-1", name="Roof fan", status=AssetStatus.OUT_OF_SERVICE)
    client = client_for("facility_manager")
    url = reverse("assetreg:asset_list")

    assert tags(client.get(url, {"q": "xy-99"})) == ["HQ-VAN-1"]
    assert tags(client.get(url, {"kind": AssetKind.VEHICLE})) == ["HQ-VAN-1"]
    assert tags(client.get(url, {"status": AssetStatus.OUT_OF_SERVICE})) == ["HQ-FAN-1"]
    assert tags(client.get(url, {"kind": AssetKind.EQUIPMENT, "q": "pump"})) == ["HQ-PUMP-1"]
    assert sorted(tags(client.get(url, {"kind": "", "status": "", "q": ""}))) == ["HQ-FAN-1", "HQ-PUMP-1", "HQ-VAN-1"]


def test_column_headers_sort_and_unknown_keys_fall_back_to_tag(world, client_for):
    AssetFactory(site=world.home, asset_tag="HQ-A", name="Zeta")
    AssetFactory(site=world.home, asset_tag="HQ-Z", name="Alpha")
    client = client_for("facility_manager")
    url = reverse("assetreg:asset_list")

    assert tags(client.get(url, {"sort": "name"}))[0] == "HQ-Z"
    assert tags(client.get(url, {"sort": "-tag"}))[0] == "HQ-Z"
    assert tags(client.get(url, {"sort": "password"}))[0] == "HQ-A"
    assert tags(client.get(url, {"sort": "-created_by__password"}))[0] == "HQ-A"
    header = client.get(url, {"sort": "name"}).text
    assert "sort=-name" in header  # clicking the active column again reverses it


def test_pages_of_fifty_keep_the_filters(world, client_for):
    AssetFactory.create_batch(60, site=world.home)
    client = client_for("facility_manager")

    first = client.get(reverse("assetreg:asset_list"), {"kind": AssetKind.EQUIPMENT, "sort": "-tag"})
    second = client.get(reverse("assetreg:asset_list"), {"kind": AssetKind.EQUIPMENT, "sort": "-tag", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 11
    assert "kind=equipment&amp;sort=-tag&amp;page=2" in first.text


def test_export_is_the_filtered_list_in_the_import_format(world, client_for):
    AssetFactory(site=world.home, vehicle=True, asset_tag="HQ-VAN-1")
    response = client_for("facility_manager").get(reverse("assetreg:asset_export"), {"kind": AssetKind.VEHICLE})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    contributed = [column.header for column in registry.export_columns_for(world.facility_manager)]
    assert rows[0] == [*csv_io.COLUMNS, *contributed]  # the import format, then what other apps add
    assert [row[0] for row in rows[1:]] == ["HQ-VAN-1"]


def test_export_of_many_assets_streams_every_row_once(world, client_for):
    AssetFactory.create_batch(1201, site=world.home)

    response = client_for("facility_manager").get(reverse("assetreg:asset_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert sum(row[: len(csv_io.COLUMNS)] == list(csv_io.COLUMNS) for row in rows) == 1
    assert len(rows) == 1 + 1202
    assert len({row[0] for row in rows[1:]}) == 1202


def test_list_links_to_export_and_new_asset_for_writers(world, client_for):
    response = client_for("facility_manager").get(reverse("assetreg:asset_list"), {"kind": "vehicle"})

    assert reverse("assetreg:asset_export") + "?kind=vehicle" in response.text
    assert reverse("assetreg:asset_create") in response.text


def _count_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assetreg:asset_list"))
    assert response.status_code == 200
    return len(queries)


def test_list_runs_the_same_number_of_queries_for_5_and_40_assets(world, client_for):
    room = LocationFactory(site=world.home, code="R1", name="Plant room")
    client = client_for("facility_manager")
    AssetFactory.create_batch(4, site=world.home, location=room)
    few = _count_list_queries(client)

    parent = world.home_asset
    AssetFactory.create_batch(35, site=world.home, location=room, parent=parent)
    many = _count_list_queries(client)

    assert few == many
