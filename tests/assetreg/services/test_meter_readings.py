"""The meter-reading service checks the site itself: the API answers 404 before it is reached, but a task,
command or another app calling the service directly must be refused too."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from assetreg import services
from assetreg.models import MeterReading
from ledgerline.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_a_technician_cannot_record_a_reading_at_another_site(world):
    # Given a technician assigned to HQ and an asset at the depot
    yesterday = date.today() - timedelta(days=1)

    # When the technician records a reading for the depot's asset through the service
    with pytest.raises(PermissionDenied):
        services.meter_reading_record(
            actor=world.technician, asset=world.away_asset, reading_date=yesterday, value="1200"
        )

    # Then nothing is written
    assert not MeterReading.objects.filter(asset=world.away_asset).exists()


def test_a_technician_records_a_reading_at_their_own_site(world):
    yesterday = date.today() - timedelta(days=1)

    reading = services.meter_reading_record(
        actor=world.technician, asset=world.home_asset, reading_date=yesterday, value="1200"
    )

    assert MeterReading.objects.get(asset=world.home_asset) == reading
    assert reading.recorded_by == world.technician


@pytest.mark.parametrize("role", ["auditor", "finance", "outsider"])
def test_readers_and_other_sites_cannot_record_readings(world, role):
    with pytest.raises(PermissionDenied):
        services.meter_reading_record(
            actor=world.user(role), asset=world.home_asset, reading_date=date.today(), value="10"
        )

    assert not MeterReading.objects.exists()


def test_the_system_actor_does_not_record_readings(world):
    with pytest.raises(PermissionDenied):
        services.meter_reading_record(actor=SYSTEM, asset=world.home_asset, reading_date=date.today(), value="10")

    assert not MeterReading.objects.exists()
