"""Tables of the valuation engine.

- `DepreciationPlan`: the current basis of each asset's schedule (what finance.schedule computes from). It is
  derived state: a prospective change replaces it; posted periods live in the ledger and never change.
- `ValueEntry`: the append-only ledger of every change of value. A correction is a new entry naming the one it
  corrects. One depreciation entry per asset and period, enforced by the database.
- `DepreciationRun` / `RunFailure`: a posting run for a period, its progress, totals and the assets that failed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ledgerline.money import CURRENCY_CHOICES, Money

from .choices import EntryKind, RunStatus


class DepreciationPlan(models.Model):
    """The basis an asset's remaining schedule is computed from (see finance.schedule.Basis)."""

    asset = models.OneToOneField("assetreg.Asset", on_delete=models.CASCADE, primary_key=True, related_name="plan")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    minor_units = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=30)
    start_period = models.DateField(help_text="First month depreciated under this basis.")
    depreciable_amount = models.DecimalField(max_digits=20, decimal_places=4)
    salvage = models.DecimalField(max_digits=20, decimal_places=4)
    life_months = models.DecimalField(max_digits=30, decimal_places=16)
    first_fraction = models.DecimalField(max_digits=17, decimal_places=16, default=1)
    declining_factor = models.DecimalField(max_digits=5, decimal_places=2, default=2)
    total_units = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    units_at_basis = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    switch_period = models.PositiveIntegerField(null=True, blank=True)
    switch_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    period_count = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for units of production.")
    reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["start_period"], name="plan_start_period")]

    def __str__(self) -> str:
        return f"Plan of asset {self.asset_id} from {self.start_period:%Y-%m}"

    @property
    def opening_amount(self) -> Money:
        return Money(self.salvage + self.depreciable_amount, self.currency)


class DepreciationRun(models.Model):
    """One posting run for one period: progress while it runs, totals when it ends."""

    period = models.DateField(help_text="The month posted (first day).")
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    trigger = models.CharField(max_length=20, default="manual", help_text="manual, schedule or api")
    total_assets = models.PositiveIntegerField(default=0)
    processed_assets = models.PositiveIntegerField(default=0)
    posted_entries = models.PositiveIntegerField(default=0)
    failed_assets = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    totals = models.JSONField(default=dict, blank=True, help_text="Depreciation posted, per currency.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["period", "status"], name="run_period_status")]

    def __str__(self) -> str:
        return f"Run {self.pk} for {self.period:%Y-%m} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_assets:
            return 100 if self.status in (RunStatus.DONE, RunStatus.DONE_WITH_ERRORS) else 0
        return min(100, round(100 * self.processed_assets / self.total_assets))

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.DONE_WITH_ERRORS, RunStatus.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class RunFailure(models.Model):
    """An asset a run could not value, with the reason; the rest of the run went on."""

    run = models.ForeignKey(DepreciationRun, on_delete=models.CASCADE, related_name="failures")
    asset = models.ForeignKey("assetreg.Asset", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering = ["asset_id"]
        constraints = [models.UniqueConstraint(fields=["run", "asset"], name="run_failure_once_per_asset")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.reason}"


def evidence_upload_to(instance: ValueEntry, filename: str) -> str:
    return f"valuations/{instance.asset_id}/{filename}"


class ValueEntry(models.Model):
    """One change of an asset's carrying amount. Never edited; a correction is a new entry."""

    # Indexed by valueentry_asset_date, which leads with the asset. No database-level foreign key: a deferred
    # check per row locks every asset row a posting run touches and roughly doubles the run's cost. Ledger rows
    # are written only by finance.services and finance.posting from existing assets, and assets are never
    # deleted (PROTECT is still applied by Django).
    asset = models.ForeignKey(
        "assetreg.Asset", on_delete=models.PROTECT, related_name="value_entries", db_index=False, db_constraint=False
    )
    period = models.DateField(help_text="The month the entry belongs to (first day).")
    entry_date = models.DateField(help_text="The date the change takes effect.")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(
        max_digits=20, decimal_places=4, help_text="Change of the carrying amount (negative lowers it)."
    )
    carrying_after = models.DecimalField(
        max_digits=20, decimal_places=4, help_text="The carrying amount (book value) after this entry."
    )
    reserve_change = models.DecimalField(
        max_digits=20, decimal_places=4, default=0, help_text="Change of the revaluation reserve (equity)."
    )
    profit_or_loss = models.DecimalField(
        max_digits=20,
        decimal_places=4,
        default=0,
        help_text="Recognised in profit or loss: expense or loss negative, gain positive.",
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    run = models.ForeignKey(
        DepreciationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    # Most entries have no actor and correct nothing: partial indexes (below) keep the bulk inserts light.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", db_index=False
    )
    reason = models.TextField(blank=True)
    appraiser = models.CharField(max_length=200, blank=True)
    evidence = models.FileField(upload_to=evidence_upload_to, max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="Inputs of the event, e.g. the basis it replaced.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_date", "pk"]
        verbose_name_plural = "value entries"
        indexes = [
            models.Index(fields=["asset", "entry_date", "id"], name="valueentry_asset_date"),
            models.Index(fields=["period", "kind"], name="valueentry_period_kind"),
            models.Index(fields=["actor"], name="valueentry_actor", condition=Q(actor__isnull=False)),
            models.Index(fields=["corrects"], name="valueentry_corrects", condition=Q(corrects__isnull=False)),
        ]
        constraints = [
            # Period first: a month's postings all land at the right-hand end of the index (new periods are later
            # than every posted one), instead of being scattered between each asset's earlier months.
            models.UniqueConstraint(
                fields=["period", "asset"],
                condition=Q(kind=EntryKind.DEPRECIATION),
                name="one_depreciation_per_asset_period",
            ),
            models.UniqueConstraint(
                fields=["asset"], condition=Q(kind=EntryKind.DISPOSAL), name="one_disposal_entry_per_asset"
            ),
            models.CheckConstraint(condition=Q(carrying_after__gte=0), name="valueentry_carrying_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period:%Y-%m} asset {self.asset_id}: {self.amount}"

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def carrying_money(self) -> Money:
        return Money(self.carrying_after, self.currency)
