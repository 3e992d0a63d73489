"""The shared access-matrix helper: run (role x interface x action) cases and report every mismatch at once.

A resource's test module declares its actions per interface (a callable that performs the action as a logged-in
client and returns the response) and a table of expected status codes; `check_matrix` runs every cell and
fails with the whole table of differences, so a permission regression shows exactly which cells moved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.test import Client
from rest_framework.test import APIClient

Action = Callable[[Any, Any], Any]  # (client, world) -> response
ANONYMOUS = "anonymous"
ROLES = ("facility_manager", "technician", "finance", "auditor", "outsider", ANONYMOUS)


@dataclass(frozen=True)
class Cell:
    role: str
    interface: str
    action: str
    expected: int
    got: int


def client_for(interface: str, user: Any | None) -> Any:
    """A web client (session) or an API client, logged in as `user` unless it is None."""
    client = Client() if interface == "web" else APIClient()
    if user is not None:
        client.force_login(user)
    return client


def check_matrix(
    world: Any,
    actions: Mapping[str, Mapping[str, Action]],
    expected: Mapping[tuple[str, str], Mapping[str, int]],
    *,
    fresh_world: Callable[[], None] | None = None,
) -> None:
    """Run every (role, interface, action) cell of `expected` and assert all of them at once.

    `actions[interface][action]` performs the action; `expected[(interface, action)][role]` is the status the
    role must get. `fresh_world`, if given, runs before each write so cells do not depend on each other.
    """
    wrong: list[Cell] = []
    for (interface, action), by_role in expected.items():
        for role, status in by_role.items():
            if fresh_world is not None:
                fresh_world()
            user = None if role == ANONYMOUS else getattr(world, role)
            response = actions[interface][action](client_for(interface, user), world)
            if response.status_code != status:
                wrong.append(Cell(role, interface, action, status, response.status_code))
    assert not wrong, "access matrix mismatches:\n" + "\n".join(
        f"  {c.interface:<4} {c.action:<16} {c.role:<17} expected {c.expected}, got {c.got}" for c in wrong
    )
