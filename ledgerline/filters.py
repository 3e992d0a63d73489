"""Filters shared by every app's filtersets: record ids given in a query string.

An id that is not a whole number the database can hold (`abc`, `1.5`, `-3`, 2^100) is refused like an id of a
record the user may not see: the same "Select a valid choice" message, and never a 500 from the database.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters

MAX_ID = 2**63 - 1


def _is_id(value: Any) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """One record by id, out of the filter's (user-scoped) queryset."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records by id (`?site=1&site=2`), out of the filter's (user-scoped) queryset."""

    def clean(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else ():
            if not _is_id(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super().clean(value)


class IdFilter(filters.ModelChoiceFilter):
    """`?name=<id>` of a record the user may see."""

    field_class = IdChoiceField


class IdMultipleFilter(filters.ModelMultipleChoiceFilter):
    """`?name=<id>&name=<id>` of records the user may see."""

    field_class = IdMultipleChoiceField
