"""Enumerations of the register: asset kinds, lifecycle statuses, methods and units."""

from django.db import models


class AssetKind(models.TextChoices):
    BUILDING = "building", "Building"
    VEHICLE = "vehicle", "Vehicle"
    EQUIPMENT = "equipment", "Equipment"


class AssetStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_SERVICE = "in_service", "In service"
    UNDER_MAINTENANCE = "under_maintenance", "Under maintenance"
    OUT_OF_SERVICE = "out_of_service", "Out of service"
    DISPOSED = "disposed", "Disposed"


# The lifecycle: planned -> in service -> (under maintenance <-> in service) -> out of service -> disposed.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AssetStatus.PLANNED: (AssetStatus.IN_SERVICE,),
    AssetStatus.IN_SERVICE: (AssetStatus.UNDER_MAINTENANCE, AssetStatus.OUT_OF_SERVICE),
    AssetStatus.UNDER_MAINTENANCE: (AssetStatus.IN_SERVICE, AssetStatus.OUT_OF_SERVICE),
    AssetStatus.OUT_OF_SERVICE: (AssetStatus.DISPOSED,),
    AssetStatus.DISPOSED: (),
}


class DepreciationMethod(models.TextChoices):
    STRAIGHT_LINE = "straight_line", "Straight line"
    DECLINING_BALANCE = "declining_balance", "Declining balance"
    SUM_OF_YEARS_DIGITS = "sum_of_years_digits", "Sum of the years' digits"
    UNITS_OF_PRODUCTION = "units_of_production", "Units of production"
    NONE = "none", "None (not depreciated)"


class FirstPeriodConvention(models.TextChoices):
    """How much of the in-service month is depreciated; a category carries it and finance.schedule computes with it."""

    # The in-service month counts as a full month.
    FULL_MONTH = "full_month", "Full month from the in-service month"
    # The in-service month counts by the days left in it (the in-service day included) over the days in
    # the month; the unused part of the month is taken in one extra final period, so the life is unchanged.
    DAILY_PRO_RATA = "daily_pro_rata", "Daily pro-rata in the first month"


class DisposalMethod(models.TextChoices):
    SALE = "sale", "Sale"
    SCRAP = "scrap", "Scrap"
    DONATION = "donation", "Donation"
    TRANSFER = "transfer", "Transfer"


class LocationKind(models.TextChoices):
    BUILDING = "building", "Building"
    FLOOR = "floor", "Floor"
    ROOM = "room", "Room"
    AREA = "area", "Area (yard, car park)"


# What may sit inside what: a site holds buildings and areas; a building holds floors and rooms; a floor rooms.
LOCATION_PARENT_KINDS: dict[str, tuple[str | None, ...]] = {
    LocationKind.BUILDING: (None,),
    LocationKind.AREA: (None, LocationKind.BUILDING),
    LocationKind.FLOOR: (LocationKind.BUILDING,),
    LocationKind.ROOM: (LocationKind.BUILDING, LocationKind.FLOOR),
}


class OdometerUnit(models.TextChoices):
    KM = "km", "Kilometres"
    MI = "mi", "Miles"


class MeterUnit(models.TextChoices):
    HOURS = "hours", "Operating hours"
    CYCLES = "cycles", "Cycles"
    KM = "km", "Kilometres"
    UNITS = "units", "Units produced"


class CustomFieldType(models.TextChoices):
    """The types of an organisation's own fields (see `assetreg.custom_fields`)."""

    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    YES_NO = "yes_no", "Yes / no"
    CHOICE = "choice", "Choice from a list"


class DocumentKind(models.TextChoices):
    PHOTO = "photo", "Photo"
    DOCUMENT = "document", "Document"


# Kind-specific fields that must be filled in (the kinds' fields are grouped in `assetreg.fields`).
KIND_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    AssetKind.BUILDING: ("address",),
    AssetKind.VEHICLE: ("vin", "odometer_unit"),
    AssetKind.EQUIPMENT: ("manufacturer",),
}
