"""Finance staff's admin for the valuation engine: posting runs, the value ledger, depreciation plans, and the
forms that post a month or change an asset's value. Ledger, runs and plans are read-only here; every write
goes through `finance.services` (or `assetreg.services.asset_dispose`) and a refusal shows as a form error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from assetreg import services as register_services
from assetreg.choices import DepreciationMethod
from assetreg.forms import DisposeForm
from assetreg.models import Asset
from ledgerline.exceptions import ConflictError
from ledgerline.forms import add_service_errors
from ledgerline.money import Money
from ledgerline.policy import Actor, PolicyAdminMixin

from . import schedule, selectors, services
from .choices import EntryKind, RunStatus
from .forms import VALUE_EVENTS, AssetTagForm, CorrectionForm, PostPeriodForm, ValueEvent, ValueEventForm
from .models import DepreciationPlan, DepreciationRun, RunFailure, ValueEntry
from .permissions import FINANCE

SERVICE_FORM_TEMPLATE = "admin/finance/service_form.html"
FAILURES_SHOWN_INLINE = 200
PERIOD_FILTER_MONTHS = 24

# --------------------------------------------------------------------------------------------------
# Who may do what: finance's policy (`permissions.FINANCE`) opens the screens, as in the register's admin
# --------------------------------------------------------------------------------------------------


def writes_finance(user: Actor) -> bool:
    """Finance staff and administrators post months and change values (the services check it again)."""
    return FINANCE.can(user, "change_values")


def require_finance_writer(request: HttpRequest) -> None:
    """403 for anyone but finance staff (a facility manager with admin access included)."""
    FINANCE.require(request.user, "change_values", None, "Only finance staff may do this.")


class FinanceReadOnlyMixin(PolicyAdminMixin):
    """Records only services write: finance and auditors view them; nobody adds, changes or deletes by hand."""

    policy = FINANCE

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def scoped_to_visible_assets(request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Rows of assets the user may see (everything for finance and auditors)."""
    return FINANCE.scope_to_visible_assets(request.user, queryset)


# --------------------------------------------------------------------------------------------------
# Display helpers
# --------------------------------------------------------------------------------------------------


def money(amount: Decimal | None, currency: str) -> str:
    """An amount as finance reads it: currency and minor units, e.g. `EUR 1,234.50`."""
    return "" if amount is None else Money(amount, currency).format()


def month(period: date | None) -> str:
    return f"{period:%b %Y}" if period else ""


def admin_link(viewname: str, label: Any, *args: Any, query: dict[str, Any] | None = None) -> str:
    """A link to an admin page, or the bare label if that page is not registered."""
    try:
        url = reverse(viewname, args=args)
    except NoReverseMatch:
        return str(label)
    if query:
        url = f"{url}?{urlencode(query)}"
    return format_html('<a href="{}">{}</a>', url, label)


def ledger_url(asset_tag: str | None = None) -> str:
    """The value ledger, filtered by one asset when a tag is given."""
    url = reverse("admin:finance_valueentry_changelist")
    return f"{url}?{urlencode({'asset': asset_tag})}" if asset_tag else url


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


# --------------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------------


class PeriodFilter(admin.SimpleListFilter):
    """The accounting month (`YYYY-MM`); offers the last two years."""

    title = "period"
    parameter_name = "period"

    def periods(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[date]:
        this_month = timezone.localdate().replace(day=1)
        return [schedule.add_months(this_month, -i) for i in range(PERIOD_FILTER_MONTHS)]

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(f"{p:%Y-%m}", f"{p:%B %Y}") for p in self.periods(request, model_admin)]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            year, month_number = (int(part) for part in value.split("-")[:2])
            return queryset.filter(period=date(year, month_number, 1))
        except ValueError:
            return queryset.none()


class RunPeriodFilter(PeriodFilter):
    """The months that have runs, newest first."""

    def periods(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[date]:
        return list(DepreciationRun.objects.order_by("-period").values_list("period", flat=True).distinct()[:36])


class AssetTagFilter(admin.SimpleListFilter):
    """One asset's ledger (`?asset=TAG`); shown in the sidebar only while it is in use."""

    title = "asset"
    parameter_name = "asset"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        value = self.value()
        return queryset.filter(asset__asset_tag=value.strip().upper()) if value else queryset


# --------------------------------------------------------------------------------------------------
# Posting runs
# --------------------------------------------------------------------------------------------------


class FailuresFormSet(BaseInlineFormSet):
    """A run's failures, at most FAILURES_SHOWN_INLINE of them (the full list is one link away)."""

    def get_queryset(self) -> list[RunFailure]:  # type: ignore[override]
        if not hasattr(self, "_shown"):
            self._shown = list(super().get_queryset().select_related("asset")[:FAILURES_SHOWN_INLINE])
        return self._shown


class RunFailureInline(FinanceReadOnlyMixin, admin.TabularInline):
    """The assets a run could not value, and why."""

    model = RunFailure
    formset = FailuresFormSet
    fields = ("asset_link", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "asset that could not be valued"
    verbose_name_plural = "assets that could not be valued"

    @admin.display(description="Asset")
    def asset_link(self, obj: RunFailure) -> str:
        return admin_link("admin:assetreg_asset_change", obj.asset.asset_tag, obj.asset_id)


@admin.register(DepreciationRun)
class DepreciationRunAdmin(FinanceReadOnlyMixin, admin.ModelAdmin):
    """Monthly posting runs and their progress; "Post a month" starts one. Runs are never edited by hand."""

    change_list_template = "admin/finance/depreciationrun/change_list.html"
    list_display = (
        "run_number",
        "period_display",
        "status",
        "progress",
        "posted_entries",
        "failed_display",
        "totals_display",
        "requested_by",
        "trigger",
        "started_at",
        "finished_at",
        "duration",
    )
    list_display_links = ("run_number",)
    list_filter = ("status", RunPeriodFilter, "trigger")
    list_select_related = ("requested_by",)
    fields = (
        "period_display",
        "status",
        "trigger",
        "requested_by",
        "progress",
        "total_assets",
        "processed_assets",
        "posted_entries",
        "failed_display",
        "totals_display",
        "chunks_done",
        "chunks_total",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "duration",
    )
    readonly_fields = fields
    inlines = (RunFailureInline,)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[DepreciationRun]:
        return selectors.runs()

    @admin.display(description="Run", ordering="pk")
    def run_number(self, obj: DepreciationRun) -> str:
        return f"Run {obj.pk}"

    @admin.display(description="Period", ordering="period")
    def period_display(self, obj: DepreciationRun) -> str:
        return f"{obj.period:%B %Y}"

    @admin.display(description="Progress")
    def progress(self, obj: DepreciationRun) -> str:
        """The progress bar; while the run goes on, static/js/runs.js polls the run's status (the API's shape)."""
        percent = obj.progress_percent
        polled = (
            format_html(' data-run-status-url="{}"', reverse("finance:run_status", args=[obj.pk]))
            if not obj.is_finished
            else ""
        )
        return format_html(
            '<span class="run-progress-cell"{}><progress class="run-progress" data-run-progress max="100" value="{}" '
            'title="{}%">{}%</progress> <span data-run-field="processed_assets">{}</span> / '
            '<span data-run-field="total_assets">{}</span> (<span data-run-field="progress_percent">{}</span>%)</span>',
            polled,
            percent,
            percent,
            percent,
            f"{obj.processed_assets:,}",
            f"{obj.total_assets:,}",
            percent,
        )

    @admin.display(description="Failed assets", ordering="failed_assets")
    def failed_display(self, obj: DepreciationRun) -> str:
        if not obj.failed_assets:
            return "0"
        return admin_link(
            "admin:finance_runfailure_changelist", f"{obj.failed_assets:,}", query={"run__id__exact": obj.pk}
        )

    @admin.display(description="Depreciation posted")
    def totals_display(self, obj: DepreciationRun) -> str:
        if not obj.totals:
            return "-"
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            ((money(Decimal(value), currency),) for currency, value in sorted(obj.totals.items())),
        )

    @admin.display(description="Duration")
    def duration(self, obj: DepreciationRun) -> str:
        return duration_text(obj.duration_seconds)

    # ---- "Post a month" and the failure banner --------------------------------------------------

    def get_urls(self) -> list[Any]:
        return [
            path("post/", self.admin_site.admin_view(self.post_month_view), name="finance_depreciationrun_post"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET" and self.has_view_permission(request):
            self._warn_about_latest_failures(request)
        extra_context = {**(extra_context or {}), "can_post_month": writes_finance(request.user)}
        return super().changelist_view(request, extra_context)

    def _warn_about_latest_failures(self, request: HttpRequest) -> None:
        latest = selectors.runs().first()
        if latest is None or latest.status != RunStatus.DONE_WITH_ERRORS:
            return
        failures_url = f"{reverse('admin:finance_runfailure_changelist')}?{urlencode({'run__id__exact': latest.pk})}"
        self.message_user(
            request,
            format_html(
                '{} asset(s) could not be valued in run {} ({}): <a href="{}">see its failures</a>.',
                f"{latest.failed_assets:,}",
                latest.pk,
                f"{latest.period:%B %Y}",
                failures_url,
            ),
            messages.WARNING,
        )

    def post_month_view(self, request: HttpRequest) -> HttpResponse:
        """Start the posting run for a month; the service refuses a future month or a second run in progress."""
        require_finance_writer(request)
        if request.method == "POST":
            form = PostPeriodForm(request.POST)
            if form.is_valid():
                try:
                    run = services.depreciation_run_start(
                        actor=request.user, period=form.cleaned_data["period"], trigger="manual"
                    )
                except (ValidationError, PermissionDenied) as exc:
                    add_service_errors(form, exc)
                else:
                    run_url = reverse("admin:finance_depreciationrun_change", args=[run.pk])
                    self.message_user(
                        request,
                        format_html(
                            'Run {} for {} started: <a href="{}">follow its progress</a>.',
                            run.pk,
                            f"{run.period:%B %Y}",
                            run_url,
                        ),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:finance_depreciationrun_changelist"))
        else:
            form = PostPeriodForm(initial={"period": services.scheduled_period()})
        return render_service_form(
            self,
            request,
            form,
            title="Post a month",
            submit_label="Start the run",
            intro="Posts the month's depreciation for every asset in service. The run goes on in the "
            "background; its progress shows in the list of runs.",
        )


@admin.register(RunFailure)
class RunFailureAdmin(FinanceReadOnlyMixin, admin.ModelAdmin):
    """Every asset a run could not value, filterable by run: what finance fixes before the next run."""

    list_display = ("asset_link", "run_link", "reason")
    list_select_related = ("asset", "run")
    search_fields = ("^asset__asset_tag",)
    fields = ("run_link", "asset_link", "reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[RunFailure]:
        return scoped_to_visible_assets(request, super().get_queryset(request))

    @admin.display(description="Asset", ordering="asset__asset_tag")
    def asset_link(self, obj: RunFailure) -> str:
        return admin_link("admin:assetreg_asset_change", obj.asset.asset_tag, obj.asset_id)

    @admin.display(description="Run", ordering="run")
    def run_link(self, obj: RunFailure) -> str:
        return admin_link("admin:finance_depreciationrun_change", obj.run, obj.run_id)


# --------------------------------------------------------------------------------------------------
# The value forms (the same forms as the web pages, from finance.forms and assetreg.forms)
# --------------------------------------------------------------------------------------------------


def _value_event(event: ValueEvent) -> Callable[[Any, Asset, forms.Form], str]:
    """Call a value event's service with the form's values; the success message."""

    def perform(user: Any, asset: Asset, form: forms.Form) -> str:
        assert isinstance(form, ValueEventForm)
        return event.done_message(asset, event.service(actor=user, asset=asset, **form.service_kwargs()))

    return perform


def _dispose(user: Any, asset: Asset, form: forms.Form) -> str:
    data = form.cleaned_data
    disposal = register_services.asset_dispose(
        actor=user,
        asset=asset,
        disposal_date=data["disposal_date"],
        method=data["method"],
        proceeds=data["proceeds"],
        reason=data["reason"],
        expected_version=data["version"],
    )
    return f"{asset.asset_tag} disposed of on {disposal.disposal_date:%d %b %Y} for {disposal.proceeds_money.format()}."


@dataclass(frozen=True)
class ValueAction:
    """One asset value form in the admin: its URL, title, the shared form and the service call."""

    slug: str
    title: str
    form_class: type[forms.Form]
    perform: Callable[[Any, Asset, forms.Form], str]
    intro: str

    def make_form(self, asset: Asset, data: Any = None, files: Any = None) -> forms.Form:
        """The same form the web page shows for this asset (the disposal form carries the version read)."""
        if issubclass(self.form_class, ValueEventForm):
            return self.form_class(data, files, currency=asset.currency)
        return self.form_class(data, files, initial={"version": asset.version})


VALUE_ACTIONS: tuple[ValueAction, ...] = (
    *(ValueAction(e.slug, e.title, e.form_class, _value_event(e), e.intro) for e in VALUE_EVENTS),
    ValueAction(
        "dispose",
        "Dispose",
        DisposeForm,
        _dispose,
        "Records the disposal of an asset that is out of service: depreciation up to the disposal date, "
        "then the gain or loss. The asset becomes read-only.",
    ),
)


def render_service_form(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit_label: str,
    intro: str = "",
    facts: list[tuple[str, str]] | None = None,
    method: str = "post",
) -> TemplateResponse:
    """The admin page of a form that calls a service (or, sent by GET, the step that picks its asset)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "form": form,
        "intro": intro,
        "facts": facts or [],
        "submit_label": submit_label,
        "form_method": method,
    }
    return TemplateResponse(request, SERVICE_FORM_TEMPLATE, context)


def asset_facts(asset: Asset | None) -> list[tuple[str, str]]:
    """What finance wants to see before changing a value: the asset, its status and book value today."""
    if asset is None:
        return []
    summary = selectors.asset_valuation_summary(asset, timezone.localdate())
    return [
        ("Asset", f"{asset.asset_tag}: {asset.name}"),
        ("Status", asset.get_status_display()),
        ("Book value today", summary.book_value.format()),
        ("Revaluation reserve", summary.revaluation_reserve.format()),
        ("Depreciation posted through", month(summary.last_posted_period) or "nothing posted yet"),
    ]


# --------------------------------------------------------------------------------------------------
# The ledger
# --------------------------------------------------------------------------------------------------


@admin.register(ValueEntry)
class ValueEntryAdmin(FinanceReadOnlyMixin, admin.ModelAdmin):
    """The append-only value ledger, read-only; its buttons open the forms that append to it."""

    change_list_template = "admin/finance/valueentry/change_list.html"
    change_form_template = "admin/finance/valueentry/change_form.html"
    list_display = (
        "asset_display",
        "kind",
        "period_display",
        "entry_date",
        "amount_display",
        "carrying_display",
        "reserve_display",
        "profit_or_loss_display",
        "run_link",
        "actor",
    )
    list_filter = (AssetTagFilter, "kind", PeriodFilter, "currency")
    search_fields = ("^asset__asset_tag",)
    search_help_text = "Search by asset tag (the start of it is enough)."
    list_select_related = ("asset", "run", "actor")
    date_hierarchy = "entry_date"
    ordering = ("-entry_date", "-id")
    show_full_result_count = False
    fields = (
        "asset_display",
        "kind",
        "period_display",
        "entry_date",
        "amount_display",
        "carrying_display",
        "reserve_display",
        "profit_or_loss_display",
        "reason",
        "appraiser",
        "evidence",
        "corrects_link",
        "corrections_display",
        "run_link",
        "actor",
        "details",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[ValueEntry]:
        return scoped_to_visible_assets(request, super().get_queryset(request))

    @admin.display(description="Asset", ordering="asset__asset_tag")
    def asset_display(self, obj: ValueEntry) -> str:
        return format_html('<a href="{}">{}</a>', ledger_url(obj.asset.asset_tag), obj.asset.asset_tag)

    @admin.display(description="Period", ordering="period")
    def period_display(self, obj: ValueEntry) -> str:
        return month(obj.period)

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj: ValueEntry) -> str:
        return money(obj.amount, obj.currency)

    @admin.display(description="Carrying amount after", ordering="carrying_after")
    def carrying_display(self, obj: ValueEntry) -> str:
        return money(obj.carrying_after, obj.currency)

    @admin.display(description="Reserve change", ordering="reserve_change")
    def reserve_display(self, obj: ValueEntry) -> str:
        return money(obj.reserve_change, obj.currency)

    @admin.display(description="Profit or loss", ordering="profit_or_loss")
    def profit_or_loss_display(self, obj: ValueEntry) -> str:
        return money(obj.profit_or_loss, obj.currency)

    @admin.display(description="Run", ordering="run")
    def run_link(self, obj: ValueEntry) -> str:
        return (
            admin_link("admin:finance_depreciationrun_change", f"Run {obj.run_id}", obj.run_id) if obj.run_id else "-"
        )

    @admin.display(description="Corrects")
    def corrects_link(self, obj: ValueEntry) -> str:
        return admin_link("admin:finance_valueentry_change", obj.corrects, obj.corrects_id) if obj.corrects_id else "-"

    @admin.display(description="Corrected by")
    def corrections_display(self, obj: ValueEntry) -> str:
        corrections = list(obj.corrections.order_by("pk"))
        if not corrections:
            return "-"
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            ((admin_link("admin:finance_valueentry_change", c, c.pk),) for c in corrections),
        )

    # ---- the value forms ------------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                f"{action.slug}/",
                self.admin_site.admin_view(self._value_view(action)),
                name=f"finance_valueentry_{action.slug.replace('-', '_')}",
            )
            for action in VALUE_ACTIONS
        ]
        urls.append(
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="finance_valueentry_correct",
            )
        )
        return urls + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        tools: list[tuple[str, str]] = []
        if writes_finance(request.user):
            tag = (request.GET.get(AssetTagFilter.parameter_name) or "").strip()
            query = f"?{urlencode({'asset': tag})}" if tag else ""
            tools = [
                (action.title, reverse(f"admin:finance_valueentry_{action.slug.replace('-', '_')}") + query)
                for action in VALUE_ACTIONS
            ]
        return super().changelist_view(request, {**(extra_context or {}), "value_forms": tools})

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        entry = self.get_object(request, object_id)
        can_correct = entry is not None and entry.kind == EntryKind.DEPRECIATION and writes_finance(request.user)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "can_correct": can_correct})

    def _value_view(self, action: ValueAction) -> Callable[[HttpRequest], HttpResponse]:
        def view(request: HttpRequest) -> HttpResponse:
            return self.value_form_view(request, action)

        view.__name__ = f"{action.slug.replace('-', '_')}_view"
        return view

    def value_form_view(self, request: HttpRequest, action: ValueAction) -> HttpResponse:
        """A value form for the asset named by `?asset=TAG` (asked for first): check its shape, call the
        service, show a refusal beside the fields it concerns."""
        require_finance_writer(request)
        picker = AssetTagForm(
            request.GET if AssetTagForm.base_fields.keys() & request.GET.keys() else None, user=request.user
        )
        asset = picker.found if picker.is_valid() else None
        if asset is None:
            return render_service_form(
                self, request, picker, title=action.title, submit_label="Continue", intro=action.intro, method="get"
            )
        if request.method == "POST":
            form = action.make_form(asset, request.POST, request.FILES)
            if form.is_valid():
                try:
                    summary = action.perform(request.user, asset, form)
                except (ValidationError, PermissionDenied, ConflictError) as exc:
                    add_service_errors(form, exc)
                else:
                    self.message_user(request, summary, messages.SUCCESS)
                    return HttpResponseRedirect(ledger_url(asset.asset_tag))
        else:
            form = action.make_form(asset)
        return render_service_form(
            self,
            request,
            form,
            title=f"{action.title} {asset.asset_tag}",
            submit_label=action.title,
            intro=action.intro,
            facts=asset_facts(asset),
        )

    def correct_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Correct a posted depreciation entry: a correction entry naming it is appended (the entry stays)."""
        require_finance_writer(request)
        entry = get_object_or_404(self.get_queryset(request).select_related("asset"), pk=object_id)
        if request.method == "POST":
            form = CorrectionForm(request.POST)
            if form.is_valid():
                try:
                    correction = services.value_entry_correct(
                        actor=request.user,
                        entry=entry,
                        correct_amount=form.cleaned_data["correct_amount"],
                        reason=form.cleaned_data["reason"],
                    )
                except (ValidationError, PermissionDenied) as exc:
                    add_service_errors(form, exc)
                else:
                    self.message_user(
                        request,
                        f"Correction of {correction.amount_money.format()} posted for {entry.asset.asset_tag} "
                        f"({month(entry.period)}); carrying amount now {correction.carrying_money.format()}.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(ledger_url(entry.asset.asset_tag))
        else:
            form = CorrectionForm()
        facts = [
            ("Entry", str(entry)),
            ("Posted depreciation", (-entry.amount_money).format()),
            *asset_facts(entry.asset),
        ]
        return render_service_form(
            self,
            request,
            form,
            title=f"Correct depreciation of {entry.asset.asset_tag} for {month(entry.period)}",
            submit_label="Post the correction",
            facts=facts,
            intro="The entry stays in the ledger; a correction entry for the difference is added today and the "
            "asset's remaining schedule is re-planned from the corrected carrying amount.",
        )


# --------------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------------


@admin.register(DepreciationPlan)
class DepreciationPlanAdmin(FinanceReadOnlyMixin, admin.ModelAdmin):
    """Each asset's current depreciation plan, read-only: the basis its remaining schedule is computed from."""

    list_display = (
        "asset_display",
        "method_display",
        "start_display",
        "depreciable_display",
        "salvage_display",
        "life",
        "period_count",
        "switch_display",
        "reason",
        "updated_at",
    )
    list_filter = ("method", "currency")
    search_fields = ("^asset__asset_tag",)
    list_select_related = ("asset",)
    ordering = ("asset__asset_tag",)
    show_full_result_count = False
    fields = (
        "asset_display",
        "method_display",
        "start_display",
        "opening_display",
        "depreciable_display",
        "salvage_display",
        "life",
        "period_count",
        "first_fraction",
        "declining_factor",
        "switch_display",
        "total_units",
        "units_at_basis",
        "reason",
        "updated_at",
        "upcoming",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[DepreciationPlan]:
        return scoped_to_visible_assets(request, super().get_queryset(request))

    @admin.display(description="Asset", ordering="asset__asset_tag")
    def asset_display(self, obj: DepreciationPlan) -> str:
        return format_html('{} (<a href="{}">ledger</a>)', obj.asset.asset_tag, ledger_url(obj.asset.asset_tag))

    @admin.display(description="Method", ordering="method")
    def method_display(self, obj: DepreciationPlan) -> str:
        try:
            return str(DepreciationMethod(obj.method).label)
        except ValueError:
            return obj.method

    @admin.display(description="From", ordering="start_period")
    def start_display(self, obj: DepreciationPlan) -> str:
        return month(obj.start_period)

    @admin.display(description="Carrying amount at the start")
    def opening_display(self, obj: DepreciationPlan) -> str:
        return obj.opening_amount.format()

    @admin.display(description="Depreciable amount", ordering="depreciable_amount")
    def depreciable_display(self, obj: DepreciationPlan) -> str:
        return money(obj.depreciable_amount, obj.currency)

    @admin.display(description="Salvage", ordering="salvage")
    def salvage_display(self, obj: DepreciationPlan) -> str:
        return money(obj.salvage, obj.currency)

    @admin.display(description="Life (months)", ordering="life_months")
    def life(self, obj: DepreciationPlan) -> str:
        value = obj.life_months.quantize(Decimal("0.01")).normalize()
        return f"{value:f}"

    @admin.display(description="Switch to straight line")
    def switch_display(self, obj: DepreciationPlan) -> str:
        if not obj.switch_period:
            return "-"
        switch_month = schedule.add_months(obj.start_period, obj.switch_period - 1)
        accumulated = f", after {money(obj.switch_amount, obj.currency)} depreciated" if obj.switch_amount else ""
        return f"from {month(switch_month)} (period {obj.switch_period}){accumulated}"

    @admin.display(description="Next planned months")
    def upcoming(self, obj: DepreciationPlan) -> str:
        rows = [row for row in selectors.asset_schedule(obj.asset, planned_limit=12) if not row.posted]
        if not rows:
            return "Nothing left to depreciate under this plan."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((month(r.period), r.amount.format(), r.carrying_after.format()) for r in rows),
        )
        return format_html(
            "<table><thead><tr><th>Month</th><th>Depreciation</th><th>Carrying amount after</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )


# --------------------------------------------------------------------------------------------------
# The periodic jobs (django-celery-beat's admin), opened by finance's policy like every other screen
# --------------------------------------------------------------------------------------------------


class OnlySwitchedByStaff:
    """Finance may switch a periodic job on or off, nothing more: what a job runs, with which arguments and when
    is defined in code (`ledgerline/periodic.py`) and runs as the system actor, so only a superuser may change
    it or run it by hand from the admin."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        if request.user.is_superuser:
            return fields
        model_fields = [f.name for f in self.model._meta.fields if f.name != "enabled"]  # type: ignore[attr-defined]
        return list(dict.fromkeys([*fields, *model_fields]))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)  # type: ignore[misc]
        return [(None, {"fields": [f.name for f in self.model._meta.fields if f.editable]})]  # type: ignore[attr-defined]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            kwargs["form"] = forms.ModelForm  # not the library's form, whose task picker would set the task
        return super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)  # type: ignore[misc]
        if not request.user.is_superuser:
            actions = {name: a for name, a in actions.items() if name in ("enable_tasks", "disable_tasks")}
        return actions


def _open_periodic_jobs_by_policy() -> None:
    """Register django-celery-beat's admins again with finance's policy deciding who opens them (finance sees
    the monthly posting job and switches it on or off; schedules are defined in code)."""
    for model, model_admin in list(admin.site._registry.items()):
        if model._meta.app_label != "django_celery_beat" or isinstance(model_admin, PolicyAdminMixin):
            continue
        base = type(model_admin)
        admin.site.unregister(model)
        admin.site.register(
            model, type(base.__name__, (PolicyAdminMixin, OnlySwitchedByStaff, base), {"policy": FINANCE})
        )


_open_periodic_jobs_by_policy()
