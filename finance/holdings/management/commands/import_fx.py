"""`manage.py import_fx FILE [--dry-run] [--source NAME]`: FX rates, `date,base,quote,rate`."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.management.base import CommandParser

from finance.holdings import csv_io, services

from ._holdings_import import ImportCommand


class Command(ImportCommand):
    """Import FX rates (one unit of base in quote). Writes nothing unless every row is good."""

    help = "Import FX rates: date,base,quote,rate. All or nothing."
    columns = csv_io.FX_COLUMNS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--source", default="csv", help="Where the rates come from (recorded on each row).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_import(options, partial(services.fx_import, source=options["source"]))
