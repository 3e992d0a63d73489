"""The schema tells generated clients the truth: every answer the API gives is declared with its body."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from assetreg import services
from ledgerline.models import DeviceToken
from tests.factories import AssetFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", file=str(target))
    return yaml.safe_load(target.read_text())


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def allowed_values(schema, prop):
    values = set()
    for option in prop.get("oneOf", []) + prop.get("allOf", []):
        values |= set(resolve(schema, option).get("enum", []))
    return values


@pytest.mark.parametrize("field", ["odometer_unit", "meter_unit"])
def test_the_blank_kind_specific_units_the_api_sends_are_allowed_by_the_schema(schema, field):
    prop = schema["components"]["schemas"]["AssetOutput"]["properties"][field]

    assert "" in allowed_values(schema, prop)


def test_every_authenticated_operation_declares_401_and_403(schema):
    missing = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") and not {"401", "403"} <= set(operation["responses"])
    ]

    assert missing == []


def test_every_paged_list_declares_404_and_every_filtered_list_400(schema):
    assets = schema["paths"]["/api/v1/assets/"]["get"]["responses"]
    locations = schema["paths"]["/api/v1/locations/"]["get"]["responses"]
    sites = schema["paths"]["/api/v1/sites/"]["get"]["responses"]

    assert {"400", "404"} <= set(assets) and {"400", "404"} <= set(locations)
    assert "404" in sites
    assert assets["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/FieldErrors"}


def test_document_downloads_declare_the_content_types_they_send(schema):
    download = schema["paths"]["/api/v1/assets/{asset_pk}/documents/{id}/download/"]["get"]["responses"]["200"]

    assert {"application/pdf", "image/png", "image/jpeg", "text/csv"} <= set(download["content"])
    assert "application/octet-stream" not in download["content"]


@pytest.mark.django_db
def test_a_downloaded_pdf_comes_with_a_declared_content_type(world, schema):
    document = services.asset_document_add(
        actor=world.facility_manager, asset=world.home_asset, uploaded_file=SimpleUploadedFile("a.pdf", PDF)
    )
    _, token = DeviceToken.objects.create(user=world.technician, device_name="phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(f"/api/v1/assets/{world.home_asset.pk}/documents/{document.pk}/download/")

    declared = schema["paths"]["/api/v1/assets/{asset_pk}/documents/{id}/download/"]["get"]["responses"]["200"]
    assert response["Content-Type"] in declared["content"]


@pytest.mark.django_db
def test_a_vehicle_without_a_meter_unit_is_returned_as_the_schema_says(world, schema):
    van = AssetFactory(vehicle=True, site=world.home)
    _, token = DeviceToken.objects.create(user=world.technician, device_name="phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    body = client.get(f"/api/v1/assets/{van.pk}/").json()

    prop = schema["components"]["schemas"]["AssetOutput"]["properties"]["meter_unit"]
    assert body["meter_unit"] in allowed_values(schema, prop)


def test_a_request_line_the_web_server_refuses_is_declared_where_a_query_can_carry_free_text(schema):
    # gunicorn answers 414 with its own HTML page for a request line over 4 KiB (e.g. a long QR code in a lookup)
    lookup = schema["paths"]["/api/v1/assets/lookup/"]["get"]["responses"]

    assert "text/html" in lookup["414"]["content"]
