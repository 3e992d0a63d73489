"""Creating and changing assets: kind-specific validation, category defaults and field-level rights."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from assetreg import services
from assetreg.choices import AssetKind
from assetreg.models import Asset
from tests.factories import CategoryFactory, LocationFactory

pytestmark = pytest.mark.django_db


def vehicle_data(world, **overrides):
    data = {
        "asset_tag": "veh-0001",
        "name": "Delivery van",
        "kind": AssetKind.VEHICLE,
        "category": CategoryFactory(
            name="Vans", kind=AssetKind.VEHICLE, default_useful_life_months=72, default_salvage_percent=Decimal("15")
        ),
        "site": world.home,
        "vin": "wvwzzz1jzxw000001",
        "plate": "ab-12-cd",
        "odometer_unit": "km",
    }
    data.update(overrides)
    return data


def test_new_asset_inherits_category_defaults_and_normalises_codes(world):
    asset = services.asset_create(actor=world.facility_manager, data=vehicle_data(world))

    assert asset.asset_tag == "VEH-0001"
    assert asset.vin == "WVWZZZ1JZXW000001"
    assert asset.useful_life_months == 72
    assert asset.status == "planned"
    assert asset.history.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"vin": "WVWZZZ1JZXW00000"}, "vin"),  # 16 characters
        ({"vin": "WVWZZZ1JZXW0000O1"[:17].replace("0", "O", 1)}, "vin"),  # letter O is not allowed
        ({"vin": ""}, "vin"),
        ({"odometer_unit": ""}, "odometer_unit"),
        ({"manufacturer": "Ford"}, "manufacturer"),  # an equipment field on a vehicle
        ({"floor_area_m2": Decimal("10")}, "floor_area_m2"),  # a building field on a vehicle
    ],
)
def test_kind_specific_data_is_validated_for_its_kind(world, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        services.asset_create(actor=world.facility_manager, data=vehicle_data(world, **overrides))
    assert field in excinfo.value.message_dict
    assert not Asset.objects.filter(asset_tag="VEH-0001").exists()


def test_building_needs_an_address_and_a_plausible_year(world):
    data = {
        "asset_tag": "BLD-9",
        "name": "Warehouse",
        "kind": AssetKind.BUILDING,
        "site": world.home,
        "category": CategoryFactory(name="Warehouses", kind=AssetKind.BUILDING),
        "year_built": 3001,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.asset_create(actor=world.facility_manager, data=data)
    assert {"address", "year_built"} <= set(excinfo.value.message_dict)


def test_category_of_another_kind_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        services.asset_create(
            actor=world.facility_manager,
            data=vehicle_data(world, category=CategoryFactory(name="Pumps", kind=AssetKind.EQUIPMENT)),
        )
    assert "category" in excinfo.value.message_dict


def test_facility_manager_cannot_set_financial_fields(world):
    with pytest.raises(ValidationError) as excinfo:
        services.asset_create(actor=world.facility_manager, data=vehicle_data(world, acquisition_cost=Decimal("30000")))
    assert excinfo.value.message_dict["acquisition_cost"] == ["Only finance staff may set this field."]


def test_finance_sets_cost_and_salvage_follows_the_category_percentage(world):
    asset = services.asset_create(actor=world.facility_manager, data=vehicle_data(world))

    asset = services.asset_update(
        actor=world.finance, asset=asset, data={"acquisition_cost": Decimal("30000.00")}, expected_version=1
    )

    assert asset.acquisition_cost == Decimal("30000.00")
    assert asset.salvage_value == Decimal("4500.00")
    assert asset.version == 2


def test_finance_cannot_change_register_fields(world):
    with pytest.raises(ValidationError) as excinfo:
        services.asset_update(
            actor=world.finance, asset=world.home_asset, data={"name": "Renamed"}, expected_version=None
        )
    assert "name" in excinfo.value.message_dict


def test_salvage_above_cost_and_negative_cost_are_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        services.asset_update(
            actor=world.finance,
            asset=world.home_asset,
            data={"acquisition_cost": Decimal("100"), "salvage_value": Decimal("200")},
            expected_version=None,
        )
    assert "salvage_value" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.asset_update(
            actor=world.finance, asset=world.home_asset, data={"acquisition_cost": "-1"}, expected_version=None
        )
    assert "acquisition_cost" in excinfo.value.message_dict


def test_manager_cannot_add_assets_at_another_site_or_move_them_there(world):
    with pytest.raises(PermissionDenied):
        services.asset_create(actor=world.facility_manager, data=vehicle_data(world, site=world.away))
    with pytest.raises(PermissionDenied):
        services.asset_update(
            actor=world.facility_manager, asset=world.home_asset, data={"site": world.away}, expected_version=None
        )


def test_duplicate_tag_is_a_field_error(world):
    services.asset_create(actor=world.facility_manager, data=vehicle_data(world))
    with pytest.raises(ValidationError) as excinfo:
        services.asset_create(actor=world.facility_manager, data=vehicle_data(world))
    assert "asset_tag" in excinfo.value.message_dict


def test_update_records_before_and_after_in_the_audit_trail(world):
    from assetreg.selectors import asset_history

    asset = services.asset_update(
        actor=world.facility_manager, asset=world.home_asset, data={"name": "Feed pump A"}, expected_version=None
    )

    latest = asset_history(asset)[0]
    assert latest.who == "fm"
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("name", "Boiler feed pump", "Feed pump A")]


def test_a_warranty_ending_before_the_acquisition_is_refused_on_the_warranty_field(world):
    data = vehicle_data(world, acquisition_date=date(2024, 3, 1), warranty_end=date(2024, 2, 29))

    with pytest.raises(ValidationError) as excinfo:
        services.asset_create(actor=world.facility_manager, data=data)

    assert excinfo.value.message_dict["warranty_end"] == ["A warranty cannot end before the asset was acquired."]
    assert not Asset.objects.filter(asset_tag="VEH-0001").exists()


def test_the_database_refuses_a_warranty_ending_before_the_acquisition(world):
    asset = world.home_asset

    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.filter(pk=asset.pk).update(warranty_end=asset.acquisition_date - timedelta(days=1))

    asset.refresh_from_db()
    assert asset.warranty_end is None


def test_a_location_at_another_site_is_refused_on_the_location_field(world):
    elsewhere = LocationFactory(site=world.away)

    with pytest.raises(ValidationError) as excinfo:
        services.asset_create(actor=world.admin, data=vehicle_data(world, location=elsewhere))

    assert excinfo.value.message_dict["location"] == ["This location belongs to another site."]
    assert not Asset.objects.filter(asset_tag="VEH-0001").exists()


@pytest.mark.parametrize("who", ["technician", "auditor"])
def test_who_may_not_change_an_asset_is_told_so_before_a_stale_version_is(world, who):
    # Given an asset someone changed since the reader loaded it
    asset = Asset.objects.get(pk=world.home_asset.pk)
    stale = asset.version - 1
    name_before = asset.name

    # When a role that may not change assets sends an update with that stale version
    with pytest.raises(PermissionDenied):
        services.asset_update(actor=getattr(world, who), asset=asset, data={"name": "Renamed"}, expected_version=stale)

    # Then the refusal is about the right, not the version, and nothing changed
    asset.refresh_from_db()
    assert asset.name == name_before
