"""Custom fields per category: the rules of their definitions and of their values, and how values are shown.

Finance staff or an administrator define typed fields per category (`CustomField`); an asset keeps its values in
`Asset.custom_fields` as `{key: value}`. The register's services check every value here, so the web form, the
admin, the API and the CSV import refuse the same things with the same messages. Stored values are plain JSON:
text and choices as strings, numbers as JSON numbers (at most 15 significant digits, so they are exact), dates as
`YYYY-MM-DD` strings and yes/no as booleans. Interfaces name a field by its key: `custom_fields.<key>` in error
messages, `cf_<key>` in forms and list filters, `cf:<key>` in CSV headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from .choices import CustomFieldType

if TYPE_CHECKING:
    from .models import CustomField

TEXT_DEFAULT_MAX_LENGTH = 200
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
MAX_FIELDS_PER_CATEGORY = 50
YES = ("yes", "true", "1", "y")
NO = ("no", "false", "0", "n")


def error_key(key: str) -> str:
    """How a service names a custom field in its field errors."""
    return f"custom_fields.{key}"


def form_name(key: str) -> str:
    """The name of a custom field in web and admin forms and in list filters."""
    return f"cf_{key}"


def csv_column(key: str) -> str:
    """The CSV column of a custom field."""
    return f"cf:{key}"


def definitions_for(category_id: int | None) -> list[CustomField]:
    """A category's custom fields, in their order."""
    from .models import CustomField

    if category_id is None:
        return []
    return list(CustomField.objects.filter(category_id=category_id).order_by("order", "key"))


# --------------------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------------------


def definition_errors(definition: CustomField) -> dict[str, str]:
    """What is wrong with a definition, by attribute; settings that do not apply to its type are refused."""
    from .models import (
        CUSTOM_FIELD_CHOICE_LENGTH_MAX,
        CUSTOM_FIELD_CHOICES_MAX,
        CUSTOM_FIELD_NUMBER_BOUND,
    )

    errors: dict[str, str] = {}
    kind = definition.field_type
    number = kind == CustomFieldType.NUMBER
    if definition.max_length is not None and kind != CustomFieldType.TEXT:
        errors["max_length"] = "Only a text field has a maximum length."
    if not number:
        for name in ("unit", "min_value", "max_value"):
            if getattr(definition, name) not in (None, ""):
                errors[name] = "Only a number field has this."
        if definition.decimal_places:
            errors["decimal_places"] = "Only a number field has decimal places."
    else:
        for name in ("min_value", "max_value"):
            bound = getattr(definition, name)
            if bound is None:
                continue
            if abs(bound) > CUSTOM_FIELD_NUMBER_BOUND:
                errors[name] = f"Keep within ±{CUSTOM_FIELD_NUMBER_BOUND}."
            elif _decimals(bound) > (definition.decimal_places or 0):
                errors[name] = f"Use at most {definition.decimal_places or 0} decimal places, as the field does."
        low, high = definition.min_value, definition.max_value
        if low is not None and high is not None and low > high and "min_value" not in errors:
            errors["min_value"] = "The minimum cannot be above the maximum."
    choices = definition.choices
    if kind == CustomFieldType.CHOICE:
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            errors["choices"] = "Give the choices as a list of texts."
        else:
            cleaned = [c.strip() for c in choices]
            if not cleaned or any(not c for c in cleaned):
                errors["choices"] = "Give at least one choice, none of them empty."
            elif len(cleaned) > CUSTOM_FIELD_CHOICES_MAX:
                errors["choices"] = f"At most {CUSTOM_FIELD_CHOICES_MAX} choices."
            elif any(len(c) > CUSTOM_FIELD_CHOICE_LENGTH_MAX for c in cleaned):
                errors["choices"] = f"A choice has at most {CUSTOM_FIELD_CHOICE_LENGTH_MAX} characters."
            elif len({c.lower() for c in cleaned}) != len(cleaned):
                errors["choices"] = "Each choice may appear only once."
            else:
                definition.choices = cleaned
    elif choices:
        errors["choices"] = "Only a choice field has choices."
    return errors


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------


def parse_value(definition: CustomField, raw: Any) -> Any:
    """The stored form of one value, or None when there is none. Raises ValidationError with a message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = definition.field_type
    if kind == CustomFieldType.TEXT:
        if not isinstance(raw, str):
            raise ValidationError("Enter text.")
        text = raw.strip()
        limit = definition.max_length or TEXT_DEFAULT_MAX_LENGTH
        if len(text) > limit:
            raise ValidationError(f"Use at most {limit} characters (this has {len(text)}).")
        return text
    if kind == CustomFieldType.NUMBER:
        return _parse_number(definition, raw)
    if kind == CustomFieldType.DATE:
        return _parse_date(raw).isoformat()
    if kind == CustomFieldType.YES_NO:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in YES + NO:
            return raw.strip().lower() in YES
        raise ValidationError("Answer yes or no.")
    if kind == CustomFieldType.CHOICE:
        if not isinstance(raw, str):
            raise ValidationError("Choose one of the listed values.")
        wanted = raw.strip().lower()
        for choice in definition.choices or []:
            if choice.lower() == wanted:
                return choice
        raise ValidationError(f"Choose one of: {', '.join(definition.choices or [])}.")
    raise ValidationError(f"Unknown field type '{kind}'.")


def _parse_number(definition: CustomField, raw: Any) -> int | float:
    from .models import CUSTOM_FIELD_NUMBER_BOUND

    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
        raise ValidationError("Enter a number.")
    try:
        value = Decimal(repr(raw) if isinstance(raw, float) else str(raw).strip())
    except InvalidOperation:
        raise ValidationError("Enter a number.") from None
    if not value.is_finite():
        raise ValidationError("Enter a number.")
    places = definition.decimal_places or 0
    if _decimals(value) > places:
        raise ValidationError("Enter a whole number." if not places else f"Use at most {places} decimal places.")
    low = definition.min_value if definition.min_value is not None else -CUSTOM_FIELD_NUMBER_BOUND
    high = definition.max_value if definition.max_value is not None else CUSTOM_FIELD_NUMBER_BOUND
    if value < low:
        raise ValidationError(f"Enter at least {low.normalize():f}.")
    if value > high:
        raise ValidationError(f"Enter at most {high.normalize():f}.")
    return int(value) if value == value.to_integral_value() else float(value)


def _parse_date(raw: Any) -> date:
    if isinstance(raw, date):
        value = raw
    elif isinstance(raw, str):
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError("Enter a date as YYYY-MM-DD.") from None
    else:
        raise ValidationError("Enter a date as YYYY-MM-DD.")
    if not (DATE_MIN <= value <= DATE_MAX):
        raise ValidationError(f"Enter a date between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}.")
    return value


def clean_values(definitions: Iterable[CustomField], values: Any, *, category_name: str = "") -> dict[str, Any]:
    """Check an asset's custom values against its category's definitions; returns the values to store.

    Unknown keys are refused (also after a change of category), required fields must have a value, and every
    value must fit its type and bounds. Errors are raised together, keyed `custom_fields.<key>`.
    """
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise ValidationError({"custom_fields": "Give the custom fields as an object of key: value."})
    by_key = {d.key: d for d in definitions}
    errors: dict[str, str] = {}
    where = f"The category {category_name}" if category_name else "This asset's category"
    for key in values:
        if key not in by_key:
            errors[error_key(str(key))[:80]] = f"{where} has no field '{str(key)[:40]}'; leave it out."
    cleaned: dict[str, Any] = {}
    for key, definition in by_key.items():
        try:
            value = parse_value(definition, values.get(key))
        except ValidationError as exc:
            errors[error_key(key)] = f"{definition.label}: {exc.messages[0]}"
            continue
        if value is None:
            if definition.required:
                errors[error_key(key)] = f"{definition.label}: required for this category."
            continue
        cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def as_decimal(value: Any) -> Decimal:
    """A stored number as an exact Decimal."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def display(definition: CustomField | None, value: Any) -> str:
    """A stored value as people read it: numbers with their unit, Yes/No, dates as stored (ISO)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        text = f"{as_decimal(value):f}"
        return f"{text} {definition.unit}" if definition is not None and definition.unit else text
    return str(value)


def plain_value(value: Any) -> str:
    """A stored value as a CSV cell or a form's initial text (no unit; yes/no as `yes`/`no`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{as_decimal(value):f}"
    return str(value)
