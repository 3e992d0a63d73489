"""The asset admin for finance staff: who sees and changes what, and that saves go through the services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assetreg import services
from assetreg.choices import AssetStatus
from assetreg.models import Asset, StatusChange
from tests.assetreg.admin.conftest import form_data
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assetreg_asset_changelist")


def change_url(asset):
    return reverse("admin:assetreg_asset_change", args=[asset.pk])


@pytest.mark.parametrize("role", ["finance", "admin", "auditor"])
def test_changelist_and_change_form_render_for_staff(world, admin_client_for, role):
    client = admin_client_for(world.user(role))

    listing = client.get(CHANGELIST)
    page = client.get(change_url(world.home_asset))

    assert listing.status_code == 200
    assert "HQ-PUMP-1" in listing.text and "DEPOT-PUMP-1" in listing.text
    assert "EUR 12,000.00" in listing.text
    assert page.status_code == 200
    assert "Boiler feed pump" in page.text


def test_changelist_filters_and_search_work(world, admin_client_for):
    AssetFactory(vehicle=True, site=world.away, asset_tag="VAN-7", plate="XY-77-ZZ")
    client = admin_client_for(world.finance)

    by_plate = client.get(CHANGELIST, {"q": "XY-77"})
    by_site = client.get(CHANGELIST, {"site__id__exact": world.home.pk})

    assert [a.asset_tag for a in by_plate.context["cl"].result_list] == ["VAN-7"]
    assert [a.asset_tag for a in by_site.context["cl"].result_list] == ["HQ-PUMP-1"]


def test_changelist_query_count_does_not_grow_with_the_rows(world, admin_client_for, django_assert_max_num_queries):
    client = admin_client_for(world.finance)
    client.get(CHANGELIST)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(30) as few:
        client.get(CHANGELIST)
    AssetFactory.create_batch(30, site=world.home)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 32


def test_finance_changes_the_cost_but_not_the_name(world, admin_client_for):
    client = admin_client_for(world.finance)
    page = client.get(change_url(world.home_asset))
    assert "name" not in page.context["adminform"].form.fields  # shown read-only

    response = client.post(
        change_url(world.home_asset),
        form_data(page, acquisition_cost="15000.00", name="Renamed by finance", _save="Save"),
    )

    assert response.status_code == 302
    asset = Asset.objects.get(pk=world.home_asset.pk)
    assert asset.acquisition_cost == Decimal("15000.00")
    assert asset.name == "Boiler feed pump"
    assert asset.version == 2
    record = asset.history.latest()
    assert record.history_user == world.finance
    assert record.prev_record.acquisition_cost == Decimal("12000.0000")


def test_auditor_sees_the_asset_but_cannot_change_it(world, admin_client_for):
    client = admin_client_for(world.auditor)
    page = client.get(change_url(world.home_asset))

    response = client.post(change_url(world.home_asset), {"acquisition_cost": "1.00", "name": "Hacked"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text and 'name="acquisition_cost"' not in page.text  # view only
    assert response.status_code == 403
    asset = Asset.objects.get(pk=world.home_asset.pk)
    assert (asset.name, asset.acquisition_cost) == ("Boiler feed pump", Decimal("12000.0000"))


def test_admin_save_with_a_bad_vin_shows_the_error_and_writes_nothing(world, admin_client_for):
    van = AssetFactory(vehicle=True, site=world.home, asset_tag="VAN-1")
    client = admin_client_for(world.admin)
    page = client.get(change_url(van))

    response = client.post(change_url(van), form_data(page, vin="WVWZZZ1JZXW00000O", name="Van renamed"))

    assert response.status_code == 200
    assert "without I, O or Q" in str(response.context["adminform"].form.errors["vin"])
    van.refresh_from_db()
    assert (van.vin, van.name.startswith("Van "), van.version) == ("WVWZZZ1JZXW000001", True, 1)
    assert van.history.count() == 1


def test_a_stale_admin_save_is_refused_instead_of_overwriting(world, admin_client_for):
    client = admin_client_for(world.finance)
    page = client.get(change_url(world.home_asset))
    services.asset_update(
        actor=world.admin, asset=world.home_asset, data={"salvage_value": Decimal("500")}, expected_version=1
    )

    response = client.post(change_url(world.home_asset), form_data(page, acquisition_cost="99999.00"))

    assert response.status_code == 200
    assert "Someone else changed this asset" in response.text
    asset = Asset.objects.get(pk=world.home_asset.pk)
    assert (asset.acquisition_cost, asset.salvage_value, asset.version) == (
        Decimal("12000.0000"),
        Decimal("500.0000"),
        2,
    )


def test_finance_salvage_above_cost_is_a_form_error(world, admin_client_for):
    client = admin_client_for(world.finance)
    page = client.get(change_url(world.home_asset))

    response = client.post(change_url(world.home_asset), form_data(page, salvage_value="20000"))

    assert response.status_code == 200
    assert "cannot be more than the acquisition cost" in str(response.context["adminform"].form.errors)
    assert Asset.objects.get(pk=world.home_asset.pk).salvage_value == Decimal("1200.0000")


def test_superuser_adds_an_asset_through_the_service(world, admin_client_for):
    client = admin_client_for(world.admin)
    page = client.get(reverse("admin:assetreg_asset_add"))
    data = form_data(
        page,
        asset_tag="hq-pump-2",
        name="Spare pump",
        kind="equipment",
        category=world.home_asset.category,
        site=world.home,
        manufacturer="KSB",
        acquisition_cost="1000",
    )

    response = client.post(reverse("admin:assetreg_asset_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    asset = Asset.objects.get(asset_tag="HQ-PUMP-2")
    assert asset.status == AssetStatus.PLANNED
    assert asset.salvage_value == Decimal("100.00")  # the category's 10 % default
    assert asset.created_by == world.admin
    assert asset.history.get().history_user == world.admin


def test_nobody_deletes_assets_in_the_admin(world, admin_client_for):
    client = admin_client_for(world.admin)

    response = client.post(reverse("admin:assetreg_asset_delete", args=[world.home_asset.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Asset.objects.filter(pk=world.home_asset.pk).exists()


def test_facility_manager_with_admin_access_sees_only_their_sites(world, admin_client_for):
    fm = world.facility_manager
    fm.is_staff = True
    fm.save()
    client = admin_client_for(fm)

    listing = client.get(CHANGELIST)
    other = client.get(change_url(world.away_asset))
    history = client.get(reverse("admin:assetreg_asset_history", args=[world.away_asset.pk]))
    old_version = world.away_asset.history.get().history_id
    old = client.get(reverse("admin:assetreg_asset_simple_history", args=[world.away_asset.pk, old_version]))
    own = client.get(change_url(world.home_asset))

    assert [a.asset_tag for a in listing.context["cl"].result_list] == ["HQ-PUMP-1"]
    assert other.status_code == 302  # the admin's "does not exist" redirect
    assert Asset.objects.get(pk=world.away_asset.pk).name == "Wash bay pump"
    assert history.status_code == 404 and old.status_code == 404
    form = own.context["adminform"].form
    assert "name" in form.fields and "acquisition_cost" not in form.fields  # financial fields read-only
    assert list(form.fields["site"].queryset) == [world.home]


def test_history_page_shows_before_and_after_and_offers_no_revert(world, admin_client_for):
    services.asset_update(
        actor=world.finance, asset=world.home_asset, data={"acquisition_cost": Decimal("13000")}, expected_version=1
    )
    client = admin_client_for(world.finance)
    first = world.home_asset.history.earliest()

    history = client.get(reverse("admin:assetreg_asset_history", args=[world.home_asset.pk]))
    old = reverse("admin:assetreg_asset_simple_history", args=[world.home_asset.pk, first.history_id])
    revert = client.post(old, {"acquisition_cost": "1"})

    assert history.status_code == 200
    assert "12000.0000" in history.text and "13000.0000" in history.text
    assert client.get(old).status_code == 200
    assert revert.status_code == 403
    assert Asset.objects.get(pk=world.home_asset.pk).acquisition_cost == Decimal("13000")


def test_status_change_inline_and_disposed_asset_are_read_only(world, admin_client_for):
    asset = AssetFactory(site=world.home, status=AssetStatus.IN_SERVICE)
    services.asset_transition(actor=world.admin, asset=asset, to_status=AssetStatus.OUT_OF_SERVICE, reason="Worn")
    services.asset_dispose(
        actor=world.admin,
        asset=asset,
        disposal_date=asset.in_service_date,
        method="scrap",
        proceeds="0",
        reason="Scrapped",
    )
    client = admin_client_for(world.finance)

    page = client.get(change_url(asset))

    assert page.status_code == 200
    assert 'name="_save"' not in page.text and 'name="acquisition_cost"' not in page.text  # view only
    assert "Scrapped" in page.text and "Worn" in page.text


def test_put_in_service_and_take_out_of_service_actions_call_the_lifecycle(world, admin_client_for):
    planned = AssetFactory(site=world.home, status=AssetStatus.PLANNED, in_service_date=None)
    client = admin_client_for(world.admin)

    client.post(CHANGELIST, {"action": "put_in_service", "_selected_action": [planned.pk], "reason": ""})
    refused = client.post(
        CHANGELIST, {"action": "take_out_of_service", "_selected_action": [planned.pk], "reason": ""}, follow=True
    )
    client.post(CHANGELIST, {"action": "take_out_of_service", "_selected_action": [planned.pk], "reason": "Noisy"})

    planned.refresh_from_db()
    assert planned.status == AssetStatus.OUT_OF_SERVICE
    assert "Say why" in refused.text
    trail = list(StatusChange.objects.filter(asset=planned).order_by("pk").values_list("to_status", "reason"))
    assert trail == [("in_service", "Put in service"), ("out_of_service", "Noisy")]


def test_refused_transition_in_an_action_is_reported_not_raised(world, admin_client_for):
    planned = AssetFactory(site=world.home, status=AssetStatus.PLANNED, asset_tag="PLAN-1")
    client = admin_client_for(world.admin)

    response = client.post(
        CHANGELIST, {"action": "take_out_of_service", "_selected_action": [planned.pk], "reason": "x"}, follow=True
    )

    assert response.status_code == 200
    assert "PLAN-1: to_status" in response.text
    planned.refresh_from_db()
    assert planned.status == AssetStatus.PLANNED


def test_finance_has_no_lifecycle_actions(world, admin_client_for):
    client = admin_client_for(world.finance)

    listing = client.get(CHANGELIST)

    choices = [value for value, _ in listing.context["action_form"].fields["action"].choices]
    assert "export_selected" in choices
    assert "put_in_service" not in choices and "delete_selected" not in choices


def test_export_selected_action_and_export_button_give_csv_of_what_is_shown(world, admin_client_for):
    client = admin_client_for(world.finance)

    selected = client.post(CHANGELIST, {"action": "export_selected", "_selected_action": [world.away_asset.pk]})
    filtered = client.get(reverse("admin:assetreg_asset_export"), {"site__id__exact": world.home.pk})
    listing = client.get(CHANGELIST, {"site__id__exact": world.home.pk})

    assert selected["Content-Type"].startswith("text/csv")
    assert "DEPOT-PUMP-1" in selected.content.decode() and "HQ-PUMP-1" not in selected.content.decode()
    body = filtered.content.decode("utf-8-sig")
    assert body.startswith("asset_tag,name,")
    assert "HQ-PUMP-1" in body and "DEPOT-PUMP-1" not in body
    assert f"export/?site__id__exact={world.home.pk}" in listing.text
    assert "Import CSV" in listing.text


def test_cost_of_an_asset_being_depreciated_cannot_change_in_the_admin(world, admin_client_for):
    from finance import services as finance_services

    finance_services.plan_for(world.home_asset)
    client = admin_client_for(world.finance)
    page = client.get(change_url(world.home_asset))

    response = client.post(change_url(world.home_asset), form_data(page, acquisition_cost="15000"))

    assert response.status_code == 200
    assert "Depreciation has started" in str(response.context["adminform"].form.errors["acquisition_cost"])
    assert Asset.objects.get(pk=world.home_asset.pk).acquisition_cost == Decimal("12000.0000")


def test_admin_save_with_a_warranty_ending_before_the_acquisition_is_a_field_error(world, admin_client_for):
    asset = world.home_asset
    client = admin_client_for(world.admin)
    page = client.get(change_url(asset))

    response = client.post(change_url(asset), form_data(page, warranty_end="2022-01-14"))  # acquired 15 Jan 2022

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["warranty_end"]
    assert "A warranty cannot end before the asset was acquired." in str(errors)
    asset.refresh_from_db()
    assert (asset.warranty_end, asset.version) == (None, 1)
