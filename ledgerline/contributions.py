"""What each app contributes to the shared pages: navigation entries, asset-page panels, dashboard cards, and
columns of the asset list and its CSV export; and the steps it adds to the demo data (`manage.py seed_demo`).

The page that shows them (the register's asset page, list and dashboard, the base template's navigation)
asks this registry and renders what it gets, without knowing which app contributed it. An app registers its
contributions in its `AppConfig.ready()`:

    contributions.add_nav_entry(NavEntry(key="finance.runs", label="Valuation runs", url_name="finance:run_list",
                                         visible=can_view_runs, active_prefixes=("finance:run_",)))
    contributions.add_asset_panel(AssetPanel(key="finance.value", template="finance/_asset_value.html",
                                             context=value_panel_context))

Every contribution has a unique `key` (registering the same key again replaces it) and an `order` (lower
first, then registration order). `visible(user)` decides whether a user gets it at all. Values for list and
export columns are asked for a whole page (or export chunk) of assets at once, so that a column costs a fixed
number of queries per page, never one per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, Literal, TypeVar

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString


def _everyone(user: Any) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class NavEntry:
    """A link in the main navigation. `active_prefixes`: the pages it is the current entry for, by the start of
    their URL name: `"finance:run_"` with a namespace matches the view name, `"asset"` without one matches the
    URL name in any app."""

    key: str
    label: str
    url_name: str
    visible: Callable[[Any], bool] = _everyone
    active_prefixes: tuple[str, ...] = ()
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class AssetPanel:
    """A section of the asset page: `template` rendered with `context(user, asset)` (plus `asset`).
    `slot` is the page's main column or its side column."""

    key: str
    template: str
    context: Callable[[Any, Any], Mapping[str, Any]]
    visible: Callable[[Any], bool] = _everyone
    slot: Literal["main", "side"] = "main"
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class DashboardCard:
    """A card on the dashboard: `template` rendered with `context(user, today)`."""

    key: str
    template: str
    context: Callable[[Any, date], Mapping[str, Any]]
    visible: Callable[[Any], bool] = _everyone
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class AssetColumn:
    """A column of the asset list. `values(user, assets)` gets a page of assets and returns the cell text per
    asset id (a missing id shows as a dash); `numeric` right-aligns it."""

    key: str
    label: str
    values: Callable[[Any, Sequence[Any]], Mapping[int, str]]
    visible: Callable[[Any], bool] = _everyone
    numeric: bool = False
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class AssetExportColumn:
    """A column of the asset CSV export (ignored by the import). `values(user, assets, as_of)` gets a chunk of
    assets and returns the cell text per asset id; `as_of` is the date the export is made for."""

    header: str
    values: Callable[[Any, Sequence[Any], date], Mapping[int, str]]
    visible: Callable[[Any], bool] = _everyone
    order: int = 100

    @property
    def key(self) -> str:
        return self.header


@dataclass(frozen=True, kw_only=True)
class DemoStep:
    """A step of `manage.py seed_demo`, run after the register's demo data: `run(users=..., today=...,
    created=..., existing=...)` gets the demo users by username and adds counts (by what) to `created` or,
    on a rerun that finds its data, to `existing`. Steps must be idempotent."""

    key: str
    run: Callable[..., None]
    order: int = 100


C = TypeVar("C", NavEntry, AssetPanel, DashboardCard, AssetColumn, AssetExportColumn, DemoStep)


@dataclass
class _Kind(Generic[C]):
    """The contributions of one kind, by key, in order."""

    items: dict[str, tuple[int, C]] = field(default_factory=dict)
    sequence: int = 0

    def add(self, item: C) -> None:
        self.sequence += 1
        previous = self.items.get(item.key)
        self.items[item.key] = (previous[0] if previous else self.sequence, item)

    def remove(self, key: str) -> None:
        self.items.pop(key, None)

    def all(self) -> list[C]:
        return [item for _, item in sorted(self.items.values(), key=lambda pair: (pair[1].order, pair[0]))]

    def for_user(self, user: Any) -> list[C]:
        return [item for item in self.all() if getattr(item, "visible", _everyone)(user)]


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    slot: str
    html: SafeString


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    value: str
    numeric: bool


class Registry:
    """Every app's contributions. The project uses the one module-level `registry`."""

    def __init__(self) -> None:
        self.nav_entries: _Kind[NavEntry] = _Kind()
        self.asset_panels: _Kind[AssetPanel] = _Kind()
        self.dashboard_cards: _Kind[DashboardCard] = _Kind()
        self.asset_columns: _Kind[AssetColumn] = _Kind()
        self.export_columns: _Kind[AssetExportColumn] = _Kind()
        self.demo_steps: _Kind[DemoStep] = _Kind()

    # ---- what the pages ask ---------------------------------------------------------------------------

    def nav_links(self, user: Any, view_name: str) -> list[NavLink]:
        """The navigation for a user on the page named `view_name` (`namespace:name`)."""
        url_name = view_name.rpartition(":")[2]
        return [
            NavLink(
                entry.label,
                reverse(entry.url_name),
                any(
                    (view_name if ":" in prefix else url_name).startswith(prefix) and bool(view_name)
                    for prefix in entry.active_prefixes
                ),
            )
            for entry in self.nav_entries.for_user(user)
        ]

    def render_asset_panels(self, request: HttpRequest, asset: Any) -> list[RenderedPanel]:
        """The contributed sections of an asset's page, rendered for the request's user."""
        user = request.user
        return [
            RenderedPanel(
                panel.key,
                panel.slot,
                SafeString(
                    render_to_string(panel.template, {**panel.context(user, asset), "asset": asset}, request=request)
                ),
            )
            for panel in self.asset_panels.for_user(user)
        ]

    def render_dashboard_cards(self, request: HttpRequest, today: date) -> list[RenderedPanel]:
        """The contributed cards of the dashboard, rendered for the request's user."""
        user = request.user
        return [
            RenderedPanel(
                card.key,
                "main",
                SafeString(render_to_string(card.template, card.context(user, today), request=request)),
            )
            for card in self.dashboard_cards.for_user(user)
        ]

    def list_columns(self, user: Any) -> list[AssetColumn]:
        return self.asset_columns.for_user(user)

    def list_cells(self, user: Any, columns: Sequence[AssetColumn], assets: Sequence[Any]) -> dict[int, list[Cell]]:
        """Each asset's cells of the contributed columns, asking each column once for the whole page."""
        values = [column.values(user, assets) if assets else {} for column in columns]
        return {
            asset.pk: [
                Cell(column.key, column.label, column_values.get(asset.pk, "—"), column.numeric)
                for column, column_values in zip(columns, values, strict=True)
            ]
            for asset in assets
        }

    def export_columns_for(self, user: Any) -> list[AssetExportColumn]:
        return self.export_columns.for_user(user)

    def export_headers(self) -> set[str]:
        """Every contributed export header, whoever may see it: the import ignores these columns."""
        return {column.header for column in self.export_columns.all()}

    def export_cells(
        self, user: Any, columns: Iterable[AssetExportColumn], assets: Sequence[Any], as_of: date
    ) -> dict[int, list[str]]:
        """Each asset's cells of the contributed export columns, one call per column for the whole chunk."""
        columns = list(columns)
        values = [column.values(user, assets, as_of) if assets else {} for column in columns]
        return {asset.pk: [column_values.get(asset.pk, "") for column_values in values] for asset in assets}


registry = Registry()
add_nav_entry = registry.nav_entries.add
add_asset_panel = registry.asset_panels.add
add_dashboard_card = registry.dashboard_cards.add
add_asset_column = registry.asset_columns.add
add_export_column = registry.export_columns.add
add_demo_step = registry.demo_steps.add
