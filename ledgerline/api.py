"""Project-wide REST plumbing: capped pagination and the translation of domain errors to HTTP."""

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import roles
from .exceptions import ConflictError


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
