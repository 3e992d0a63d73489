"""Recording revaluations, impairments, reversals and improvements through the web forms."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assetreg.choices import AssetStatus
from finance.choices import EntryKind
from finance.models import ValueEntry
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("asset_revalue", "asset_impair", "asset_reverse_impairment", "asset_improve")


def url(name, asset):
    return reverse(f"finance:{name}", args=[asset.pk])


def test_finance_revalues_with_an_appraisal_report_and_lands_on_the_asset_page(
    world, client_for, textbook_asset, post_through
):
    post_through(date(2024, 12, 1))
    client = client_for("finance")
    assert "Fair value (EUR)" in client.get(url("asset_revalue", textbook_asset)).text

    response = client.post(
        url("asset_revalue", textbook_asset),
        {
            "entry_date": "2025-01-10",
            "fair_value": "9160.00",
            "appraiser": "Knight Frank",
            "reason": "Market appraisal",
            "evidence": SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf"),
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == textbook_asset.get_absolute_url() + "#value"
    assert "TB-1 was revalued to EUR 9,160.00." in response.text
    entry = ValueEntry.objects.get(asset=textbook_asset, kind=EntryKind.REVALUATION)
    assert (entry.amount, entry.reserve_change, entry.appraiser) == (
        Decimal("960.00"),
        Decimal("960.00"),
        "Knight Frank",
    )
    assert entry.evidence.read() == b"%PDF-1.4 report"
    assert reverse("finance:value_evidence", args=[textbook_asset.pk, entry.pk]) in response.text


def test_a_date_in_a_posted_period_is_shown_next_to_the_date_and_nothing_is_recorded(
    world, client_for, textbook_asset, post_through
):
    post_through(date(2024, 6, 1))

    response = client_for("finance").post(
        url("asset_revalue", textbook_asset),
        {
            "entry_date": "2024-06-15",
            "fair_value": "9000",
            "appraiser": "A",
            "reason": "Late",
        },
    )

    assert response.status_code == 200
    assert "Nothing was recorded." in response.text
    error = response.text[response.text.index('id="id_entry_date_error"') :][:200]
    assert "falls in a posted period" in error and "June 2024" in error
    assert not ValueEntry.objects.filter(asset=textbook_asset, kind=EntryKind.REVALUATION).exists()


def test_missing_and_malformed_input_is_reported_by_field(world, client_for, textbook_asset):
    response = client_for("finance").post(
        url("asset_revalue", textbook_asset),
        {
            "entry_date": "2024-02-30",
            "fair_value": "lots",
            "appraiser": "",
            "reason": "x",
            "evidence": SimpleUploadedFile("report.exe", b"MZ", content_type="application/octet-stream"),
        },
    )

    html = response.text
    for field in ("entry_date", "fair_value", "appraiser", "evidence"):
        assert f'id="id_{field}_error"' in html, field
    assert "Files of this type cannot be attached" in html
    assert not ValueEntry.objects.filter(asset=textbook_asset).exists()


def test_impairment_then_its_reversal_capped_by_the_service(world, client_for, textbook_asset, post_through):
    post_through(date(2024, 12, 1))
    client = client_for("finance")
    response = client.post(
        url("asset_impair", textbook_asset),
        {
            "entry_date": "2025-01-05",
            "recoverable_amount": "5800",
            "reason": "Flood damage",
        },
    )
    assert response.status_code == 302
    post_through(date(2025, 6, 1))

    too_much = client.post(
        url("asset_reverse_impairment", textbook_asset),
        {
            "entry_date": "2025-07-01",
            "amount": "2100.01",
            "reason": "Repaired",
        },
    )
    assert 'id="id_amount_error"' in too_much.text and "At most 2100.00 can be reversed" in too_much.text

    done = client.post(
        url("asset_reverse_impairment", textbook_asset),
        {
            "entry_date": "2025-07-01",
            "amount": "2100",
            "reason": "Repaired",
        },
        follow=True,
    )
    assert "its book value is now EUR 7,300.00" in done.text


def test_an_improvement_with_a_new_life(world, client_for, textbook_asset, post_through):
    post_through(date(2024, 12, 1))

    response = client_for("finance").post(
        url("asset_improve", textbook_asset),
        {
            "entry_date": "2025-01-15",
            "added_cost": "4800",
            "new_useful_life_months": "60",
            "reason": "New motor",
        },
        follow=True,
    )

    assert "its book value is now EUR 13,000.00" in response.text
    assert ValueEntry.objects.get(asset=textbook_asset, kind=EntryKind.IMPROVEMENT).amount == Decimal("4800.00")


def test_an_asset_that_is_not_in_service_is_refused_with_the_reason(world, client_for):
    planned = AssetFactory(site=world.home, asset_tag="HQ-NEW-1", status=AssetStatus.PLANNED, in_service_date=None)
    assert "only an asset in service" in client_for("finance").get(url("asset_impair", planned)).text

    response = client_for("finance").post(
        url("asset_impair", planned),
        {
            "entry_date": "2025-01-05",
            "recoverable_amount": "10",
            "reason": "x",
        },
    )

    assert response.status_code == 200
    assert "can be revalued, impaired or improved" in response.text


@pytest.mark.parametrize("role", ["technician", "facility_manager", "auditor"])
def test_only_finance_may_change_a_value(world, client_for, textbook_asset, role):
    client = client_for(role)
    for name in ACTIONS:
        assert client.get(url(name, textbook_asset)).status_code == 403, name
        assert client.post(url(name, textbook_asset), {"entry_date": "2025-01-05", "reason": "x"}).status_code == 403
    assert not ValueEntry.objects.exists()


def test_an_asset_at_another_site_is_not_found(world, client_for, textbook_asset):
    client = client_for("outsider")
    for name in ACTIONS:
        assert client.get(url(name, textbook_asset)).status_code == 404, name
