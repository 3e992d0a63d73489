"""The register's access policy: who sees which sites' rows, who may take which register action, who may write
which asset fields, and which admin screens each role opens. Web views, the admin, the API, exports and the
services all ask `REGISTER`; the services check it themselves (see `ledgerline.policy`)."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import PermissionDenied

from ledgerline import roles
from ledgerline.policy import DEFAULT_REFUSAL, Actor, Policy, assigned_site_ids, is_person

from .fields import FINANCIAL_FIELDS, REGISTER_FIELDS  # the field lists are declared in `assetreg.fields`

ASSET_WRITABLE_FIELDS: tuple[str, ...] = REGISTER_FIELDS + FINANCIAL_FIELDS


def can_write_register(user: Actor | None, site_id: int | None) -> bool:
    """Facility managers write the register at their own sites; superusers everywhere."""
    if not is_person(user):
        return False
    if user.is_superuser:
        return True
    return roles.is_facility_manager(user) and site_id is not None and site_id in assigned_site_ids(user)


def can_write_any_register(user: Actor | None) -> bool:
    """May write the register somewhere (add assets, open the write screens)."""
    if not is_person(user):
        return False
    return user.is_superuser or (roles.is_facility_manager(user) and bool(assigned_site_ids(user)))


def writable_site_ids(user: Actor | None) -> set[int] | None:
    """Sites where the user may write the register; None means every site (administrators)."""
    if is_person(user) and user.is_superuser:
        return None
    if not can_write_any_register(user):
        return set()
    return set(assigned_site_ids(user))


def can_record_readings(user: Actor | None, site_id: int | None) -> bool:
    """Meter readings come from the field: technicians and facility managers at the site."""
    if can_write_register(user, site_id):
        return True
    return (
        is_person(user)
        and roles.has_role(user, roles.TECHNICIAN)
        and site_id is not None
        and site_id in assigned_site_ids(user)
    )


def can_write_financials(user: Actor | None) -> bool:
    """Finance staff (and superusers) write the financial fields and the categories' defaults."""
    return is_person(user) and roles.is_finance(user)


def can_dispose(user: Actor | None, site_id: int | None) -> bool:
    return can_write_register(user, site_id) or can_write_financials(user)


def writable_asset_fields(user: Actor | None, site_id: int | None) -> set[str]:
    """The asset fields this user may change on an asset at this site."""
    fields: set[str] = set()
    if can_write_register(user, site_id):
        fields.update(REGISTER_FIELDS)
    if can_write_financials(user):
        fields.update(FINANCIAL_FIELDS)
    return fields


def creatable_asset_fields(user: Actor | None) -> set[str]:
    """The asset fields this user may fill in on a new asset (at one of their sites)."""
    fields: set[str] = set(REGISTER_FIELDS) if can_write_any_register(user) else set()
    if can_write_financials(user):
        fields.update(FINANCIAL_FIELDS)
    return fields


def _superuser(user: Actor, site_id: int | None) -> bool:
    return is_person(user) and user.is_superuser


FM, TECH, FIN, AUD = roles.FACILITY_MANAGER, roles.TECHNICIAN, roles.FINANCE, roles.AUDITOR


class RegisterPolicy(Policy):
    """The register's rules (assets, sites, locations, categories, documents, readings)."""

    app_label = "assetreg"
    rules: ClassVar = {
        "write": can_write_register,  # assets, locations, documents and status at a site
        "write_anywhere": lambda user, site_id: can_write_any_register(user),
        "dispose": can_dispose,
        "record_reading": can_record_readings,
        "write_financials": lambda user, site_id: can_write_financials(user),
        "save_category": lambda user, site_id: can_write_financials(user),
        "save_site": _superuser,
        "send_warranty_alerts": _superuser,
    }
    system_actions = frozenset({"send_warranty_alerts"})
    messages: ClassVar = {
        "write": "You may not change the register at this site.",
        "dispose": "You may not dispose of this asset.",
        "record_reading": "You may not record readings for this asset.",
        "save_category": "Only finance staff may change categories.",
        "save_site": "Only administrators may change sites.",
    }
    admin_screens: ClassVar = {
        "assetreg.asset": {FM: "vca", TECH: "v", FIN: "vc", AUD: "v"},
        "assetreg.location": {FM: "vca", TECH: "v", FIN: "v", AUD: "v"},
        "assetreg.site": {FM: "v", TECH: "v", FIN: "v", AUD: "v"},
        "assetreg.category": {FM: "v", TECH: "v", FIN: "vca", AUD: "v"},
        "assetreg.assetdocument": {FM: "v", TECH: "v", FIN: "v", AUD: "v"},
        "assetreg.meterreading": {FM: "v", TECH: "v", FIN: "v", AUD: "v"},
        "assetreg.statuschange": {FM: "v", FIN: "v", AUD: "v"},
        "assetreg.disposal": {FM: "v", FIN: "v", AUD: "v"},
        "assetreg.warrantyalert": {FM: "v", FIN: "v", AUD: "v"},
    }

    def writable_fields(self, actor: Actor | None, site_id: int | None = None) -> set[str]:
        return writable_asset_fields(actor, site_id)


REGISTER: RegisterPolicy = RegisterPolicy()


def require(condition: bool, message: str = DEFAULT_REFUSAL) -> None:
    """Refuse unless `condition` (for checks that combine a rule with the state of a row)."""
    if not condition:
        raise PermissionDenied(message)
