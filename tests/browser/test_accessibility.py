"""axe-core finds no accessibility violation on the app's main pages, as each role that sees them.

axe-playwright-python bundles axe-core (no download); every rule axe runs by default applies (WCAG 2 A and
AA, and axe's best practices). The pages are checked at desktop width, and at phone width for the role that
sees them all, with real data on them.
"""

from datetime import date
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from assetreg.choices import AssetStatus, DepreciationMethod, LocationKind
from finance import services as finance_services
from tests.browsers import log_in
from tests.factories import AssetFactory, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READERS = ("facility_manager", "technician", "finance", "auditor", "admin")
USERNAMES = {"facility_manager": "fm", "technician": "tech", "finance": "fin", "auditor": "aud", "admin": "root"}


def _register(world):
    """A location tree, a valued asset with a posted month, and enough assets for the list to have pages."""
    building = LocationFactory(site=world.home, kind=LocationKind.BUILDING, code="MAIN", name="Main block")
    room = LocationFactory(site=world.home, kind=LocationKind.ROOM, code="PLANT", name="Plant room", parent=building)
    valued = AssetFactory(
        site=world.home,
        location=room,
        asset_tag="HQ-CHILLER-1",
        name="Chiller",
        acquisition_date=date(2023, 12, 20),
        in_service_date=date(2024, 1, 1),
        acquisition_cost=Decimal("10000.00"),
        salvage_value=Decimal("1000.00"),
        useful_life_months=60,
        depreciation_method=DepreciationMethod.STRAIGHT_LINE,
        status=AssetStatus.IN_SERVICE,
        warranty_end=date(2030, 1, 1),
    )
    AssetFactory.create_batch(55, site=world.home, location=room)
    run = finance_services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)
    return {"valued": valued, "room": room, "run": run}


def _pages(world, data):
    """(name, url, roles that see it)."""
    valued = data["valued"]
    return [
        ("dashboard", reverse("dashboard"), READERS),
        ("asset list", reverse("assetreg:asset_list"), READERS),
        ("asset list, filtered", reverse("assetreg:asset_list") + "?status=in_service&col=serial&page=1", READERS),
        ("asset page", reverse("assetreg:asset_detail", args=[valued.pk]), READERS),
        ("new asset form", reverse("assetreg:asset_create"), ("facility_manager", "admin")),
        ("asset form", reverse("assetreg:asset_edit", args=[valued.pk]), ("facility_manager", "finance", "admin")),
        ("sites", reverse("assetreg:site_list"), READERS),
        ("site", reverse("assetreg:site_detail", args=[world.home.pk]), READERS),
        ("location", reverse("assetreg:location_detail", args=[data["room"].pk]), READERS),
        ("schedule", reverse("finance:asset_schedule", args=[valued.pk]), READERS),
        ("runs", reverse("finance:run_list"), ("finance", "auditor", "admin")),
        ("run", reverse("finance:run_detail", args=[data["run"].pk]), ("finance", "auditor", "admin")),
    ]


def _violations(page, axe):
    results = axe.run(page)
    return results.response["violations"], results.generate_report()


def test_the_login_page_has_no_accessibility_violation(live_server, browser):
    page = browser.new_page()
    axe = Axe()
    page.goto(f"{live_server.url}/accounts/login/")
    violations, report = _violations(page, axe)
    assert violations == [], report
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    page.wait_for_selector(".form-errors")
    violations, report = _violations(page, axe)
    assert violations == [], report


@pytest.mark.parametrize("role", READERS)
def test_the_main_pages_have_no_accessibility_violation(world, live_server, browser, role):
    data = _register(world)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    axe = Axe()
    log_in(page, live_server.url, USERNAMES[role])

    found = {}
    for name, url, roles in _pages(world, data):
        if role not in roles:
            continue
        # Every role at desktop width; the admin, who sees every page, also at phone width (the layout differs).
        for width in (1280, 390) if role == "admin" else (1280,):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, (name, role)
            violations, report = _violations(page, axe)
            if violations:
                found[f"{name} at {width}px"] = report
    assert found == {}, "\n\n".join(f"== {name} ==\n{report}" for name, report in found.items())


def _contrast(rgb_a: str, rgb_b: str) -> float:
    """WCAG contrast ratio of two CSS `rgb(r, g, b)` colours."""

    def luminance(rgb: str) -> float:
        channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_keyboard_focus_ring_stands_out_from_the_page(world, live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "fm")
    page.goto(f"{live_server.url}/assets/")

    for selector, background in (("#f-q", "rgb(255, 255, 255)"), ("td.tag a", "rgb(255, 255, 255)")):
        page.focus(selector)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, as :focus-visible expects
        style = page.eval_on_selector(
            selector, "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
        )
        assert style[0] == "solid" and float(style[1].rstrip("px")) >= 2, selector
        assert _contrast(style[2], background) >= 3, (selector, style)  # WCAG 2.4.11/1.4.11: 3:1
