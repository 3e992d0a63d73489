"""The asset form refuses an amount finer than its currency's minor unit, on the field, and writes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assetreg.models import Asset

pytestmark = pytest.mark.django_db


def test_the_web_form_refuses_a_cost_finer_than_cents(world, client_for):
    asset = world.home_asset

    response = client_for("finance").post(
        reverse("assetreg:asset_edit", args=[asset.pk]),
        {
            "acquisition_cost": "42500.123",
            "currency": "EUR",
            "salvage_value": "0",
            "useful_life_months": "60",
            "depreciation_method": "straight_line",
            "version": asset.version,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["acquisition_cost"] == ["EUR amounts have at most 2 decimal places."]
    assert Asset.objects.get(pk=asset.pk).acquisition_cost == Decimal("12000.0000")


def test_the_web_form_refuses_a_useful_life_beyond_a_century(world, client_for):
    asset = world.home_asset

    response = client_for("finance").post(
        reverse("assetreg:asset_edit", args=[asset.pk]),
        {
            "acquisition_cost": "12000.00",
            "currency": "EUR",
            "salvage_value": "1200",
            "useful_life_months": "1000000",
            "depreciation_method": "straight_line",
            "version": asset.version,
        },
    )

    assert response.status_code == 200
    assert "useful_life_months" in response.context["form"].errors
    assert Asset.objects.get(pk=asset.pk).useful_life_months == 60
