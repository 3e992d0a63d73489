"""Who may do what to an asset, in the web pages and the API alike (one table, one shared helper).

Roles (see tests/conftest.py `world`): the facility manager and technician work at HQ, finance and the auditor
see everything, the outsider is a facility manager at the depot. `home` is an asset at HQ, `away` one at the
depot.
"""

from datetime import date

import pytest

from assetreg.models import Asset
from tests.access_matrix import ANONYMOUS, check_matrix

pytestmark = pytest.mark.django_db

FM, TECH, FIN, AUD, OUT = "facility_manager", "technician", "finance", "auditor", "outsider"


def _api_version(world, asset):
    return Asset.objects.get(pk=asset.pk).version


ACTIONS = {
    "web": {
        "read home": lambda c, w: c.get(f"/assets/{w.home_asset.pk}/"),
        "read away": lambda c, w: c.get(f"/assets/{w.away_asset.pk}/"),
        "list": lambda c, w: c.get("/assets/"),
        "open create form": lambda c, w: c.get("/assets/new/"),
        "open edit form": lambda c, w: c.get(f"/assets/{w.home_asset.pk}/edit/"),
        "change status": lambda c, w: c.post(
            f"/assets/{w.home_asset.pk}/status/",
            {
                "to_status": "under_maintenance",
                "reason": "Bearing noise",
                "effective_date": date.today(),
                "version": _api_version(w, w.home_asset),
            },
        ),
        "download label": lambda c, w: c.get(f"/assets/{w.home_asset.pk}/label/"),
    },
    "api": {
        "read home": lambda c, w: c.get(f"/api/v1/assets/{w.home_asset.pk}/"),
        "read away": lambda c, w: c.get(f"/api/v1/assets/{w.away_asset.pk}/"),
        "list": lambda c, w: c.get("/api/v1/assets/"),
        "create": lambda c, w: c.post(
            "/api/v1/assets/",
            {
                "asset_tag": "HQ-NEW-1",
                "name": "Spare pump",
                "kind": "equipment",
                "category": w.home_asset.category_id,
                "site": w.home.pk,
                "manufacturer": "Grundfos",
            },
            format="json",
        ),
        "rename": lambda c, w: c.patch(
            f"/api/v1/assets/{w.home_asset.pk}/",
            {"name": "Feed pump A", "version": _api_version(w, w.home_asset)},
            format="json",
        ),
        "set cost": lambda c, w: c.patch(
            f"/api/v1/assets/{w.home_asset.pk}/",
            {"acquisition_cost": "13000.00", "version": _api_version(w, w.home_asset)},
            format="json",
        ),
        "change status": lambda c, w: c.post(
            f"/api/v1/assets/{w.home_asset.pk}/transition/",
            {"to_status": "under_maintenance", "reason": "Bearing noise"},
            format="json",
        ),
    },
}

# expected[(interface, action)][role] = status code
EXPECTED = {
    ("web", "read home"): {FM: 200, TECH: 200, FIN: 200, AUD: 200, OUT: 404, ANONYMOUS: 302},
    ("web", "read away"): {FM: 404, TECH: 404, FIN: 200, AUD: 200, OUT: 200, ANONYMOUS: 302},
    ("web", "list"): {FM: 200, TECH: 200, FIN: 200, AUD: 200, OUT: 200, ANONYMOUS: 302},
    ("web", "open create form"): {FM: 200, TECH: 403, FIN: 403, AUD: 403, OUT: 200, ANONYMOUS: 302},
    ("web", "open edit form"): {FM: 200, TECH: 403, FIN: 200, AUD: 403, OUT: 404, ANONYMOUS: 302},
    ("web", "change status"): {FM: 302, TECH: 403, FIN: 403, AUD: 403, OUT: 404, ANONYMOUS: 302},
    ("web", "download label"): {FM: 200, TECH: 200, FIN: 200, AUD: 200, OUT: 404, ANONYMOUS: 302},
    ("api", "read home"): {FM: 200, TECH: 200, FIN: 200, AUD: 200, OUT: 404, ANONYMOUS: 401},
    ("api", "read away"): {FM: 404, TECH: 404, FIN: 200, AUD: 200, OUT: 200, ANONYMOUS: 401},
    ("api", "list"): {FM: 200, TECH: 200, FIN: 200, AUD: 200, OUT: 200, ANONYMOUS: 401},
    ("api", "create"): {FM: 201, TECH: 403, FIN: 403, AUD: 403, OUT: 400, ANONYMOUS: 401},
    ("api", "rename"): {FM: 200, TECH: 403, FIN: 400, AUD: 403, OUT: 404, ANONYMOUS: 401},
    ("api", "set cost"): {FM: 400, TECH: 403, FIN: 200, AUD: 403, OUT: 404, ANONYMOUS: 401},
    ("api", "change status"): {FM: 200, TECH: 403, FIN: 403, AUD: 403, OUT: 404, ANONYMOUS: 401},
}


def test_every_role_gets_the_same_answer_in_the_web_pages_and_the_api(world):
    home_state = Asset.objects.filter(pk=world.home_asset.pk).values().get()

    def fresh_world():
        Asset.objects.filter(asset_tag="HQ-NEW-1").delete()
        Asset.objects.filter(pk=world.home_asset.pk).update(**{k: v for k, v in home_state.items() if k != "id"})

    check_matrix(world, ACTIONS, EXPECTED, fresh_world=fresh_world)


def test_lists_and_exports_leave_out_other_sites(world, client):
    client.force_login(world.facility_manager)

    web = client.get("/assets/").content.decode()
    export = b"".join(client.get("/assets/export.csv").streaming_content).decode()
    api = client.get("/api/v1/assets/").json()
    walk = client.get("/api/v1/assets/walk/").json()

    for seen in (web, export):
        assert world.home_asset.asset_tag in seen and world.away_asset.asset_tag not in seen
    assert [a["asset_tag"] for a in api["results"]] == [world.home_asset.asset_tag]
    assert [a["asset_tag"] for a in walk["results"]] == [world.home_asset.asset_tag]
