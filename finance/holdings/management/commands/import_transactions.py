"""`manage.py import_transactions FILE --portfolio CODE --user NAME [--dry-run]`: a portfolio's ledger entries,
`date,type,instrument,quantity,price,amount[,currency,fee,note]`, recorded by a finance user (never the system)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.management.base import CommandError, CommandParser

from finance.holdings import csv_io, services
from finance.holdings.models import Portfolio

from ._holdings_import import ImportCommand


class Command(ImportCommand):
    """Append transactions to a portfolio's ledger. Writes nothing unless every row is good."""

    help = "Import transactions into a portfolio: date,type,instrument,quantity,price,amount[,currency,fee,note]."
    columns = csv_io.TRANSACTION_COLUMNS
    user_required = True

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--portfolio", required=True, help="The portfolio's code.")

    def handle(self, *args: Any, **options: Any) -> None:
        portfolio = Portfolio.objects.filter(code=options["portfolio"].strip().upper()).first()
        if portfolio is None:
            raise CommandError(f"No portfolio with code '{options['portfolio']}'.")
        self.run_import(options, partial(services.transactions_import, portfolio=portfolio))
