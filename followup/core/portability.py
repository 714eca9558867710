"""Export and import a user's data as JSON or as one CSV file.

Ids are renumbered 1..n per table in export order, so export → import into an empty home →
export gives the same text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from followup.core.errors import InvalidInput
from followup.core.models import (
    Application,
    Company,
    Contact,
    Event,
    FollowUp,
    Interview,
    MessageTemplate,
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
VERSION = 1


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
        ("name", "email", "phone", "title", "linkedin_url", "time_zone", "notes", "bounced_at"),
        {"company": "company"},
        {},
    ),
    Table(
        "application",
        Application,
        (
            "role_title",
            "job_url",
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


def export_data(owner: Owner) -> dict[str, Any]:
    profile = get_profile(owner)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "profile": {f: _dump_value(getattr(profile, f)) for f in PROFILE_FIELDS},
    }
    numbering: dict[str, dict[int, int]] = {}
    for table in TABLES:
        qs = table.model.objects.filter(owner=owner).order_by("pk")  # type: ignore[attr-defined]
        if table.many_to_many:
            qs = qs.prefetch_related(*table.many_to_many)
        rows = []
        ids: dict[int, int] = {}
        for number, obj in enumerate(qs, start=1):
            ids[obj.pk] = number
            row: dict[str, Any] = {"id": number}
            for name in table.fields:
                row[name] = _dump_value(getattr(obj, name))
            for name, target in table.foreign_keys.items():
                raw = getattr(obj, f"{name}_id")
                row[name] = numbering[target].get(raw) if raw is not None else None
            for name, target in table.many_to_many.items():
                row[name] = sorted(numbering[target][o.pk] for o in getattr(obj, name).all())
            rows.append(row)
        numbering[table.record] = ids
        data[table.record] = rows
    return data


def export_text(owner: Owner, fmt: str) -> str:
    data = export_data(owner)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    columns = ["record", "id"]
    for table in TABLES:
        for name in (*table.fields, *table.foreign_keys, *table.many_to_many):
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


def _read_csv(text: str) -> dict[str, Any]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames
        rows = list(reader)
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise InvalidInput("file", f"line {reader.line_num}: {exc}") from None
    if not fieldnames or "record" not in fieldnames:
        raise InvalidInput(
            "file", "not a followup export (neither JSON nor a CSV with a 'record' column)"
        )
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    tables = {t.record: t for t in TABLES}
    for table in TABLES:
        data[table.record] = []
    seen_meta = False
    for line, raw_row in enumerate(rows, start=2):
        if None in raw_row:
            raise InvalidInput("file", f"line {line}: more cells than the header has columns")
        row = {key: _restore_formula(cell) for key, cell in raw_row.items()}
        record = row.get("record", "")
        if record == "meta":
            seen_meta = row.get("name") == FORMAT
        elif record == "profile":
            data["profile"] = {
                f: _csv_value(Profile, f, row.get(f, ""), line) for f in PROFILE_FIELDS
            }
        elif record in tables:
            table = tables[record]
            item: dict[str, Any] = {"id": _int(row.get("id", ""), line, "id")}
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
                    raise InvalidInput(
                        "file", f"line {line}: {name} is not a list of ids"
                    ) from None
            data[record].append(item)
        else:
            raise InvalidInput("file", f"line {line}: unknown record type {record!r}")
    if not seen_meta:
        raise InvalidInput("file", "not a followup export (no meta line)")
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


def import_data(owner: Owner, data: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with transaction.atomic():
        if isinstance(data.get("profile"), dict):
            profile = get_profile(owner)
            for name in PROFILE_FIELDS:
                if name in data["profile"]:
                    setattr(
                        profile, name, _to_python(Profile, name, data["profile"][name], "profile")
                    )
            _validate(profile, "profile", "", skip=["calendar_token"])
            profile.save()
        mapping: dict[str, dict[int, int]] = {}
        for table in TABLES:
            rows = data.get(table.record, [])
            if not isinstance(rows, list):
                raise InvalidInput("file", f"{table.record} must be a list")
            mapping[table.record] = {}
            for row in rows:
                if not isinstance(row, dict) or not _is_id(row.get("id")):
                    raise InvalidInput(
                        "file",
                        f"{'an' if table.record[0] in 'aeiou' else 'a'} {table.record} entry has no id (a whole number above 0)",
                    )
                values = {
                    n: _to_python(table.model, n, row.get(n), table.record) for n in table.fields
                }
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
                _validate(table.model(owner=owner, **values), table.record, str(row["id"]))
                obj: models.Model
                if table.model is MessageTemplate:
                    obj, _ = MessageTemplate.objects.update_or_create(
                        owner=owner, kind=values["kind"], defaults=values
                    )
                else:
                    obj = table.model(owner=owner, **values)
                    obj.save()
                    for name, target in table.many_to_many.items():
                        refs = row.get(name, [])
                        if not isinstance(refs, list) or not all(_is_id(r) for r in refs):
                            raise InvalidInput(
                                "file", f"{table.record} {row['id']}: {name} is not a list of ids"
                            )
                        ids = [mapping[target][r] for r in refs if r in mapping[target]]
                        getattr(obj, name).set(ids)
                mapping[table.record][row["id"]] = obj.pk
            counts[_plural(table.record)] = len(rows)
    return counts


def _plural(record: str) -> str:
    return {"company": "companies"}.get(record, record.replace("_", "-") + "s")


def import_text(owner: Owner, text: str) -> dict[str, int]:
    return import_data(owner, _read(text))
