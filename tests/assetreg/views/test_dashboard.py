"""The dashboard's "Recent status changes": only assets the user may see (the list's own scope), newest first by
the date the change took effect, which is the date the card shows."""

from datetime import date

import pytest
from django.urls import reverse

from assetreg import services
from assetreg.choices import AssetStatus
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def recent_changes_card(response) -> str:
    page = response.content.decode()
    return page[page.index('id="recent"') :]


def test_recent_status_changes_are_newest_first_by_the_date_they_took_effect(world, client_for):
    # Given two HQ assets: the later change is recorded first, the earlier one (backdated) after it
    later = AssetFactory(site=world.home, asset_tag="HQ-LATER", in_service_date=date(2022, 2, 1))
    earlier = AssetFactory(site=world.home, asset_tag="HQ-EARLIER", in_service_date=date(2022, 2, 1))
    fm = world.facility_manager
    services.asset_transition(
        actor=fm, asset=later, to_status=AssetStatus.OUT_OF_SERVICE, reason="Flooded", effective_date=date(2024, 5, 2)
    )
    services.asset_transition(
        actor=fm, asset=earlier, to_status=AssetStatus.OUT_OF_SERVICE, reason="Cracked", effective_date=date(2024, 3, 1)
    )

    # When the facility manager opens the dashboard
    card = recent_changes_card(client_for("facility_manager").get(reverse("dashboard")))

    # Then the change that took effect on 2 May comes before the one of 1 March
    assert card.index("HQ-LATER") < card.index("HQ-EARLIER")
    assert card.index("2 May 2024") < card.index("1 Mar 2024")


def test_recent_status_changes_show_nothing_from_another_site(world, client_for):
    # Given a change at the depot, with its reason, and one at HQ
    services.asset_transition(
        actor=world.outsider,
        asset=world.away_asset,
        to_status=AssetStatus.UNDER_MAINTENANCE,
        reason="Depot pump seized",
    )
    services.asset_transition(
        actor=world.facility_manager,
        asset=world.home_asset,
        to_status=AssetStatus.UNDER_MAINTENANCE,
        reason="HQ pump serviced",
    )

    # When HQ's facility manager and technician open the dashboard
    for role in ("facility_manager", "technician"):
        card = recent_changes_card(client_for(role).get(reverse("dashboard")))

        # Then they see HQ's change but neither the depot's asset, its tag nor its reason
        assert "HQ pump serviced" in card
        assert "DEPOT-PUMP-1" not in card
        assert "Wash bay pump" not in card
        assert "Depot pump seized" not in card

    # While finance, who sees every site, sees both
    card = recent_changes_card(client_for("finance").get(reverse("dashboard")))
    assert "Depot pump seized" in card and "HQ pump serviced" in card


@pytest.mark.parametrize(
    ("role", "scope"), [("facility_manager", "your sites"), ("technician", "your sites"), ("auditor", "all sites")]
)
def test_the_dashboard_says_which_sites_it_covers(world, client_for, role, scope):
    page = client_for(role).get(reverse("dashboard")).content.decode()

    assert f"The register at {scope}" in page
