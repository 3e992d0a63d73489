"""`manage.py import_assets` and `manage.py export_assets`: permissions, exit codes and round trips."""

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from assetreg.models import Asset
from tests.assetreg.csvdata import csv_text, pump_row
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The `world` users get a password each; a slow hash there only slows these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def export(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_assets", *args, stdout=out, stderr=err)
    return out.getvalue()


def import_file(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assets", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_then_import_of_the_same_file_reports_every_row_unchanged(world, tmp_path):
    AssetFactory(vehicle=True, site=world.away, notes="Dented, rear door")
    AssetFactory(building=True, site=world.home)
    path = tmp_path / "register.csv"
    call_command("export_assets", "--output", str(path), stderr=io.StringIO())

    out, _ = import_file(path, "--user", "root")

    assert "4 rows: 0 were created, 0 were updated, 4 unchanged" in out
    assert all(asset.version == 1 for asset in Asset.objects.all())


def test_facility_managers_export_excludes_other_sites(world):
    text = export("--user", "fm")

    assert "HQ-PUMP-1" in text
    assert "DEPOT-PUMP-1" not in text


def test_export_of_one_site_and_of_everything(world, tmp_path):
    assert "HQ-PUMP-1" not in export("--site", "depot")
    everything = export()
    assert "HQ-PUMP-1" in everything and "DEPOT-PUMP-1" in everything
    with pytest.raises(CommandError, match="No site with code: DEPOT"):
        export("--user", "fm", "--site", "DEPOT")  # a site the user cannot see is not silently empty


def test_import_writes_valid_rows_as_the_given_user(world, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(csv_text(pump_row(asset_tag="NEW-1"), pump_row(asset_tag="NEW-2")), encoding="utf-8")

    out, _ = import_file(path, "--user", "root")

    assert "2 were created" in out
    assert Asset.objects.get(asset_tag="NEW-1").history.get().history_user == world.admin


def test_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(csv_text(pump_row(asset_tag="NEW-1")), encoding="utf-8")

    out, _ = import_file(path, "--user", "root", "--dry-run")

    assert "1 would be created" in out and "Dry run" in out
    assert not Asset.objects.filter(asset_tag="NEW-1").exists()


def test_bad_rows_are_printed_with_their_line_and_the_command_fails(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        csv_text(
            pump_row(asset_tag="NEW-1"), pump_row(asset_tag="NEW-2", site="DEPOT", acquisition_cost="", currency="")
        ),
        encoding="utf-8",
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 bad row"):
        call_command("import_assets", str(path), "--user", "fm", stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert "line 2 (NEW-1): acquisition_cost: Only finance staff may set this field." in lines[0]
    assert lines[1].startswith("line 3 (NEW-2): You may not add assets at this site.")
    assert not Asset.objects.filter(asset_tag__startswith="NEW-").exists()


@pytest.mark.parametrize(
    "content, args, message",
    [
        (b"asset_tag,name\n", ["--user", "root"], "lacks these columns"),
        (None, ["--user", "root"], "No file"),
        (b"", ["--user", "nobody"], "No active user 'nobody'"),
    ],
)
def test_invalid_file_or_user_fails_the_command(world, tmp_path, content, args, message):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        import_file(path, *args)


def test_command_exit_codes(world, tmp_path, monkeypatch):
    good = tmp_path / "good.csv"
    good.write_text(csv_text(pump_row(asset_tag="NEW-1")), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(pump_row(asset_tag="NEW-1", kind="spaceship")), encoding="utf-8")

    def exit_code(path):
        """The process exit status of `manage.py import_assets PATH --user root --dry-run`."""
        utility = ManagementUtility(["manage.py", "import_assets", str(path), "--user", "root", "--dry-run"])
        # run_from_argv closes every connection when it ends, including the test's own transaction on PostgreSQL.
        monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            try:
                utility.execute()
            except SystemExit as exc:
                return exc.code
        return 0

    assert exit_code(good) == 0
    assert exit_code(bad) == 1
