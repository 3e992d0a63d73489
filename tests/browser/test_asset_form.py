"""The asset form in a browser: the location picker follows the site, the categories follow the kind."""

import pytest

from assetreg.choices import AssetKind
from tests.browsers import log_in
from tests.factories import CategoryFactory, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _offered(page, selector):
    """The labels of the options a user can pick (hidden and disabled ones are not on offer)."""
    return page.eval_on_selector(
        selector, "s => Array.from(s.options).filter(o => !o.hidden && !o.disabled && o.value).map(o => o.text)"
    )


def test_the_location_picker_offers_the_chosen_sites_locations_and_categories_follow_the_kind(
    world, live_server, browser
):
    world.facility_manager.assigned_sites.add(world.away)
    LocationFactory(site=world.home, code="PLANT", name="Plant room")
    LocationFactory(site=world.away, code="YARD", name="Yard")
    CategoryFactory(name="Compressors", kind=AssetKind.EQUIPMENT)
    CategoryFactory(name="Vans", kind=AssetKind.VEHICLE)
    page = browser.new_page()
    log_in(page, live_server.url, "fm")
    page.goto(f"{live_server.url}/assets/new/")

    page.select_option("#id_site", label=str(world.away))
    assert _offered(page, "#id_location") == ["DEPOT · Yard"]
    page.select_option("#id_location", label="DEPOT · Yard")
    page.select_option("#id_site", label=str(world.home))
    assert _offered(page, "#id_location") == ["HQ · Plant room"]
    assert page.input_value("#id_location") == ""  # the yard is not at this site: the choice is cleared

    page.select_option("#id_kind", AssetKind.VEHICLE)
    assert "Vans" in _offered(page, "#id_category")
    assert "Compressors" not in _offered(page, "#id_category")
