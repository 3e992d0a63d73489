"""App config for the project package (it holds the API device-token model)."""

from django.apps import AppConfig


class LedgerlineConfig(AppConfig):
    name = "ledgerline"
    verbose_name = "Ledgerline"
