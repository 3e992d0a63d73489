"""`manage.py import_assets FILE --user USERNAME [--dry-run]`: import a register CSV as a given user.

The user's permissions apply (a facility manager writes only at their sites, finance only the financial
columns). Nothing is written unless every row is valid; the command fails when any row is bad.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assetreg import csv_io, services


class Command(BaseCommand):
    """Import assets from a CSV file in the export format (create new tags, update known ones)."""

    help = "Import assets from a CSV file (the export format). Writes nothing unless every row is valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file in the export format (UTF-8); '-' reads standard input.")
        parser.add_argument("--user", required=True, help="Import as this user; their permissions apply.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._user(options["user"])
        content = self._read(options["file"])
        try:
            report = services.assets_import_rows(
                actor=actor, rows=list(csv_io.read_csv(content)), dry_run=options["dry_run"]
            )
        except ValidationError as exc:
            raise CommandError(f"The file cannot be imported: {'; '.join(exc.messages)}") from None
        self.stdout.write(report.summary())
        for tag in report.created:
            self.stdout.write(f"  {'created' if report.written else 'would create'} {tag}")
        for tag in report.updated:
            changes = ", ".join(label for label, _, _ in report.changes.get(tag, []))
            verb = "updated" if report.written else "would update"
            self.stdout.write(f"  {verb} {tag}" + (f" ({changes})" if changes else ""))
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was written.")
        if report.written:
            self.stdout.write(self.style.SUCCESS("Import written."))
        else:
            self.stdout.write("Dry run: nothing was written.")

    def _user(self, username: str) -> Any:
        user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user '{username}'.")
        return user

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read(csv_io.MAX_IMPORT_BYTES + 1)
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"No file '{name}'.")
        if path.stat().st_size > csv_io.MAX_IMPORT_BYTES:
            raise CommandError(f"The file is larger than {csv_io.MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        return path.read_bytes()
