"""Finance's part of `manage.py seed_demo` (a `DemoStep` registered in `FinanceConfig.ready()`): value the demo
register through last month, then revalue one building and impair one machine so the value pages have history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from assetreg.choices import AssetKind, AssetStatus, DepreciationMethod
from assetreg.models import Asset

from . import selectors, services
from .choices import EntryKind
from .models import ValueEntry


def seed_valuation(*, users: dict[str, Any], today: date, created: dict[str, int], existing: dict[str, int]) -> None:
    """Post depreciation through last month (a rerun posts nothing), then revalue one building and impair
    one machine this month, once, so the value pages have history to show."""
    finance = users["finance"]
    run = services.depreciation_run_start(actor=finance, period=services.scheduled_period(today), dispatch=False)
    if run.posted_entries:
        created["depreciation entries"] = run.posted_entries
    else:
        existing["depreciation entries"] = ValueEntry.objects.filter(kind=EntryKind.DEPRECIATION).count()
    if ValueEntry.objects.filter(kind__in=[EntryKind.REVALUATION, EntryKind.IMPAIRMENT]).exists():
        existing["value events"] = 2
        return
    valued = Asset.objects.filter(status=AssetStatus.IN_SERVICE, acquisition_cost__gt=0).order_by("asset_tag")
    building = valued.filter(kind=AssetKind.BUILDING).exclude(depreciation_method=DepreciationMethod.NONE).first()
    machine = valued.filter(kind=AssetKind.EQUIPMENT).exclude(depreciation_method=DepreciationMethod.NONE).first()
    if building is not None:
        carrying = selectors.book_value_now(building)
        services.asset_revalue(
            actor=finance,
            asset=building,
            entry_date=today,
            fair_value=(carrying * Decimal("1.12")).quantize(Decimal("0.01")),
            reason="Periodic market valuation",
            appraiser="Knight Frank LLP",
        )
    if machine is not None and selectors.book_value_now(machine) > 0:
        carrying = selectors.book_value_now(machine)
        services.asset_impair(
            actor=finance,
            asset=machine,
            entry_date=today,
            recoverable_amount=(carrying * Decimal("0.6")).quantize(Decimal("0.01")),
            reason="Water damage after a burst pipe; repair quote exceeds half its value",
        )
    created["value events"] = int(building is not None) + int(machine is not None)
