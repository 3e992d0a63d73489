"""Project-wide REST plumbing: capped pagination and the translation of domain errors to HTTP."""

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import roles
from .exceptions import ConflictError
from .money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class CappedPageNumberPagination(PageNumberPagination):
    """`?page=` and `?page_size=`; page size is capped so no client can ask for the whole table."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


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
