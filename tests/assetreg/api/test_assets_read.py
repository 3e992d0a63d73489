"""Reading assets through the API: scoping to the user's sites, delta sync, paging, lookup and query counts."""

import json
from datetime import timedelta

import pytest
import yaml
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from rest_framework import serializers
from rest_framework.utils import encoders

from assetreg import selectors, services
from assetreg.api.serializers import AssetOutputSerializer
from assetreg.choices import AssetStatus, LocationKind
from assetreg.labels import asset_label_url
from assetreg.models import Asset
from ledgerline import roles
from tests.factories import AssetFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

ASSETS = "/api/v1/assets/"


def tags(response):
    return [row["asset_tag"] for row in response.json()["results"]]


def test_without_a_token_the_api_answers_401(world, anonymous):
    response = anonymous.get(ASSETS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_technician_lists_only_assets_at_their_sites(world, api_as):
    response = api_as(world.technician).get(ASSETS)

    assert response.status_code == 200
    assert tags(response) == ["HQ-PUMP-1"]


@pytest.mark.parametrize("role", ["finance", "auditor", "admin"])
def test_finance_auditors_and_admins_list_every_site(world, api_as, role):
    response = api_as(world.user(role)).get(ASSETS)

    assert tags(response) == ["DEPOT-PUMP-1", "HQ-PUMP-1"]


def test_a_user_without_a_role_sees_nothing_even_at_an_assigned_site(world, api_as):
    nobody = UserFactory(username="nobody", sites=[world.home])

    response = api_as(nobody).get(ASSETS)

    assert response.status_code == 403
    assert "no role" in response.json()["detail"]


@pytest.mark.parametrize("role", ["facility_manager", "technician", "outsider"])
def test_an_asset_at_another_site_is_404_for_those_who_cannot_see_it(world, api_as, role):
    hidden = world.away_asset if role != "outsider" else world.home_asset

    response = api_as(world.user(role)).get(f"{ASSETS}{hidden.pk}/")

    assert response.status_code == 404


def test_an_asset_shows_natural_keys_money_as_strings_and_links(world, api_as, settings):
    settings.SITE_URL = "https://assets.example.org"
    building = LocationFactory(site=world.home, kind=LocationKind.BUILDING, code="MAIN", name="Main block")
    floor = LocationFactory(site=world.home, kind=LocationKind.FLOOR, parent=building, code="F2", name="Floor 2")
    room = LocationFactory(site=world.home, kind=LocationKind.ROOM, parent=floor, code="R201", name="Plant room")
    Asset.objects.filter(pk=world.home_asset.pk).update(location=room, custodian=world.technician)

    body = api_as(world.technician).get(f"{ASSETS}{world.home_asset.pk}/").json()

    assert body["site"] == {"id": world.home.pk, "code": "HQ", "name": "Headquarters"}
    assert body["category"]["name"] == "Pumps"
    assert body["location"]["path"] == "Main block › Floor 2 › Plant room"
    assert body["custodian"] == {"id": world.technician.pk, "username": "tech"}
    assert (body["acquisition_cost"], body["salvage_value"], body["currency"]) == ("12000.0000", "1200.0000", "EUR")
    assert body["status"] == "in_service"
    assert body["version"] == 1
    assert body["disposal"] is None
    assert body["links"] == {
        "web": f"https://assets.example.org/assets/{world.home_asset.pk}/",
        "qr": "https://assets.example.org/t/HQ-PUMP-1",
    }


def test_updated_since_lists_only_assets_changed_after_the_timestamp(world, api_as):
    AssetFactory.create_batch(3, site=world.home)
    last_sync = timezone.now() - timedelta(minutes=5)
    Asset.objects.update(updated_at=last_sync - timedelta(days=1))
    services.asset_update(
        actor=world.facility_manager, asset=world.home_asset, data={"name": "Boiler feed pump 2"}, expected_version=1
    )

    response = api_as(world.technician).get(ASSETS, {"updated_since": last_sync.isoformat()})

    assert response.status_code == 200
    assert tags(response) == ["HQ-PUMP-1"]


def test_a_malformed_updated_since_is_a_400_with_the_field_named(world, api_as):
    response = api_as(world.technician).get(ASSETS, {"updated_since": "last tuesday"})

    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_a_page_size_of_1000_is_capped_at_200(world, api_as):
    AssetFactory.create_batch(205, site=world.home)

    body = api_as(world.technician).get(ASSETS, {"page_size": 1000}).json()

    assert body["count"] == 206
    assert len(body["results"]) == 200
    assert body["next"] is not None


def test_pages_ordered_by_a_non_unique_field_neither_repeat_nor_skip_assets(world, api_as):
    AssetFactory.create_batch(7, site=world.home, name="Same name")
    client = api_as(world.technician)

    seen = []
    for page in (1, 2, 3):
        seen += tags(client.get(ASSETS, {"ordering": "name", "page_size": 3, "page": page}))

    assert sorted(seen) == sorted(Asset.objects.filter(site=world.home).values_list("asset_tag", flat=True))


def test_ordering_outside_the_whitelist_falls_back_to_asset_tag(world, api_as):
    AssetFactory(site=world.home, asset_tag="AAA-1", acquisition_cost="1", salvage_value="0")

    response = api_as(world.finance).get(ASSETS, {"ordering": "-acquisition_cost"})

    assert tags(response) == ["AAA-1", "DEPOT-PUMP-1", "HQ-PUMP-1"]


def test_filters_by_status_and_search(world, api_as):
    AssetFactory(site=world.home, asset_tag="HQ-FAN-1", name="Roof fan", status="out_of_service")
    client = api_as(world.facility_manager)

    assert tags(client.get(ASSETS, {"status": "out_of_service"})) == ["HQ-FAN-1"]
    assert tags(client.get(ASSETS, {"q": "feed pump"})) == ["HQ-PUMP-1"]


def test_status_kind_site_and_category_each_accept_several_values(world, api_as):
    AssetFactory(site=world.home, asset_tag="HQ-FAN-1", status="out_of_service")
    AssetFactory(site=world.home, asset_tag="HQ-VAN-1", vehicle=True, status="under_maintenance")
    client = api_as(world.finance)

    both = client.get(ASSETS + "?status=out_of_service&status=under_maintenance")
    kinds = client.get(ASSETS + "?kind=vehicle&kind=building")
    sites = client.get(ASSETS, {"site": [world.home.pk, world.away.pk]})
    category = world.home_asset.category.pk
    categories = client.get(ASSETS, {"category": [category, world.away_asset.category.pk]})

    assert sorted(tags(both)) == ["HQ-FAN-1", "HQ-VAN-1"]
    assert tags(kinds) == ["HQ-VAN-1"]
    assert sorted(tags(sites)) == ["DEPOT-PUMP-1", "HQ-FAN-1", "HQ-PUMP-1", "HQ-VAN-1"]
    assert {"HQ-PUMP-1", "DEPOT-PUMP-1"} <= set(tags(categories))


def test_the_schema_documents_the_multi_value_filters_as_repeatable(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", file=str(target))
    parameters = {p["name"]: p for p in yaml.safe_load(target.read_text())["paths"][ASSETS]["get"]["parameters"]}

    for name in ("status", "kind", "site", "category"):
        assert parameters[name]["schema"]["type"] == "array", name
        assert parameters[name]["explode"] is True, name
        assert "several" in parameters[name]["description"].lower(), name


def _rich_assets(world, count):
    building = LocationFactory(site=world.home, kind=LocationKind.BUILDING)
    floor = LocationFactory(site=world.home, kind=LocationKind.FLOOR, parent=building)
    room = LocationFactory(site=world.home, kind=LocationKind.ROOM, parent=floor)
    AssetFactory.create_batch(
        count - 1, site=world.home, location=room, parent=world.home_asset, custodian=world.technician
    )


def test_the_asset_list_runs_the_same_number_of_queries_for_1_and_for_50_assets(
    world, api_as, django_assert_num_queries
):
    client = api_as(world.technician)
    client.get(ASSETS)  # the token's first use records last_used_at; later uses within a minute do not

    # token, the user's other tokens (knox expiry sweep), roles, assigned sites, count, page; on PostgreSQL also
    # the savepoint, SET LOCAL and release of ledgerline.db.joins_as_written.
    expected = 6 + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(expected):
        one = client.get(ASSETS)
    _rich_assets(world, 50)
    with django_assert_num_queries(expected):
        fifty = client.get(ASSETS)

    assert (one.json()["count"], fifty.json()["count"]) == (1, 50)


def test_lookup_finds_an_asset_by_tag_in_any_case(world, api_as):
    response = api_as(world.technician).get(f"{ASSETS}lookup/", {"code": " hq-pump-1 "})

    assert response.status_code == 200
    assert response.json()["id"] == world.home_asset.pk


def test_lookup_accepts_what_scanning_a_label_returns(world, api_as, settings):
    settings.SITE_URL = "https://assets.example.org"
    label = api_as(world.technician).get(f"{ASSETS}{world.home_asset.pk}/").json()["links"]["qr"]

    response = api_as(world.technician).get(f"{ASSETS}lookup/", {"code": label})

    assert response.status_code == 200
    assert response.json()["asset_tag"] == "HQ-PUMP-1"


def test_lookup_of_another_sites_asset_is_404_and_of_nothing_400(world, api_as):
    client = api_as(world.technician)

    assert client.get(f"{ASSETS}lookup/", {"code": "DEPOT-PUMP-1"}).status_code == 404
    missing = client.get(f"{ASSETS}lookup/")
    assert missing.status_code == 400
    assert "code" in missing.json()


def test_a_role_granted_later_is_honoured_on_the_next_request(world, api_as):
    nobody = UserFactory(username="newbie", sites=[world.home])
    client = api_as(nobody)
    assert client.get(ASSETS).status_code == 403

    nobody.groups.add(Group.objects.get(name=roles.TECHNICIAN))

    assert tags(client.get(ASSETS)) == ["HQ-PUMP-1"]


def test_every_kind_of_list_row_is_what_drfs_own_rendering_gives(world, api_as, settings):
    """The list renders rows through a compiled plan and prefilled addresses; a client sees DRF's output unchanged."""

    class DrfRendering(AssetOutputSerializer):
        to_representation = serializers.Serializer.to_representation

        def get_links(self, asset):
            return {
                "web": django_settings.SITE_URL.rstrip("/") + asset.get_absolute_url(),
                "qr": asset_label_url(asset),
            }

    settings.SITE_URL = "https://assets.example.org/"
    _rich_assets(world, 3)
    AssetFactory(site=world.home, building=True, address="1 Main Street", floor_area_m2="1200.50", year_built=1999)
    AssetFactory(site=world.home, vehicle=True, asset_tag="VAN_7.A")
    gone = AssetFactory(site=world.home, status=AssetStatus.OUT_OF_SERVICE)
    services.asset_dispose(
        actor=world.facility_manager,
        asset=gone,
        disposal_date=gone.in_service_date + timedelta(days=400),
        method="sale",
        proceeds="250.50",
        reason="Sold",
    )

    body = api_as(world.facility_manager).get(ASSETS).json()

    expected = DrfRendering(
        selectors.assets_visible_to(world.facility_manager).select_related("disposal").order_by("asset_tag", "pk"),
        many=True,
    ).data
    assert len(body["results"]) == 6
    assert any(row["disposal"] for row in body["results"]) and any(row["parent"] for row in body["results"])
    assert body["results"] == json.loads(json.dumps(expected, cls=encoders.JSONEncoder))
