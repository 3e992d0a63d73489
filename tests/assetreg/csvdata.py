"""Helpers to build register CSV files in tests: a header and rows given as dicts."""

import csv
import io

from assetreg import csv_io


def csv_text(*rows: dict, columns: tuple[str, ...] = csv_io.COLUMNS) -> str:
    """A CSV file with `columns` as its header and one line per row (missing cells are empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue()


def pump_row(**overrides: str) -> dict:
    """A valid new equipment row at HQ (category "Pumps", which the `world` fixture creates)."""
    row = {
        "asset_tag": "HQ-NEW-1",
        "name": "Circulation pump",
        "kind": "equipment",
        "category": "Pumps",
        "site": "HQ",
        "acquisition_date": "2024-03-01",
        "acquisition_cost": "2500.00",
        "currency": "EUR",
        "manufacturer": "Wilo",
    }
    row.update(overrides)
    return row


def export_text(assets) -> str:
    """The CSV export of `assets`, as the admin, web and command write it."""
    out = io.StringIO()
    csv_io.write_csv(assets, out)
    return out.getvalue()
