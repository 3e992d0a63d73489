"""App config for the asset register."""

from django.apps import AppConfig


class AssetregConfig(AppConfig):
    name = "assetreg"
    verbose_name = "Asset register"
