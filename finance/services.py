"""Every write of the valuation engine: plans, posting runs, revaluation, impairment, improvement, disposal.

Web pages, the admin, the API, management commands and Celery tasks call these. Value changes are appended
to the ledger (ValueEntry) and never edited; the plan of an asset is replaced prospectively when its value,
life or salvage changes, so posted periods never change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import OperationalError, transaction
from django.db.models import F, Max, Min, Q, Sum
from django.utils import timezone

from assetreg import selectors as register_selectors
from assetreg import services as register_services
from assetreg.choices import DepreciationMethod
from assetreg.models import Asset, Disposal
from assetreg.permissions import REGISTER
from ledgerline import bounds, roles
from ledgerline.money import Money, amount_error, parse_amount
from ledgerline.policy import Actor, is_system, user_or_none

from . import plans as plan_math
from . import posting, schedule, selectors
from .choices import FINISHED_STATUSES, EntryKind, RunStatus
from .models import DepreciationPlan, DepreciationRun, RunFailure, ValueEntry
from .permissions import FINANCE

logger = logging.getLogger(__name__)

CHUNK_SIZE = 50_000  # assets per chunk task (an id range)
STALE_RUN_AFTER = timedelta(minutes=15)
PLAN_BATCH = 2000
RUN_TRIGGER_SCHEDULE = "schedule"  # what DepreciationRun.trigger records for a run the system actor started
PERSON_TRIGGERS = frozenset({"manual", "api"})


def _actor_id(actor: Actor) -> int | None:
    user = user_or_none(actor)
    return user.pk if user is not None else None


def _require_finance(actor: Actor) -> None:
    FINANCE.require(actor, "change_values", None, "Only finance staff may do this.")


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


# --------------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------------


def _valued_assets_without_plan(lo: int, hi: int, through: date):  # type: ignore[no-untyped-def]
    return Asset.objects.filter(
        pk__gte=lo,
        pk__lte=hi,
        status__in=plan_math.VALUED_STATUSES,
        plan__isnull=True,
    ).filter(Q(in_service_date__isnull=True) | Q(in_service_date__lte=schedule.period_end(through)))


def plans_ensure(*, lo: int, hi: int, through: date, run: DepreciationRun | None = None) -> tuple[int, int]:
    """Give every valued asset in the id range a plan; assets whose data cannot give one are recorded as run
    failures (with the reason) and skipped. Returns (plans created, failures)."""
    created = failed = 0
    candidates = _valued_assets_without_plan(lo, hi, through)
    if posting.uses_sql_executor():
        # One statement makes every plan but declining balance (and records the failures); the switch period of
        # declining balance is found in Python below.
        created, failed, declining = posting.create_plans_sql(lo, hi, through, run_id=run.pk if run else None)
        if not declining:
            return created, failed
        candidates = candidates.filter(depreciation_method=DepreciationMethod.DECLINING_BALANCE)
    rows = candidates.order_by("pk").values(*plan_math.INPUT_FIELDS)
    batch: list[DepreciationPlan] = []
    failures: list[RunFailure] = []
    uop_ids = [r["pk"] for r in rows if r["depreciation_method"] == DepreciationMethod.UNITS_OF_PRODUCTION]
    start_units = _units_at_start(uop_ids)
    for row in rows.iterator(chunk_size=PLAN_BATCH):
        try:
            batch.append(plan_math.new_plan(plan_math.inputs_from_row(row, start_units.get(row["pk"], Decimal(0)))))
        except plan_math.PlanInputError as exc:
            failed += 1
            if run is not None:
                failures.append(RunFailure(run=run, asset_id=row["pk"], reason=str(exc)))
        if len(batch) >= PLAN_BATCH:
            DepreciationPlan.objects.bulk_create(batch, ignore_conflicts=True)
            created += len(batch)
            batch = []
    DepreciationPlan.objects.bulk_create(batch, ignore_conflicts=True)
    created += len(batch)
    RunFailure.objects.bulk_create(failures, ignore_conflicts=True, batch_size=PLAN_BATCH)
    return created, failed


def _units_at_start(asset_ids: list[int]) -> dict[int, Decimal]:
    """The meter reading an asset started its units-of-production life with: its first reading (read through
    the register's selectors: the register owns meter readings)."""
    if not asset_ids:
        return {}
    return register_selectors.first_meter_readings(asset_ids)


def plan_for(asset: Asset) -> DepreciationPlan | None:
    """An asset's plan, created on first use when the asset is valued; None if it is not (yet)."""
    plan = DepreciationPlan.objects.filter(asset=asset).first()
    if plan is None and asset.status in plan_math.VALUED_STATUSES:
        row = Asset.objects.filter(pk=asset.pk).values(*plan_math.INPUT_FIELDS).get()
        try:
            plan = plan_math.new_plan(
                plan_math.inputs_from_row(row, _units_at_start([asset.pk]).get(asset.pk, Decimal(0)))
            )
        except plan_math.PlanInputError as exc:
            raise ValidationError(f"This asset cannot be valued: {exc}") from None
        plan.save(force_insert=True)
    return plan


# --------------------------------------------------------------------------------------------------
# Posting runs
# --------------------------------------------------------------------------------------------------


def _check_period(period: date) -> date:
    if period is None:
        raise ValidationError({"period": "Give the month to post."})
    if day_error := bounds.date_error(period):
        raise ValidationError({"period": day_error})
    period = _first_of_month(period)
    if period > _first_of_month(timezone.localdate()):
        raise ValidationError({"period": "A future month cannot be posted yet."})
    return period


def depreciation_run_start(
    *, actor: Actor, period: date, trigger: str = "manual", dispatch: bool = True, chunk_size: int = CHUNK_SIZE
) -> DepreciationRun:
    """Start the monthly posting run for `period`: the run is split into id-range chunks that a group of
    Celery workers share. Rerunning a period posts only what is missing.

    Finance staff start runs by hand (`trigger` records where: "manual" for the web and admin, "api"); Celery
    beat starts the monthly run as the system actor, which is recorded as "schedule"."""
    FINANCE.require(actor, "post_month", None, "Only finance staff may post depreciation.")
    if is_system(actor):
        trigger = RUN_TRIGGER_SCHEDULE
    elif trigger not in PERSON_TRIGGERS:
        raise ValueError(f"A run started by a person is triggered from {sorted(PERSON_TRIGGERS)}, not {trigger!r}.")
    period = _check_period(period)
    with transaction.atomic():
        active = (
            DepreciationRun.objects.select_for_update()
            .filter(period=period, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
            .first()
        )
        if active is not None:
            last_change = active.started_at or active.created_at
            if timezone.now() - last_change < STALE_RUN_AFTER and active.chunks_done < active.chunks_total:
                raise ValidationError({"period": f"A run for {period:%B %Y} is already in progress (run {active.pk})."})
            active.status = RunStatus.FAILED
            active.error = "Interrupted: superseded by a new run for the same period."
            active.finished_at = timezone.now()
            active.save(update_fields=["status", "error", "finished_at"])
        bounds = Asset.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        total = Asset.objects.filter(status__in=plan_math.VALUED_STATUSES).count()
        ranges = _chunk_ranges(bounds["lo"], bounds["hi"], chunk_size)
        run = DepreciationRun.objects.create(
            period=period,
            requested_by=user_or_none(actor),
            trigger=trigger,
            total_assets=total,
            chunks_total=len(ranges),
            status=RunStatus.QUEUED,
        )
        if not ranges:
            _finish(run.pk)
            run.refresh_from_db()
            return run
        if dispatch:
            from .tasks import depreciation_run_chunk_task

            for lo, hi in ranges:
                depreciation_run_chunk_task.delay_on_commit(run.pk, lo, hi)
    if not dispatch:
        for lo, hi in ranges:
            depreciation_run_chunk(run_id=run.pk, lo=lo, hi=hi)
        run.refresh_from_db()
    return run


def _chunk_ranges(lo: int | None, hi: int | None, size: int) -> list[tuple[int, int]]:
    if lo is None or hi is None:
        return []
    return [(start, min(start + size - 1, hi)) for start in range(lo, hi + 1, size)]


def depreciation_run_chunk(*, run_id: int, lo: int, hi: int) -> dict[str, int]:
    """Value the assets with ids in [lo, hi] for the run's period. Idempotent: a repeated chunk adds nothing.
    A chunk that crashes (anything but a database hiccup, which the task retries) fails the run at once, with
    the reason, instead of leaving it "running"."""
    try:
        return _run_chunk(run_id=run_id, lo=lo, hi=hi)
    except OperationalError:
        raise
    except Exception as exc:
        depreciation_run_fail(run_id=run_id, reason=f"A chunk (assets {lo} to {hi}) crashed: {exc!r}")
        raise


def depreciation_run_fail(*, run_id: int, reason: str) -> None:
    """Mark an unfinished run failed with the reason (a crashed or killed chunk). A finished run is left alone."""
    DepreciationRun.objects.filter(pk=run_id).exclude(status__in=FINISHED_STATUSES).update(
        status=RunStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def _run_chunk(*, run_id: int, lo: int, hi: int) -> dict[str, int]:
    run = DepreciationRun.objects.get(pk=run_id)
    if run.status in FINISHED_STATUSES:
        return {"posted": 0, "skipped": 1}
    DepreciationRun.objects.filter(pk=run_id, started_at__isnull=True).update(
        started_at=timezone.now(), status=RunStatus.RUNNING
    )
    through = run.period
    with transaction.atomic():
        _, failed = plans_ensure(lo=lo, hi=hi, through=through, run=run)
        if posting.uses_sql_executor():
            posted = posting.post_range_sql(lo, hi, through, run_id=run.pk)
        else:
            chunk_plans = list(
                DepreciationPlan.objects.filter(
                    asset_id__gte=lo,
                    asset_id__lte=hi,
                    asset__status__in=plan_math.VALUED_STATUSES,
                    start_period__lte=through,
                ).exclude(method=DepreciationMethod.NONE)
            )
            posted = posting.post_plans_python(chunk_plans, through, run_id=run.pk)
        processed = Asset.objects.filter(pk__gte=lo, pk__lte=hi, status__in=plan_math.VALUED_STATUSES).count()
        DepreciationRun.objects.filter(pk=run_id).update(
            processed_assets=F("processed_assets") + processed,
            posted_entries=F("posted_entries") + posted,
            failed_assets=F("failed_assets") + failed,
            chunks_done=F("chunks_done") + 1,
        )
    run.refresh_from_db(fields=["chunks_done", "chunks_total"])
    if run.chunks_done >= run.chunks_total:
        _finish(run_id)
    return {"posted": posted, "failed": failed, "processed": processed}


def _finish(run_id: int) -> None:
    """Close a run: totals per currency from the ledger, status, and an alert to finance if assets failed."""
    with transaction.atomic():
        run = DepreciationRun.objects.select_for_update().get(pk=run_id)
        if run.status in FINISHED_STATUSES:
            return
        totals = (
            ValueEntry.objects.filter(run_id=run_id, kind=EntryKind.DEPRECIATION)
            .values("currency")
            .annotate(total=Sum("amount"))
            .order_by("currency")
        )
        run.totals = {row["currency"]: str(Money(-row["total"], row["currency"]).rounded().amount) for row in totals}
        run.failed_assets = RunFailure.objects.filter(run_id=run_id).count()
        run.status = RunStatus.DONE_WITH_ERRORS if run.failed_assets else RunStatus.DONE
        run.finished_at = timezone.now()
        run.started_at = run.started_at or run.finished_at
        run.save()
        if run.failed_assets:
            transaction.on_commit(lambda: _alert_finance(run_id))


def _alert_finance(run_id: int) -> None:
    run = DepreciationRun.objects.get(pk=run_id)
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.FINANCE)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    failures = RunFailure.objects.filter(run_id=run_id).select_related("asset")[:50]
    lines = [f"- {f.asset.asset_tag}: {f.reason}" for f in failures]
    more = run.failed_assets - len(lines)
    if more > 0:
        lines.append(f"... and {more} more")
    send_mail(
        subject=f"[Ledgerline] Depreciation run for {run.period:%B %Y}: {run.failed_assets} assets could not be valued",
        message="These assets were skipped; the rest of the run was posted.\n\n"
        + "\n".join(lines)
        + f"\n\n{settings.SITE_URL}/admin/finance/depreciationrun/{run.pk}/change/",
        from_email=None,
        recipient_list=sorted(set(recipients)),
    )


def scheduled_period(today: date | None = None) -> date:
    """The month the scheduled run posts: the month that ended most recently."""
    today = today or timezone.localdate()
    return schedule.add_months(today.replace(day=1), -1)


# --------------------------------------------------------------------------------------------------
# One asset: catch-up, value events
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetValueState:
    """Where an asset's value stands before an event in `period`."""

    plan: DepreciationPlan
    carrying: Decimal
    posted_periods: int
    reserve: Decimal


def _carrying_amount(asset: Asset) -> Decimal:
    return selectors.book_value_now(asset)


def _reserve(asset: Asset) -> Decimal:
    return ValueEntry.objects.filter(asset=asset).aggregate(r=Sum("reserve_change"))["r"] or Decimal(0)


def _prepare_event(asset: Asset, entry_date: date, *, allow_future: bool = False) -> AssetValueState:
    """Refuse an event inside a posted period; post the periods before the event's month; lock the asset."""
    Asset.objects.select_for_update().filter(pk=asset.pk).first()
    if asset.status not in plan_math.VALUED_STATUSES:
        raise ValidationError(
            f"Only an asset in service (or out of service, not yet disposed) can be revalued, "
            f"impaired or improved; this one is {asset.get_status_display().lower()}."
        )
    if entry_date is None:
        raise ValidationError({"entry_date": "Give the date."})
    if day_error := bounds.date_error(entry_date):
        raise ValidationError({"entry_date": day_error})
    if entry_date > timezone.localdate() and not allow_future:
        raise ValidationError({"entry_date": "The date cannot be in the future."})
    plan = plan_for(asset)
    assert plan is not None
    event_period = _first_of_month(entry_date)
    last = ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION).aggregate(m=Max("period"))["m"]
    if last is not None and event_period <= last:
        raise ValidationError(
            {
                "entry_date": f"{entry_date:%d %b %Y} falls in a posted period (depreciation is posted through "
                f"{last:%B %Y}); date it after that."
            }
        )
    if event_period < plan.start_period:
        raise ValidationError({"entry_date": "The date is before the asset went into service."})
    previous = schedule.add_months(event_period, -1)
    if previous >= plan.start_period:
        posting.post_plans_python([plan], previous)
    posted = max(0, plan_math.index_of(plan, event_period) - 1)
    return AssetValueState(plan=plan, carrying=_carrying_amount(asset), posted_periods=posted, reserve=_reserve(asset))


def _replan(
    asset: Asset,
    state: AssetValueState,
    *,
    carrying: Decimal,
    reason: str,
    new_life: Decimal | int | None = None,
    new_salvage: Decimal | None = None,
) -> DepreciationPlan:
    """Replace the asset's plan from the event's period on; posted periods are untouched."""
    old = state.plan
    basis = plan_math.basis_of(old)
    salvage = old.salvage if new_salvage is None else new_salvage
    salvage = min(salvage, carrying)
    if old.method == DepreciationMethod.NONE:
        start = schedule.add_months(old.start_period, state.posted_periods)
        new_basis = schedule.Basis(
            currency=old.currency,
            method=DepreciationMethod.NONE,
            start_period=start,
            depreciable_amount=Decimal(0),
            life_months=Decimal(1),
            salvage=carrying,
        )
    else:
        remaining_units = None
        units_now = old.units_at_basis
        if old.method == DepreciationMethod.UNITS_OF_PRODUCTION:
            readings = selectors.readings_for([asset.pk]).get(asset.pk, [])
            last_day = (
                schedule.period_end(schedule.add_months(old.start_period, state.posted_periods - 1))
                if state.posted_periods
                else old.start_period - timedelta(days=1)
            )
            units_now = plan_math.reading_at(readings, last_day) or old.units_at_basis
            used = units_now - old.units_at_basis
            remaining_units = max(Decimal("0.0001"), (old.total_units or Decimal(0)) - used)
        try:
            new_basis = schedule.replan(
                basis=basis,
                posted_periods=state.posted_periods,
                carrying_amount=carrying,
                new_life_remaining=new_life,
                new_salvage=salvage,
                new_total_units=remaining_units,
            )
        except (ValueError, TypeError) as exc:
            raise ValidationError(str(exc)) from None
    units_at_basis = old.units_at_basis if old.method == DepreciationMethod.NONE else units_now
    plan = plan_math.plan_from_basis(asset.pk, new_basis, units_at_basis=units_at_basis, reason=reason)
    plan.save()
    return plan


def _entry(
    asset: Asset,
    *,
    kind: str,
    entry_date: date,
    amount: Decimal,
    carrying_after: Decimal,
    actor: Actor,
    reason: str,
    reserve_change: Decimal = Decimal(0),
    profit_or_loss: Decimal = Decimal(0),
    details: dict[str, Any] | None = None,
    appraiser: str = "",
    evidence: UploadedFile | None = None,
    corrects: ValueEntry | None = None,
) -> ValueEntry:
    entry = ValueEntry(
        asset=asset,
        period=_first_of_month(entry_date),
        entry_date=entry_date,
        kind=kind,
        amount=amount,
        carrying_after=carrying_after,
        reserve_change=reserve_change,
        profit_or_loss=profit_or_loss,
        currency=asset.currency,
        actor=user_or_none(actor),
        reason=reason.strip(),
        appraiser=appraiser.strip(),
        details=details or {},
        corrects=corrects,
    )
    if evidence is not None:
        entry.evidence.save(evidence.name or "evidence", evidence, save=False)
    entry.save()
    return entry


def _money(value: Any, field: str, currency: str, *, positive: bool = False) -> Decimal:
    """An amount of the asset's currency from any interface: exact, within the column, never finer than the
    currency's minor unit, and not negative (above zero when `positive`)."""
    try:
        amount = parse_amount(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    if amount < 0 or (positive and amount == 0):
        raise ValidationError({field: "Enter an amount above zero." if positive else "Enter zero or more."})
    if message := amount_error(amount, currency):
        raise ValidationError({field: message})
    return amount


def _fits_column(amount: Decimal, field: str) -> None:
    """Refuse a result (a carrying amount after an event) that the money columns cannot hold."""
    if abs(amount) > bounds.MAX_AMOUNT:
        raise ValidationError({field: "The book value would become larger than the register can hold."})


def _need_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why."})


def asset_revalue(
    *,
    actor: Actor,
    asset: Asset,
    entry_date: date,
    fair_value: Any,
    reason: str,
    appraiser: str = "",
    evidence: UploadedFile | None = None,
) -> ValueEntry:
    """Revalue an asset to fair value (IAS 16 revaluation model).

    An increase first reverses revaluation losses recognised earlier in profit or loss, the rest goes to the
    revaluation reserve; a decrease first uses up the asset's reserve, the rest is a loss. Later depreciation
    starts from the new value over the remaining life.
    """
    _require_finance(actor)
    value = _money(fair_value, "fair_value", asset.currency)
    _need_reason(reason)
    if not (appraiser or "").strip():
        raise ValidationError({"appraiser": "Name the appraiser (a person or firm)."})
    if evidence is not None:
        register_services.document_file_check(evidence, field="evidence")
    with transaction.atomic():
        state = _prepare_event(asset, entry_date)
        change = value - state.carrying
        earlier_losses = -(
            ValueEntry.objects.filter(asset=asset, kind=EntryKind.REVALUATION).aggregate(p=Sum("profit_or_loss"))["p"]
            or Decimal(0)
        )
        if change >= 0:
            to_profit = min(change, max(Decimal(0), earlier_losses))
            to_reserve = change - to_profit
        else:
            to_reserve = -min(-change, state.reserve)
            to_profit = change - to_reserve
        entry = _entry(
            asset,
            kind=EntryKind.REVALUATION,
            entry_date=entry_date,
            amount=change,
            carrying_after=value,
            actor=actor,
            reason=reason,
            reserve_change=to_reserve,
            profit_or_loss=to_profit,
            appraiser=appraiser,
            evidence=evidence,
            details={"previous_carrying": str(state.carrying)},
        )
        _replan(asset, state, carrying=value, reason=f"Revalued on {entry_date:%Y-%m-%d}")
    return entry


def asset_impair(*, actor: Actor, asset: Asset, entry_date: date, recoverable_amount: Any, reason: str) -> ValueEntry:
    """Write an asset down to its recoverable amount. A revalued asset's reserve absorbs the loss first."""
    _require_finance(actor)
    recoverable = _money(recoverable_amount, "recoverable_amount", asset.currency)
    _need_reason(reason)
    with transaction.atomic():
        state = _prepare_event(asset, entry_date)
        loss = state.carrying - recoverable
        if loss <= 0:
            raise ValidationError(
                {
                    "recoverable_amount": f"An impairment needs a recoverable amount below the "
                    f"carrying amount ({state.carrying:.2f})."
                }
            )
        from_reserve = min(loss, state.reserve)
        old = state.plan
        entry = _entry(
            asset,
            kind=EntryKind.IMPAIRMENT,
            entry_date=entry_date,
            amount=-loss,
            carrying_after=recoverable,
            actor=actor,
            reason=reason,
            reserve_change=-from_reserve,
            profit_or_loss=-(loss - from_reserve),
            details={"basis_before": _plan_dict(old), "posted_periods": state.posted_periods},
        )
        _replan(asset, state, carrying=recoverable, reason=f"Impaired on {entry_date:%Y-%m-%d}")
    return entry


def asset_reverse_impairment(*, actor: Actor, asset: Asset, entry_date: date, amount: Any, reason: str) -> ValueEntry:
    """Reverse an earlier impairment, at most up to the carrying amount the asset would have had without it."""
    _require_finance(actor)
    reversal = _money(amount, "amount", asset.currency, positive=True)
    _need_reason(reason)
    with transaction.atomic():
        state = _prepare_event(asset, entry_date)
        impairments = list(
            ValueEntry.objects.filter(asset=asset, kind=EntryKind.IMPAIRMENT).order_by("entry_date", "pk")
        )
        if not impairments:
            raise ValidationError("This asset has no impairment to reverse.")
        reversed_so_far = ValueEntry.objects.filter(asset=asset, kind=EntryKind.IMPAIRMENT_REVERSAL).aggregate(
            s=Sum("amount")
        )["s"] or Decimal(0)
        outstanding = -sum((e.amount for e in impairments), Decimal(0)) - reversed_so_far
        first = impairments[0]
        before = DepreciationPlan(**_plan_kwargs(first.details["basis_before"]), asset_id=asset.pk)
        k = plan_math.index_of(before, _first_of_month(entry_date)) - 1
        would_have_been = before.salvage + before.depreciable_amount - plan_math.accumulated(before, k)
        cap = min(outstanding, would_have_been - state.carrying)
        if cap <= 0:
            raise ValidationError(
                {
                    "amount": "Nothing can be reversed: the carrying amount is already at what it "
                    "would have been without the impairment."
                }
            )
        if reversal > cap:
            raise ValidationError(
                {
                    "amount": f"At most {cap:.2f} can be reversed: the carrying amount may not "
                    f"exceed what it would have been without the impairment "
                    f"({would_have_been:.2f})."
                }
            )
        losses_in_profit = -sum((e.profit_or_loss for e in impairments), Decimal(0))
        to_profit = min(reversal, max(Decimal(0), losses_in_profit - _reversed_to_profit(asset)))
        carrying = state.carrying + reversal
        entry = _entry(
            asset,
            kind=EntryKind.IMPAIRMENT_REVERSAL,
            entry_date=entry_date,
            amount=reversal,
            carrying_after=carrying,
            actor=actor,
            reason=reason,
            reserve_change=reversal - to_profit,
            profit_or_loss=to_profit,
            details={"cap": str(cap)},
        )
        _replan(asset, state, carrying=carrying, reason=f"Impairment reversed on {entry_date:%Y-%m-%d}")
    return entry


def _reversed_to_profit(asset: Asset) -> Decimal:
    return ValueEntry.objects.filter(asset=asset, kind=EntryKind.IMPAIRMENT_REVERSAL).aggregate(
        s=Sum("profit_or_loss")
    )["s"] or Decimal(0)


def asset_improve(
    *,
    actor: Actor,
    asset: Asset,
    entry_date: date,
    added_cost: Any,
    reason: str,
    new_useful_life_months: int | None = None,
) -> ValueEntry:
    """Capitalise an improvement: the cost is added to the carrying amount and depreciated over the remaining
    (or a new) life from the improvement's month."""
    _require_finance(actor)
    if life_error := bounds.useful_life_error(new_useful_life_months):
        raise ValidationError({"new_useful_life_months": life_error})
    added = _money(added_cost, "added_cost", asset.currency, positive=True)
    _need_reason(reason)
    with transaction.atomic():
        state = _prepare_event(asset, entry_date)
        carrying = state.carrying + added
        _fits_column(carrying, "added_cost")
        entry = _entry(
            asset,
            kind=EntryKind.IMPROVEMENT,
            entry_date=entry_date,
            amount=added,
            carrying_after=carrying,
            actor=actor,
            reason=reason,
        )
        _replan(
            asset,
            state,
            carrying=carrying,
            reason=f"Improved on {entry_date:%Y-%m-%d}",
            new_life=new_useful_life_months,
        )
    return entry


def plan_change(
    *,
    actor: Actor,
    asset: Asset,
    useful_life_months: int | None = None,
    salvage_value: Decimal | None = None,
    effective: date | None = None,
) -> DepreciationPlan | None:
    """A new useful life or salvage value re-plans the periods not yet posted (called by
    `finance.subscriptions` when the register announces `DepreciationBasisChanged`, inside its transaction).
    Nothing happens for an asset without a plan yet."""
    REGISTER.require(actor, "write_financials", asset.site_id)  # the life and salvage are financial fields
    plan = DepreciationPlan.objects.filter(asset=asset).first()
    if plan is None:
        return None
    last = ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION).aggregate(m=Max("period"))["m"]
    event_period = schedule.add_months(last, 1) if last else plan.start_period
    if effective is not None:
        event_period = max(event_period, _first_of_month(effective))
    with transaction.atomic():
        state = _prepare_event(asset, event_period, allow_future=True)
        new_life = None
        if useful_life_months is not None:
            used = plan_math.index_of(DepreciationPlan(start_period=_service_start(asset, plan)), event_period) - 1
            new_life = useful_life_months - used
            if new_life < 1:
                raise ValidationError(
                    {
                        "useful_life_months": f"The asset has already been in service for {used} "
                        "months; the new life must be longer than that."
                    }
                )
        carrying = state.carrying
        if salvage_value is not None and salvage_value > carrying:
            raise ValidationError(
                {"salvage_value": f"The salvage value cannot be above the carrying amount ({carrying:.2f})."}
            )
        return _replan(
            asset,
            state,
            carrying=carrying,
            reason="Useful life or salvage changed",
            new_life=new_life,
            new_salvage=salvage_value,
        )


def _service_start(asset: Asset, plan: DepreciationPlan) -> date:
    return (asset.in_service_date or plan.start_period).replace(day=1)


def disposal_post(*, actor: Actor, asset: Asset, disposal: Disposal) -> ValueEntry | None:
    """Depreciate up to the disposal date, then record the disposal: gain or loss = proceeds - book value.

    Called by `finance.subscriptions` when the register announces `AssetDisposed`, inside the disposal's
    transaction. The revaluation reserve of the asset is transferred out (to retained earnings), not through
    profit or loss.
    """
    REGISTER.require(actor, "dispose", asset.site_id)
    plan = DepreciationPlan.objects.filter(asset=asset).first()
    if plan is None:
        if asset.in_service_date is None:
            carrying = asset.acquisition_cost
            return _entry(
                asset,
                kind=EntryKind.DISPOSAL,
                entry_date=disposal.disposal_date,
                amount=-carrying,
                carrying_after=Decimal(0),
                actor=actor,
                reason=disposal.reason,
                profit_or_loss=disposal.proceeds - carrying,
                details={"proceeds": str(disposal.proceeds), "book_value": str(carrying)},
            )
        plan = plan_for_disposal(asset)
    period = _first_of_month(disposal.disposal_date)
    last = ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION).aggregate(m=Max("period"))["m"]
    if last is not None and period <= last:
        raise ValidationError(
            {
                "disposal_date": f"Depreciation is already posted through {last:%B %Y}; the disposal "
                "must be dated after that."
            }
        )
    previous = schedule.add_months(period, -1)
    if previous >= plan.start_period:
        posting.post_plans_python([plan], previous, actor_id=_actor_id(actor))
    carrying = _carrying_amount(asset)
    partial = Decimal(0)
    if (
        plan.method not in (DepreciationMethod.NONE, DepreciationMethod.UNITS_OF_PRODUCTION)
        and period >= plan.start_period
    ):
        k = plan_math.index_of(plan, period)
        days = schedule.period_end(period).day
        fraction = Fraction(disposal.disposal_date.day, days)
        if plan.period_count is None or k <= plan.period_count:
            accumulated_before = plan_math.accumulated(plan, k - 1)
            accumulated_at = schedule.rounded_cumulative_partial(plan_math.basis_of(plan), k, fraction)
            partial = accumulated_at - accumulated_before
    if partial > 0:
        carrying -= partial
        _entry(
            asset,
            kind=EntryKind.DEPRECIATION,
            entry_date=disposal.disposal_date,
            amount=-partial,
            carrying_after=carrying,
            actor=actor,
            profit_or_loss=-partial,
            reason=f"Depreciation to the disposal date ({disposal.disposal_date:%d %b %Y})",
        )
    reserve = _reserve(asset)
    return _entry(
        asset,
        kind=EntryKind.DISPOSAL,
        entry_date=disposal.disposal_date,
        amount=-carrying,
        carrying_after=Decimal(0),
        actor=actor,
        reason=disposal.reason,
        reserve_change=-reserve,
        profit_or_loss=disposal.proceeds - carrying,
        details={
            "proceeds": str(disposal.proceeds),
            "book_value": str(carrying),
            "method": disposal.method,
            "reserve_released": str(reserve),
        },
    )


def plan_for_disposal(asset: Asset) -> DepreciationPlan:
    row = Asset.objects.filter(pk=asset.pk).values(*plan_math.INPUT_FIELDS).get()
    try:
        plan = plan_math.new_plan(plan_math.inputs_from_row(row, _units_at_start([asset.pk]).get(asset.pk, Decimal(0))))
    except plan_math.PlanInputError as exc:
        raise ValidationError(f"This asset cannot be valued for disposal: {exc}") from None
    plan.save(force_insert=True)
    return plan


def value_entry_correct(*, actor: Actor, entry: ValueEntry, correct_amount: Any, reason: str) -> ValueEntry:
    """Correct a posted depreciation entry by appending a correction entry that names it; the asset's remaining
    schedule is re-planned from the corrected carrying amount."""
    _require_finance(actor)
    _need_reason(reason)
    if entry.kind != EntryKind.DEPRECIATION:
        raise ValidationError("Only depreciation entries are corrected this way; revalue or impair instead.")
    try:
        new_amount = parse_amount(correct_amount)
    except ValidationError as exc:
        raise ValidationError({"correct_amount": exc.messages}) from None
    if new_amount < 0:
        raise ValidationError({"correct_amount": "Give the depreciation that should have been posted (zero or more)."})
    asset = entry.asset
    if message := amount_error(new_amount, asset.currency):
        raise ValidationError({"correct_amount": message})
    with transaction.atomic():
        Asset.objects.select_for_update().filter(pk=asset.pk).first()
        already = entry.amount + (entry.corrections.aggregate(s=Sum("amount"))["s"] or Decimal(0))
        delta = -new_amount - already
        if delta == 0:
            raise ValidationError({"correct_amount": "That is what is posted already."})
        carrying = _carrying_amount(asset) + delta
        if carrying < 0:
            raise ValidationError({"correct_amount": "The carrying amount would go below zero."})
        correction = _entry(
            asset,
            kind=EntryKind.CORRECTION,
            entry_date=timezone.localdate(),
            amount=delta,
            carrying_after=carrying,
            actor=actor,
            reason=reason,
            profit_or_loss=delta,
            corrects=entry,
        )
        plan = DepreciationPlan.objects.filter(asset=asset).first()
        if plan is not None:
            last = ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION).aggregate(m=Max("period"))["m"]
            posted = plan_math.index_of(plan, last) if last and last >= plan.start_period else 0
            state = AssetValueState(plan=plan, carrying=carrying, posted_periods=max(0, posted), reserve=Decimal(0))
            _replan(asset, state, carrying=carrying, reason=f"Corrected entry {entry.pk}")
    return correction


def _plan_dict(plan: DepreciationPlan) -> dict[str, Any]:
    fields = (
        "currency",
        "minor_units",
        "method",
        "start_period",
        "depreciable_amount",
        "salvage",
        "life_months",
        "first_fraction",
        "declining_factor",
        "total_units",
        "units_at_basis",
        "switch_period",
        "switch_amount",
        "period_count",
    )
    return {f: (str(getattr(plan, f)) if getattr(plan, f) is not None else None) for f in fields}


def _plan_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    decimals = {
        "depreciable_amount",
        "salvage",
        "life_months",
        "first_fraction",
        "declining_factor",
        "total_units",
        "units_at_basis",
        "switch_amount",
    }
    ints = {"minor_units", "switch_period", "period_count"}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            out[key] = None
        elif key in decimals:
            out[key] = Decimal(value)
        elif key in ints:
            out[key] = int(value)
        elif key == "start_period":
            out[key] = date.fromisoformat(value)
        else:
            out[key] = value
    return out
