"""Custom fields per category: who defines them, their bounds, and how the services check asset values."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assetreg import selectors, services
from assetreg.choices import AssetKind
from assetreg.models import Asset, CustomField
from tests.assetreg.custom_fields_setup import fire_panels
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def definitions():
    return list(CustomField.objects.order_by("pk").values_list("category_id", "key", "field_type", "max_value"))


def stored(asset):
    return Asset.objects.values_list("custom_fields", "version").get(pk=asset.pk)


def test_finance_defines_fields_and_a_facility_manager_may_not(world):
    category = CategoryFactory(name="Lifts")

    services.custom_field_save(
        actor=world.finance, data={"category": category, "key": "cert_no", "label": "Certificate", "field_type": "text"}
    )
    before = definitions()
    with pytest.raises(PermissionDenied):
        services.custom_field_save(
            actor=world.facility_manager,
            data={"category": category, "key": "load_kg", "label": "Load", "field_type": "number"},
        )

    assert [(key, kind) for _, key, kind, _ in before] == [("cert_no", "text")]
    assert definitions() == before


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"field_type": "choice", "choices": [f"c{i}" for i in range(51)]}, "choices"),
        ({"field_type": "choice", "choices": []}, "choices"),
        ({"field_type": "choice", "choices": ["A", "a"]}, "choices"),
        ({"field_type": "text", "max_length": 1001}, "max_length"),
        ({"field_type": "number", "min_value": Decimal(5), "max_value": Decimal(1)}, "min_value"),
        ({"field_type": "number", "max_value": Decimal("1000000000")}, "max_value"),
        ({"field_type": "number", "decimal_places": 7}, "decimal_places"),
        ({"field_type": "text", "unit": "kg"}, "unit"),
        ({"field_type": "text", "key": "Bad Key"}, "key"),
        ({"field_type": "text", "key": "a__b"}, "key"),
    ],
)
def test_definitions_past_their_bounds_are_refused_with_a_field_message(world, spec, field):
    category = CategoryFactory(name="Lifts")
    data = {"category": category, "key": "thing", "label": "Thing", **spec}

    with pytest.raises(ValidationError) as caught:
        services.custom_field_save(actor=world.finance, data=data)

    assert field in caught.value.message_dict
    assert definitions() == []


def test_a_key_has_one_type_in_every_category(world):
    services.custom_field_save(
        actor=world.finance,
        data={"category": CategoryFactory(name="Lifts"), "key": "rating", "label": "Rating", "field_type": "number"},
    )
    before = definitions()

    with pytest.raises(ValidationError) as caught:
        services.custom_field_save(
            actor=world.finance,
            data={"category": CategoryFactory(name="Vans"), "key": "rating", "label": "Rating", "field_type": "text"},
        )

    assert "a key has one type everywhere" in caught.value.message_dict["key"][0]
    assert definitions() == before


def test_values_are_stored_in_their_plain_form(world):
    category, _ = fire_panels(world)

    asset = services.asset_create(
        actor=world.facility_manager,
        data={
            "asset_tag": "HQ-FIRE-2",
            "name": "Fire panel 2",
            "kind": AssetKind.EQUIPMENT,
            "category": category,
            "site": world.home,
            "manufacturer": "Siemens",
            "custom_fields": {
                "zone_count": "16",
                "certificate": " VDS-123 ",
                "inspected_on": "2025-03-01",
                "addressable": "yes",
                "protocol": "digital",
            },
        },
    )

    assert Asset.objects.get(pk=asset.pk).custom_fields == {
        "zone_count": 16,
        "certificate": "VDS-123",
        "inspected_on": "2025-03-01",
        "addressable": True,
        "protocol": "Digital",
    }


@pytest.mark.parametrize(
    ("values", "key", "message"),
    [
        ({"zone_count": 0}, "zone_count", "Zone count: Enter at least 1."),
        ({"zone_count": 257}, "zone_count", "Zone count: Enter at most 256."),
        ({"zone_count": "2.5"}, "zone_count", "Zone count: Enter a whole number."),
        ({"zone_count": "many"}, "zone_count", "Zone count: Enter a number."),
        ({"zone_count": True}, "zone_count", "Zone count: Enter a number."),
        ({}, "zone_count", "Zone count: required for this category."),
        ({"zone_count": 8, "certificate": "X" * 21}, "certificate", "Certificate number: Use at most 20 characters"),
        ({"zone_count": 8, "inspected_on": "0001-01-01"}, "inspected_on", "Last inspection: Enter a date between"),
        ({"zone_count": 8, "inspected_on": "01/03/2025"}, "inspected_on", "Last inspection: Enter a date as"),
        ({"zone_count": 8, "addressable": "perhaps"}, "addressable", "Addressable: Answer yes or no."),
        ({"zone_count": 8, "protocol": "Smoke"}, "protocol", "Protocol: Choose one of: Analogue, Digital."),
        ({"zone_count": 8, "colour": "red"}, "colour", "has no field 'colour'"),
    ],
)
def test_bad_values_are_refused_by_key_and_nothing_changes(world, values, key, message):
    _, panel = fire_panels(world)
    before = stored(panel)

    with pytest.raises(ValidationError) as caught:
        services.asset_update(
            actor=world.facility_manager, asset=panel, data={"custom_fields": values}, expected_version=panel.version
        )

    assert message in caught.value.message_dict[f"custom_fields.{key}"][0]
    assert stored(panel) == before


def test_changing_the_category_checks_the_values_against_the_new_one(world):
    _, panel = fire_panels(world)
    pumps = CategoryFactory(name="Pumps")
    before = stored(panel)

    with pytest.raises(ValidationError) as caught:
        services.asset_update(
            actor=world.facility_manager, asset=panel, data={"category": pumps}, expected_version=panel.version
        )
    assert "has no field 'zone_count'" in caught.value.message_dict["custom_fields.zone_count"][0]
    assert stored(panel) == before

    moved = services.asset_update(
        actor=world.facility_manager,
        asset=panel,
        data={"category": pumps, "custom_fields": {}},
        expected_version=panel.version,
    )
    assert (moved.category, moved.custom_fields) == (pumps, {})


def test_finance_may_not_write_custom_values(world):
    _, panel = fire_panels(world)
    before = stored(panel)

    with pytest.raises((ValidationError, PermissionDenied)):
        services.asset_update(
            actor=world.finance, asset=panel, data={"custom_fields": {"zone_count": 9}}, expected_version=panel.version
        )

    assert stored(panel) == before


def test_the_same_values_in_another_spelling_are_no_change(world):
    _, panel = fire_panels(world)

    services.asset_update(
        actor=world.facility_manager,
        asset=panel,
        data={"custom_fields": {"zone_count": "8"}},
        expected_version=panel.version,
    )

    assert stored(panel) == ({"zone_count": 8}, panel.version)


def test_the_audit_trail_shows_each_custom_field_before_and_after(world):
    _, panel = fire_panels(world)

    services.asset_update(
        actor=world.facility_manager,
        asset=panel,
        data={"custom_fields": {"zone_count": 12, "addressable": "no"}},
        expected_version=panel.version,
    )

    latest = selectors.asset_history(Asset.objects.get(pk=panel.pk))[0]
    assert {(c.label, c.old, c.new) for c in latest.changes} == {
        ("Zone count", "8 zones", "12 zones"),
        ("Addressable", "—", "No"),
    }
    assert latest.who == world.facility_manager.get_username()


def test_a_field_in_use_keeps_its_key_and_type_and_refuses_bounds_that_break_values(world):
    category, panel = fire_panels(world)
    zone = CustomField.objects.get(category=category, key="zone_count")
    before = definitions()

    for change in ({"key": "zones"}, {"field_type": "text"}, {"max_value": Decimal(4)}):
        with pytest.raises(ValidationError):
            services.custom_field_save(actor=world.finance, data=change, definition=CustomField.objects.get(pk=zone.pk))
    with pytest.raises(ValidationError):
        services.custom_field_delete(actor=world.finance, definition=zone)

    assert definitions() == before
    services.custom_field_save(actor=world.finance, data={"max_value": Decimal(64)}, definition=zone)
    assert CustomField.objects.get(pk=zone.pk).max_value == 64
    services.custom_field_delete(actor=world.finance, definition=CustomField.objects.get(key="protocol"))
    assert not CustomField.objects.filter(key="protocol").exists()
