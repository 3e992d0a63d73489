"""A facility manager registers an asset in a real browser, finds it in the list and opens it.

Runs headless Chromium from the system (`/usr/bin/chromium`) against pytest-django's live server.
Set SCREENSHOT_DIR to keep screenshots of the list and asset page at phone and desktop widths.
"""

import os
from pathlib import Path

import pytest

from assetreg.choices import AssetKind
from tests.browsers import PASSWORD
from tests.factories import CategoryFactory, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facility_manager_registers_and_finds_an_equipment_asset(world, live_server, browser):
    CategoryFactory(name="Compressors", kind=AssetKind.EQUIPMENT)
    LocationFactory(site=world.home, code="PLANT", name="Plant room")
    world.facility_manager.first_name, world.facility_manager.last_name = "Fiona", "Marsh"
    world.facility_manager.save()
    shots = os.environ.get("SCREENSHOT_DIR")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "fm")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Fiona Marsh" in page.inner_text(".topbar")

    page.click("text=Assets")
    page.click("text=+ New asset")
    page.fill("#id_asset_tag", "hq-cmp-9")
    page.fill("#id_name", "Air compressor")
    page.select_option("#id_kind", AssetKind.EQUIPMENT)
    assert page.is_visible("fieldset[data-kind=equipment]")
    assert not page.is_visible("fieldset[data-kind=vehicle]")
    page.select_option("#id_category", label="Compressors")
    page.select_option("#id_site", label=str(world.home))
    page.select_option("#id_location", label="HQ · Plant room")
    page.fill("#id_manufacturer", "Atlas Copco")
    page.fill("#id_model_number", "GA 30")
    page.fill("#id_serial_number", "AC-55-1234")
    page.click("button:has-text('Register asset')")
    page.wait_for_selector("text=Asset HQ-CMP-9 was registered.")

    page.click("nav.mainnav >> text=Assets")
    page.click("#f-kind summary")
    page.check("#f-kind >> text=Equipment")
    page.fill("#f-q", "compressor")
    assert page.url.endswith("/assets/")  # choosing a filter does not reload the page; Apply does
    page.click("button:has-text('Apply')")
    page.wait_for_url("**kind=equipment**")
    assert "q=compressor" in page.url
    rows = page.locator("table.asset-table tbody tr")
    assert rows.count() == 1
    assert "HQ-CMP-9" in rows.first.inner_text()
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/flow-list-desktop.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{shots}/flow-list-phone.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    page.click("text=HQ-CMP-9")
    assert page.inner_text("h1") == "Air compressor"
    body = page.inner_text("main")
    for expected in ("Atlas Copco", "GA 30", "AC-55-1234", "Plant room", "Headquarters", "Planned"):
        assert expected in body
    if shots:
        page.screenshot(path=f"{shots}/flow-detail-desktop.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{shots}/flow-detail-phone.png", full_page=True)
