"""Project-wide REST plumbing: capped page-number and keyset pagination, and the translation of domain errors
to HTTP."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Field, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.fields import SkipField
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.relations import PKOnlyObject
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from . import roles
from .exceptions import ConflictError
from .money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class CappedPageNumberPagination(PageNumberPagination):
    """`?page=` and `?page_size=`; page size is capped so no client can ask for the whole table."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


def _concrete(model: type[Model], name: str) -> Field:
    """A concrete field of `model` (a key of keyset paging)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field), f"{model.__name__}.{name} is not a concrete field"
    return field


class KeysetPagination(BasePagination):
    """`?cursor=` paging on a unique key: page 500 costs what page 1 costs, and no page needs a `COUNT(*)`.

    `orderings` names the orderings a client may choose with `?ordering=` (the first is the default), each a
    tuple of fields whose last one is unique, e.g. `{"id": ("id",), "updated_at": ("updated_at", "id")}`. A
    page is `{"next": <url or null>, "results": [...]}`: `next` carries an opaque, signed cursor (the last row's
    key and the ordering), so a client follows it and never builds one. The next page is the rows whose key
    comes after that cursor (`(updated_at, id) > (…, …)`, one index range scan). Unlike an offset, a row added
    or moved before the cursor while a client walks shifts nothing: no other row is skipped or repeated. A
    cursor that was tampered with, is garbled, or was made for another ordering is a 400 on `cursor`.
    """

    cursor_query_param = "cursor"
    ordering_query_param = "ordering"
    page_size_query_param = "page_size"
    page_size: int = api_settings.PAGE_SIZE or 50
    max_page_size: int = settings.API_MAX_PAGE_SIZE
    orderings: dict[str, tuple[str, ...]] = {"id": ("id",)}
    signing_salt = "ledgerline.api.KeysetPagination"
    invalid_cursor_message = "Invalid cursor: start again without one, then follow the `next` links."

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        """The page after `?cursor=` (or the first page) of `queryset`, a QuerySet."""
        self.request = request
        self.ordering = self._ordering(request)
        keys = self.orderings[self.ordering]
        size = self._page_size(request)
        queryset = queryset.order_by(*keys)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            after = self.decode_cursor(cursor, queryset.model)
            queryset = queryset.filter(TupleGreaterThan(Tuple(*(F(key) for key in keys)), after))
        rows = list(queryset[: size + 1])
        self.next_key = self._key(rows[size - 1], queryset.model, keys) if len(rows) > size else None
        return rows[:size]

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_next_link(self) -> str | None:
        if self.next_key is None:
            return None
        cursor = self.encode_cursor(self.ordering, self.next_key)
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def encode_cursor(self, ordering: str, key: list[Any]) -> str:
        """The opaque cursor of the position just after `key` (JSON values of the ordering's fields)."""
        return signing.dumps({"o": ordering, "k": key}, salt=self.signing_salt, compress=True)

    def decode_cursor(self, cursor: str, model: type[Model]) -> tuple[Any, ...]:
        """The key a cursor holds, as Python values of the key's fields; a 400 for anything but our own cursor."""
        keys = self.orderings[self.ordering]
        try:
            payload = signing.loads(cursor, salt=self.signing_salt)
            if payload["o"] != self.ordering:
                raise DRFValidationError({self.cursor_query_param: ["This cursor belongs to another `ordering`."]})
            values = payload["k"]
            if len(values) != len(keys):
                raise ValueError("wrong key length")
            return tuple(_concrete(model, key).to_python(value) for key, value in zip(keys, values, strict=True))
        except DRFValidationError:
            raise
        except (signing.BadSignature, DjangoValidationError, ValueError, TypeError, KeyError, AttributeError):
            raise DRFValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None

    def _key(self, row: Model, model: type[Model], keys: Sequence[str]) -> list[Any]:
        """The row's key as JSON values at full precision (DjangoJSONEncoder would cut a time's microseconds)."""
        values = [getattr(row, _concrete(model, key).attname) for key in keys]
        return [
            value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, Decimal) else value
            for value in values
        ]

    def _ordering(self, request: Request) -> str:
        name = request.query_params.get(self.ordering_query_param) or next(iter(self.orderings))
        if name not in self.orderings:
            choices = ", ".join(f"`{choice}`" for choice in self.orderings)
            raise DRFValidationError({self.ordering_query_param: [f"Cursor paging orders by one of: {choices}."]})
        return name

    def _page_size(self, request: Request) -> int:
        """`?page_size=` capped at `max_page_size`; anything but a positive integer gives the default (as `?page=`)."""
        try:
            size = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page (its `cursor` is opaque: follow the link); null on the last page.",
                    "example": "https://ledgerline.example/api/v1/assets/walk/?cursor=eyJvIjoiaWQi…",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from the previous page's `next` link; leave out for the first page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page: default {self.page_size}, at most {self.max_page_size} (more is cut).",
                "schema": {"type": "integer"},
            },
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "Order of the walk; the default is the first.",
                "schema": {"type": "string", "enum": list(self.orderings)},
            },
        ]


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` over the view's whitelist, always ending with the primary key so paging is stable."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            ordering.append("pk")
        return ordering


class HasRole(BasePermission):
    """Signed-in users with a role (or superusers); an account without a role sees nothing."""

    message = "Your account has no role yet; ask an administrator to assign one."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.is_superuser or roles.role_names(user))


def django_validation_error_detail(exc: DjangoValidationError) -> dict[str, Any] | list[str]:
    """Field messages from a Django ValidationError, with non-field errors under `non_field_errors`."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django ValidationError -> 400 with field messages and ConflictError -> 409."""
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(detail=django_validation_error_detail(exc))
    if isinstance(exc, ConflictError):
        body: dict[str, Any] = {"detail": exc.message}
        if exc.current_version is not None:
            body["current_version"] = exc.current_version
        return Response(body, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


# Shared by every app's API -------------------------------------------------------------------------


class MoneyAmountField(serializers.DecimalField):
    """An amount of money, exchanged as a string such as "1234.50"; JSON numbers with a fraction are refused."""

    default_error_messages = {
        "float": 'Send amounts as strings such as "1234.50", not as JSON numbers, so no precision is lost.',
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, float):
            self.fail("float")
        return super().to_internal_value(data)


class CompiledRepresentationMixin:
    """For output serializers that render many rows: the same dict as DRF's `Serializer.to_representation`, from
    a plan of the serializer's declared fields compiled once per serializer instance (a list's child renders every
    row of the page with one plan).

    DRF spends most of a list's time per field and row on generic work (walking `_readable_fields`, resolving
    the dotted `source`, checking for callables); the plan does that once. A field whose source is one attribute
    of a model instance is read with a plain `getattr`; a nested serializer gets a plan of its own; everything
    else (method fields, dotted or `*` sources, fields with their own `get_attribute`, values that are callables or
    missing) goes through the field's own `get_attribute`, so the output is DRF's, field for field. A field added
    to the serializer is in the plan without more code.
    """

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = self.__dict__.get("_row_plan")
        if plan is None:
            plan = self._row_plan = _row_plan(self)  # type: ignore[arg-type]
        return plan(instance)


def _row_plan(serializer: serializers.Serializer) -> Any:
    """A function rendering one instance as `serializer` would, with the per-field decisions taken up front."""
    steps = [(str(field.field_name), _getter(field), _converter(field)) for field in serializer._readable_fields]

    def represent(instance: Any) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for name, get, convert in steps:
            try:
                attribute = get(instance)
            except SkipField:
                continue
            empty = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            row[name] = None if empty is None else convert(attribute)
        return row

    return represent


def _getter(field: serializers.Field) -> Any:
    if type(field).get_attribute is not serializers.Field.get_attribute:
        return field.get_attribute
    if not field.source_attrs:  # source="*": the instance itself
        return lambda instance: instance
    if len(field.source_attrs) != 1:
        return field.get_attribute
    attr = field.source_attrs[0]

    def get(instance: Any) -> Any:
        if not isinstance(instance, Model):
            return field.get_attribute(instance)
        try:
            value = getattr(instance, attr)
        except (AttributeError, ObjectDoesNotExist):
            return field.get_attribute(instance)  # DRF's default / null / skip rules
        return field.get_attribute(instance) if callable(value) else value

    return get


def _converter(field: serializers.Field) -> Any:
    plain = (serializers.Serializer.to_representation, CompiledRepresentationMixin.to_representation)
    if isinstance(field, serializers.Serializer) and type(field).to_representation in plain:
        return _row_plan(field)
    return field.to_representation


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo or a read-only field is reported instead of ignored."""

    unknown_field_messages: dict[str, str] = {}

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.unknown_field_messages.get(name, "Unknown field.")] for name in unknown}
                )
        return super().to_internal_value(data)


class UserScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with the user passed to the filterset so its choices only offer what the user may see."""

    def get_filterset_kwargs(self, request: Request, queryset: QuerySet, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["user"] = request.user
        return kwargs


class IdField(serializers.PrimaryKeyRelatedField):
    """A related record by its integer id. `1.5`, `true` or `"1e0"` are refused, not read as some id."""

    default_error_messages = {"incorrect_type": "Give the id as a whole number, not {data_type}."}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and data.strip().isascii() and data.strip().isdigit())
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
