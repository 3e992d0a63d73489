"""Attaching, downloading and removing documents; files are checked by content and size."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assetreg.models import AssetDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, asset, name, content, title=""):
    return client.post(
        reverse("assetreg:document_upload", args=[asset.pk]),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def test_upload_then_download_as_attachment(world, client_for):
    client = client_for("facility_manager")
    asset = world.home_asset

    response = upload(client, asset, "manual.pdf", PDF, title="Service manual")
    document = AssetDocument.objects.get(asset=asset)
    page = client.get(reverse("assetreg:asset_detail", args=[asset.pk]))
    download = client.get(reverse("assetreg:document_download", args=[asset.pk, document.pk]))

    assert response.status_code == 302
    assert "Service manual" in page.text
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_images_are_shown_inline(world, client_for):
    client = client_for("facility_manager")
    upload(client, world.home_asset, "photo.png", PNG)
    document = AssetDocument.objects.get()

    download = client_for("technician").get(
        reverse("assetreg:document_download", args=[world.home_asset.pk, document.pk])
    )

    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("inline")


def test_a_disguised_file_is_refused_with_a_form_error(world, client_for):
    response = upload(client_for("facility_manager"), world.home_asset, "invoice.pdf", PNG)

    assert response.status_code == 200
    assert "file" in response.context["document_form"].errors
    assert "not a PDF file" in response.text
    assert not AssetDocument.objects.exists()


def test_a_too_large_file_is_refused(world, client_for, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    response = upload(client_for("facility_manager"), world.home_asset, "big.pdf", PDF + b"0" * (1024 * 1024))

    assert "larger than the limit" in response.text
    assert not AssetDocument.objects.exists()


def test_technician_cannot_upload_or_remove(world, client_for):
    upload(client_for("facility_manager"), world.home_asset, "manual.pdf", PDF)
    document = AssetDocument.objects.get()
    client = client_for("technician")

    assert upload(client, world.home_asset, "other.pdf", PDF).status_code == 403
    delete = client.post(reverse("assetreg:document_delete", args=[world.home_asset.pk, document.pk]))
    assert delete.status_code == 403
    assert AssetDocument.objects.count() == 1


def test_facility_manager_removes_a_document(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("facility_manager")
    upload(client, world.home_asset, "manual.pdf", PDF)
    document = AssetDocument.objects.get()
    storage, name = document.file.storage, document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assetreg:document_delete", args=[world.home_asset.pk, document.pk]))

    assert response.status_code == 302
    assert not AssetDocument.objects.exists()
    assert not storage.exists(name)


def test_downloads_need_a_get_and_deletes_need_a_post(world, client_for):
    client = client_for("facility_manager")
    upload(client, world.home_asset, "manual.pdf", PDF)
    document = AssetDocument.objects.get()

    delete_by_get = client.get(reverse("assetreg:document_delete", args=[world.home_asset.pk, document.pk]))

    assert delete_by_get.status_code == 405
    assert AssetDocument.objects.exists()
