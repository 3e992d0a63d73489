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


def can_view_valuations(user: Any) -> bool:
    """Finance staff, auditors and superusers see the valuation runs and the whole ledger."""
    return is_finance(user) or has_role(user, AUDITOR)


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


# The admin (model) permissions of each role: app label -> model -> letters (v)iew, (c)hange, (a)dd, (d)elete.
# Site scoping and field-level rules live in assetreg.access; these only open the admin screens a role needs.
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, str]]] = {
    FACILITY_MANAGER: {
        "assetreg": {
            "asset": "vcad",
            "site": "v",
            "location": "vcad",
            "category": "v",
            "assetdocument": "vcad",
            "statuschange": "v",
            "disposal": "v",
            "warrantyalert": "v",
            "meterreading": "v",
        },
    },
    TECHNICIAN: {
        "assetreg": {
            "asset": "v",
            "site": "v",
            "location": "v",
            "category": "v",
            "assetdocument": "v",
            "meterreading": "v",
        },
    },
    FINANCE: {
        "assetreg": {
            "asset": "vc",
            "site": "v",
            "location": "v",
            "category": "vca",
            "assetdocument": "v",
            "statuschange": "v",
            "disposal": "v",
            "warrantyalert": "v",
            "historicalasset": "v",
            "meterreading": "v",
        },
        "django_celery_beat": {
            "periodictask": "vc",
            "crontabschedule": "v",
            "intervalschedule": "v",
            "solarschedule": "v",
            "clockedschedule": "v",
        },
    },
    AUDITOR: {
        "assetreg": {
            "asset": "v",
            "site": "v",
            "location": "v",
            "category": "v",
            "assetdocument": "v",
            "statuschange": "v",
            "disposal": "v",
            "warrantyalert": "v",
            "historicalasset": "v",
            "meterreading": "v",
        },
    },
}
_ACTIONS = {"v": "view", "c": "change", "a": "add", "d": "delete"}


def sync_role_groups(using: str = "default") -> list[str]:
    """Create any missing role group with its permissions (an existing group, maybe edited in the admin, is
    left as it is). Migrations create the groups; this restores them after a database flush. Returns the
    names of the groups created."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    created = []
    for role, grants in ROLE_PERMISSIONS.items():
        group, was_created = Group.objects.using(using).get_or_create(name=role)
        if not was_created:
            continue
        created.append(role)
        wanted = Q(pk__in=[])
        for app_label, models in grants.items():
            codenames = [f"{_ACTIONS[letter]}_{model}" for model, letters in models.items() for letter in letters]
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.set(Permission.objects.using(using).filter(wanted))
    return created


def sync_role_groups_after_migrate(sender: Any, app_config: Any = None, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: permissions first (they are made per app by auth's own receiver), then groups."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_role_groups(using)
