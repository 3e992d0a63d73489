"""The CSV format of the register, shared by import and export (admin, web and management commands).

One row per asset; related records are named by their natural keys: category by name, site by code,
location by code within the site, parent by asset tag, custodian by username. The web export adds the columns
other apps contribute (`ledgerline.contributions`, e.g. finance's book value as of a date); the import
accepts and ignores them, so an export can be imported again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import islice
from typing import IO, Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models

from ledgerline.contributions import AssetExportColumn
from ledgerline.contributions import registry as contributions
from ledgerline.csv_text import MAX_IMPORT_BYTES as MAX_IMPORT_BYTES  # used by the admin and the command
from ledgerline.csv_text import csv_text
from ledgerline.money import parse_amount

from . import custom_fields
from .fields import ASSET_FIELDS, CUSTOM_FIELDS, FINANCIAL_FIELDS, READ_ONLY_FIELDS
from .models import Asset, Category, CustomField, Location, Site

# One column per declared asset field (`assetreg.fields`), in the same order; the custom fields follow as one
# column per key (`cf:<key>`), see `custom_columns`.
COLUMNS: tuple[str, ...] = tuple(name for name in ASSET_FIELDS if name not in CUSTOM_FIELDS)
_MODEL_FIELDS: dict[str, Any] = {name: Asset._meta.get_field(name) for name in COLUMNS}
# Status is exported for reference; it changes only through the lifecycle, never by import.
READ_ONLY_COLUMNS = READ_ONLY_FIELDS
REQUIRED_COLUMNS = tuple(
    n for n, f in _MODEL_FIELDS.items() if n not in READ_ONLY_COLUMNS and not f.blank and not f.has_default()
)
DATE_COLUMNS = tuple(n for n, f in _MODEL_FIELDS.items() if isinstance(f, models.DateField))
INT_COLUMNS = tuple(n for n, f in _MODEL_FIELDS.items() if isinstance(f, models.IntegerField))
DECIMAL_COLUMNS = tuple(n for n, f in _MODEL_FIELDS.items() if isinstance(f, models.DecimalField))
# Choice values are stored in lower case; a spreadsheet's "Vehicle" means "vehicle" (currency codes are
# upper-cased again by the service).
CHOICE_COLUMNS = tuple(n for n, f in _MODEL_FIELDS.items() if f.choices and not f.is_relation)
# A text cell starting with one of these runs as a formula in a spreadsheet (CSV injection): the export
# puts a "'" in front, and the import takes it off again, so a round trip changes nothing.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def read_csv(stream: IO[bytes] | IO[str] | bytes | str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield `(line number, row)` from CSV text; the header is line 1. Raises ValidationError for a bad file."""
    stream = csv_text(stream)
    reader = csv.reader(io.StringIO(stream), strict=True)  # strict: an unclosed quote is an error, not a cell
    try:
        header = [h.strip() for h in next(reader, None) or []]
        _check_header(header)
        end = reader.line_num
        for values in reader:
            # A record's line is where it starts: a quoted cell may run over several lines.
            start, end = end + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank lines, and the empty rows spreadsheets leave at the end
            if any(v.strip() for v in values[len(header) :]):
                raise ValidationError(f"Line {start} has more values than the header has columns.")
            values = values[: len(header)] + [""] * (len(header) - len(values))
            yield start, {k: _unescape(v.strip()) for k, v in zip(header, values, strict=True)}
    except csv.Error as exc:
        raise ValidationError(f"Line {reader.line_num} is not valid CSV: {exc}.") from None


def _check_header(header: list[str]) -> None:
    if not header:
        raise ValidationError("The file is empty: it needs a header row and at least one asset.")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ValidationError(f"These columns appear more than once in the header: {', '.join(repeated)}.")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"The header lacks these columns: {', '.join(missing)}.")
    contributed = contributions.export_headers()
    custom = set(custom_columns())
    unknown = [c for c in header if c not in COLUMNS and c not in contributed and c not in custom]
    if unknown:
        raise ValidationError(
            f"Unknown columns: {', '.join(unknown)}. Known columns: {', '.join((*COLUMNS, *sorted(custom)))}."
        )


def custom_columns() -> list[str]:
    """One column per custom-field key defined in any category (`cf:<key>`), in key order."""
    keys = CustomField.objects.order_by("key").values_list("key", flat=True).distinct()
    return [custom_fields.csv_column(key) for key in keys]


def _is_formula_like(text: str) -> bool:
    """True when a spreadsheet would run the text (or it only looks guarded by our own quote marks)."""
    return text.lstrip("'")[:1] in FORMULA_PREFIXES


def _escape(text: str) -> str:
    """Guard a cell against spreadsheet formulas: "=x" is written as "'=x"."""
    return "'" + text if text and _is_formula_like(text) else text


def _unescape(value: str) -> str:
    """Undo `_escape` ("'=x" was written for "=x")."""
    return value[1:] if value.startswith("'") and _is_formula_like(value) else value


class Lookups:
    """Natural-key caches for one import, loaded once per import rather than once per row."""

    def __init__(self) -> None:
        self.categories = {c.name.lower(): c for c in Category.objects.all()}
        self.sites = {s.code.lower(): s for s in Site.objects.all()}
        self.locations = {(loc.site_id, loc.code.lower()): loc for loc in Location.objects.all()}
        user_model = get_user_model()
        self.users = {u.get_username().lower(): u for u in user_model.objects.all()}
        self.parents: dict[str, Asset | None] = {}

    def parent(self, tag: str) -> Asset | None:
        if tag not in self.parents:
            self.parents[tag] = Asset.objects.filter(asset_tag=tag).first()
        return self.parents[tag]


def resolve_row(
    raw: Mapping[str, str], lookups: Lookups | None, current: Asset | None = None
) -> tuple[dict[str, Any], Lookups]:
    """Turn one CSV row into service data (model instances for relations). Raises ValidationError per field.

    `current` is the asset the row updates, if any: its present custodian stays valid even if that user
    has since been deactivated, so that re-importing an export changes nothing.
    """
    lookups = lookups or Lookups()
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    prefix = custom_fields.csv_column("")
    cells = {c.removeprefix(prefix): v for c, v in raw.items() if c.startswith(prefix)}
    if cells:
        # Keys without a column keep their value; an empty cell means no value (the service checks the rest).
        kept = {k: v for k, v in (current.custom_fields if current is not None else {}).items() if k not in cells}
        data["custom_fields"] = kept | {k: v for k, v in cells.items() if v != ""}
    for column, value in raw.items():
        if column in READ_ONLY_COLUMNS or column not in COLUMNS:
            continue
        if value == "" and column in FINANCIAL_FIELDS:
            continue  # an empty financial cell means "leave as is / use the category default"
        try:
            data[column] = _convert(column, value, raw, lookups, current)
        except ValidationError as exc:
            errors[column] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return data, lookups


def _convert(column: str, value: str, raw: Mapping[str, str], lookups: Lookups, current: Asset | None) -> Any:
    if column == "category":
        if value.lower() not in lookups.categories:
            raise ValidationError(f"No category named '{value}'.")
        return lookups.categories[value.lower()]
    if column == "site":
        if value.lower() not in lookups.sites:
            raise ValidationError(f"No site with code '{value}'.")
        return lookups.sites[value.lower()]
    if column == "location":
        if not value:
            return None
        site = lookups.sites.get(raw.get("site", "").lower())
        location = lookups.locations.get((site.pk, value.lower())) if site else None
        if location is None:
            raise ValidationError(f"No location with code '{value}' at site '{raw.get('site', '')}'.")
        return location
    if column == "parent":
        if not value:
            return None
        parent = lookups.parent(value.upper())
        if parent is None:
            raise ValidationError(f"No asset with tag '{value}' (a parent must exist before its components).")
        return parent
    if column == "custodian":
        if not value:
            return None
        user = lookups.users.get(value.lower())
        if user is None or not (user.is_active or (current is not None and current.custodian_id == user.pk)):
            raise ValidationError(f"No active user '{value}'.")
        return user
    if column in DATE_COLUMNS:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"'{value}' is not a date in the form YYYY-MM-DD.") from None
    if column in INT_COLUMNS:
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            raise ValidationError(f"'{value}' is not a whole number.")
        return int(value)
    if column in DECIMAL_COLUMNS:
        if not value:
            return None
        return parse_amount(value)
    if column in CHOICE_COLUMNS:
        return value.lower()
    return value


def _cell(asset: Asset, column: str) -> str:
    return _escape(_plain_cell(asset, column))


def _plain_cell(asset: Asset, column: str) -> str:
    if column == "category":
        return asset.category.name
    if column == "site":
        return asset.site.code
    if column == "location":
        return asset.location.code if asset.location else ""
    if column == "parent":
        return asset.parent.asset_tag if asset.parent else ""
    if column == "custodian":
        return asset.custodian.get_username() if asset.custodian else ""
    value = getattr(asset, column)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class TextSink(Protocol):
    """Anything text can be written to: a file, an HttpResponse, a management command's stdout."""

    def write(self, text: str, /) -> Any: ...


EXPORT_CHUNK = 500
# The dates an export may be made for (the contributed columns' values are as of that date).
AS_OF_RANGE = (date(1900, 1, 1), date(2199, 12, 31))


def parse_as_of(text: str, *, default: date) -> tuple[date, str]:
    """The export's date from `YYYY-MM-DD` text (`default` when empty): (date, "") or (default, error)."""
    text = (text or "").strip()
    if not text:
        return default, ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return default, "Enter a date as YYYY-MM-DD."
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        return default, f"Enter a date from {AS_OF_RANGE[0]:%Y} to {AS_OF_RANGE[1]:%Y}."
    return day, ""


def write_csv(
    assets: Iterable[Asset],
    out: TextSink,
    *,
    extra_columns: Sequence[AssetExportColumn] = (),
    user: Any = None,
    as_of: date | None = None,
) -> int:
    """Write assets in the import format; returns the number of rows. Re-importing the file changes nothing.

    `extra_columns` (contributed by other apps, for `user` and as of `as_of`) follow the import columns; their
    values are asked for a chunk of rows at a time, never one row at a time.
    """
    writer = csv.writer(out)
    custom = custom_columns()
    keys = [c.removeprefix(custom_fields.csv_column("")) for c in custom]
    writer.writerow([*COLUMNS, *custom, *(column.header for column in extra_columns)])
    count = 0
    rows = iter(assets)
    while batch := list(islice(rows, EXPORT_CHUNK)):
        extra = contributions.export_cells(user, extra_columns, batch, as_of or date.today()) if extra_columns else {}
        for asset in batch:
            values = asset.custom_fields or {}
            writer.writerow(
                [_cell(asset, c) for c in COLUMNS]
                + [_escape(custom_fields.plain_value(values.get(k))) for k in keys]
                + [_escape(v) for v in extra.get(asset.pk, [])]
            )
            count += 1
    return count
