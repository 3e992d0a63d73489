"""REST API views of the register: thin viewsets that read through the selectors and write through the services.

Every list and object is scoped to the sites the user may see (another site's asset is absent from lists and a
404 when asked for). Who may write what is decided by the services: their PermissionDenied becomes 403, their
ValidationError 400 with field messages and a stale `version` 409 (see `ledgerline.api.exception_handler`).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ledgerline.api import HasRole, KeysetPagination, StableOrderingFilter, UserScopedFilterBackend
from ledgerline.api_schema import KeysetPageSchema
from ledgerline.db import joins_as_written

from .. import selectors, services
from ..filtersets import (
    CUSTOM_FILTERS_DOC,
    AssetDocumentFilterSet,
    AssetFilterSet,
    LocationFilterSet,
    MeterReadingFilterSet,
)
from ..models import Asset, AssetDocument, Category, Location, MeterReading, Site
from .serializers import (
    AssetCreateInputSerializer,
    AssetDisposeInputSerializer,
    AssetDocumentInputSerializer,
    AssetDocumentOutputSerializer,
    AssetHistoryOutputSerializer,
    AssetLookupQuerySerializer,
    AssetOutputSerializer,
    AssetTransitionInputSerializer,
    AssetUpdateInputSerializer,
    CategoryOutputSerializer,
    LocationOutputSerializer,
    MeterReadingInputSerializer,
    MeterReadingOutputSerializer,
    SiteOutputSerializer,
)

BAD_INPUT = OpenApiResponse(description="Invalid input: field messages keyed by field, or `non_field_errors`.")
FORBIDDEN = OpenApiResponse(description="Your role may not do this here (or your account has no role).")
NOT_FOUND = OpenApiResponse(description="No such record at a site you may see.")
CONFLICT = OpenApiResponse(
    description="Stale `version`: someone changed the asset since you read it. Reload; `current_version` is given."
)
WRITE_ERRORS = {400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class AnyMediaTypeRenderer(BaseRenderer):
    """Accepts any `Accept` header for file downloads; errors on that route are still sent as JSON."""

    media_type = "*/*"
    format = "file"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()


class AssetKeysetPagination(KeysetPagination):
    """The walk's orderings: by id (each asset once), or by last change with id as tiebreak (for delta sync)."""

    orderings = {"id": ("id",), "updated_at": ("updated_at", "id")}


@extend_schema_view(
    list=extend_schema(
        summary="List assets at the sites you may see",
        description=(
            "Paged (`page`, `page_size` up to 200) and ordered by `asset_tag` unless `ordering` says otherwise; "
            "ties are broken by id so pages are stable. For delta sync, pass `updated_since` (ISO 8601) with the "
            "time of your last sync: only assets changed after it are listed."
        ),
        parameters=[
            OpenApiParameter(
                name="custom_fields",
                type={"type": "object", "additionalProperties": {"type": "string"}},
                location=OpenApiParameter.QUERY,
                style="form",
                explode=True,
                required=False,
                description=CUSTOM_FILTERS_DOC,
            )
        ],
    ),
    retrieve=extend_schema(summary="One asset", responses={200: AssetOutputSerializer, 404: NOT_FOUND}),
)
class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assets: read, register, change, move along the lifecycle, dispose. Assets are disposed, never deleted."""

    serializer_class = AssetOutputSerializer
    permission_classes = [HasRole]
    filter_backends = [UserScopedFilterBackend, StableOrderingFilter]
    filterset_class = AssetFilterSet
    ordering_fields = ["asset_tag", "name", "updated_at", "acquisition_date", "status"]
    ordering = ["asset_tag"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Asset]:
        return selectors.assets_visible_to(self.request.user).select_related("disposal").order_by("asset_tag", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with joins_as_written():
            return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Walk the assets you may see by cursor (for sync)",
        description=(
            "The same assets, filters and rows as the list, paged by an opaque cursor instead of a page number: "
            "follow `next` until it is null. Every page costs the same however deep it is, and no total is counted. "
            "`ordering=id` (default) returns each asset exactly once, even while others change assets. "
            "`ordering=updated_at` walks in order of last change (ties by id), which is what a delta sync wants: "
            "start with `updated_since` a minute before the last `updated_at` you stored (a change is stamped before "
            "its transaction commits). An asset changed during your walk moves to the end: one you already received "
            "comes again later in the same walk with its new version (keep the row with the highest `version`); "
            "one you have not reached yet comes once, already changed. A cursor that was altered, or made for "
            "another `ordering`, is a 400: start again without one."
        ),
        responses={200: AssetOutputSerializer(many=True), 400: BAD_INPUT},
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=AssetKeysetPagination,
        filter_backends=[UserScopedFilterBackend],
        schema=KeysetPageSchema,
    )
    def walk(self, request: Request) -> Response:
        """A page of the assets after the cursor, in the chosen ordering."""
        return self.list(request)

    def _output(self, asset: Asset, status_code: int = status.HTTP_200_OK) -> Response:
        """The asset as a list row shows it, read again through the selector after a write."""
        fresh = self.get_queryset().filter(pk=asset.pk).first() or asset
        return Response(AssetOutputSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="Register an asset",
        request=AssetCreateInputSerializer,
        responses={201: AssetOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        """Register a new asset (status `planned`); it inherits its category's depreciation defaults."""
        data = AssetCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        asset = services.asset_create(actor=request.user, data=data.validated_data)
        return self._output(asset, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an asset (all register fields)",
        description=(
            "Send every required field and `version`, the version you last read. Optional fields you leave out "
            "keep their value. Fields your role may not change must keep their current value. A stale `version` "
            "gives 409."
        ),
        request=AssetUpdateInputSerializer,
        responses={200: AssetOutputSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, pk: str | None = None, partial: bool = False) -> Response:
        """Change an asset's data; `version` is required and must be the current one."""
        asset = self.get_object()
        data = AssetUpdateInputSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        asset = services.asset_update(actor=request.user, asset=asset, data=changes, expected_version=version)
        return self._output(asset)

    @extend_schema(
        summary="Change some fields of an asset",
        description="Send the fields to change and `version`, the version you last read. A stale one gives 409.",
        request=AssetUpdateInputSerializer,
        responses={200: AssetOutputSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change some fields of an asset; `version` is required."""
        return self.update(request, pk=pk, partial=True)

    @extend_schema(
        summary="Change an asset's lifecycle status",
        description=(
            "planned → in_service → under_maintenance ⇄ in_service → out_of_service. Disposal has its own action."
        ),
        request=AssetTransitionInputSerializer,
        responses={200: AssetOutputSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the asset to another status, saying why (and from when)."""
        asset = self.get_object()
        data = AssetTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        asset = services.asset_transition(
            actor=request.user,
            asset=asset,
            to_status=values["to_status"],
            reason=values["reason"],
            effective_date=values.get("effective_date"),
            expected_version=values["version"],
        )
        return self._output(asset)

    @extend_schema(
        summary="Dispose of an out-of-service asset",
        description="Records date, method and proceeds; the asset becomes `disposed` and read-only.",
        request=AssetDisposeInputSerializer,
        responses={200: AssetOutputSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def dispose(self, request: Request, pk: str | None = None) -> Response:
        """Dispose of the asset; `disposal` in the response tells how."""
        asset = self.get_object()
        data = AssetDisposeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.asset_dispose(
            actor=request.user,
            asset=asset,
            disposal_date=values["disposal_date"],
            method=values["method"],
            proceeds=values["proceeds"],
            reason=values["reason"],
            expected_version=values["version"],
        )
        return self._output(asset)

    @extend_schema(
        summary="An asset's audit trail and status changes",
        responses={200: AssetHistoryOutputSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Who changed what and when (newest first), and every lifecycle transition."""
        asset = selectors.asset_detail(request.user, int(self.kwargs["pk"]))
        payload = {"entries": selectors.asset_history(asset), "status_changes": asset.status_changes.all()}
        return Response(AssetHistoryOutputSerializer(payload).data)

    @extend_schema(
        summary="Find an asset by tag or scanned label",
        description=(
            "`code` is either an asset tag typed in (`HQ-PUMP-1`, any case) or exactly what scanning the asset's "
            "label returned: its URL, `https://<server>/t/HQ-PUMP-1`. The asset is returned as by `GET "
            "/assets/{id}/`; 404 if there is no such asset at a site you may see."
        ),
        parameters=[AssetLookupQuerySerializer],
        responses={200: AssetOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def lookup(self, request: Request) -> Response:
        """One asset by the tag in `code` (a tag or a label's URL)."""
        query = AssetLookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asset = selectors.asset_get_visible_by_tag(request.user, query.validated_data["code"])
        return self._output(asset)


@extend_schema(parameters=[OpenApiParameter("asset_pk", int, OpenApiParameter.PATH, description="The asset's id.")])
@extend_schema_view(
    list=extend_schema(summary="An asset's photos and documents"),
    retrieve=extend_schema(
        summary="One attachment's details", responses={200: AssetDocumentOutputSerializer, 404: NOT_FOUND}
    ),
    destroy=extend_schema(
        summary="Remove an attachment", responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND, 400: BAD_INPUT}
    ),
)
class AssetDocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Photos and documents attached to an asset. Files are only served through `download`, after access checks."""

    serializer_class = AssetDocumentOutputSerializer
    permission_classes = [HasRole]
    parser_classes = [MultiPartParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssetDocumentFilterSet
    lookup_value_converter = "int"

    def get_asset(self) -> Asset:
        """The asset in the URL, or 404 when the user may not see it."""
        if not hasattr(self, "_asset"):
            self._asset = selectors.asset_get_visible(self.request.user, int(self.kwargs["asset_pk"]))
        return self._asset

    def get_queryset(self) -> QuerySet[AssetDocument]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no asset in the URL
            return AssetDocument.objects.none()
        return AssetDocument.objects.filter(asset=self.get_asset()).select_related("uploaded_by")

    def get_object(self) -> AssetDocument:
        document = selectors.document_get_visible(
            self.request.user, int(self.kwargs["asset_pk"]), int(self.kwargs["pk"])
        )
        self.check_object_permissions(self.request, document)
        return document

    @extend_schema(
        summary="Attach a photo or document",
        request={"multipart/form-data": AssetDocumentInputSerializer},
        responses={201: AssetDocumentOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request: Request, asset_pk: str | None = None) -> Response:
        """Upload a file (PDF, image, office document, text); its type is checked against its content."""
        asset = self.get_asset()
        data = AssetDocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = services.asset_document_add(
            actor=request.user, asset=asset, uploaded_file=values["file"], title=values["title"], kind=values["kind"]
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: AssetDocument) -> None:
        services.asset_document_delete(actor=self.request.user, document=instance)

    @extend_schema(
        summary="Download an attachment's file",
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    response=OpenApiTypes.BINARY, description="The file, with the content type it was checked as."
                )
                for content_type in sorted({content_type for content_type, _ in services.DOCUMENT_TYPES.values()})
            },
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, AnyMediaTypeRenderer], filter_backends=[])
    def download(self, request: Request, asset_pk: str | None = None, pk: str | None = None) -> FileResponse:
        """The file itself, only for users who may see the asset."""
        document = self.get_object()
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing from storage.") from None
        return FileResponse(
            handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
        )


@extend_schema(parameters=[OpenApiParameter("asset_pk", int, OpenApiParameter.PATH, description="The asset's id.")])
@extend_schema_view(
    list=extend_schema(
        summary="An asset's meter readings, newest first",
        description="Paged (`page`, `page_size` up to 200); ordered by reading date, newest first.",
        responses={200: MeterReadingOutputSerializer(many=True), 404: NOT_FOUND},
    ),
)
class MeterReadingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Meter readings (odometer, operating hours) of an asset: read by anyone who sees it, recorded from the field
    by technicians and facility managers at its site."""

    serializer_class = MeterReadingOutputSerializer
    permission_classes = [HasRole]
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeterReadingFilterSet

    def get_asset(self) -> Asset:
        """The asset in the URL, or 404 when the user may not see it."""
        if not hasattr(self, "_asset"):
            self._asset = selectors.asset_get_visible(self.request.user, int(self.kwargs["asset_pk"]))
        return self._asset

    def get_queryset(self) -> QuerySet[MeterReading]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no asset in the URL
            return MeterReading.objects.none()
        return (
            MeterReading.objects.filter(asset=self.get_asset())
            .select_related("recorded_by")
            .order_by("-reading_date", "-pk")
        )

    @extend_schema(
        summary="Record a meter reading",
        description=(
            "Technicians and facility managers at the asset's site (others get 403). A reading below an earlier "
            "one, or above a later one, is refused with 400: meters do not run backwards."
        ),
        request=MeterReadingInputSerializer,
        responses={201: MeterReadingOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request: Request, asset_pk: str | None = None) -> Response:
        """Record what the meter showed on a date."""
        asset = self.get_asset()
        data = MeterReadingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        reading = services.meter_reading_record(
            actor=request.user,
            asset=asset,
            reading_date=values["reading_date"],
            value=values["value"],
            note=values["note"],
        )
        return Response(self.get_serializer(reading).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Sites you may see"), retrieve=extend_schema(summary="One site"))
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    """Sites the user may see."""

    serializer_class = SiteOutputSerializer
    permission_classes = [HasRole]
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["code", "name", "updated_at"]
    ordering = ["code"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Site]:
        return selectors.sites_visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Locations at the sites you may see"), retrieve=extend_schema(summary="One location")
)
class LocationViewSet(viewsets.ReadOnlyModelViewSet):
    """Locations (buildings, floors, rooms, areas) at the sites the user may see; filter with `?site=<id>`."""

    serializer_class = LocationOutputSerializer
    permission_classes = [HasRole]
    filter_backends = [UserScopedFilterBackend, StableOrderingFilter]
    filterset_class = LocationFilterSet
    ordering_fields = ["code", "name", "updated_at"]
    ordering = ["site__code", "code"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Location]:
        return selectors.locations_visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="Asset categories"), retrieve=extend_schema(summary="One category"))
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Categories of assets, with the depreciation defaults new assets inherit."""

    serializer_class = CategoryOutputSerializer
    permission_classes = [HasRole]
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_fields = ["kind"]
    ordering_fields = ["name", "kind"]
    ordering = ["kind", "name"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.categories().prefetch_related("field_definitions")
