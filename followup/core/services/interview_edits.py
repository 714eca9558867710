"""Changing what a person recorded about an interview: its time, interviewers, notes, questions,
promises and round; deleting it (with its follow-ups, undoable) and restoring it. Each change
is checked before anything is written, logged on the timeline naming what changed, and
re-planned: follow-ups the person did not touch move with the interview, the others stay."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from followup.core.errors import InvalidInput
from followup.core.models import Contact, Event, FollowUp, Interview
from followup.core.owner import Owner
from followup.core.services.interviews import (
    LINE_MAX,
    LINES_MAX,
    NOTES_MAX,
    PersonInput,
    _clean_text,
    check_zone,
    find_or_create_contact,
    parse_interviewer,
    parse_local_datetime,
)
from followup.core.services.owned import effective_country, get_interview, log_event
from followup.core.services.planning import replan
from followup.core.services.trash import get_deleted, restore_stamped, stamp_deleted
from followup.lib.vocabulary import format_local, zone
from followup.planner import BusinessCalendar, resolve_phrase


@dataclass
class InterviewChanges:
    """What to change; None (or an empty list for the add/remove lists) leaves it as it is.

    A start without an end keeps the interview's length; a zone without a start keeps the
    local times as written and reads them in the new zone (the usual slip: the wrong zone)."""

    start: datetime | str | None = None
    end: datetime | str | None = None
    duration_minutes: int | None = None
    tz: str | None = None
    interviewers: list[str] | None = None  # the whole list, "Name <email>" each (the web form)
    add_interviewers: list[str] = field(default_factory=list)  # "Name <email>" (the CLI)
    remove_interviewers: list[str] = field(default_factory=list)  # an email or a name
    notes: str | None = None
    unasked: list[str] | None = None
    promised: str | None = None
    commitments: list[str] | None = None
    round_name: str | None = None
    format: str | None = None


@dataclass
class EditedInterview:
    interview: Interview
    changed: list[str]  # what changed, in words ("time", "interviewers", …); [] for nothing
    follow_ups: list[FollowUp]  # the application's open follow-ups after re-planning


def _lines(values: list[str], field_name: str) -> str:
    lines = [v.strip() for v in values if v and v.strip()]
    if len(lines) > LINES_MAX:
        raise InvalidInput(field_name, f"at most {LINES_MAX} lines")
    for line in lines:
        _clean_text(line, field_name, LINE_MAX)
    return "\n".join(lines)


def _new_times(interview: Interview, changes: InterviewChanges) -> tuple[datetime, datetime, str]:
    tz = check_zone(changes.tz.strip(), "tz") if changes.tz else interview.time_zone
    old_zone = zone(interview.time_zone)
    length = interview.end - interview.start
    if changes.start is not None:
        start = parse_local_datetime(changes.start, tz, "start")
    elif changes.tz:
        start = interview.start.astimezone(old_zone).replace(tzinfo=zone(tz))
    else:
        start = interview.start
    if changes.end:
        end = parse_local_datetime(changes.end, tz, "end")
    elif changes.duration_minutes is not None:
        if not 0 < changes.duration_minutes <= 24 * 60:
            raise InvalidInput("duration", "must be between 1 and 1440 minutes")
        end = start + timedelta(minutes=changes.duration_minutes)
    elif changes.tz and changes.start is None:
        end = interview.end.astimezone(old_zone).replace(tzinfo=zone(tz))
    else:
        end = start + length
    if end <= start:
        raise InvalidInput("end", "must be after the start")
    return start, end, tz


def _matches(contact_name: str, contact_email: str, wanted: str) -> bool:
    wanted = wanted.strip().lower()
    if "<" in wanted:  # "Name <email>": its address decides
        wanted = wanted.split("<", 1)[1].rstrip(">").strip()
    return wanted in (contact_email.lower(), contact_name.strip().lower())


def edit_interview(
    owner: Owner, interview_id: int | str, changes: InterviewChanges
) -> EditedInterview:
    """Apply `changes` to an interview (bad input changes nothing), log INTERVIEW_EDITED naming
    what changed, and re-plan its application."""
    interview = get_interview(owner, interview_id)
    application = interview.application
    values: dict[str, object] = {}
    changed: list[str] = []

    start, end, tz = _new_times(interview, changes)
    if (start, end, tz) != (interview.start, interview.end, interview.time_zone):
        values.update(start=start, end=end, time_zone=tz)
        changed.append("time")
    if changes.format is not None and changes.format != interview.format:
        if changes.format not in Interview.Format.values:
            raise InvalidInput(
                "format", f"unknown format {changes.format!r} (phone, video or onsite)"
            )
        values["format"] = changes.format
        changed.append("format")
    if changes.round_name is not None:
        round_name = _clean_text(changes.round_name, "round", 100)
        if not round_name:
            raise InvalidInput("round", "must not be empty")
        if round_name != interview.round_name:
            values["round_name"] = round_name
            changed.append("round")
    if changes.notes is not None:
        notes = _clean_text(changes.notes, "notes", NOTES_MAX, single_line=False)
        if notes != interview.notes:
            values["notes"] = notes
            changed.append("notes")
    if changes.unasked is not None:
        unasked = _lines(changes.unasked, "unasked")
        if unasked != interview.unasked_questions:
            values["unasked_questions"] = unasked
            changed.append("questions to ask")
    if changes.commitments is not None:
        commitments = _lines(changes.commitments, "commitment")
        if commitments != interview.commitments:
            values["commitments"] = commitments
            changed.append("what you promised")
    promised = interview.promised_phrase
    if changes.promised is not None:
        promised = _clean_text(changes.promised, "promised", 300)
        if promised != interview.promised_phrase:
            changed.append("their promise")
    if "time" in changed or promised != interview.promised_phrase:
        # The phrase is read from the interview's day: a new day can mean a new date.
        promised_date = None
        if promised:
            calendar = BusinessCalendar(effective_country(owner, application.company))
            resolution = resolve_phrase(promised, start.astimezone(zone(tz)).date(), calendar)
            promised_date = resolution.date if resolution else None
        values.update(promised_phrase=promised, promised_date=promised_date)

    # Who the interviewers will be: the people kept (contacts) and the people to add (parsed,
    # not yet contacts: none is created unless the edit goes through).
    current = list(interview.interviewers.all())
    kept: list[Contact] = current
    adding: list[PersonInput] = []
    if changes.interviewers is not None:
        wanted = [parse_interviewer(v) for v in changes.interviewers if v and v.strip()]
        emails = {p.email.lower() for p in wanted}
        kept = [c for c in current if c.email.lower() in emails]
        known = {c.email.lower() for c in kept}
        adding = [p for p in wanted if p.email.lower() not in known]
    else:
        adding = [parse_interviewer(v) for v in changes.add_interviewers if v and v.strip()]
        for who in changes.remove_interviewers:
            if not any(_matches(c.name, c.email, who) for c in current):
                raise InvalidInput(
                    "remove_interviewer", f"{who.strip()!r} is not an interviewer of this interview"
                )
        kept = [
            c
            for c in current
            if not any(_matches(c.name, c.email, who) for who in changes.remove_interviewers)
        ]
        known = {c.email.lower() for c in kept}
        adding = [p for p in adding if p.email.lower() not in known]
    if adding or len(kept) != len(current):
        changed.append("interviewers")

    if not changed:
        return EditedInterview(interview, [], [])
    with transaction.atomic():
        if values:
            Interview.objects.filter(owner=owner, pk=interview.pk).update(**values)
        if "interviewers" in changed:
            added = [find_or_create_contact(owner, p, application.company) for p in adding]
            interview.interviewers.set(kept + added)
        interview.refresh_from_db()
        what = ", ".join(changed)
        when = (
            f" (now {format_local(interview.start, interview.time_zone)})"
            if "time" in changed
            else ""
        )
        log_event(
            owner,
            application,
            Event.Kind.INTERVIEW_EDITED,
            f"{interview.round_name} interview edited: {what}{when}",
            data={"interview_id": interview.pk, "changed": changed},
        )
        follow_ups = replan(owner, application)
    return EditedInterview(interview, changed, follow_ups)


@dataclass
class DeletedInterview:
    interview: Interview
    stamp: datetime  # what undoes it (restore_interview, or restore_stamped)
    follow_ups: int  # how many follow-ups went with it


def delete_interview(owner: Owner, interview_id: int | str) -> DeletedInterview:
    """Put an interview and its follow-ups in the trash together, then re-plan the application
    without it. Refused while one of its follow-ups is being sent."""
    interview = get_interview(owner, interview_id)
    follow_ups = FollowUp.objects.filter(owner=owner, interview=interview)
    if follow_ups.filter(status=FollowUp.Status.SENDING).exists():
        raise InvalidInput(
            "interview_id",
            f"a follow-up of interview {interview.pk} is being sent right now; try again shortly",
        )
    with transaction.atomic():
        count = follow_ups.count()
        stamp = stamp_deleted(follow_ups, Interview.objects.filter(owner=owner, pk=interview.pk))
        log_event(
            owner,
            interview.application,
            Event.Kind.INTERVIEW_DELETED,
            f"{interview.round_name} interview ({format_local(interview.start, interview.time_zone)}) "
            f"deleted{_with_follow_ups(count)}",
            data={"interview_id": interview.pk, "stamp": stamp.isoformat()},
        )
        replan(owner, interview.application)
    interview.deleted_at = stamp
    return DeletedInterview(interview, stamp, count)


def _with_follow_ups(count: int) -> str:
    if not count:
        return ""
    return " with its follow-up" if count == 1 else f" with its {count} follow-ups"


def get_deleted_interview(owner: Owner, interview_id: int | str) -> Interview:
    return get_deleted(
        owner, Interview, interview_id, "interview_id", "interview", "application__company"
    )


def restore_interview(
    owner: Owner, interview_id: int | str, stamp: datetime | None = None
) -> Interview:
    """Take a deleted interview out of the trash with what went with it, and re-plan. `stamp`
    (the web's Undo) must be the deletion's own: an old Undo does not undo a later deletion."""
    interview = get_deleted_interview(owner, interview_id)
    if stamp is not None and stamp != interview.deleted_at:
        raise InvalidInput("stamp", "this undo belongs to an earlier deletion")
    if interview.application.deleted_at is not None:
        raise InvalidInput(
            "interview_id", "its application is deleted: restore the application instead"
        )
    with transaction.atomic():
        assert interview.deleted_at is not None  # a deleted one, by the getter
        restore_stamped(owner, interview.deleted_at)
        interview.refresh_from_db()
        log_event(
            owner,
            interview.application,
            Event.Kind.RESTORED,
            f"{interview.round_name} interview restored",
            data={"interview_id": interview.pk},
        )
        replan(owner, interview.application)
    return interview
