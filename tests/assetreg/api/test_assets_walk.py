"""Walking the register by cursor (`/api/v1/assets/walk/`): every visible asset once, mid-walk changes, bad
cursors, the page cap and a query count that does not grow with the depth of the page."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from assetreg import services
from assetreg.models import Asset
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

WALK = "/api/v1/assets/walk/"


def cursor_of(body):
    return parse_qs(urlsplit(body["next"]).query)["cursor"][0]


def walk(client, params, between_pages=None):
    """Every row of a walk, following `next`; `between_pages(page_number)` runs after each page."""
    rows, page, url, query = [], 1, WALK, dict(params)
    while True:
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "results"}
        rows += body["results"]
        if body["next"] is None:
            return rows
        url, query = body["next"], None
        if between_pages:
            between_pages(page)
        page += 1


def test_walking_by_id_returns_every_visible_asset_once_and_none_from_another_site(world, api_as):
    AssetFactory.create_batch(11, site=world.home)
    AssetFactory.create_batch(4, site=world.away)

    rows = walk(api_as(world.facility_manager), {"page_size": 3})

    ids = [row["id"] for row in rows]
    assert ids == sorted(Asset.objects.filter(site=world.home).values_list("pk", flat=True))
    assert {row["site"]["code"] for row in rows} == {"HQ"}


def test_walking_by_id_while_assets_change_still_returns_each_asset_once_in_its_state_when_read(world, api_as):
    AssetFactory.create_batch(8, site=world.home)
    home = list(Asset.objects.filter(site=world.home).order_by("pk"))  # 9 assets: 3 pages of 3
    seen_first, unseen = home[0], home[-1]

    def change(page):
        if page == 1:  # one asset already read, one not yet reached
            for asset in (seen_first, unseen):
                services.asset_update(
                    actor=world.facility_manager, asset=asset, data={"department": "Moved"}, expected_version=1
                )

    rows = walk(api_as(world.facility_manager), {"page_size": 3}, between_pages=change)

    assert [row["id"] for row in rows] == [asset.pk for asset in home]
    versions = {row["id"]: row["version"] for row in rows}
    assert (versions[seen_first.pk], versions[unseen.pk]) == (1, 2)


def test_walking_by_last_change_hands_back_an_asset_changed_behind_the_cursor_once_more(world, api_as):
    AssetFactory.create_batch(8, site=world.home)
    old = timezone.now() - timedelta(days=1)
    home = list(Asset.objects.filter(site=world.home).order_by("pk"))
    for offset, asset in enumerate(home):  # distinct, known times: the walk's order is the id order here
        Asset.objects.filter(pk=asset.pk).update(updated_at=old + timedelta(seconds=offset))
    already_read, not_reached = home[1], home[7]

    def change(page):
        if page == 1:
            for asset in (already_read, not_reached):
                asset.refresh_from_db()
                services.asset_update(
                    actor=world.facility_manager, asset=asset, data={"department": "Moved"}, expected_version=1
                )

    rows = walk(api_as(world.facility_manager), {"page_size": 3, "ordering": "updated_at"}, between_pages=change)

    ids = [row["id"] for row in rows]
    unchanged = [asset.pk for asset in home if asset not in (already_read, not_reached)]
    assert sorted(set(ids)) == sorted(asset.pk for asset in home)
    assert all(ids.count(pk) == 1 for pk in unchanged)
    assert ids.count(already_read.pk) == 2 and ids.count(not_reached.pk) == 1
    assert ids[-2:] == [already_read.pk, not_reached.pk]  # both moved to the end, in (updated_at, id) order
    newest = {}
    for row in rows:
        newest[row["id"]] = max(newest.get(row["id"], 0), row["version"])
    assert newest == dict(Asset.objects.filter(site=world.home).values_list("pk", "version"))


def test_walking_by_last_change_neither_skips_nor_repeats_assets_changed_at_the_same_instant(world, api_as):
    AssetFactory.create_batch(9, site=world.home)
    Asset.objects.update(updated_at=timezone.now() - timedelta(hours=1))  # a bulk import: one timestamp for all

    rows = walk(api_as(world.finance), {"page_size": 4, "ordering": "updated_at"})

    assert [row["id"] for row in rows] == sorted(Asset.objects.values_list("pk", flat=True))


def test_the_walk_applies_the_lists_filters(world, api_as):
    AssetFactory.create_batch(3, site=world.home)
    last_sync = timezone.now() - timedelta(minutes=5)
    Asset.objects.update(updated_at=last_sync - timedelta(days=1))
    services.asset_update(
        actor=world.facility_manager, asset=world.home_asset, data={"name": "Renamed"}, expected_version=1
    )

    rows = walk(api_as(world.technician), {"ordering": "updated_at", "updated_since": last_sync.isoformat()})

    assert [row["asset_tag"] for row in rows] == ["HQ-PUMP-1"]


def test_a_page_size_of_1000_is_capped_at_200(world, api_as):
    AssetFactory.create_batch(205, site=world.home)

    body = api_as(world.technician).get(WALK, {"page_size": 1000}).json()

    assert len(body["results"]) == 200
    assert body["next"] is not None


@pytest.mark.parametrize(
    "garble",
    [
        lambda cursor: cursor[:-1] + ("A" if cursor[-1] != "A" else "B"),  # signature altered
        lambda cursor: "x" + cursor,  # payload altered
        lambda cursor: "not-a-cursor",
        lambda cursor: "%%%",
        lambda cursor: ":" * 40,
        lambda cursor: "\u00e9\u00e9:\u00e9",
    ],
    ids=["signature", "payload", "word", "percent", "colons", "non-ascii"],
)
def test_a_tampered_or_garbled_cursor_is_a_400_on_cursor(world, api_as, garble):
    AssetFactory.create_batch(3, site=world.home)
    client = api_as(world.technician)
    cursor = cursor_of(client.get(WALK, {"page_size": 2}).json())

    response = client.get(WALK, {"page_size": 2, "cursor": garble(cursor)})

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_cursor_made_for_another_ordering_is_a_400_and_an_unknown_ordering_too(world, api_as):
    AssetFactory.create_batch(3, site=world.home)
    client = api_as(world.technician)
    by_id = cursor_of(client.get(WALK, {"page_size": 2}).json())

    other = client.get(WALK, {"page_size": 2, "cursor": by_id, "ordering": "updated_at"})
    unknown = client.get(WALK, {"ordering": "name"})

    assert other.status_code == 400 and "ordering" in other.json()["cursor"][0]
    assert unknown.status_code == 400 and "ordering" in unknown.json()


def test_a_walk_page_runs_the_same_queries_at_any_depth_and_none_is_a_count_or_offset(
    world, api_as, django_assert_num_queries
):
    client = api_as(world.technician)
    client.get(WALK)  # the token's first use records last_used_at; later uses within a minute do not
    # token, the user's other tokens (knox expiry sweep), roles, assigned sites, page; on PostgreSQL also the
    # savepoint, SET LOCAL and release of ledgerline.db.joins_as_written.
    expected = 5 + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(expected):
        client.get(WALK, {"page_size": 5})
    AssetFactory.create_batch(40, site=world.home)
    deep = client.get(WALK, {"page_size": 5})
    for _ in range(5):
        deep = client.get(deep.json()["next"])

    with django_assert_num_queries(expected) as queries:
        last = client.get(deep.json()["next"])

    assert len(last.json()["results"]) == 5
    page_sql = queries.captured_queries[-1 if connection.vendor != "postgresql" else -2]["sql"].upper()
    assert "LIMIT 6" in page_sql and "OFFSET" not in page_sql and "COUNT(" not in page_sql
