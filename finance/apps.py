"""App config for finance: it subscribes to the register's announcements and contributes to its pages."""

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        """Re-plan, post disposals and guard valued assets when the register announces a change; add the
        valuation runs to the navigation, the Value panel to the asset page, the book value to the dashboard,
        the asset list and the CSV export."""
        from . import contributions, subscriptions

        subscriptions.subscribe()
        contributions.register()
