"""App config for the project package (it holds the API device-token model)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LedgerlineConfig(AppConfig):
    name = "ledgerline"
    verbose_name = "Ledgerline"

    def ready(self) -> None:
        """After every migrate (and every test-database flush): apply the periodic-task schedule defined in code
        and make sure the role groups exist (once, for this app)."""
        from .periodic import sync_periodic_tasks_after_migrate
        from .roles import sync_role_groups_after_migrate

        post_migrate.connect(sync_role_groups_after_migrate, sender=self, dispatch_uid="ledgerline.sync_role_groups")
        post_migrate.connect(
            sync_periodic_tasks_after_migrate, sender=self, dispatch_uid="ledgerline.sync_periodic_tasks"
        )
