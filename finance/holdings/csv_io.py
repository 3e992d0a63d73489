"""The three CSV formats of holdings (prices, FX rates, transactions), read into `(line, row)` pairs.

The header is line 1; column names are matched in lower case; unknown and repeated columns are refused so a
misspelt optional column is not silently ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import IO

from django.core.exceptions import ValidationError

from ledgerline.csv_text import csv_text

PRICE_COLUMNS = (("date", "instrument", "close"), ("currency",))
FX_COLUMNS = (("date", "base", "quote", "rate"), ())
TRANSACTION_COLUMNS = (("date", "type", "instrument", "quantity", "price", "amount"), ("currency", "fee", "note"))


def read_csv(
    content: IO[bytes] | IO[str] | bytes | str, columns: tuple[Sequence[str], Sequence[str]]
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with the required and optional `columns`. Raises ValidationError for a bad file."""
    content = csv_text(content)
    required, optional = columns
    reader = csv.reader(io.StringIO(content), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [h.strip().lower() for h in next(reader, None) or []]
        _check_header(header, required, optional)
        end = reader.line_num
        for values in reader:
            start, end = end + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if any(v.strip() for v in values[len(header) :]):
                raise ValidationError(f"Line {start} has more values than the header has columns.")
            values = values[: len(header)] + [""] * (len(header) - len(values))
            rows.append((start, {k: v.strip() for k, v in zip(header, values, strict=True)}))
    except csv.Error as exc:
        raise ValidationError(f"Line {reader.line_num} is not valid CSV: {exc}.") from None
    return rows


def _check_header(header: list[str], required: Sequence[str], optional: Sequence[str]) -> None:
    if not header:
        raise ValidationError("The file is empty: it needs a header row.")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ValidationError(f"These columns appear more than once in the header: {', '.join(repeated)}.")
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationError(f"The header lacks these columns: {', '.join(missing)}.")
    known = (*required, *optional)
    unknown = [c for c in header if c not in known]
    if unknown:
        raise ValidationError(f"Unknown columns: {', '.join(unknown)}. Known columns: {', '.join(known)}.")
