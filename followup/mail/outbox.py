"""The outbox as the user sees it: approve (now or in the recipient's working hours), what is
waiting or needs attention, and resolving a follow-up that needs attention.

The FollowUp row is the outbox; followup.mail.sender works it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Event, FollowUp, Profile
from followup.mail import compose
from followup.planner import BusinessCalendar
from followup.planner import types as p
from followup.planner.calendar import zone

S = FollowUp.Status


def _as_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def send_time(
    owner: AbstractBaseUser,
    fu: FollowUp,
    now: datetime | None = None,
    profile: Profile | None = None,
) -> datetime:
    """When an approved follow-up goes out: its due time (or now, if that has passed) moved inside
    the recipient's working hours (the profile's work_start-work_end on a business day of the
    company's country, in the recipient's zone)."""
    now = now or timezone.now()
    profile = profile or services.get_profile(owner)
    tz = zone(fu.due_tz or profile.time_zone)
    calendar = BusinessCalendar(services.effective_country(owner, fu.application.company))
    start, end = _as_time(profile.work_start), _as_time(profile.work_end)
    if end <= start:  # a nonsensical profile: fall back to the defaults
        start, end = time(8, 0), time(18, 0)
    local = max(fu.due, now).astimezone(tz)
    day = local.date()
    if calendar.is_business_day(day):
        if start <= local.time() < end:
            return local
        if local.time() < start:
            return datetime.combine(day, start, tzinfo=tz)
    day = day + timedelta(days=1)
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, start, tzinfo=tz)


def _check_headers(fu: FollowUp) -> None:
    """Refuse, at approval, what could never be sent: no address, a line break in a name or the
    subject."""
    try:
        if fu.recipient is None or not fu.recipient.email:
            raise compose.ComposeError(
                "recipient", "this follow-up has no email address to send to"
            )
        compose._address(fu.recipient.email, "recipient")
        compose._single_line(fu.recipient.name, "recipient")
        if not compose._single_line(fu.subject, "subject"):
            raise compose.ComposeError("subject", "is required before approving")
    except compose.ComposeError as exc:
        raise InvalidInput(exc.field, exc.message) from None
    if fu.recipient.bounced_at is not None:
        raise InvalidInput(
            "recipient",
            f"mail to {fu.recipient.email} bounced on {fu.recipient.bounced_at:%Y-%m-%d}: "
            "correct the contact's address first",
        )


def approve(
    owner: AbstractBaseUser,
    follow_up_id: int | str,
    *,
    send_now: bool = False,
    now: datetime | None = None,
) -> FollowUp:
    """Approve a follow-up for sending: now (`send_now`) or at its due time inside the
    recipient's working hours. A follow-up that needs attention (failed) can be approved again:
    it keeps its Message-ID, so a copy that did go out threads with the new one."""
    now = now or timezone.now()
    with transaction.atomic():
        fu = services.get_follow_up(owner, follow_up_id)
        if fu.channel == p.EMAIL:
            _check_headers(fu)
        if fu.status == S.FAILED:
            fu.status = S.APPROVED
            fu.attempts = 0
            fu.last_error = ""
            fu.next_attempt_at = None
            fu.lease_until = None
            fu.bounced_at = None
            if not fu.message_id:
                fu.message_id = services.new_message_id(owner)
            fu.save(
                update_fields=[
                    "status",
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "lease_until",
                    "bounced_at",
                    "message_id",
                    "updated_at",
                ]
            )
            services.log_event(
                owner,
                fu.application,
                Event.Kind.FOLLOW_UP_APPROVED,
                f"{fu.get_kind_display()} approved again",
                follow_up=fu,
            )
        elif fu.status != S.APPROVED:
            fu = services.approve(owner, fu.pk)
        if fu.channel != p.EMAIL:
            return fu
        send_after = now if send_now else send_time(owner, fu, now)
        updated = FollowUp.objects.filter(owner=owner, pk=fu.pk, status=S.APPROVED).update(
            send_after=send_after, next_attempt_at=None, updated_at=now
        )
        if not updated:
            fu.refresh_from_db()
            raise InvalidInput(
                "followup_id", f"follow-up {fu.pk} is {fu.status}; it can no longer be approved"
            )
        fu.send_after = send_after
    return fu


def unapprove(owner: AbstractBaseUser, follow_up_id: int | str) -> FollowUp:
    """Take an approved follow-up back to planned (not yet claimed by the sender)."""
    fu = services.get_follow_up(owner, follow_up_id)
    updated = FollowUp.objects.filter(owner=owner, pk=fu.pk, status=S.APPROVED).update(
        status=S.PLANNED, send_after=None, next_attempt_at=None, updated_at=timezone.now()
    )
    if not updated:
        raise InvalidInput("followup_id", f"follow-up {fu.pk} is {fu.status}, not approved")
    fu.refresh_from_db()
    return fu


def confirm_sent(
    owner: AbstractBaseUser, follow_up_id: int | str, at: datetime | None = None
) -> FollowUp:
    """The user found it in their Sent folder: a follow-up that needs attention becomes sent."""
    fu = services.get_follow_up(owner, follow_up_id)
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
    services.log_event(
        owner,
        fu.application,
        Event.Kind.FOLLOW_UP_SENT,
        f"{fu.get_kind_display()} confirmed sent",
        follow_up=fu,
        at=at,
    )
    return fu


def outbox(owner: AbstractBaseUser) -> QuerySet[FollowUp]:
    """Email follow-ups approved, being sent, or needing attention, soonest first."""
    return (
        FollowUp.objects.filter(
            owner=owner, channel=p.EMAIL, status__in=[S.APPROVED, S.SENDING, S.FAILED]
        )
        .select_related("recipient", "application__company")
        .order_by("send_after", "id")
    )


def outbox_json(fu: FollowUp) -> dict[str, object]:
    data = services.follow_up_json(fu)
    data.update(
        {
            "send_after": fu.send_after.isoformat() if fu.send_after else None,
            "attempts": fu.attempts,
            "next_attempt_at": fu.next_attempt_at.isoformat() if fu.next_attempt_at else None,
            "last_error": fu.last_error,
            "message_id": fu.message_id,
            "sent_at": fu.sent_at.isoformat() if fu.sent_at else None,
            "bounced_at": fu.bounced_at.isoformat() if fu.bounced_at else None,
        }
    )
    return data
