"""Writing assets through the API: who may write what, versions, lifecycle actions and input errors."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assetreg.api.serializers import AssetCreateInputSerializer, asset_tag_from_code
from assetreg.choices import AssetKind
from assetreg.models import Asset, Disposal
from assetreg.permissions import ASSET_WRITABLE_FIELDS
from tests.dbstate import unchanged_database
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

ASSETS = "/api/v1/assets/"


def new_van(world, **overrides):
    category = CategoryFactory(name="Vans", kind=AssetKind.VEHICLE)
    data = {
        "asset_tag": "veh-0001",
        "name": "Delivery van",
        "kind": "vehicle",
        "category": category.pk,
        "site": world.home.pk,
        "vin": "WVWZZZ1JZXW000001",
        "plate": "AB-12-CD",
        "odometer_unit": "km",
        "acquisition_date": "2024-03-01",
    }
    data.update(overrides)
    return data


def detail(asset):
    return f"{ASSETS}{asset.pk}/"


# --- create -------------------------------------------------------------------------------------------


def test_a_facility_manager_registers_an_asset_at_their_site(world, api_as):
    response = api_as(world.facility_manager).post(ASSETS, new_van(world), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["asset_tag"], body["status"], body["version"]) == ("VEH-0001", "planned", 1)
    assert body["site"]["code"] == "HQ"
    assert Asset.objects.get(asset_tag="VEH-0001").created_by == world.facility_manager


@pytest.mark.parametrize("role", ["technician", "auditor"])
def test_technicians_and_auditors_may_not_register_assets(world, api_as, role):
    response = api_as(world.user(role)).post(ASSETS, new_van(world), format="json")

    assert response.status_code == 403
    assert not Asset.objects.filter(asset_tag="VEH-0001").exists()


def test_a_facility_manager_setting_the_acquisition_cost_gets_a_field_message(world, api_as):
    client, van = api_as(world.facility_manager), new_van(world, acquisition_cost="25000.00")

    with unchanged_database():
        response = client.post(ASSETS, van, format="json")

    assert response.status_code == 400
    assert response.json()["acquisition_cost"] == ["Only finance staff may set this field."]


def test_a_site_the_user_cannot_see_is_refused_as_unknown(world, api_as):
    client, van = api_as(world.facility_manager), new_van(world, site=world.away.pk)

    with unchanged_database():
        response = client.post(ASSETS, van, format="json")

    assert response.status_code == 400
    assert "site" in response.json()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"acquisition_cost": "twelve"}, "acquisition_cost"),
        ({"acquisition_cost": 12.5}, "acquisition_cost"),  # a JSON number: amounts travel as strings
        ({"salvage_value": "1.23456"}, "salvage_value"),
        ({"acquisition_date": "01/03/2024"}, "acquisition_date"),
        ({"category": 999999}, "category"),
        ({"kind": "spaceship"}, "kind"),
        ({"vin": "SHORT"}, "vin"),  # the service's rule, reported on the field
        ({"status": "in_service"}, "status"),  # the lifecycle has its own actions
        ({"acqusition_cost": "1"}, "acqusition_cost"),  # a typo is reported, not ignored
        ({"warranty_end": "2024-02-29"}, "warranty_end"),  # before the acquisition on 1 March
    ],
)
def test_bad_input_is_a_400_with_a_message_on_the_field(world, api_as, overrides, field):
    client, van = api_as(world.admin), new_van(world, **overrides)

    with unchanged_database():
        response = client.post(ASSETS, van, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_amounts_that_look_like_floats_are_fine_as_strings(world, api_as):
    response = api_as(world.admin).post(
        ASSETS, new_van(world, acquisition_cost="25000.10", salvage_value="0.1"), format="json"
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["acquisition_cost"], response.json()["salvage_value"]) == ("25000.1000", "0.1000")


def test_a_duplicate_tag_is_a_400_on_the_tag(world, api_as):
    client, van = api_as(world.facility_manager), new_van(world, asset_tag="hq-pump-1")

    with unchanged_database():
        response = client.post(ASSETS, van, format="json")

    assert response.status_code == 400
    assert "asset_tag" in response.json()


def test_the_input_serializer_offers_exactly_the_writable_fields():
    assert set(AssetCreateInputSerializer().fields) == set(ASSET_WRITABLE_FIELDS)


# --- update -------------------------------------------------------------------------------------------


def test_a_change_without_a_version_is_refused(world, api_as):
    client = api_as(world.facility_manager)

    with unchanged_database():
        response = client.patch(detail(world.home_asset), {"name": "New"}, format="json")

    assert response.status_code == 400
    assert response.json()["version"] == [
        "version is required: send the version of the asset you last read, so no change is overwritten."
    ]


def test_a_facility_manager_renames_an_asset_and_the_version_goes_up(world, api_as):
    response = api_as(world.facility_manager).patch(
        detail(world.home_asset), {"name": "Feed pump A", "version": 1}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Feed pump A", 2)


def test_a_stale_version_is_a_409_and_changes_nothing(world, api_as):
    client = api_as(world.facility_manager)
    client.patch(detail(world.home_asset), {"name": "First edit", "version": 1}, format="json")

    response = client.patch(detail(world.home_asset), {"name": "Second edit", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert Asset.objects.get(pk=world.home_asset.pk).name == "First edit"


def test_finance_changes_the_cost_but_not_the_name(world, api_as):
    client = api_as(world.finance)

    cost = client.patch(detail(world.home_asset), {"acquisition_cost": "15000.00", "version": 1}, format="json")
    with unchanged_database():
        name = client.patch(detail(world.home_asset), {"name": "Renamed", "version": 2}, format="json")

    assert cost.status_code == 200
    assert cost.json()["acquisition_cost"] == "15000.0000"
    assert name.status_code == 400
    assert name.json()["name"] == ["You may not change this field."]


@pytest.mark.parametrize("role", ["technician", "auditor"])
def test_technicians_and_auditors_may_not_change_assets(world, api_as, role):
    client = api_as(world.user(role))

    with unchanged_database():
        response = client.patch(detail(world.home_asset), {"name": "X", "version": 1}, format="json")

    assert response.status_code == 403


def test_changing_another_sites_asset_is_404(world, api_as):
    client = api_as(world.facility_manager)

    with unchanged_database():
        response = client.patch(detail(world.away_asset), {"name": "X", "version": 1}, format="json")

    assert response.status_code == 404


def test_put_needs_the_required_fields_and_keeps_what_is_left_out(world, api_as):
    asset = world.home_asset
    client = api_as(world.facility_manager)
    incomplete = client.put(detail(asset), {"name": "Only a name", "version": 1}, format="json")
    full = {
        "asset_tag": asset.asset_tag,
        "name": "Boiler feed pump (PUT)",
        "kind": asset.kind,
        "category": asset.category_id,
        "site": asset.site_id,
        "manufacturer": "Grundfos",
        "acquisition_cost": "12000.0000",
        "version": 1,  # unchanged finance field: allowed
    }

    complete = client.put(detail(asset), full, format="json")

    assert incomplete.status_code == 400
    assert {"asset_tag", "kind", "category", "site"} <= set(incomplete.json())
    assert complete.status_code == 200, complete.json()
    assert complete.json()["name"] == "Boiler feed pump (PUT)"
    assert complete.json()["model_number"] == "CR 10"


def test_assets_cannot_be_deleted(world, api_as):
    response = api_as(world.admin).delete(detail(world.home_asset))

    assert response.status_code == 405
    assert Asset.objects.filter(pk=world.home_asset.pk).exists()


# --- lifecycle ----------------------------------------------------------------------------------------


def test_a_transition_records_the_status_change_and_shows_in_the_history(world, api_as):
    client = api_as(world.facility_manager)

    response = client.post(
        f"{detail(world.home_asset)}transition/",
        {"to_status": "under_maintenance", "reason": "Seal leaking", "version": 1},
        format="json",
    )
    history = client.get(f"{detail(world.home_asset)}history/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("under_maintenance", 2)
    change = history.json()["status_changes"][0]
    assert (change["from_status"], change["to_status"], change["reason"], change["actor"]) == (
        "in_service",
        "under_maintenance",
        "Seal leaking",
        "fm",
    )
    assert history.json()["entries"][0]["reason"] == "Seal leaking"


def test_history_lists_who_changed_which_field(world, api_as):
    client = api_as(world.facility_manager)
    client.patch(detail(world.home_asset), {"serial_number": "SN-42", "version": 1}, format="json")

    entries = api_as(world.auditor).get(f"{detail(world.home_asset)}history/").json()["entries"]

    assert entries[0]["action"] == "Changed"
    assert [(c["field"], c["new"]) for c in entries[0]["changes"]] == [("serial_number", "SN-42")]


def test_an_illegal_transition_is_a_400_on_to_status(world, api_as):
    client = api_as(world.facility_manager)

    with unchanged_database():
        response = client.post(
            f"{detail(world.home_asset)}transition/",
            {"to_status": "planned", "reason": "Oops", "version": 1},
            format="json",
        )

    assert response.status_code == 400
    assert "to_status" in response.json()


def test_a_technician_may_not_change_the_status(world, api_as):
    client = api_as(world.technician)

    with unchanged_database():
        response = client.post(
            f"{detail(world.home_asset)}transition/",
            {"to_status": "under_maintenance", "reason": "Leak", "version": 1},
            format="json",
        )

    assert response.status_code == 403


def test_disposing_records_how_and_makes_the_asset_read_only(world, api_as):
    client = api_as(world.facility_manager)
    client.post(
        f"{detail(world.home_asset)}transition/",
        {"to_status": "out_of_service", "reason": "Worn out", "version": 1},
        format="json",
    )
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    disposed = client.post(
        f"{detail(world.home_asset)}dispose/",
        {"disposal_date": yesterday, "method": "sale", "proceeds": "250.00", "reason": "Sold for parts", "version": 2},
        format="json",
    )
    edit = client.patch(detail(world.home_asset), {"name": "Too late", "version": 3}, format="json")

    assert disposed.status_code == 200, disposed.json()
    assert disposed.json()["status"] == "disposed"
    assert disposed.json()["disposal"]["proceeds"] == "250.0000"
    assert disposed.json()["disposal"]["currency"] == "EUR"
    assert Disposal.objects.get(asset=world.home_asset).disposal_date == date.fromisoformat(yesterday)
    assert edit.status_code == 400
    assert edit.json()["non_field_errors"] == ["A disposed asset is read-only."]


def test_disposal_input_is_checked_field_by_field(world, api_as):
    client = api_as(world.facility_manager)

    with unchanged_database():
        response = client.post(
            f"{detail(world.home_asset)}dispose/",
            {"disposal_date": "yesterday", "method": "fire sale", "proceeds": "lots", "reason": "", "version": 1},
            format="json",
        )

    assert response.status_code == 400
    assert {"disposal_date", "method", "proceeds", "reason"} <= set(response.json())


@pytest.mark.parametrize(
    "code, tag",
    [
        ("hq-pump-1", "HQ-PUMP-1"),
        ("https://assets.example.org/t/HQ-PUMP-1", "HQ-PUMP-1"),
        ("https://assets.example.org/t/HQ-PUMP-1/?utm=label", "HQ-PUMP-1"),
        ("assets.example.org/t/hq-pump-1", "HQ-PUMP-1"),
    ],
)
def test_a_label_code_is_read_as_its_asset_tag(code, tag):
    assert asset_tag_from_code(code) == tag
