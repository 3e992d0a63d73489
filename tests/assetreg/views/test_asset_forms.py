"""Creating and editing assets through the web forms: rights, field errors, conflicts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assetreg.choices import AssetKind, AssetStatus
from assetreg.fields import FINANCIAL_FIELDS
from assetreg.models import Asset
from tests.factories import AssetFactory, CategoryFactory, LocationFactory

pytestmark = pytest.mark.django_db


def vehicle_post(world, **overrides):
    category = CategoryFactory(name="Vans", kind=AssetKind.VEHICLE)
    data = {
        "asset_tag": "hq-van-7",
        "name": "Delivery van",
        "kind": AssetKind.VEHICLE,
        "category": category.pk,
        "site": world.home.pk,
        "vin": "WVWZZZ1JZXW000001",
        "plate": "AB-123-C",
        "odometer_unit": "km",
    }
    data.update(overrides)
    return data


def edit_post(asset, **overrides):
    """The edit form as a facility manager would submit it unchanged, plus `overrides`."""
    data = {
        "asset_tag": asset.asset_tag,
        "name": asset.name,
        "kind": asset.kind,
        "category": asset.category_id,
        "site": asset.site_id,
        "manufacturer": asset.manufacturer,
        "model_number": asset.model_number,
        "acquisition_date": asset.acquisition_date.isoformat(),
        "in_service_date": asset.in_service_date.isoformat(),
        "version": asset.version,
    }
    data.update(overrides)
    return data


def test_facility_manager_registers_a_vehicle(world, client_for):
    response = client_for("facility_manager").post(reverse("assetreg:asset_create"), vehicle_post(world))

    asset = Asset.objects.get(asset_tag="HQ-VAN-7")
    assert response.status_code == 302
    assert response["Location"] == asset.get_absolute_url()
    assert asset.status == AssetStatus.PLANNED
    assert asset.created_by == world.facility_manager
    follow = client_for("facility_manager").get(response["Location"])
    assert "WVWZZZ1JZXW000001" in follow.text


def test_invalid_vin_is_shown_next_to_the_field_and_nothing_is_written(world, client_for):
    response = client_for("facility_manager").post(
        reverse("assetreg:asset_create"), vehicle_post(world, vin="WVWZZZ1JZXW0000O1")
    )

    assert response.status_code == 200
    assert "vin" in response.context["form"].errors
    assert "A VIN has exactly 17 characters" in response.text
    assert 'id="id_vin_error"' in response.text
    assert not Asset.objects.filter(asset_tag="HQ-VAN-7").exists()


def test_missing_required_fields_are_reported_without_calling_the_service(world, client_for):
    response = client_for("facility_manager").post(reverse("assetreg:asset_create"), {"name": ""})

    form = response.context["form"]
    assert {"asset_tag", "name", "kind", "category", "site"} <= set(form.errors)
    assert Asset.objects.count() == 2


def test_duplicate_tag_is_a_field_error(world, client_for):
    response = client_for("facility_manager").post(
        reverse("assetreg:asset_create"), vehicle_post(world, asset_tag="HQ-PUMP-1")
    )

    assert "asset_tag" in response.context["form"].errors


def test_facility_manager_form_has_no_financial_fields(world, client_for):
    client = client_for("facility_manager")

    create = client.get(reverse("assetreg:asset_create")).context["form"]
    edit = client.get(reverse("assetreg:asset_edit", args=[world.home_asset.pk])).context["form"]

    for form in (create, edit):
        assert not set(FINANCIAL_FIELDS) & set(form.fields)
        assert "asset_tag" in form.fields


def test_finance_edits_only_financial_fields_and_cannot_create(world, client_for):
    client = client_for("finance")
    asset = world.home_asset

    form = client.get(reverse("assetreg:asset_edit", args=[asset.pk])).context["form"]
    response = client.post(
        reverse("assetreg:asset_edit", args=[asset.pk]),
        {
            "acquisition_cost": "15000.00",
            "currency": "EUR",
            "salvage_value": "1500",
            "useful_life_months": "72",
            "depreciation_method": "straight_line",
            "version": asset.version,
        },
    )

    assert set(form.fields) == set(FINANCIAL_FIELDS) | {"version"}
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.acquisition_cost == Decimal("15000.00")
    assert asset.useful_life_months == 72
    assert client.get(reverse("assetreg:asset_create")).status_code == 403


def test_superuser_sees_every_field(world, client_for):
    form = client_for("admin").get(reverse("assetreg:asset_create")).context["form"]

    assert set(FINANCIAL_FIELDS) <= set(form.fields)
    assert "asset_tag" in form.fields


def test_facility_manager_edits_an_asset(world, client_for):
    asset = world.home_asset

    response = client_for("facility_manager").post(
        reverse("assetreg:asset_edit", args=[asset.pk]), edit_post(asset, name="Boiler feed pump (north)")
    )

    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.name == "Boiler feed pump (north)"
    assert asset.version == 2


def test_stale_version_shows_the_conflict_error_and_keeps_the_other_change(world, client_for):
    asset = world.home_asset
    client = client_for("facility_manager")
    seen_version = asset.version
    client.post(reverse("assetreg:asset_edit", args=[asset.pk]), edit_post(asset, name="Changed first"))

    response = client.post(
        reverse("assetreg:asset_edit", args=[asset.pk]), edit_post(asset, name="Changed second", version=seen_version)
    )

    assert response.status_code == 200
    assert "changed by someone else" in response.text
    asset.refresh_from_db()
    assert asset.name == "Changed first"


def test_choices_are_limited_to_what_the_user_may_use(world, client_for):
    form = client_for("facility_manager").get(reverse("assetreg:asset_create")).context["form"]

    assert list(form.fields["site"].queryset) == [world.home]
    assert world.outsider not in form.fields["custodian"].queryset
    assert world.facility_manager in form.fields["custodian"].queryset


def test_parent_is_given_by_tag_and_must_be_visible(world, client_for):
    client = client_for("facility_manager")
    category = CategoryFactory(name="Pumps", kind=AssetKind.EQUIPMENT)
    data = {
        "asset_tag": "HQ-PUMP-1-SEAL",
        "name": "Seal kit",
        "kind": AssetKind.EQUIPMENT,
        "category": category.pk,
        "site": world.home.pk,
        "manufacturer": "Grundfos",
    }

    hidden_parent = client.post(reverse("assetreg:asset_create"), {**data, "parent": "depot-pump-1"})
    visible_parent = client.post(reverse("assetreg:asset_create"), {**data, "parent": "hq-pump-1"})

    assert "parent" in hidden_parent.context["form"].errors
    assert visible_parent.status_code == 302
    assert Asset.objects.get(asset_tag="HQ-PUMP-1-SEAL").parent == world.home_asset


def test_kind_specific_fields_are_grouped_by_kind(world, client_for):
    response = client_for("facility_manager").get(reverse("assetreg:asset_create"))

    for kind in ("building", "vehicle", "equipment"):
        assert f'data-kind="{kind}"' in response.text


def test_technician_gets_403_on_create_and_edit(world, client_for):
    client = client_for("technician")
    asset = world.home_asset

    create_page = client.get(reverse("assetreg:asset_create"))
    assert create_page.status_code == 403
    assert "You may not add assets." in create_page.text
    assert client.post(reverse("assetreg:asset_create"), vehicle_post(world)).status_code == 403
    assert client.get(reverse("assetreg:asset_edit", args=[asset.pk])).status_code == 403
    assert client.post(reverse("assetreg:asset_edit", args=[asset.pk]), edit_post(asset, name="x")).status_code == 403
    asset.refresh_from_db()
    assert asset.name == "Boiler feed pump"
    assert not Asset.objects.filter(asset_tag="HQ-VAN-7").exists()


def test_auditor_sees_no_write_actions(world, client_for):
    client = client_for("auditor")

    listing = client.get(reverse("assetreg:asset_list"))
    detail = client.get(reverse("assetreg:asset_detail", args=[world.home_asset.pk]))

    assert "New asset" not in listing.text
    assert reverse("assetreg:asset_edit", args=[world.home_asset.pk]) not in detail.text
    assert "Change status" not in detail.text
    assert "Upload" not in detail.text


def test_edit_form_shows_the_parent_by_its_tag(world, client_for):
    component = AssetFactory(site=world.home, asset_tag="HQ-PUMP-1-IMP", name="Impeller", parent=world.home_asset)

    response = client_for("facility_manager").get(reverse("assetreg:asset_edit", args=[component.pk]))

    assert 'name="parent" value="HQ-PUMP-1"' in response.text


def test_a_warranty_ending_before_the_acquisition_is_a_field_error_and_nothing_is_written(world, client_for):
    post = vehicle_post(world, acquisition_date="2024-03-01", warranty_end="2024-02-01")

    response = client_for("facility_manager").post(reverse("assetreg:asset_create"), post)

    assert response.status_code == 200
    assert response.context["form"].errors["warranty_end"] == ["A warranty cannot end before the asset was acquired."]
    assert not Asset.objects.filter(asset_tag="HQ-VAN-7").exists()


def test_a_location_of_another_site_or_a_category_of_another_kind_is_a_field_error(world, client_for):
    # Given a facility manager at both sites (so both sites' locations are on offer),
    world.facility_manager.assigned_sites.add(world.away)
    elsewhere = LocationFactory(site=world.away, code="YARD", name="Yard")
    pumps = CategoryFactory(name="Pumps", kind=AssetKind.EQUIPMENT)

    # when the form comes back with a location of the other site and a category for another kind,
    response = client_for("facility_manager").post(
        reverse("assetreg:asset_create"), vehicle_post(world, location=elsewhere.pk, category=pumps.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["location"] == ["This location belongs to another site."]
    assert response.context["form"].errors["category"] == ["This category is for equipment assets."]
    assert not Asset.objects.filter(asset_tag="HQ-VAN-7").exists()


def test_location_and_category_options_name_their_site_and_kind_for_the_narrowing_script(world, client_for):
    world.facility_manager.assigned_sites.add(world.away)
    yard = LocationFactory(site=world.away, code="YARD", name="Yard")
    vans = CategoryFactory(name="Vans", kind=AssetKind.VEHICLE)

    page = client_for("facility_manager").get(reverse("assetreg:asset_create")).text

    assert f'<option value="{yard.pk}" data-site="{world.away.pk}">' in page
    assert f'<option value="{vans.pk}" data-kind="vehicle">' in page
    assert 'name="location" data-narrowed-by="site"' in page
    assert 'name="category" data-narrowed-by="kind"' in page
