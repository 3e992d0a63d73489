"""Web pages of the register for facility managers (and read-only for the other roles).

Views are thin: reads go through `selectors` (always filtered to what the user may see, so another site's
asset is a 404), writes through `services`, and the register's policy (`permissions.REGISTER`) only decides
which actions a page offers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_POST

from ledgerline.contributions import registry as contributions
from ledgerline.db import joins_as_written
from ledgerline.exceptions import ConflictError
from ledgerline.forms import add_service_errors
from ledgerline.money import Money

from . import csv_io, custom_fields, labels, selectors, services
from .choices import ALLOWED_TRANSITIONS, AssetStatus
from .fields import ASSET_FIELD_GROUPS, FINANCIAL_FIELDS, MONEY_FIELDS
from .filtersets import AssetFilterSet
from .forms import CONFLICT_MESSAGE, AssetForm, DisposeForm, DocumentForm, TransitionForm
from .list_columns import ListColumn, available_columns, chosen_columns
from .models import Asset
from .permissions import REGISTER

PAGE_SIZE = 50
# Multi-valued filters of the list, each shown as a group of check boxes.
LIST_FILTERS = ("kind", "status", "site", "category")
CSV_CHUNK = 500


# --------------------------------------------------------------------------------------------------
# Dashboard
# --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """What is in the register at the user's sites, and what needs attention soon."""
    today = timezone.localdate()
    summary = selectors.dashboard_summary(request.user, today=today)
    context = {
        "summary": summary,
        "warranty_days": 30,
        "cards": contributions.render_dashboard_cards(request, today),  # what other apps add
    }
    return render(request, "assetreg/dashboard.html", context)


# --------------------------------------------------------------------------------------------------
# Asset list and export
# --------------------------------------------------------------------------------------------------


def _filter_params(request: HttpRequest) -> QueryDict:
    """The query string without empty values (an empty select means 'any')."""
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            params.setlist(key, kept)
    return params


def _sort_key(params: QueryDict, columns: Iterable[ListColumn]) -> tuple[str, tuple[str, ...]]:
    """The sort key the URL asks for (a sortable column's key, `-` for descending; else `tag`) and its ordering."""
    orderings = {column.key: column.ordering for column in columns if column.sortable}
    sort = params.get("sort", "tag")
    if sort.lstrip("-") not in orderings:
        sort = "tag"
    ordering = orderings[sort.lstrip("-")]
    if sort.startswith("-"):
        ordering = tuple("-" + o for o in ordering)
    return sort, ordering


def _filtered_assets(request: HttpRequest) -> tuple[AssetFilterSet, Any, str]:
    """The visible assets narrowed by the list's filters and ordered by its sort key."""
    params = _filter_params(request)
    filterset = AssetFilterSet(
        params, queryset=selectors.assets_visible_to(request.user), user=request.user, category_custom_filters=True
    )
    sort, ordering = _sort_key(params, available_columns())
    return filterset, filterset.qs.order_by(*ordering), sort


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    """Search, filter, sort and page through the assets the user may see, in the columns the user chose."""
    with joins_as_written():
        return _asset_list(request)


def _asset_list(request: HttpRequest) -> HttpResponse:
    filterset, assets, sort = _filtered_assets(request)
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # Columns other apps add: each is asked once for the whole page, so the query count stays fixed.
    contributed_columns = contributions.list_columns(request.user)
    cells = contributions.list_cells(request.user, contributed_columns, page.object_list)
    for asset in page.object_list:
        asset.contributed_cells = cells[asset.pk]  # type: ignore[attr-defined]
    available = available_columns()
    shown = chosen_columns(request.GET.getlist("col"), available)
    headers = []
    for column in shown:
        active = sort.lstrip("-") == column.key
        descending = active and sort.startswith("-")
        headers.append(
            {
                "column": column,
                "active": active,
                "descending": descending,
                "next": f"-{column.key}" if active and not descending else column.key,
            }
        )
    params = _filter_params(request)
    params.pop("page", None)
    form = filterset.form
    filters = [
        {
            "name": name,
            "label": form[name].label,
            "choices": [(str(value), label) for value, label in form.fields[name].choices if str(value)],
            "selected": params.getlist(name),
        }
        for name in LIST_FILTERS
    ]
    export = params.copy()
    export.pop("col", None)
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "headers": headers,
        "columns": shown,
        "column_choices": [(column, column in shown) for column in available],
        "contributed_columns": contributed_columns,
        "filters": filters,
        "q": request.GET.get("q", ""),
        "filtered": any(k in params for k in ("q", *LIST_FILTERS, "location"))
        or any(k.startswith("cf_") for k in params),
        "export_query": export.urlencode(),
        "can_create": REGISTER.can(request.user, "write_anywhere"),
        "filter_errors": form.errors if filterset.is_bound and not form.is_valid() else None,
        "custom_filters": [form[name] for name in filterset.custom_filter_names],
    }
    return render(request, "assetreg/asset_list.html", context)


def _csv_chunks(assets: Any, user: Any, as_of: date) -> Iterator[str]:
    """The CSV export in pieces of a few hundred rows, so a big register streams without filling memory."""
    rows = assets.iterator(chunk_size=CSV_CHUNK)
    columns = contributions.export_columns_for(user)
    first = True
    while True:
        batch: list[Asset] = list(islice(rows, CSV_CHUNK))
        if not batch and not first:
            return
        out = io.StringIO()
        csv_io.write_csv(batch, out, extra_columns=columns, user=user, as_of=as_of)
        text = out.getvalue()
        yield text if first else text.partition("\r\n")[2]
        if not batch:
            return
        first = False


@login_required
@require_GET
def asset_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The asset list as filtered on screen, as CSV in the import format, plus the columns other apps add
    (such as the book value) as of `?as_of=YYYY-MM-DD` (today by default); the import ignores those."""
    as_of, error = csv_io.parse_as_of(request.GET.get("as_of", ""), default=timezone.localdate())
    if error:
        return HttpResponseBadRequest(f"as_of: {error}", content_type="text/plain; charset=utf-8")
    _filterset, assets, _sort = _filtered_assets(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_chunks(assets, request.user, as_of), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assets-{stamp}.csv"'
    return response


# --------------------------------------------------------------------------------------------------
# Asset page
# --------------------------------------------------------------------------------------------------


def _field_row(asset: Asset, name: str) -> dict[str, Any]:
    """One field of the asset page: its label, the value as shown, and a link for related records."""
    field: Any = Asset._meta.get_field(name)
    value = getattr(asset, name)
    row: dict[str, Any] = {"name": name, "label": capfirst(str(field.verbose_name)), "url": "", "date": None}
    row["money"] = name in MONEY_FIELDS
    if name in MONEY_FIELDS:
        row["text"] = Money(value, asset.currency).format() if value is not None else ""
    elif field.is_relation:
        if value is None:
            row["text"] = ""
        elif name == "custodian":
            row["text"] = value.get_full_name() or value.get_username()
        elif name == "parent":
            row["text"] = f"{value.asset_tag} · {value.name}"
        else:
            row["text"] = getattr(value, "path", None) or getattr(value, "name", None) or str(value)
        if value is not None and name != "custodian" and hasattr(value, "get_absolute_url"):
            row["url"] = value.get_absolute_url()
    elif field.choices:
        row["text"] = getattr(asset, f"get_{name}_display")() or ""
    elif isinstance(value, date):
        row["date"], row["text"] = value, value.isoformat()
    else:
        row["text"] = "" if value is None else str(value)
    return row


def _field_groups(asset: Asset) -> list[dict[str, Any]]:
    """The declared field groups (`assetreg.fields`) as the page shows them: another kind's group is left out."""
    groups = []
    for group in ASSET_FIELD_GROUPS:
        if group.kind and group.kind != asset.kind:
            continue
        rows = _custom_rows(asset) if group.custom else [_field_row(asset, n) for n in group.fields]
        if rows:
            groups.append({"key": group.key, "legend": group.legend, "rows": rows})
    return groups


def _custom_rows(asset: Asset) -> list[dict[str, Any]]:
    """The category's own fields, each with the asset's value (and its unit)."""
    values = asset.custom_fields or {}
    return [
        {
            "name": custom_fields.form_name(d.key),
            "label": d.label,
            "text": custom_fields.display(d, values.get(d.key)),
            "url": "",
            "date": None,
            "money": False,
        }
        for d in custom_fields.definitions_for(asset.category_id)
    ]


def _transition_targets(asset: Asset) -> list[tuple[str, str]]:
    return [(s, AssetStatus(s).label) for s in ALLOWED_TRANSITIONS[asset.status] if s != AssetStatus.DISPOSED]


def _asset_page(request: HttpRequest, asset: Asset, status: int = 200, **forms: Any) -> HttpResponse:
    """Render the asset page; bound forms with errors can be passed in to show them in place."""
    user = request.user
    disposed = asset.is_disposed
    may_register = REGISTER.can(user, "write", asset.site_id) and not disposed
    targets = _transition_targets(asset)
    can_transition = may_register and bool(targets)
    can_dispose = (
        not disposed and asset.status == AssetStatus.OUT_OF_SERVICE and REGISTER.can(user, "dispose", asset.site_id)
    )
    context = {
        "asset": asset,
        "field_groups": _field_groups(asset),
        "components": list(asset.components.all()),
        "documents": list(asset.documents.all()),
        "status_changes": list(asset.status_changes.all()),
        "history": selectors.asset_history(asset),
        "disposal": getattr(asset, "disposal", None) if disposed else None,
        "can_edit": not disposed and bool(REGISTER.writable_fields(user, asset.site_id)),
        "can_transition": can_transition,
        "can_dispose": can_dispose,
        "can_documents": may_register,
        "transition_form": forms.get("transition_form")
        or (TransitionForm(targets=targets, initial={"version": asset.version}) if can_transition else None),
        "dispose_form": forms.get("dispose_form")
        or (DisposeForm(initial={"version": asset.version}) if can_dispose else None),
        "document_form": forms.get("document_form") or (DocumentForm() if may_register else None),
        "max_upload_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
    }
    panels = contributions.render_asset_panels(request, asset)  # what other apps add (the Value panel, ...)
    context["main_panels"] = [panel.html for panel in panels if panel.slot == "main"]
    context["side_panels"] = [panel.html for panel in panels if panel.slot == "side"]
    return render(request, "assetreg/asset_detail.html", context, status=status)


@login_required
@require_GET
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one asset: data, lifecycle, audit trail, documents and the actions the user may take."""
    return _asset_page(request, selectors.asset_detail(request.user, pk))


# --------------------------------------------------------------------------------------------------
# Create and edit
# --------------------------------------------------------------------------------------------------


@login_required
def asset_create(request: HttpRequest) -> HttpResponse:
    """Register a new asset at one of the user's sites."""
    REGISTER.require(request.user, "write_anywhere", None, "You may not add assets.")
    form = AssetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Asset {asset.asset_tag} was registered.")
            return redirect(asset)
    return render(request, "assetreg/asset_form.html", {"form": form, "asset": None})


@login_required
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an asset's data; a change made by someone else in the meantime is refused, not overwritten."""
    asset = selectors.asset_get_visible(request.user, pk)
    if not REGISTER.writable_fields(request.user, asset.site_id):
        raise PermissionDenied("You may not change this asset.")
    if asset.is_disposed:
        messages.error(request, "A disposed asset is read-only.")
        return redirect(asset)
    form = AssetForm(request.POST or None, instance=asset, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_update(
                actor=request.user,
                asset=asset,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            form.add_error(None, CONFLICT_MESSAGE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Asset {asset.asset_tag} was saved.")
            return redirect(asset)
    return render(
        request,
        "assetreg/asset_form.html",
        {"form": form, "asset": asset, "finance_only": set(form.fields) <= set(FINANCIAL_FIELDS) | {"version"}},
    )


# --------------------------------------------------------------------------------------------------
# Lifecycle
# --------------------------------------------------------------------------------------------------


@login_required
@require_POST
def asset_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an asset's status along the lifecycle, with a reason and an effective date."""
    asset = selectors.asset_detail(request.user, pk)
    REGISTER.require(request.user, "write", asset.site_id, "You may not change this asset's status.")
    form = TransitionForm(request.POST, targets=_transition_targets(asset))
    if form.is_valid():
        data = form.cleaned_data
        try:
            asset = services.asset_transition(
                actor=request.user,
                asset=asset,
                to_status=data["to_status"],
                reason=data["reason"],
                effective_date=data["effective_date"],
                expected_version=data["version"],
            )
        except ConflictError:
            form.add_error(None, CONFLICT_MESSAGE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{asset.asset_tag} is now {asset.get_status_display().lower()}.")
            return redirect(asset)
    return _asset_page(request, asset, transition_form=form)


@login_required
@require_POST
def asset_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the disposal of an out-of-service asset; it becomes read-only."""
    asset = selectors.asset_detail(request.user, pk)
    REGISTER.require(request.user, "dispose", asset.site_id, "You may not dispose of this asset.")
    form = DisposeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.asset_dispose(
                actor=request.user,
                asset=asset,
                disposal_date=data["disposal_date"],
                method=data["method"],
                proceeds=data["proceeds"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except ConflictError:
            form.add_error(None, CONFLICT_MESSAGE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{asset.asset_tag} was recorded as disposed.")
            return redirect(asset)
    return _asset_page(request, asset, dispose_form=form)


# --------------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------------


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a photo or document to an asset."""
    asset = selectors.asset_detail(request.user, pk)
    REGISTER.require(request.user, "write", asset.site_id, "You may not add documents here.")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.asset_document_add(
                actor=request.user,
                asset=asset,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{document.title}” was attached.")
            return redirect(f"{asset.get_absolute_url()}#documents")
    return _asset_page(request, asset, document_form=form)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """Serve an attachment to someone who may see its asset; images inline, everything else as a download."""
    document = selectors.document_get_visible(request.user, pk, document_pk)
    inline = document.content_type.startswith("image/")
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=not inline,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Remove an attachment from an asset."""
    document = selectors.document_get_visible(request.user, pk, document_pk)
    try:
        services.asset_document_delete(actor=request.user, document=document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{document.title}” was removed.")
    return redirect(f"{document.asset.get_absolute_url()}#documents")


# --------------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def asset_label(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable label with the asset's tag, name, site and a QR code that opens its page."""
    asset = selectors.asset_get_visible(request.user, pk)
    url = labels.asset_label_url(asset)
    context = {"asset": asset, "label_url": url, "qr": labels.qr_svg(url, title=f"QR code for {asset.asset_tag}")}
    return render(request, "assetreg/asset_label.html", context)


@login_required
@require_GET
def tag_redirect(request: HttpRequest, asset_tag: str) -> HttpResponse:
    """Where a scanned label lands: the asset's page (404 if the user may not see it)."""
    return redirect(selectors.asset_get_visible_by_tag(request.user, asset_tag))


# --------------------------------------------------------------------------------------------------
# Sites and locations
# --------------------------------------------------------------------------------------------------


def _status_counts(assets: Any) -> list[dict[str, Any]]:
    counts = dict(assets.order_by().values_list("status").annotate(n=Count("pk")))
    return [{"value": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in AssetStatus]


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    """The sites the user may see, with how many assets each holds."""
    sites = selectors.sites_visible_to(request.user).annotate(
        asset_count=Count("assets", distinct=True),
        active_count=Count("assets", filter=~Q(assets__status=AssetStatus.DISPOSED), distinct=True),
        location_count=Count("locations", distinct=True),
    )
    return render(request, "assetreg/site_list.html", {"sites": sites})


def _location_tree(locations: Iterable[Any]) -> list[dict[str, Any]]:
    """Nest a site's locations under their parents for display: [{location, children: [...]}, ...]."""
    nodes = {loc.pk: {"location": loc, "children": []} for loc in locations}
    roots = []
    for node in nodes.values():
        parent_id = node["location"].parent_id
        if parent_id in nodes:
            nodes[parent_id]["children"].append(node)
        else:
            roots.append(node)
    return roots


@login_required
@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One site: its locations as a tree and its assets counted by status."""
    site = get_object_or_404(selectors.sites_visible_to(request.user), pk=pk)
    site_assets = selectors.assets_visible_to(request.user).filter(site=site)
    locations = (
        selectors.locations_visible_to(request.user)
        .filter(site=site)
        .annotate(asset_count=Count("assets"))
        .order_by("code")
    )
    counts = _status_counts(site_assets)
    context = {
        "site": site,
        "tree": _location_tree(locations),
        "status_counts": counts,
        "total": sum(c["count"] for c in counts),
    }
    return render(request, "assetreg/site_detail.html", context)


@login_required
@require_GET
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One location: where it is (breadcrumb), what it contains and the assets kept there."""
    location = get_object_or_404(selectors.locations_visible_to(request.user), pk=pk)
    ancestors = []
    node, seen = location.parent, {location.pk}
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        ancestors.append(node)
        node = node.parent
    children = (
        selectors.locations_visible_to(request.user).filter(parent=location).annotate(asset_count=Count("assets"))
    )
    assets = selectors.assets_visible_to(request.user).filter(location=location).order_by("asset_tag")
    context = {
        "location": location,
        "ancestors": list(reversed(ancestors)),
        "children": children,
        "assets": assets,
    }
    return render(request, "assetreg/location_detail.html", context)
