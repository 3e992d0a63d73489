"""The asset admin refuses an amount finer than its currency's minor unit, on the field, and writes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assetreg.models import Asset
from tests.assetreg.admin.conftest import form_data
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_a_yen_amount_with_decimals(world, admin_client_for):
    asset = AssetFactory(site=world.home, currency="JPY", acquisition_cost=Decimal("100000"), salvage_value=0)
    client = admin_client_for(world.finance)
    url = reverse("admin:assetreg_asset_change", args=[asset.pk])
    page = client.get(url)

    response = client.post(url, form_data(page, acquisition_cost="100000.5"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["acquisition_cost"] == ["JPY amounts are whole numbers: no decimals."]
    assert Asset.objects.get(pk=asset.pk).acquisition_cost == Decimal("100000")
