"""Tables of the asset register.

One `Asset` table holds buildings, vehicles and equipment; kind-specific columns stay empty for the other
kinds (the database agrees through check constraints). Sites hold a hierarchy of locations; users are
assigned to the sites they work at. Every change of an asset is kept by django-simple-history.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledgerline import bounds
from ledgerline.money import CURRENCY_CHOICES, Money, amount_error, validate_currency

from .choices import (
    KIND_REQUIRED_FIELDS,
    LOCATION_PARENT_KINDS,
    AssetKind,
    AssetStatus,
    CustomFieldType,
    DepreciationMethod,
    DisposalMethod,
    DocumentKind,
    FirstPeriodConvention,
    LocationKind,
    MeterUnit,
    OdometerUnit,
)
from .fields import KIND_FIELDS

asset_tag_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9\-_.]{0,31}$",
    "Use 1 to 32 capital letters, digits, '-', '_' or '.', starting with a letter or digit.",
)
code_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9\-_.]*$", "Use letters, digits, '-', '_' or '.'.")
CURRENCY_CHOICES_SET = {code for code, _ in CURRENCY_CHOICES}
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def validate_vin(value: str) -> None:
    """A VIN is 17 characters of A-Z and 0-9, without I, O and Q (ISO 3779)."""
    if not VIN_RE.match(value or ""):
        raise ValidationError(
            "A VIN has exactly 17 characters: capital letters and digits, without I, O or Q.", code="invalid_vin"
        )


class Site(models.Model):
    """A place the organisation operates: a campus, a depot, an office park."""

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_sites",
        help_text="Users who work at this site: facility managers and technicians see only their sites.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("assetreg:site_detail", args=[self.pk])


class Location(models.Model):
    """A place inside a site: site > building > floor > room (or an outdoor area)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    code = models.CharField(max_length=40, validators=[code_validator])
    name = models.CharField(max_length=200)
    building_asset = models.OneToOneField(
        "Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="building_location",
        limit_choices_to={"kind": AssetKind.BUILDING},
        help_text="For a building location: the building asset that carries its cost and value.",
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["site__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="location_code_unique_per_site"),
        ]

    def __str__(self) -> str:
        return self.path

    def get_absolute_url(self) -> str:
        return reverse("assetreg:location_detail", args=[self.pk])

    @property
    def path(self) -> str:
        parts = [self.name]
        node = self.parent
        seen = {self.pk}
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            parts.append(node.name)
            node = node.parent
        return " › ".join(reversed(parts))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        allowed = LOCATION_PARENT_KINDS.get(self.kind, ())
        parent_kind = self.parent.kind if self.parent_id and self.parent else None
        if self.kind and parent_kind not in allowed:
            wanted = ", ".join("the site itself" if k is None else LocationKind(k).label.lower() for k in allowed)
            errors["parent"] = f"A {LocationKind(self.kind).label.lower()} must sit inside: {wanted}."
        if self.parent_id and self.parent and self.site_id and self.parent.site_id != self.site_id:
            errors["parent"] = "The parent location belongs to another site."
        if self.building_asset_id and self.kind != LocationKind.BUILDING:
            errors["building_asset"] = "Only a building location can be linked to a building asset."
        if errors:
            raise ValidationError(errors)


class Category(models.Model):
    """A class of assets (e.g. 'Forklifts'); new assets inherit its depreciation defaults."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    default_useful_life_months = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty for assets that are not depreciated (land).",
    )
    default_salvage_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    default_depreciation_method = models.CharField(
        max_length=30, choices=DepreciationMethod.choices, default=DepreciationMethod.STRAIGHT_LINE
    )
    default_declining_factor = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Declining balance only: 2.00 is double declining (200 %), 1.50 is 150 %.",
    )
    first_period_convention = models.CharField(
        max_length=20,
        choices=FirstPeriodConvention.choices,
        default=FirstPeriodConvention.FULL_MONTH,
        help_text="How the in-service month is depreciated: as a full month, or pro rata by days.",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(default_salvage_percent__gte=0) & Q(default_salvage_percent__lte=100),
                name="category_salvage_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if life_error := bounds.useful_life_error(self.default_useful_life_months):
            raise ValidationError({"default_useful_life_months": life_error})


custom_field_key_validator = RegexValidator(
    r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
    "Use lower-case letters and digits, words joined by single '_', starting with a letter (e.g. zone_count).",
)
CUSTOM_FIELD_TEXT_MAX = 1000
CUSTOM_FIELD_CHOICES_MAX = 50
CUSTOM_FIELD_CHOICE_LENGTH_MAX = 100
# Numbers are measurements (zone counts, ratings), not money: at most 15 significant digits, 6 decimals.
CUSTOM_FIELD_NUMBER_BOUND = Decimal("999999999")
CUSTOM_FIELD_DECIMALS_MAX = 6


class CustomField(models.Model):
    """A field an organisation adds to the assets of one category (a fire panel's zone count, a lift's
    certificate number). Values live in `Asset.custom_fields` under `key`; `assetreg.custom_fields` checks them.
    """

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="field_definitions")
    key = models.CharField(
        max_length=40,
        validators=[custom_field_key_validator],
        help_text="Stable name in the API, CSV (cf:<key>) and filters (cf_<key>); cannot change once assets use it.",
    )
    label = models.CharField(max_length=100)
    field_type = models.CharField("type", max_length=10, choices=CustomFieldType.choices)
    required = models.BooleanField(default=False)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(1000)])
    max_length = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(CUSTOM_FIELD_TEXT_MAX)],
        help_text=f"Text only: the longest value (at most {CUSTOM_FIELD_TEXT_MAX}; empty means 200).",
    )
    unit = models.CharField(max_length=20, blank=True, help_text="Number only: e.g. kW, zones, m³/h.")
    decimal_places = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(CUSTOM_FIELD_DECIMALS_MAX)],
        help_text=f"Number only: digits after the decimal point (0 to {CUSTOM_FIELD_DECIMALS_MAX}).",
    )
    min_value = models.DecimalField(
        max_digits=16,
        decimal_places=CUSTOM_FIELD_DECIMALS_MAX,
        null=True,
        blank=True,
        help_text=f"Number only; the register's bound is ±{CUSTOM_FIELD_NUMBER_BOUND}.",
    )
    max_value = models.DecimalField(max_digits=16, decimal_places=CUSTOM_FIELD_DECIMALS_MAX, null=True, blank=True)
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text=f"Choice only: the allowed values (at most {CUSTOM_FIELD_CHOICES_MAX}).",
    )

    class Meta:
        ordering = ["category", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["category", "key"], name="custom_field_key_unique_per_category"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(min_value__lte=F("max_value")),
                name="custom_field_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.label}"

    def clean(self) -> None:
        from .custom_fields import definition_errors

        errors = definition_errors(self)
        if errors:
            raise ValidationError(errors)


class Asset(models.Model):
    """A building, vehicle or piece of equipment the organisation owns."""

    asset_tag = models.CharField(max_length=32, unique=True, validators=[asset_tag_validator])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="assets")
    status = models.CharField(max_length=20, choices=AssetStatus.choices, default=AssetStatus.PLANNED)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="assets")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="assets")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
        help_text="The asset this one is a component of.",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="custody_assets"
    )
    department = models.CharField(max_length=100, blank=True)
    acquisition_date = models.DateField(null=True, blank=True)
    in_service_date = models.DateField(null=True, blank=True)
    acquisition_cost = models.DecimalField(
        max_digits=20, decimal_places=4, default=0, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="EUR", validators=[validate_currency])
    useful_life_months = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    salvage_value = models.DecimalField(max_digits=20, decimal_places=4, default=0, validators=[MinValueValidator(0)])
    depreciation_method = models.CharField(
        max_length=30, choices=DepreciationMethod.choices, default=DepreciationMethod.STRAIGHT_LINE
    )
    declining_factor = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Declining balance only (2.00 = double declining); empty takes the category's.",
    )
    expected_units = models.DecimalField(
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="Units of production only: the total the asset is expected to produce (km, hours, ...).",
    )
    supplier = models.CharField(max_length=200, blank=True)
    warranty_end = models.DateField(null=True, blank=True)
    serial_number = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    # Buildings
    address = models.TextField(blank=True)
    floor_area_m2 = models.DecimalField(
        "floor area (m²)", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    year_built = models.PositiveSmallIntegerField(null=True, blank=True)
    # Vehicles
    vin = models.CharField("VIN", max_length=17, blank=True)
    plate = models.CharField("licence plate", max_length=20, blank=True)
    odometer_unit = models.CharField(max_length=2, choices=OdometerUnit.choices, blank=True)
    # Equipment
    manufacturer = models.CharField(max_length=100, blank=True)
    model_number = models.CharField("model", max_length=100, blank=True)
    meter_unit = models.CharField(max_length=10, choices=MeterUnit.choices, blank=True)
    custom_fields = models.JSONField(
        default=dict,
        blank=True,
        help_text="The category's own fields (see CustomField), by key; checked by the register's services.",
    )

    version = models.PositiveIntegerField(default=1, help_text="Raised by every write; a stale write is refused.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()  # indexed with the id: delta sync and the cursor walk by last change
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["asset_tag"]
        indexes = [
            models.Index(fields=["site", "status"], name="asset_site_status"),
            models.Index(fields=["kind", "status"], name="asset_kind_status"),
            models.Index(fields=["name"], name="asset_name"),
            models.Index(fields=["updated_at", "id"], name="asset_updated_at_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(acquisition_cost__gte=0), name="asset_cost_not_negative"),
            models.CheckConstraint(condition=Q(salvage_value__gte=0), name="asset_salvage_not_negative"),
            models.CheckConstraint(
                condition=Q(salvage_value__lte=F("acquisition_cost")), name="asset_salvage_not_above_cost"
            ),
            models.CheckConstraint(
                condition=Q(useful_life_months__isnull=True) | Q(useful_life_months__gt=0),
                name="asset_life_positive",
            ),
            models.CheckConstraint(
                condition=Q(in_service_date__isnull=True)
                | Q(acquisition_date__isnull=True)
                | Q(in_service_date__gte=F("acquisition_date")),
                name="asset_in_service_after_acquisition",
            ),
            models.CheckConstraint(
                condition=Q(warranty_end__isnull=True)
                | Q(acquisition_date__isnull=True)
                | Q(warranty_end__gte=F("acquisition_date")),
                name="asset_warranty_not_before_acquisition",
            ),
            models.CheckConstraint(
                condition=Q(kind=AssetKind.VEHICLE) | (Q(vin="") & Q(plate="") & Q(odometer_unit="")),
                name="asset_vehicle_fields_only_on_vehicles",
            ),
            models.CheckConstraint(
                condition=Q(kind=AssetKind.BUILDING)
                | (Q(address="") & Q(floor_area_m2__isnull=True) & Q(year_built__isnull=True)),
                name="asset_building_fields_only_on_buildings",
            ),
            models.CheckConstraint(
                condition=Q(kind=AssetKind.EQUIPMENT) | (Q(manufacturer="") & Q(model_number="") & Q(meter_unit="")),
                name="asset_equipment_fields_only_on_equipment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_tag} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("assetreg:asset_detail", args=[self.pk])

    @property
    def cost(self) -> Money:
        return Money(self.acquisition_cost, self.currency)

    @property
    def salvage(self) -> Money:
        return Money(self.salvage_value, self.currency)

    @property
    def is_disposed(self) -> bool:
        return self.status == AssetStatus.DISPOSED

    def clean(self) -> None:
        """One row's rules: kind-specific data, dates, money and where the asset sits."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.kind in KIND_FIELDS:
            for other_kind, fields in KIND_FIELDS.items():
                if other_kind == self.kind:
                    continue
                for field in fields:
                    if getattr(self, field) not in ("", None):
                        add(field, f"Only a {AssetKind(other_kind).label.lower()} has this field.")
            for field in KIND_REQUIRED_FIELDS[self.kind]:
                if getattr(self, field) in ("", None):
                    add(field, f"Required for a {AssetKind(self.kind).label.lower()}.")
        if self.kind == AssetKind.VEHICLE and self.vin:
            try:
                validate_vin(self.vin)
            except ValidationError as exc:
                add("vin", exc.messages[0])
        if self.year_built is not None and not (1000 <= self.year_built <= 2100):
            add("year_built", "Enter a year between 1000 and 2100.")
        if self.category_id and self.kind and self.category.kind != self.kind:
            add("category", f"This category is for {AssetKind(self.category.kind).label.lower()} assets.")
        if self.acquisition_cost is not None and self.acquisition_cost < 0:
            add("acquisition_cost", "The acquisition cost cannot be negative.")
        if self.salvage_value is not None and self.salvage_value < 0:
            add("salvage_value", "The salvage value cannot be negative.")
        elif (
            self.salvage_value is not None
            and self.acquisition_cost is not None
            and self.salvage_value > self.acquisition_cost
        ):
            add("salvage_value", "The salvage value cannot be more than the acquisition cost.")
        if self.useful_life_months is not None and self.useful_life_months < 1:
            add("useful_life_months", "The useful life must be at least one month.")
        elif life_error := bounds.useful_life_error(self.useful_life_months):
            add("useful_life_months", life_error)
        if self.currency in CURRENCY_CHOICES_SET:
            for field in ("acquisition_cost", "salvage_value"):
                value = getattr(self, field)
                if isinstance(value, Decimal) and (money_error := amount_error(value, self.currency)):
                    add(field, money_error)
        for field in ("acquisition_date", "in_service_date", "warranty_end"):
            if day_error := bounds.date_error(getattr(self, field)):
                add(field, day_error)
        for field in ("notes", "address"):
            if len(getattr(self, field) or "") > bounds.MAX_TEXT_LENGTH:
                add(field, f"Keep this under {bounds.MAX_TEXT_LENGTH:,} characters.")
        if (
            self.depreciation_method
            and self.depreciation_method != DepreciationMethod.NONE
            and not self.useful_life_months
        ):
            add("useful_life_months", "A depreciated asset needs a useful life.")
        if self.depreciation_method == DepreciationMethod.UNITS_OF_PRODUCTION and not self.expected_units:
            add("expected_units", "Units of production needs the total units the asset is expected to produce.")
        if self.acquisition_date and self.in_service_date and self.in_service_date < self.acquisition_date:
            add("in_service_date", "An asset cannot go into service before it was acquired.")
        if self.acquisition_date and self.warranty_end and self.warranty_end < self.acquisition_date:
            add("warranty_end", "A warranty cannot end before the asset was acquired.")
        if self.location_id and self.location and self.site_id and self.location.site_id != self.site_id:
            add("location", "This location belongs to another site.")
        if self.parent_id:
            if self.parent_id == self.pk:
                add("parent", "An asset cannot be a component of itself.")
            elif self.parent and self.site_id and self.parent.site_id != self.site_id:
                add("parent", "A component must be at the same site as the asset it belongs to.")
            elif self.pk and self.parent:
                node: Asset | None = self.parent
                seen: set[int] = set()
                while node is not None and node.pk not in seen:
                    if node.pk == self.pk:
                        add("parent", "This would make the asset a component of its own component.")
                        break
                    seen.add(node.pk)
                    node = node.parent
        if errors:
            raise ValidationError(errors)


class StatusChange(models.Model):
    """One lifecycle transition of an asset: from, to, who, when and why."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=AssetStatus.choices)
    to_status = models.CharField(max_length=20, choices=AssetStatus.choices)
    effective_date = models.DateField()
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["asset", "-changed_at"], name="statuschange_asset_time")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.from_status} -> {self.to_status}"


class Disposal(models.Model):
    """How and when an asset left the organisation, and what it brought in."""

    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, related_name="disposal")
    disposal_date = models.DateField()
    method = models.CharField(max_length=20, choices=DisposalMethod.choices)
    proceeds = models.DecimalField(max_digits=20, decimal_places=4, default=0, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, validators=[validate_currency])
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(proceeds__gte=0), name="disposal_proceeds_not_negative")]

    def __str__(self) -> str:
        return f"{self.asset_id} disposed {self.disposal_date} ({self.method})"

    @property
    def proceeds_money(self) -> Money:
        return Money(self.proceeds, self.currency)


def document_upload_to(instance: AssetDocument, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"assets/{instance.asset_id}/{uuid.uuid4().hex}{suffix}"


class AssetDocument(models.Model):
    """A photo or document attached to an asset; served only to users who may see the asset."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeterReading(models.Model):
    """A reading of an asset's meter (odometer km, operating hours): drives units-of-production depreciation
    and, later, meter-based maintenance plans. Readings never go backwards."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="meter_readings")
    reading_date = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=4, validators=[MinValueValidator(0)])
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reading_date", "-pk"]
        indexes = [models.Index(fields=["asset", "reading_date"], name="meterreading_asset_date")]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="meter_reading_not_negative")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.reading_date}: {self.value}"


class WarrantyAlert(models.Model):
    """A record that the people responsible were told an asset's warranty is about to end (once per end date)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="warranty_alerts")
    warranty_end = models.DateField()
    recipients = models.TextField(blank=True)
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["warranty_end"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "warranty_end"], name="warranty_alert_once_per_end_date"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} warranty ends {self.warranty_end}"
