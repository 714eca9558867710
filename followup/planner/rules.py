"""The follow-up rules: from an application's facts to a dated, explained plan.

Pure and deterministic: the same facts always give the same plan (no clock is read),
so re-planning is idempotent and each follow-up keeps its `slot` across re-plans.
The rules table of the planner's spec is the contract; the constants below are its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .calendar import (
    BusinessCalendar,
    add_months,
    describe_day,
    describe_time,
    local_datetime,
    ordinal,
    zone,
)
from .channels import reach_them_where_they_are
from .phrases import Resolution, resolve_phrase
from .types import (
    ACCEPTED,
    APPLICATION_CHECK_IN,
    APPLIED,
    ASSERTIVE,
    CAREERS_CHECK,
    CHECK_IN,
    CHECK_IN_2,
    DELIVERABLE,
    EMAIL,
    FINAL_CHECK_IN,
    KEEP_WARM,
    KINDS,
    NO_RESPONSE,
    OFFER,
    PHONE,
    REJECTED,
    REJECTION_REPLY,
    STANDARD,
    THANK_YOU,
    WEBSITE,
    WITHDRAWN,
    ApplicationFacts,
    InterviewFacts,
    Person,
    PlannedFollowUp,
)

__all__ = [
    "PROFILES",
    "default_profile",
    "no_response_deadline",
    "plan_follow_ups",
    "preview_promise",
]

PROFILES: tuple[str, ...] = (STANDARD, ASSERTIVE)

# Thank-you: an hour after the interview, inside office hours, else the next morning.
THANK_YOU_DELAY = timedelta(hours=1)
OFFICE_OPENS = time(8, 0)
OFFICE_CLOSES = time(18, 0)
MORNING = time(9, 0)  # thank-yous moved to the morning, careers checks, deliverables
CHECK_IN_TIME = time(10, 0)  # check-ins, rejection replies, keep-warm notes

# The ladder, in business days.
CHECK_IN_WITHOUT_DATE = {STANDARD: 5, ASSERTIVE: 2}
CHECK_IN_2_AFTER = 5
# An application that never reached an interview: one status check-in, this many business days
# after it went in (long enough for a first screening round, as recruiters advise).
APPLICATION_CHECK_IN_AFTER = {STANDARD: 10, ASSERTIVE: 7}
FINAL_CHECK_IN_AFTER = 10
NO_RESPONSE_AFTER = 10

KEEP_WARM_NOTES = 3
KEEP_WARM_EVERY = timedelta(weeks=8)
CAREERS_CHECK_EVERY = timedelta(weeks=2)
CAREERS_CHECK_MONTHS = 6
# A keep-warm careers check this close to one already planned would only repeat it.
CAREERS_CHECK_MIN_GAP = timedelta(days=7)

# Outcomes after which chasing a response makes no sense.
LADDER_STOPPING_STATUSES = frozenset({OFFER, ACCEPTED, WITHDRAWN, REJECTED, NO_RESPONSE})
# Outcomes after which watching the company's openings for this role is moot.
CAREERS_CHECK_STOPPING_STATUSES = frozenset({OFFER, ACCEPTED, WITHDRAWN})
KEEP_WARM_STATUSES = frozenset({REJECTED, NO_RESPONSE})

_KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}
_FALLBACK_ZONE = "UTC"


def default_profile(role_type: str) -> str:
    """'assertive' for sales roles (they expect a forward candidate), else 'standard'."""
    normalised = (role_type or "").strip().lower().replace("-", "_").replace(" ", "_")
    if "sales" in normalised or normalised in {"business_development", "bizdev", "bd"}:
        return ASSERTIVE
    return STANDARD


# --- small helpers -------------------------------------------------------------------


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value.isoformat()}")


def _interview_date(interview: InterviewFacts) -> date:
    """D: the interview's local date, where it took place."""
    return interview.start.astimezone(zone(interview.tz)).date()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(person: Person) -> str:
    return person.name or person.email or "them"


def _sorted_interviews(app: ApplicationFacts) -> list[InterviewFacts]:
    # Stable sort: interviews are given in order, but a wrong order must not pick the
    # wrong "latest" round.
    return sorted(app.interviews, key=lambda interview: interview.start)


def _ladder_recipient(app: ApplicationFacts, interview: InterviewFacts) -> Person | None:
    """Recruiter, else the first interviewer with an email, else nobody."""
    if app.recruiter is not None:
        return app.recruiter
    return next((person for person in interview.interviewers if person.email), None)


def _lead_contact(app: ApplicationFacts, interview: InterviewFacts | None) -> Person | None:
    """Recruiter, else the lead interviewer (the first with an email, else the first)."""
    if app.recruiter is not None or interview is None:
        return app.recruiter
    with_email = next((person for person in interview.interviewers if person.email), None)
    if with_email is not None:
        return with_email
    return interview.interviewers[0] if interview.interviewers else None


def _zone_name(
    app: ApplicationFacts, interview: InterviewFacts | None, recipient: Person | None
) -> str:
    """The recipient's zone, else the company's, else the interview's, else the user's own."""
    if recipient is not None and recipient.tz:
        return recipient.tz
    if app.company_tz:
        return app.company_tz
    if interview is not None:
        return interview.tz
    return app.user_tz or _FALLBACK_ZONE


def _holiday_notes(cal: BusinessCalendar, start: date, end: date) -> list[str]:
    """'Fri 12 Dec is Jamhuri Day in Kenya' for each weekday holiday in [start, end)."""
    return [
        f"{describe_day(day)} is {name} in {cal.country_name}"
        for day, name in cal.holidays_between(start, end)
    ]


def _why_moved(cal: BusinessCalendar, intended: date, actual: date) -> str:
    """Why a date moved from `intended` to `actual`: its holidays and weekends."""
    if actual == intended:
        return ""
    notes = _holiday_notes(cal, intended, actual)
    if intended.weekday() >= 5:
        notes.insert(0, f"{describe_day(intended)} is a weekend")
    return "; ".join(notes)


@dataclass(frozen=True)
class _Slot:
    """A due time with the business day it fell on and whether it was pushed past the floor."""

    due: datetime
    day: date
    pushed_past_interview: bool


def _business_time(
    cal: BusinessCalendar, day: date, at: time, tz: str, floor: datetime | None
) -> _Slot:
    """`at` on `day` (or the next business day), never before `floor` (the interview's end)."""
    business_day = cal.business_day_on_or_after(day)
    due = local_datetime(business_day, at, tz)
    pushed = False
    while floor is not None and due < floor:
        pushed = True
        business_day = cal.next_business_day(business_day)
        due = local_datetime(business_day, at, tz)
    return _Slot(due=due, day=business_day, pushed_past_interview=pushed)


def _pushed_note(slot: _Slot) -> str:
    return " It is moved to after the interview ends." if slot.pushed_past_interview else ""


def _fortnightly_days(start: date) -> list[date]:
    """start + 2 weeks, + 4 weeks, … up to 6 months after start."""
    until = add_months(start, CAREERS_CHECK_MONTHS)
    days: list[date] = []
    day = start + CAREERS_CHECK_EVERY
    while day <= until:
        days.append(day)
        day += CAREERS_CHECK_EVERY
    return days


# --- thank-yous -----------------------------------------------------------------------


def _thank_you_due(end: datetime, tz: str, cal: BusinessCalendar) -> tuple[datetime, str]:
    """Due time and the sentence explaining it."""
    target = (end + THANK_YOU_DELAY).astimezone(zone(tz))
    target_day = target.date()
    said = f"An hour after the interview is {describe_time(target)}"
    if cal.is_business_day(target_day) and OFFICE_OPENS <= target.time() <= OFFICE_CLOSES:
        return (
            target,
            f"Sent an hour after the interview ends, while it is fresh: {describe_time(target)}.",
        )
    if cal.is_business_day(target_day) and target.time() < OFFICE_OPENS:
        due = local_datetime(target_day, MORNING, tz)
        return due, f"{said}, before 08:00: sending that morning, {describe_time(due)}."
    next_day = cal.next_business_day(target_day)
    due = local_datetime(next_day, MORNING, tz)
    if cal.is_business_day(target_day):
        why = "after 18:00"
    else:
        holiday = cal.holiday_name(target_day)
        why = f"{holiday} in {cal.country_name}" if holiday else "a weekend"
    skipped = _holiday_notes(cal, target_day + timedelta(days=1), next_day)
    also = f" ({'; '.join(skipped)})" if skipped else ""
    return due, (f"{said}, {why}: sending the next business day, {describe_time(due)}{also}.")


def _thank_yous(
    app: ApplicationFacts, interview: InterviewFacts, cal: BusinessCalendar
) -> list[PlannedFollowUp]:
    addressed: list[Person] = []
    for person in interview.interviewers:
        if person.email and all(person.key != seen.key for seen in addressed):
            addressed.append(person)
    recipients: list[Person | None]
    if addressed:
        recipients = list(addressed)
    elif app.recruiter is not None:
        recipients = [app.recruiter]
    else:
        recipients = [None]

    planned: list[PlannedFollowUp] = []
    for recipient in recipients:
        tz = _zone_name(app, interview, recipient)
        due, timing = _thank_you_due(interview.end, tz, cal)
        if recipient is None:
            who = (
                "No interviewer or recruiter address is known: an unaddressed thank-you "
                "to send through the coordinator."
            )
        elif addressed:
            who = f"A personal thank-you to {_name(recipient)}"
            who += ", one note per interviewer." if len(addressed) > 1 else "."
        else:
            who = f"No interviewer email is known: a thank-you through the recruiter, {_name(recipient)}."
        planned.append(
            PlannedFollowUp(
                slot=f"thank_you:{interview.key}:{recipient.key if recipient else 'unaddressed'}",
                kind=THANK_YOU,
                due=due,
                channel=EMAIL,
                reason=f"{who} {timing}",
                recipient=recipient,
                interview_key=interview.key,
                interview_id=interview.interview_id,
            )
        )
    return planned


# --- the check-in ladder --------------------------------------------------------------


@dataclass(frozen=True)
class _FirstCheckIn:
    slot: _Slot
    resolution: Resolution
    promised: date | None  # P, when the phrase was understood
    business_days_after: int | None  # the no-date rule's N, when it was used
    holiday_notes: tuple[str, ...]
    reason: str


def _first_check_in(
    interview: InterviewFacts, cal: BusinessCalendar, profile: str, tz: str
) -> _FirstCheckIn:
    interview_day = _interview_date(interview)
    resolution = resolve_phrase(interview.promised_phrase, interview_day, cal)
    if resolution.date is not None:
        promised = resolution.date
        slot = _business_time(
            cal, cal.next_business_day(promised), CHECK_IN_TIME, tz, interview.end
        )
        notes = _holiday_notes(cal, promised, slot.day)
        promised_is_holiday = cal.holiday_name(promised) is not None and promised.weekday() < 5
        said = "; ".join(([] if promised_is_holiday else [describe_day(promised)]) + notes)
        reason = (
            f"They said '{resolution.matched}' ({said}): checking in the next business day, "
            f"{describe_time(slot.due)}.{_pushed_note(slot)}"
        )
        return _FirstCheckIn(slot, resolution, promised, None, tuple(notes), reason)

    n = CHECK_IN_WITHOUT_DATE[profile]
    slot = _business_time(
        cal, cal.add_business_days(interview_day, n), CHECK_IN_TIME, tz, interview.end
    )
    notes = _holiday_notes(cal, interview_day + timedelta(days=1), slot.day)
    not_counted = f" ({'; '.join(notes)}, not counted)" if notes else ""
    assertive = (
        " The assertive profile checks in early: a forward role expects initiative."
        if profile == ASSERTIVE
        else ""
    )
    reason = (
        f"{_capitalised(resolution.explanation)}: checking in on the {ordinal(n)} business day "
        f"after the interview, {describe_time(slot.due)}{not_counted}.{assertive}{_pushed_note(slot)}"
    )
    return _FirstCheckIn(slot, resolution, None, n, tuple(notes), reason)


@dataclass(frozen=True)
class _Ladder:
    follow_ups: tuple[PlannedFollowUp, ...]
    tz: str
    no_response_at: datetime


def _ladder_is_active(app: ApplicationFacts, latest: InterviewFacts) -> bool:
    if app.status in LADDER_STOPPING_STATUSES:
        return False
    # Any reply after the latest interview pauses the ladder: they are talking.
    return not (app.last_reply_at is not None and app.last_reply_at > latest.end)


def _ladder(
    app: ApplicationFacts, latest: InterviewFacts, cal: BusinessCalendar, profile: str
) -> _Ladder:
    recipient = _ladder_recipient(app, latest)
    tz = _zone_name(app, latest, recipient)
    first = _first_check_in(latest, cal, profile, tz)

    second = _business_time(
        cal, cal.add_business_days(first.slot.day, CHECK_IN_2_AFTER), CHECK_IN_TIME, tz, None
    )
    if profile == ASSERTIVE:
        second_channel = PHONE
        second_reason = (
            f"No reply to the check-in of {describe_day(first.slot.day)}: a phone call "
            f"{CHECK_IN_2_AFTER} business days later, {describe_time(second.due)} "
            "(the assertive profile calls rather than writes)."
        )
    else:
        second_channel = EMAIL
        second_reason = (
            f"No reply to the check-in of {describe_day(first.slot.day)}: a second check-in "
            f"{CHECK_IN_2_AFTER} business days later, {describe_time(second.due)}."
        )
    second_notes = _holiday_notes(cal, first.slot.day + timedelta(days=1), second.day)
    if second_notes:
        second_reason += f" Not counted: {'; '.join(second_notes)}."

    final = _business_time(
        cal, cal.add_business_days(second.day, FINAL_CHECK_IN_AFTER), CHECK_IN_TIME, tz, None
    )
    no_response_day = cal.add_business_days(final.day, NO_RESPONSE_AFTER)
    no_response_at = local_datetime(no_response_day, CHECK_IN_TIME, tz)
    final_reason = (
        f"The last check-in, {FINAL_CHECK_IN_AFTER} business days after the second "
        f"({describe_day(second.day)}): {describe_time(final.due)}. With no reply by "
        f"{describe_day(no_response_day)}, the application is marked no response and the "
        "check-ins stop."
    )
    final_notes = _holiday_notes(cal, second.day + timedelta(days=1), final.day)
    if final_notes:
        final_reason += f" Not counted: {'; '.join(final_notes)}."

    first_extra = {
        "promised_phrase": latest.promised_phrase,
        "promised_date": first.promised.isoformat() if first.promised else "",
        "understood": "yes" if first.resolution.understood else "no",
    }
    rungs = (
        PlannedFollowUp(
            slot=f"check_in:{latest.key}",
            kind=CHECK_IN,
            due=first.slot.due,
            channel=EMAIL,
            reason=first.reason,
            recipient=recipient,
            interview_key=latest.key,
            interview_id=latest.interview_id,
            extra=first_extra,
        ),
        PlannedFollowUp(
            slot=f"check_in_2:{latest.key}",
            kind=CHECK_IN_2,
            due=second.due,
            channel=second_channel,
            reason=second_reason,
            recipient=recipient,
            interview_key=latest.key,
            interview_id=latest.interview_id,
        ),
        PlannedFollowUp(
            slot=f"final_check_in:{latest.key}",
            kind=FINAL_CHECK_IN,
            due=final.due,
            channel=EMAIL,
            reason=final_reason,
            recipient=recipient,
            interview_key=latest.key,
            interview_id=latest.interview_id,
            extra={"no_response_at": no_response_at.isoformat()},
        ),
    )
    return _Ladder(follow_ups=rungs, tz=tz, no_response_at=no_response_at)


# --- an application without an interview ---------------------------------------------


def _application_check_in(
    app: ApplicationFacts, cal: BusinessCalendar, profile: str
) -> PlannedFollowUp | None:
    """One polite status check-in on an application that went in and was never answered: no
    interview, no reply. A saved posting (not applied to yet) gets nothing."""
    if app.status != APPLIED or app.applied_on is None or app.interviews:
        return None
    if app.last_reply_at is not None:
        return None  # they answered: whatever comes next is theirs to say
    recipient = app.recruiter
    tz = _zone_name(app, None, recipient)
    n = APPLICATION_CHECK_IN_AFTER[profile]
    slot = _business_time(cal, cal.add_business_days(app.applied_on, n), CHECK_IN_TIME, tz, None)
    notes = _holiday_notes(cal, app.applied_on + timedelta(days=1), slot.day)
    not_counted = f" ({'; '.join(notes)}, not counted)" if notes else ""
    assertive = (
        " The assertive profile checks in sooner: a forward role expects initiative."
        if profile == ASSERTIVE
        else ""
    )
    to = (
        f" to {_name(recipient)}"
        if recipient is not None
        else " (no recruiter is known: address it to the hiring contact or the jobs address)"
    )
    reason = (
        f"You applied on {describe_day(app.applied_on)} and have not heard back: one polite "
        f"status check-in{to} on the {ordinal(n)} business day after, "
        f"{describe_time(slot.due)}{not_counted}.{assertive}"
    )
    return PlannedFollowUp(
        slot="application_check_in",
        kind=APPLICATION_CHECK_IN,
        due=slot.due,
        channel=EMAIL,
        reason=reason,
        recipient=recipient,
        extra={"applied_on": app.applied_on.isoformat()},
    )


# --- outcome: rejection reply, keep warm ---------------------------------------------


def _rejection_reply(
    app: ApplicationFacts, latest: InterviewFacts | None, cal: BusinessCalendar
) -> PlannedFollowUp | None:
    if app.status != REJECTED or app.rejected_at is None:
        return None
    recipient = _lead_contact(app, latest)
    tz = _zone_name(app, latest, recipient)
    rejected_day = app.rejected_at.astimezone(zone(tz)).date()
    floor = latest.end if latest is not None else None
    slot = _business_time(cal, cal.next_business_day(rejected_day), CHECK_IN_TIME, tz, floor)
    skipped = _holiday_notes(cal, rejected_day + timedelta(days=1), slot.day)
    also = f" ({'; '.join(skipped)})" if skipped else ""
    reason = (
        f"They turned the application down on {describe_day(rejected_day)}: replying the next "
        f"business day, {describe_time(slot.due)}{also}, to thank them, ask for feedback and "
        f"ask to be kept in mind for future openings.{_pushed_note(slot)}"
    )
    return PlannedFollowUp(
        slot="rejection_reply",
        kind=REJECTION_REPLY,
        due=slot.due,
        channel=EMAIL,
        reason=reason,
        recipient=recipient,
        interview_key=latest.key if latest else None,
        interview_id=latest.interview_id if latest else None,
    )


def _keep_warm_base(app: ApplicationFacts, latest: InterviewFacts | None) -> datetime | None:
    """When keep-warm counts from (the outcome, else the latest interview), or None when the
    application is not kept warm."""
    if not app.keep_warm or app.status not in KEEP_WARM_STATUSES:
        return None
    outcome_at = app.rejected_at if app.status == REJECTED else app.no_response_at
    return outcome_at if outcome_at is not None else (latest.end if latest else None)


def _keep_warm(
    app: ApplicationFacts, latest: InterviewFacts | None, cal: BusinessCalendar
) -> list[PlannedFollowUp]:
    base_at = _keep_warm_base(app, latest)
    if base_at is None:
        return []  # not kept warm, or nothing to count from: no outcome date and no interview
    outcome = "rejection" if app.status == REJECTED else "application went without a response"
    floor = latest.end if latest is not None else None
    interview_key = latest.key if latest else None
    interview_id = latest.interview_id if latest else None

    planned: list[PlannedFollowUp] = []
    recipient = _lead_contact(app, latest)
    tz = _zone_name(app, latest, recipient)
    base_day = base_at.astimezone(zone(tz)).date()
    for k in range(1, KEEP_WARM_NOTES + 1):
        intended = base_day + KEEP_WARM_EVERY * k
        slot = _business_time(cal, intended, CHECK_IN_TIME, tz, floor)
        moved = _why_moved(cal, intended, slot.day)
        moved_note = f" ({moved}: the next business day)" if moved else ""
        planned.append(
            PlannedFollowUp(
                slot=f"keep_warm:{k}",
                kind=KEEP_WARM,
                due=slot.due,
                channel=EMAIL,
                reason=(
                    f"Keeping in touch, note {k} of {KEEP_WARM_NOTES}: "
                    f"{8 * k} weeks after the {outcome} on {describe_day(base_day)}, "
                    f"{describe_time(slot.due)}{moved_note}.{_pushed_note(slot)}"
                ),
                recipient=recipient,
                interview_key=interview_key,
                interview_id=interview_id,
            )
        )

    return planned


# --- what the candidate owes them, and what they asked for ---------------------------


@dataclass(frozen=True)
class _CheckDay:
    day: date  # the business day the check falls on
    intended: date  # the fortnight's day, before weekends and holidays moved it
    why: str  # what this run of checks is for


def _careers_check_days(
    app: ApplicationFacts,
    interviews: list[InterviewFacts],
    latest: InterviewFacts | None,
    cal: BusinessCalendar,
    tz: str,
) -> list[_CheckDay]:
    """Every fortnightly check the rules call for, in order: 6 months after each interview where
    they asked the candidate to watch their website, and 6 months after a keep-warm outcome. A
    check within a week of an earlier one would only repeat it, so it is left out."""
    runs: list[tuple[date, str]] = []
    if app.status not in CAREERS_CHECK_STOPPING_STATUSES:
        for interview in interviews:
            if interview.asked_to_check_website:
                day = _interview_date(interview)
                runs.append(
                    (
                        day,
                        f"they asked you to check their website at the interview on "
                        f"{describe_day(day)}",
                    )
                )
    base_at = _keep_warm_base(app, latest)
    if base_at is not None:
        outcome = "rejection" if app.status == REJECTED else "application went without a response"
        day = base_at.astimezone(zone(tz)).date()
        runs.append((day, f"keeping in touch after the {outcome} on {describe_day(day)}"))
    days: list[_CheckDay] = []
    for start, why in runs:
        for intended in _fortnightly_days(start):
            day = cal.business_day_on_or_after(intended)
            if any(abs(day - other.day) <= CAREERS_CHECK_MIN_GAP for other in days):
                continue  # another run already covers this fortnight
            days.append(_CheckDay(day=day, intended=intended, why=why))
    return sorted(days, key=lambda check: check.day)


def _careers_check(
    app: ApplicationFacts,
    interviews: list[InterviewFacts],
    latest: InterviewFacts | None,
    cal: BusinessCalendar,
) -> PlannedFollowUp | None:
    """The careers-page check is one recurring item: only the next check is planned. Each one
    done or skipped brings the one after it, until the last fortnight. It is the candidate's own
    errand, so it is due at 09:00 in their zone."""
    tz = app.user_tz or _zone_name(app, latest, None)
    days = _careers_check_days(app, interviews, latest, cal, tz)
    closed = app.careers_checks_closed
    if closed:
        through = max(closed).astimezone(zone(tz)).date()
        days_left = [check for check in days if check.day > through]
    else:
        days_left = days
    # Never before the latest interview ends (its facts may say it ended after an outcome).
    floor = latest.end if latest is not None else None
    upcoming = (
        (check, local_datetime(check.day, MORNING, tz))
        for check in days_left
        if floor is None or local_datetime(check.day, MORNING, tz) >= floor
    )
    found = next(upcoming, None)
    if found is None:
        return None
    check, due = found
    moved = _why_moved(cal, check.intended, check.day)
    moved_note = f" ({moved}: the next business day)" if moved else ""
    last = days[-1].day
    until = f"{last.day} {last:%b}" + (f" {last.year}" if last.year != check.day.year else "")
    return PlannedFollowUp(
        # One slot per check in turn: never two open at once, and a closed one is never redone.
        slot=f"careers_check:{len(closed) + 1}",
        kind=CAREERS_CHECK,
        due=due,
        channel=WEBSITE,
        reason=(
            f"Look at {app.company_name}'s careers page for new openings: every 2 weeks until "
            f"{until} ({check.why}). Next check: {describe_time(due)}{moved_note}."
        ),
        recipient=None,
        interview_key=latest.key if latest else None,
        interview_id=latest.interview_id if latest else None,
    )


def _deliverables(
    app: ApplicationFacts, interview: InterviewFacts, cal: BusinessCalendar
) -> list[PlannedFollowUp]:
    if app.status in (WITHDRAWN, REJECTED):
        # The process is over (they said no, or the candidate left): nothing is owed any more.
        return []
    recipient = _ladder_recipient(app, interview)
    tz = _zone_name(app, interview, recipient)
    interview_day = _interview_date(interview)
    planned: list[PlannedFollowUp] = []
    for index, commitment in enumerate(interview.commitments, start=1):
        if not commitment.strip():
            continue
        resolution = resolve_phrase(commitment, interview_day, cal)
        promised = " ".join(commitment.split())
        if resolution.date is not None:
            slot = _business_time(cal, resolution.date, MORNING, tz, interview.end)
            moved = _why_moved(cal, resolution.date, slot.day)
            if moved:
                timing = f"{moved}: due the next business day, {describe_time(slot.due)}"
            else:
                timing = f"due that morning, {describe_time(slot.due)}"
            reason = (
                f"You promised '{promised}' ('{resolution.matched}' is "
                f"{describe_day(resolution.date)}): {timing}.{_pushed_note(slot)}"
            )
        else:
            slot = _business_time(
                cal, cal.next_business_day(interview_day), MORNING, tz, interview.end
            )
            reason = (
                f"You promised '{promised}', with no date that could be read "
                f"({resolution.explanation}): due the next business day after the interview, "
                f"{describe_time(slot.due)}.{_pushed_note(slot)}"
            )
        planned.append(
            PlannedFollowUp(
                slot=f"deliverable:{interview.key}:{index}",
                kind=DELIVERABLE,
                due=slot.due,
                channel=EMAIL,
                reason=reason,
                recipient=recipient,
                interview_key=interview.key,
                interview_id=interview.interview_id,
                commitment=commitment.strip(),
                extra={
                    "commitment": commitment,
                    "resolved_date": resolution.date.isoformat() if resolution.date else "",
                },
            )
        )
    return planned


# --- the public API -------------------------------------------------------------------


def _validate(app: ApplicationFacts, profile: str) -> None:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}")
    seen: set[str] = set()
    for interview in app.interviews:
        if interview.key in seen:
            raise ValueError(f"two interviews share the key {interview.key!r}")
        seen.add(interview.key)
        _require_aware(interview.start, f"interview {interview.key} start")
        _require_aware(interview.end, f"interview {interview.key} end")
        if interview.end < interview.start:
            raise ValueError(f"interview {interview.key} ends before it starts")
        zone(interview.tz)
    for person in (app.recruiter, *(p for i in app.interviews for p in i.interviewers)):
        if person is not None and person.tz:
            zone(person.tz)
    if app.company_tz:
        zone(app.company_tz)
    if app.user_tz:
        zone(app.user_tz)
    for value, what in (
        (app.rejected_at, "rejected_at"),
        (app.no_response_at, "no_response_at"),
        (app.last_reply_at, "last_reply_at"),
        *((closed, "careers_checks_closed") for closed in app.careers_checks_closed),
    ):
        if value is not None:
            _require_aware(value, what)


def _sort_key(follow_up: PlannedFollowUp) -> tuple[datetime, int, str]:
    return follow_up.due, _KIND_ORDER.get(follow_up.kind, len(_KIND_ORDER)), follow_up.slot


def plan_follow_ups(app: ApplicationFacts, profile: str | None = None) -> list[PlannedFollowUp]:
    """Every follow-up the rules call for, sorted by (due, kind order, slot).

    `profile` defaults to the role type's (`default_profile`). Raises ValueError
    (UnknownZone, UnknownCountry among them) for facts the rules cannot use.
    """
    chosen = profile if profile is not None else default_profile(app.role_type)
    _validate(app, chosen)
    cal = BusinessCalendar(app.country, app.subdivision)
    interviews = _sorted_interviews(app)
    latest = interviews[-1] if interviews else None

    planned: list[PlannedFollowUp] = []
    for interview in interviews:
        planned += _thank_yous(app, interview, cal)
        planned += _deliverables(app, interview, cal)
    # Only the latest round has a ladder: a new round replaces the earlier one's.
    if latest is not None and _ladder_is_active(app, latest):
        planned += _ladder(app, latest, cal, chosen).follow_ups
    application_check_in = _application_check_in(app, cal, chosen)
    if application_check_in is not None:
        planned.append(application_check_in)
    rejection = _rejection_reply(app, latest, cal)
    if rejection is not None:
        planned.append(rejection)
    planned += _keep_warm(app, latest, cal)
    careers_check = _careers_check(app, interviews, latest, cal)
    if careers_check is not None:
        planned.append(careers_check)
    # Each person on the channel they prefer (the rules above use their own defaults).
    planned = [reach_them_where_they_are(follow_up) for follow_up in planned]
    return sorted(planned, key=_sort_key)


def no_response_deadline(app: ApplicationFacts, profile: str | None = None) -> datetime | None:
    """10:00, 10 business days after the final check-in: with no reply by then, the
    application becomes no_response. None when no check-in ladder is running."""
    chosen = profile if profile is not None else default_profile(app.role_type)
    _validate(app, chosen)
    interviews = _sorted_interviews(app)
    if not interviews or not _ladder_is_active(app, interviews[-1]):
        return None
    cal = BusinessCalendar(app.country, app.subdivision)
    return _ladder(app, interviews[-1], cal, chosen).no_response_at


def preview_promise(
    phrase: str,
    interview_end: datetime,
    tz: str,
    country: str,
    role_type: str = STANDARD,
    recipient_tz: str | None = None,
) -> str:
    """One line for a web form: when the first check-in would be, and why.

    "→ check in Mon 15 Dec, 10:00 EAT — Fri 12 Dec is Jamhuri Day". A naive
    `interview_end` is read as wall time in `tz`. Raises UnknownZone / UnknownCountry.
    """
    interview_zone = zone(tz)
    if recipient_tz:
        zone(recipient_tz)
    if interview_end.tzinfo is None:
        interview_end = interview_end.replace(tzinfo=interview_zone)
    cal = BusinessCalendar(country)
    interview = InterviewFacts(
        key="preview", start=interview_end, end=interview_end, tz=tz, promised_phrase=phrase
    )
    first = _first_check_in(interview, cal, default_profile(role_type), recipient_tz or tz)
    when = describe_time(first.slot.due)
    resolution = first.resolution
    if first.promised is not None:
        holiday = cal.holiday_name(first.promised)
        if holiday is not None and first.promised.weekday() < 5:
            return f"→ check in {when} — {describe_day(first.promised)} is {holiday}"
        line = f"→ check in {when} — '{resolution.matched}' is {describe_day(first.promised)}"
        skipped = cal.holidays_between(first.promised, first.slot.day)
        if skipped:
            line += "; " + "; ".join(f"{describe_day(d)} is {name}" for d, name in skipped)
        return line
    nth = f"{ordinal(first.business_days_after or 0)} business day"
    if not phrase.strip():
        return f"→ no date promised: check in {when} ({nth})"
    if resolution.matched is not None:
        return f"→ '{resolution.matched}' not usable ({resolution.explanation}): check in {when} ({nth})"
    shown = " ".join(phrase.split())
    return f"→ '{shown}' not understood: check in {when} ({nth})"
