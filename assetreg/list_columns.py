"""The asset list's columns: one spec per column, from which the user picks what the table shows.

The choice travels in the URL (`?col=tag&col=name&...`), so a bookmarked or shared list keeps its columns, like
its filters and sort. A column is rendered by its own small cell template, with the row's asset as `asset`, so
another app can add a column (a spec and a template) without touching the list's template or view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ListColumn:
    """One column of the asset list.

    `ordering` is the database ordering when the header sorts by this column (empty: not sortable); `default`
    says whether the column shows when the URL names none; `required` columns cannot be hidden; `css` is the
    cell's class (`num` right-aligns figures, `nowrap` keeps a value on one line).
    """

    key: str
    label: str
    cell_template: str
    ordering: tuple[str, ...] = ()
    default: bool = False
    required: bool = False
    css: str = ""

    @property
    def sortable(self) -> bool:
        return bool(self.ordering)


def _cell(name: str) -> str:
    return f"assetreg/cells/{name}.html"


# The register's own columns, in table order.
ASSET_LIST_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("tag", "Tag", _cell("tag"), ("asset_tag",), default=True, required=True, css="tag nowrap"),
    ListColumn("name", "Name", _cell("name"), ("name", "asset_tag"), default=True, css="primary"),
    ListColumn("category", "Category", _cell("category"), ("category__name", "asset_tag"), default=True),
    ListColumn("kind", "Kind", _cell("kind"), ("kind", "asset_tag"), default=True, css="nowrap"),
    ListColumn("status", "Status", _cell("status"), ("status", "asset_tag"), default=True, css="nowrap"),
    ListColumn("site", "Site", _cell("site"), ("site__name", "asset_tag"), default=True),
    ListColumn("location", "Location", _cell("location"), default=True),
    ListColumn("parent", "Part of", _cell("parent"), css="nowrap"),
    ListColumn("custodian", "Custodian", _cell("custodian")),
    ListColumn("department", "Department", _cell("department"), ("department", "asset_tag")),
    ListColumn("make", "Make / model", _cell("make"), ("manufacturer", "model_number", "asset_tag")),
    ListColumn("serial", "Serial number", _cell("serial"), ("serial_number", "asset_tag"), css="nowrap"),
    ListColumn(
        "acquired", "Acquired", _cell("acquired"), ("acquisition_date", "asset_tag"), default=True, css="nowrap"
    ),
    ListColumn("in_service", "In service", _cell("in_service"), ("in_service_date", "asset_tag"), css="nowrap"),
    ListColumn("warranty", "Warranty end", _cell("warranty"), ("warranty_end", "asset_tag"), css="nowrap"),
    ListColumn("updated", "Updated", _cell("updated"), ("updated_at", "asset_tag"), default=True, css="nowrap"),
)


def available_columns(extra: Iterable[ListColumn] = ()) -> tuple[ListColumn, ...]:
    """The register's columns followed by `extra` ones (contributed by other apps); keys must be unique."""
    columns = (*ASSET_LIST_COLUMNS, *extra)
    keys = [column.key for column in columns]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise ValueError(f"Asset list columns with the same key: {sorted(duplicates)}")
    return columns


def chosen_columns(requested: Sequence[str], available: Sequence[ListColumn]) -> list[ListColumn]:
    """The columns the URL asks for (in table order, unknown keys ignored), or the defaults if it names none.

    Required columns always show, so the table keeps the link to each asset.
    """
    wanted = {key for key in requested if key}
    known = {column.key for column in available}
    if not wanted & known:
        return [column for column in available if column.default or column.required]
    return [column for column in available if column.key in wanted or column.required]
