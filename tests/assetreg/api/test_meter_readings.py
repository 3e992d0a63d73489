"""Meter readings through the API: technicians record them from the field; anyone who sees the asset reads them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assetreg import services
from assetreg.models import MeterReading
from tests.dbstate import unchanged_database

pytestmark = pytest.mark.django_db


def url(asset):
    return f"/api/v1/assets/{asset.pk}/readings/"


def test_a_technician_records_a_reading_at_their_site(world, api_as):
    response = api_as(world.technician).post(
        url(world.home_asset),
        {"reading_date": "2025-03-01", "value": "1250.5", "note": "Service visit"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["reading_date"], body["value"], body["note"], body["recorded_by"]) == (
        "2025-03-01",
        "1250.5000",
        "Service visit",
        "tech",
    )
    assert MeterReading.objects.get().value == Decimal("1250.5")


def test_readings_are_listed_newest_first_a_page_at_a_time(world, api_as):
    for day, value in [(1, "100"), (2, "150"), (3, "210")]:
        services.meter_reading_record(
            actor=world.technician, asset=world.home_asset, reading_date=date(2025, 1, day), value=value
        )

    response = api_as(world.auditor).get(url(world.home_asset), {"page_size": 2})

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert [row["value"] for row in response.json()["results"]] == ["210.0000", "150.0000"]


def test_a_reading_below_an_earlier_one_is_400_on_value(world, api_as):
    services.meter_reading_record(
        actor=world.technician, asset=world.home_asset, reading_date=date(2025, 1, 1), value="1200"
    )

    client = api_as(world.technician)

    with unchanged_database():
        response = client.post(url(world.home_asset), {"reading_date": "2025-02-01", "value": "1100"}, format="json")

    assert response.status_code == 400
    assert "backwards" in response.json()["value"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"value": "lots"}, "value"), ({"reading_date": "01/02/2025"}, "reading_date"), ({"km": "5"}, "km")],
)
def test_a_malformed_reading_is_400_on_the_field(world, api_as, change, field):
    client = api_as(world.technician)

    with unchanged_database():
        response = client.post(url(world.home_asset), {"reading_date": "2025-02-01", "value": "10", **change}, "json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_reading_dated_in_the_future_is_400(world, api_as):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    client = api_as(world.technician)

    with unchanged_database():
        response = client.post(url(world.home_asset), {"reading_date": tomorrow, "value": "10"}, format="json")

    assert response.status_code == 400
    assert "reading_date" in response.json()


@pytest.mark.parametrize("role", ["finance", "auditor"])
def test_finance_and_auditors_read_readings_but_may_not_record_them(world, api_as, role):
    client = api_as(world.user(role))

    assert client.get(url(world.home_asset)).status_code == 200
    with unchanged_database():
        response = client.post(url(world.home_asset), {"reading_date": "2025-02-01", "value": "10"}, format="json")
    assert response.status_code == 403


def test_readings_of_an_asset_at_another_site_are_404(world, api_as):
    client = api_as(world.technician)

    assert client.get(url(world.away_asset)).status_code == 404
    with unchanged_database():
        response = client.post(url(world.away_asset), {"reading_date": "2025-02-01", "value": "10"}, format="json")
    assert response.status_code == 404
