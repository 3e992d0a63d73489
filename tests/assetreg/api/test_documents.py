"""Photos and documents through the API: upload, list, download behind an access check, removal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assetreg import services
from assetreg.models import AssetDocument
from tests.dbstate import unchanged_database

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def documents(asset):
    return f"/api/v1/assets/{asset.pk}/documents/"


def attach(world, asset, name="manual.pdf", content=PDF):
    actor = world.facility_manager if asset.site == world.home else world.outsider
    return services.asset_document_add(
        actor=actor, asset=asset, uploaded_file=SimpleUploadedFile(name, content), title="Manual"
    )


def test_a_facility_manager_uploads_a_pdf_and_a_technician_downloads_it(world, api_as):
    upload = api_as(world.facility_manager).post(
        documents(world.home_asset),
        {"file": SimpleUploadedFile("pump manual.pdf", PDF), "title": "Pump manual"},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()
    body = upload.json()
    assert (body["title"], body["kind"], body["content_type"], body["uploaded_by"]) == (
        "Pump manual",
        "document",
        "application/pdf",
        "fm",
    )
    assert "/media" not in body["download_url"]

    download = api_as(world.technician).get(body["download_url"])

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "pump manual.pdf" in download["Content-Disposition"]


def test_a_download_works_whatever_the_client_accepts(world, api_as):
    document = attach(world, world.home_asset)

    response = api_as(world.technician).get(
        f"{documents(world.home_asset)}{document.pk}/download/", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200


def test_the_list_shows_the_assets_documents(world, api_as):
    attach(world, world.home_asset)

    body = api_as(world.auditor).get(documents(world.home_asset)).json()

    assert [row["title"] for row in body["results"]] == ["Manual"]


def test_another_sites_documents_are_404(world, api_as):
    document = attach(world, world.away_asset)
    client = api_as(world.technician)

    assert client.get(documents(world.away_asset)).status_code == 404
    assert client.get(f"{documents(world.away_asset)}{document.pk}/download/").status_code == 404
    # Nor can it be reached through an asset the user does see.
    assert client.get(f"{documents(world.home_asset)}{document.pk}/download/").status_code == 404


def test_a_download_error_is_json_even_when_the_client_asked_for_a_file_type(world, api_as):
    document = attach(world, world.away_asset)

    response = api_as(world.technician).get(
        f"{documents(world.away_asset)}{document.pk}/download/", HTTP_ACCEPT="image/png"
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_file_whose_content_does_not_match_its_type_is_refused(world, api_as):
    client = api_as(world.facility_manager)

    with unchanged_database():
        response = client.post(
            documents(world.home_asset), {"file": SimpleUploadedFile("photo.png", b"not a png")}, format="multipart"
        )

    assert response.status_code == 400
    assert "file" in response.json()


def test_an_upload_without_a_file_is_a_400(world, api_as):
    client = api_as(world.facility_manager)

    with unchanged_database():
        response = client.post(documents(world.home_asset), {"title": "x"}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()


@pytest.mark.parametrize("role", ["technician", "auditor"])
def test_technicians_and_auditors_may_not_attach_or_remove(world, api_as, role):
    document = attach(world, world.home_asset)
    client = api_as(world.user(role))

    with unchanged_database():
        upload = client.post(
            documents(world.home_asset), {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
        )
        removal = client.delete(f"{documents(world.home_asset)}{document.pk}/")

    assert (upload.status_code, removal.status_code) == (403, 403)


def test_a_facility_manager_removes_a_document(world, api_as):
    document = attach(world, world.home_asset)

    response = api_as(world.facility_manager).delete(f"{documents(world.home_asset)}{document.pk}/")

    assert response.status_code == 204
    assert not AssetDocument.objects.filter(pk=document.pk).exists()
