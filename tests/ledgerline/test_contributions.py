"""A new app adds a nav entry, an asset-page panel, a dashboard card and list/export columns without editing the
register: the register's pages render whatever is registered, in order, for the users allowed to see it."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from ledgerline import contributions
from ledgerline.contributions import AssetColumn, AssetExportColumn, AssetPanel, DashboardCard, NavEntry, registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_contributions(settings, tmp_path):
    """Contributions registered in a test are gone after it; templates may be written to `tmp_path`."""
    kinds = [registry.nav_entries, registry.asset_panels, registry.dashboard_cards, registry.asset_columns]
    kinds.append(registry.export_columns)
    saved = [dict(kind.items) for kind in kinds]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    yield tmp_path
    for kind, items in zip(kinds, saved, strict=True):
        kind.items = items


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def is_facility_manager(user):
    return user.groups.filter(name="Facility manager").exists()


def test_a_new_app_adds_its_parts_to_the_register_pages(world, fresh_contributions):
    (fresh_contributions / "wo_panel.html").write_text('<section id="work-orders">Open work orders: {{ n }}</section>')
    (fresh_contributions / "wo_card.html").write_text('<section id="wo-card">Overdue: {{ overdue }}</section>')
    contributions.add_nav_entry(
        NavEntry(key="maint.orders", label="Work orders", url_name="assetreg:site_list", order=35)
    )
    contributions.add_asset_panel(
        AssetPanel(key="maint.orders", template="wo_panel.html", context=lambda user, asset: {"n": 3}, slot="side")
    )
    contributions.add_dashboard_card(
        DashboardCard(
            key="maint.card",
            template="wo_card.html",
            context=lambda user, today: {"overdue": 2},
            visible=is_facility_manager,
        )
    )
    contributions.add_asset_column(
        AssetColumn(key="maint.next", label="Next service", values=lambda user, assets: {a.pk: "soon" for a in assets})
    )
    contributions.add_export_column(
        AssetExportColumn(header="next_service", values=lambda user, assets, as_of: {a.pk: "soon" for a in assets})
    )
    manager, auditor = client_for(world.facility_manager), client_for(world.auditor)

    page = manager.get(world.home_asset.get_absolute_url()).text
    listing = manager.get(reverse("assetreg:asset_list"))
    export = list(
        csv.reader(io.StringIO(b"".join(manager.get(reverse("assetreg:asset_export")).streaming_content).decode()))
    )

    assert '<section id="work-orders">Open work orders: 3</section>' in page
    assert page.index('id="h-documents"') < page.index('id="work-orders"') < page.index('id="h-audit"')  # side
    nav = [link.label for link in registry.nav_links(world.facility_manager, "assetreg:asset_list")]
    assert nav.index("Sites") < nav.index("Work orders")
    assert ">Work orders</a>" in page
    assert "Overdue: 2" in manager.get(reverse("dashboard")).text
    assert "Overdue: 2" not in auditor.get(reverse("dashboard")).text  # not visible to this role
    assert ">Next service</th>" in listing.text and '<td data-label="Next service" class="nowrap">soon</td>' in (
        listing.text
    )
    assert export[0][-1] == "next_service" and export[1][-1] == "soon"


def test_the_current_page_is_marked_in_the_navigation(world):
    def current(view_name):
        return [link.label for link in registry.nav_links(world.finance, view_name) if link.current]

    assert current("dashboard") == ["Dashboard"]
    assert current("assetreg:asset_detail") == ["Assets"]
    assert current("finance:asset_schedule") == ["Assets"]  # an asset's page in another app
    assert current("finance:run_detail") == ["Valuation runs"]
    assert current("assetreg:location_detail") == ["Sites"]
    assert current("") == []


def test_order_then_registration_and_the_same_key_replaces(world, fresh_contributions):
    for key, order in (("b", 100), ("a", 100), ("c", 1)):
        contributions.add_asset_column(
            AssetColumn(key=f"t.{key}", label=key, values=lambda user, assets: {}, order=order)
        )
    contributions.add_asset_column(AssetColumn(key="t.b", label="B again", values=lambda user, assets: {}))

    labels = [c.label for c in registry.list_columns(world.finance) if c.key.startswith("t.")]

    assert labels == ["c", "B again", "a"]


def test_a_column_is_asked_once_for_a_whole_page(world, fresh_contributions):
    from tests.factories import AssetFactory

    AssetFactory.create_batch(12, site=world.home)
    calls = []

    def values(user, assets):
        calls.append(len(assets))
        return {}

    contributions.add_asset_column(AssetColumn(key="t.count", label="Counted", values=values))
    response = client_for(world.facility_manager).get(reverse("assetreg:asset_list"))

    assert calls == [13]
    assert '<td data-label="Counted" class="nowrap">—</td>' in response.text  # no value: a dash
