"""Custom fields in the web pages: the asset form, the asset page with its history, and the list's filters."""

import pytest
from django.urls import reverse

from assetreg.choices import AssetKind
from assetreg.models import Asset
from tests.assetreg.custom_fields_setup import fire_panels
from tests.factories import AssetFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def edit_post(asset, **overrides):
    """The edit form as submitted unchanged (the category's fields included), plus `overrides`."""
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
        "custom_fields_category": str(asset.category_id),
        "cf_zone_count": "8",
    }
    data.update(overrides)
    return data


def test_the_edit_form_shows_the_categorys_fields_and_saves_them(world, client_for):
    _, panel = fire_panels(world)
    client = client_for("facility_manager")
    url = reverse("assetreg:asset_edit", args=[panel.pk])

    page = client.get(url)
    response = client.post(url, edit_post(panel, cf_zone_count="12", cf_protocol="Digital", cf_addressable="yes"))

    assert 'name="cf_zone_count"' in page.text and "Zone count (zones)" in page.text
    assert response.status_code == 302
    stored = Asset.objects.get(pk=panel.pk).custom_fields
    assert stored == {"zone_count": 12, "protocol": "Digital", "addressable": True}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"cf_zone_count": "999"}, "cf_zone_count"), ({"cf_zone_count": ""}, "cf_zone_count")],
)
def test_a_bad_value_is_an_error_next_to_its_field_and_nothing_changes(world, client_for, overrides, field):
    _, panel = fire_panels(world)

    response = client_for("facility_manager").post(
        reverse("assetreg:asset_edit", args=[panel.pk]), edit_post(panel, **overrides)
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Asset.objects.values_list("custom_fields", "version").get(pk=panel.pk) == ({"zone_count": 8}, 1)


def test_choosing_another_category_shows_its_fields_before_anything_is_saved(world, client_for):
    category, _ = fire_panels(world)
    pump = AssetFactory(site=world.home, asset_tag="HQ-PUMP-9", category=CategoryFactory(name="Pumps"))
    client = client_for("facility_manager")
    url = reverse("assetreg:asset_edit", args=[pump.pk])
    post = edit_post(pump, category=category.pk, custom_fields_category=str(pump.category_id))
    del post["cf_zone_count"]

    first = client.post(url, post)

    assert first.status_code == 200
    assert "The category changed" in first.text
    assert 'name="cf_zone_count"' in first.text
    assert Asset.objects.get(pk=pump.pk).category_id == pump.category_id

    second = client.post(url, {**post, "custom_fields_category": str(category.pk), "cf_zone_count": "4"})
    assert second.status_code == 302
    assert Asset.objects.values_list("category_id", "custom_fields").get(pk=pump.pk) == (category.pk, {"zone_count": 4})


def test_a_new_asset_of_a_category_with_fields_asks_for_them(world, client_for):
    category, _ = fire_panels(world)
    client = client_for("facility_manager")
    post = {
        "asset_tag": "HQ-FIRE-2",
        "name": "Fire panel 2",
        "kind": AssetKind.EQUIPMENT,
        "category": category.pk,
        "site": world.home.pk,
        "manufacturer": "Siemens",
    }

    first = client.post(reverse("assetreg:asset_create"), post)
    second = client.post(
        reverse("assetreg:asset_create"), {**post, "custom_fields_category": str(category.pk), "cf_zone_count": "2"}
    )

    assert first.status_code == 200 and 'name="cf_zone_count"' in first.text
    assert second.status_code == 302
    assert Asset.objects.get(asset_tag="HQ-FIRE-2").custom_fields == {"zone_count": 2}


def test_the_asset_page_shows_the_values_and_their_history(world, client_for):
    _, panel = fire_panels(world)
    client = client_for("facility_manager")
    client.post(reverse("assetreg:asset_edit", args=[panel.pk]), edit_post(panel, cf_zone_count="12"))

    page = client.get(reverse("assetreg:asset_detail", args=[panel.pk]))

    custom = next(g for g in page.context["field_groups"] if g["key"] == "custom")
    assert [(r["label"], r["text"]) for r in custom["rows"]][:2] == [
        ("Zone count", "12 zones"),
        ("Certificate number", ""),
    ]
    change = next(c for c in page.context["history"][0].changes if c.label == "Zone count")
    assert (change.old, change.new) == ("8 zones", "12 zones")
    assert "12 zones" in page.text


def test_the_list_offers_the_chosen_categorys_fields_as_filters(world, client_for):
    category, _ = fire_panels(world)
    AssetFactory(site=world.home, category=category, asset_tag="HQ-FIRE-2", custom_fields={"zone_count": 64})
    client = client_for("facility_manager")

    page = client.get(reverse("assetreg:asset_list"), {"category": category.pk, "cf_zone_count__gte": "10"})
    bad = client.get(reverse("assetreg:asset_list"), {"cf_colour": "red"})

    assert [a.asset_tag for a in page.context["page"].object_list] == ["HQ-FIRE-2"]
    assert 'name="cf_protocol"' in page.text
    assert bad.status_code == 200 and "cf_colour" in bad.context["filter_errors"]
