"""Enumerations of the valuation engine."""

from django.db import models


class EntryKind(models.TextChoices):
    """What changed an asset's carrying amount."""

    DEPRECIATION = "depreciation", "Depreciation"
    REVALUATION = "revaluation", "Revaluation"
    IMPAIRMENT = "impairment", "Impairment"
    IMPAIRMENT_REVERSAL = "impairment_reversal", "Impairment reversal"
    IMPROVEMENT = "improvement", "Capital improvement"
    DISPOSAL = "disposal", "Disposal"
    CORRECTION = "correction", "Correction"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    DONE_WITH_ERRORS = "done_with_errors", "Done with errors"
    FAILED = "failed", "Failed"


FINISHED_STATUSES = (RunStatus.DONE, RunStatus.DONE_WITH_ERRORS, RunStatus.FAILED)
