"""The Value section of the asset page, the full schedule and the evidence download."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assetreg import services as register
from assetreg.choices import AssetStatus
from finance import selectors, services
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def asset_page(client, asset):
    response = client.get(reverse("assetreg:asset_detail", args=[asset.pk]))
    assert response.status_code == 200
    return response.text


def value_section(html):
    return html[html.index('id="value"') : html.index("</section>", html.index('id="value"'))]


def chart_points(html, css_class):
    found = re.search(rf'class="{css_class}" points="([^"]+)"', html)
    return found.group(1).split() if found else []


def test_everyone_who_sees_the_asset_sees_its_book_value_schedule_and_chart(
    world, client_for, textbook_asset, post_through
):
    post_through(date(2024, 12, 1))
    today_value = selectors.book_value_as_of(textbook_asset, timezone.localdate())

    section = value_section(asset_page(client_for("technician"), textbook_asset))

    assert "Book value today" in section and f"{today_value.rounded().amount:,.2f}" in section
    assert "Accumulated depreciation" in section and "1,800.00" in section
    assert "Straight line" in section and "60 months" in section and "EUR 1,000.00" in section
    assert "posted through" in section.lower() and "December 2024" in section
    # The last 12 posted months and the next 12 planned ones, with a link to all 60.
    assert "Jan 2024" in section and "Dec 2024" in section and "8,200.00" in section
    assert "Dec 2025" in section and "Jan 2026" not in section
    assert "Show all 60 months" in section
    assert reverse("finance:asset_schedule", args=[textbook_asset.pk]) in section
    # The chart: an opening point and 12 posted month ends, then the 48 planned months dashed.
    assert len(chart_points(section, "line-posted")) == 13
    assert len(chart_points(section, "line-planned")) == 49
    # Only finance staff get the actions.
    assert "Revalue" not in section


def test_finance_gets_the_value_actions_and_reverse_only_after_an_impairment(
    world, client_for, textbook_asset, post_through
):
    post_through(date(2024, 12, 1))
    client = client_for("finance")
    section = value_section(asset_page(client, textbook_asset))
    for name in ("asset_revalue", "asset_impair", "asset_improve"):
        assert reverse(f"finance:{name}", args=[textbook_asset.pk]) in section
    assert reverse("finance:asset_reverse_impairment", args=[textbook_asset.pk]) not in section

    services.asset_impair(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2025, 1, 5),
        recoverable_amount="5800",
        reason="Flood damage",
    )

    section = value_section(asset_page(client, textbook_asset))
    assert reverse("finance:asset_reverse_impairment", args=[textbook_asset.pk]) in section
    assert "Flood damage" in section and "-2,400.00" in section and "5,800.00" in section
    assert 'class="event event-impairment"' in section


def test_a_revaluation_is_listed_with_its_appraiser_and_evidence_which_readers_can_download(
    world, client_for, textbook_asset, post_through
):
    post_through(date(2024, 12, 1))
    report = SimpleUploadedFile("appraisal.pdf", b"%PDF-1.4 appraisal", content_type="application/pdf")
    entry = services.asset_revalue(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2025, 1, 10),
        fair_value="9160.00",
        reason="Market appraisal",
        appraiser="Knight Frank",
        evidence=report,
    )
    evidence_url = reverse("finance:value_evidence", args=[textbook_asset.pk, entry.pk])

    section = value_section(asset_page(client_for("auditor"), textbook_asset))

    assert "Revaluation" in section and "Knight Frank" in section and "+960.00" in section
    assert "Revaluation reserve" in section and "960.00" in section
    assert evidence_url in section
    download = client_for("auditor").get(evidence_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 appraisal"
    assert download["Content-Type"] == "application/pdf"
    assert client_for("outsider").get(evidence_url).status_code == 404


def test_a_disposed_asset_shows_the_disposal_result_and_no_months_to_come(
    world, client_for, textbook_asset, post_through
):
    post_through(date(2024, 6, 1))
    register.asset_transition(
        actor=world.facility_manager,
        asset=textbook_asset,
        to_status=AssetStatus.OUT_OF_SERVICE,
        reason="Replaced",
        effective_date=date(2024, 7, 1),
    )
    textbook_asset.refresh_from_db()
    register.asset_dispose(
        actor=world.facility_manager,
        asset=textbook_asset,
        disposal_date=date(2024, 7, 15),
        method="sale",
        proceeds="8000",
        reason="Sold to a dealer",
    )
    textbook_asset.refresh_from_db()
    disposal = selectors.asset_value_events(textbook_asset).get(kind="disposal")
    book_value = Decimal(disposal.details["book_value"])

    section = value_section(asset_page(client_for("facility_manager"), textbook_asset))

    assert "Disposal result" in section
    assert "EUR 8,000.00" in section
    assert f"EUR {book_value:,.2f}" in section
    assert f"EUR {Decimal('8000') - book_value:,.2f}" in section and "Loss" in section
    assert "Planned" not in section and "line-planned" not in section
    assert '<span class="l">Book value today</span>' in section
    assert re.search(r"<small>EUR</small> 0\.00</span>\s*<span class=\"l\">Book value today", section)


def test_an_asset_not_in_service_yet_says_so(world, client_for):
    planned = AssetFactory(site=world.home, asset_tag="HQ-NEW-1", status=AssetStatus.PLANNED, in_service_date=None)

    section = value_section(asset_page(client_for("facility_manager"), planned))

    assert "Not valued yet" in section
    assert "<svg" not in section
    in_service = value_section(asset_page(client_for("facility_manager"), world.home_asset))
    assert "made by the next posting run" in in_service


def test_the_full_schedule_lists_every_month_by_year_with_totals(world, client_for, textbook_asset, post_through):
    post_through(date(2024, 12, 1))

    response = client_for("technician").get(reverse("finance:asset_schedule", args=[textbook_asset.pk]))

    assert response.status_code == 200
    html = response.text
    assert html.count('class="is-posted"') == 12 and html.count('class="is-planned"') == 48
    assert "Total 2024" in html and "Total 2028" in html and "1,800.00" in html
    assert "EUR 9,000.00 of depreciation in all" in html
    assert client_for("outsider").get(reverse("finance:asset_schedule", args=[textbook_asset.pk])).status_code == 404


def test_the_asset_page_runs_the_same_number_of_queries_for_3_or_24_posted_months(
    world, client_for, textbook_asset, post_through
):
    client = client_for("finance")
    services.asset_impair(
        actor=world.finance,
        asset=textbook_asset,
        entry_date=date(2024, 1, 20),
        recoverable_amount="9500",
        reason="Scratched",
    )
    post_through(date(2024, 3, 1))
    asset_page(client, textbook_asset)  # warm up the session and caches

    with CaptureQueriesContext(connection) as few_months:
        html = asset_page(client, textbook_asset)
    assert html.count('class="is-posted"') == 3
    post_through(date(2025, 12, 1))
    with CaptureQueriesContext(connection) as many_months:
        html = asset_page(client, textbook_asset)

    assert html.count('class="is-posted"') == 12
    assert len(many_months.captured_queries) == len(few_months.captured_queries)
