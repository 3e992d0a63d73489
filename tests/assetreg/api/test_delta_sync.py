"""Delta sync: a device that syncs with `updated_since` learns about new readings and documents, because adding
one changes the asset (its `updated_at` and `version`) and both lists take `updated_since` themselves."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assetreg import services
from assetreg.models import Asset

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def changed_since(client, since):
    response = client.get("/api/v1/assets/", {"updated_since": since.isoformat()})
    return [row["asset_tag"] for row in response.json()["results"]]


def test_a_new_reading_brings_the_asset_into_the_next_delta_sync(world, api_as):
    client = api_as(world.technician)
    last_sync = timezone.now()

    recorded = client.post(
        f"/api/v1/assets/{world.home_asset.pk}/readings/",
        {"reading_date": "2025-03-01", "value": "1250"},
        format="json",
    )

    assert recorded.status_code == 201
    assert changed_since(client, last_sync) == ["HQ-PUMP-1"]
    assert Asset.objects.get(pk=world.home_asset.pk).version == 2


def test_a_new_document_brings_the_asset_into_the_next_delta_sync(world, api_as):
    client = api_as(world.facility_manager)
    last_sync = timezone.now()

    uploaded = client.post(
        f"/api/v1/assets/{world.home_asset.pk}/documents/",
        {"file": SimpleUploadedFile("manual.pdf", PDF)},
        format="multipart",
    )

    assert uploaded.status_code == 201
    assert changed_since(client, last_sync) == ["HQ-PUMP-1"]
    assert Asset.objects.get(pk=world.home_asset.pk).version == 2


def test_removing_a_document_changes_the_asset_too(world, api_as):
    document = services.asset_document_add(
        actor=world.facility_manager, asset=world.home_asset, uploaded_file=SimpleUploadedFile("a.pdf", PDF)
    )
    client = api_as(world.facility_manager)
    version = Asset.objects.get(pk=world.home_asset.pk).version

    removed = client.delete(f"/api/v1/assets/{world.home_asset.pk}/documents/{document.pk}/")

    assert removed.status_code == 204
    assert Asset.objects.get(pk=world.home_asset.pk).version == version + 1


def test_the_readings_list_takes_updated_since(world, api_as):
    services.meter_reading_record(
        actor=world.technician, asset=world.home_asset, reading_date=date(2025, 1, 1), value="100"
    )
    last_sync = timezone.now()
    services.meter_reading_record(
        actor=world.technician, asset=world.home_asset, reading_date=date(2025, 2, 1), value="200"
    )

    response = api_as(world.technician).get(
        f"/api/v1/assets/{world.home_asset.pk}/readings/", {"updated_since": last_sync.isoformat()}
    )

    assert [row["value"] for row in response.json()["results"]] == ["200.0000"]


def test_the_documents_list_takes_updated_since(world, api_as):
    services.asset_document_add(
        actor=world.facility_manager, asset=world.home_asset, uploaded_file=SimpleUploadedFile("old.pdf", PDF)
    )
    last_sync = timezone.now()
    services.asset_document_add(
        actor=world.facility_manager, asset=world.home_asset, uploaded_file=SimpleUploadedFile("new.pdf", PDF)
    )

    response = api_as(world.technician).get(
        f"/api/v1/assets/{world.home_asset.pk}/documents/", {"updated_since": last_sync.isoformat()}
    )
    later = api_as(world.technician).get(
        f"/api/v1/assets/{world.home_asset.pk}/documents/",
        {"updated_since": (timezone.now() + timedelta(seconds=1)).isoformat()},
    )

    assert [row["original_name"] for row in response.json()["results"]] == ["new.pdf"]
    assert later.json()["results"] == []
