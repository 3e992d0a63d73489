"""Roles are Django groups, created by a migration; users are assigned to the sites they work at.

- Facility manager: reads and writes the register at their sites (not the financial fields).
- Technician: reads assets at their sites.
- Finance: reads everything, writes the financial fields, uses the admin.
- Auditor: reads everything, writes nothing.
Superusers can do everything. What each role may see and do is written in each app's policy
(`assetreg/permissions.py`, `finance/permissions.py`, built on `ledgerline.policy`); the groups only name roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .policy import Actor

FACILITY_MANAGER = "Facility manager"
TECHNICIAN = "Technician"
FINANCE = "Finance"
AUDITOR = "Auditor"
ALL_ROLES = (FACILITY_MANAGER, TECHNICIAN, FINANCE, AUDITOR)


def role_names(user: Actor | None) -> set[str]:
    """The role names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_system", False):
        return set()
    person = cast(Any, user)  # a signed-in user (not the system actor)
    cached = getattr(person, "_ledgerline_roles", None)
    if cached is None:
        cached = set(person.groups.values_list("name", flat=True))
        person._ledgerline_roles = cached
    return cached


def has_role(user: Actor | None, role: str) -> bool:
    return role in role_names(user)


def sees_all_sites(user: Actor | None) -> bool:
    """Finance, auditors and superusers read the whole register."""
    return bool(getattr(user, "is_superuser", False)) or bool(role_names(user) & {FINANCE, AUDITOR})


def is_finance(user: Actor | None) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, FINANCE)


def can_view_valuations(user: Actor | None) -> bool:
    """Finance staff, auditors and superusers see the valuation runs and the whole ledger."""
    return is_finance(user) or has_role(user, AUDITOR)


def is_facility_manager(user: Actor | None) -> bool:
    return has_role(user, FACILITY_MANAGER)


def primary_role(user: Actor | None) -> str:
    if getattr(user, "is_superuser", False):
        return "Administrator"
    for role in ALL_ROLES:
        if has_role(user, role):
            return role
    return "No role"


def roles_context(request: Any) -> dict[str, Any]:
    """Template context: the user's role and whether they read every site (from the policy)."""
    from .policy import sees_all_sites as policy_sees_all_sites

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_role": primary_role(user), "user_sees_all_sites": policy_sees_all_sites(user)}


def sync_role_groups(using: str = "default") -> list[str]:
    """Create any missing role group. Groups carry no model permissions: what a role may do is each app's
    policy (`<app>/permissions.py`). Migrations create the groups; this restores them after a database flush.
    Returns the names of the groups created."""
    from django.contrib.auth.models import Group

    created = []
    for role in ALL_ROLES:
        _, was_created = Group.objects.using(using).get_or_create(name=role)
        if was_created:
            created.append(role)
    return created


def sync_role_groups_after_migrate(sender: Any, app_config: Any = None, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: make sure the role groups exist."""
    sync_role_groups(using)
