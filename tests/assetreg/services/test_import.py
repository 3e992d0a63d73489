"""The CSV format and the import service: all-or-nothing, the same rules as single saves, exact round trips."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assetreg import csv_io, services
from assetreg.choices import AssetKind
from assetreg.models import Asset
from tests.assetreg.csvdata import csv_text, export_text, pump_row
from tests.factories import AssetFactory, CategoryFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The `world` users get a password each; a slow hash there only slows these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(actor, text, dry_run=False):
    return services.assets_import_rows(actor=actor, rows=csv_io.read_csv(text), dry_run=dry_run)


def errors_by_line(report):
    return {error.line: " ".join(error.messages) for error in report.errors}


def test_valid_import_writes_every_row_with_its_history(world):
    no_money = {"acquisition_cost": "", "currency": ""}  # facility managers never set financial fields
    text = csv_text(pump_row(**no_money), pump_row(asset_tag="hq-new-2", name="Second pump", **no_money))

    report = run(world.facility_manager, text)

    assert report.written and report.ok
    assert sorted(report.created) == ["HQ-NEW-1", "HQ-NEW-2"]
    new = Asset.objects.get(asset_tag="HQ-NEW-2")
    assert (new.site, new.manufacturer, new.useful_life_months) == (world.home, "Wilo", 60)
    assert new.created_by == world.facility_manager
    record = new.history.get()
    assert (record.history_user, record.history_change_reason) == (world.facility_manager, "CSV import")


def test_dry_run_lists_every_bad_row_with_its_line_and_writes_nothing(world):
    def row(**overrides):
        return pump_row(acquisition_cost="", currency="", **overrides)  # facility managers set no money

    text = csv_text(
        row(asset_tag="OK-1"),
        row(asset_tag="BAD-CAT", category="Spaceships"),
        row(asset_tag="BAD-DATE", acquisition_date="2024-02-30"),
        row(asset_tag="BAD-VIN", kind="vehicle", category="Vans", manufacturer="", vin="123", odometer_unit="km"),
        row(asset_tag="OK-1", name="Same tag again"),
        row(asset_tag="AWAY-1", site="DEPOT"),
    )
    CategoryFactory(name="Vans", kind=AssetKind.VEHICLE)

    report = run(world.facility_manager, text, dry_run=True)

    lines = errors_by_line(report)
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "No category named 'Spaceships'" in lines[3]
    assert "acquisition_date" in lines[4] and "YYYY-MM-DD" in lines[4]
    assert "vin" in lines[5] and "17 characters" in lines[5]
    assert "same tag is on line 2" in lines[6]
    assert "may not add assets at this site" in lines[7]
    assert report.created == ["OK-1"]
    assert not report.written
    assert not Asset.objects.filter(asset_tag__in=["OK-1", "BAD-CAT", "AWAY-1"]).exists()
    assert str(report.errors[0]).startswith("line 3 (BAD-CAT): category:")


def test_one_bad_row_means_nothing_is_written(world):
    text = csv_text(
        pump_row(asset_tag="GOOD-1"),
        {
            "asset_tag": "HQ-PUMP-1",
            "name": "Renamed",
            "kind": "equipment",
            "category": "Pumps",
            "site": "HQ",
            "manufacturer": "Grundfos",
        },
        pump_row(asset_tag="BAD-1", acquisition_cost="-5"),
    )

    report = run(world.admin, text)

    assert not report.written
    assert list(errors_by_line(report)) == [4]
    assert not Asset.objects.filter(asset_tag="GOOD-1").exists()
    assert Asset.objects.get(asset_tag="HQ-PUMP-1").name == "Boiler feed pump"


def test_export_then_import_reports_every_row_unchanged(world):
    building = AssetFactory(building=True, site=world.home, notes='Roof "B", see plan\nline two', address="1 Quay")
    room = LocationFactory(site=world.home, code="B1")
    AssetFactory(vehicle=True, site=world.away, custodian=world.outsider, name='=HYPERLINK("x")')
    AssetFactory(
        site=world.home,
        location=room,
        parent=world.home_asset,
        department="-Facilities",
        depreciation_method="none",
        useful_life_months=None,
        serial_number="+44",
    )
    AssetFactory(site=world.home, name="'=already quoted'", warranty_end=date(2030, 1, 1))
    world.outsider.is_active = False  # the custodian has left since; the row still says who held the van
    world.outsider.save()
    text = export_text(Asset.objects.all())

    report = run(world.admin, text)

    assert report.ok, [str(e) for e in report.errors]
    assert len(report.unchanged) == Asset.objects.count() == 6
    assert not report.created and not report.updated
    assert building.history.count() == 1


def test_export_guards_cells_against_spreadsheet_formulas(world):
    AssetFactory(site=world.home, asset_tag="F-1", name="=1+2", notes="@SUM(A1)")

    text = export_text(Asset.objects.filter(asset_tag="F-1"))

    cells = next(csv.DictReader(io.StringIO(text)))
    assert (cells["name"], cells["notes"]) == ("'=1+2", "'@SUM(A1)")
    rows = dict(csv_io.read_csv(text))
    assert rows[2]["name"] == "=1+2"


def test_updates_change_only_what_differs_and_record_before_and_after(world):
    text = export_text(Asset.objects.filter(asset_tag="HQ-PUMP-1")).replace("12000.0000", "13000.00")

    report = run(world.finance, text)

    assert report.updated == ["HQ-PUMP-1"]
    labels = {label: (before, after) for label, before, after in report.changes["HQ-PUMP-1"]}
    assert labels["acquisition cost"] == ("12000.0000", "13000.00")
    asset = Asset.objects.get(asset_tag="HQ-PUMP-1")
    assert (asset.acquisition_cost, asset.version) == (Decimal("13000.00"), 2)
    assert asset.history.latest().history_user == world.finance


def test_finance_may_not_change_register_columns_by_import(world):
    text = export_text(Asset.objects.filter(asset_tag="HQ-PUMP-1")).replace("Boiler feed pump", "Renamed")

    report = run(world.finance, text)

    assert "name: You may not change this field." in str(report.errors[0])
    assert Asset.objects.get(asset_tag="HQ-PUMP-1").name == "Boiler feed pump"


def test_lower_case_codes_of_an_existing_asset_are_no_change(world):
    text = export_text(Asset.objects.filter(asset_tag="HQ-PUMP-1")).replace("HQ-PUMP-1", "hq-pump-1")

    report = run(world.admin, text.replace(",equipment,", ",Equipment,"))

    assert report.unchanged == ["HQ-PUMP-1"]


def test_rows_for_assets_the_user_cannot_see_are_refused_without_telling_their_content(world):
    text = export_text(Asset.objects.filter(asset_tag="DEPOT-PUMP-1"))  # identical to what is stored

    report = run(world.facility_manager, text, dry_run=True)

    assert report.unchanged == []
    assert "You may not change this asset." in str(report.errors[0])


@pytest.mark.parametrize(
    "cell, message",
    [("²", "not a whole number"), ("12.5", "not a whole number"), ("-3", "not a whole number")],
)
def test_whole_number_columns_refuse_anything_but_digits(world, cell, message):
    report = run(world.admin, csv_text(pump_row(useful_life_months=cell)), dry_run=True)

    assert message in str(report.errors[0])


@pytest.mark.parametrize(
    "text, message",
    [
        (b"", "empty"),
        (b"asset_tag,name\nX,Y\n", "lacks these columns: kind, category, site"),
        (b"asset_tag,name,kind,category,site,colour\n", "Unknown columns: colour"),
        (b"asset_tag,name,name,kind,category,site\n", "more than once"),
        (b"asset_tag,name,kind,category,site\nA,B,equipment,Pumps,HQ,extra\n", "more values than the header"),
        ("asset_tag;name".encode("utf-16"), "not UTF-8"),
        (b'asset_tag,name,kind,category,site\nA,"never closed,equipment,Pumps,HQ\n', "Line 2 is not valid CSV"),
        (b"asset_tag,name,kind,category,site\nA\x00,B,equipment,Pumps,HQ\n", "NUL characters"),
    ],
)
def test_a_file_that_is_not_a_register_csv_is_refused_whole(world, text, message):
    with pytest.raises(ValidationError) as excinfo:
        run(world.admin, text)

    assert message in excinfo.value.messages[0]


def test_excel_byte_order_mark_is_accepted_from_bytes_and_text(world):
    text = csv_text(pump_row())

    from_bytes = run(world.admin, b"\xef\xbb\xbf" + text.encode(), dry_run=True)
    from_text = run(world.admin, "\ufeff" + text, dry_run=True)

    assert from_bytes.created == from_text.created == ["HQ-NEW-1"]


def test_inactive_user_cannot_become_a_custodian_by_import(world):
    UserFactory(username="gone", is_active=False)

    report = run(world.admin, csv_text(pump_row(custodian="gone")), dry_run=True)

    assert "No active user 'gone'" in str(report.errors[0])


def test_blank_tags_are_each_reported_as_missing_not_as_duplicates(world):
    report = run(world.admin, csv_text(pump_row(asset_tag=""), pump_row(asset_tag="")), dry_run=True)

    assert [e.line for e in report.errors] == [2, 3]
    assert all("same tag" not in str(e) for e in report.errors)


def test_import_keeps_the_depreciation_rules_of_single_saves(world):
    from finance import services as finance_services

    finance_services.plan_for(world.home_asset)  # depreciation has started
    exported = export_text(Asset.objects.filter(asset_tag="HQ-PUMP-1"))

    cost = run(world.finance, exported.replace("12000.0000", "15000"), dry_run=True)
    life = run(world.finance, exported.replace(",60,", ",72,"))

    assert "Depreciation has started" in str(cost.errors[0])
    assert life.written
    world.home_asset.plan.refresh_from_db()
    assert world.home_asset.plan.reason == "Useful life or salvage changed"
    assert Asset.objects.get(pk=world.home_asset.pk).useful_life_months == 72


def test_a_replan_refused_while_writing_is_a_row_error_in_the_dry_run_too(world, monkeypatch):
    from finance import services as finance_services

    finance_services.plan_for(world.home_asset)

    def refuse(**kwargs):
        raise ValidationError({"useful_life_months": "The new life must be longer than that."})

    monkeypatch.setattr(finance_services, "plan_change", refuse)
    text = export_text(Asset.objects.filter(asset_tag="HQ-PUMP-1")).replace(",60,", ",2,")

    dry = run(world.finance, text, dry_run=True)
    real = run(world.finance, text)

    for report in (dry, real):
        assert [str(e) for e in report.errors] == [
            "line 2 (HQ-PUMP-1): useful_life_months: The new life must be longer than that."
        ]
        assert not report.written
    asset = Asset.objects.get(pk=world.home_asset.pk)
    assert (asset.useful_life_months, asset.version, asset.history.count()) == (60, 1, 1)


def test_bad_rows_are_named_by_the_line_they_start_on_and_empty_rows_are_skipped(world):
    text = (
        "asset_tag,name,kind,category,site,notes,manufacturer\n"
        'OK-1,Pump,equipment,Pumps,HQ,"two\nlines",Wilo\n'
        "\n"
        ",,,,,,\n"
        "BAD-1,Pump,equipment,Spaceships,HQ,,Wilo,,\n"  # trailing empty cells, as spreadsheets write them
    )

    report = run(world.admin, text, dry_run=True)

    assert report.rows == 2
    assert [(e.line, e.asset_tag) for e in report.errors] == [(6, "BAD-1")]
