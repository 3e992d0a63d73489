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


def test_each_filter_accepts_several_values_and_the_page_keeps_them_checked(world, client_for):
    AssetFactory(site=world.home, vehicle=True, asset_tag="HQ-VAN-1", status=AssetStatus.UNDER_MAINTENANCE)
    AssetFactory(site=world.home, asset_tag="HQ-FAN-1", status=AssetStatus.OUT_OF_SERVICE)
    client = client_for("facility_manager")
    url = reverse("assetreg:asset_list")

    statuses = client.get(url + "?status=under_maintenance&status=out_of_service")
    kinds = client.get(url + "?kind=vehicle&kind=building")

    assert sorted(tags(statuses)) == ["HQ-FAN-1", "HQ-VAN-1"]
    assert tags(kinds) == ["HQ-VAN-1"]
    assert 'name="status" value="under_maintenance" checked' in statuses.text
    assert 'name="status" value="out_of_service" checked' in statuses.text
    assert 'name="status" value="planned" checked' not in statuses.text
    assert "2 selected" in statuses.text


def test_the_filters_apply_with_a_button_not_on_change(world, client_for):
    page = client_for("facility_manager").get(reverse("assetreg:asset_list")).text

    assert "data-autosubmit" not in page
    assert '<button type="submit" class="btn btn-primary">Apply</button>' in page


def _headers(response):
    return [header["column"].key for header in response.context["headers"]]


def test_the_list_shows_the_chosen_columns_and_the_defaults_when_none_are_chosen(world, client_for):
    AssetFactory(site=world.home, asset_tag="HQ-GEN-1", serial_number="SN-4711", department="Facilities")
    client = client_for("facility_manager")
    url = reverse("assetreg:asset_list")

    default = client.get(url)
    chosen = client.get(url + "?col=serial&col=department&col=no-such-column&sort=-serial")

    assert _headers(default) == ["tag", "name", "category", "kind", "status", "site", "location", "acquired", "updated"]
    assert "SN-4711" not in default.text
    assert _headers(chosen) == ["tag", "department", "serial"]  # the tag always shows: it links to the asset
    assert "SN-4711" in chosen.text and "Facilities" in chosen.text
    assert tags(chosen)[0] == "HQ-GEN-1"  # sorted by serial number, descending: blank serials come last
    # Sorting and paging keep the chosen columns in the URL.
    assert "col=serial&amp;col=department&amp;col=no-such-column&amp;sort=serial" in chosen.text
    assert 'name="col" value="serial" checked' in chosen.text
    assert 'name="col" value="updated" checked' not in chosen.text


def test_every_column_at_once_runs_the_same_number_of_queries_for_5_and_40_assets(world, client_for):
    from assetreg.list_columns import ASSET_LIST_COLUMNS

    room = LocationFactory(site=world.home, code="R1", name="Plant room")
    client = client_for("facility_manager")
    url = reverse("assetreg:asset_list") + "?" + "&".join(f"col={column.key}" for column in ASSET_LIST_COLUMNS)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert _headers(response) == [column.key for column in ASSET_LIST_COLUMNS]
        return len(queries)

    AssetFactory.create_batch(4, site=world.home, location=room, custodian=world.technician)
    few = count()
    AssetFactory.create_batch(35, site=world.home, location=room, parent=world.home_asset, custodian=world.technician)

    assert count() == few


def test_a_contributed_column_joins_the_chooser_but_may_not_reuse_a_key():
    from assetreg.list_columns import ASSET_LIST_COLUMNS, ListColumn, available_columns, chosen_columns

    extra = ListColumn("cost", "Cost", "finance/cells/cost.html", ("acquisition_cost",))

    columns = available_columns([extra])

    assert columns[-1] == extra
    assert [c.key for c in chosen_columns(["cost"], columns)] == ["tag", "cost"]
    with pytest.raises(ValueError, match="tag"):
        available_columns([ListColumn("tag", "Tag again", "x.html")])
    assert len(ASSET_LIST_COLUMNS) == len(columns) - 1
