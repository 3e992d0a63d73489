"""App config for the asset register: its own entries in the navigation (other apps add theirs the same way)."""

from django.apps import AppConfig


class AssetregConfig(AppConfig):
    name = "assetreg"
    verbose_name = "Asset register"

    def ready(self) -> None:
        from ledgerline import contributions
        from ledgerline.contributions import NavEntry

        # Prefixes without a namespace match any app's page of that name: an asset's schedule page (another
        # app's) is still under "Assets".
        for entry in (
            NavEntry(key="assetreg.dashboard", label="Dashboard", url_name="dashboard", active_prefixes=("dashboard",)),
            NavEntry(
                key="assetreg.assets",
                label="Assets",
                url_name="assetreg:asset_list",
                active_prefixes=("asset", "document"),
                order=20,
            ),
            NavEntry(
                key="assetreg.sites",
                label="Sites",
                url_name="assetreg:site_list",
                active_prefixes=("site", "location"),
                order=30,
            ),
        ):
            contributions.add_nav_entry(entry)
