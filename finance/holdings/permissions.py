"""Who may do what in holdings.

Finance staff (and superusers) write; finance staff and auditors read. Management commands run by an operator
at the server act as `SYSTEM` (they have the database anyway). To be replaced by the shape of
`ledgerline.policy` once that lands on main.
"""

from __future__ import annotations

from typing import Any, Final

from django.core.exceptions import PermissionDenied

from ledgerline import roles


class CommandLineActor:
    """An operator running a management command: may import, and is recorded as no user."""

    pk: None = None
    is_system: Final = True
    is_authenticated: Final = True
    is_active: Final = True
    is_superuser: Final = False

    def __str__(self) -> str:
        return "system"


SYSTEM: Final = CommandLineActor()


def can_write(actor: Any) -> bool:
    """Record transactions, prices and FX, import files."""
    return isinstance(actor, CommandLineActor) or (bool(getattr(actor, "is_active", False)) and roles.is_finance(actor))


def can_read(actor: Any) -> bool:
    return can_write(actor) or (bool(getattr(actor, "is_active", False)) and roles.can_view_valuations(actor))


def require_write(actor: Any) -> None:
    if not can_write(actor):
        raise PermissionDenied("Only finance staff may record holdings, prices and FX rates.")


def user_or_none(actor: Any) -> Any:
    """The user to record as the author of a row (None for the system)."""
    return actor if getattr(actor, "pk", None) and not isinstance(actor, CommandLineActor) else None
