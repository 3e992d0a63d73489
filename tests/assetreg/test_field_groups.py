"""The asset's fields are declared once (`assetreg.fields`); every interface shows exactly those.

Adding a field to the model and to one group is enough: these tests then expect it in the access rules, the
CSV, both serializers, the admin, the web form and the asset page, and fail if any interface keeps its own list.
"""

import csv
import io

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from assetreg import csv_io, permissions, services
from assetreg.api.serializers import AssetCreateInputSerializer, AssetOutputSerializer, AssetUpdateInputSerializer
from assetreg.fields import (
    ASSET_FIELD_GROUPS,
    ASSET_FIELDS,
    CUSTOM_FIELDS,
    FINANCIAL_FIELDS,
    KIND_FIELDS,
    READ_ONLY_FIELDS,
)
from assetreg.forms import AssetForm
from assetreg.models import Asset

pytestmark = pytest.mark.django_db

WRITABLE = set(ASSET_FIELDS) - set(READ_ONLY_FIELDS)
# Columns the register keeps itself: never typed in, never a field of a group.
BOOKKEEPING = {"id", "version", "created_at", "updated_at", "created_by"}


@pytest.fixture
def custom(world):
    """Two custom fields on the home asset's category; forms, CSV and page show one field per definition."""
    category = world.home_asset.category
    for order, (key, field_type) in enumerate((("zone_count", "number"), ("certificate", "text"))):
        services.custom_field_save(
            actor=world.admin,
            data={"category": category, "key": key, "label": key.title(), "field_type": field_type, "order": order},
        )
    return ["zone_count", "certificate"]


def expanded(names, prefix, keys):
    """The declared fields with the custom-fields column shown as one field per key."""
    return [m for n in names for m in ([prefix + k for k in keys] if n in CUSTOM_FIELDS else [n])]


def test_every_column_of_the_asset_table_is_declared_in_a_group_or_kept_by_the_register():
    columns = {f.name for f in Asset._meta.concrete_fields}
    assert columns - BOOKKEEPING == set(ASSET_FIELDS)
    assert len(ASSET_FIELDS) == len(set(ASSET_FIELDS)), "a field sits in two groups"


def test_the_access_rules_follow_the_groups():
    financial_group = {n for g in ASSET_FIELD_GROUPS if g.financial for n in g.fields}
    assert set(FINANCIAL_FIELDS) == financial_group
    assert set(permissions.ASSET_WRITABLE_FIELDS) == WRITABLE
    assert set(permissions.REGISTER_FIELDS) == WRITABLE - financial_group
    assert {n for names in KIND_FIELDS.values() for n in names} == {
        n for g in ASSET_FIELD_GROUPS if g.kind for n in g.fields
    }


def test_the_csv_has_one_column_per_declared_field(world, custom):
    out = io.StringIO()
    csv_io.write_csv(Asset.objects.filter(pk=world.home_asset.pk), out)

    header = next(csv.reader(io.StringIO(out.getvalue())))
    # The custom fields come last, one column per key in key order.
    assert header == [n for n in ASSET_FIELDS if n not in CUSTOM_FIELDS] + ["cf:certificate", "cf:zone_count"]


def test_the_api_shows_every_declared_field_and_takes_the_writable_ones(world):
    output = AssetOutputSerializer(world.home_asset).data

    assert set(output) == set(ASSET_FIELDS) | {"id", "version", "created_at", "updated_at", "disposal", "links"}
    assert set(AssetCreateInputSerializer().fields) == WRITABLE
    assert set(AssetUpdateInputSerializer().fields) == WRITABLE | {"version"}


def test_the_admin_form_shows_every_declared_field(world, custom):
    request = RequestFactory().get("/")
    request.user = world.admin
    model_admin = admin.site._registry[Asset]

    shown = [name for _, options in model_admin.get_fieldsets(request, world.home_asset) for name in options["fields"]]

    record = ["version", "created_at", "created_by", "updated_at"]
    declared = expanded(ASSET_FIELDS, "cf_", custom)
    identity = len(ASSET_FIELD_GROUPS[0].fields)
    marker = declared.index("cf_certificate") + 1  # the hidden category marker follows the custom fields
    expected = [*declared[:identity], "expected_version", *declared[identity:marker], "custom_fields_category"]
    assert shown == expected + declared[marker:] + record
    form_fields = set(model_admin.get_form(request, world.home_asset).base_fields)
    assert form_fields >= set(expanded(WRITABLE, "cf_", custom))


def test_the_web_form_offers_every_writable_field_to_an_administrator(world, custom):
    form = AssetForm(instance=world.home_asset, user=world.admin)

    assert set(form.fields) == set(expanded(WRITABLE, "cf_", custom)) | {"version", "custom_fields_category"}
    assert [f.name for group in form.fieldsets() for f in group["fields"]] == expanded(
        [n for n in ASSET_FIELDS if n in WRITABLE], "cf_", custom
    )


def test_the_asset_page_shows_every_field_of_its_kind(world, client, custom):
    client.force_login(world.admin)
    response = client.get(reverse("assetreg:asset_detail", args=[world.home_asset.pk]))

    shown = [row["name"] for group in response.context["field_groups"] for row in group["rows"]]
    other_kinds = {n for kind, names in KIND_FIELDS.items() if kind != world.home_asset.kind for n in names}
    assert shown == expanded([n for n in ASSET_FIELDS if n not in other_kinds], "cf_", custom)
