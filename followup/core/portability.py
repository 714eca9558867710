"""Export and import a user's data: JSON, one CSV file, or a zip of one CSV file per record
type (for a spreadsheet).

Ids are renumbered 1..n per table in export order, so export → import into an empty home →
export gives the same text. Every record also carries its stable `uuid`: import matches on it
(per owner), so importing the same file twice changes nothing and importing into a home with
data merges (a record with a known uuid is updated to the file's values, the others are added).
Files without uuids (version 1) still import, as new records. Rows in the trash are not
exported, and an import leaves a trashed row where it is.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from followup.core.errors import InvalidInput
from followup.core.models import (
    Application,
    Company,
    Contact,
    Event,
    FollowUp,
    Interaction,
    Interview,
    MessageTemplate,
    Portable,
    Profile,
)
from followup.core.owner import Owner
from followup.core.services import get_profile
from followup.core.services.profile import PROFILE_FIELDS as SETTINGS_FIELDS
from followup.drafting import CALL_SCRIPT, MAX_BODY_CHARS, TemplateSource, validate_template
from followup.lib.addresses import has_line_break
from followup.lib.vocabulary import UnknownZone, zone
from followup.planner.calendar import UnknownCountry, validate_country
from followup.planner.types import KINDS

FORMAT = "followup-export"
# 2: every record carries its `uuid`; interactions and the application's own fields.
VERSION = 2


@dataclass(frozen=True)
class Table:
    record: str
    model: type[models.Model]
    fields: tuple[str, ...]
    foreign_keys: dict[str, str]  # field name -> record name it points to
    many_to_many: dict[str, str]


TABLES: tuple[Table, ...] = (
    Table("template", MessageTemplate, ("kind", "subject", "body"), {}, {}),
    Table(
        "company",
        Company,
        ("name", "website", "careers_url", "country", "time_zone", "created_at"),
        {},
        {},
    ),
    Table(
        "contact",
        Contact,
        (
            "name",
            "email",
            "phone",
            "title",
            "linkedin_url",
            "time_zone",
            "notes",
            "preferred_channel",
            "bounced_at",
        ),
        {"company": "company"},
        {},
    ),
    Table(
        "application",
        Application,
        (
            "role_title",
            "job_url",
            "applied_on",
            "location",
            "salary",
            "source",
            "job_description",
            "cv_version",
            "cover_letter_version",
            "notes",
            "archived_at",
            "role_type",
            "status",
            "keep_warm",
            "profile",
            "rejected_at",
            "no_response_at",
            "created_at",
        ),
        {"company": "company", "recruiter": "contact"},
        {},
    ),
    Table(
        "interview",
        Interview,
        (
            "round_name",
            "format",
            "start",
            "end",
            "time_zone",
            "notes",
            "unasked_questions",
            "promised_phrase",
            "promised_date",
            "commitments",
            "asked_to_check_website",
            "confidence",
            "went_well",
            "to_improve",
            "cancelled",
            "created_at",
        ),
        {"application": "application"},
        {"interviewers": "contact"},
    ),
    Table(
        "interaction",
        Interaction,
        ("kind", "at", "text", "created_at"),
        {"application": "application", "contact": "contact"},
        {},
    ),
    Table(
        "follow_up",
        FollowUp,
        (
            "slot",
            "kind",
            "channel",
            "due",
            "due_tz",
            "status",
            "reason",
            "commitment",
            "subject",
            "body",
            "edited",
            "sent_at",
            "message_id",
            "replied_at",
            "created_at",
        ),
        {"application": "application", "interview": "interview", "recipient": "contact"},
        {},
    ),
    Table(
        "event",
        Event,
        ("at", "kind", "message", "data"),
        {"application": "application", "follow_up": "follow_up"},
        {},
    ),
)
# What the Settings page saves, plus what its other pages keep.
PROFILE_FIELDS = (*SETTINGS_FIELDS, "question_bank", "match_replies_by_sender")


def _dump_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _is_portable(table: Table) -> bool:
    return issubclass(table.model, Portable)


def export_data(owner: Owner) -> dict[str, Any]:
    """Every record of the owner, in order, with its uuid; rows in the trash are left out, and
    so is what cannot exist without them (a reference to one that may be empty is empty)."""
    profile = get_profile(owner)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        # to_python first: a profile made in this process holds its defaults as typed ("08:00"),
        # one read from the database holds times; both export the same.
        "profile": {
            f: _dump_value(_field(Profile, f).to_python(getattr(profile, f)))
            for f in PROFILE_FIELDS
        },
    }
    numbering: dict[str, dict[int, int]] = {}
    for table in TABLES:
        # The default manager: rows in the trash are not exported.
        qs = table.model.objects.filter(owner=owner).order_by("pk")  # type: ignore[attr-defined]
        if table.many_to_many:
            qs = qs.prefetch_related(*table.many_to_many)
        rows: list[dict[str, Any]] = []
        ids: dict[int, int] = {}
        for obj in qs:
            references: dict[str, int | None] = {}
            for name, target in table.foreign_keys.items():
                raw = getattr(obj, f"{name}_id")
                references[name] = numbering[target].get(raw) if raw is not None else None
                if (
                    raw is not None
                    and references[name] is None
                    and not _field(table.model, name).null
                ):
                    break  # it belongs to a row in the trash
            else:
                number = len(rows) + 1
                ids[obj.pk] = number
                row: dict[str, Any] = {"id": number}
                if _is_portable(table):
                    row["uuid"] = str(obj.uuid)
                for name in table.fields:
                    row[name] = _dump_value(getattr(obj, name))
                row.update(references)
                for name, target in table.many_to_many.items():
                    row[name] = sorted(
                        numbering[target][o.pk]
                        for o in getattr(obj, name).all()
                        if o.pk in numbering[target]
                    )
                rows.append(row)
        numbering[table.record] = ids
        data[table.record] = rows
    return data


def _columns(table: Table) -> list[str]:
    return [
        "id",
        *(["uuid"] if _is_portable(table) else []),
        *table.fields,
        *table.foreign_keys,
        *table.many_to_many,
    ]


def export_text(owner: Owner, fmt: str) -> str:
    """JSON, or every record type in one CSV file (a `record` column says which)."""
    data = export_data(owner)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    columns = ["record"]
    for table in TABLES:
        for name in _columns(table):
            if name not in columns:
                columns.append(name)
    for name in PROFILE_FIELDS:
        if name not in columns:
            columns.append(name)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerow({"record": "meta", "id": VERSION, "name": FORMAT})
    writer.writerow({"record": "profile", **{k: _csv_cell(v) for k, v in data["profile"].items()}})
    for table in TABLES:
        for row in data[table.record]:
            writer.writerow({"record": table.record, **{k: _csv_cell(v) for k, v in row.items()}})
    return out.getvalue()


# The zip export: one CSV file per record type, each with only its own columns, for a
# spreadsheet; meta.csv says what the zip is.
ZIP_META = "meta.csv"
ZIP_PROFILE = "profile.csv"
# A hostile zip must not exhaust memory: no member of a followup export comes near this.
MAX_ZIP_MEMBER_BYTES = 200 * 1024 * 1024


def _csv_file(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def export_zip(owner: Owner) -> bytes:
    """A zip of one CSV file per record type (company.csv, application.csv …), to open in a
    spreadsheet; `followup import` reads it back."""
    data = export_data(owner)
    buffer = io.BytesIO()
    files = {
        ZIP_META: _csv_file(["format", "version"], [{"format": FORMAT, "version": VERSION}]),
        ZIP_PROFILE: _csv_file(PROFILE_FIELDS, [data["profile"]]),
    }
    for table in TABLES:
        files[f"{table.record}.csv"] = _csv_file(_columns(table), data[table.record])
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            # A fixed date: the same data gives the same bytes (export → import → export).
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return _neutralise_formula(str(value))


# A cell starting with one of these is run as a formula by Excel and LibreOffice (OWASP "CSV
# Injection"): such cells get a leading apostrophe, which spreadsheets show as text. A cell
# already starting with an apostrophe gets one more, so import can always remove exactly one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def _neutralise_formula(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _restore_formula(cell: Any) -> Any:
    return cell[1:] if isinstance(cell, str) and cell.startswith("'") else cell


# ---------------------------------------------------------------------------------------------


def _read(text: str) -> dict[str, Any]:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput("file", f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
        except RecursionError:
            raise InvalidInput("file", "not a followup export (nested too deeply)") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidInput("file", 'not a followup export (no "format": "followup-export")')
        return data
    return _read_csv(text)


def _csv_rows(text: str, where: str = "") -> tuple[list[str], list[dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise InvalidInput("file", f"{where}line {reader.line_num}: {exc}") from None
    for line, row in enumerate(rows, start=2):
        if None in row:
            raise InvalidInput(
                "file", f"{where}line {line}: more cells than the header has columns"
            )
    return fieldnames, [{k: _restore_formula(v) for k, v in row.items()} for row in rows]


def _csv_item(table: Table, row: dict[str, Any], line: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": _int(row.get("id", ""), line, "id")}
    if _is_portable(table):
        item["uuid"] = row.get("uuid") or None
    for name in table.fields:
        item[name] = _csv_value(table.model, name, row.get(name, ""), line)
    for name in table.foreign_keys:
        cell = row.get(name, "")
        item[name] = _int(cell, line, name) if cell else None
    for name in table.many_to_many:
        cell = row.get(name, "") or "[]"
        try:
            item[name] = [int(v) for v in json.loads(cell)]
        except (ValueError, TypeError):
            raise InvalidInput("file", f"line {line}: {name} is not a list of ids") from None
    return item


def _version(cell: Any) -> int:
    try:
        return int(cell)
    except (TypeError, ValueError):
        raise InvalidInput("file", f"version {cell!r} is not a number") from None


def _read_csv(text: str) -> dict[str, Any]:
    fieldnames, rows = _csv_rows(text)
    if not fieldnames or "record" not in fieldnames:
        raise InvalidInput(
            "file", "not a followup export (neither JSON nor a CSV with a 'record' column)"
        )
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    tables = {t.record: t for t in TABLES}
    for table in TABLES:
        data[table.record] = []
    seen_meta = False
    for line, row in enumerate(rows, start=2):
        record = row.get("record", "")
        if record == "meta":
            seen_meta = row.get("name") == FORMAT
            data["version"] = _version(row.get("id"))
        elif record == "profile":
            data["profile"] = {
                f: _csv_value(Profile, f, row.get(f, ""), line) for f in PROFILE_FIELDS
            }
        elif record in tables:
            data[record].append(_csv_item(tables[record], row, line))
        else:
            raise InvalidInput("file", f"line {line}: unknown record type {record!r}")
    if not seen_meta:
        raise InvalidInput("file", "not a followup export (no meta line)")
    return data


def _read_zip(raw: bytes) -> dict[str, Any]:
    """The zip `export_zip` writes: meta.csv, profile.csv and one CSV file per record type (a
    missing one is an empty table)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidInput("file", f"not a readable zip ({message})") from None
    tables = {f"{t.record}.csv": t for t in TABLES}
    known = {ZIP_META, ZIP_PROFILE, *tables}
    unknown = sorted(set(members) - known)
    if unknown:
        raise InvalidInput("file", f"not a followup export: unexpected {unknown[0]!r} in the zip")
    if ZIP_META not in members:
        raise InvalidInput("file", f"not a followup export (no {ZIP_META} in the zip)")

    def text_of(name: str) -> str:
        if members[name].file_size > MAX_ZIP_MEMBER_BYTES:
            raise InvalidInput("file", f"{name}: larger than {MAX_ZIP_MEMBER_BYTES:,} bytes")
        try:
            return archive.read(name).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("file", f"{name}: not UTF-8 text") from None
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            EOFError,
            zlib.error,
            NotImplementedError,  # a compression method zipfile does not know
            RuntimeError,  # an encrypted member
        ) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InvalidInput("file", f"{name}: cannot be read from the zip ({message})") from None

    _, meta = _csv_rows(text_of(ZIP_META), f"{ZIP_META}: ")
    if not meta or meta[0].get("format") != FORMAT:
        raise InvalidInput("file", f"not a followup export ({ZIP_META} does not say {FORMAT})")
    data: dict[str, Any] = {"format": FORMAT, "version": _version(meta[0].get("version"))}
    if ZIP_PROFILE in members:
        _, profile = _csv_rows(text_of(ZIP_PROFILE), f"{ZIP_PROFILE}: ")
        if profile:
            data["profile"] = {
                f: _csv_value(Profile, f, profile[0].get(f, ""), 2) for f in PROFILE_FIELDS
            }
    for name, table in tables.items():
        data[table.record] = []
        if name in members:
            _, rows = _csv_rows(text_of(name), f"{name}: ")
            try:
                data[table.record] = [
                    _csv_item(table, row, line) for line, row in enumerate(rows, start=2)
                ]
            except InvalidInput as exc:
                raise InvalidInput(exc.field, f"{name}: {exc.message}") from None
    return data


def _int(cell: str, line: int, name: str) -> int:
    try:
        return int(cell)
    except ValueError:
        raise InvalidInput("file", f"line {line}: {name} {cell!r} is not a number") from None


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A concrete column of `model` (the tables list only those)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _csv_value(model: type[models.Model], name: str, cell: str | None, line: int) -> Any:
    cell = cell or ""
    field = _field(model, name)
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return cell.lower() == "true"
    if kind == "JSONField":
        try:
            return json.loads(cell) if cell else field.get_default()
        except json.JSONDecodeError:
            raise InvalidInput("file", f"line {line}: {name} is not valid JSON") from None
    if cell == "" and field.null:
        return None
    if kind in ("PositiveSmallIntegerField", "IntegerField") and cell:
        return _int(cell, line, name)
    return cell


def _to_python(model: type[models.Model], name: str, value: Any, record: str) -> Any:
    field = _field(model, name)
    try:
        value = field.to_python(value)
    except Exception as exc:  # django.core.exceptions.ValidationError and friends
        raise InvalidInput("file", f"{record} {name}: {value!r} is not valid ({exc})") from None
    if value is None and not field.null:
        value = field.get_default()
    return value


# Stored values that are plain strings by design: timeline kinds the worker writes that
# Event.Kind has no name for (e.g. "follow_up_failed").
_FREE_CHOICES = {(Event, "kind")}
_ZONE_FIELDS = {"time_zone", "due_tz"}
_COUNTRY_FIELDS = {"country"}


def _is_id(value: Any) -> bool:
    return type(value) is int and value > 0  # not a bool, a list or a string


def _validate(obj: models.Model, record: str, label: str, skip: Iterable[str] = ()) -> None:
    """The checks the forms and the CLI make, for one record about to be stored: Django's
    field validation (lengths, choices, emails, URLs) plus what a model field cannot say."""
    where = f"{record} {label}"
    exclude = {f.name for f in obj._meta.fields if f.is_relation} | set(skip)
    exclude |= {name for model, name in _FREE_CHOICES if isinstance(obj, model)}
    for field in obj._meta.fields:
        if field.is_relation:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.JSONField) and "\\u0000" in json.dumps(value):
            # PostgreSQL cannot store a NUL inside JSON text.
            raise InvalidInput("file", f"{where}: {field.name}: contains a NUL character")
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInput("file", f"{where}: {field.name}: contains a NUL character")
            if isinstance(field, models.CharField) and has_line_break(value):
                raise InvalidInput("file", f"{where}: {field.name}: must be one line")
            if (
                isinstance(field, models.URLField)
                and value
                and not value.lower().startswith(("http://", "https://"))
            ):
                raise InvalidInput(
                    "file", f"{where}: {field.name}: {value!r} is not an http(s) address"
                )
            if field.name in _ZONE_FIELDS and (value or not field.blank):
                try:
                    zone(value)
                except UnknownZone as exc:
                    raise InvalidInput("file", f"{where}: {field.name}: {exc}") from None
            if field.name in _COUNTRY_FIELDS and value:
                try:
                    validate_country(value)
                except UnknownCountry as exc:
                    raise InvalidInput("file", f"{where}: {field.name}: {exc}") from None
    for model, name in _FREE_CHOICES:
        value = getattr(obj, name, "") if isinstance(obj, model) else ""
        limit = _field(model, name).max_length or 0
        if not isinstance(value, str) or len(value) > limit:
            raise InvalidInput("file", f"{where}: {name}: is not a name of up to {limit} letters")
    try:
        obj.full_clean(exclude=sorted(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        field_name = "" if name == "__all__" else f"{name}: "
        raise InvalidInput("file", f"{where}: {field_name}{' '.join(messages)}") from None
    if isinstance(obj, FollowUp) and len(obj.body) > MAX_BODY_CHARS:
        raise InvalidInput("file", f"{where}: body: is longer than {MAX_BODY_CHARS:,} characters")
    if isinstance(obj, MessageTemplate):
        if obj.kind not in KINDS and obj.kind != CALL_SCRIPT:
            raise InvalidInput("file", f"{where}: kind: unknown follow-up kind {obj.kind!r}")
        problems = validate_template(TemplateSource(obj.subject, obj.body), obj.kind)
        if problems:
            raise InvalidInput("file", f"{where}: {problems[0]}")


@dataclass
class Tally:
    """What an import did (or, in a dry run, would do) to one record type."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    dry_run: bool
    # Plural record name ("applications") -> its tally, in the file's order.
    records: dict[str, Tally] = dataclasses.field(default_factory=dict)
    profile: str = ""  # "changed", "unchanged", or "" when the file has no profile

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "profile": self.profile or None,
            "records": {
                name: {"added": t.added, "changed": t.changed, "unchanged": t.unchanged}
                for name, t in self.records.items()
            },
        }


def _uuid_of(table: Table, row: dict[str, Any], seen: set[uuid.UUID]) -> uuid.UUID | None:
    """The record's uuid (None: a version 1 file, the record is new); twice in a file is
    refused."""
    value = row.get("uuid")
    if value is None or not _is_portable(table):
        return None
    where = f"{table.record} {row['id']}: uuid"
    if not isinstance(value, str):
        raise InvalidInput("file", f"{where}: {value!r} is not a UUID")
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise InvalidInput("file", f"{where}: {value!r} is not a UUID") from None
    if parsed in seen:
        raise InvalidInput("file", f"{where}: {value} appears twice in the file")
    seen.add(parsed)
    return parsed


# Looking rows up by uuid in slices: a parameter each, under every database's limit.
_LOOKUP_SLICE = 500


def _existing_by_uuid(
    owner: Owner, table: Table, uuids: list[uuid.UUID]
) -> dict[uuid.UUID, models.Model]:
    """The owner's rows with these uuids, those in the trash included (the base manager)."""
    found: dict[uuid.UUID, models.Model] = {}
    manager = table.model._base_manager
    for start in range(0, len(uuids), _LOOKUP_SLICE):
        part = uuids[start : start + _LOOKUP_SLICE]
        for obj in manager.filter(owner=owner, uuid__in=part):
            found[obj.uuid] = obj  # type: ignore[attr-defined]
    return found


def _existing_match(
    owner: Owner,
    table: Table,
    values: dict[str, Any],
    by_uuid: dict[uuid.UUID, models.Model],
    record_uuid: uuid.UUID | None,
    preexisting: set[int],
) -> models.Model | None:
    """The row this record is: the one with its uuid; a template of its kind; a follow-up of
    its slot in an application that was already here (re-planning made it under another
    uuid: one follow-up per slot)."""
    if table.model is MessageTemplate:
        return MessageTemplate.objects.filter(owner=owner, kind=values["kind"]).first()
    if record_uuid is not None and record_uuid in by_uuid:
        return by_uuid[record_uuid]
    if table.model is FollowUp and values.get("application_id") in preexisting:
        return FollowUp._base_manager.filter(
            owner=owner, application_id=values["application_id"], slot=values["slot"]
        ).first()
    return None


def _differences(obj: models.Model, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def import_data(owner: Owner, data: dict[str, Any], *, dry_run: bool = False) -> ImportReport:
    """Merge a file into the owner's data by uuid, in one transaction: a record whose uuid is
    known updates that row to the file's values (unchanged ones are not written), the others
    are added, references are resolved to the rows they became. A dry run does it all, then
    rolls back. Bad input: InvalidInput naming the record and the field, nothing changed."""
    version = data.get("version", 1)
    if not _is_id(version) or version > VERSION:
        raise InvalidInput(
            "file",
            f"version {version!r} is not one this followup reads (1 to {VERSION}); "
            "a newer followup may have written it",
        )
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import(owner, data, report)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        raise InvalidInput(
            "file", f"two records clash ({str(exc).splitlines()[0][:200]})"
        ) from None
    return report


def _import(owner: Owner, data: dict[str, Any], report: ImportReport) -> None:
    if isinstance(data.get("profile"), dict):
        profile = get_profile(owner)
        before = {name: getattr(profile, name) for name in PROFILE_FIELDS}
        for name in PROFILE_FIELDS:
            if name in data["profile"]:
                setattr(profile, name, _to_python(Profile, name, data["profile"][name], "profile"))
        _validate(profile, "profile", "", skip=["calendar_token"])
        changed = [name for name in PROFILE_FIELDS if getattr(profile, name) != before[name]]
        report.profile = "changed" if changed else "unchanged"
        if changed:
            profile.save(update_fields=changed)
    mapping: dict[str, dict[int, int]] = {}
    added: dict[str, set[int]] = {}
    for table in TABLES:
        rows = data.get(table.record, [])
        if not isinstance(rows, list):
            raise InvalidInput("file", f"{table.record} must be a list")
        for row in rows:
            if not isinstance(row, dict) or not _is_id(row.get("id")):
                article = "an" if table.record[0] in "aeiou" else "a"
                raise InvalidInput(
                    "file", f"{article} {table.record} entry has no id (a whole number above 0)"
                )
        seen: set[uuid.UUID] = set()
        uuids = [_uuid_of(table, row, seen) for row in rows]
        by_uuid = _existing_by_uuid(owner, table, [u for u in uuids if u is not None])
        # Applications that were here before this import (not added by it).
        preexisting = set(mapping.get("application", {}).values()) - added.get("application", set())
        tally = Tally()
        mapping[table.record] = {}
        for row, record_uuid in zip(rows, uuids, strict=True):
            values = {n: _to_python(table.model, n, row.get(n), table.record) for n in table.fields}
            for name, target in table.foreign_keys.items():
                ref = row.get(name)
                if ref is None:
                    if not _field(table.model, name).null:
                        raise InvalidInput(
                            "file", f"{table.record} {row['id']}: {name} is required"
                        )
                    values[f"{name}_id"] = None
                    continue
                if not _is_id(ref) or ref not in mapping[target]:
                    raise InvalidInput(
                        "file", f"{table.record} {row['id']}: {name} {ref!r} does not exist"
                    )
                values[f"{name}_id"] = mapping[target][ref]
            refs: dict[str, list[int]] = {}
            for name, target in table.many_to_many.items():
                listed = row.get(name, [])
                if not isinstance(listed, list) or not all(_is_id(r) for r in listed):
                    raise InvalidInput(
                        "file", f"{table.record} {row['id']}: {name} is not a list of ids"
                    )
                refs[name] = sorted({mapping[target][r] for r in listed if r in mapping[target]})
            _validate(table.model(owner=owner, **values), table.record, str(row["id"]))
            obj = _existing_match(owner, table, values, by_uuid, record_uuid, preexisting)
            if obj is None:
                if record_uuid is not None:
                    values["uuid"] = record_uuid
                obj = table.model(owner=owner, **values)
                obj.save()
                for name, ids in refs.items():
                    getattr(obj, name).set(ids)
                tally.added += 1
                added.setdefault(table.record, set()).add(obj.pk)
            elif getattr(obj, "deleted_at", None) is not None:
                tally.unchanged += 1  # in the trash: it stays there, as the person left it
            else:
                changed = _differences(obj, values)
                moved = [
                    name
                    for name, ids in refs.items()
                    if sorted(o.pk for o in getattr(obj, name).all()) != ids
                ]
                if changed:
                    for name in changed:
                        setattr(obj, name, values[name])
                    obj.save(update_fields=changed)
                for name in moved:
                    getattr(obj, name).set(refs[name])
                if changed or moved:
                    tally.changed += 1
                else:
                    tally.unchanged += 1
            mapping[table.record][row["id"]] = obj.pk
        report.records[_plural(table.record)] = tally


def _plural(record: str) -> str:
    return {"company": "companies"}.get(record, record.replace("_", "-") + "s")


def read_file(raw: bytes) -> dict[str, Any]:
    """A file `followup export` wrote: the zip of CSV files, JSON, or the one-file CSV."""
    if raw.startswith(b"PK\x03\x04"):
        return _read_zip(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("file", f"not UTF-8 text, JSON or a zip ({exc.reason})") from None
    return _read(text)


def import_file(owner: Owner, raw: bytes, *, dry_run: bool = False) -> ImportReport:
    return import_data(owner, read_file(raw), dry_run=dry_run)


def import_text(owner: Owner, text: str, *, dry_run: bool = False) -> ImportReport:
    return import_data(owner, _read(text), dry_run=dry_run)
