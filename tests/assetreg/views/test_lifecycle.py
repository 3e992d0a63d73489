"""Status changes and disposal from the asset page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assetreg import services
from assetreg.choices import AssetStatus
from assetreg.models import StatusChange

pytestmark = pytest.mark.django_db


def transition_post(asset, to_status, **overrides):
    data = {
        "to_status": to_status,
        "reason": "Seal leaking",
        "effective_date": timezone.localdate().isoformat(),
        "version": asset.version,
    }
    data.update(overrides)
    return data


def test_only_allowed_transitions_are_offered(world, client_for):
    response = client_for("facility_manager").get(reverse("assetreg:asset_detail", args=[world.home_asset.pk]))

    choices = [value for value, _label in response.context["transition_form"].fields["to_status"].choices]
    assert choices == [AssetStatus.UNDER_MAINTENANCE, AssetStatus.OUT_OF_SERVICE]
    assert response.context["dispose_form"] is None


def test_facility_manager_changes_status_with_a_reason(world, client_for):
    asset = world.home_asset
    client = client_for("facility_manager")

    response = client.post(
        reverse("assetreg:asset_transition", args=[asset.pk]), transition_post(asset, AssetStatus.UNDER_MAINTENANCE)
    )

    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.UNDER_MAINTENANCE
    page = client.get(response["Location"])
    assert "is now under maintenance" in page.text
    assert "Seal leaking" in page.text


def test_transition_errors_show_on_the_asset_page(world, client_for):
    asset = world.home_asset
    future = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = client_for("facility_manager").post(
        reverse("assetreg:asset_transition", args=[asset.pk]),
        transition_post(asset, AssetStatus.OUT_OF_SERVICE, effective_date=future),
    )

    assert response.status_code == 200
    assert "effective_date" in response.context["transition_form"].errors
    assert not StatusChange.objects.filter(asset=asset).exists()


def test_stale_transition_is_a_conflict(world, client_for):
    asset = world.home_asset
    stale = transition_post(asset, AssetStatus.OUT_OF_SERVICE)
    services.asset_update(
        actor=world.facility_manager, asset=asset, data={"name": "Renamed"}, expected_version=asset.version
    )

    response = client_for("facility_manager").post(reverse("assetreg:asset_transition", args=[asset.pk]), stale)

    assert "changed by someone else" in response.text
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_SERVICE


def test_technician_gets_403_on_status_change(world, client_for):
    asset = world.home_asset
    client = client_for("technician")

    detail = client.get(reverse("assetreg:asset_detail", args=[asset.pk]))
    response = client.post(
        reverse("assetreg:asset_transition", args=[asset.pk]), transition_post(asset, AssetStatus.UNDER_MAINTENANCE)
    )

    assert detail.context["transition_form"] is None
    assert response.status_code == 403
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_SERVICE


def test_disposing_makes_the_asset_read_only(world, client_for):
    asset = world.home_asset
    services.asset_transition(
        actor=world.facility_manager, asset=asset, to_status=AssetStatus.OUT_OF_SERVICE, reason="Cracked casing"
    )
    asset.refresh_from_db()
    client = client_for("facility_manager")

    offered = client.get(reverse("assetreg:asset_detail", args=[asset.pk]))
    response = client.post(
        reverse("assetreg:asset_dispose", args=[asset.pk]),
        {
            "disposal_date": timezone.localdate().isoformat(),
            "method": "sale",
            "proceeds": "250.50",
            "reason": "Sold for parts",
            "version": asset.version,
        },
    )
    page = client.get(reverse("assetreg:asset_detail", args=[asset.pk]))

    assert offered.context["dispose_form"] is not None
    assert response.status_code == 302
    assert "EUR 250.50" in page.text
    assert "read-only" in page.text
    assert page.context["can_edit"] is False
    assert page.context["transition_form"] is None
    assert page.context["document_form"] is None
    edit = client.get(reverse("assetreg:asset_edit", args=[asset.pk]))
    assert edit.status_code == 302
