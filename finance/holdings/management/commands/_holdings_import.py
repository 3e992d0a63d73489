"""What the three holdings import commands share: reading the file, the actor, printing the report."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from finance.holdings.services import ImportReport
from ledgerline.policy import SYSTEM


class ImportCommand(BaseCommand):
    """Base of `import_prices`, `import_fx` and `import_transactions`."""

    columns: tuple[tuple[str, ...], tuple[str, ...]]
    user_required = False
    """Transactions are recorded by a person: the system may import prices and rates, never ledger entries."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file (UTF-8); '-' reads standard input.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report every bad row; write nothing.")
        parser.add_argument(
            "--user", help="Import as this finance user (recorded as the author); without it, as the system."
        )

    def actor(self, username: str | None) -> Any:
        if not username:
            if self.user_required:
                raise CommandError(
                    "--user is required: transactions are recorded by a finance user, not by the system."
                )
            return SYSTEM
        model = get_user_model()
        user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user '{username}'.")
        return user

    def read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"No such file: {name}")
        return path.read_bytes()

    def run_import(self, options: dict[str, Any], call: Callable[..., ImportReport]) -> None:
        from finance.holdings import csv_io

        actor = self.actor(options.get("user"))
        try:
            rows = csv_io.read_csv(self.read(options["file"]), self.columns)
            report = call(actor=actor, rows=rows, dry_run=options["dry_run"])
        except ValidationError as exc:
            raise CommandError(f"The file cannot be imported: {'; '.join(exc.messages)}") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report.summary())
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was written.")
        if report.written:
            self.stdout.write(self.style.SUCCESS("Import written."))
        else:
            self.stdout.write("Dry run: nothing was written.")
