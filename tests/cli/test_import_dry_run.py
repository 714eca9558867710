"""`followup export` and `followup import [--dry-run]` as real processes: importing the same
file twice changes nothing, a dry run says what would be added and changed and changes
nothing, the CSV export for a spreadsheet is a zip of one file per record type, bad files are
refused in one line."""

import io
import json
import zipfile

import pytest

from followup.core.models import Application, FollowUp

from .conftest import assert_bad_input


@pytest.fixture
def exported(run_cli, owner, record_interview, tmp_path):
    record_interview()
    path = tmp_path / "all.json"
    result = run_cli("export", "-o", path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def other_home():
    """Another account stands for another home on this test database."""
    from django.contrib.auth import get_user_model

    from followup.core.queries import get_profile

    get_profile(get_user_model().objects.create(username="other"))  # as its first command would
    return ["--user", "other"]


def test_a_dry_run_prints_what_would_be_added_and_changes_nothing(
    run_cli, exported, other_home, unchanged
):
    with unchanged():
        result = run_cli(*other_home, "import", "--dry-run", exported)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Dry run: nothing was changed. Importing {exported} would:"
    assert "  applications: 1 to add, 0 to change, 0 unchanged" in lines
    follow_ups = FollowUp.objects.filter(owner__username="local").count()
    assert f"  follow-ups: {follow_ups} to add, 0 to change, 0 unchanged" in lines


def test_a_dry_run_of_a_file_already_imported_would_change_nothing(
    run_cli, cli_json, exported, other_home
):
    assert run_cli(*other_home, "import", exported).returncode == 0
    report = cli_json(*other_home, "import", "--dry-run", exported)
    assert report["dry_run"] is True and report["profile"] == "unchanged"
    assert report["records"]["applications"] == {"added": 0, "changed": 0, "unchanged": 1}
    assert all(r["added"] == 0 and r["changed"] == 0 for r in report["records"].values())


def test_importing_the_same_file_twice_changes_nothing(run_cli, exported, other_home, unchanged):
    first = run_cli(*other_home, "import", exported)
    assert first.returncode == 0, first.stderr
    assert "  applications: 1 added, 0 changed, 0 unchanged" in first.stdout.splitlines()
    with unchanged():
        second = run_cli(*other_home, "import", exported)
    assert second.returncode == 0, second.stderr
    assert "  applications: 0 added, 0 changed, 1 unchanged" in second.stdout.splitlines()
    assert Application.objects.filter(owner__username="other").count() == 1


def test_a_dry_run_names_what_would_change(run_cli, exported, other_home, unchanged):
    assert run_cli(*other_home, "import", exported).returncode == 0
    data = json.loads(exported.read_text())
    data["application"][0]["role_title"] = "Senior Sales Executive"
    exported.write_text(json.dumps(data))
    with unchanged():
        result = run_cli(*other_home, "import", "--dry-run", exported)
    assert "  applications: 0 to add, 1 to change, 0 unchanged" in result.stdout.splitlines()


def test_the_csv_export_for_a_spreadsheet_is_a_zip_that_imports_back(
    run_cli, exported, other_home, tmp_path
):
    archive = tmp_path / "out.zip"
    result = run_cli("export", "--format", "csv", "-o", archive)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as z:
        assert {"meta.csv", "application.csv", "follow_up.csv"} <= set(z.namelist())
    dry = run_cli(*other_home, "import", "--dry-run", archive)
    assert "  applications: 1 to add, 0 to change, 0 unchanged" in dry.stdout.splitlines()
    assert run_cli(*other_home, "import", archive).returncode == 0
    again = tmp_path / "again.zip"
    assert run_cli(*other_home, "export", "--format", "csv", "-o", again).returncode == 0
    assert again.read_bytes() == archive.read_bytes()


def test_a_csv_export_to_standard_output_says_how_to_get_the_zip(run_cli, exported):
    result = run_cli("export", "--format", "csv")
    assert result.returncode == 0
    assert result.stdout.startswith("record,id,") and ",uuid," in result.stdout.splitlines()[0]
    assert "-o export.zip" in result.stderr


def test_a_zip_of_json_is_bad_input(run_cli, owner, tmp_path):
    assert_bad_input(run_cli("export", "-o", tmp_path / "out.zip"), "output")
    assert not (tmp_path / "out.zip").exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        (
            '{"format": "followup-export", "version": 2, "application": [{"id": 1, "uuid": "x"}]}',
            "uuid",
        ),
        (b"PK\x03\x04 this is no zip", "not a readable zip"),
    ],
)
def test_a_missing_or_malformed_file_is_refused_in_one_line_and_nothing_changes(
    run_cli, exported, tmp_path, unchanged, content, says
):
    bad = tmp_path / "bad.json"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not None:
        bad.write_text(content)
    for dry_run in ([], ["--dry-run"]):
        with unchanged():
            result = run_cli("import", *dry_run, bad)
        assert_bad_input(result, "file")
        assert says in result.stderr
