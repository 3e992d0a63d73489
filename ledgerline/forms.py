"""What every app's web and admin forms share: putting a service's refusal on the form that called it."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from .exceptions import ConflictError

HIDDEN_FIELDS_NAMED_AT_TOP = ("version", "expected_version")


def add_service_errors(
    form: forms.BaseForm,
    exc: ValidationError | ConflictError | PermissionDenied,
    renamed: Mapping[str, str] | None = None,
) -> None:
    """Put a service's refusal on the form: each field message beside the visible field it names (`renamed`
    maps a service argument to the form field that carries it), every other message at the top of the form,
    prefixed with the name of what it is about. A stale version or a refused permission goes to the top.

    A form whose fields are named differently from its service's arguments says so once, in its
    `service_error_fields` mapping; `renamed` adds to it."""
    if isinstance(exc, ConflictError):
        form.add_error(None, exc.message)
        return
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or "You do not have permission to do this.")
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    renamed = {**getattr(form, "service_error_fields", {}), **(renamed or {})}
    for name, messages in exc.message_dict.items():
        target = renamed.get(name, name)
        field = form.fields.get(target)
        if field is not None and not field.widget.is_hidden and target not in HIDDEN_FIELDS_NAMED_AT_TOP:
            form.add_error(target, messages)
        elif target in (NON_FIELD_ERRORS, None):
            form.add_error(None, messages)
        else:
            label = str(field.label) if field is not None and field.label else name.replace("_", " ").capitalize()
            form.add_error(None, [f"{label}: {message}" for message in messages])
