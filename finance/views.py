"""Web pages of the valuation engine: the asset page's Value section (a panel `finance.contributions` adds to
the register's asset page), value-event forms, the full schedule, and the posting runs.

Views are thin: reads go through finance.selectors and assetreg.selectors (another site's asset is a 404),
writes through finance.services, whose ValidationErrors are shown next to the fields they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from assetreg import selectors as register
from assetreg.choices import DepreciationMethod
from assetreg.models import Asset
from assetreg.services import DOCUMENT_TYPES, IMAGE_EXTENSIONS
from ledgerline.forms import add_service_errors
from ledgerline.money import Money
from ledgerline.policy import Actor

from . import charts, selectors, services
from .api.serializers import DepreciationRunOutputSerializer
from .choices import FINISHED_STATUSES, EntryKind
from .forms import IMPAIR, IMPROVE, REVALUE, REVERSE_IMPAIRMENT, PostPeriodForm, ValueEvent
from .models import DepreciationPlan, ValueEntry
from .permissions import FINANCE
from .plans import VALUED_STATUSES

SCHEDULE_EXCERPT = 12  # posted months and planned months shown on the asset page
RUNS_PAGE_SIZE = 25
FAILURES_PAGE_SIZE = 100


def can_view_runs(user: Actor | None) -> bool:
    """For the navigation and the runs pages: finance staff and auditors (finance's policy)."""
    return FINANCE.can(user, "view_valuations")


# --------------------------------------------------------------------------------------------------
# The Value section of the asset page
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisposalResult:
    """What the disposal of an asset gave: proceeds against the book value at disposal."""

    date: date
    proceeds: Money | None
    book_value: Money
    gain_or_loss: Money


def _disposal_result(events: list[ValueEntry]) -> DisposalResult | None:
    entry = next((e for e in events if e.kind == EntryKind.DISPOSAL), None)
    if entry is None:
        return None

    def from_details(key: str) -> Money | None:
        try:
            return Money(Decimal(str(entry.details[key])), entry.currency)
        except (KeyError, TypeError, InvalidOperation):
            return None

    return DisposalResult(
        date=entry.entry_date,
        proceeds=from_details("proceeds"),
        book_value=from_details("book_value") or Money(-entry.amount, entry.currency),
        gain_or_loss=Money(entry.profit_or_loss, entry.currency),
    )


def _schedule_rows(asset: Asset) -> list[selectors.ScheduleRow]:
    """The asset's schedule; a disposed asset has no months to come."""
    rows = selectors.asset_schedule(asset)
    return [row for row in rows if row.posted] if asset.is_disposed else rows


def _value_actions(asset: Asset, events: list[ValueEntry]) -> list[tuple[str, str]]:
    """(label, url) of the value events finance may record on this asset."""
    actions = [("Revalue", "asset_revalue"), ("Impair", "asset_impair")]
    if any(e.kind == EntryKind.IMPAIRMENT for e in events):
        actions.append(("Reverse impairment", "asset_reverse_impairment"))
    actions.append(("Improve", "asset_improve"))
    return [(label, reverse(f"finance:{name}", args=[asset.pk])) for label, name in actions]


def asset_value_context(user: Any, asset: Asset, *, today: date | None = None) -> dict[str, Any]:
    """The asset page's Value section: summary, basis, chart, schedule excerpt, value events, disposal result.

    A fixed number of queries whatever the length of the schedule.
    """
    today = today or timezone.localdate()
    rows = _schedule_rows(asset)
    events = list(selectors.asset_value_events(asset))
    posted = [row for row in rows if row.posted]
    planned = [row for row in rows if not row.posted]
    excerpt = posted[-SCHEDULE_EXCERPT:] + planned[:SCHEDULE_EXCERPT]
    may_value = FINANCE.can(user, "change_values") and asset.status in VALUED_STATUSES
    series = charts.book_value_series(rows, events)
    plan = DepreciationPlan.objects.filter(asset=asset).first()
    return {
        "valuation": selectors.asset_valuation_summary(asset, today),
        "plan": plan,
        "plan_method": DepreciationMethod(plan.method).label if plan else "",
        "asset_valued": asset.status in VALUED_STATUSES,
        "schedule_excerpt": excerpt,
        "schedule_hidden": len(rows) - len(excerpt),
        "schedule_total": len(rows),
        "planned_months": len(planned),
        "value_events": events,
        "disposal_result": _disposal_result(events),
        "value_chart": charts.chart_context(series, currency=asset.currency, today=today),
        "value_actions": _value_actions(asset, events) if may_value else [],
    }


@login_required
@require_GET
def asset_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Every month of an asset's schedule, posted and planned, by year with the year's total."""
    asset = register.asset_get_visible(request.user, pk)
    rows = _schedule_rows(asset)
    years = []
    for year, group in groupby(rows, key=lambda row: row.period.year):
        months = list(group)
        total = sum((row.amount for row in months), Money(Decimal(0), asset.currency))
        years.append(
            {
                "year": year,
                "months": months,
                "total": total,
                "closing": months[-1].carrying_after,
                "planned": not months[-1].posted,
            }
        )
    context = {
        "asset": asset,
        "years": years,
        "total": sum((row.amount for row in rows), Money(Decimal(0), asset.currency)),
        "posted_count": sum(1 for row in rows if row.posted),
        "planned_count": sum(1 for row in rows if not row.posted),
    }
    return render(request, "finance/asset_schedule.html", context)


@login_required
@require_GET
def value_evidence(request: HttpRequest, pk: int, entry_pk: int) -> FileResponse:
    """Serve the appraisal report of a revaluation to someone who may see the asset."""
    asset = register.asset_get_visible(request.user, pk)
    entry = get_object_or_404(selectors.asset_value_events(asset), pk=entry_pk)
    if not entry.evidence:
        raise Http404("This entry has no evidence attached.")
    name = (entry.evidence.name or "evidence").rsplit("/", 1)[-1]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    content_type = DOCUMENT_TYPES.get(extension, ("application/octet-stream", None))[0]
    response = FileResponse(
        entry.evidence.open("rb"),
        content_type=content_type,
        as_attachment=extension not in IMAGE_EXTENSIONS,
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response


# --------------------------------------------------------------------------------------------------
# Value events: revalue, impair, reverse an impairment, improve
# --------------------------------------------------------------------------------------------------


def _value_action_page(request: HttpRequest, pk: int, action: ValueEvent) -> HttpResponse:
    """Show a value-event form and record the event through its service."""
    asset = register.asset_get_visible(request.user, pk)
    FINANCE.require(request.user, "change_values", None, "Only finance staff may change an asset's value.")
    form = action.form_class(request.POST or None, request.FILES or None, currency=asset.currency)
    if request.method == "POST" and form.is_valid():
        try:
            entry = action.service(actor=request.user, asset=asset, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, action.done_message(asset, entry))
            return redirect(f"{asset.get_absolute_url()}#value")
    today = timezone.localdate()
    context = {
        "asset": asset,
        "action": action,
        "form": form,
        "valuation": selectors.asset_valuation_summary(asset, today),
        "valued": asset.status in VALUED_STATUSES,
    }
    return render(request, "finance/value_event_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def asset_revalue(request: HttpRequest, pk: int) -> HttpResponse:
    """Revalue an asset to fair value (finance only)."""
    return _value_action_page(request, pk, REVALUE)


@login_required
@require_http_methods(["GET", "POST"])
def asset_impair(request: HttpRequest, pk: int) -> HttpResponse:
    """Impair an asset (finance only)."""
    return _value_action_page(request, pk, IMPAIR)


@login_required
@require_http_methods(["GET", "POST"])
def asset_reverse_impairment(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse an asset's impairment (finance only)."""
    return _value_action_page(request, pk, REVERSE_IMPAIRMENT)


@login_required
@require_http_methods(["GET", "POST"])
def asset_improve(request: HttpRequest, pk: int) -> HttpResponse:
    """Capitalise an improvement of an asset (finance only)."""
    return _value_action_page(request, pk, IMPROVE)


# --------------------------------------------------------------------------------------------------
# Posting runs
# --------------------------------------------------------------------------------------------------


def _require_run_reader(user: Actor | None) -> None:
    FINANCE.require(user, "view_valuations", None, "Only finance staff and auditors see the valuation runs.")


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest) -> HttpResponse:
    """The posting runs, newest first; finance staff start a run for a month here."""
    _require_run_reader(request.user)
    may_post = FINANCE.can(request.user, "post_month")
    form = None
    if request.method == "POST":
        FINANCE.require(request.user, "post_month", None, "Only finance staff may post depreciation.")
        form = PostPeriodForm(request.POST)
        if form.is_valid():
            period = form.cleaned_data["period"]
            try:
                run = services.depreciation_run_start(actor=request.user, period=period, trigger="manual")
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"The run for {run.period:%B %Y} was started.")
                return redirect("finance:run_detail", pk=run.pk)
    elif may_post:
        form = PostPeriodForm(initial={"period": services.scheduled_period()})
    page = Paginator(selectors.runs(), RUNS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "form": form,
        "finished_statuses": FINISHED_STATUSES,
    }
    return render(request, "finance/run_list.html", context)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: its progress (refreshing itself while it runs), totals, timing and the assets that failed."""
    _require_run_reader(request.user)
    run = get_object_or_404(selectors.runs(), pk=pk)
    failures = Paginator(selectors.run_failures(run).select_related("asset__site"), FAILURES_PAGE_SIZE)
    context = {
        "run": run,
        "failures": failures.get_page(request.GET.get("page")),
        "finished_statuses": FINISHED_STATUSES,
    }
    return render(request, "finance/run_detail.html", context)


@login_required
@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """A run's progress as JSON in the API's shape, polled by its page (and the admin's run list) while it runs."""
    _require_run_reader(request.user)
    run = get_object_or_404(selectors.runs(), pk=pk)
    response = JsonResponse(DepreciationRunOutputSerializer(run).data)
    response["Cache-Control"] = "no-store"
    return response
