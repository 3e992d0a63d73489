"""The register's rows of the access matrix (see `tests/access_matrix.py`): assets, their lifecycle, documents,
meter readings, sites, locations and categories, in the web pages, the admin and the API.

The world (tests/conftest.py): the facility manager and technician work at HQ (`home`), finance and the auditor see
every site, the outsider is a facility manager at the depot (`away`), `admin` is a superuser. `home_asset` is at HQ,
`away_asset` at the depot.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assetreg import services
from assetreg.choices import AssetStatus
from assetreg.models import Asset, WarrantyAlert
from tests.access_matrix import Cases, Refused, Resource, WebClient, register
from tests.assetreg.admin.conftest import form_data
from tests.factories import AssetFactory, CategoryFactory, LocationFactory

User = get_user_model()
FORBIDDEN, NOT_FOUND, TO_LOGIN, UNAUTHORISED = 403, 404, 302, 401
WEB_READERS = dict(facility_manager=200, technician=200, finance=200, auditor=200, outsider=404, admin=200)
API_READERS = dict(WEB_READERS, anonymous=UNAUTHORISED)
EVERYONE_READS_API = dict(API_READERS, outsider=200)
STAFF_ONLY = dict(facility_manager=TO_LOGIN, technician=TO_LOGIN, outsider=TO_LOGIN, anonymous=TO_LOGIN)
STAFF_READERS = dict(finance=200, auditor=200, admin=200)
NOBODY = dict(finance=FORBIDDEN, auditor=FORBIDDEN, admin=FORBIDDEN)  # not even a superuser: no service does it


def version(asset: Asset) -> int:
    """The asset's version as a client last read it (the current one)."""
    return Asset.objects.get(pk=asset.pk).version


def superuser_get(world: Any, url: str) -> Any:
    """GET `url` as the superuser, to learn what a form holds, leaving no trace (not even a last login)."""
    last_login = User.objects.get(pk=world.admin.pk).last_login
    client = WebClient()
    client.force_login(world.admin)
    response = client.get(url)
    User.objects.filter(pk=world.admin.pk).update(last_login=last_login)
    return response


def admin_form(world: Any, url: str, **changes: Any) -> dict[str, Any]:
    """The admin form at `url` as a superuser sees it, with `changes`: what a staff member would post."""
    return form_data(superuser_get(world, url), **changes)


def import_file(world: Any, **changes: str) -> SimpleUploadedFile:
    """The home asset's row of a CSV export, with `changes`: a file to import."""
    export = superuser_get(world, "/assets/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    row = {**next(r for r in rows if r["asset_tag"] == world.home_asset.asset_tag), **changes}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return SimpleUploadedFile("assets.csv", out.getvalue().encode(), content_type="text/csv")


def text_file(name: str = "note.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"Pump serviced, seals replaced.\n", content_type="text/plain")


def _retired_asset(world: Any) -> None:
    """An out-of-service asset at HQ, ready to be disposed of."""
    world.retired = AssetFactory(site=world.home, asset_tag="HQ-OLD-1", status=AssetStatus.OUT_OF_SERVICE)


def _lifecycle(world: Any) -> None:
    """An asset to dispose of, the depot's pump under maintenance and an asset at HQ already disposed of."""
    _retired_asset(world)
    away = Asset.objects.get(pk=world.away_asset.pk)
    world.status_change = services.asset_transition(
        actor=world.admin, asset=away, to_status=AssetStatus.UNDER_MAINTENANCE, reason="Leak", effective_date=None
    ).status_changes.latest("pk")
    AssetFactory(site=world.home, asset_tag="HQ-GONE-1", status=AssetStatus.OUT_OF_SERVICE)
    world.disposal = services.asset_dispose(
        actor=world.admin,
        asset=Asset.objects.get(asset_tag="HQ-GONE-1"),
        disposal_date=timezone.localdate(),
        method="scrap",
        proceeds=Decimal("0"),
        reason="Beyond repair",
    )


# ---- assets ---------------------------------------------------------------------------------------------------

NEW_ASSET = {
    "asset_tag": "HQ-NEW-1",
    "name": "Spare pump",
    "kind": "equipment",
    "manufacturer": "Grundfos",
}
NEW_ASSET_FINANCIALS = {
    "acquisition_cost": "5000.00",
    "currency": "EUR",
    "salvage_value": "0",
    "useful_life_months": 60,
    "depreciation_method": "straight_line",
}


def _new_asset(world: Any) -> dict[str, Any]:
    return {**NEW_ASSET, "category": world.home_asset.category_id, "site": world.home.pk}


def _new_asset_web(world: Any) -> dict[str, Any]:
    """The create form as filled in: the financial fields are only in the form of those who may set them."""
    return {**_new_asset(world), **NEW_ASSET_FINANCIALS}


def _web_edit(world: Any, **changes: Any) -> dict[str, Any]:
    asset = Asset.objects.get(pk=world.home_asset.pk)
    data = {
        "asset_tag": asset.asset_tag,
        "name": asset.name,
        "kind": asset.kind,
        "category": asset.category_id,
        "site": asset.site_id,
        "manufacturer": asset.manufacturer,
        "model_number": asset.model_number,
        "acquisition_date": str(asset.acquisition_date),
        "in_service_date": str(asset.in_service_date),
        "acquisition_cost": str(asset.acquisition_cost),
        "salvage_value": str(asset.salvage_value),
        "useful_life_months": asset.useful_life_months,
        "depreciation_method": asset.depreciation_method,
        "currency": asset.currency,
        "version": asset.version,
    }
    return {**data, **changes}


def _admin_change_url(world: Any) -> str:
    return reverse("admin:assetreg_asset_change", args=[world.home_asset.pk])


assets = Cases()
(
    assets.add("web", "dashboard", lambda c, w: c.get("/"), **dict(WEB_READERS, outsider=200), anonymous=302)
    .add("web", "read home", lambda c, w: c.get(f"/assets/{w.home_asset.pk}/"), **WEB_READERS, anonymous=302)
    .add(
        "web",
        "read away",
        lambda c, w: c.get(f"/assets/{w.away_asset.pk}/"),
        **dict(WEB_READERS, facility_manager=404, technician=404, outsider=200),
        anonymous=302,
    )
    .add("web", "list", lambda c, w: c.get("/assets/"), **dict(WEB_READERS, outsider=200), anonymous=302)
    .add("web", "export", lambda c, w: c.get("/assets/export.csv"), **dict(WEB_READERS, outsider=200), anonymous=302)
    .add("web", "label", lambda c, w: c.get(f"/assets/{w.home_asset.pk}/label/"), **WEB_READERS, anonymous=302)
    .add(
        "web",
        "scan label",
        lambda c, w: c.get(f"/t/{w.home_asset.asset_tag}"),
        **dict(WEB_READERS, facility_manager=302, technician=302, finance=302, auditor=302, admin=302),
        anonymous=302,
    )
    .add(
        "web",
        "open create form",
        lambda c, w: c.get("/assets/new/"),
        facility_manager=200,
        outsider=200,
        admin=200,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add(
        "web",
        "create",
        lambda c, w: c.post("/assets/new/", _new_asset_web(w)),
        facility_manager=302,
        admin=302,
        outsider=Refused(200),  # the form again: HQ is not among the depot manager's sites
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add(
        "web",
        "create at another site",
        lambda c, w: c.post("/assets/new/", {**_new_asset_web(w), "site": w.away.pk}),
        facility_manager=Refused(200),  # the form again: the depot is not among the HQ manager's sites
        outsider=302,
        admin=302,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add(
        "web",
        "open edit form",
        lambda c, w: c.get(f"/assets/{w.home_asset.pk}/edit/"),
        facility_manager=200,
        finance=200,
        admin=200,
        outsider=NOT_FOUND,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add(
        "web",
        "rename",
        lambda c, w: c.post(f"/assets/{w.home_asset.pk}/edit/", _web_edit(w, name="Feed pump A")),
        facility_manager=302,
        finance=Refused(302),  # finance's form has only the financial fields: the name is ignored, nothing saved
        admin=302,
        outsider=NOT_FOUND,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add(
        "web",
        "set cost",
        lambda c, w: c.post(f"/assets/{w.home_asset.pk}/edit/", _web_edit(w, acquisition_cost="13000.00")),
        facility_manager=Refused(302),  # the register writer's form has no cost field: nothing is saved
        finance=302,
        admin=302,
        outsider=NOT_FOUND,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add("api", "read home", lambda c, w: c.get(f"/api/v1/assets/{w.home_asset.pk}/"), **API_READERS)
    .add(
        "api",
        "read away",
        lambda c, w: c.get(f"/api/v1/assets/{w.away_asset.pk}/"),
        **dict(API_READERS, facility_manager=404, technician=404, outsider=200),
    )
    .add("api", "list", lambda c, w: c.get("/api/v1/assets/"), **EVERYONE_READS_API)
    .add("api", "walk", lambda c, w: c.get("/api/v1/assets/walk/"), **EVERYONE_READS_API)
    .add("api", "history", lambda c, w: c.get(f"/api/v1/assets/{w.home_asset.pk}/history/"), **API_READERS)
    .add(
        "api",
        "lookup",
        lambda c, w: c.get("/api/v1/assets/lookup/", {"code": w.home_asset.asset_tag}),
        **API_READERS,
    )
    .add(
        "api",
        "create",
        lambda c, w: c.post("/api/v1/assets/", _new_asset(w), format="json"),
        facility_manager=201,
        admin=201,
        outsider=400,  # HQ is not a site the depot manager may choose: refused as unknown
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "create at another site",
        lambda c, w: c.post("/api/v1/assets/", {**_new_asset(w), "site": w.away.pk}, format="json"),
        facility_manager=400,  # a site the user may not write at is refused as unknown, before any role check
        technician=400,
        outsider=201,
        admin=201,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "rename",
        lambda c, w: c.patch(
            f"/api/v1/assets/{w.home_asset.pk}/", {"name": "Feed pump A", "version": version(w.home_asset)}, "json"
        ),
        facility_manager=200,
        finance=400,  # a register field: a field message for finance
        admin=200,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "set cost",
        lambda c, w: c.patch(
            f"/api/v1/assets/{w.home_asset.pk}/",
            {"acquisition_cost": "13000.00", "version": version(w.home_asset)},
            "json",
        ),
        facility_manager=400,  # a financial field: a field message for the register writer
        finance=200,
        admin=200,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "replace",
        lambda c, w: c.put(
            f"/api/v1/assets/{w.home_asset.pk}/",
            {**_new_asset(w), "asset_tag": w.home_asset.asset_tag, "version": version(w.home_asset)},
            "json",
        ),
        facility_manager=200,
        finance=400,
        admin=200,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "delete",
        lambda c, w: c.delete(f"/api/v1/assets/{w.home_asset.pk}/"),
        outsider=405,
        anonymous=UNAUTHORISED,
        rest=405,  # assets are disposed of, never deleted
    )
    .add(
        "admin",
        "list",
        lambda c, w: c.get("/admin/assetreg/asset/"),
        finance=200,
        auditor=200,
        admin=200,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "open change form",
        lambda c, w: c.get(_admin_change_url(w)),
        finance=200,
        auditor=200,
        admin=200,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "history",
        lambda c, w: c.get(f"/admin/assetreg/asset/{w.home_asset.pk}/history/"),
        **STAFF_READERS,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "an old version",
        lambda c, w: c.get(
            f"/admin/assetreg/asset/{w.home_asset.pk}/history/"
            f"{Asset.history.filter(id=w.home_asset.pk).earliest('history_id').history_id}/"
        ),
        **STAFF_READERS,
        **STAFF_ONLY,
    )
    .add("admin", "export", lambda c, w: c.get("/admin/assetreg/asset/export/"), **STAFF_READERS, **STAFF_ONLY)
    .add(
        "admin",
        "set cost",
        lambda c, w: c.post(_admin_change_url(w), admin_form(w, _admin_change_url(w), acquisition_cost="13000.00")),
        finance=302,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "add",
        lambda c, w: c.post(
            "/admin/assetreg/asset/add/",
            admin_form(w, "/admin/assetreg/asset/add/", **_new_asset(w), status=AssetStatus.PLANNED),
        ),
        finance=FORBIDDEN,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "delete",
        lambda c, w: c.post(f"/admin/assetreg/asset/{w.home_asset.pk}/delete/", {"post": "yes"}),
        finance=FORBIDDEN,
        auditor=FORBIDDEN,
        admin=FORBIDDEN,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "import",
        lambda c, w: c.post(
            "/admin/assetreg/asset/import/",
            {"file": import_file(w, acquisition_cost="13000.00")},  # dry run unticked: the import writes
        ),
        finance=200,
        auditor=FORBIDDEN,
        admin=200,
        **STAFF_ONLY,
    )
)
register(Resource("assetreg", "assets", assets.build(), description="The register itself."))


# ---- the lifecycle: status changes and disposal ---------------------------------------------------------------


def _transition(world: Any, to_status: str = AssetStatus.UNDER_MAINTENANCE) -> dict[str, Any]:
    return {
        "to_status": to_status,
        "reason": "Bearing noise",
        "effective_date": timezone.localdate().isoformat(),
        "version": version(world.home_asset),
    }


def _disposal(world: Any) -> dict[str, Any]:
    return {
        "disposal_date": timezone.localdate().isoformat(),
        "method": "scrap",
        "proceeds": "0",
        "reason": "Beyond repair",
        "version": version(world.retired),
    }


def _admin_action(name: str) -> Any:
    return lambda c, w: c.post(
        "/admin/assetreg/asset/", {"action": name, "_selected_action": [w.home_asset.pk], "reason": "Bearing noise"}
    )


lifecycle = Cases()
(
    lifecycle.add(
        "web",
        "change status",
        lambda c, w: c.post(f"/assets/{w.home_asset.pk}/status/", _transition(w)),
        facility_manager=302,
        admin=302,
        outsider=NOT_FOUND,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add(
        "web",
        "dispose",
        lambda c, w: c.post(f"/assets/{w.retired.pk}/dispose/", _disposal(w)),
        facility_manager=302,
        finance=302,
        admin=302,
        outsider=NOT_FOUND,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "change status",
        lambda c, w: c.post(f"/api/v1/assets/{w.home_asset.pk}/transition/", _transition(w), "json"),
        facility_manager=200,
        admin=200,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "dispose",
        lambda c, w: c.post(f"/api/v1/assets/{w.retired.pk}/dispose/", _disposal(w), "json"),
        facility_manager=200,
        finance=200,
        admin=200,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "admin",
        "take out of service",
        _admin_action("take_out_of_service"),
        finance=Refused(302),  # the action is not offered: back at the list with "no action selected"
        auditor=Refused(302),
        admin=302,
        **STAFF_ONLY,
    )
    .admin_records(
        "assetreg_statuschange", lambda w: w.status_change.pk, readers=STAFF_READERS, add=NOBODY, delete=NOBODY
    )
    .admin_records("assetreg_disposal", lambda w: w.disposal.pk, readers=STAFF_READERS, add=NOBODY, delete=NOBODY)
)
register(
    Resource(
        "assetreg",
        "lifecycle",
        lifecycle.build(),
        prepare=_lifecycle,
        description="Status changes and disposal.",
    )
)


# ---- documents ------------------------------------------------------------------------------------------------


def _documents(world: Any) -> None:
    world.document = services.asset_document_add(
        actor=world.admin, asset=world.home_asset, uploaded_file=text_file(), title="Service note"
    )


def _doc_url(world: Any, suffix: str = "") -> str:
    return f"/assets/{world.home_asset.pk}/documents/{world.document.pk}/{suffix}"


def _api_doc_url(world: Any, suffix: str = "") -> str:
    return f"/api/v1/assets/{world.home_asset.pk}/documents/{world.document.pk}/{suffix}"


documents = Cases()
(
    documents.add(
        "web",
        "upload",
        lambda c, w: c.post(f"/assets/{w.home_asset.pk}/documents/", {"title": "Manual", "file": text_file()}),
        facility_manager=302,
        admin=302,
        outsider=NOT_FOUND,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add("web", "download", lambda c, w: c.get(_doc_url(w)), **WEB_READERS, anonymous=302)
    .add(
        "web",
        "delete",
        lambda c, w: c.post(_doc_url(w, "delete/")),
        facility_manager=302,
        admin=302,
        outsider=NOT_FOUND,
        anonymous=302,
        rest=FORBIDDEN,
    )
    .add("api", "list", lambda c, w: c.get(f"/api/v1/assets/{w.home_asset.pk}/documents/"), **API_READERS)
    .add("api", "read", lambda c, w: c.get(_api_doc_url(w)), **API_READERS)
    .add("api", "download", lambda c, w: c.get(_api_doc_url(w, "download/")), **API_READERS)
    .add(
        "api",
        "upload",
        lambda c, w: c.post(
            f"/api/v1/assets/{w.home_asset.pk}/documents/", {"title": "Manual", "file": text_file()}, "multipart"
        ),
        facility_manager=201,
        admin=201,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .add(
        "api",
        "delete",
        lambda c, w: c.delete(_api_doc_url(w)),
        facility_manager=204,
        admin=204,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
)
register(Resource("assetreg", "documents", documents.build(), prepare=_documents))


# ---- meter readings -------------------------------------------------------------------------------------------


def _metered(world: Any) -> None:
    Asset.objects.filter(pk=world.home_asset.pk).update(meter_unit="h")
    world.reading = services.meter_reading_record(
        actor=world.admin, asset=world.home_asset, reading_date=date(2024, 1, 31), value=Decimal(100), note=""
    )


readings = Cases()
(
    readings.add("api", "list", lambda c, w: c.get(f"/api/v1/assets/{w.home_asset.pk}/readings/"), **API_READERS)
    .add(
        "api",
        "record",
        lambda c, w: c.post(
            f"/api/v1/assets/{w.home_asset.pk}/readings/",
            {"reading_date": timezone.localdate().isoformat(), "value": "250"},
            "json",
        ),
        facility_manager=201,
        technician=201,
        admin=201,
        outsider=NOT_FOUND,
        anonymous=UNAUTHORISED,
        rest=FORBIDDEN,
    )
    .admin_records("assetreg_meterreading", lambda w: w.reading.pk, readers=STAFF_READERS, add=NOBODY, delete=NOBODY)
)
register(Resource("assetreg", "meter readings", readings.build(), prepare=_metered))


# ---- sites, locations and categories --------------------------------------------------------------------------


def _locations(world: Any) -> None:
    world.home_location = LocationFactory(site=world.home, code="MAIN", name="Main block")
    world.away_location = LocationFactory(site=world.away, code="WASH", name="Wash bay")


NEW_SITE = {"code": "PORT", "name": "Harbour", "address": "3 Quay Street"}

sites = Cases()
(
    sites.add("web", "list", lambda c, w: c.get("/sites/"), **dict(WEB_READERS, outsider=200), anonymous=302)
    .add("web", "read home", lambda c, w: c.get(f"/sites/{w.home.pk}/"), **WEB_READERS, anonymous=302)
    .add("api", "list", lambda c, w: c.get("/api/v1/sites/"), **EVERYONE_READS_API)
    .add("api", "read home", lambda c, w: c.get(f"/api/v1/sites/{w.home.pk}/"), **API_READERS)
    .add(
        "api",
        "create",
        lambda c, w: c.post("/api/v1/sites/", NEW_SITE, "json"),
        anonymous=UNAUTHORISED,
        rest=405,  # sites are kept in the admin only
    )
    .add(
        "admin",
        "add",
        lambda c, w: c.post(
            "/admin/assetreg/site/add/",
            admin_form(w, "/admin/assetreg/site/add/", **NEW_SITE, members=[w.facility_manager.pk]),
        ),
        finance=FORBIDDEN,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "rename",
        lambda c, w: c.post(
            f"/admin/assetreg/site/{w.home.pk}/change/",
            admin_form(w, f"/admin/assetreg/site/{w.home.pk}/change/", name="Head office"),
        ),
        finance=FORBIDDEN,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
)
sites.admin_records("assetreg_site", lambda w: w.home.pk, readers=STAFF_READERS, delete=NOBODY)
register(Resource("assetreg", "sites", sites.build()))

locations = Cases()
(
    locations.add(
        "web", "read home", lambda c, w: c.get(f"/locations/{w.home_location.pk}/"), **WEB_READERS, anonymous=302
    )
    .add("api", "list", lambda c, w: c.get("/api/v1/locations/"), **EVERYONE_READS_API)
    .add("api", "read home", lambda c, w: c.get(f"/api/v1/locations/{w.home_location.pk}/"), **API_READERS)
    .add(
        "api",
        "create",
        lambda c, w: c.post("/api/v1/locations/", {"site": w.home.pk, "code": "NEW", "name": "Annex"}, "json"),
        anonymous=UNAUTHORISED,
        rest=405,
    )
    .add(
        "admin",
        "add",
        lambda c, w: c.post(
            "/admin/assetreg/location/add/",
            admin_form(w, "/admin/assetreg/location/add/", site=w.home.pk, kind="building", code="ANX", name="Annex"),
        ),
        finance=FORBIDDEN,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
)
locations.admin_records("assetreg_location", lambda w: w.home_location.pk, readers=STAFF_READERS, delete=NOBODY)
register(Resource("assetreg", "locations", locations.build(), prepare=_locations))


def _category(world: Any) -> None:
    world.category = CategoryFactory(name="Chillers")


categories = Cases()
(
    categories.add("api", "list", lambda c, w: c.get("/api/v1/categories/"), **EVERYONE_READS_API)
    .add("api", "read", lambda c, w: c.get(f"/api/v1/categories/{w.category.pk}/"), **dict(API_READERS, outsider=200))
    .add(
        "api",
        "create",
        lambda c, w: c.post("/api/v1/categories/", {"name": "Lifts", "kind": "equipment"}, "json"),
        anonymous=UNAUTHORISED,
        rest=405,
    )
    .add(
        "admin",
        "change defaults",
        lambda c, w: c.post(
            f"/admin/assetreg/category/{w.category.pk}/change/",
            admin_form(w, f"/admin/assetreg/category/{w.category.pk}/change/", default_salvage_percent="5.00"),
        ),
        finance=302,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
    .add(
        "admin",
        "add",
        lambda c, w: c.post(
            "/admin/assetreg/category/add/",
            admin_form(
                w,
                "/admin/assetreg/category/add/",
                name="Lifts",
                kind="equipment",
                default_useful_life_months=240,
                default_salvage_percent="0",
                default_depreciation_method="straight_line",
            ),
        ),
        finance=302,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
)
categories.admin_records("assetreg_category", lambda w: w.category.pk, readers=STAFF_READERS, delete=NOBODY)
register(Resource("assetreg", "categories", categories.build(), prepare=_category))


# ---- warranty alerts (written by the nightly task, read in the admin) -----------------------------------------


def _warranty_alert(world: Any) -> None:
    world.alert = WarrantyAlert.objects.create(
        asset=world.home_asset, warranty_end=date(2025, 6, 30), recipients="fm@example.com"
    )


alerts = Cases().admin_records(
    "assetreg_warrantyalert", lambda w: w.alert.pk, readers=STAFF_READERS, add=NOBODY, delete=NOBODY
)
register(Resource("assetreg", "warranty alerts", alerts.build(), prepare=_warranty_alert))
