"""The one shape of an app's access policy, and the system actor that scheduled work acts as.

Each app declares its rules in `<app>/permissions.py` as a `Policy`: which rows an actor may see
(`scope`, by site), which actions it may take (`can` / `require`, by name), which fields it may write
(`writable_fields`) and which admin screens it may open (`admin_can`, from the app's `admin_screens` table).
Web views, the admin (through `PolicyAdminMixin`), the API, services and exports all ask the policy, so
there is one model of permission: Django's model permissions are not consulted for the apps' models, and
the role groups carry none. Services check the policy themselves; Celery tasks pass `SYSTEM`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeAlias, TypeGuard, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from . import roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

DEFAULT_REFUSAL = "You do not have permission to do this."


class SystemActor:
    """Work nobody asked for in person: Celery beat's monthly posting run, scheduled alerts. It is allowed only
    what a policy grants it by name (`Policy.system_actions`), it has no sites of its own and it never uses the
    admin; records it writes show "system" as their author."""

    pk: None = None
    is_system: Final = True
    is_authenticated: Final = True
    is_active: Final = True
    is_superuser: Final = False
    is_staff: Final = False

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()

# Who does something: a signed-in user (anonymous users are refused by every rule) or the system actor.
Actor: TypeAlias = "User | AnonymousUser | SystemActor"

_M = TypeVar("_M", bound=Model)
Rule = Callable[[Actor, int | None], bool]


def is_system(actor: Actor | None) -> TypeGuard[SystemActor]:
    return isinstance(actor, SystemActor)


def is_person(actor: Actor | None) -> TypeGuard[User]:
    """An active, signed-in user (not the system actor, not anonymous)."""
    return (
        actor is not None
        and not is_system(actor)
        and bool(getattr(actor, "is_authenticated", False))
        and bool(getattr(actor, "is_active", False))
    )


def user_or_none(actor: Actor | None) -> User | None:
    """The user to record as the author of a row (None for the system actor)."""
    return actor if is_person(actor) else None


def assigned_site_ids(actor: Actor | None) -> set[int]:
    """The ids of the sites a user is assigned to, cached on the user for the request."""
    if not is_person(actor):
        return set()
    cached: set[int] | None = getattr(actor, "_ledgerline_site_ids", None)
    if cached is None:
        cached = set(actor.assigned_sites.values_list("pk", flat=True))  # type: ignore[attr-defined]
        actor._ledgerline_site_ids = cached  # type: ignore[attr-defined]
    return cached


def sees_all_sites(actor: Actor | None) -> bool:
    """Finance, auditors, superusers and the system actor read every site; others only their own."""
    if is_system(actor):
        return True
    return is_person(actor) and roles.sees_all_sites(actor)


def site_filter(actor: Actor | None, field: str) -> Q | None:
    """None when the actor sees every site; else a filter on `field` for its sites (may match nothing)."""
    if sees_all_sites(actor):
        return None
    if not is_person(actor):
        return Q(pk__in=[])
    return Q(**{f"{field}__in": assigned_site_ids(actor)})


class Policy:
    """An app's access rules. Subclasses set `app_label`, `rules` (action name -> predicate of actor and site id),
    `system_actions` (what scheduled work may do), `admin_screens` and, where rows carry fields, override
    `writable_fields`."""

    app_label: ClassVar[str]
    rules: ClassVar[Mapping[str, Rule]] = {}
    system_actions: ClassVar[frozenset[str]] = frozenset()
    # Admin screens: model label ("app.model") -> role name -> letters (v)iew, (a)dd, (c)hange, (d)elete.
    # Superusers may open every screen; object-level rules (site, disposed) stay in the ModelAdmin.
    admin_screens: ClassVar[Mapping[str, Mapping[str, str]]] = {}
    messages: ClassVar[Mapping[str, str]] = {}

    # ---- rows -----------------------------------------------------------------------------------

    def scope(self, actor: Actor | None, queryset: QuerySet[_M], site_field: str = "site_id") -> QuerySet[_M]:
        """The rows of `queryset` the actor may see: those at its sites (all of them for who sees every site)."""
        condition = site_filter(actor, site_field)
        return queryset if condition is None else queryset.filter(condition)

    # ---- actions --------------------------------------------------------------------------------

    def can(self, actor: Actor | None, action: str, site_id: int | None = None) -> bool:
        """May the actor take `action` (at the site, for site-bound actions)?"""
        rule = self.rules[action]  # an unknown action is a programming error, not a refusal
        if is_system(actor):
            return action in self.system_actions
        if not is_person(actor):
            return False
        return bool(rule(actor, site_id))

    def require(self, actor: Actor | None, action: str, site_id: int | None = None, message: str = "") -> None:
        """Raise PermissionDenied unless the actor may take `action`."""
        if not self.can(actor, action, site_id):
            raise PermissionDenied(message or self.messages.get(action, DEFAULT_REFUSAL))

    # ---- fields ---------------------------------------------------------------------------------

    def writable_fields(self, actor: Actor | None, site_id: int | None = None) -> set[str]:
        """The fields the actor may write on a row at this site (none unless the app says otherwise)."""
        return set()

    # ---- admin screens --------------------------------------------------------------------------

    def admin_can(self, actor: Actor | None, model_label: str, letter: str) -> bool:
        """May the actor open the admin screen of a model for (v)iew, (a)dd, (c)hange or (d)elete?"""
        if not is_person(actor) or not actor.is_staff:
            return False
        if actor.is_superuser:
            return True
        grants = self.admin_screens.get(model_label, {})
        return any(letter in grants.get(role, "") for role in roles.role_names(actor))


class PolicyAdminMixin:
    """Admin screens opened by the app's policy instead of Django's model permissions. Subclasses still narrow
    a screen further (a disposed asset, another site) by overriding and calling `super()`."""

    policy: ClassVar[Policy]
    model: type[Model]

    def _screen(self, request: HttpRequest, letter: str) -> bool:
        return self.policy.admin_can(request.user, self.model._meta.label_lower, letter)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._screen(request, "v") or self._screen(request, "c")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._screen(request, "v") or self._screen(request, "c")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._screen(request, "a")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._screen(request, "c")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._screen(request, "d")
