"""An asset at a site the user does not work at does not exist for them: 404 everywhere, absent from lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assetreg import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def away_document(world):
    return services.asset_document_add(
        actor=world.outsider,
        asset=world.away_asset,
        uploaded_file=SimpleUploadedFile("manual.pdf", PDF, content_type="application/pdf"),
        title="Manual",
    )


def test_other_site_asset_pages_are_404(world, client_for, away_document):
    client = client_for("facility_manager")
    pk = world.away_asset.pk

    gets = [
        reverse("assetreg:asset_detail", args=[pk]),
        reverse("assetreg:asset_edit", args=[pk]),
        reverse("assetreg:asset_label", args=[pk]),
        reverse("assetreg:document_download", args=[pk, away_document.pk]),
        reverse("assetreg:tag_redirect", args=[world.away_asset.asset_tag]),
    ]
    posts = [
        reverse("assetreg:asset_edit", args=[pk]),
        reverse("assetreg:asset_transition", args=[pk]),
        reverse("assetreg:asset_dispose", args=[pk]),
        reverse("assetreg:document_upload", args=[pk]),
        reverse("assetreg:document_delete", args=[pk, away_document.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {}).status_code == 404, url
    assert world.away_asset.documents.count() == 1


def test_a_document_cannot_be_fetched_through_another_asset(world, client_for, away_document):
    """The document id alone is not enough: it must belong to the (visible) asset in the URL."""
    url = reverse("assetreg:document_download", args=[world.home_asset.pk, away_document.pk])

    assert client_for("facility_manager").get(url).status_code == 404


def test_other_site_asset_is_absent_from_list_and_export(world, client_for):
    client = client_for("facility_manager")

    listing = client.get(reverse("assetreg:asset_list"))
    export = client.get(reverse("assetreg:asset_export"))
    body = b"".join(export.streaming_content).decode()

    assert "HQ-PUMP-1" in listing.text
    assert "DEPOT-PUMP-1" not in listing.text
    assert "HQ-PUMP-1" in body
    assert "DEPOT-PUMP-1" not in body


def test_filtering_by_an_invisible_site_shows_nothing_of_it(world, client_for):
    response = client_for("facility_manager").get(reverse("assetreg:asset_list"), {"site": world.away.pk})

    assert "DEPOT-PUMP-1" not in response.text


def test_auditor_sees_every_site(world, client_for):
    client = client_for("auditor")

    assert "DEPOT-PUMP-1" in client.get(reverse("assetreg:asset_list")).text
    assert client.get(reverse("assetreg:asset_detail", args=[world.away_asset.pk])).status_code == 200
