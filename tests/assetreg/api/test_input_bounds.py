"""Every input of the register's API has a sane bound: past it is a 400 with a field message, never a 500, and
nothing is written. Also: versions on lifecycle actions, integer ids, and filters that do not tell which ids
exist at other sites."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assetreg.models import Asset, Disposal, MeterReading, StatusChange
from tests.factories import AssetFactory, UserFactory

pytestmark = pytest.mark.django_db

ASSETS = "/api/v1/assets/"


def detail(asset):
    return f"{ASSETS}{asset.pk}/"


def snapshot(asset):
    """Everything a refused write must leave as it was."""
    fresh = Asset.objects.get(pk=asset.pk)
    return (fresh.version, fresh.status, fresh.useful_life_months, fresh.acquisition_cost, fresh.acquisition_date)


# --- lookup ------------------------------------------------------------------------------------------


def test_a_garbled_qr_code_is_read_as_a_tag_not_a_500(world, api_as):
    AssetFactory(site=world.home, asset_tag="ABC")

    response = api_as(world.technician).get(f"{ASSETS}lookup/", {"code": "https://[::1/t/ABC"})

    assert response.status_code == 200
    assert response.json()["asset_tag"] == "ABC"


# --- bounds -------------------------------------------------------------------------------------------


def test_a_useful_life_of_a_million_months_is_refused_and_the_schedule_stays_readable(world, api_as):
    client = api_as(world.finance)
    before = snapshot(world.home_asset)

    response = client.patch(detail(world.home_asset), {"useful_life_months": 1_000_000, "version": 1}, format="json")
    schedule = client.get(f"{detail(world.home_asset)}schedule/")

    assert response.status_code == 400
    assert "useful_life_months" in response.json()
    assert snapshot(world.home_asset) == before
    assert schedule.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01"])
def test_an_acquisition_date_outside_the_sane_range_is_refused(world, api_as, day):
    before = snapshot(world.home_asset)

    response = api_as(world.facility_manager).patch(
        detail(world.home_asset), {"acquisition_date": day, "in_service_date": None, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["acquisition_date"] == ["Enter a date between 1900-01-01 and 2199-12-31."]
    assert snapshot(world.home_asset) == before


@pytest.mark.parametrize(
    "currency, amount, message",
    [
        ("EUR", "42500.123", "EUR amounts have at most 2 decimal places."),
        ("JPY", "100000.5", "JPY amounts are whole numbers: no decimals."),
    ],
)
def test_an_amount_finer_than_the_currencys_minor_unit_is_refused(world, api_as, currency, amount, message):
    before = snapshot(world.home_asset)

    response = api_as(world.finance).patch(
        detail(world.home_asset),
        {"currency": currency, "acquisition_cost": amount, "salvage_value": "0", "version": 1},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["acquisition_cost"] == [message]
    assert snapshot(world.home_asset) == before


def test_an_amount_in_the_currencys_minor_unit_is_accepted(world, api_as):
    response = api_as(world.finance).patch(
        detail(world.home_asset),
        {"currency": "JPY", "acquisition_cost": "100000", "salvage_value": "0", "version": 1},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["acquisition_cost"] == "100000.0000"


def test_notes_longer_than_the_bound_are_refused(world, api_as):
    response = api_as(world.facility_manager).patch(
        detail(world.home_asset), {"notes": "x" * 10_001, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert "notes" in response.json()
    assert Asset.objects.get(pk=world.home_asset.pk).notes == ""


def test_a_site_given_as_a_fraction_is_refused_not_rounded(world, api_as):
    before = snapshot(world.home_asset)

    response = api_as(world.facility_manager).patch(
        detail(world.home_asset), {"site": world.home.pk + 0.5, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["site"] == ["Give the id as a whole number, not float."]
    assert snapshot(world.home_asset) == before


def test_a_meter_reading_beyond_the_column_or_before_1900_is_refused(world, api_as):
    client = api_as(world.technician)
    url = f"{detail(world.home_asset)}readings/"

    huge = client.post(url, {"reading_date": "2025-01-01", "value": "1" + "0" * 16}, format="json")
    ancient = client.post(url, {"reading_date": "0001-01-01", "value": "10"}, format="json")

    assert huge.status_code == 400 and "value" in huge.json()
    assert ancient.json() == {"reading_date": ["Enter a date between 1900-01-01 and 2199-12-31."]}
    assert not MeterReading.objects.exists()


# --- versions on lifecycle actions ---------------------------------------------------------------------


@pytest.mark.parametrize("version", ["missing", None])
def test_a_transition_without_a_version_is_refused(world, api_as, version):
    body = {"to_status": "under_maintenance", "reason": "Leak"}
    if version != "missing":
        body["version"] = version

    response = api_as(world.facility_manager).post(f"{detail(world.home_asset)}transition/", body, format="json")

    assert response.status_code == 400
    assert "version" in response.json()
    assert snapshot(world.home_asset) == (
        1,
        "in_service",
        60,
        world.home_asset.acquisition_cost,
        world.home_asset.acquisition_date,
    )
    assert not StatusChange.objects.exists()


def test_a_transition_with_a_stale_version_is_409(world, api_as):
    client = api_as(world.facility_manager)
    client.patch(detail(world.home_asset), {"serial_number": "SN-1", "version": 1}, format="json")

    response = client.post(
        f"{detail(world.home_asset)}transition/",
        {"to_status": "under_maintenance", "reason": "Leak", "version": 1},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert Asset.objects.get(pk=world.home_asset.pk).status == "in_service"


def _out_of_service(world, api_as):
    client = api_as(world.facility_manager)
    client.post(
        f"{detail(world.home_asset)}transition/",
        {"to_status": "out_of_service", "reason": "Worn out", "version": 1},
        format="json",
    )
    return client


@pytest.mark.parametrize("version", ["missing", None, 1])
def test_a_disposal_without_the_current_version_is_refused(world, api_as, version):
    client = _out_of_service(world, api_as)
    body = {
        "disposal_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "method": "sale",
        "proceeds": "250.00",
        "reason": "Sold",
    }
    if version != "missing":
        body["version"] = version

    response = client.post(f"{detail(world.home_asset)}dispose/", body, format="json")

    assert response.status_code == (409 if version == 1 else 400)
    assert Asset.objects.get(pk=world.home_asset.pk).status == "out_of_service"
    assert not Disposal.objects.exists()


def test_disposal_proceeds_finer_than_the_currency_are_refused(world, api_as):
    client = _out_of_service(world, api_as)

    response = client.post(
        f"{detail(world.home_asset)}dispose/",
        {
            "disposal_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "method": "sale",
            "proceeds": "250.005",
            "reason": "Sold",
            "version": 2,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"proceeds": ["EUR amounts have at most 2 decimal places."]}
    assert not Disposal.objects.exists()


# --- filters do not tell which ids exist elsewhere ------------------------------------------------------


def test_filtering_by_another_sites_asset_answers_like_a_missing_one(world, api_as):
    client = api_as(world.facility_manager)

    elsewhere = client.get(ASSETS, {"parent": world.away_asset.pk})
    missing = client.get(ASSETS, {"parent": 999_999})

    assert (elsewhere.status_code, elsewhere.content) == (missing.status_code, missing.content)


def test_filtering_by_a_custodian_at_another_site_answers_like_a_missing_one(world, api_as):
    keeper = UserFactory(username="keeper")
    AssetFactory(site=world.away, custodian=keeper)
    client = api_as(world.facility_manager)

    elsewhere = client.get(ASSETS, {"custodian": keeper.pk})
    missing = client.get(ASSETS, {"custodian": 999_999})

    assert (elsewhere.status_code, elsewhere.content) == (missing.status_code, missing.content)


def test_a_custodian_of_a_visible_asset_filters_the_list(world, api_as):
    keeper = UserFactory(username="keeper")
    mine = AssetFactory(site=world.home, custodian=keeper)

    response = api_as(world.facility_manager).get(ASSETS, {"custodian": keeper.pk})

    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_filtering_locations_by_another_site_answers_like_a_missing_one(world, api_as):
    client = api_as(world.facility_manager)

    elsewhere = client.get("/api/v1/locations/", {"site": world.away.pk})
    missing = client.get("/api/v1/locations/", {"site": 999_999})

    assert (elsewhere.status_code, elsewhere.content) == (missing.status_code, missing.content)
