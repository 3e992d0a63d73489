"""`manage.py import_prices FILE [--dry-run] [--source NAME]`: daily closes, `date,instrument,close[,currency]`."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.management.base import CommandParser

from finance.holdings import csv_io, services

from ._holdings_import import ImportCommand


class Command(ImportCommand):
    """Import closes (instrument = ticker or ISIN). Writes nothing unless every row is good."""

    help = "Import daily prices: date,instrument,close[,currency]. All or nothing."
    columns = csv_io.PRICE_COLUMNS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--source", default="csv", help="Where the prices come from (recorded on each row).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(options, partial(services.prices_import, source=options["source"]))
