"""Recording an interview: what a person typed, checked before anything is written, then the
company, contacts, interview and its plan. Also the checks other forms reuse (zones, countries,
email addresses)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from followup.core.errors import InvalidInput
from followup.core.models import Application, Company, Contact, Event, FollowUp, Interview
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services.owned import effective_country, get_application, log_event
from followup.core.services.planning import move_to_stage, replan
from followup.lib.addresses import (
    BadAddress,
    check_email,
    has_line_break,
    parse_addressed_person,
    parse_person,
)
from followup.lib.phones import BadPhone, normalise_phone
from followup.lib.vocabulary import UnknownZone, format_local, zone
from followup.planner import BusinessCalendar, resolve_phrase
from followup.planner.calendar import UnknownCountry, validate_country


@dataclass
class PersonInput:
    name: str
    email: str = ""
    phone: str = ""  # as typed; stored in E.164


@dataclass
class InterviewInput:
    company: str
    role: str
    start: datetime | str
    tz: str
    end: datetime | str | None = None
    duration_minutes: int | None = None
    role_type: str = "standard"
    country: str = ""
    company_tz: str = ""
    company_website: str = ""
    careers_url: str = ""
    job_url: str = ""
    interviewers: list[str] = field(default_factory=list)  # "Name <email>"
    recruiter: str = ""
    notes: str = ""
    unasked: list[str] = field(default_factory=list)
    promised: str = ""
    commitments: list[str] = field(default_factory=list)
    check_website: bool = False
    round_name: str = ""
    format: str = "video"
    application_id: int | None = None  # a further round of an existing application
    confidence: int | None = None
    went_well: str = ""
    to_improve: str = ""
    keep_warm: bool = True


def parse_local_datetime(value: datetime | str, tz: str, field_name: str) -> datetime:
    """A datetime typed by a person, read in `tz` unless it carries its own offset."""
    if isinstance(value, datetime):
        dt = value
    else:
        text = value.strip().replace("T", " ")
        if not text:
            raise InvalidInput(field_name, "is required")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(
                field_name, f"{value!r} is not a date and time like 2026-12-11 14:00"
            ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone(tz))
    if not EARLIEST_YEAR <= dt.year <= LATEST_YEAR:
        # Far-off years overflow the calendar arithmetic of the plan (a date past 9999).
        raise InvalidInput(field_name, f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return dt


EARLIEST_YEAR, LATEST_YEAR = 1970, 2100
# What a person writes about one interview; drafts quote it, and a draft has a size limit.
NOTES_MAX, LINE_MAX, LINES_MAX = 10_000, 300, 30
URL_MAX = 200  # what the URL fields hold


def check_zone(value: str, field_name: str) -> str:
    try:
        zone(value)
    except UnknownZone:
        raise InvalidInput(
            field_name, f"unknown time zone {value!r} (use an IANA name like Africa/Nairobi)"
        ) from None
    return value


def check_country(value: str, field_name: str = "country") -> str:
    try:
        return validate_country(value)
    except UnknownCountry:
        raise InvalidInput(
            field_name, f"unknown country {value!r} (use an ISO 3166 code like KE or US)"
        ) from None


def _clean_text(value: str, field_name: str, max_length: int, *, single_line: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL cannot store it; no one types it
        raise InvalidInput(field_name, "must not contain NUL characters")
    if single_line and has_line_break(value):
        raise InvalidInput(field_name, "must be a single line")
    if len(value) > max_length:
        raise InvalidInput(field_name, f"is longer than {max_length} characters")
    return value


def parse_interviewer(value: str, field_name: str = "interviewer") -> PersonInput:
    """One interviewer as typed: "Name <email>" (or a bare address). A name alone is refused
    (`parse_addressed_person`): each interviewer gets their own thank-you, and "Name name-at-x"
    would otherwise become a contact without an email, silently. The one check of the CLI's
    options and prompts, the web form and interview edits."""
    try:
        name, email = parse_addressed_person(value)
    except BadAddress as exc:
        raise InvalidInput(field_name, str(exc)) from None
    return PersonInput(name=name[:200], email=email)


def _parse_people(
    values: Iterable[str], field_name: str, *, require_email: bool = False
) -> list[PersonInput]:
    people = []
    for value in values:
        if not value or not value.strip():
            continue
        if require_email:
            people.append(parse_interviewer(value, field_name))
            continue
        try:
            name, email = parse_person(value)
        except BadAddress as exc:
            raise InvalidInput(field_name, str(exc)) from None
        people.append(PersonInput(name=name[:200], email=email))
    return people


@dataclass
class CleanInterview:
    company: str
    role: str
    role_type: str
    start: datetime
    end: datetime
    tz: str
    country: str
    company_tz: str
    interviewers: list[PersonInput]
    recruiter: PersonInput | None
    data: InterviewInput


def validate_interview_input(owner: Owner, data: InterviewInput) -> CleanInterview:
    """Check everything before writing anything: bad input changes nothing."""
    profile = get_profile(owner)
    company = _clean_text(data.company, "company", 200)
    role = _clean_text(data.role, "role", 200)
    if data.application_id is None:
        if not company:
            raise InvalidInput("company", "is required")
        if not role:
            raise InvalidInput("role", "is required")
    tz = check_zone(data.tz or profile.time_zone, "tz")
    country = check_country(data.country, "country") if data.country else ""
    company_tz = check_zone(data.company_tz, "company_tz") if data.company_tz else ""
    if data.role_type not in dict(Application.ROLE_TYPES):
        choices = ", ".join(dict(Application.ROLE_TYPES))
        raise InvalidInput("role_type", f"unknown role type {data.role_type!r} (one of {choices})")
    if data.format not in Interview.Format.values:
        raise InvalidInput("format", f"unknown format {data.format!r} (phone, video or onsite)")
    start = parse_local_datetime(data.start, tz, "start")
    if data.end:  # None and "" mean no end given (a datetime is always true)
        end = parse_local_datetime(data.end, tz, "end")
    elif data.duration_minutes is not None:
        if data.duration_minutes <= 0 or data.duration_minutes > 24 * 60:
            raise InvalidInput("duration", "must be between 1 and 1440 minutes")
        end = start + timedelta(minutes=data.duration_minutes)
    else:
        end = start + timedelta(hours=1)
    if end <= start:
        raise InvalidInput("end", "must be after the start")
    if data.confidence is not None and not 1 <= data.confidence <= 5:
        raise InvalidInput("confidence", "must be between 1 and 5")
    for name, value in (
        ("job_url", data.job_url),
        ("company_website", data.company_website),
        ("careers_url", data.careers_url),
    ):
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise InvalidInput(name, f"{value!r} is not a web address starting with http(s)://")
        if len(value) > URL_MAX:
            raise InvalidInput(name, f"is longer than {URL_MAX} characters")
    _clean_text(data.promised, "promised", 300)
    _clean_text(data.round_name, "round", 100)
    _clean_text(data.notes, "notes", NOTES_MAX, single_line=False)
    _clean_text(data.went_well, "went_well", NOTES_MAX, single_line=False)
    _clean_text(data.to_improve, "to_improve", NOTES_MAX, single_line=False)
    for name, lines in (("commitment", data.commitments), ("unasked", data.unasked)):
        if len(lines) > LINES_MAX:
            raise InvalidInput(name, f"at most {LINES_MAX} lines")
        for line in lines:
            _clean_text(line, name, LINE_MAX)
    interviewers = _parse_people(data.interviewers, "interviewer", require_email=True)
    recruiters = _parse_people([data.recruiter], "recruiter") if data.recruiter else []
    return CleanInterview(
        company=company,
        role=role,
        role_type=data.role_type,
        start=start,
        end=end,
        tz=tz,
        country=country,
        company_tz=company_tz,
        interviewers=interviewers,
        recruiter=recruiters[0] if recruiters else None,
        data=data,
    )


def _find_or_create_company(owner: Owner, clean: CleanInterview) -> Company:
    company = Company.objects.filter(owner=owner, name__iexact=clean.company).order_by("id").first()
    if company is None:
        company = Company.objects.create(
            owner=owner,
            name=clean.company,
            country=clean.country,
            time_zone=clean.company_tz,
            website=clean.data.company_website,
            careers_url=clean.data.careers_url,
        )
    else:
        changed = []
        for attr, value in (
            ("country", clean.country),
            ("time_zone", clean.company_tz),
            ("website", clean.data.company_website),
            ("careers_url", clean.data.careers_url),
        ):
            if value and getattr(company, attr) != value:
                setattr(company, attr, value)
                changed.append(attr)
        if changed:
            company.save(update_fields=changed)
    return company


def find_or_create_contact(owner: Owner, person: PersonInput, company: Company | None) -> Contact:
    qs = Contact.objects.filter(owner=owner)
    contact = None
    if person.email:
        contact = qs.filter(email__iexact=person.email).order_by("id").first()
    elif company is not None:
        contact = qs.filter(company=company, name__iexact=person.name).order_by("id").first()
    if contact is None:
        contact = Contact.objects.create(
            owner=owner,
            name=person.name,
            email=person.email,
            company=company,
            phone=clean_phone(owner, person.phone, company),
        )
    return contact


def clean_phone(owner: Owner, text: str, company: Company | None, field_name: str = "phone") -> str:
    """E.164 ("" for no number), a number without a country code read as one of the company's
    country, else the user's: the one normaliser every contact's number goes through."""
    region = (company.country if company is not None else "") or get_profile(owner).country
    try:
        return normalise_phone(text, region)
    except BadPhone as exc:
        raise InvalidInput(field_name, str(exc)) from None


@dataclass
class RecordedInterview:
    application: Application
    interview: Interview
    follow_ups: list[FollowUp]


def record_interview(owner: Owner, data: InterviewInput) -> RecordedInterview:
    clean = validate_interview_input(owner, data)
    with transaction.atomic():
        if data.application_id is not None:
            application = get_application(owner, data.application_id)
            company = application.company
            if clean.country and company.country != clean.country:
                company.country = clean.country
                company.save(update_fields=["country"])
            if application.status != Application.Status.INTERVIEWING:
                # A saved or applied application (or a later round after an outcome) moves
                # on the Pipeline the one way every stage change goes.
                move_to_stage(owner, application.pk, Application.Status.INTERVIEWING)
                application = get_application(owner, application.pk)
        else:
            company = _find_or_create_company(owner, clean)
            application = Application.objects.create(
                owner=owner,
                company=company,
                role_title=clean.role,
                role_type=clean.role_type,
                job_url=data.job_url,
                status=Application.Status.INTERVIEWING,
                keep_warm=data.keep_warm,
            )
        if clean.recruiter is not None:
            application.recruiter = find_or_create_contact(owner, clean.recruiter, company)
            application.save(update_fields=["recruiter", "updated_at"])
        calendar = BusinessCalendar(effective_country(owner, company))
        promised = data.promised.strip()
        resolution = (
            resolve_phrase(promised, clean.start.astimezone(zone(clean.tz)).date(), calendar)
            if promised
            else None
        )
        rounds = Interview.objects.filter(owner=owner, application=application).count()
        interview = Interview.objects.create(
            owner=owner,
            application=application,
            round_name=data.round_name.strip() or _round_name(rounds + 1),
            format=data.format,
            start=clean.start,
            end=clean.end,
            time_zone=clean.tz,
            notes=data.notes.strip(),
            unasked_questions="\n".join(q.strip() for q in data.unasked if q.strip()),
            promised_phrase=promised,
            promised_date=resolution.date if resolution else None,
            commitments="\n".join(c.strip() for c in data.commitments if c.strip()),
            asked_to_check_website=data.check_website,
            confidence=data.confidence,
            went_well=data.went_well.strip(),
            to_improve=data.to_improve.strip(),
        )
        contacts = [find_or_create_contact(owner, person, company) for person in clean.interviewers]
        if contacts:
            interview.interviewers.set(contacts)
        log_event(
            owner,
            application,
            Event.Kind.INTERVIEW_RECORDED,
            f"{interview.round_name} interview recorded ({format_local(interview.start, interview.time_zone)})",
            data={"interview_id": interview.pk},
        )
        follow_ups = replan(owner, application)
    return RecordedInterview(application=application, interview=interview, follow_ups=follow_ups)


def _round_name(n: int) -> str:
    names = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth"}
    return f"{names.get(n, f'Round {n}')} round" if n in names else f"Round {n}"


def check_email_field(value: str, field_name: str) -> str:
    try:
        return check_email(value)
    except BadAddress as exc:
        raise InvalidInput(field_name, str(exc)) from None
