"""The valuation engine's rows of the access matrix (see `tests/access_matrix.py`): depreciation plans, the value
ledger and its corrections, value events (revalue, impair, reverse an impairment, improve, dispose), depreciation
runs and book values, in the web pages, the admin and the API.

The world is the register's (tests/conftest.py); `prepare` values HQ's pump: depreciation posted through December
2024, a revaluation with its appraisal report and an impairment in January 2025. The cases date their events in
February 2025, after the last posted month.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from assetreg.choices import AssetStatus
from assetreg.models import Asset
from finance import services
from finance.choices import EntryKind
from finance.models import DepreciationPlan, RunFailure, ValueEntry
from tests.access_matrix import Cases, Resource, register
from tests.assetreg.access import NOBODY, STAFF_ONLY, STAFF_READERS, admin_form
from tests.factories import AssetFactory

FORBIDDEN, NOT_FOUND, TO_LOGIN, UNAUTHORISED = 403, 404, 302, 401
WEB_READERS = dict(facility_manager=200, technician=200, finance=200, auditor=200, outsider=404, admin=200)
API_READERS = dict(WEB_READERS, anonymous=UNAUTHORISED)
FINANCE_READERS = dict(facility_manager=FORBIDDEN, technician=FORBIDDEN, outsider=FORBIDDEN, finance=200, auditor=200)
EVENT_DATE = "2025-02-10"


def _valued(world: Any) -> None:
    """HQ's pump posted through December 2024, revalued (with a report) and impaired in January 2025; an
    out-of-service asset at HQ to dispose of."""
    world.run = services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)
    asset = Asset.objects.get(pk=world.home_asset.pk)
    world.revaluation = services.asset_revalue(
        actor=world.finance,
        asset=asset,
        entry_date=date(2025, 1, 3),
        fair_value=Decimal("7000.00"),
        reason="Market appraisal",
        appraiser="Knight Frank",
        evidence=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf"),
    )
    services.asset_impair(
        actor=world.finance,
        asset=Asset.objects.get(pk=asset.pk),
        entry_date=date(2025, 1, 5),
        recoverable_amount=Decimal("5800.00"),
        reason="Flood damage",
    )
    world.depreciation = ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION).latest("period")
    world.plan = DepreciationPlan.objects.get(asset=asset)
    world.failure = RunFailure.objects.create(run=world.run, asset=world.away_asset, reason="No useful life")
    world.retired = AssetFactory(site=world.home, asset_tag="HQ-OLD-1", status=AssetStatus.OUT_OF_SERVICE)


def _asset_url(world: Any, what: str) -> str:
    return f"/finance/assets/{world.home_asset.pk}/{what}/"


def _api_url(world: Any, what: str) -> str:
    return f"/api/v1/assets/{world.home_asset.pk}/{what}/"


# ---- value events ---------------------------------------------------------------------------------------------

EVENTS = {
    "revalue": {"fair_value": "6500.00", "appraiser": "Savills", "reason": "Second opinion"},
    "impair": {"recoverable_amount": "5000.00", "reason": "Corrosion"},
    "reverse-impairment": {"amount": "100.00", "reason": "Repaired"},
    "improve": {"added_cost": "500.00", "reason": "New motor"},
}
WEB_EVENT = dict(
    facility_manager=FORBIDDEN,
    technician=FORBIDDEN,
    auditor=FORBIDDEN,
    outsider=NOT_FOUND,
    anonymous=TO_LOGIN,
    finance=302,
    admin=302,
)
API_EVENT = dict(WEB_EVENT, anonymous=UNAUTHORISED, finance=201, admin=201)
ADMIN_EVENT = dict(STAFF_ONLY, auditor=FORBIDDEN, finance=302, admin=302)


def _open_form(slug: str) -> Any:
    return lambda c, w: c.get(_asset_url(w, slug))


def _web_event(slug: str) -> Any:
    return lambda c, w: c.post(_asset_url(w, slug), {"entry_date": EVENT_DATE, **EVENTS[slug]})


def _api_event(slug: str) -> Any:
    return lambda c, w: c.post(_api_url(w, slug), {"entry_date": EVENT_DATE, **EVENTS[slug]}, "json")


def _admin_event(slug: str) -> Any:
    return lambda c, w: c.post(
        f"/admin/finance/valueentry/{slug}/?asset={w.home_asset.asset_tag}", {"entry_date": EVENT_DATE, **EVENTS[slug]}
    )


events = Cases()
for slug in EVENTS:
    events.add(
        "web",
        f"open {slug} form",
        _open_form(slug),
        **dict(WEB_EVENT, finance=200, admin=200),
    )
    events.add("web", slug, _web_event(slug), **WEB_EVENT)
    events.add("api", slug, _api_event(slug), **API_EVENT)
    events.add("admin", slug, _admin_event(slug), **ADMIN_EVENT)
events.add(
    "admin",
    "dispose",
    lambda c, w: c.post(
        f"/admin/finance/valueentry/dispose/?asset={w.retired.asset_tag}",
        {
            "disposal_date": EVENT_DATE,
            "method": "sale",
            "proceeds": "250.00",
            "reason": "Sold for parts",
            "version": Asset.objects.get(pk=w.retired.pk).version,
        },
    ),
    **ADMIN_EVENT,
)
register(
    Resource(
        "finance",
        "value events",
        events.build(),
        prepare=_valued,
        description="Revalue, impair, reverse an impairment, improve, dispose (finance staff only).",
    )
)


# ---- the ledger, plans and book values ------------------------------------------------------------------------

ledger = Cases()
(
    ledger.add("web", "schedule", lambda c, w: c.get(_asset_url(w, "schedule")), **WEB_READERS, anonymous=TO_LOGIN)
    .add(
        "web",
        "appraisal report",
        lambda c, w: c.get(_asset_url(w, f"value-entries/{w.revaluation.pk}/evidence")),
        **WEB_READERS,
        anonymous=TO_LOGIN,
    )
    .add("api", "schedule", lambda c, w: c.get(_api_url(w, "schedule")), **API_READERS)
    .add("api", "ledger", lambda c, w: c.get(_api_url(w, "ledger")), **API_READERS)
    .add("api", "book value", lambda c, w: c.get(_api_url(w, "book-value"), {"as_of": "2025-01-31"}), **API_READERS)
    .admin_records("finance_valueentry", lambda w: w.depreciation.pk, readers=STAFF_READERS, add=NOBODY)
    .add(
        "admin",
        "correct depreciation",
        lambda c, w: c.post(
            f"/admin/finance/valueentry/{w.depreciation.pk}/correct/",
            {"correct_amount": "150.00", "reason": "Wrong life applied"},
        ),
        **ADMIN_EVENT,
    )
    .add(
        "admin",
        "edit entry",
        lambda c, w: c.post(
            f"/admin/finance/valueentry/{w.depreciation.pk}/change/",
            admin_form(w, f"/admin/finance/valueentry/{w.depreciation.pk}/change/", amount="-1.00"),
        ),
        **dict(STAFF_ONLY, **NOBODY),  # the ledger is append-only
    )
    .add(
        "admin",
        "delete entry",
        lambda c, w: c.post(f"/admin/finance/valueentry/{w.depreciation.pk}/delete/", {"post": "yes"}),
        **dict(STAFF_ONLY, **NOBODY),
    )
)
register(Resource("finance", "ledger", ledger.build(), prepare=_valued, description="The append-only value ledger."))

plans = Cases()
(
    plans.admin_records("finance_depreciationplan", lambda w: w.plan.pk, readers=STAFF_READERS, add=NOBODY)
    .add(
        "admin",
        "edit",
        lambda c, w: c.post(f"/admin/finance/depreciationplan/{w.plan.pk}/change/", {"life_months": "12"}),
        **dict(STAFF_ONLY, **NOBODY),  # a plan changes through value events, never by hand
    )
    .add(
        "admin",
        "delete",
        lambda c, w: c.post(f"/admin/finance/depreciationplan/{w.plan.pk}/delete/", {"post": "yes"}),
        **dict(STAFF_ONLY, **NOBODY),
    )
)
register(Resource("finance", "plans", plans.build(), prepare=_valued))

book_values = Cases()
book_values.add(
    "api",
    "list",
    lambda c, w: c.get("/api/v1/book-values/", {"as_of": "2025-01-31"}),
    **dict(API_READERS, outsider=200),
)
register(Resource("finance", "book values", book_values.build(), prepare=_valued))


# ---- depreciation runs ----------------------------------------------------------------------------------------

RUN_READERS_WEB = dict(FINANCE_READERS, admin=200, anonymous=TO_LOGIN)
RUN_READERS_API = dict(FINANCE_READERS, admin=200, anonymous=UNAUTHORISED)

runs = Cases()
(
    runs.add("web", "list", lambda c, w: c.get("/finance/runs/"), **RUN_READERS_WEB)
    .add("web", "read", lambda c, w: c.get(f"/finance/runs/{w.run.pk}/"), **RUN_READERS_WEB)
    .add("web", "progress", lambda c, w: c.get(f"/finance/runs/{w.run.pk}/status/"), **RUN_READERS_WEB)
    .add(
        "web",
        "post a month",
        lambda c, w: c.post("/finance/runs/", {"period": "2025-01"}),
        **dict(RUN_READERS_WEB, auditor=FORBIDDEN, finance=302, admin=302),
    )
    .add("api", "list", lambda c, w: c.get("/api/v1/depreciation-runs/"), **RUN_READERS_API)
    .add("api", "read", lambda c, w: c.get(f"/api/v1/depreciation-runs/{w.run.pk}/"), **RUN_READERS_API)
    .add("api", "failures", lambda c, w: c.get(f"/api/v1/depreciation-runs/{w.run.pk}/failures/"), **RUN_READERS_API)
    .add(
        "api",
        "post a month",
        lambda c, w: c.post("/api/v1/depreciation-runs/", {"period": "2025-01"}, "json"),
        **dict(RUN_READERS_API, auditor=FORBIDDEN, finance=202, admin=202),
    )
    .add(
        "admin",
        "post a month",
        lambda c, w: c.post("/admin/finance/depreciationrun/post/", {"period": "2025-01"}),
        **ADMIN_EVENT,
    )
    .admin_records("finance_depreciationrun", lambda w: w.run.pk, readers=STAFF_READERS, add=NOBODY, delete=NOBODY)
    .admin_records("finance_runfailure", lambda w: w.failure.pk, readers=STAFF_READERS, add=NOBODY, delete=NOBODY)
)
register(Resource("finance", "depreciation runs", runs.build(), prepare=_valued))
