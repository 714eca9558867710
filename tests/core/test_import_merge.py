"""Import is idempotent: every record carries its uuid, importing the same file twice changes
nothing, importing into a home with data merges by uuid, a dry run changes nothing. Runs on
SQLite and PostgreSQL with the rest of the suite."""

import csv
import io
import json
import uuid
import zipfile
from datetime import date

import pytest
from django.utils import timezone

from followup.core import portability
from followup.core.errors import InvalidInput
from followup.core.models import (
    Application,
    Company,
    Contact,
    Event,
    FollowUp,
    Interaction,
    Interview,
)
from followup.core.services.trash import stamp_deleted

MODELS = (Company, Contact, Application, Interview, Interaction, FollowUp, Event)


def counts(user):
    return {m.__name__: m.objects.filter(owner=user).count() for m in MODELS}


def state(user):
    """Everything stored for `user`, as rows (updated_at included: unchanged rows are not
    written)."""
    return {
        m.__name__: list(m._base_manager.filter(owner=user).order_by("pk").values()) for m in MODELS
    }


@pytest.fixture
def search(owner, record_interview):
    """A job search with the newer fields: an application's own details and a logged call."""
    recorded = record_interview()
    Application.objects.filter(pk=recorded.application.pk).update(
        applied_on=date(2025, 12, 1),
        location="Nairobi",
        salary="KES 150k",
        source="referral",
        job_description="Sell data bundles.",
        cv_version="cv-sales-v3",
        cover_letter_version="cl-2",
        notes="Met at the fair.",
    )
    contact = recorded.interview.interviewers.first()
    Contact.objects.filter(pk=contact.pk).update(preferred_channel="whatsapp")
    Interaction.objects.create(
        owner=owner,
        application=recorded.application,
        contact=contact,
        kind="call",
        at=timezone.now(),
        text="Called to ask about the timeline.",
    )
    return recorded


@pytest.fixture
def other(django_user_model):
    return django_user_model.objects.create(username="other")


def test_every_record_carries_its_uuid_and_the_newer_fields(owner, search):
    data = portability.export_data(owner)
    assert data["version"] == portability.VERSION == 2
    for record in ("company", "contact", "application", "interview", "follow_up", "event"):
        assert data[record] and all(row["uuid"] for row in data[record]), record
    assert data["application"][0]["uuid"] == str(search.application.uuid)
    assert data["application"][0]["cv_version"] == "cv-sales-v3"
    assert data["application"][0]["applied_on"] == "2025-12-01"
    assert {row["preferred_channel"] for row in data["contact"]} >= {"whatsapp"}
    (call,) = data["interaction"]
    assert (call["kind"], call["text"]) == ("call", "Called to ask about the timeline.")


def test_importing_the_same_file_twice_changes_nothing(owner, search, other):
    text = portability.export_text(owner, "json")
    first = portability.import_text(other, text)
    assert first.records["applications"].added == 1
    after_first = state(other)
    second = portability.import_text(other, text)
    assert state(other) == after_first
    assert counts(other) == counts(owner)
    assert all(t.added == 0 and t.changed == 0 for t in second.records.values())
    assert second.records["follow-ups"].unchanged == FollowUp.objects.filter(owner=owner).count()
    assert second.profile == "unchanged"
    assert portability.export_text(other, "json") == text


def test_importing_a_home_into_itself_changes_nothing(owner, search):
    before = state(owner)
    report = portability.import_text(owner, portability.export_text(owner, "json"))
    assert state(owner) == before
    assert sum(t.added + t.changed for t in report.records.values()) == 0


def test_import_into_a_home_with_data_merges_by_uuid(owner, search, other, record_interview):
    theirs = record_interview(owner=other, company="Other Co", role="Analyst")
    data = portability.export_data(owner)
    portability.import_data(other, data)
    imported = Application.objects.get(owner=other, uuid=search.application.uuid)

    # The file changes a value and gains a record: that row is updated, the new one added,
    # the home's own records are left as they were.
    data["application"][0]["role_title"] = "Senior Sales Executive"
    data["interaction"].append(
        {
            "id": 2,
            "uuid": "8d3c1d3e-5b1f-4c55-9d0e-1f5d7f3f2a10",
            "kind": "note",
            "at": "2025-12-10T09:00:00+03:00",
            "text": "Sent the portfolio.",
            "created_at": "2025-12-10T09:00:00+03:00",
            "application": 1,
            "contact": None,
        }
    )
    report = portability.import_data(other, data)
    assert report.records["applications"].changed == 1
    assert report.records["interactions"].added == 1
    assert report.records["companies"].changed == 0
    imported.refresh_from_db()
    assert imported.role_title == "Senior Sales Executive"
    assert Interaction.objects.get(owner=other, text="Sent the portfolio.").application == imported
    assert Application.objects.filter(owner=other).count() == 2
    assert Application.objects.get(pk=theirs.application.pk).role_title == "Analyst"


def test_a_follow_up_replanned_under_another_uuid_is_matched_by_its_slot(owner, search, other):
    data = portability.export_data(owner)
    portability.import_data(other, data)
    for row in data["follow_up"]:
        row["uuid"] = str(uuid.uuid4())
    report = portability.import_data(other, data)
    assert report.records["follow-ups"].added == 0
    assert (
        FollowUp.objects.filter(owner=other).count() == FollowUp.objects.filter(owner=owner).count()
    )


def test_a_version_1_file_without_uuids_still_imports_as_new_records(owner, search, other):
    data = portability.export_data(owner)
    data["version"] = 1
    for record in ("company", "contact", "application", "interview", "interaction"):
        for row in data[record]:
            del row["uuid"]
    for record in ("follow_up", "event"):
        for row in data[record]:
            row.pop("uuid")
    report = portability.import_data(other, data)
    assert report.records["applications"].added == 1
    assert counts(other) == counts(owner)
    assert not Application.objects.filter(owner=other, uuid=search.application.uuid).exists()


def test_a_dry_run_reports_and_changes_nothing(owner, search, other):
    text = portability.export_text(owner, "json")
    before = state(other)
    report = portability.import_text(other, text, dry_run=True)
    assert report.dry_run and report.records["applications"].added == 1
    assert report.records["interactions"].added == 1
    assert state(other) == before
    assert counts(other)["Application"] == 0


def test_rows_in_the_trash_are_not_exported_and_an_import_leaves_them_there(owner, search):
    data = portability.export_data(owner)
    application = search.application
    stamp_deleted(
        Application.objects.filter(pk=application.pk),
        FollowUp.objects.filter(application=application),
        Interview.objects.filter(application=application),
        Interaction.objects.filter(application=application),
    )
    trashed = portability.export_data(owner)
    assert trashed["application"] == [] and trashed["follow_up"] == []
    assert trashed["event"] == [] and trashed["interaction"] == []  # they belong to it
    portability.import_data(owner, data)
    assert not Application.objects.filter(pk=application.pk).exists()
    assert Application.all_objects.get(pk=application.pk).deleted_at is not None


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("not-a-uuid", "application 1: uuid: 'not-a-uuid' is not a UUID"),
        (42, "application 1: uuid: 42 is not a UUID"),
    ],
)
def test_a_bad_uuid_is_refused_in_one_line(owner, search, other, value, named):
    data = portability.export_data(owner)
    data["application"][0]["uuid"] = value
    with pytest.raises(InvalidInput) as caught:
        portability.import_data(other, data)
    assert named in caught.value.message
    assert counts(other)["Company"] == 0


def test_a_uuid_twice_in_a_file_is_refused(owner, search, other):
    data = portability.export_data(owner)
    data["event"][1]["uuid"] = data["event"][0]["uuid"]
    with pytest.raises(InvalidInput) as caught:
        portability.import_data(other, data)
    assert "appears twice in the file" in caught.value.message
    assert counts(other)["Company"] == 0


def test_a_file_from_a_newer_followup_is_refused(owner, other):
    data = portability.export_data(owner)
    data["version"] = 99
    with pytest.raises(InvalidInput) as caught:
        portability.import_data(other, data)
    assert "version 99" in caught.value.message


# ---------------------------------------------------------------------------------------------
# The zip of CSV files: one per record type, for a spreadsheet


def members(raw):
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_zip_holds_one_csv_file_per_record_type_with_its_own_columns(owner, search):
    files = members(portability.export_zip(owner))
    assert {"meta.csv", "profile.csv", "application.csv", "interaction.csv"} <= set(files)
    header, *rows = list(csv.reader(io.StringIO(files["application.csv"])))
    assert header[:3] == ["id", "uuid", "role_title"] and "record" not in header
    assert len(rows) == 1 and rows[0][1] == str(search.application.uuid)


def test_the_zip_neutralises_formulas_and_imports_back_exactly(owner, record_interview, other):
    record_interview(company='=HYPERLINK("http://evil.example","Click")', role="@SUM(A1:A9)")
    raw = portability.export_zip(owner)
    cells = [
        cell
        for text in members(raw).values()
        for row in csv.reader(io.StringIO(text))
        for cell in row
    ]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    portability.import_file(other, raw)
    assert portability.export_zip(other) == raw
    assert Company.objects.get(owner=other).name.startswith("=HYPERLINK")
    twice = portability.import_file(other, raw)
    assert all(t.added == 0 and t.changed == 0 for t in twice.records.values())


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"surprise.exe": "x"}, "unexpected 'surprise.exe' in the zip"),
        ({"meta.csv": "format,version\nsomething-else,2\n"}, "meta.csv does not say"),
        ({"application.csv": "id,uuid,role_title\nx,,Role\n"}, "application.csv: line 2: id"),
    ],
)
def test_a_bad_zip_is_refused_in_one_line_naming_the_file(owner, search, other, change, named):
    files = members(portability.export_zip(owner))
    files.update(change)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    with pytest.raises(InvalidInput) as caught:
        portability.import_file(other, buffer.getvalue())
    assert caught.value.field == "file" and named in caught.value.message
    assert "\n" not in caught.value.message
    assert counts(other)["Company"] == 0


def test_a_truncated_zip_is_refused(owner, other):
    raw = portability.export_zip(owner)
    with pytest.raises(InvalidInput):
        portability.import_file(other, raw[: len(raw) // 2])


def test_the_one_file_csv_carries_uuids_and_imports_twice_the_same(owner, search, other):
    text = portability.export_text(owner, "csv")
    assert "uuid" in next(csv.reader(io.StringIO(text)))
    portability.import_text(other, text)
    after = state(other)
    portability.import_text(other, text)
    assert state(other) == after
    assert json.loads(portability.export_text(other, "json")) == json.loads(
        portability.export_text(owner, "json")
    )
