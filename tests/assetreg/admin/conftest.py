"""Fixtures and helpers for the admin tests: logged-in clients and the POST data a change form would send."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The `world` users get a password each; a slow hash there only slows the tests (logins are forced)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client_for(client):
    """A client logged in as the given user."""

    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """What the rendered admin change form posts back untouched (its fields and the inlines' management
    forms), with `changes` applied: what a person sends after editing those fields."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data[name] = _plain(form[name].value())
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    data.update({key: _plain(value) for key, value in changes.items()})
    # A checkbox posts "on" when ticked and nothing at all when not.
    return {key: ("on" if value is True else value) for key, value in data.items() if value is not False}
