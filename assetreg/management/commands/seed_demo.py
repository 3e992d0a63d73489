"""`manage.py seed_demo`: fill an empty database with a realistic, deterministic demo register.

Three sites with their buildings, floors, rooms and outdoor areas; building, vehicle and equipment assets
spread over ten years; one demo user per role. Running it again changes nothing: every record is looked up
by its natural key (site code, location code, category name, username, asset tag) before it is created.
Assets are validated by the same service code as any other write and inserted in bulk with their history;
lifecycle changes and disposals go through the lifecycle services so the audit trail is real. The other apps
add their demo data as steps registered in `ledgerline.contributions` (finance values the register).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assetreg import services
from assetreg.choices import AssetKind, AssetStatus, DepreciationMethod, DisposalMethod, LocationKind
from assetreg.models import Asset, Category, CustomField, Location, Site, StatusChange
from ledgerline import contributions, roles

DEFAULT_PASSWORD = "ledgerline-demo"
DEFAULT_SEED = 20240601
EQUIPMENT_COUNT = 600
VEHICLE_COUNT = 60

# --------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSpec:
    """A demo site, its buildings and outdoor areas, and the currency and distance unit used there."""

    code: str
    name: str
    address: str
    currency: str
    odometer_unit: str
    plate_style: str
    weight: int
    buildings: tuple[tuple[str, str, str, int], ...]  # (code, name, category, floors)
    areas: tuple[tuple[str, str], ...]


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        code="RTM",
        name="Rotterdam Harbour Campus",
        address="Waalhaven Zuidzijde 21\n3089 JH Rotterdam\nNetherlands",
        currency="EUR",
        odometer_unit="km",
        plate_style="NL",
        weight=45,
        buildings=(
            ("B01", "Harbour Office", "Office buildings", 4),
            ("B02", "Warehouse North", "Warehouses", 1),
            ("B03", "Marine Workshop", "Industrial buildings", 2),
            ("B04", "Data Centre", "Industrial buildings", 2),
        ),
        areas=(("CP1", "Visitor car park"), ("CP2", "Fleet car park"), ("YARD", "Quayside service yard")),
    ),
    SiteSpec(
        code="LYS",
        name="Lyon Gerland Technical Centre",
        address="60 Avenue Tony Garnier\n69007 Lyon\nFrance",
        currency="EUR",
        odometer_unit="km",
        plate_style="FR",
        weight=35,
        buildings=(
            ("B01", "Administration Building", "Office buildings", 3),
            ("B02", "Laboratory Block", "Laboratories", 3),
            ("B03", "Test Hall", "Industrial buildings", 1),
            ("B04", "Energy Centre", "Industrial buildings", 2),
        ),
        areas=(("CP1", "Staff car park"), ("YARD", "Delivery yard")),
    ),
    SiteSpec(
        code="MAN",
        name="Manchester Trafford Park Depot",
        address="Westinghouse Road, Trafford Park\nManchester M17 1PY\nUnited Kingdom",
        currency="GBP",
        odometer_unit="mi",
        plate_style="UK",
        weight=20,
        buildings=(
            ("B01", "Depot Office", "Office buildings", 2),
            ("B02", "Vehicle Maintenance Shed", "Industrial buildings", 1),
            ("B03", "Distribution Warehouse", "Warehouses", 2),
            ("B04", "Training Centre", "Office buildings", 2),
        ),
        areas=(("CP1", "Car park"), ("YARD", "Lorry park")),
    ),
)

# Room purposes per building category, cycled over the floors; equipment is placed in rooms of a fitting purpose.
ROOM_PURPOSES: dict[str, tuple[str, ...]] = {
    "Office buildings": ("office", "office", "meeting", "office", "plant", "kitchen"),
    "Warehouses": ("warehouse", "warehouse", "office", "plant", "loading"),
    "Industrial buildings": ("workshop", "plant", "server", "office", "store", "workshop"),
    "Laboratories": ("lab", "lab", "office", "plant", "store", "lab"),
}
ROOM_NAMES: dict[str, str] = {
    "office": "Open-plan office",
    "meeting": "Meeting room",
    "plant": "Plant room",
    "kitchen": "Pantry",
    "warehouse": "Storage hall",
    "loading": "Loading bay",
    "workshop": "Workshop",
    "server": "Server room",
    "store": "Store",
    "lab": "Laboratory",
}


@dataclass(frozen=True)
class CategorySpec:
    """A demo category with its depreciation defaults and, for equipment, how to make its assets."""

    name: str
    kind: str
    life_months: int | None
    salvage_percent: str
    method: str
    tag: str = ""
    weight: int = 0
    cost: tuple[int, int] = (0, 0)
    makes: tuple[tuple[str, str, str], ...] = ()  # (manufacturer, model, what it is)
    purposes: tuple[str, ...] = ()
    meter_unit: str = ""
    department: str = "Facilities"
    usd_share: float = 0.0


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("Land", AssetKind.BUILDING, None, "0", DepreciationMethod.NONE),
    CategorySpec("Office buildings", AssetKind.BUILDING, 600, "10", DepreciationMethod.STRAIGHT_LINE),
    CategorySpec("Warehouses", AssetKind.BUILDING, 480, "10", DepreciationMethod.STRAIGHT_LINE),
    CategorySpec("Industrial buildings", AssetKind.BUILDING, 480, "5", DepreciationMethod.STRAIGHT_LINE),
    CategorySpec("Laboratories", AssetKind.BUILDING, 480, "5", DepreciationMethod.STRAIGHT_LINE),
    CategorySpec(
        "Cars",
        AssetKind.VEHICLE,
        60,
        "20",
        DepreciationMethod.STRAIGHT_LINE,
        tag="CAR",
        weight=5,
        cost=(27_000, 52_000),
    ),
    CategorySpec(
        "Vans",
        AssetKind.VEHICLE,
        96,
        "15",
        DepreciationMethod.DECLINING_BALANCE,
        tag="VAN",
        weight=8,
        cost=(31_000, 62_000),
    ),
    CategorySpec(
        "Trucks",
        AssetKind.VEHICLE,
        120,
        "10",
        DepreciationMethod.STRAIGHT_LINE,
        tag="TRK",
        weight=2,
        cost=(92_000, 165_000),
    ),
    CategorySpec(
        "HVAC units",
        AssetKind.EQUIPMENT,
        180,
        "5",
        DepreciationMethod.STRAIGHT_LINE,
        tag="HVAC",
        weight=10,
        cost=(3_800, 62_000),
        purposes=("plant", "office", "server"),
        makes=(
            ("Daikin", "FXSQ63A", "Ducted fan coil unit"),
            ("Carrier", "39CQ Airovision", "Air handling unit"),
            ("Trane", "CLCP 12", "Air handling unit"),
            ("Systemair", "Geniox 14", "Ventilation unit"),
        ),
    ),
    CategorySpec(
        "Chillers",
        AssetKind.EQUIPMENT,
        240,
        "5",
        DepreciationMethod.STRAIGHT_LINE,
        tag="CHL",
        weight=0,
        cost=(85_000, 340_000),
        purposes=("plant",),
        meter_unit="hours",
        makes=(
            ("Carrier", "AquaForce 30XA-0502", "Air-cooled chiller"),
            ("Trane", "RTAF 270", "Air-cooled chiller"),
            ("Daikin", "EWAD-TZ 640", "Inverter screw chiller"),
        ),
    ),
    CategorySpec(
        "Pumps",
        AssetKind.EQUIPMENT,
        120,
        "0",
        DepreciationMethod.STRAIGHT_LINE,
        tag="PMP",
        weight=8,
        cost=(1_400, 18_500),
        purposes=("plant",),
        meter_unit="hours",
        makes=(
            ("Grundfos", "CR 32-4", "Booster pump"),
            ("Grundfos", "TP 65-250/2", "Circulation pump"),
            ("Wilo", "Stratos MAXO 50/0,5-12", "Heating circulation pump"),
            ("KSB", "Etanorm 065-040-250", "Process water pump"),
        ),
    ),
    CategorySpec(
        "Generators",
        AssetKind.EQUIPMENT,
        240,
        "5",
        DepreciationMethod.STRAIGHT_LINE,
        tag="GEN",
        weight=2,
        cost=(58_000, 245_000),
        purposes=("yard",),
        meter_unit="hours",
        makes=(
            ("Caterpillar", "C15 500 kVA", "Standby diesel generator"),
            ("Cummins", "C550 D5", "Standby generator"),
            ("Kohler", "KD800", "Standby generator"),
        ),
    ),
    CategorySpec(
        "Forklifts",
        AssetKind.EQUIPMENT,
        96,
        "10",
        DepreciationMethod.DECLINING_BALANCE,
        tag="FLT",
        weight=5,
        cost=(21_000, 48_000),
        purposes=("warehouse", "loading"),
        meter_unit="hours",
        department="Logistics",
        makes=(
            ("Toyota", "8FBE20", "Electric forklift"),
            ("Linde", "E20 PH", "Electric forklift"),
            ("Jungheinrich", "EFG 216", "Electric forklift"),
            ("Still", "RX20-18", "Electric forklift"),
        ),
    ),
    CategorySpec(
        "IT servers",
        AssetKind.EQUIPMENT,
        60,
        "0",
        DepreciationMethod.STRAIGHT_LINE,
        tag="SRV",
        weight=7,
        cost=(5_900, 28_000),
        purposes=("server",),
        department="IT",
        usd_share=0.3,
        makes=(
            ("Dell", "PowerEdge R750", "Rack server"),
            ("HPE", "ProLiant DL380 Gen10 Plus", "Rack server"),
            ("Lenovo", "ThinkSystem SR650 V2", "Rack server"),
        ),
    ),
    CategorySpec(
        "Network equipment",
        AssetKind.EQUIPMENT,
        60,
        "0",
        DepreciationMethod.STRAIGHT_LINE,
        tag="NET",
        weight=6,
        cost=(2_400, 14_000),
        purposes=("server", "office"),
        department="IT",
        usd_share=0.2,
        makes=(
            ("Cisco", "Catalyst 9300-48P", "Access switch"),
            ("Aruba", "CX 6300M", "Distribution switch"),
            ("Juniper", "EX4400-48T", "Core switch"),
        ),
    ),
    CategorySpec(
        "Lab equipment",
        AssetKind.EQUIPMENT,
        120,
        "5",
        DepreciationMethod.SUM_OF_YEARS_DIGITS,
        tag="LAB",
        weight=7,
        cost=(3_200, 118_000),
        purposes=("lab",),
        department="Laboratory",
        usd_share=0.2,
        makes=(
            ("Thermo Fisher", "Heratherm IGS100", "Incubator"),
            ("Mettler Toledo", "XPR204", "Analytical balance"),
            ("Agilent", "1260 Infinity II", "HPLC system"),
            ("Eppendorf", "5910 Ri", "Refrigerated centrifuge"),
        ),
    ),
    CategorySpec(
        "Office furniture",
        AssetKind.EQUIPMENT,
        120,
        "0",
        DepreciationMethod.STRAIGHT_LINE,
        tag="FUR",
        weight=22,
        cost=(380, 4_200),
        purposes=("office", "meeting", "kitchen"),
        department="Administration",
        makes=(
            ("Steelcase", "Gesture", "Office chair"),
            ("Herman Miller", "Aeron", "Office chair"),
            ("Vitra", "Tyde 2", "Sit-stand desk"),
            ("USM", "Haller", "Storage cabinet"),
        ),
    ),
    CategorySpec(
        "Elevators",
        AssetKind.EQUIPMENT,
        300,
        "0",
        DepreciationMethod.STRAIGHT_LINE,
        tag="ELV",
        weight=0,
        cost=(88_000, 255_000),
        purposes=("plant",),
        meter_unit="cycles",
        makes=(
            ("KONE", "MonoSpace 500", "Passenger lift"),
            ("Otis", "Gen2 Life", "Passenger lift"),
            ("Schindler", "3300", "Passenger lift"),
        ),
    ),
    CategorySpec(
        "Fire safety systems",
        AssetKind.EQUIPMENT,
        180,
        "0",
        DepreciationMethod.STRAIGHT_LINE,
        tag="FIRE",
        weight=4,
        cost=(7_500, 46_000),
        purposes=("plant", "office"),
        makes=(
            ("Siemens", "Cerberus PRO FC724", "Fire alarm panel"),
            ("Honeywell", "Notifier ID3000", "Fire alarm panel"),
            ("Bosch", "AVENAR 4000", "Fire alarm panel"),
        ),
    ),
    CategorySpec(
        "Compressors",
        AssetKind.EQUIPMENT,
        144,
        "5",
        DepreciationMethod.UNITS_OF_PRODUCTION,
        tag="CMP",
        weight=3,
        cost=(17_500, 56_000),
        purposes=("workshop", "plant"),
        meter_unit="hours",
        department="Operations",
        makes=(
            ("Atlas Copco", "GA 37 VSD+", "Screw compressor"),
            ("Kaeser", "ASD 40", "Screw compressor"),
            ("Ingersoll Rand", "R37n", "Rotary compressor"),
        ),
    ),
    CategorySpec(
        "Workshop machinery",
        AssetKind.EQUIPMENT,
        120,
        "5",
        DepreciationMethod.STRAIGHT_LINE,
        tag="WSM",
        weight=6,
        cost=(2_600, 74_000),
        purposes=("workshop", "store"),
        meter_unit="hours",
        department="Operations",
        makes=(
            ("DMG Mori", "CMX 600 V", "CNC machining centre"),
            ("Haas", "ST-20Y", "CNC lathe"),
            ("Kemppi", "X8 MIG Welder", "Welding set"),
            ("Bosch", "GTS 635-216", "Table saw"),
        ),
    ),
)
CATEGORY_BY_NAME = {spec.name: spec for spec in CATEGORIES}

VEHICLE_MODELS: dict[str, tuple[tuple[str, str], ...]] = {
    "Cars": (
        ("WVW", "Volkswagen ID.4"),
        ("VF3", "Peugeot 308 SW"),
        ("TMB", "Škoda Octavia Estate"),
        ("YV1", "Volvo XC40 Recharge"),
    ),
    "Vans": (
        ("WV1", "Volkswagen Transporter T6.1"),
        ("WF0", "Ford Transit Custom"),
        ("VF1", "Renault Master"),
        ("W1V", "Mercedes-Benz Sprinter"),
    ),
    "Trucks": (("YS2", "Scania R 450"), ("XLR", "DAF XF 480"), ("WMA", "MAN TGX 18.470"), ("YV2", "Volvo FH 500")),
}

FM_SITES = ("RTM", "LYS")
DEMO_USERS: tuple[tuple[str, str, str, str | None, tuple[str, ...]], ...] = (
    # (username, first name, last name, role, site codes)
    ("admin", "Alex", "Admin", None, ()),
    ("fm", "Femke", "Jansen", roles.FACILITY_MANAGER, FM_SITES),
    ("tech", "Lucas", "Martin", roles.TECHNICIAN, ("RTM",)),
    ("finance", "Priya", "Shah", roles.FINANCE, ()),
    ("auditor", "Tomasz", "Nowak", roles.AUDITOR, ()),
)

MAINTENANCE_REASONS = (
    "Bearing noise reported by the technician; unit isolated until parts arrive.",
    "Annual statutory inspection found a fault; repair scheduled.",
    "Controller board failed; waiting for the manufacturer's engineer.",
    "Refrigerant leak found during the quarterly check.",
)
OUT_OF_SERVICE_REASONS = (
    "Beyond economic repair according to the service contractor.",
    "Replaced by a newer unit; kept as a spare pending decision.",
)

# --------------------------------------------------------------------------------------------------
# The plan: everything the demo contains, computed from the seed alone (never from the database)
# --------------------------------------------------------------------------------------------------

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_VALUES = dict(
    zip("ABCDEFGHJKLMNPRSTUVWXYZ", (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"  # model years 2010, 2011, ...
PLATE_LETTERS = "BCDFGHJKLMNPRSTVWXZ"


# The organisation's own fields on two categories (see assetreg.custom_fields), left for the demo users to fill.
CUSTOM_FIELDS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "Fire safety systems",
        {
            "key": "zone_count",
            "label": "Zone count",
            "field_type": "number",
            "unit": "zones",
            "min_value": Decimal(1),
            "max_value": Decimal(512),
            "order": 1,
        },
    ),
    (
        "Fire safety systems",
        {
            "key": "panel_protocol",
            "label": "Protocol",
            "field_type": "choice",
            "choices": ["Conventional", "Addressable", "Wireless"],
            "order": 2,
        },
    ),
    (
        "Elevators",
        {
            "key": "certificate_number",
            "label": "Certificate number",
            "field_type": "text",
            "max_length": 40,
            "help_text": "From the last statutory inspection.",
            "order": 1,
        },
    ),
    ("Elevators", {"key": "certificate_until", "label": "Certificate valid until", "field_type": "date", "order": 2}),
    (
        "Elevators",
        {
            "key": "rated_load",
            "label": "Rated load",
            "field_type": "number",
            "unit": "kg",
            "min_value": Decimal(1),
            "max_value": Decimal(100000),
            "order": 3,
        },
    ),
)


def make_vin(rng: random.Random, wmi: str, model_year: int) -> str:
    """A well-formed 17-character VIN (no I, O or Q) with a correct check digit."""
    body = wmi + "".join(rng.choice(VIN_ALPHABET) for _ in range(5)) + "0"
    body += VIN_YEARS[(model_year - 2010) % len(VIN_YEARS)] + rng.choice(VIN_ALPHABET) + f"{rng.randint(0, 999999):06d}"
    total = sum((VIN_VALUES[c] if c.isalpha() else int(c)) * w for c, w in zip(body, VIN_WEIGHTS, strict=True))
    check = total % 11
    return body[:8] + ("X" if check == 10 else str(check)) + body[9:]


def make_plate(rng: random.Random, style: str, registered: date) -> str:
    """A licence plate in the style of the site's country."""
    letters = lambda n: "".join(rng.choice(PLATE_LETTERS) for _ in range(n))  # noqa: E731
    if style == "NL":
        return f"V{letters(1)}-{rng.randint(100, 999)}-{letters(1)}"
    if style == "FR":
        return f"{letters(2)}-{rng.randint(100, 999)}-{letters(2)}"
    age = registered.year % 100 + (50 if registered.month >= 9 else 0)
    return f"M{letters(1)}{age:02d} {letters(3)}"


@dataclass
class PlannedAsset:
    """One asset of the plan, with relations named by natural key, and where its lifecycle should end up."""

    tag: str
    data: dict[str, Any]
    site: str
    category: str
    location: str | None = None
    parent: str | None = None
    custodian: str | None = None
    status: str = AssetStatus.IN_SERVICE
    building_location: str | None = None


@dataclass
class PlannedChange:
    """A lifecycle change made through the services after the bulk insert."""

    tag: str
    to_status: str
    reason: str
    days_ago: int
    method: str = ""
    proceeds_percent: int = 0


@dataclass
class Plan:
    """The demo register, computed deterministically from a seed and today's date."""

    locations: list[dict[str, Any]] = field(default_factory=list)
    assets: list[PlannedAsset] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)


def _months_after(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    return date(start.year + year, month + 1, min(start.day, 28))


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(f"{rng.randrange(low, high, 5)}.{rng.choice(('00', '00', '50', '90', '95'))}")


def _dates(rng: random.Random, today: date, planned: bool) -> tuple[date, date | None]:
    if planned:
        return today - timedelta(days=rng.randint(3, 45)), None
    acquired = today - timedelta(days=rng.randint(60, 3650))
    in_service = min(acquired + timedelta(days=rng.randint(0, 45)), today - timedelta(days=1))
    return acquired, in_service


def build_plan(seed: int, today: date) -> Plan:
    """Everything the demo holds; the same seed always gives the same sites, tags and values."""
    rng = random.Random(seed)
    plan = Plan()
    rooms_by_purpose: dict[tuple[str, str], list[str]] = {}
    rooms_by_site: dict[str, list[str]] = {}

    for site in SITES:
        for code, name, category, floors in site.buildings:
            plan.locations.append(
                {"site": site.code, "code": code, "name": name, "kind": LocationKind.BUILDING, "parent": None}
            )
            purposes = ROOM_PURPOSES[category]
            counter = 0
            for floor in range(floors):
                floor_code = f"{code}-F{floor}"
                floor_name = "Ground floor" if floor == 0 else f"Floor {floor}"
                plan.locations.append(
                    {
                        "site": site.code,
                        "code": floor_code,
                        "name": floor_name,
                        "kind": LocationKind.FLOOR,
                        "parent": code,
                    }
                )
                for room in range(1, rng.randint(4, 6) + 1):
                    purpose = purposes[counter % len(purposes)]
                    counter += 1
                    room_code = f"{code}-{floor}.{room:02d}"
                    plan.locations.append(
                        {
                            "site": site.code,
                            "code": room_code,
                            "name": f"{floor}.{room:02d} {ROOM_NAMES[purpose]}",
                            "kind": LocationKind.ROOM,
                            "parent": floor_code,
                        }
                    )
                    rooms_by_purpose.setdefault((site.code, purpose), []).append(room_code)
                    rooms_by_site.setdefault(site.code, []).append(room_code)
        for code, name in site.areas:
            plan.locations.append(
                {"site": site.code, "code": code, "name": name, "kind": LocationKind.AREA, "parent": None}
            )
            purpose = "yard" if code == "YARD" else "carpark"
            rooms_by_purpose.setdefault((site.code, purpose), []).append(code)

    def place(site_code: str, purposes: tuple[str, ...]) -> str:
        candidates = [room for p in purposes for room in rooms_by_purpose.get((site_code, p), [])]
        return rng.choice(candidates or rooms_by_site[site_code])

    def currency(site: SiteSpec, usd_share: float = 0.0) -> str:
        return "USD" if usd_share and rng.random() < usd_share else site.currency

    def warranty(acquired: date) -> date | None:
        if rng.random() < 0.15:
            return None
        return _months_after(acquired, rng.choice((12, 24, 36, 60)))

    # Land and buildings ---------------------------------------------------------------------------
    for site in SITES:
        acquired = today - timedelta(days=rng.randint(3300, 3650))
        plan.assets.append(
            PlannedAsset(
                tag=f"{site.code}-LAND-01",
                site=site.code,
                category="Land",
                data={
                    "name": f"Land, {site.name}",
                    "kind": AssetKind.BUILDING,
                    "address": site.address,
                    "acquisition_date": acquired,
                    "in_service_date": acquired,
                    "acquisition_cost": _amount(rng, 1_500_000, 6_000_000),
                    "currency": site.currency,
                    "department": "Real estate",
                    "notes": "Freehold plot; not depreciated.",
                },
            )
        )
        for index, (code, name, category, floors) in enumerate(site.buildings, start=1):
            acquired = today - timedelta(days=rng.randint(900, 3600))
            plan.assets.append(
                PlannedAsset(
                    tag=f"{site.code}-BLD-{index:02d}",
                    site=site.code,
                    category=category,
                    location=code,
                    building_location=code,
                    data={
                        "name": f"{name}, {site.name.split()[0]}",
                        "kind": AssetKind.BUILDING,
                        "address": f"{name}\n{site.address}",
                        "floor_area_m2": Decimal(rng.randrange(900, 22_000, 10)),
                        "year_built": rng.randint(1968, 2016),
                        "acquisition_date": acquired,
                        "in_service_date": acquired + timedelta(days=rng.randint(0, 90)),
                        "acquisition_cost": _amount(rng, 2_400_000, 28_000_000),
                        "currency": site.currency,
                        "department": "Real estate",
                        "supplier": "Notarial deed",
                    },
                )
            )
            if floors > 1:  # a building with upper floors has a lift, a component of the building
                spec = CATEGORY_BY_NAME["Elevators"]
                plan.assets.append(
                    _equipment(
                        rng,
                        spec,
                        f"{site.code}-ELV-{index:02d}",
                        site,
                        f"{code}-F0",
                        today,
                        rng.choice(spec.makes),
                        suffix=name,
                        parent=f"{site.code}-BLD-{index:02d}",
                        currency=site.currency,
                        acquired=acquired,
                    )
                )

    # Vehicles -------------------------------------------------------------------------------------
    vehicle_specs = [spec for spec in CATEGORIES if spec.kind == AssetKind.VEHICLE]
    counters: dict[str, int] = {}
    for _ in range(VEHICLE_COUNT):
        site = rng.choices(SITES, weights=[s.weight for s in SITES])[0]
        spec = rng.choices(vehicle_specs, weights=[s.weight for s in vehicle_specs])[0]
        wmi, model = rng.choice(VEHICLE_MODELS[spec.name])
        acquired, in_service = _dates(rng, today, planned=False)
        counters[site.code] = counters.get(site.code, 0) + 1
        plan.assets.append(
            PlannedAsset(
                tag=f"{site.code}-VEH-{counters[site.code]:04d}",
                site=site.code,
                category=spec.name,
                location=place(site.code, ("carpark", "yard")),
                custodian="tech" if site.code == "RTM" and rng.random() < 0.3 else None,
                data={
                    "name": model,
                    "kind": AssetKind.VEHICLE,
                    "vin": make_vin(rng, wmi, acquired.year),
                    "plate": make_plate(rng, site.plate_style, acquired),
                    "odometer_unit": site.odometer_unit,
                    "acquisition_date": acquired,
                    "in_service_date": in_service,
                    "acquisition_cost": _amount(rng, *spec.cost),
                    "currency": site.currency,
                    "warranty_end": warranty(acquired),
                    "department": rng.choice(("Logistics", "Field service")),
                    "supplier": f"{model.split()[0]} dealer",
                },
            )
        )

    # Equipment: chillers with their pumps, then the rest by category weight ------------------------
    equipment_tags: dict[str, int] = {}

    def next_tag(site: SiteSpec, spec: CategorySpec) -> str:
        key = f"{site.code}-{spec.tag}"
        equipment_tags[key] = equipment_tags.get(key, 0) + 1
        return f"{key}-{equipment_tags[key]:04d}"

    chiller_spec, pump_spec = CATEGORY_BY_NAME["Chillers"], CATEGORY_BY_NAME["Pumps"]
    for site in SITES:
        for _ in range(2):
            chiller = _equipment(
                rng,
                chiller_spec,
                next_tag(site, chiller_spec),
                site,
                place(site.code, chiller_spec.purposes),
                today,
                rng.choice(chiller_spec.makes),
                currency=site.currency,
            )
            plan.assets.append(chiller)
            for role in ("primary", "secondary"):
                make = rng.choice(pump_spec.makes)
                plan.assets.append(
                    _equipment(
                        rng,
                        pump_spec,
                        next_tag(site, pump_spec),
                        site,
                        chiller.location,
                        today,
                        (make[0], make[1], f"Chilled water pump ({role})"),
                        suffix=chiller.tag,
                        parent=chiller.tag,
                        currency=site.currency,
                        acquired=chiller.data["acquisition_date"],
                    )
                )
    weighted = [spec for spec in CATEGORIES if spec.kind == AssetKind.EQUIPMENT and spec.weight]
    while sum(1 for a in plan.assets if a.data["kind"] == AssetKind.EQUIPMENT) < EQUIPMENT_COUNT:
        site = rng.choices(SITES, weights=[s.weight for s in SITES])[0]
        spec = rng.choices(weighted, weights=[s.weight for s in weighted])[0]
        plan.assets.append(
            _equipment(
                rng,
                spec,
                next_tag(site, spec),
                site,
                place(site.code, spec.purposes),
                today,
                rng.choice(spec.makes),
                currency=currency(site, spec.usd_share),
                planned=rng.random() < 0.02,
                custodian="tech" if site.code == "RTM" and rng.random() < 0.1 else None,
            )
        )

    # Warranties that end within the next 30 days, so the daily alert has something to say -------------
    serving = [a for a in plan.assets if a.status == AssetStatus.IN_SERVICE and a.data["kind"] != "building"]
    for asset in rng.sample(serving, 18):
        asset.data["warranty_end"] = today + timedelta(days=rng.randint(1, 30))

    # Lifecycle changes made through the services -----------------------------------------------------
    parents = {a.parent for a in plan.assets if a.parent}
    old_equipment = [
        a
        for a in plan.assets
        if a.data["kind"] == AssetKind.EQUIPMENT
        and a.status == AssetStatus.IN_SERVICE
        and a.parent is None
        and a.tag not in parents
        and a.data["in_service_date"]
        and (today - a.data["in_service_date"]).days > 400
    ]
    picked = rng.sample(old_equipment, 24)
    for asset in picked[:12]:
        plan.changes.append(
            PlannedChange(
                asset.tag, AssetStatus.UNDER_MAINTENANCE, rng.choice(MAINTENANCE_REASONS), days_ago=rng.randint(1, 20)
            )
        )
    for asset in picked[12:16]:
        plan.changes.append(
            PlannedChange(
                asset.tag, AssetStatus.OUT_OF_SERVICE, rng.choice(OUT_OF_SERVICE_REASONS), days_ago=rng.randint(5, 40)
            )
        )
    for asset in picked[16:]:
        method = rng.choice((DisposalMethod.SALE, DisposalMethod.SALE, DisposalMethod.SCRAP, DisposalMethod.DONATION))
        reason = {
            DisposalMethod.SALE: "Sold to a second-hand dealer after replacement.",
            DisposalMethod.SCRAP: "Scrapped by a certified recycler (WEEE certificate on file).",
            DisposalMethod.DONATION: "Donated to a local vocational school.",
        }[method]
        plan.changes.append(
            PlannedChange(
                asset.tag,
                AssetStatus.DISPOSED,
                reason,
                days_ago=rng.randint(5, 60),
                method=method,
                proceeds_percent=rng.randint(5, 30),
            )
        )
    return plan


def _equipment(
    rng: random.Random,
    spec: CategorySpec,
    tag: str,
    site: SiteSpec,
    location: str | None,
    today: date,
    make: tuple[str, str, str],
    *,
    currency: str,
    suffix: str = "",
    parent: str | None = None,
    custodian: str | None = None,
    planned: bool = False,
    acquired: date | None = None,
) -> PlannedAsset:
    """One planned piece of equipment: 'Incubator Thermo Fisher Heratherm IGS100', with dates and a cost."""
    manufacturer, model, noun = make
    if acquired is None:
        acquired, in_service = _dates(rng, today, planned)
    else:
        in_service = acquired + timedelta(days=rng.randint(0, 30))
    planned_asset = PlannedAsset(
        tag=tag,
        site=site.code,
        category=spec.name,
        location=location,
        parent=parent,
        custodian=custodian,
        status=AssetStatus.PLANNED if planned else AssetStatus.IN_SERVICE,
        data={
            "name": f"{noun}, {suffix}" if suffix else f"{noun} {manufacturer} {model}",
            "kind": AssetKind.EQUIPMENT,
            "manufacturer": manufacturer,
            "model_number": model,
            "meter_unit": spec.meter_unit,
            "serial_number": f"{manufacturer[:2].upper()}{rng.randint(10**7, 10**8)}",
            "acquisition_date": acquired,
            "in_service_date": in_service,
            "acquisition_cost": _amount(rng, *spec.cost),
            "currency": currency,
            "warranty_end": None if planned else _months_after(acquired, rng.choice((12, 24, 36, 60))),
            "department": spec.department,
            "supplier": f"{manufacturer} {site.name.split()[0]}",
        },
    )
    if spec.method == DepreciationMethod.UNITS_OF_PRODUCTION:  # the meter total the asset is expected to reach
        planned_asset.data["expected_units"] = Decimal(rng.choice((40_000, 50_000, 60_000)))
    return planned_asset


# --------------------------------------------------------------------------------------------------
# Applying the plan
# --------------------------------------------------------------------------------------------------


class Command(BaseCommand):
    """Seed the demo register (see the module docstring)."""

    help = "Fill the database with a deterministic demo register (safe to run again: it changes nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same data).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of the demo users.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        plan = build_plan(options["seed"], today)
        self.new_usernames: set[str] = set()
        created: dict[str, int] = {}
        existing: dict[str, int] = {}
        with transaction.atomic():
            users = self._users(options["password"], created, existing)
            admin = users["admin"]
            sites = self._sites(admin, users, created, existing)
            categories = self._categories(admin, created, existing)
            locations = self._locations(admin, plan, sites, created, existing)
            assets = self._assets(admin, plan, sites, categories, locations, users, created, existing)
            self._link_buildings(admin, plan, locations, assets)
        self._changes(plan, users, today, created, existing)
        for step in contributions.registry.demo_steps.all():  # what the other apps add (finance values assets)
            step.run(users=users, today=today, created=created, existing=existing)

        if any(created.values()):
            self.stdout.write(self.style.SUCCESS("Demo data created: " + _counts(created)))
        if any(existing.values()):
            self.stdout.write("Already seeded: " + _counts(existing))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {options['password']}):")
        for username, first, last, role, site_codes in DEMO_USERS:
            where = f" at {', '.join(site_codes)}" if site_codes else ""
            self.stdout.write(f"  {username:<9} {first} {last}: {role or 'Administrator (superuser)'}{where}")

    # Users and reference data ----------------------------------------------------------------------

    def _users(self, password: str, created: dict[str, int], existing: dict[str, int]) -> dict[str, Any]:
        user_model = get_user_model()
        users: dict[str, Any] = {}
        for username, first, last, role, _sites in DEMO_USERS:
            user = user_model.objects.filter(username=username).first()
            if user is not None:
                _bump(existing, "users")
            else:
                user = user_model(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@ledgerline.example",
                    is_superuser=role is None,
                    is_staff=role in (None, roles.FINANCE, roles.AUDITOR),
                )
                user.set_password(password)
                user.save()
                if role:
                    user.groups.add(Group.objects.get(name=role))
                self.new_usernames.add(username)
                _bump(created, "users")
            users[username] = user
        if not users["admin"].is_superuser:
            raise CommandError("A user 'admin' exists but is not a superuser; the demo needs it as its administrator.")
        return users

    def _sites(
        self, admin: Any, users: dict[str, Any], created: dict[str, int], existing: dict[str, int]
    ) -> dict[str, Site]:
        sites: dict[str, Site] = {}
        known = {s.code: s for s in Site.objects.filter(code__in=[spec.code for spec in SITES])}
        for spec in SITES:
            members = [users[u[0]] for u in DEMO_USERS if spec.code in u[4]]
            if spec.code in known:
                site = known[spec.code]
                new_members = [m for m in members if m.username in self.new_usernames]
                if new_members:
                    site.members.add(*new_members)
                _bump(existing, "sites")
            else:
                site = services.site_save(
                    actor=admin,
                    data={"code": spec.code, "name": spec.name, "address": spec.address, "members": members},
                )
                _bump(created, "sites")
            sites[spec.code] = site
        return sites

    def _categories(self, admin: Any, created: dict[str, int], existing: dict[str, int]) -> dict[str, Category]:
        known = {c.name: c for c in Category.objects.all()}
        for spec in CATEGORIES:
            if spec.name in known:
                _bump(existing, "categories")
                continue
            known[spec.name] = services.category_save(
                actor=admin,
                data={
                    "name": spec.name,
                    "kind": spec.kind,
                    "default_useful_life_months": spec.life_months,
                    "default_salvage_percent": Decimal(spec.salvage_percent),
                    "default_depreciation_method": spec.method,
                },
            )
            _bump(created, "categories")
        for category_name, definition in CUSTOM_FIELDS:
            category = known.get(category_name)
            if category is None:
                continue
            if CustomField.objects.filter(category=category, key=definition["key"]).exists():
                _bump(existing, "custom fields")
                continue
            services.custom_field_save(actor=admin, data={"category": category, **definition})
            _bump(created, "custom fields")
        return known

    def _locations(
        self, admin: Any, plan: Plan, sites: dict[str, Site], created: dict[str, int], existing: dict[str, int]
    ) -> dict[tuple[str, str], Location]:
        known = {(loc.site.code, loc.code): loc for loc in Location.objects.select_related("site")}
        for row in plan.locations:
            key = (row["site"], row["code"])
            if key in known:
                _bump(existing, "locations")
                continue
            parent = known[(row["site"], row["parent"])] if row["parent"] else None
            known[key] = services.location_save(
                actor=admin,
                data={
                    "site": sites[row["site"]],
                    "parent": parent,
                    "kind": row["kind"],
                    "code": row["code"],
                    "name": row["name"],
                },
            )
            _bump(created, "locations")
        return known

    # Assets ----------------------------------------------------------------------------------------

    def _assets(
        self,
        admin: Any,
        plan: Plan,
        sites: dict[str, Site],
        categories: dict[str, Category],
        locations: dict[tuple[str, str], Location],
        users: dict[str, Any],
        created: dict[str, int],
        existing: dict[str, int],
    ) -> dict[str, Asset]:
        known = {a.asset_tag: a for a in Asset.objects.filter(asset_tag__in=[p.tag for p in plan.assets])}
        existing["assets"] = existing.get("assets", 0) + len(known)
        # Parents first, so that components can name them.
        for wave in ([p for p in plan.assets if p.parent is None], [p for p in plan.assets if p.parent]):
            new: list[Asset] = []
            planned_for: dict[str, PlannedAsset] = {}
            for planned in wave:
                if planned.tag in known:
                    continue
                data = dict(planned.data)
                data.update(
                    {
                        "asset_tag": planned.tag,
                        "site": sites[planned.site],
                        "category": categories[planned.category],
                        "location": locations[(planned.site, planned.location)] if planned.location else None,
                        "parent": known[planned.parent] if planned.parent else None,
                        "custodian": users[planned.custodian] if planned.custodian else None,
                    }
                )
                asset = services.asset_prepare(actor=admin, data=data)
                asset.status = planned.status
                asset.version = 1
                asset.created_by = admin
                asset.updated_at = timezone.now()
                new.append(asset)
                planned_for[planned.tag] = planned
            if not new:
                continue
            bulk_create_with_history(new, Asset, batch_size=500, default_user=admin, default_change_reason="Demo data")
            fresh = {a.asset_tag: a for a in Asset.objects.filter(asset_tag__in=list(planned_for))}
            known.update(fresh)
            StatusChange.objects.bulk_create(
                [
                    StatusChange(
                        asset=asset,
                        from_status=AssetStatus.PLANNED,
                        to_status=AssetStatus.IN_SERVICE,
                        effective_date=asset.in_service_date,
                        reason="Commissioned",
                        actor=admin,
                    )
                    for asset in fresh.values()
                    if asset.status == AssetStatus.IN_SERVICE and asset.in_service_date
                ],
                batch_size=500,
            )
            created["assets"] = created.get("assets", 0) + len(fresh)
        return known

    def _link_buildings(
        self, admin: Any, plan: Plan, locations: dict[tuple[str, str], Location], assets: dict[str, Asset]
    ) -> None:
        for planned in plan.assets:
            if not planned.building_location:
                continue
            location = locations[(planned.site, planned.building_location)]
            if location.building_asset_id is None:
                services.location_save(
                    actor=admin, location=location, data={"site": location.site, "building_asset": assets[planned.tag]}
                )

    def _changes(
        self, plan: Plan, users: dict[str, Any], today: date, created: dict[str, int], existing: dict[str, int]
    ) -> None:
        assets = {
            a.asset_tag: a
            for a in Asset.objects.select_related("site").filter(asset_tag__in=[c.tag for c in plan.changes])
        }
        for change in plan.changes:
            asset = assets[change.tag]
            if asset.status != AssetStatus.IN_SERVICE:
                _bump(existing, "lifecycle changes")
                continue
            # The facility manager acts at their sites; the administrator elsewhere; finance records disposals.
            actor = users["fm"] if asset.site.code in FM_SITES else users["admin"]
            when = today - timedelta(days=change.days_ago)
            if change.to_status == AssetStatus.DISPOSED:
                asset = services.asset_transition(
                    actor=actor,
                    asset=asset,
                    to_status=AssetStatus.OUT_OF_SERVICE,
                    reason="Taken out of service for disposal.",
                    effective_date=when - timedelta(days=7),
                )
                proceeds = Decimal(0)
                if change.method == DisposalMethod.SALE:
                    proceeds = (asset.acquisition_cost * change.proceeds_percent / 100).quantize(Decimal("0.01"))
                services.asset_dispose(
                    actor=users["finance"],
                    asset=asset,
                    disposal_date=when,
                    method=change.method,
                    proceeds=proceeds,
                    reason=change.reason,
                )
            else:
                services.asset_transition(
                    actor=actor, asset=asset, to_status=change.to_status, reason=change.reason, effective_date=when
                )
            _bump(created, "lifecycle changes")


def _bump(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{value} {key}" for key, value in counts.items() if value)
