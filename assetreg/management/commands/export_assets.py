"""`manage.py export_assets [--user USERNAME] [--output FILE] [--site CODE]...`: write the register as CSV.

With `--user`, the export holds what that user may see; without, every asset (an administrator's export).
The file is in the import format: importing it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from assetreg import csv_io, selectors
from assetreg.models import Asset, Site


class Command(BaseCommand):
    """Export assets as CSV in the import format."""

    help = "Export assets as CSV (the import format) to standard output, or to --output FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Export only what this user may see (default: every asset).")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")
        parser.add_argument(
            "--site", action="append", default=[], metavar="CODE", help="Only this site (repeat for more sites)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        assets, sites = self._scope(options["user"])
        if options["site"]:
            assets = assets.filter(site__in=self._sites(sites, options["site"]))
        rows = assets.order_by("asset_tag").iterator(chunk_size=2000)
        if not options["output"]:
            count = csv_io.write_csv(rows, self.stdout)
            self.stderr.write(f"{count} asset(s) exported.")
            return
        try:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = csv_io.write_csv(rows, out)
        except OSError as exc:
            raise CommandError(f"Cannot write '{options['output']}': {exc.strerror}") from None
        self.stderr.write(f"{count} asset(s) written to {options['output']}.")

    def _scope(self, username: str | None) -> tuple[QuerySet[Asset], QuerySet[Site]]:
        """What the export may hold: a user's visible assets and sites, or everything for the console."""
        if not username:
            everything = Asset.objects.select_related("category", "site", "location", "parent", "custodian")
            return everything, Site.objects.all()
        user_model = get_user_model()
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user '{username}'.")
        return selectors.assets_visible_to(user), selectors.sites_visible_to(user)

    def _sites(self, sites: QuerySet[Site], codes: list[str]) -> list[Site]:
        """The named sites among those in scope; a code outside the scope is an error, not an empty file."""
        by_code = {site.code.upper(): site for site in sites}
        wanted = [code.strip().upper() for code in codes]
        unknown = sorted({code for code in wanted if code not in by_code})
        if unknown:
            raise CommandError(f"No site with code: {', '.join(unknown)}.")
        return [by_code[code] for code in wanted]
