"""The access matrix of every installed app: each role's answer to every action, in the web pages, the admin and
the API, and no trace in the database of a write that was refused (see `tests/access_matrix.py`).

Each app contributes its resources in `tests/<app>/access.py`; this module finds them for every app of the project.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access_matrix import NOT_IN_MATRIX, REGISTRY, SERVED, check_resource, run_cell


def project_apps() -> list[str]:
    """The labels of the installed apps that are part of this project (not Django's or a library's)."""
    base = Path(settings.BASE_DIR).resolve()
    return [config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == base]


def load_contributions() -> None:
    """Import `tests.<app>.access` of every project app that has one; importing it registers its resources."""
    for label in project_apps():
        name = f"tests.{label}.access"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"tests.{label}"):
                raise


load_contributions()


@pytest.mark.django_db
@pytest.mark.parametrize("resource", sorted(REGISTRY), ids=str)
def test_every_role_gets_its_answer_and_a_refused_write_changes_nothing(world: Any, resource: str) -> None:
    check_resource(world, REGISTRY[resource])


def routes() -> dict[str, str]:
    """Every named route of a project app (web, admin, API) by view name, with the app it belongs to."""
    own = set(project_apps())

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if namespace == "admin":
                    app = next((label for label in own if pattern.name.startswith(f"{label}_")), "")
                elif namespace in own:
                    app = namespace
                else:
                    app = module.split(".")[0]
                if app in own:
                    yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), app

    return dict(walk(get_resolver().url_patterns, ""))


@pytest.mark.django_db
def test_every_route_of_every_app_is_in_the_matrix(world: Any) -> None:
    """A new route (or a new app) must come with its row in the matrix, or say here why it has none."""
    served: set[str] = set().union(*SERVED.values())
    for resource in REGISTRY.values():
        if resource.key in SERVED:
            continue  # the matrix above ran it
        with transaction.atomic():
            if resource.prepare is not None:
                resource.prepare(world)
            for case in resource.cases:
                served.add(run_cell(world, case, "admin")[0].resolver_match.view_name)
            transaction.set_rollback(True)

    missing = sorted(name for name in routes() if name not in served and name not in NOT_IN_MATRIX)
    stale = sorted(name for name in NOT_IN_MATRIX if name in served)

    assert not missing, "routes in no access matrix case (add a case, or `exempt` them with the reason):\n  " + (
        "\n  ".join(missing)
    )
    assert not stale, f"exempted, yet in the matrix: {stale}"


@pytest.mark.django_db
def test_lists_and_exports_leave_out_other_sites(world, client):
    client.force_login(world.facility_manager)

    web = client.get("/assets/").content.decode()
    export = b"".join(client.get("/assets/export.csv").streaming_content).decode()
    api = client.get("/api/v1/assets/").json()
    walk = client.get("/api/v1/assets/walk/").json()

    for seen in (web, export):
        assert world.home_asset.asset_tag in seen and world.away_asset.asset_tag not in seen
    assert [a["asset_tag"] for a in api["results"]] == [world.home_asset.asset_tag]
    assert [a["asset_tag"] for a in walk["results"]] == [world.home_asset.asset_tag]
