"""Finance's access policy: who reads valuations (runs, the whole ledger, plans), who changes values and posts
months, which rows of the ledger a user sees, and which admin screens finance staff and auditors open
(including the periodic jobs, the monthly posting run). Web views, the admin, the API and the services all ask
`FINANCE`; the monthly run started by Celery beat acts as `ledgerline.policy.SYSTEM`."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from django.db.models import Model, QuerySet

from assetreg import selectors as register
from ledgerline import roles
from ledgerline.policy import Actor, Policy, is_person, sees_all_sites

FM, TECH, FIN, AUD = roles.FACILITY_MANAGER, roles.TECHNICIAN, roles.FINANCE, roles.AUDITOR
_M = TypeVar("_M", bound=Model)


def can_change_values(user: Actor | None) -> bool:
    """Finance staff and superusers revalue, impair, improve, dispose in the admin and post months."""
    return is_person(user) and roles.is_finance(user)


def can_view_valuations(user: Actor | None) -> bool:
    """Finance staff, auditors and superusers see the valuation runs, the whole ledger and the plans."""
    return is_person(user) and roles.can_view_valuations(user)


_READ_BY_FINANCE_AND_AUDITORS = {FIN: "v", AUD: "v"}


class FinancePolicy(Policy):
    """The valuation engine's rules. An asset's own value section follows the register's visibility; the runs and
    the whole ledger are for finance and auditors."""

    app_label = "finance"
    rules: ClassVar = {
        "view_valuations": lambda user, site_id: can_view_valuations(user),
        "change_values": lambda user, site_id: can_change_values(user),
        "post_month": lambda user, site_id: can_change_values(user),
    }
    system_actions = frozenset({"post_month"})
    messages: ClassVar = {
        "view_valuations": "Only finance staff and auditors see the valuation runs.",
        "change_values": "Only finance staff may change an asset's value.",
        "post_month": "Only finance staff may post depreciation.",
    }
    admin_screens: ClassVar = {
        "finance.depreciationrun": _READ_BY_FINANCE_AND_AUDITORS,
        "finance.runfailure": _READ_BY_FINANCE_AND_AUDITORS,
        "finance.valueentry": _READ_BY_FINANCE_AND_AUDITORS,
        "finance.depreciationplan": _READ_BY_FINANCE_AND_AUDITORS,
        # The periodic jobs (the monthly posting run): finance sees them and switches them on or off; the
        # schedules themselves are defined in code (ledgerline/periodic.py).
        "django_celery_beat.periodictask": {FIN: "vc"},
        "django_celery_beat.crontabschedule": {FIN: "v"},
        "django_celery_beat.intervalschedule": {FIN: "v"},
        "django_celery_beat.solarschedule": {FIN: "v"},
        "django_celery_beat.clockedschedule": {FIN: "v"},
    }

    def scope_to_visible_assets(self, actor: Actor | None, queryset: QuerySet[_M]) -> QuerySet[_M]:
        """Rows that belong to an asset (ledger entries, plans, failures) of the assets the actor may see."""
        if sees_all_sites(actor):
            return queryset
        return queryset.filter(asset__in=register.assets_visible_to(actor).values("pk"))

    def writable_fields(self, actor: Actor | None, site_id: int | None = None) -> set[str]:
        return set()


FINANCE: FinancePolicy = FinancePolicy()
