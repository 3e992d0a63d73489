"""Every page renders for the people allowed to see it, inside the product layout."""

import html
import re

import pytest
from django.urls import reverse

from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

READERS = ["facility_manager", "technician", "finance", "auditor", "admin"]


def shown_user(response) -> str:
    """The name in the top bar's user box: who the page says is logged in."""
    match = re.search(r'<div class="who">\s*<strong>(.*?)</strong>', response.text, re.S)
    assert match, "the page has no user box"
    return html.unescape(match.group(1)).strip()


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("full_name", [("", ""), ("Ada", "Lovelace")], ids=["no name", "named"])
def test_read_pages_render_for_every_role_with_access(world, client_for, role, full_name):
    location = LocationFactory(site=world.home, code="MAIN", name="Main block")
    user = world.user(role)
    user.first_name, user.last_name = full_name
    user.save()
    expected_name = " ".join(full_name).strip() or user.get_username()  # the full name, else the user name
    client = client_for(role)
    urls = [
        reverse("dashboard"),
        reverse("assetreg:asset_list"),
        reverse("assetreg:asset_detail", args=[world.home_asset.pk]),
        reverse("assetreg:asset_label", args=[world.home_asset.pk]),
        reverse("assetreg:site_list"),
        reverse("assetreg:site_detail", args=[world.home.pk]),
        reverse("assetreg:location_detail", args=[location.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Ledgerline" in response.text
        assert shown_user(response) == expected_name, url


def test_pages_require_login(world, client):
    response = client.get(reverse("assetreg:asset_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_shows_counts_cost_and_expiring_warranties(world, client_for):
    from datetime import timedelta

    from django.utils import timezone

    world.home_asset.warranty_end = timezone.localdate() + timedelta(days=10)
    world.home_asset.save()

    response = client_for("facility_manager").get(reverse("dashboard"))

    assert "EUR 12,000.00" in response.text
    assert "Warranties ending within 30 days" in response.text
    assert "HQ-PUMP-1" in response.text
    assert "DEPOT-PUMP-1" not in response.text


def test_top_bar_shows_user_role_and_logout(world, client_for):
    response = client_for("technician").get(reverse("dashboard"))

    assert "Technician" in response.text
    assert "Log out" in response.text
    assert f'action="{reverse("logout")}"' in response.text


def test_unknown_page_is_a_404_in_the_layout(world, client_for):
    response = client_for("facility_manager").get("/assets/999999/")

    assert response.status_code == 404
    assert "Nothing here" in response.text
    assert "Log out" in response.text


def test_site_detail_shows_location_tree_and_status_counts(world, client_for):
    building = LocationFactory(site=world.home, code="MAIN", name="Main block")
    LocationFactory(site=world.home, code="MAIN-1", name="Ground floor", kind="floor", parent=building)

    response = client_for("facility_manager").get(reverse("assetreg:site_detail", args=[world.home.pk]))

    assert "Main block" in response.text
    assert "Ground floor" in response.text
    assert f"?site={world.home.pk}" in response.text
    assert response.context["total"] == 1


def test_location_detail_shows_breadcrumb_children_and_assets(world, client_for):
    building = LocationFactory(site=world.home, code="MAIN", name="Main block")
    floor = LocationFactory(site=world.home, code="MAIN-1", name="Ground floor", kind="floor", parent=building)
    room = LocationFactory(site=world.home, code="MAIN-1-01", name="Plant room", kind="room", parent=floor)
    world.home_asset.location = room
    world.home_asset.save()

    client = client_for("facility_manager")
    floor_page = client.get(reverse("assetreg:location_detail", args=[floor.pk]))
    room_page = client.get(reverse("assetreg:location_detail", args=[room.pk]))

    assert "Plant room" in floor_page.text
    assert [a.name for a in room_page.context["ancestors"]] == ["Main block", "Ground floor"]
    assert "HQ-PUMP-1" in room_page.text


def test_other_sites_and_their_locations_are_hidden(world, client_for):
    away_location = LocationFactory(site=world.away, code="WASH", name="Wash bay")
    client = client_for("facility_manager")

    assert "North Depot" not in client.get(reverse("assetreg:site_list")).text
    assert client.get(reverse("assetreg:site_detail", args=[world.away.pk])).status_code == 404
    assert client.get(reverse("assetreg:location_detail", args=[away_location.pk])).status_code == 404
