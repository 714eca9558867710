"""Small functions that orchestrate: validate, persist, plan, draft. CLI, web and worker call these.

Every function takes the owner first and every query is filtered by it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from followup import drafting
from followup.core.errors import InvalidInput, NotFound
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
from followup.core.queries import (
    LOCAL_USERNAME,
    country_for_zone,
    end_of_day,
    follow_up_row,
    get_local_user,
    get_profile,
    guess_local_zone,
    row_json,
)
from followup.lib.addresses import BadAddress, check_email, has_line_break, parse_person
from followup.planner import (
    BusinessCalendar,
    default_profile,
    no_response_deadline,
    plan_follow_ups,
    resolve_phrase,
)
from followup.planner import types as p
from followup.planner.calendar import UnknownCountry, UnknownZone, validate_country, zone

# Re-exported: callers use services.get_local_user() etc.
__all__ = [
    "LOCAL_USERNAME",
    "country_for_zone",
    "end_of_day",
    "get_local_user",
    "get_profile",
    "guess_local_zone",
]

# ---------------------------------------------------------------------------------------------
# Owner-scoped getters: another user's id is indistinguishable from a missing one.


def get_application(owner: AbstractBaseUser, application_id: int | str) -> Application:
    try:
        return Application.objects.select_related("company", "recruiter").get(
            owner=owner, pk=int(application_id)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound("application_id", f"no application {application_id}") from None


def get_interview(owner: AbstractBaseUser, interview_id: int | str) -> Interview:
    try:
        return Interview.objects.select_related("application__company").get(
            owner=owner, pk=int(interview_id)
        )
    except (Interview.DoesNotExist, ValueError, TypeError):
        raise NotFound("interview_id", f"no interview {interview_id}") from None


def get_follow_up(owner: AbstractBaseUser, follow_up_id: int | str) -> FollowUp:
    try:
        return FollowUp.objects.select_related(
            "application__company", "interview", "recipient"
        ).get(owner=owner, pk=int(follow_up_id))
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise NotFound("followup_id", f"no follow-up {follow_up_id}") from None


# ---------------------------------------------------------------------------------------------
# Recording an interview


@dataclass
class PersonInput:
    name: str
    email: str = ""


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


def _parse_people(values: Iterable[str], field_name: str) -> list[PersonInput]:
    people = []
    for value in values:
        if not value or not value.strip():
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


def validate_interview_input(owner: AbstractBaseUser, data: InterviewInput) -> CleanInterview:
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
    if data.end not in (None, ""):
        end = parse_local_datetime(data.end, tz, "end")  # type: ignore[arg-type]
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
    interviewers = _parse_people(data.interviewers, "interviewer")
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


def _find_or_create_company(owner: AbstractBaseUser, clean: CleanInterview) -> Company:
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


def find_or_create_contact(
    owner: AbstractBaseUser, person: PersonInput, company: Company | None
) -> Contact:
    qs = Contact.objects.filter(owner=owner)
    contact = None
    if person.email:
        contact = qs.filter(email__iexact=person.email).order_by("id").first()
    elif company is not None:
        contact = qs.filter(company=company, name__iexact=person.name).order_by("id").first()
    if contact is None:
        contact = Contact.objects.create(
            owner=owner, name=person.name, email=person.email, company=company
        )
    return contact


@dataclass
class RecordedInterview:
    application: Application
    interview: Interview
    follow_ups: list[FollowUp]


def record_interview(owner: AbstractBaseUser, data: InterviewInput) -> RecordedInterview:
    clean = validate_interview_input(owner, data)
    with transaction.atomic():
        if data.application_id is not None:
            application = get_application(owner, data.application_id)
            company = application.company
            if clean.country and company.country != clean.country:
                company.country = clean.country
                company.save(update_fields=["country"])
            if application.status not in (Application.Status.INTERVIEWING,):
                application.status = Application.Status.INTERVIEWING
                application.save(update_fields=["status", "updated_at"])
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
            f"{interview.round_name} interview recorded ({_fmt_local(interview.start, interview.time_zone)})",
            data={"interview_id": interview.pk},
        )
        follow_ups = replan(owner, application)
    return RecordedInterview(application=application, interview=interview, follow_ups=follow_ups)


def _round_name(n: int) -> str:
    names = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth"}
    return f"{names.get(n, f'Round {n}')} round" if n in names else f"Round {n}"


def _fmt_local(dt: datetime, tz: str) -> str:
    local = dt.astimezone(zone(tz))
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or "")


def effective_country(owner: AbstractBaseUser, company: Company) -> str:
    return company.country or get_profile(owner).country


def log_event(
    owner: AbstractBaseUser,
    application: Application,
    kind: str,
    message: str,
    *,
    follow_up: FollowUp | None = None,
    data: dict[str, object] | None = None,
    at: datetime | None = None,
) -> Event:
    return Event.objects.create(
        owner=owner,
        application=application,
        follow_up=follow_up,
        kind=kind,
        message=message,
        data=data or {},
        at=at or timezone.now(),
    )


# ---------------------------------------------------------------------------------------------
# Planning


def application_facts(owner: AbstractBaseUser, application: Application) -> p.ApplicationFacts:
    company = application.company
    interviews = list(
        Interview.objects.filter(owner=owner, application=application, cancelled=False)
        .prefetch_related("interviewers")
        .order_by("start", "id")
    )
    last_reply = FollowUp.objects.filter(owner=owner, application=application).aggregate(
        at=Max("replied_at")
    )["at"]
    return p.ApplicationFacts(
        company_name=company.name,
        country=effective_country(owner, company),
        company_tz=company.time_zone or None,
        role_title=application.role_title,
        role_type=application.role_type,
        status=application.status,
        keep_warm=application.keep_warm,
        recruiter=_person(application.recruiter) if application.recruiter else None,
        interviews=tuple(
            p.InterviewFacts(
                key=str(i.pk),
                start=i.start,
                end=i.end,
                tz=i.time_zone,
                interviewers=tuple(_person(c) for c in i.interviewers.all()),
                promised_phrase=i.promised_phrase,
                commitments=tuple(i.commitment_list()),
                asked_to_check_website=i.asked_to_check_website,
                round_name=i.round_name,
            )
            for i in interviews
        ),
        rejected_at=application.rejected_at,
        no_response_at=application.no_response_at,
        last_reply_at=last_reply,
    )


def _person(contact: Contact) -> p.Person:
    return p.Person(
        key=f"contact:{contact.pk}",
        name=contact.name,
        email=contact.email or None,
        tz=contact.time_zone or None,
    )


def profile_for(owner: AbstractBaseUser, application: Application) -> str:
    if application.profile:
        return application.profile
    user_default = get_profile(owner).default_profile
    return user_default or default_profile(application.role_type)


def replan(owner: AbstractBaseUser, application: Application) -> list[FollowUp]:
    """Bring the stored follow-ups in line with the plan. Idempotent; never touches what the user
    edited, approved, sent, did or skipped. Returns the application's open follow-ups by due."""
    facts = application_facts(owner, application)
    planned = plan_follow_ups(facts, profile_for(owner, application))
    existing = {fu.slot: fu for fu in FollowUp.objects.filter(owner=owner, application=application)}
    contact_ids = {
        int(item.recipient.key.split(":", 1)[1])
        for item in planned
        if item.recipient is not None and item.recipient.key.startswith("contact:")
    }
    contacts = Contact.objects.in_bulk(list(contact_ids)) if contact_ids else {}
    wanted = set()
    changed: list[FollowUp] = []
    with transaction.atomic():
        for item in planned:
            wanted.add(item.slot)
            recipient = None
            if item.recipient is not None and item.recipient.key.startswith("contact:"):
                recipient = contacts.get(int(item.recipient.key.split(":", 1)[1]))
            due_tz = item.due.tzinfo.key if isinstance(item.due.tzinfo, ZoneInfo) else "UTC"
            interview_id = int(item.interview_key) if item.interview_key else None
            fu = existing.get(item.slot)
            if fu is None:
                fu = FollowUp.objects.create(
                    owner=owner,
                    application=application,
                    interview_id=interview_id,
                    slot=item.slot,
                    kind=item.kind,
                    recipient=recipient,
                    channel=item.channel,
                    due=item.due,
                    due_tz=due_tz,
                    reason=item.reason,
                )
                log_event(
                    owner,
                    application,
                    Event.Kind.FOLLOW_UP_PLANNED,
                    f"{fu.get_kind_display()} planned for {_fmt_local(fu.due, due_tz)}: {item.reason}",
                    follow_up=fu,
                )
                changed.append(fu)
                continue
            if fu.user_touched:
                continue
            new_values = {
                "interview_id": interview_id,
                "kind": item.kind,
                "recipient_id": recipient.pk if recipient else None,
                "channel": item.channel,
                "due": item.due,
                "due_tz": due_tz,
                "reason": item.reason,
                "status": FollowUp.Status.PLANNED,
            }
            if any(getattr(fu, k) != v for k, v in new_values.items()):
                for k, v in new_values.items():
                    setattr(fu, k, v)
                fu.save()
                changed.append(fu)
        for slot, fu in existing.items():
            if slot not in wanted and fu.status == FollowUp.Status.PLANNED and not fu.edited:
                fu.status = FollowUp.Status.CANCELLED
                fu.save(update_fields=["status", "updated_at"])
                log_event(
                    owner,
                    application,
                    Event.Kind.FOLLOW_UP_CANCELLED,
                    f"{fu.get_kind_display()} cancelled: {_cancel_reason(application, facts)}",
                    follow_up=fu,
                )
        if changed:
            redraft(owner, application, changed)
    return list(
        FollowUp.objects.filter(owner=owner, application=application, status__in=FollowUp.OPEN)
        .select_related("recipient", "interview")
        .order_by("due", "id")
    )


def _cancel_reason(application: Application, facts: p.ApplicationFacts) -> str:
    if application.status in (p.OFFER, p.ACCEPTED, p.WITHDRAWN, p.REJECTED, p.NO_RESPONSE):
        return f"the application is now {application.get_status_display().lower()}"
    if facts.last_reply_at is not None:
        return "they replied"
    return "the plan changed (a new round or new facts)"


# ---------------------------------------------------------------------------------------------
# Drafting


def templates_for(owner: AbstractBaseUser) -> dict[str, drafting.TemplateSource]:
    overrides = {
        t.kind: drafting.TemplateSource(subject=t.subject, body=t.body)
        for t in MessageTemplate.objects.filter(owner=owner)
    }
    return {**drafting.DEFAULT_TEMPLATES, **overrides}


def question_bank_for(profile: Profile) -> tuple[drafting.Question, ...]:
    if profile.question_bank:
        return tuple(
            drafting.Question(topic=str(q.get("topic", "")), text=str(q.get("text", "")))
            for q in profile.question_bank
            if q.get("text")
        )
    return drafting.DEFAULT_QUESTION_BANK


def draft_context(
    owner: AbstractBaseUser,
    fu: FollowUp,
    *,
    profile: Profile | None = None,
    previous_subject: str = "",
) -> drafting.DraftContext:
    profile = profile or get_profile(owner)
    application = fu.application
    interview = fu.interview
    if interview is None:
        interview = (
            Interview.objects.filter(owner=owner, application=application, cancelled=False)
            .order_by("-start")
            .first()
        )
    interviewer_ids: list[int] = []
    if interview is not None:
        interviewer_ids = [c.pk for c in interview.interviewers.all()]
    index = interviewer_ids.index(fu.recipient_id) if fu.recipient_id in interviewer_ids else 0
    notes = interview.notes if interview else ""
    commitment = None
    if fu.kind == p.DELIVERABLE and interview is not None:
        # slot "deliverable:<interview>:<index>" points at one of the interview's commitments
        index_text = fu.slot.rsplit(":", 1)[-1]
        commitments = interview.commitment_list()
        if index_text.isdigit() and int(index_text) < len(commitments):
            commitment = commitments[int(index_text)]
    return drafting.DraftContext(
        candidate_name=profile.full_name or owner.get_username(),
        signature=profile.signature or profile.full_name or "",
        recipient_name=fu.recipient.name if fu.recipient else None,
        role_title=application.role_title,
        company_name=application.company.name,
        interview_date=interview.start.astimezone(zone(interview.time_zone)).date()
        if interview
        else None,
        round_name=interview.round_name if interview else "",
        discussed_topic=drafting.pick_topic(notes, index),
        notes=notes,
        unasked_questions=tuple(interview.unasked_list()) if interview else (),
        commitments=tuple(interview.commitment_list()) if interview else (),
        promised_phrase=interview.promised_phrase if interview else "",
        profile=profile_for(owner, application),
        kind=fu.kind,
        channel=fu.channel,
        previous_subject=previous_subject or None,
        interviewer_index=index,
        panel_size=len(interviewer_ids),
        question_bank=question_bank_for(profile),
        commitment=commitment,
        careers_url=application.company.careers_url or None,
        company_website=application.company.website or None,
    )


def _previous_subject(fu: FollowUp, siblings: Sequence[FollowUp]) -> str:
    if fu.kind not in p.CHECK_IN_KINDS:
        return ""
    earlier = [
        s
        for s in siblings
        if s.pk != fu.pk
        and s.channel == p.EMAIL
        and s.subject
        and s.status != FollowUp.Status.CANCELLED
        and s.due < fu.due
        and s.kind in (p.THANK_YOU, *p.CHECK_IN_KINDS)
        and (fu.recipient_id is None or s.recipient_id == fu.recipient_id)
    ]
    if not earlier:
        return ""
    subject = max(earlier, key=lambda s: s.due).subject
    return re.sub(r"^(re:\s*)+", "", subject, flags=re.I)


def redraft(
    owner: AbstractBaseUser, application: Application, follow_ups: Sequence[FollowUp]
) -> None:
    """(Re)write the drafts of follow-ups the user has not edited, in due order so check-ins
    can thread under the message before them."""
    profile = get_profile(owner)
    templates = templates_for(owner)
    siblings = list(
        FollowUp.objects.filter(owner=owner, application=application)
        .select_related("recipient", "interview", "application__company")
        # draft_context reads each interview's panel: one query, not one per follow-up
        .prefetch_related("interview__interviewers")
    )
    by_id = {s.pk: s for s in siblings}
    for fu in sorted(follow_ups, key=lambda f: (f.due, f.pk)):
        fu = by_id.get(fu.pk, fu)
        if fu.edited or fu.status not in FollowUp.OPEN:
            continue
        ctx = draft_context(
            owner, fu, profile=profile, previous_subject=_previous_subject(fu, siblings)
        )
        try:
            draft = drafting.render_draft(fu.kind, ctx, templates)
        except drafting.TemplateProblem:
            # A broken user template must not block planning: fall back to the built-in one.
            draft = drafting.render_draft(fu.kind, ctx, drafting.DEFAULT_TEMPLATES)
        fu.subject, fu.body = draft.subject, draft.body
        FollowUp.objects.filter(pk=fu.pk, owner=owner, edited=False).update(
            subject=draft.subject, body=draft.body
        )


def draft_warnings(owner: AbstractBaseUser, fu: FollowUp) -> list[drafting.DraftWarning]:
    if fu.channel != p.EMAIL:
        return []
    ctx = draft_context(owner, fu)
    others = [
        drafting.Draft(subject=o.subject, body=o.body)
        for o in FollowUp.objects.filter(
            owner=owner, application=fu.application, interview=fu.interview, kind=fu.kind
        )
        .exclude(pk=fu.pk)
        .exclude(status=FollowUp.Status.CANCELLED)
    ]
    names = [fu.application.company.name, fu.application.role_title]
    names += [c.name for c in Contact.objects.filter(owner=owner, company=fu.application.company)]
    return drafting.check_draft(
        drafting.Draft(subject=fu.subject, body=fu.body),
        ctx,
        other_drafts=others,
        extra_words=names,
    )


# ---------------------------------------------------------------------------------------------
# Acting on follow-ups


def edit_draft(
    owner: AbstractBaseUser, follow_up_id: int | str, subject: str, body: str
) -> FollowUp:
    fu = get_follow_up(owner, follow_up_id)
    subject = subject.strip()
    if has_line_break(subject):
        raise InvalidInput("subject", "must be a single line")
    if len(subject) > 300:
        raise InvalidInput("subject", "is longer than 300 characters")
    if fu.status not in FollowUp.OPEN:
        raise InvalidInput(
            "followup_id", f"follow-up {fu.pk} is {fu.status}; it can no longer be edited"
        )
    if subject == fu.subject and body == fu.body:
        return fu
    fu.subject, fu.body, fu.edited = subject, body, True
    fu.save(update_fields=["subject", "body", "edited", "updated_at"])
    log_event(
        owner,
        fu.application,
        Event.Kind.FOLLOW_UP_EDITED,
        f"{fu.get_kind_display()} draft edited",
        follow_up=fu,
    )
    return fu


def new_message_id(owner: AbstractBaseUser) -> str:
    from django.conf import settings

    domain = (
        re.sub(r"^https?://", "", settings.SITE_URL).split("/")[0].split(":")[0] or "followup.local"
    )
    return f"<{secrets.token_urlsafe(24)}@{domain}>"


def approve(owner: AbstractBaseUser, follow_up_id: int | str) -> FollowUp:
    fu = get_follow_up(owner, follow_up_id)
    if fu.status == FollowUp.Status.APPROVED:
        return fu
    if fu.status != FollowUp.Status.PLANNED:
        raise InvalidInput(
            "followup_id", f"follow-up {fu.pk} is {fu.status}; only a planned one can be approved"
        )
    if fu.channel == p.EMAIL:
        if fu.recipient is None or not fu.recipient.email:
            raise InvalidInput("recipient", "this follow-up has no email address to send to")
        if not fu.subject.strip():
            raise InvalidInput("subject", "is required before approving")
    fu.status = FollowUp.Status.APPROVED
    # Fixed once at approval: stable for this row, unguessable, so a reply can be matched.
    if not fu.message_id:
        fu.message_id = new_message_id(owner)
    fu.save(update_fields=["status", "message_id", "updated_at"])
    log_event(
        owner,
        fu.application,
        Event.Kind.FOLLOW_UP_APPROVED,
        f"{fu.get_kind_display()} approved",
        follow_up=fu,
    )
    return fu


def _close(
    owner: AbstractBaseUser,
    follow_up_id: int | str,
    status: str,
    kind: str,
    verb: str,
    at: datetime | None = None,
) -> FollowUp:
    fu = get_follow_up(owner, follow_up_id)
    if fu.status == status:
        return fu
    if fu.status not in FollowUp.OPEN:
        raise InvalidInput("followup_id", f"follow-up {fu.pk} is already {fu.status}")
    at = at or timezone.now()
    fu.status = status
    fields = ["status", "updated_at"]
    if status == FollowUp.Status.SENT:
        fu.sent_at = at
        fields.append("sent_at")
    fu.save(update_fields=fields)
    log_event(owner, fu.application, kind, f"{fu.get_kind_display()} {verb}", follow_up=fu, at=at)
    return fu


def mark_sent(
    owner: AbstractBaseUser, follow_up_id: int | str, at: datetime | None = None
) -> FollowUp:
    return _close(
        owner, follow_up_id, FollowUp.Status.SENT, Event.Kind.FOLLOW_UP_SENT, "marked sent", at
    )


def mark_done(owner: AbstractBaseUser, follow_up_id: int | str) -> FollowUp:
    return _close(owner, follow_up_id, FollowUp.Status.DONE, Event.Kind.FOLLOW_UP_DONE, "done")


def skip(owner: AbstractBaseUser, follow_up_id: int | str) -> FollowUp:
    return _close(
        owner, follow_up_id, FollowUp.Status.SKIPPED, Event.Kind.FOLLOW_UP_SKIPPED, "skipped"
    )


def snooze(owner: AbstractBaseUser, follow_up_id: int | str, days: int) -> FollowUp:
    if days not in (1, 3, 7):
        raise InvalidInput("days", "snooze for 1, 3 or 7 days")
    fu = get_follow_up(owner, follow_up_id)
    if fu.status not in FollowUp.OPEN:
        raise InvalidInput("followup_id", f"follow-up {fu.pk} is {fu.status}; it cannot be snoozed")
    calendar = BusinessCalendar(effective_country(owner, fu.application.company))
    local = fu.due.astimezone(zone(fu.due_tz))
    base = max(local, timezone.now().astimezone(zone(fu.due_tz)))
    day = base.date() + timedelta(days=days)
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    fu.due = datetime.combine(day, local.time(), tzinfo=zone(fu.due_tz))
    fu.edited = True  # the user chose this date: re-planning must keep it
    fu.save(update_fields=["due", "edited", "updated_at"])
    log_event(
        owner,
        fu.application,
        Event.Kind.FOLLOW_UP_SNOOZED,
        f"{fu.get_kind_display()} snoozed to {_fmt_local(fu.due, fu.due_tz)}",
        follow_up=fu,
    )
    return fu


def replan_applications(owner: AbstractBaseUser, application_ids: Iterable[int]) -> None:
    """`replan` each of these applications once."""
    applications = Application.objects.filter(owner=owner, pk__in=set(application_ids))
    for application in applications.select_related("company", "recruiter").order_by("pk"):
        replan(owner, application)


# The applications whose re-planning waits for the end of a batch (`replanning_postponed`);
# None outside one.
_replans_owed: ContextVar[set[int] | None] = ContextVar("replans_owed", default=None)


@contextmanager
def replanning_postponed(owner: AbstractBaseUser) -> Iterator[None]:
    """Inside, `record_reply` notes its application instead of re-planning it; on the way out
    each noted application is re-planned once. For the mail poller's batches of replies:
    benchmarks/bench_mail.py's first scan spent about 22 ms on each reply, mostly re-planning
    one application at a time, several times over for the same application."""
    owed: set[int] = set()
    token = _replans_owed.set(owed)
    try:
        yield
    finally:
        _replans_owed.reset(token)
        # Also when the batch stops half-way: what it recorded is committed and owed its plan.
        replan_applications(owner, owed)


def replan_owed_now(owner: AbstractBaseUser) -> None:
    """Inside `replanning_postponed`: re-plan now what is owed so far, before acting on the plan
    as it stands (an out-of-office moving the open check-ins)."""
    owed = _replans_owed.get()
    if owed:
        replan_applications(owner, owed)
        owed.clear()


def record_reply(
    owner: AbstractBaseUser, follow_up_id: int | str, at: datetime | None = None, summary: str = ""
) -> FollowUp:
    """A reply (mail, call, meeting) on a follow-up: the check-in ladder stops at once."""
    fu = get_follow_up(owner, follow_up_id)
    at = at or timezone.now()
    with transaction.atomic():
        fu.replied_at = at
        fields = ["replied_at", "updated_at"]
        if fu.status in FollowUp.OPEN:
            fu.status = FollowUp.Status.DONE
            fields.append("status")
        fu.save(update_fields=fields)
        who = fu.recipient.name if fu.recipient else "They"
        log_event(
            owner,
            fu.application,
            Event.Kind.REPLY_RECORDED,
            f"{who} replied" + (f": {summary}" if summary else ""),
            follow_up=fu,
            at=at,
        )
        owed = _replans_owed.get()
        if owed is None:
            replan(owner, fu.application)
        else:
            owed.add(fu.application_id)
    return fu


OUTCOMES = {
    "rejected": Application.Status.REJECTED,
    "offer": Application.Status.OFFER,
    "accepted": Application.Status.ACCEPTED,
    "withdrawn": Application.Status.WITHDRAWN,
    "next-round": Application.Status.INTERVIEWING,
    "no-response": Application.Status.NO_RESPONSE,
}


def set_outcome(
    owner: AbstractBaseUser, application_id: int | str, outcome: str, at: datetime | None = None
) -> list[FollowUp]:
    outcome = outcome.replace("_", "-").lower()
    if outcome not in OUTCOMES:
        raise InvalidInput("outcome", f"unknown outcome {outcome!r} (one of {', '.join(OUTCOMES)})")
    application = get_application(owner, application_id)
    at = at or timezone.now()
    status = OUTCOMES[outcome]
    with transaction.atomic():
        application.status = status
        fields = ["status", "updated_at"]
        if status == Application.Status.REJECTED:
            application.rejected_at = at
            fields.append("rejected_at")
        if status == Application.Status.NO_RESPONSE:
            application.no_response_at = at
            fields.append("no_response_at")
        application.save(update_fields=fields)
        label = (
            "next round expected"
            if outcome == "next-round"
            else application.get_status_display().lower()
        )
        log_event(
            owner,
            application,
            Event.Kind.OUTCOME_SET,
            f"Outcome: {label}",
            at=at,
            data={"outcome": outcome},
        )
        return replan(owner, application)


def expire_ladders(owner: AbstractBaseUser | None = None, now: datetime | None = None) -> int:
    """Applications whose final check-in went unanswered for 10 business days become no_response.
    Called by the worker; returns how many changed."""
    now = now or timezone.now()
    qs = Application.objects.filter(status=Application.Status.INTERVIEWING).select_related(
        "company", "owner"
    )
    if owner is not None:
        qs = qs.filter(owner=owner)
    # Only applications whose final check-in is no longer open are candidates.
    qs = qs.filter(
        follow_ups__kind=p.FINAL_CHECK_IN,
        follow_ups__status__in=[FollowUp.Status.SENT, FollowUp.Status.DONE],
    ).distinct()
    changed = 0
    for application in qs:
        facts = application_facts(application.owner, application)
        deadline = no_response_deadline(facts, profile_for(application.owner, application))
        if deadline is not None and deadline <= now:
            set_outcome(application.owner, application.pk, "no-response", at=now)
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------
# Listings


def due_follow_ups(owner: AbstractBaseUser, until: datetime | None = None) -> QuerySet[FollowUp]:
    qs = (
        FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN)
        .select_related("application__company", "recipient")
        .order_by("due", "id")
    )
    if until is not None:
        qs = qs.filter(due__lte=until)
    return qs


def follow_up_json(
    fu: FollowUp, warnings: Sequence[drafting.DraftWarning] | None = None
) -> dict[str, object]:
    data = row_json(follow_up_row(fu))
    if warnings is not None and "subject" in data:
        data["warnings"] = [{"code": w.code, "message": w.message} for w in warnings]
    return data


def applications(owner: AbstractBaseUser) -> QuerySet[Application]:
    return (
        Application.objects.filter(owner=owner)
        .select_related("company")
        .order_by("-updated_at", "-id")
    )


def timeline(owner: AbstractBaseUser, application: Application) -> QuerySet[Event]:
    return Event.objects.filter(owner=owner, application=application).order_by("at", "id")


def check_email_field(value: str, field_name: str) -> str:
    try:
        return check_email(value)
    except BadAddress as exc:
        raise InvalidInput(field_name, str(exc)) from None
