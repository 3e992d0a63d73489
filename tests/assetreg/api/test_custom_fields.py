"""Custom fields through the REST API: written and read as `custom_fields`, refused by key, filtered by `cf_<key>`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assetreg.choices import AssetKind
from assetreg.models import Asset
from tests.assetreg.custom_fields_setup import fire_panels
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

ASSETS = reverse("api:asset-list")


def detail(asset):
    return reverse("api:asset-detail", args=[asset.pk])


def test_a_new_asset_takes_its_categorys_fields(world, api_as):
    category, _ = fire_panels(world)
    body = {
        "asset_tag": "HQ-FIRE-2",
        "name": "Fire panel 2",
        "kind": AssetKind.EQUIPMENT,
        "category": category.pk,
        "site": world.home.pk,
        "manufacturer": "Siemens",
        "custom_fields": {"zone_count": 32, "addressable": True, "inspected_on": "2025-03-01"},
    }

    response = api_as(world.facility_manager).post(ASSETS, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["custom_fields"] == {"zone_count": 32, "addressable": True, "inspected_on": "2025-03-01"}


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"zone_count": 999}, "custom_fields.zone_count"),
        ({"zone_count": 8, "colour": "red"}, "custom_fields.colour"),
        ({"zone_count": 8, "protocol": "Smoke"}, "custom_fields.protocol"),
        ({"zone_count": {"nested": 1}}, "custom_fields"),
        ({f"k{i}": 1 for i in range(51)}, "custom_fields"),
        ("not an object", "custom_fields"),
    ],
)
def test_a_bad_value_is_a_400_on_its_key_and_nothing_changes(world, api_as, values, key):
    _, panel = fire_panels(world)

    response = api_as(world.facility_manager).patch(
        detail(panel), {"custom_fields": values, "version": panel.version}, format="json"
    )

    assert response.status_code == 400
    assert key in response.json()
    assert Asset.objects.values_list("custom_fields", "version").get(pk=panel.pk) == ({"zone_count": 8}, 1)


def test_finance_may_not_change_custom_values(world, api_as):
    _, panel = fire_panels(world)

    response = api_as(world.finance).patch(
        detail(panel), {"custom_fields": {"zone_count": 9}, "version": panel.version}, format="json"
    )

    assert response.status_code in (400, 403)
    assert Asset.objects.get(pk=panel.pk).custom_fields == {"zone_count": 8}


def test_the_list_filters_by_custom_field_exactly_and_by_range(world, api_as):
    category, _ = fire_panels(world)
    AssetFactory(site=world.home, category=category, asset_tag="HQ-FIRE-2", custom_fields={"zone_count": 32})
    AssetFactory(
        site=world.home,
        category=category,
        asset_tag="HQ-FIRE-3",
        custom_fields={"zone_count": 64, "protocol": "Digital", "addressable": True, "inspected_on": "2025-03-01"},
    )
    AssetFactory(site=world.away, category=category, asset_tag="DEPOT-FIRE-1", custom_fields={"zone_count": 40})
    client = api_as(world.facility_manager)

    def tags(query):
        response = client.get(ASSETS, query)
        assert response.status_code == 200, response.json()
        return [row["asset_tag"] for row in response.json()["results"]]

    assert tags({"cf_zone_count__gte": "10", "cf_zone_count__lte": "40"}) == ["HQ-FIRE-2"]
    assert tags({"cf_zone_count": "8"}) == ["HQ-FIRE-1"]
    assert tags({"cf_protocol": "Digital"}) == ["HQ-FIRE-3"]
    assert tags({"cf_addressable": "yes"}) == ["HQ-FIRE-3"]
    assert tags({"cf_inspected_on__gte": "2025-01-01", "cf_inspected_on__lte": "2025-12-31"}) == ["HQ-FIRE-3"]
    assert tags({"cf_inspected_on__gte": "2025-03-02"}) == []


@pytest.mark.parametrize("query", [{"cf_colour": "red"}, {"cf_zone_count__gte": "many"}, {"cf_addressable": "maybe"}])
def test_an_unknown_key_or_a_bad_filter_value_is_a_400(world, api_as, query):
    fire_panels(world)

    response = api_as(world.facility_manager).get(ASSETS, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_a_category_lists_its_fields(world, api_as):
    category, _ = fire_panels(world)

    response = api_as(world.technician).get(reverse("api:category-detail", args=[category.pk]))

    fields = response.json()["custom_fields"]
    assert [f["key"] for f in fields] == ["zone_count", "certificate", "inspected_on", "addressable", "protocol"]
    assert (fields[0]["type"], fields[0]["unit"], fields[0]["required"]) == ("number", "zones", True)
    assert fields[4]["choices"] == ["Analogue", "Digital"]


def test_the_schema_documents_the_custom_field_filters(world, api_as):
    schema = api_as(world.admin).get(reverse("api-schema"), {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/assets/"]["get"]["parameters"]
    assert any("cf_<key>" in (p.get("description") or "") for p in parameters)


def test_a_list_without_custom_filters_does_not_read_the_definitions(world, api_as):
    category, _ = fire_panels(world)
    client = api_as(world.facility_manager)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(ASSETS, {"category": category.pk})

    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "assetreg_customfield" in q["sql"]]
