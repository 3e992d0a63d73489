"""The asset list in a browser: dense rows, tags on one line, a column chooser and filters kept in the URL."""

import os

import pytest

from assetreg.choices import AssetStatus
from tests.browsers import log_in
from tests.factories import AssetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _lines(page, selector):
    """How many text lines the first element matching `selector` takes."""
    return page.eval_on_selector(
        selector,
        "e => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))",
    )


def test_a_laptop_screen_shows_dozens_of_rows_and_a_long_tag_stays_on_one_line(world, live_server, browser):
    AssetFactory(
        site=world.home,
        asset_tag="HQ-COMPRESSOR-ROOM-12",
        name="Air compressor for the paint shop and the body repair line, second of three",
    )
    AssetFactory.create_batch(40, site=world.home)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_server.url, "fm")

    page.goto(
        f"{live_server.url}/assets/?col=tag&col=name&col=category&col=kind&col=status&col=site&col=location"
        "&col=acquired&col=updated&col=serial&col=make&col=warranty"
    )
    visible = page.eval_on_selector_all(
        "table.asset-table tbody tr", "rows => rows.filter(r => r.getBoundingClientRect().bottom <= innerHeight).length"
    )
    assert visible >= 15  # the list of two-line rows before showed about five
    assert _lines(page, "td.tag a >> text=HQ-COMPRESSOR-ROOM-12") == 1
    if shots := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{shots}/list-laptop.png")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: each row is a card
    assert _lines(page, "td.tag a >> text=HQ-COMPRESSOR-ROOM-12") == 1
    assert page.eval_on_selector("body", "b => b.scrollWidth <= innerWidth")  # nothing runs off the side
    if shots:
        page.screenshot(path=f"{shots}/list-phone.png")


def test_columns_and_several_statuses_are_chosen_with_check_boxes_and_kept_in_the_url(world, live_server, browser):
    AssetFactory(site=world.home, asset_tag="HQ-GEN-1", serial_number="SN-4711", status=AssetStatus.UNDER_MAINTENANCE)
    AssetFactory(site=world.home, asset_tag="HQ-FAN-1", status=AssetStatus.OUT_OF_SERVICE)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "fm")
    page.goto(f"{live_server.url}/assets/")

    page.click("#f-columns summary")
    page.check("#f-columns >> text=Serial number")
    page.uncheck("#f-columns >> text=Updated")
    page.click("#f-status summary")
    page.check("#f-status >> text=Under maintenance")
    page.check("#f-status >> text=Out of service")
    page.click("button:has-text('Apply')")
    page.wait_for_url("**col=serial**")

    headers = page.locator("table.asset-table thead th").all_inner_texts()
    assert "SERIAL NUMBER" in [h.strip().upper() for h in headers]
    assert "UPDATED" not in [h.strip().upper() for h in headers]
    assert sorted(page.locator("td.tag").all_inner_texts()) == ["HQ-FAN-1", "HQ-GEN-1"]
    assert "SN-4711" in page.inner_text("table.asset-table")

    page.click("th >> text=Serial number")  # sorting keeps the columns and the filters
    page.wait_for_url("**sort=serial**")
    assert "col=serial" in page.url and "status=under_maintenance" in page.url and "status=out_of_service" in page.url
    assert page.locator("#f-status summary").inner_text().endswith("2 selected")
