"""The admin's CSV import page: dry run first, every bad row with its line, then confirm to write."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assetreg.admin import IMPORT_SESSION_KEY
from assetreg.models import Asset
from tests.assetreg.csvdata import csv_text, export_text, pump_row

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:assetreg_asset_import")


def upload(client, text, dry_run=True):
    data = {"file": SimpleUploadedFile("assets.csv", text.encode(), content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(IMPORT, data)


def test_import_page_offers_a_dry_run_by_default(world, admin_client_for):
    page = admin_client_for(world.admin).get(IMPORT)

    assert page.status_code == 200
    assert page.context["form"]["dry_run"].value() is True
    assert 'type="file"' in page.text


def test_dry_run_shows_counts_and_bad_rows_and_writes_nothing(world, admin_client_for):
    client = admin_client_for(world.admin)
    text = csv_text(
        pump_row(asset_tag="NEW-1"),
        pump_row(asset_tag="NEW-2", category="Spaceships"),
        pump_row(asset_tag="NEW-3", acquisition_date="yesterday"),
    )

    response = upload(client, text)

    assert response.status_code == 200
    report = response.context["report"]
    assert [(e.line, e.asset_tag) for e in report.errors] == [(3, "NEW-2"), (4, "NEW-3")]
    assert "No category named &#x27;Spaceships&#x27;" in response.text
    assert "nothing was written" in response.text
    assert response.context["pending_digest"] == ""  # no confirm button for a file with bad rows
    assert not Asset.objects.filter(asset_tag__startswith="NEW-").exists()


def test_clean_dry_run_lists_changes_then_confirm_writes(world, admin_client_for):
    client = admin_client_for(world.admin)
    existing = export_text(Asset.objects.filter(asset_tag="HQ-PUMP-1")).replace("12000.0000", "12500.00")
    text = existing + csv_text(pump_row(asset_tag="NEW-1")).split("\n", 1)[1]

    checked = upload(client, text)
    assert checked.context["report"].created == ["NEW-1"]
    assert checked.context["report"].updated == ["HQ-PUMP-1"]
    assert "12000.0000" in checked.text and "12500.00" in checked.text  # before and after
    assert not Asset.objects.filter(asset_tag="NEW-1").exists()
    digest = checked.context["pending_digest"]

    confirmed = client.post(IMPORT, {"confirm": "1", "digest": digest}, follow=True)

    assert confirmed.status_code == 200
    assert confirmed.context["report"].written
    assert "Import done" in confirmed.text
    assert Asset.objects.get(asset_tag="NEW-1").history.get().history_user == world.admin
    assert str(Asset.objects.get(asset_tag="HQ-PUMP-1").acquisition_cost) == "12500.0000"
    assert IMPORT_SESSION_KEY not in client.session


def test_confirm_without_a_checked_file_writes_nothing(world, admin_client_for):
    client = admin_client_for(world.admin)
    upload(client, csv_text(pump_row(asset_tag="NEW-1")))

    response = client.post(IMPORT, {"confirm": "1", "digest": "not-the-file-that-was-checked"}, follow=True)

    assert "no longer waiting" in response.text
    assert not Asset.objects.filter(asset_tag="NEW-1").exists()


def test_upload_without_dry_run_writes_at_once_when_every_row_is_valid(world, admin_client_for):
    client = admin_client_for(world.admin)

    response = upload(client, csv_text(pump_row(asset_tag="NEW-1"), pump_row(asset_tag="NEW-2")), dry_run=False)

    assert response.context["report"].written
    assert Asset.objects.filter(asset_tag__in=["NEW-1", "NEW-2"]).count() == 2


def test_import_with_one_bad_row_writes_nothing_even_without_dry_run(world, admin_client_for):
    client = admin_client_for(world.admin)

    upload(client, csv_text(pump_row(asset_tag="NEW-1"), pump_row(asset_tag="NEW-1")), dry_run=False)

    assert not Asset.objects.filter(asset_tag="NEW-1").exists()


def test_a_file_that_is_not_csv_is_an_error_on_the_page(world, admin_client_for):
    client = admin_client_for(world.admin)
    data = {"file": SimpleUploadedFile("x.csv", "name;tag".encode("utf-16")), "dry_run": "on"}

    response = client.post(IMPORT, data)

    assert response.status_code == 200
    assert "not UTF-8" in response.text


def test_finance_imports_cost_changes_but_auditors_may_not_import(world, admin_client_for):
    text = export_text(Asset.objects.filter(asset_tag="DEPOT-PUMP-1")).replace("12000.0000", "9000")

    finance = upload(admin_client_for(world.finance), text, dry_run=False)
    auditor = admin_client_for(world.auditor).get(IMPORT)

    assert finance.context["report"].updated == ["DEPOT-PUMP-1"]
    assert str(Asset.objects.get(asset_tag="DEPOT-PUMP-1").acquisition_cost) == "9000.0000"
    assert auditor.status_code == 403
