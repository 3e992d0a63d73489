"""The register announces what happened, inside the change's transaction, to whoever subscribed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assetreg import services
from assetreg.choices import AssetStatus
from assetreg.events import AssetCreated, AssetStatusChanged, MeterReadingRecorded
from assetreg.models import Asset, MeterReading
from ledgerline import events
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listen():
    """`listen(EventType, handler)`: subscribe for this test only."""
    added = []

    def add(event_type, handler, order=100):
        events.subscribe(event_type, handler, order=order)
        added.append((event_type, handler))

    yield add
    for event_type, handler in added:
        events.unsubscribe(event_type, handler)


def test_creating_an_asset_and_changing_its_status_are_announced(world, listen):
    heard = []
    listen(AssetCreated, lambda e: heard.append(("created", e.asset.asset_tag, e.actor.username)))
    listen(AssetStatusChanged, lambda e: heard.append(("status", e.from_status, e.to_status, e.reason)))
    category = CategoryFactory(name="Pumps")

    asset = services.asset_create(
        actor=world.facility_manager,
        data={
            "asset_tag": "HQ-NEW-1",
            "name": "Pump",
            "kind": "equipment",
            "category": category,
            "site": world.home,
            "manufacturer": "Wilo",
        },
    )
    services.asset_transition(
        actor=world.facility_manager, asset=asset, to_status=AssetStatus.IN_SERVICE, reason="Commissioned"
    )

    assert heard == [
        ("created", "HQ-NEW-1", "fm"),
        ("status", AssetStatus.PLANNED, AssetStatus.IN_SERVICE, "Commissioned"),
    ]


def test_a_subscriber_that_refuses_a_meter_reading_leaves_nothing_written(world, listen):
    def refuse(event):
        raise ValidationError({"value": f"Work order open for {event.asset.asset_tag}."})

    listen(MeterReadingRecorded, refuse)
    version = Asset.objects.get(pk=world.home_asset.pk).version

    with pytest.raises(ValidationError, match="Work order open for HQ-PUMP-1"):
        services.meter_reading_record(
            actor=world.technician, asset=world.home_asset, reading_date=date(2024, 5, 1), value=Decimal("120")
        )

    assert not MeterReading.objects.filter(asset=world.home_asset).exists()
    assert Asset.objects.get(pk=world.home_asset.pk).version == version
