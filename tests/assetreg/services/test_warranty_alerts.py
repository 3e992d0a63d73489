"""Warranty alerts are sent by the scheduler (the system actor) or an administrator, not by anyone who can call
the service."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assetreg import services
from assetreg.models import WarrantyAlert
from ledgerline.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def warranty_ends_soon(world):
    world.home_asset.warranty_end = timezone.localdate() + timedelta(days=10)
    world.home_asset.save()


def test_a_facility_manager_cannot_send_the_alerts(world, warranty_ends_soon):
    with pytest.raises(PermissionDenied):
        services.warranty_alerts_send(actor=world.facility_manager)

    assert not WarrantyAlert.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("actor", ["system", "admin"])
def test_the_scheduler_and_an_administrator_send_them(world, warranty_ends_soon, actor):
    result = services.warranty_alerts_send(actor=SYSTEM if actor == "system" else world.admin)

    assert result["alerts"] == 1
    assert WarrantyAlert.objects.filter(asset=world.home_asset).exists()
