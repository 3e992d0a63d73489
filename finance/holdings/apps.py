"""App config for holdings (label `holdings`)."""

from django.apps import AppConfig


class HoldingsConfig(AppConfig):
    name = "finance.holdings"
    label = "holdings"
    verbose_name = "Holdings"
