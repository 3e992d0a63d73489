"""What the database holds, as a value two moments can be compared by: a refused write must leave it as it was.

`database_state()` takes every table of the project's apps (the register, finance and every app to come, their
history tables included, plus users, groups, admin log entries and periodic tasks) as a row count and a digest
of all rows, and the files kept in MEDIA_ROOT. Only the traces of signing in (a user's last login, a device
token's last use) are left out: every request may leave them. `unchanged_database()` asserts, around a block,
that nothing of that changed, and names the tables that did when something did.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings

# Tables that change as a side effect of being logged in or of a request, not of the write under test, and
# tables that only migrations write.
SIDE_EFFECT_APPS = frozenset({"sessions", "axes"})
MIGRATION_ONLY_TABLES = frozenset({"django_content_type", "auth_permission"})
# Columns that record signing in and using a token, which every request may touch.
SIGN_IN_COLUMNS = {"auth_user": {"last_login"}, "ledgerline_devicetoken": {"last_used_at", "expiry"}}

State = dict[str, tuple[int, str]]


def database_state() -> State:
    """Each table's row count and a digest of its rows (ordered by primary key), and the stored files."""
    state: State = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in SIDE_EFFECT_APPS or meta.proxy or meta.db_table in MIGRATION_ONLY_TABLES:
            continue
        skipped = SIGN_IN_COLUMNS.get(meta.db_table, set())
        columns = [f.attname for f in meta.concrete_fields if f.column not in skipped]
        rows = list(model._default_manager.order_by("pk").values_list(*columns))
        state[meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    state["<media files>"] = (len(files), hashlib.sha256(repr(files).encode()).hexdigest())
    return state


def changed_tables(before: State, after: State) -> list[str]:
    """The tables (and the media folder) whose rows differ, with their counts before and after."""
    return [
        f"{table} ({before.get(table, (0, ''))[0]} -> {after.get(table, (0, ''))[0]} rows)"
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]


@contextmanager
def unchanged_database() -> Iterator[None]:
    """Assert that the block writes nothing: no row added, changed or removed, no file stored."""
    before = database_state()
    yield
    changed = changed_tables(before, database_state())
    assert not changed, "a refused write changed the database: " + ", ".join(changed)
