"""What finance adds to the shared pages (registered in `FinanceConfig.ready()` through
`ledgerline.contributions`): the "Valuation runs" navigation entry, the Value panel of the asset page, the
book value card of the dashboard, cost and book value columns in the asset list, and the book value as of a
date in the asset CSV export. Every value comes from `finance.selectors`, for the assets the user may see.
Also finance's step of the demo data (`finance.demo`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.utils import timezone

from assetreg import selectors as register_selectors
from assetreg.models import Asset
from ledgerline import contributions
from ledgerline.contributions import AssetColumn, AssetExportColumn, AssetPanel, DashboardCard, DemoStep, NavEntry

from . import selectors
from .demo import seed_valuation
from .views import asset_value_context, can_view_runs


def _book_values(assets: Sequence[Asset], as_of: date) -> dict[int, Any]:
    return selectors.book_values_as_of(Asset.objects.filter(pk__in=[asset.pk for asset in assets]), as_of)


def cost_cells(user: Any, assets: Sequence[Asset]) -> Mapping[int, str]:
    """Acquisition cost with its currency (read from the rows already loaded: no query)."""
    return {asset.pk: asset.cost.format() for asset in assets}


def book_value_cells(user: Any, assets: Sequence[Asset]) -> Mapping[int, str]:
    """Book value today for a page of assets (a fixed number of queries whatever the page size)."""
    return {pk: value.format() for pk, value in _book_values(assets, timezone.localdate()).items()}


def export_as_of_cells(user: Any, assets: Sequence[Asset], as_of: date) -> Mapping[int, str]:
    return {asset.pk: as_of.isoformat() for asset in assets}


def export_book_value_cells(user: Any, assets: Sequence[Asset], as_of: date) -> Mapping[int, str]:
    """The book value on the export's date, rounded to the currency's minor unit (the currency is its own column)."""
    return {pk: f"{value.rounded().amount:f}" for pk, value in _book_values(assets, as_of).items()}


def value_panel_context(user: Any, asset: Asset) -> Mapping[str, Any]:
    return asset_value_context(user, asset)


def book_value_card_context(user: Any, today: date) -> Mapping[str, Any]:
    """The book value of the assets held that the user may see, as posted."""
    return {"posted": selectors.posted_book_value_totals(register_selectors.assets_visible_to(user), today)}


def register() -> None:
    """Called once from `FinanceConfig.ready()`."""
    contributions.add_nav_entry(
        NavEntry(
            key="finance.runs",
            label="Valuation runs",
            url_name="finance:run_list",
            visible=can_view_runs,
            active_prefixes=("finance:run_",),
            order=40,
        )
    )
    contributions.add_asset_panel(
        AssetPanel(key="finance.value", template="finance/_asset_value.html", context=value_panel_context, order=10)
    )
    contributions.add_dashboard_card(
        DashboardCard(
            key="finance.book_value",
            template="finance/_dashboard_book_value.html",
            context=book_value_card_context,
            order=10,
        )
    )
    contributions.add_asset_column(
        AssetColumn(key="finance.cost", label="Cost", values=cost_cells, numeric=True, order=10)
    )
    contributions.add_asset_column(
        AssetColumn(key="finance.book_value", label="Book value", values=book_value_cells, numeric=True, order=20)
    )
    contributions.add_export_column(AssetExportColumn(header="book_value_as_of", values=export_as_of_cells, order=10))
    contributions.add_export_column(AssetExportColumn(header="book_value", values=export_book_value_cells, order=20))
    contributions.add_demo_step(DemoStep(key="finance.valuation", run=seed_valuation))
