"""The access matrix: who may do what to every resource of every app, in each interface (web, admin, API).

Each app's tests contribute their resources in `tests/<app>/access.py` by calling `register(Resource(...))`; a
resource names its cases, one per (interface, action), each with the status every role must get. The one test
module `tests/test_access_matrix.py` finds the contributions of every installed app and runs every cell:

- each cell runs in a savepoint that is rolled back afterwards, so cells do not depend on each other;
- a write a role is refused (a 4xx, or a redirect to a login page) must leave the database as it was (every
  table's rows and the stored files, see `tests.dbstate`);
- a write a role is allowed must change the database, so that a cell cannot pass because its action does nothing.

A new app (maintenance, holdings) adds `tests/<app>/access.py`; `test_every_route_is_in_the_matrix` fails until
each of its web, admin and API routes is covered by a case or listed, with the reason, in `NOT_IN_MATRIX`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.dbstate import State, changed_tables, database_state

Action = Callable[[Any, Any], Any]  # (client, world) -> response
Prepare = Callable[[Any], None]  # adds what the resource's cases need to the world
ANONYMOUS = "anonymous"
ROLES = ("facility_manager", "technician", "finance", "auditor", "outsider", "admin", ANONYMOUS)
INTERFACES = ("web", "admin", "api")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Refused(int):
    """A status that is a refusal although it is not a 4xx: the form shown again with the reason (200), or the admin
    back at its list after an action the role may not run (302). The database must not change."""


@dataclass(frozen=True)
class Case:
    """One action in one interface and the status each role must get (every role of `ROLES` is listed)."""

    interface: str
    action: str
    perform: Action
    expected: Mapping[str, int]


@dataclass(frozen=True)
class Resource:
    """A resource of an app (assets, value events, depreciation runs, ...) and its cases."""

    app: str
    name: str
    cases: tuple[Case, ...]
    prepare: Prepare | None = None
    description: str = ""

    @property
    def key(self) -> str:
        return f"{self.app}:{self.name}"


REGISTRY: dict[str, Resource] = {}

# The view names each resource's cases reached when the matrix last ran (for the route coverage check).
SERVED: dict[str, set[str]] = {}

# Routes not in the matrix, by view name, each with the reason; checked by `test_every_route_is_in_the_matrix`.
NOT_IN_MATRIX: dict[str, str] = {}


def register(resource: Resource) -> Resource:
    """Add a resource to the matrix (each app's `tests/<app>/access.py` calls this at import)."""
    for case in resource.cases:
        assert case.interface in INTERFACES, f"{resource.key}: unknown interface {case.interface!r}"
        missing = set(ROLES) - set(case.expected)
        assert not missing, f"{resource.key} {case.interface} {case.action!r}: no expectation for {sorted(missing)}"
    assert resource.key not in REGISTRY or REGISTRY[resource.key] is resource, f"{resource.key} registered twice"
    REGISTRY[resource.key] = resource
    return resource


def exempt(view_name: str, reason: str) -> None:
    """Leave a route out of the matrix, saying why (it is covered elsewhere, or has no access rule of its own)."""
    NOT_IN_MATRIX[view_name] = reason


@dataclass(frozen=True)
class Cell:
    role: str
    interface: str
    action: str
    expected: int
    got: int
    problem: str = ""


_HANDLERS: dict[type, Any] = {}


class _Recording:
    """Mixin for the test clients: the database's state just before the first write request (None if none).

    The clients of one kind share their request handler, so the middleware (WhiteNoise indexes every static file
    when it starts) is loaded once, not once per cell."""

    state_before_write: State | None = None
    handler: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handler = _HANDLERS.setdefault(type(self), self.handler)

    def generic(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if method.upper() not in READ_METHODS and self.state_before_write is None:
            self.state_before_write = database_state()
        return super().generic(method, *args, **kwargs)  # type: ignore[misc]


class WebClient(_Recording, Client):
    pass


class ApiClient(_Recording, APIClient):
    pass


def client_for(interface: str, user: Any | None) -> Any:
    """A browser-like client (web, admin) or an API client, logged in as `user` unless it is None."""
    client = WebClient() if interface in ("web", "admin") else ApiClient()
    if user is not None:
        client.force_login(user)
    return client


def is_refusal(response: Any) -> bool:
    """A 4xx, or a redirect to a login page (an anonymous visitor, or a non-staff user at the admin)."""
    if response.status_code >= 400:
        return True
    return response.status_code == 302 and "login" in response.get("Location", "")


def run_cell(world: Any, case: Case, role: str) -> tuple[Any, list[str] | None]:
    """Perform one cell in a savepoint that is rolled back: its response and, if it sent a write request, the
    tables that write changed (None for a read)."""
    user = None if role == ANONYMOUS else world.user(role)
    with transaction.atomic():
        client = client_for(case.interface, user)
        response = case.perform(client, world)
        before = client.state_before_write
        changed = None if before is None else changed_tables(before, database_state())
        transaction.set_rollback(True)
    return response, changed


def check_resource(world: Any, resource: Resource) -> None:
    """Run every (case, role) cell of a resource and assert all of them at once."""
    if resource.prepare is not None:
        resource.prepare(world)
    wrong: list[Cell] = []
    served = SERVED.setdefault(resource.key, set())
    for case in resource.cases:
        for role, status in case.expected.items():
            response, changed = run_cell(world, case, role)
            served.add(response.resolver_match.view_name)
            got = response.status_code
            refused = isinstance(status, Refused) or is_refusal(response)
            problem = ""
            if got != status:
                problem = "status"
            elif changed is not None and refused and changed:
                problem = "refused, but wrote: " + ", ".join(changed)
            elif changed is not None and not refused and not changed:
                problem = "allowed, but wrote nothing"
            if problem:
                wrong.append(Cell(role, case.interface, case.action, status, got, problem))
    assert not wrong, f"access matrix of {resource.key}:\n" + "\n".join(
        f"  {c.interface:<5} {c.action:<28} {c.role:<17} expected {c.expected}, got {c.got}"
        + ("" if c.problem == "status" else f" ({c.problem})")
        for c in wrong
    )


def matrix(**by_role: int) -> dict[str, int]:
    """Expectations by role; `rest=` gives the status of every role not named."""
    rest = by_role.pop("rest", None)
    expected = {role: by_role[role] if role in by_role else rest for role in ROLES}
    missing = [role for role, status in expected.items() if status is None]
    assert not missing, f"no expectation for {missing}"
    return expected  # type: ignore[return-value]


@dataclass
class Cases:
    """A small builder: `cases.add("api", "create", perform, facility_manager=201, rest=403)`."""

    items: list[Case] = field(default_factory=list)

    def add(self, interface: str, action: str, perform: Action, **by_role: int) -> Cases:
        self.items.append(Case(interface, action, perform, matrix(**by_role)))
        return self

    def build(self) -> tuple[Case, ...]:
        return tuple(self.items)

    def admin_records(
        self,
        model: str,
        pk: Callable[[Any], int],
        *,
        readers: Mapping[str, int],
        add: Mapping[str, int] | None = None,
        delete: Mapping[str, int] | None = None,
    ) -> Cases:
        """The admin's standard screens of one model (`app_model`, e.g. `assetreg_site`): its list, one record and
        its history, and (when given) adding an empty record and deleting one. Roles without admin access are
        sent to its login page."""
        url = "/admin/" + model.replace("_", "/", 1)
        to_login = {"facility_manager": 302, "technician": 302, "outsider": 302, ANONYMOUS: 302}
        self.add("admin", f"list {model}", lambda c, w: c.get(f"{url}/"), **{**to_login, **readers})
        self.add("admin", f"read {model}", lambda c, w: c.get(f"{url}/{pk(w)}/change/"), **{**to_login, **readers})
        self.add("admin", f"history {model}", lambda c, w: c.get(f"{url}/{pk(w)}/history/"), **{**to_login, **readers})
        if add is not None:
            self.add("admin", f"add {model}", lambda c, w: c.post(f"{url}/add/", {}), **{**to_login, **add})
        if delete is not None:
            self.add(
                "admin",
                f"delete {model}",
                lambda c, w: c.post(f"{url}/{pk(w)}/delete/", {"post": "yes"}),
                **{**to_login, **delete},
            )
        return self
