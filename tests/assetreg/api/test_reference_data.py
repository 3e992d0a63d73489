"""Sites, locations and categories through the API: read-only and scoped to the sites the user may see."""

import pytest

from assetreg.choices import AssetKind, LocationKind
from tests.dbstate import unchanged_database
from tests.factories import CategoryFactory, LocationFactory

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_technician_sees_only_their_site_and_finance_every_site(world, api_as):
    assert [s["code"] for s in results(api_as(world.technician).get("/api/v1/sites/"))] == ["HQ"]
    assert [s["code"] for s in results(api_as(world.finance).get("/api/v1/sites/"))] == ["DEPOT", "HQ"]
    assert api_as(world.technician).get(f"/api/v1/sites/{world.away.pk}/").status_code == 404


def test_locations_are_scoped_and_filter_by_site(world, api_as):
    block = LocationFactory(site=world.home, kind=LocationKind.BUILDING, code="MAIN", name="Main block")
    LocationFactory(site=world.home, kind=LocationKind.FLOOR, parent=block, code="F1", name="Ground floor")
    yard = LocationFactory(site=world.away, kind=LocationKind.AREA, code="YARD", name="Yard")

    mine = results(api_as(world.technician).get("/api/v1/locations/"))
    depot = results(api_as(world.auditor).get("/api/v1/locations/", {"site": world.away.pk}))

    assert [(row["code"], row["path"]) for row in mine] == [("F1", "Main block › Ground floor"), ("MAIN", "Main block")]
    assert [row["code"] for row in depot] == ["YARD"]
    assert api_as(world.technician).get(f"/api/v1/locations/{yard.pk}/").status_code == 404


def test_categories_are_listed_with_their_defaults(world, api_as):
    CategoryFactory(name="Vans", kind=AssetKind.VEHICLE)

    rows = results(api_as(world.technician).get("/api/v1/categories/", {"kind": "vehicle"}))

    assert [(row["name"], row["default_useful_life_months"], row["default_salvage_percent"]) for row in rows] == [
        ("Vans", 60, "10.00")
    ]


@pytest.mark.parametrize("path", ["/api/v1/sites/", "/api/v1/locations/", "/api/v1/categories/"])
def test_reference_data_is_read_only(world, api_as, path):
    client = api_as(world.admin)

    with unchanged_database():
        response = client.post(path, {"name": "x"}, format="json")

    assert response.status_code == 405
