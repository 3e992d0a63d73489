"""Sites, locations, categories, read-only records and API device tokens in the admin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assetreg import services
from assetreg.choices import AssetStatus, LocationKind
from assetreg.models import Category, Location, Site, StatusChange
from ledgerline.models import DeviceToken
from tests.assetreg.admin.conftest import form_data
from tests.factories import AssetFactory, LocationFactory

pytestmark = pytest.mark.django_db


def test_administrator_adds_a_site_with_members_and_a_location(world, admin_client_for):
    client = admin_client_for(world.admin)
    add = reverse("admin:assetreg_site_add")
    data = form_data(client.get(add), code="PORT", name="Harbour", address="Quay 1", members=[world.technician.pk])
    data.update(
        {
            "locations-TOTAL_FORMS": "1",
            "locations-0-kind": LocationKind.BUILDING,
            "locations-0-code": "B1",
            "locations-0-name": "Warehouse",
        }
    )

    response = client.post(add, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    site = Site.objects.get(code="PORT")
    assert list(site.members.all()) == [world.technician]
    assert Location.objects.get(site=site).name == "Warehouse"


def test_finance_sees_sites_but_cannot_change_them(world, admin_client_for):
    client = admin_client_for(world.finance)

    listing = client.get(reverse("admin:assetreg_site_changelist"))
    refused = client.post(reverse("admin:assetreg_site_change", args=[world.home.pk]), {"name": "Renamed"})

    assert listing.status_code == 200 and "HQ" in listing.text
    assert refused.status_code == 403
    assert Site.objects.get(pk=world.home.pk).name == "Headquarters"


def test_location_list_shows_the_path_and_a_staff_facility_manager_only_their_sites(world, admin_client_for):
    building = LocationFactory(site=world.home, code="B1", name="Main block")
    LocationFactory(site=world.home, code="F1", name="First floor", kind=LocationKind.FLOOR, parent=building)
    LocationFactory(site=world.away, code="Y1", name="Yard", kind=LocationKind.AREA)
    fm = world.facility_manager
    fm.is_staff = True
    fm.save()

    listing = admin_client_for(fm).get(reverse("admin:assetreg_location_changelist"))

    assert "Main block › First floor" in listing.text
    assert "Yard" not in listing.text


def test_location_save_goes_through_the_service_rules(world, admin_client_for):
    building = LocationFactory(site=world.home, code="B1", name="Main block")
    client = admin_client_for(world.admin)
    add = reverse("admin:assetreg_location_add")
    data = form_data(client.get(add), site=world.away, kind=LocationKind.ROOM, code="R1", name="Room", parent=building)

    response = client.post(add, data)

    assert response.status_code == 200
    assert "another site" in str(response.context["adminform"].form.errors)
    assert not Location.objects.filter(code="R1").exists()


def test_finance_changes_category_defaults(world, admin_client_for):
    category = Category.objects.get(name="Pumps")
    client = admin_client_for(world.finance)
    url = reverse("admin:assetreg_category_change", args=[category.pk])

    response = client.post(url, form_data(client.get(url), default_salvage_percent="5.00"))

    assert response.status_code == 302
    category.refresh_from_db()
    assert category.default_salvage_percent == Decimal("5.00")


def test_auditor_cannot_change_categories(world, admin_client_for):
    category = Category.objects.get(name="Pumps")

    response = admin_client_for(world.auditor).post(
        reverse("admin:assetreg_category_change", args=[category.pk]), {"name": "X"}
    )

    assert response.status_code == 403


def test_status_changes_list_is_read_only_and_scoped(world, admin_client_for):
    away = AssetFactory(site=world.away, asset_tag="AWAY-9", status=AssetStatus.IN_SERVICE)
    services.asset_transition(actor=world.admin, asset=away, to_status=AssetStatus.OUT_OF_SERVICE, reason="Broken")
    fm = world.facility_manager
    fm.is_staff = True
    fm.save()
    change = StatusChange.objects.get()

    finance_list = admin_client_for(world.finance).get(reverse("admin:assetreg_statuschange_changelist"))
    edit = admin_client_for(world.finance).post(
        reverse("admin:assetreg_statuschange_change", args=[change.pk]), {"reason": "Rewritten"}
    )
    fm_list = admin_client_for(fm).get(reverse("admin:assetreg_statuschange_changelist"))

    assert "AWAY-9" in finance_list.text
    assert edit.status_code == 403
    assert StatusChange.objects.get().reason == "Broken"
    assert "AWAY-9" not in fm_list.text


def test_device_tokens_are_listed_and_revoked_never_added(world, admin_client_for):
    token, _ = DeviceToken.objects.create(user=world.technician, expiry=timedelta(days=30))
    DeviceToken.objects.filter(pk=token.pk).update(device_name="Pixel 8", last_used_at=timezone.now())
    client = admin_client_for(world.admin)
    changelist = reverse("admin:ledgerline_devicetoken_changelist")

    listing = client.get(changelist)
    add = client.get(reverse("admin:ledgerline_devicetoken_add"))
    revoked = client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)

    assert "Pixel 8" in listing.text and token.token_key in listing.text
    assert add.status_code == 403
    assert "1 token(s) revoked" in revoked.text
    assert not DeviceToken.objects.exists()


def test_finance_cannot_see_device_tokens(world, admin_client_for):
    response = admin_client_for(world.finance).get(reverse("admin:ledgerline_devicetoken_changelist"))

    assert response.status_code == 403
