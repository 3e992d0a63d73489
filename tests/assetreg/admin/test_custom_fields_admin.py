"""Custom fields in the admin: finance defines them on the category; the asset form shows and checks them."""

import pytest
from django.urls import reverse

from assetreg.models import Asset, CustomField
from tests.assetreg.admin.conftest import form_data
from tests.assetreg.custom_fields_setup import fire_panels
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def new_definition(response, **fields):
    """The category form with one custom field added in its inline."""
    data = form_data(response)
    prefix = "field_definitions"
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    row = {"order": 0, "required": "", "decimal_places": 0, **fields}
    data |= {f"{prefix}-{index}-{name}": value for name, value in row.items() if value != ""}
    return data


def test_finance_defines_a_choice_field_on_a_category(world, admin_client_for):
    category = CategoryFactory(name="Lifts")
    client = admin_client_for(world.finance)
    url = reverse("admin:assetreg_category_change", args=[category.pk])

    response = client.post(
        url,
        new_definition(
            client.get(url), key="drive", label="Drive", field_type="choice", choices="Hydraulic\nTraction\n"
        ),
    )

    assert response.status_code == 302
    definition = CustomField.objects.get(category=category)
    assert (definition.key, definition.choices) == ("drive", ["Hydraulic", "Traction"])


def test_a_bad_definition_is_refused_and_nothing_is_saved(world, admin_client_for):
    category = CategoryFactory(name="Lifts")
    client = admin_client_for(world.finance)
    url = reverse("admin:assetreg_category_change", args=[category.pk])

    response = client.post(
        url, new_definition(client.get(url), key="drive", label="Drive", field_type="choice", choices="")
    )

    assert "Nothing was saved" in client.get(response["Location"]).text
    assert not CustomField.objects.exists()


def test_the_asset_form_saves_the_categorys_fields(world, admin_client_for):
    _, panel = fire_panels(world)
    client = admin_client_for(world.admin)
    url = reverse("admin:assetreg_asset_change", args=[panel.pk])
    page = client.get(url)

    response = client.post(url, form_data(page, cf_zone_count="24", cf_certificate="VDS-9"))

    assert "Zone count (zones)" in page.text
    assert response.status_code == 302
    assert Asset.objects.get(pk=panel.pk).custom_fields == {"zone_count": 24, "certificate": "VDS-9"}


def test_a_bad_value_is_a_form_error_and_nothing_changes(world, admin_client_for):
    _, panel = fire_panels(world)
    client = admin_client_for(world.admin)
    url = reverse("admin:assetreg_asset_change", args=[panel.pk])

    response = client.post(url, form_data(client.get(url), cf_certificate="X" * 21))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cf_certificate"]
    assert Asset.objects.values_list("custom_fields", "version").get(pk=panel.pk) == ({"zone_count": 8}, 1)


def test_finance_sees_the_values_read_only(world, admin_client_for):
    _, panel = fire_panels(world)

    page = admin_client_for(world.finance).get(reverse("admin:assetreg_asset_change", args=[panel.pk]))

    assert "Zone count: 8 zones" in page.text
    assert "cf_zone_count" not in page.context["adminform"].form.fields


def test_the_import_page_names_the_custom_columns(world, admin_client_for):
    fire_panels(world)

    page = admin_client_for(world.finance).get(reverse("admin:assetreg_asset_import"))

    assert "cf:zone_count" in page.text
