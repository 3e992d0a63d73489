"""Roles are Django groups, created by a migration; users are assigned to the sites they work at.

- Facility manager: reads and writes the register at their sites (not the financial fields).
- Technician: reads assets at their sites.
- Finance: reads everything, writes the financial fields, uses the admin.
- Auditor: reads everything, writes nothing.
Superusers can do everything.
"""

from __future__ import annotations

from typing import Any

FACILITY_MANAGER = "Facility manager"
TECHNICIAN = "Technician"
FINANCE = "Finance"
AUDITOR = "Auditor"
ALL_ROLES = (FACILITY_MANAGER, TECHNICIAN, FINANCE, AUDITOR)


def role_names(user: Any) -> set[str]:
    """The role names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_ledgerline_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._ledgerline_roles = cached
    return cached


def has_role(user: Any, role: str) -> bool:
    return role in role_names(user)


def sees_all_sites(user: Any) -> bool:
    """Finance, auditors and superusers read the whole register."""
    return bool(getattr(user, "is_superuser", False)) or bool(role_names(user) & {FINANCE, AUDITOR})


def is_finance(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, FINANCE)


def is_facility_manager(user: Any) -> bool:
    return has_role(user, FACILITY_MANAGER)


def primary_role(user: Any) -> str:
    if getattr(user, "is_superuser", False):
        return "Administrator"
    for role in ALL_ROLES:
        if has_role(user, role):
            return role
    return "No role"


def roles_context(request: Any) -> dict[str, Any]:
    """Template context: what the current user may do, for showing or hiding actions."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_role": primary_role(user),
        "user_is_finance": is_finance(user),
        "user_is_facility_manager": is_facility_manager(user) or user.is_superuser,
    }
