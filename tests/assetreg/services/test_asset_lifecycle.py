"""Lifecycle transitions, disposal and optimistic concurrency in the asset services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assetreg import services
from assetreg.choices import AssetStatus
from assetreg.models import StatusChange
from ledgerline.exceptions import ConflictError
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_allowed_path_through_the_lifecycle_is_recorded_with_who_and_why(world):
    asset = AssetFactory(site=world.home, status=AssetStatus.PLANNED, in_service_date=None)
    fm = world.facility_manager

    asset = services.asset_transition(actor=fm, asset=asset, to_status=AssetStatus.IN_SERVICE, reason="Commissioned")
    asset = services.asset_transition(actor=fm, asset=asset, to_status=AssetStatus.UNDER_MAINTENANCE, reason="Leak")
    asset = services.asset_transition(actor=fm, asset=asset, to_status=AssetStatus.IN_SERVICE, reason="Fixed")
    asset = services.asset_transition(actor=fm, asset=asset, to_status=AssetStatus.OUT_OF_SERVICE, reason="Worn out")

    asset.refresh_from_db()
    assert asset.status == AssetStatus.OUT_OF_SERVICE
    assert asset.in_service_date == timezone.localdate()
    trail = list(StatusChange.objects.filter(asset=asset).order_by("pk").values_list("to_status", "reason", "actor"))
    assert trail == [
        ("in_service", "Commissioned", fm.pk),
        ("under_maintenance", "Leak", fm.pk),
        ("in_service", "Fixed", fm.pk),
        ("out_of_service", "Worn out", fm.pk),
    ]


@pytest.mark.parametrize(
    "start, target",
    [
        (AssetStatus.PLANNED, AssetStatus.UNDER_MAINTENANCE),
        (AssetStatus.PLANNED, AssetStatus.OUT_OF_SERVICE),
        (AssetStatus.IN_SERVICE, AssetStatus.PLANNED),
        (AssetStatus.OUT_OF_SERVICE, AssetStatus.IN_SERVICE),
        (AssetStatus.IN_SERVICE, AssetStatus.DISPOSED),
    ],
)
def test_refused_transitions_change_nothing(world, start, target):
    asset = AssetFactory(site=world.home, status=start)

    with pytest.raises(ValidationError) as excinfo:
        services.asset_transition(actor=world.facility_manager, asset=asset, to_status=target, reason="Try")

    assert "to_status" in excinfo.value.message_dict
    asset.refresh_from_db()
    assert asset.status == start
    assert not StatusChange.objects.filter(asset=asset).exists()


def test_transition_needs_a_reason(world):
    with pytest.raises(ValidationError) as excinfo:
        services.asset_transition(
            actor=world.facility_manager, asset=world.home_asset, to_status=AssetStatus.UNDER_MAINTENANCE, reason="  "
        )
    assert "reason" in excinfo.value.message_dict


def test_technician_and_other_site_manager_cannot_change_status(world):
    for actor in (world.technician, world.outsider, world.auditor):
        with pytest.raises(PermissionDenied):
            services.asset_transition(
                actor=actor, asset=world.home_asset, to_status=AssetStatus.UNDER_MAINTENANCE, reason="x"
            )


def test_disposal_records_method_and_proceeds_and_makes_the_asset_read_only(world):
    asset = AssetFactory(site=world.home, status=AssetStatus.OUT_OF_SERVICE)

    disposal = services.asset_dispose(
        actor=world.facility_manager,
        asset=asset,
        disposal_date=date.today(),
        method="sale",
        proceeds="1500.50",
        reason="Sold at auction",
    )

    asset.refresh_from_db()
    assert asset.status == AssetStatus.DISPOSED
    assert disposal.proceeds == Decimal("1500.50") and disposal.currency == "EUR"
    with pytest.raises(ValidationError, match="read-only"):
        services.asset_update(actor=world.admin, asset=asset, data={"name": "New name"}, expected_version=None)


def test_disposal_before_in_service_is_refused(world):
    asset = AssetFactory(site=world.home, status=AssetStatus.OUT_OF_SERVICE, in_service_date=date(2023, 5, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.asset_dispose(
            actor=world.facility_manager,
            asset=asset,
            disposal_date=date(2023, 4, 30),
            method="scrap",
            proceeds="0",
            reason="Scrapped",
        )
    assert "disposal_date" in excinfo.value.message_dict
    asset.refresh_from_db()
    assert asset.status == AssetStatus.OUT_OF_SERVICE


def test_future_transition_date_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        services.asset_transition(
            actor=world.facility_manager,
            asset=world.home_asset,
            to_status=AssetStatus.UNDER_MAINTENANCE,
            reason="Planned stop",
            effective_date=date.today() + timedelta(days=3),
        )
    assert "effective_date" in excinfo.value.message_dict


def test_stale_write_is_refused_with_a_conflict(world):
    asset = world.home_asset
    seen_version = asset.version
    services.asset_update(
        actor=world.facility_manager, asset=asset, data={"name": "First"}, expected_version=seen_version
    )

    with pytest.raises(ConflictError):
        services.asset_update(
            actor=world.facility_manager, asset=asset, data={"name": "Second"}, expected_version=seen_version
        )
    asset.refresh_from_db()
    assert asset.name == "First"
