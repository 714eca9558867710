"""Every state change of a follow-up, with one set of checks.

What a person does (CLI, web, mail commands): approve (now or inside the recipient's working
hours), unapprove, mark sent, confirm sent, done, skip, snooze, a reply, a bounce, an
out-of-office, cancel. What the sender does to a row it has claimed (status "sending" under its
lease): sent, retry later, failed, needs attention, released, resent.

Rows change with conditional UPDATEs (`.filter(pk=…, status=…).update(…)`): the web, the CLI and
the worker may act on the same row at once, and only the first change counts.

    planned   → approved         approve (email: send_after inside working hours)
    approved/failed → planned    unapprove (the person sends it themselves, or not at all)
    failed, or approved after a send error → approved, to go out now    retry_send
    planned/approved → sent, done, skipped, cancelled    by hand; a reply makes it done
    approved check-ins → cancelled                       a reply on the application
    approved  → sending          the sender's claim (followup.mail.sender)
    sending   → sent | approved (retry, released, resent) | failed
    failed ("needs attention") → approved (again, same Message-ID) | sent (confirmed)
    any sent email → failed      a bounce
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, Field, Q, Value, When
from django.utils import timezone

from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, Contact, Event, FollowUp, Interview, Profile
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services.owned import effective_country, get_follow_up, log_event
from followup.core.services.planning import replan_or_postpone
from followup.core.services.trash import get_deleted, restore_stamped, stamp_deleted
from followup.lib.addresses import BadAddress, check_email, has_line_break
from followup.lib.backoff import SEND_RETRY, retry_delay
from followup.lib.vocabulary import describe_day, format_local, zone
from followup.planner import BusinessCalendar
from followup.planner import types as p
from followup.planner.calendar import local_datetime

S = FollowUp.Status
APPROVABLE = (S.PLANNED, S.APPROVED, S.FAILED)
SNOOZE_DAYS = (1, 3, 7)
DEFAULT_WORKING_HOURS = (time(8, 0), time(18, 0))


# ---------------------------------------------------------------------------------------------
# Approving: when it goes out, and what could never be sent


def new_message_id(owner: Owner) -> str:
    """Stable for the row once fixed, unguessable, so a reply can be matched to it."""
    from urllib.parse import urlsplit

    from followup.core.site import site_url

    domain = urlsplit(site_url()).hostname or "followup.local"
    return f"<{secrets.token_urlsafe(24)}@{domain}>"


def _as_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def working_hours(profile: Profile) -> tuple[time, time]:
    start, end = _as_time(profile.work_start), _as_time(profile.work_end)
    if end <= start:  # a nonsensical profile: fall back to the defaults
        return DEFAULT_WORKING_HOURS
    return start, end


def send_time(
    owner: Owner,
    fu: FollowUp,
    now: datetime | None = None,
    profile: Profile | None = None,
) -> datetime:
    """When an approved follow-up goes out: its due time (or now, if that has passed) moved inside
    the recipient's working hours (the profile's work_start-work_end on a business day of the
    company's country, in the recipient's zone)."""
    now = now or timezone.now()
    profile = profile or get_profile(owner)
    tz_name = str(fu.due_tz or profile.time_zone)
    calendar = BusinessCalendar(effective_country(owner, fu.application.company))
    start, end = working_hours(profile)
    local = max(fu.due, now).astimezone(zone(tz_name))
    day = local.date()
    if calendar.is_business_day(day):
        if start <= local.time() < end:
            return local
        if local.time() < start:
            return local_datetime(day, start, tz_name)
    return local_datetime(calendar.next_business_day(day), start, tz_name)


def check_sendable(fu: FollowUp) -> None:
    """Refuse, at approval, what could never be sent: no address or a malformed one, a line break
    in the name or the subject, no subject, an address that bounced. The one set of checks for
    every way of approving (web, CLI, mail commands)."""
    recipient: Contact | None = fu.recipient
    if recipient is None or not recipient.email:
        raise InvalidInput("recipient", "this follow-up has no email address to send to")
    try:
        check_email(recipient.email.strip())
    except BadAddress as exc:
        raise InvalidInput("recipient", str(exc)) from None
    if has_line_break(recipient.name):
        raise InvalidInput("recipient", "must not contain line breaks")
    if has_line_break(fu.subject):
        raise InvalidInput("subject", "must not contain line breaks")
    if not fu.subject.strip():
        raise InvalidInput("subject", "is required before approving")
    if recipient.bounced_at is not None:
        raise InvalidInput(
            "recipient",
            f"mail to {recipient.email} bounced on {recipient.bounced_at:%Y-%m-%d}: "
            "correct the contact's address first",
        )


def approve(
    owner: Owner,
    follow_up_id: int | str,
    *,
    send_now: bool = False,
    now: datetime | None = None,
) -> FollowUp:
    """Approve a follow-up: an email goes out now (`send_now`) or at its due time inside the
    recipient's working hours. Approving an approved one again only moves its send time; one that
    needs attention can be approved again and keeps its Message-ID, so a copy that did go out
    threads with the new one."""
    now = now or timezone.now()
    with transaction.atomic():
        fu = get_follow_up(owner, follow_up_id)
        if fu.status not in APPROVABLE:
            raise InvalidInput(
                "followup_id",
                f"follow-up {fu.pk} is {fu.status}; only a planned one (or one that needs "
                "attention) can be approved",
            )
        is_email = fu.channel == p.EMAIL
        if is_email:
            check_sendable(fu)
        was = fu.status
        values: dict[str, object] = {"status": S.APPROVED, "updated_at": now}
        if not fu.message_id:
            values["message_id"] = new_message_id(owner)
        if was == S.FAILED:  # a fresh start for the sender
            values.update(attempts=0, last_error="", lease_until=None, bounced_at=None)
        if is_email:
            values["send_after"] = now if send_now else send_time(owner, fu, now)
            values["next_attempt_at"] = None
        if not FollowUp.objects.filter(owner=owner, pk=fu.pk, status=was).update(**values):
            fu.refresh_from_db(fields=["status"])
            raise InvalidInput(
                "followup_id", f"follow-up {fu.pk} is {fu.status}; it can no longer be approved"
            )
        for name, value in values.items():
            setattr(fu, name, value)
        if was != S.APPROVED:
            again = " again" if was == S.FAILED else ""
            log_event(
                owner,
                fu.application,
                Event.Kind.FOLLOW_UP_APPROVED,
                f"{fu.get_kind_display()} approved{again}",
                follow_up=fu,
                at=now,
            )
    return fu


UNAPPROVABLE = (S.APPROVED, S.FAILED)


def unapprove(owner: Owner, follow_up_id: int | str) -> FollowUp:
    """Take an approved follow-up (or one whose send failed) back to planned, as long as the
    sender has not claimed it: it waits for the person again, who may send it themselves. It
    keeps its Message-ID, so a reply to a copy that did go out is still noticed."""
    fu = get_follow_up(owner, follow_up_id)
    updated = FollowUp.objects.filter(owner=owner, pk=fu.pk, status__in=UNAPPROVABLE).update(
        status=S.PLANNED,
        send_after=None,
        next_attempt_at=None,
        lease_until=None,
        attempts=0,
        last_error="",
        updated_at=timezone.now(),
    )
    if not updated:
        fu.refresh_from_db(fields=["status"])
        raise InvalidInput("followup_id", f"follow-up {fu.pk} is {fu.status}, not approved")
    fu.refresh_from_db()
    return fu


def needs_attention(fu: FollowUp) -> bool:
    """A send that failed for good, or an approved one waiting to be tried again after an
    error: what Today, the Draft page and `followup due` show with its error."""
    return fu.status == S.FAILED or (fu.status == S.APPROVED and bool(fu.last_error))


def retry_send(owner: Owner, follow_up_id: int | str, now: datetime | None = None) -> FollowUp:
    """Try a send that failed again, now: back in the outbox (approved, attempts reset, to go
    out with the worker's next batch), with the same Message-ID so a copy that did go out
    threads with the new one. An approved one waiting after an error is tried at once. An
    address that bounced is refused until the contact is corrected."""
    now = now or timezone.now()
    with transaction.atomic():
        fu = get_follow_up(owner, follow_up_id)
        if fu.channel != p.EMAIL or not needs_attention(fu):
            raise InvalidInput(
                "followup_id",
                f"follow-up {fu.pk} is {fu.status}; only an email whose send failed can be retried",
            )
        check_sendable(fu)
        was = fu.status
        values: dict[str, object] = {
            "status": S.APPROVED,
            "attempts": 0,
            "last_error": "",
            "send_after": now,
            "next_attempt_at": now,
            "lease_until": None,
            "handed_at": None,
            "accepted_at": None,
            "bounced_at": None,
            "updated_at": now,
        }
        if not fu.message_id:
            values["message_id"] = new_message_id(owner)
        if not FollowUp.objects.filter(owner=owner, pk=fu.pk, status=was).update(**values):
            fu.refresh_from_db(fields=["status"])
            raise InvalidInput(
                "followup_id", f"follow-up {fu.pk} is {fu.status}; it can no longer be retried"
            )
        for name, value in values.items():
            setattr(fu, name, value)
        log_event(
            owner,
            fu.application,
            Event.Kind.FOLLOW_UP_APPROVED,
            f"{fu.get_kind_display()}: sending again",
            follow_up=fu,
            at=now,
        )
    return fu


# ---------------------------------------------------------------------------------------------
# Closing by hand: sent, done, skipped, cancelled


def already_closed(fu: FollowUp) -> str:
    """Why a follow-up cannot be closed (again), naming the state it is in now."""
    fu.refresh_from_db(fields=["status"])
    if fu.status == S.SENDING:
        return f"follow-up {fu.pk} is being sent right now"
    if fu.status == S.FAILED:
        return f"follow-up {fu.pk} needs attention: approve it again or confirm it sent"
    return f"follow-up {fu.pk} is already {fu.status}"


def _close(
    owner: Owner,
    follow_up_id: int | str,
    status: str,
    kind: str,
    verb: str,
    at: datetime | None = None,
) -> FollowUp:
    """Close an open follow-up, as one conditional UPDATE with its timeline event: of two
    closings at once (done in one tab, skip in another; the sender claiming an approved one),
    the first wins and the other is told what the row already is."""
    fu = get_follow_up(owner, follow_up_id)
    at = at or timezone.now()
    values: dict[str, object] = {"status": status, "updated_at": timezone.now()}
    if status == S.SENT:
        values["sent_at"] = at
    with transaction.atomic():
        if not FollowUp.objects.filter(owner=owner, pk=fu.pk, status__in=FollowUp.OPEN).update(
            **values
        ):
            raise InvalidInput("followup_id", already_closed(fu))
        for name, value in values.items():
            setattr(fu, name, value)
        log_event(
            owner, fu.application, kind, f"{fu.get_kind_display()} {verb}", follow_up=fu, at=at
        )
    if fu.kind == p.CAREERS_CHECK and status != S.CANCELLED:
        # A recurring item: closing this check brings the next one onto the plan.
        replan_or_postpone(owner, fu.application)
    return fu


def mark_sent(owner: Owner, follow_up_id: int | str, at: datetime | None = None) -> FollowUp:
    """The person sent it themselves."""
    return _close(owner, follow_up_id, S.SENT, Event.Kind.FOLLOW_UP_SENT, "marked sent", at)


def mark_done(owner: Owner, follow_up_id: int | str) -> FollowUp:
    return _close(owner, follow_up_id, S.DONE, Event.Kind.FOLLOW_UP_DONE, "done")


def skip(owner: Owner, follow_up_id: int | str) -> FollowUp:
    return _close(owner, follow_up_id, S.SKIPPED, Event.Kind.FOLLOW_UP_SKIPPED, "skipped")


def cancel(owner: Owner, follow_up_id: int | str, reason: str) -> FollowUp:
    """Cancel an open follow-up that is no longer wanted, with the reason on the timeline."""
    return _close(
        owner, follow_up_id, S.CANCELLED, Event.Kind.FOLLOW_UP_CANCELLED, f"cancelled: {reason}"
    )


def confirm_sent(owner: Owner, follow_up_id: int | str, at: datetime | None = None) -> FollowUp:
    """The person found it in their Sent folder: a follow-up that needs attention becomes sent."""
    fu = get_follow_up(owner, follow_up_id)
    at = at or timezone.now()
    updated = FollowUp.objects.filter(owner=owner, pk=fu.pk, status=S.FAILED).update(
        status=S.SENT,
        sent_at=at,
        last_error="",
        lease_until=None,
        next_attempt_at=None,
        updated_at=at,
    )
    if not updated:
        raise InvalidInput(
            "followup_id",
            f"follow-up {fu.pk} is {fu.status}; only one that needs attention can be confirmed sent",
        )
    fu.refresh_from_db()
    log_event(
        owner,
        fu.application,
        Event.Kind.FOLLOW_UP_SENT,
        f"{fu.get_kind_display()} confirmed sent",
        follow_up=fu,
        at=at,
    )
    return fu


# ---------------------------------------------------------------------------------------------
# Moving in time: snooze, out of office


def snooze(owner: Owner, follow_up_id: int | str, days: int) -> FollowUp:
    """Move an open follow-up `days` later (from now if it is overdue), onto a business day, at
    the same local time. It counts as edited: re-planning keeps the date the person chose."""
    if days not in SNOOZE_DAYS:
        raise InvalidInput("days", "snooze for 1, 3 or 7 days")
    fu = get_follow_up(owner, follow_up_id)
    if fu.status not in FollowUp.OPEN:
        raise InvalidInput("followup_id", f"follow-up {fu.pk} is {fu.status}; it cannot be snoozed")
    calendar = BusinessCalendar(effective_country(owner, fu.application.company))
    tz = zone(fu.due_tz)
    local = fu.due.astimezone(tz)
    base = max(local, timezone.now().astimezone(tz))
    day = calendar.business_day_on_or_after(base.date() + timedelta(days=days))
    fu.due = local_datetime(day, local.time(), fu.due_tz)
    fu.edited = True
    values: dict[str, object] = {"due": fu.due, "edited": True, "updated_at": timezone.now()}
    if fu.status == S.APPROVED and fu.channel == p.EMAIL:
        fu.send_after = values["send_after"] = send_time(owner, fu)
    if not FollowUp.objects.filter(owner=owner, pk=fu.pk, status=fu.status).update(**values):
        fu.refresh_from_db(fields=["status"])
        raise InvalidInput("followup_id", f"follow-up {fu.pk} is {fu.status}; it cannot be snoozed")
    log_event(
        owner,
        fu.application,
        Event.Kind.FOLLOW_UP_SNOOZED,
        f"{fu.get_kind_display()} snoozed to {format_local(fu.due, fu.due_tz)}",
        follow_up=fu,
    )
    return fu


def reschedule(
    owner: Owner, follow_up_id: int | str, due: datetime, *, now: datetime | None = None
) -> FollowUp:
    """Move an open follow-up to the time the person chose (`due`, aware, not in the past). It
    counts as edited: re-planning, an interview edit included, keeps this time. An approved
    email goes out at the new time, inside the recipient's working hours."""
    fu = get_follow_up(owner, follow_up_id)
    if fu.status not in FollowUp.OPEN:
        raise InvalidInput(
            "followup_id", f"follow-up {fu.pk} is {fu.status}; only an open one can be moved"
        )
    if due.tzinfo is None:
        raise InvalidInput("at", "needs a time zone")
    if due < (now or timezone.now()):
        raise InvalidInput("at", f"{format_local(due, fu.due_tz)} is in the past")
    fu.due = due
    values: dict[str, object] = {"due": due, "edited": True, "updated_at": timezone.now()}
    if fu.status == S.APPROVED and fu.channel == p.EMAIL:
        fu.send_after = values["send_after"] = send_time(owner, fu)
    with transaction.atomic():
        if not FollowUp.objects.filter(owner=owner, pk=fu.pk, status=fu.status).update(**values):
            raise InvalidInput("followup_id", already_closed(fu))
        fu.edited = True
        log_event(
            owner,
            fu.application,
            Event.Kind.FOLLOW_UP_EDITED,
            f"{fu.get_kind_display()} moved to {format_local(fu.due, fu.due_tz)}",
            follow_up=fu,
        )
    return fu


def delete_follow_up(owner: Owner, follow_up_id: int | str) -> datetime:
    """Put a follow-up in the trash; returns the stamp that undoes it (`restore_follow_up`).
    Re-planning never brings it back (its slot stays taken). Not while it is being sent."""
    fu = get_follow_up(owner, follow_up_id)
    with transaction.atomic():
        if fu.status == S.SENDING:
            raise InvalidInput("followup_id", f"follow-up {fu.pk} is being sent right now")
        stamp = stamp_deleted(
            FollowUp.objects.filter(owner=owner, pk=fu.pk).exclude(status=S.SENDING)
        )
        fu.refresh_from_db(fields=["status"])
        log_event(
            owner,
            fu.application,
            Event.Kind.FOLLOW_UP_CANCELLED,
            f"{fu.get_kind_display()} ({format_local(fu.due, fu.due_tz)}) deleted",
            follow_up=fu,
            data={"stamp": stamp.isoformat()},
        )
    return stamp


def get_deleted_follow_up(owner: Owner, follow_up_id: int | str) -> FollowUp:
    return get_deleted(
        owner, FollowUp, follow_up_id, "followup_id", "follow-up", "application__company"
    )


def restore_follow_up(
    owner: Owner, follow_up_id: int | str, stamp: datetime | None = None
) -> FollowUp:
    """Take a deleted follow-up out of the trash (with anything deleted at the same instant) and
    re-plan. `stamp` (the web's Undo) must be the deletion's own."""
    fu = get_deleted_follow_up(owner, follow_up_id)
    if stamp is not None and stamp != fu.deleted_at:
        raise InvalidInput("stamp", "this undo belongs to an earlier deletion")
    if fu.application.deleted_at is not None:
        raise InvalidInput("followup_id", "its application is deleted: restore the application")
    if fu.interview_id is not None:
        interview = Interview.all_objects.get(pk=fu.interview_id)
        if interview.deleted_at is not None:
            raise InvalidInput(
                "followup_id",
                f"it went with its interview: restore interview {interview.pk} instead",
            )
    with transaction.atomic():
        assert fu.deleted_at is not None  # a deleted one, by the getter
        restore_stamped(owner, fu.deleted_at)
        fu.refresh_from_db()
        log_event(
            owner,
            fu.application,
            Event.Kind.RESTORED,
            f"{fu.get_kind_display()} ({format_local(fu.due, fu.due_tz)}) restored",
            follow_up=fu,
        )
        replan_or_postpone(owner, fu.application)
    return fu


def move_check_ins_after(owner: Owner, application: Application, back: date) -> str:
    """An out-of-office until `back`: open check-ins due on or before it move to the first
    business day after it (same local time), keeping their order. They count as edited so
    re-planning keeps the new date; an approved one goes out at its new time. Returns what moved,
    for the person to read ("" when nothing did)."""
    rows = list(
        FollowUp.objects.filter(
            owner=owner,
            application=application,
            status__in=FollowUp.OPEN,
            kind__in=p.CHECK_IN_KINDS,
        )
        .select_related("application__company")
        .order_by("due", "id")
    )
    if not rows:
        return ""
    first = rows[0]
    first_day = first.due.astimezone(zone(first.due_tz)).date()
    if first_day > back:
        return ""
    calendar = BusinessCalendar(effective_country(owner, application.company))
    shift = calendar.next_business_day(back) - first_day
    notes = []
    previous_day: date | None = None
    for fu in rows:
        local = fu.due.astimezone(zone(fu.due_tz))
        if fu is not first and previous_day is not None and local.date() > previous_day:
            break  # already after the moved ones
        day = calendar.business_day_on_or_after(local.date() + shift)
        if previous_day is not None and day <= previous_day:
            day = calendar.next_business_day(previous_day)
        new_due = local_datetime(day, local.time(), fu.due_tz)
        values: dict[str, object] = {"due": new_due, "edited": True, "updated_at": timezone.now()}
        if fu.status == S.APPROVED:
            fu.due = new_due
            values["send_after"] = send_time(owner, fu)
        FollowUp.objects.filter(pk=fu.pk, status__in=FollowUp.OPEN).update(**values)
        previous_day = day
        note = f"{fu.get_kind_display()} moved to {format_local(new_due, fu.due_tz)}"
        notes.append(note)
        log_event(
            owner,
            application,
            Event.Kind.FOLLOW_UP_SNOOZED,
            f"Out of office until {describe_day(back)}: {note}",
            follow_up=fu,
        )
    return "; ".join(notes)


# ---------------------------------------------------------------------------------------------
# What came back: a reply, a bounce


class Reply(NamedTuple):
    """One reply for `record_replies`: on which follow-up, when, and the timeline's words."""

    follow_up_id: int | str
    at: datetime | None = None
    summary: str = ""


def record_reply(
    owner: Owner,
    follow_up_id: int | str,
    at: datetime | None = None,
    summary: str = "",
    *,
    repeat: bool = False,
) -> FollowUp:
    """A reply (mail, call, meeting) on a follow-up: the check-in ladder stops at once, including
    check-ins already approved but not yet being sent.

    Recorded by a person it closes the follow-up once: of two at once one wins and the other is
    told a reply is already recorded. `repeat` (the mail poller): every message of the
    conversation is recorded, the latest moving `replied_at`."""
    return record_replies(owner, [Reply(follow_up_id, at, summary)], repeat=repeat)[0]


def record_replies(
    owner: Owner,
    replies: Sequence[tuple[int | str, datetime | None, str]],
    *,
    repeat: bool = True,
) -> list[FollowUp]:
    """`record_reply` for many replies (follow-up id, when, summary) in one transaction and a
    fixed number of queries however many there are: the mail poller records a batch of replies
    this way (benchmarks/bench_mail.py's first scan spent ~6 ms and ~12 queries on each reply
    recorded one by one). Each reply gets its timeline event; each follow-up's replied_at is its
    last reply's; each application is re-planned once and its approved check-ins cancelled once,
    from its first reply. Returns the follow-ups, one for each reply, in order."""
    if not replies:
        return []
    now = timezone.now()
    wanted = [(_follow_up_pk(pk), at or now, summary) for pk, at, summary in replies]
    with transaction.atomic():
        # Locked on PostgreSQL (SQLite's IMMEDIATE transaction already serialises writers): the
        # statuses read here are the ones the UPDATEs below change.
        found: dict[int, FollowUp] = {
            fu.pk: fu
            for fu in FollowUp.objects.select_for_update(of=("self",))
            .select_related("application__company", "interview", "recipient")
            .filter(owner=owner, pk__in={pk for pk, _, _ in wanted})
        }
        for pk, _, _ in wanted:
            if pk not in found:
                raise NotFound("followup_id", f"no follow-up {pk}")
            # Read under the lock (SELECT FOR UPDATE; SQLite's IMMEDIATE transaction): of two
            # people recording a reply at once, the second is told.
            if not repeat and found[pk].replied_at is not None:
                fu = found[pk]
                when = format_local(fu.replied_at, fu.due_tz) if fu.replied_at else "already"
                raise InvalidInput(
                    "followup_id", f"follow-up {fu.pk} already has a reply recorded ({when})"
                )
        last_reply = {pk: at for pk, at, _ in wanted}  # the last one of each follow-up wins
        replied_at = Case(
            *(When(pk=pk, then=Value(at)) for pk, at in last_reply.items()),
            output_field=DateTimeField(),
        )
        # An open one is done; one the sender holds or has sent keeps its status.
        open_ids = [pk for pk in last_reply if found[pk].status in FollowUp.OPEN]
        other_ids = [pk for pk in last_reply if found[pk].status not in FollowUp.OPEN]
        if open_ids:
            FollowUp.objects.filter(owner=owner, pk__in=open_ids, status__in=FollowUp.OPEN).update(
                status=S.DONE, replied_at=replied_at, updated_at=now
            )
        if other_ids:
            FollowUp.objects.filter(owner=owner, pk__in=other_ids).update(
                replied_at=replied_at, updated_at=now
            )
        for pk, at in last_reply.items():
            found[pk].replied_at = at
            if pk in open_ids:
                found[pk].status = S.DONE
        events = []
        first_reply: dict[int, tuple[Application, datetime]] = {}
        for pk, at, summary in wanted:
            fu = found[pk]
            who = fu.recipient.name if fu.recipient else "They"
            events.append(
                Event(
                    owner_id=fu.owner_id,
                    application_id=fu.application_id,
                    follow_up=fu,
                    kind=Event.Kind.REPLY_RECORDED,
                    message=f"{who} replied" + (f": {summary}" if summary else ""),
                    data={},
                    at=at,
                )
            )
            first_reply.setdefault(fu.application_id, (fu.application, at))
        Event.objects.bulk_create(events)
        # Re-planning first: it never touches approved rows, and must not see the cancelled
        # ones as its own to bring back. (Inside a batch of mail replies it runs at the end.)
        for application, _ in first_reply.values():
            replan_or_postpone(owner, application)
        _cancel_approved_check_ins(owner, list(first_reply.values()))
    return [found[pk] for pk, _, _ in wanted]


def _follow_up_pk(follow_up_id: int | str) -> int:
    try:
        return int(follow_up_id)
    except (ValueError, TypeError):
        raise NotFound("followup_id", f"no follow-up {follow_up_id}") from None


def cancel_approved_check_ins(owner: Owner, application: Application, at: datetime) -> int:
    """Re-planning never touches what the person approved, but a reply must stop the ladder at
    once: approved check-ins not yet being sent are cancelled. Returns how many."""
    return _cancel_approved_check_ins(owner, [(application, at)])


def _cancel_approved_check_ins(
    owner: Owner, replied: Sequence[tuple[Application, datetime]]
) -> int:
    """`cancel_approved_check_ins` for several applications (each with the time of its reply),
    in one query, one UPDATE and one insert of timeline events."""
    when = {application.pk: (application, at) for application, at in replied}
    rows = list(
        FollowUp.objects.select_for_update()
        .filter(
            owner=owner,
            application_id__in=list(when),
            status=S.APPROVED,
            kind__in=p.CHECK_IN_KINDS,
        )
        .order_by("id")
    )
    if not rows:
        return 0
    # The rows are locked (PostgreSQL) or the writer is alone (SQLite): none can leave
    # "approved" before this UPDATE, which still applies only to approved ones.
    FollowUp.objects.filter(pk__in=[row.pk for row in rows], status=S.APPROVED).update(
        status=S.CANCELLED, updated_at=timezone.now()
    )
    events = []
    for row in rows:
        application, at = when[row.application_id]
        row.status = S.CANCELLED
        events.append(
            Event(
                owner_id=row.owner_id,
                application=application,
                follow_up=row,
                kind=Event.Kind.FOLLOW_UP_CANCELLED,
                message=f"{row.get_kind_display()} cancelled: they replied",
                data={},
                at=at,
            )
        )
    Event.objects.bulk_create(events)
    return len(rows)


@dataclass(frozen=True)
class BounceRecorded:
    follow_up: FollowUp | None
    flagged_contacts: int
    reason: str


def record_bounce(
    owner: Owner,
    follow_up_id: int | None,
    *,
    addresses: Iterable[str] = (),
    diagnostic: str = "",
    at: datetime | None = None,
) -> BounceRecorded:
    """Mail bounced: the addresses are flagged on the owner's contacts (so they cannot be approved
    again before being corrected) and the follow-up, when known, needs attention."""
    at = at or timezone.now()
    fu = (
        FollowUp.objects.select_related("recipient", "application")
        .filter(owner=owner, pk=follow_up_id)
        .first()
        if follow_up_id is not None
        else None
    )
    bounced = {a.lower() for a in addresses if a}
    if not bounced and fu is not None and fu.recipient is not None and fu.recipient.email:
        bounced.add(fu.recipient.email.lower())
    flagged = 0
    with transaction.atomic():
        if bounced:
            query = Q()
            for address in bounced:
                query |= Q(email__iexact=address)
            flagged = (
                Contact.objects.filter(owner=owner)
                .filter(query)
                .filter(bounced_at__isnull=True)
                .update(bounced_at=at)
            )
        reason = f"bounced: {diagnostic}" if diagnostic else "bounced"
        if fu is not None:
            FollowUp.objects.filter(owner=owner, pk=fu.pk).update(
                status=S.FAILED, bounced_at=at, last_error=reason, lease_until=None, updated_at=at
            )
            who = ", ".join(sorted(bounced)) or "the address"
            log_event(
                owner,
                fu.application,
                Event.Kind.FOLLOW_UP_BOUNCED,
                f"{fu.get_kind_display()} bounced ({who}): {diagnostic or 'undeliverable'}",
                follow_up=fu,
                at=at,
            )
    return BounceRecorded(follow_up=fu, flagged_contacts=flagged, reason=reason)


# ---------------------------------------------------------------------------------------------
# The sender's transitions: each applies only while the row is "sending" under the caller's
# lease, so a worker that lost its lease changes nothing. Where a send got to is on the row
# (handed_at, accepted_at), for lease recovery after a crash.


def _claimed(pk: int, lease_until: datetime) -> Q:
    return Q(pk=pk, status=S.SENDING, lease_until=lease_until)


def claim_approved(ids: Sequence[int], lease_until: datetime, at: datetime) -> int:
    """approved → sending under `lease_until`, for the rows of `ids` still approved; a fresh
    claim has handed nothing to the mail server yet."""
    return int(
        FollowUp.objects.filter(pk__in=list(ids), status=S.APPROVED).update(
            status=S.SENDING,
            lease_until=lease_until,
            handed_at=None,
            accepted_at=None,
            updated_at=at,
        )
    )


def renew_claimed(ids: Sequence[int], lease_until: datetime, new_lease: datetime) -> int:
    """Extend the lease of the rows of a claim still waiting under `lease_until`."""
    return int(
        FollowUp.objects.filter(pk__in=list(ids), status=S.SENDING, lease_until=lease_until).update(
            lease_until=new_lease
        )
    )


def hand_claimed(pk: int, lease_until: datetime, at: datetime) -> bool:
    """Mark a claimed row as being handed to the mail server, just before it is: from here until
    the server's answer is recorded it is "in flight". False: our lease was lost (another worker
    recovered the row), so it must not be sent."""
    return _set_on_claimed(pk, lease_until, {"handed_at": at})


def _field(name: str) -> Field[Any, Any]:
    field = FollowUp._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _set_on_claimed(pk: int, lease_until: datetime, values: dict[str, object]) -> bool:
    """`FollowUp.objects.filter(_claimed(pk, lease_until)).update(**values)`, as one SQL UPDATE
    written here. A fast path: it runs twice for every message sent (handed, accepted), and
    building that query with the ORM took about 0.35 ms each time, which took
    benchmarks/bench_mail.py's sending ratio from 0.52 to 0.22 of raw smtplib (target >= 0.25).
    Table, columns, quoting and values still come from Django (each model field prepares its
    value for this database); the conditions are those of `_claimed`."""
    quote = connection.ops.quote_name
    fields = [_field(name) for name in values]
    key, status, lease = _field("id"), _field("status"), _field("lease_until")
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Names from the model, quoted; every value is a parameter.
    table = quote(FollowUp._meta.db_table)
    conditions = " AND ".join(f"{quote(f.column)} = %s" for f in (key, status, lease))
    sql = f"UPDATE {table} SET {assignments} WHERE {conditions}"  # noqa: S608
    params = [f.get_db_prep_value(values[f.name], connection) for f in fields]
    params += [pk, str(S.SENDING), lease.get_db_prep_value(lease_until, connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount == 1)


@dataclass
class SentMessage:
    """A claimed row the mail server accepted: when, and the thread it went out in."""

    follow_up: FollowUp
    at: datetime
    subject: str | None = None  # as sent ("Re: …" in a thread); None: the row's own
    in_reply_to: str = ""
    references: Sequence[str] = ()
    note: str = ""  # the timeline's words, when not the usual "… sent to …"


def accept_claimed(message: SentMessage, lease_until: datetime) -> bool:
    """The mail server accepted a claimed row: recorded at once, in one UPDATE, with the thread it
    went out in, so that whatever happens next it is never sent again. Its status and timeline
    event follow in mark_claimed_sent, batched."""
    values: dict[str, object] = {"accepted_at": message.at}
    if message.subject is not None:
        values["subject"] = message.subject
    if message.in_reply_to:
        values.update(in_reply_to=message.in_reply_to, references=" ".join(message.references))
    return _set_on_claimed(message.follow_up.pk, lease_until, values)


def mark_claimed_sent(sent: Sequence[SentMessage], lease_until: datetime) -> list[int]:
    """sending → sent for accepted rows still claimed under `lease_until` (each sent at its own
    acceptance time), with their timeline events, in one short transaction. Returns the ids
    marked; a row whose lease had been taken over (another worker owns it now) is left alone."""
    if not sent:
        return []
    with transaction.atomic():
        claimed = FollowUp.objects.filter(
            pk__in=[m.follow_up.pk for m in sent],
            status=S.SENDING,
            lease_until=lease_until,
            accepted_at__isnull=False,
        )
        # Locked on PostgreSQL; SQLite's IMMEDIATE transaction already serialises writers.
        ours = set(claimed.select_for_update().values_list("pk", flat=True))
        rows = [m for m in sent if m.follow_up.pk in ours]
        if not rows:
            return []
        last = max(m.at for m in rows)
        FollowUp.objects.filter(pk__in=ours).update(
            status=S.SENT,
            sent_at=F("accepted_at"),
            lease_until=None,
            next_attempt_at=None,
            attempts=F("attempts") + 1,
            last_error="",
            updated_at=last,
        )
        events = []
        for m in rows:
            fu = m.follow_up
            to = fu.recipient.name if fu.recipient else "the recipient"
            events.append(
                Event(
                    owner_id=fu.owner_id,
                    application_id=fu.application_id,
                    follow_up=fu,
                    kind=Event.Kind.FOLLOW_UP_SENT,
                    message=m.note or f"{fu.get_kind_display()} sent to {to}",
                    at=m.at,
                )
            )
        Event.objects.bulk_create(events)
    return [m.follow_up.pk for m in rows]


def retry_claimed(
    fu: FollowUp, lease_until: datetime, *, attempts: int, error: str, at: datetime
) -> bool:
    """sending → approved, to be tried again after the sending schedule's wait."""
    return bool(
        FollowUp.objects.filter(_claimed(fu.pk, lease_until)).update(
            status=S.APPROVED,
            lease_until=None,
            handed_at=None,
            attempts=attempts,
            next_attempt_at=at + retry_delay(attempts, SEND_RETRY),
            last_error=error,
            updated_at=at,
        )
    )


def fail_claimed(
    fu: FollowUp, lease_until: datetime, *, attempts: int, error: str, at: datetime
) -> bool:
    """sending → failed: it cannot go out as it stands; the person is told why."""
    with transaction.atomic():
        updated = FollowUp.objects.filter(_claimed(fu.pk, lease_until)).update(
            status=S.FAILED,
            lease_until=None,
            attempts=attempts,
            next_attempt_at=None,
            last_error=error,
            updated_at=at,
        )
        if updated:
            log_event(
                fu.owner,
                fu.application,
                Event.Kind.FOLLOW_UP_FAILED,
                f"{fu.get_kind_display()} not sent: {error}",
                follow_up=fu,
                at=at,
            )
    return bool(updated)


# Lease recovery: a worker died (or stalled past its lease) holding rows in "sending".


def release_never_handed(now: datetime) -> int:
    """Rows of expired claims that were never handed to the mail server were never sent: back to
    approved, as they were, to go out with the next batch. Returns how many."""
    return int(
        FollowUp.objects.filter(
            status=S.SENDING, lease_until__lt=now, handed_at__isnull=True
        ).update(status=S.APPROVED, lease_until=None, accepted_at=None, updated_at=now)
    )


def take_over_expired(pk: int, old_lease: datetime, new_lease: datetime) -> bool:
    """Recovery takes a row whose lease ran out, under a lease of its own. False: another worker
    took it first."""
    return bool(FollowUp.objects.filter(_claimed(pk, old_lease)).update(lease_until=new_lease))


def claimed_needs_attention(
    fu: FollowUp, lease_until: datetime, *, error: str, note: str, at: datetime
) -> bool:
    """sending → failed after an interrupted send nobody can check: the person looks in their
    Sent folder, then confirms it sent or approves it again."""
    with transaction.atomic():
        updated = FollowUp.objects.filter(_claimed(fu.pk, lease_until)).update(
            status=S.FAILED, lease_until=None, last_error=error, updated_at=at
        )
        if updated:
            log_event(
                fu.owner, fu.application, Event.Kind.FOLLOW_UP_FAILED, note, follow_up=fu, at=at
            )
    return bool(updated)


def resend_claimed(pk: int, lease_until: datetime, *, at: datetime) -> bool:
    """sending → approved after an interrupted send that is not in the Sent folder."""
    return bool(
        FollowUp.objects.filter(_claimed(pk, lease_until)).update(
            status=S.APPROVED,
            lease_until=None,
            handed_at=None,
            next_attempt_at=None,
            last_error="",
            updated_at=at,
        )
    )


def release_claimed(
    ids: Sequence[int],
    lease_until: datetime,
    *,
    error: str = "",
    next_attempt_at: datetime | None = None,
) -> int:
    """Rows claimed but not attempted go back to approved (a stop request, an account error)."""
    if not ids:
        return 0
    values: dict[str, object] = {
        "status": S.APPROVED,
        "lease_until": None,
        "handed_at": None,
        "updated_at": timezone.now(),
    }
    if error:
        values["last_error"] = error
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    return int(
        FollowUp.objects.filter(
            pk__in=list(ids), status=S.SENDING, lease_until=lease_until, accepted_at__isnull=True
        ).update(**values)
    )


def note_claimed_error(pk: int, lease_until: datetime, error: str) -> None:
    """Keep the row claimed, with why it could not be settled yet (shown in the outbox)."""
    FollowUp.objects.filter(_claimed(pk, lease_until)).update(last_error=error)
