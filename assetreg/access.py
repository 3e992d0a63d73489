"""Who may write what in the register. Reads are scoped in `selectors.py`; writes are checked here,
by the services, so that the web, admin, API and tasks apply the same rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from ledgerline import roles

from .choices import FINANCIAL_FIELDS

# Fields a register writer may set directly (status changes go through the lifecycle service).
REGISTER_FIELDS: tuple[str, ...] = (
    "asset_tag",
    "name",
    "kind",
    "category",
    "site",
    "location",
    "parent",
    "custodian",
    "department",
    "acquisition_date",
    "in_service_date",
    "supplier",
    "warranty_end",
    "serial_number",
    "notes",
    "address",
    "floor_area_m2",
    "year_built",
    "vin",
    "plate",
    "odometer_unit",
    "manufacturer",
    "model_number",
    "meter_unit",
)
ASSET_WRITABLE_FIELDS: tuple[str, ...] = REGISTER_FIELDS + FINANCIAL_FIELDS


def assigned_site_ids(user: Any) -> set[int]:
    """The ids of the sites a user is assigned to, cached on the user for the request."""
    cached = getattr(user, "_ledgerline_site_ids", None)
    if cached is None:
        cached = set(user.assigned_sites.values_list("pk", flat=True)) if user.is_authenticated else set()
        user._ledgerline_site_ids = cached
    return cached


def can_write_register(user: Any, site_id: int | None) -> bool:
    """Facility managers write the register at their own sites; superusers everywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return roles.is_facility_manager(user) and site_id is not None and site_id in assigned_site_ids(user)


def can_write_any_register(user: Any) -> bool:
    return bool(user.is_superuser) or (roles.is_facility_manager(user) and bool(assigned_site_ids(user)))


def can_record_readings(user: Any, site_id: int | None) -> bool:
    """Meter readings come from the field: technicians and facility managers at the site."""
    if can_write_register(user, site_id):
        return True
    return (
        bool(getattr(user, "is_active", False))
        and roles.has_role(user, roles.TECHNICIAN)
        and site_id in assigned_site_ids(user)
    )


def can_write_financials(user: Any) -> bool:
    return bool(getattr(user, "is_active", False)) and roles.is_finance(user)


def can_dispose(user: Any, site_id: int | None) -> bool:
    return can_write_register(user, site_id) or can_write_financials(user)


def writable_asset_fields(user: Any, site_id: int | None) -> set[str]:
    """The asset fields this user may change on an asset at this site."""
    fields: set[str] = set()
    if can_write_register(user, site_id):
        fields.update(REGISTER_FIELDS)
    if can_write_financials(user):
        fields.update(FINANCIAL_FIELDS)
    return fields


def require(condition: bool, message: str = "You do not have permission to do this.") -> None:
    if not condition:
        raise PermissionDenied(message)
