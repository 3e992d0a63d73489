"""REST API views of the valuation engine: thin viewsets that read through `finance.selectors` and write through
`finance.services`.

Asset endpoints (`/assets/{id}/schedule/`, `ledger/`, `book-value/`, `revalue/`, ...) are scoped like the register:
an asset at a site the user may not see is a 404. Value events are for finance staff (others get 403 once the
asset is found). Depreciation runs are read by finance staff and auditors and started by finance staff; every other
role gets 403 (not 404: runs span every site, there is nothing site-scoped to hide). Service errors are translated
by `ledgerline.api.exception_handler`: ValidationError -> 400 with field messages, PermissionDenied -> 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from assetreg import selectors as register
from assetreg.filtersets import AssetFilterSet
from assetreg.models import Asset
from ledgerline.api import HasRole, StableOrderingFilter, UserScopedFilterBackend

from .. import selectors, services
from ..models import DepreciationRun, ValueEntry
from ..permissions import FINANCE
from .serializers import (
    AssetBookValueOutputSerializer,
    BookValueOutputSerializer,
    BookValueQuerySerializer,
    DepreciationRunOutputSerializer,
    DepreciationRunStartInputSerializer,
    ImpairInputSerializer,
    ImproveInputSerializer,
    RevalueInputSerializer,
    ReverseImpairmentInputSerializer,
    RunFailureOutputSerializer,
    ScheduleRowOutputSerializer,
    ValueEntryOutputSerializer,
    ValueEventInputSerializer,
)

BAD_INPUT = OpenApiResponse(description="Invalid input: field messages keyed by field, or `non_field_errors`.")
NOT_FOUND = OpenApiResponse(description="No such asset at a site you may see.")
FINANCE_ONLY_MESSAGE = "Only finance staff may change an asset's value."
RUNS_FORBIDDEN_MESSAGE = "Depreciation runs are read by finance staff and auditors and started by finance staff only."
FINANCE_ONLY = OpenApiResponse(description=FINANCE_ONLY_MESSAGE)
RUNS_FORBIDDEN = OpenApiResponse(description=RUNS_FORBIDDEN_MESSAGE)
VALUE_EVENT_ERRORS = {400: BAD_INPUT, 403: FINANCE_ONLY, 404: NOT_FOUND}
WRITTEN_ENTRY = OpenApiResponse(ValueEntryOutputSerializer, description="The ledger entry recorded.")


class FinanceWritesValues(HasRole):
    """Any role reads an asset's value it may see; only finance staff change it (checked once the asset is found,
    so an asset at another site stays a 404)."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        self.message = FINANCE_ONLY_MESSAGE
        return request.method in SAFE_METHODS or FINANCE.can(request.user, "change_values")


class ValuationRunAccess(HasRole):
    """Finance staff and auditors read runs; finance staff start them. Everyone else: 403."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False  # with HasRole's message: the account has no role
        self.message = RUNS_FORBIDDEN_MESSAGE
        user = request.user
        if request.method in SAFE_METHODS:
            return FINANCE.can(user, "view_valuations")
        return FINANCE.can(user, "post_month")


class AssetValuationViewSet(viewsets.GenericViewSet):
    """An asset's value: its schedule, ledger and book value on a date, and the events that change it."""

    permission_classes = [FinanceWritesValues]
    serializer_class = ValueEntryOutputSerializer
    filter_backends: list[type] = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Asset]:
        return register.assets_visible_to(self.request.user)

    def get_object(self) -> Asset:
        """The asset in the URL (404 when the user may not see it), after the object-level permission check."""
        asset = register.asset_get_visible(self.request.user, int(self.kwargs["pk"]))
        self.check_object_permissions(self.request, asset)
        return asset

    @extend_schema(
        summary="An asset's depreciation schedule",
        description=(
            "Every month, oldest first: the months posted to the ledger (`posted: true`), then the months still "
            "planned. The whole schedule is returned at once, not paged (it has at most a few hundred months). "
            "Empty for an asset that is not depreciated (method `none`, units of production) or not yet planned "
            "(an asset gets its plan with its first posting run)."
        ),
        responses={200: ScheduleRowOutputSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """Posted and planned depreciation, month by month."""
        rows = selectors.asset_schedule(self.get_object())
        return Response(ScheduleRowOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="An asset's value ledger",
        description=(
            "Every change of the asset's book value, oldest first: depreciation, revaluations, impairments and "
            "their reversals, improvements, corrections and the disposal. Paged (`page`, `page_size` up to 200)."
        ),
        responses={200: ValueEntryOutputSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def ledger(self, request: Request, pk: str | None = None) -> Response:
        """The asset's ledger entries, oldest first, a page at a time."""
        page = self.paginate_queryset(selectors.asset_ledger(self.get_object()))
        return self.get_paginated_response(ValueEntryOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="An asset's book value on a date",
        description=(
            "Up to the last posted month the value is read from the ledger; beyond it, it is forecast from the "
            "asset's plan (whole months only: a date inside a month gives the value at the previous month end)."
        ),
        parameters=[BookValueQuerySerializer],
        responses={200: BookValueOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="book-value", pagination_class=None)
    def book_value(self, request: Request, pk: str | None = None) -> Response:
        """The book value as of `?as_of=YYYY-MM-DD`."""
        asset = self.get_object()
        query = BookValueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of: date = query.validated_data["as_of"]
        value = selectors.book_value_as_of(asset, as_of)
        return Response(BookValueOutputSerializer({"asset": asset.pk, "as_of": as_of, "value": value}).data)

    def _record(
        self, request: Request, input_class: type[ValueEventInputSerializer], write: Callable[..., ValueEntry]
    ) -> Response:
        """Find the asset, check the input's shape, let the service record the event; 201 with the entry."""
        asset = self.get_object()
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        entry = write(actor=request.user, asset=asset, **data.validated_data)
        return Response(ValueEntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revalue an asset to fair value",
        description=(
            "An increase first reverses revaluation losses taken earlier to profit or loss, the rest goes to the "
            "revaluation reserve; a decrease first uses up the reserve, the rest is a loss. Later months are "
            "depreciated from the new value. The date must be after the last posted month."
        ),
        request=RevalueInputSerializer,
        responses={201: WRITTEN_ENTRY, **VALUE_EVENT_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revalue(self, request: Request, pk: str | None = None) -> Response:
        """Record a revaluation."""
        return self._record(request, RevalueInputSerializer, services.asset_revalue)

    @extend_schema(
        summary="Impair an asset",
        description="Writes the asset down to its recoverable amount; a revaluation reserve absorbs the loss first.",
        request=ImpairInputSerializer,
        responses={201: WRITTEN_ENTRY, **VALUE_EVENT_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def impair(self, request: Request, pk: str | None = None) -> Response:
        """Record an impairment."""
        return self._record(request, ImpairInputSerializer, services.asset_impair)

    @extend_schema(
        summary="Reverse an impairment",
        description=(
            "Raises the book value by `amount`, at most up to what it would have been without the impairment."
        ),
        request=ReverseImpairmentInputSerializer,
        responses={201: WRITTEN_ENTRY, **VALUE_EVENT_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="reverse-impairment")
    def reverse_impairment(self, request: Request, pk: str | None = None) -> Response:
        """Record the reversal of an impairment."""
        return self._record(request, ReverseImpairmentInputSerializer, services.asset_reverse_impairment)

    @extend_schema(
        summary="Capitalise an improvement",
        description=(
            "Adds the cost to the book value; it is depreciated over the remaining life (or "
            "`new_useful_life_months`) from the improvement's month."
        ),
        request=ImproveInputSerializer,
        responses={201: WRITTEN_ENTRY, **VALUE_EVENT_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def improve(self, request: Request, pk: str | None = None) -> Response:
        """Record a capital improvement."""
        return self._record(request, ImproveInputSerializer, services.asset_improve)


@extend_schema_view(
    list=extend_schema(
        summary="Book values of the assets you may see, on a date",
        description=(
            "The register's filters (`site`, `status`, `kind`, `category`, `q`, ...) choose the assets; each is "
            "valued as of `as_of` like `GET /assets/{id}/book-value/` (ledger, then forecast). Paged (`page`, "
            "`page_size` up to 200), ordered by asset tag. Sum the rows per currency: currencies are never mixed."
        ),
        parameters=[BookValueQuerySerializer],
        responses={200: AssetBookValueOutputSerializer(many=True), 400: BAD_INPUT},
    )
)
class BookValueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A valuation of many assets on one date, a page at a time."""

    serializer_class = AssetBookValueOutputSerializer
    permission_classes = [HasRole]
    filter_backends = [UserScopedFilterBackend]
    filterset_class = AssetFilterSet

    def get_queryset(self) -> QuerySet[Asset]:
        return (
            register.assets_visible_to(self.request.user)
            .select_related(None)
            .only("pk", "asset_tag", "name", "currency")
            .order_by("asset_tag", "pk")
        )

    def list(self, request: Request) -> Response:
        """One page of assets with their book values (a fixed number of queries per page)."""
        query = BookValueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the default pagination always applies here
        values = selectors.book_values_as_of(
            Asset.objects.filter(pk__in=[asset.pk for asset in page]), query.validated_data["as_of"]
        )
        rows = [{"asset": asset, "value": values[asset.pk]} for asset in page]
        return self.get_paginated_response(AssetBookValueOutputSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Depreciation runs, newest first",
        description="Finance staff and auditors only (others get 403). Paged; filter by `status` or `period`.",
        responses={200: DepreciationRunOutputSerializer(many=True), 403: RUNS_FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="One depreciation run: status, progress and totals",
        description="Poll this while a run is queued or running: `processed_assets` of `total_assets` and "
        "`chunks_done` of `chunks_total` grow until `status` is `done`, `done_with_errors` or `failed`.",
        responses={
            200: DepreciationRunOutputSerializer,
            403: RUNS_FORBIDDEN,
            404: OpenApiResponse(description="No such run."),
        },
    ),
)
class DepreciationRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly depreciation posting runs: start one, follow its progress, see the assets it could not value."""

    serializer_class = DepreciationRunOutputSerializer
    permission_classes = [ValuationRunAccess]
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_fields = ["status", "period"]
    ordering_fields = ["created_at", "period"]
    ordering = ["-created_at"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[DepreciationRun]:
        return selectors.runs()

    @extend_schema(
        summary="Start the depreciation run for a month",
        description=(
            "Finance staff only. The run is queued and posted in the background by the workers: the answer is "
            "202 Accepted with the queued run (and its address in `Location`); poll `GET /depreciation-runs/{id}/` "
            "for progress. Rerunning a month posts only what is missing. A future month, or a month whose run is "
            "still in progress, is refused with 400 and a message on `period`."
        ),
        request=DepreciationRunStartInputSerializer,
        responses={202: DepreciationRunOutputSerializer, 400: BAD_INPUT, 403: RUNS_FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        """Queue the posting run for `period`."""
        data = DepreciationRunStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.depreciation_run_start(actor=request.user, period=data.validated_data["period"], trigger="api")
        location = request.build_absolute_uri(reverse("api:depreciation-run-detail", kwargs={"pk": run.pk}))
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(
        summary="The assets a run could not value",
        description="With the reason for each (e.g. a missing useful life); the rest of the run was posted. Paged.",
        responses={
            200: RunFailureOutputSerializer(many=True),
            403: RUNS_FORBIDDEN,
            404: OpenApiResponse(description="No such run."),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def failures(self, request: Request, pk: str | None = None) -> Response:
        """The run's failures, by asset id, a page at a time."""
        page = self.paginate_queryset(selectors.run_failures(self.get_object()))
        return self.get_paginated_response(RunFailureOutputSerializer(page, many=True).data)
