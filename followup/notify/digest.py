"""The daily digest: one email at the hour the user chose, in their zone — overdue, due today,
replies received, interviews tomorrow — and none on a day with nothing to say.

Plain text and HTML from the templates notify/digest.txt and notify/digest.html (Django escapes
the HTML), each follow-up linking to its page. Sent through the user's own mail
account (followup.mail), to the user. A DigestRun row per local day is claimed with a
conditional UPDATE and a lease before the SMTP conversation, so two workers never send the same
day's digest and a worker killed mid-send leaves a row the next run takes up again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from followup.core.models import FollowUp, Interview, Profile
from followup.lib.backoff import retry_delay
from followup.lib.vocabulary import describe_day, first_name, format_local, long_date, zone
from followup.notify import text
from followup.notify.models import DigestRun, NotifyChannel

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
# The digest's own retry schedule (followup.lib.backoff's rule): a digest is worth a few tries
# on the day, no more.
RETRY_AFTER = (timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=3))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
LIST_LIMIT = 50


@dataclass(frozen=True)
class Line:
    title: str
    when: str
    detail: str
    url: str


@dataclass
class Digest:
    day: date
    tz: str
    name: str
    overdue: list[Line] = field(default_factory=list)
    due_today: list[Line] = field(default_factory=list)
    replies: list[Line] = field(default_factory=list)
    interviews_tomorrow: list[Line] = field(default_factory=list)
    paused_channels: list[Line] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)
    # A channel paused since the last digest is news on its own; one paused for days is not.
    news_of_pause: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.overdue
            or self.due_today
            or self.replies
            or self.interviews_tomorrow
            or self.news_of_pause
        )

    def sections(self) -> list[tuple[str, str, list[Line]]]:
        return [
            ("overdue", "Overdue", self.overdue),
            ("due_today", "Due today", self.due_today),
            ("replies", "Replies received", self.replies),
            ("interviews_tomorrow", "Interviews tomorrow", self.interviews_tomorrow),
            ("paused", "Notifications paused", self.paused_channels),
        ]

    def subject(self) -> str:
        parts = []
        for key, singular, plural in (
            ("overdue", "overdue", "overdue"),
            ("due_today", "due today", "due today"),
            ("replies", "reply", "replies"),
            ("interviews_tomorrow", "interview tomorrow", "interviews tomorrow"),
        ):
            n = len(getattr(self, key)) + self.more.get(key, 0)
            if n:
                parts.append(f"{n} {singular if n == 1 else plural}")
        if not parts and self.paused_channels:
            parts.append("notifications paused")
        return f"followup: {', '.join(parts)} — {describe_day(self.day)}"


def _day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    local = zone(tz)
    start = datetime.combine(day, time(0), tzinfo=local)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=local)
    return start, end


def _follow_up_line(fu: FollowUp, tz: str, now: datetime) -> Line:
    application = fu.application
    return Line(
        title=text.follow_up_title(
            fu.kind,
            fu.channel,
            fu.recipient.name if fu.recipient else None,
            application.company.name,
            application.role_title,
        ),
        when=format_local(fu.due, tz, now=now),
        detail=fu.reason,
        url=text.follow_up_url(fu.pk),
    )


def _limited(qs: Any, key: str, digest: Digest, make: Callable[[Any], Line]) -> list[Line]:
    rows = list(qs[: LIST_LIMIT + 1])
    if len(rows) > LIST_LIMIT:
        digest.more[key] = qs.count() - LIST_LIMIT
        rows = rows[:LIST_LIMIT]
    return [make(row) for row in rows]


def last_sent_at(owner: Any) -> datetime | None:
    return (
        DigestRun.objects.filter(owner=owner, status=DigestRun.Status.SENT)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def compose(owner: Any, now: datetime, profile: Profile | None = None) -> Digest:
    """What the digest of `now`'s local day says (maybe nothing: see Digest.is_empty)."""
    from followup.core.services import get_profile

    profile = profile or get_profile(owner)
    tz = profile.time_zone
    day = now.astimezone(zone(tz)).date()
    today_start, tomorrow_start = _day_bounds(day, tz)
    _, day_after_start = _day_bounds(day + timedelta(days=1), tz)
    digest = Digest(day=day, tz=tz, name=first_name(profile.full_name))  # never the login name
    open_follow_ups = (
        FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN)
        .select_related("application__company", "recipient")
        .order_by("due", "id")
    )
    digest.overdue = _limited(
        open_follow_ups.filter(due__lt=today_start),
        "overdue",
        digest,
        lambda fu: _follow_up_line(fu, tz, now),
    )
    digest.due_today = _limited(
        open_follow_ups.filter(due__gte=today_start, due__lt=tomorrow_start),
        "due_today",
        digest,
        lambda fu: _follow_up_line(fu, tz, now),
    )
    since = last_sent_at(owner) or now - timedelta(days=1)
    replies = (
        FollowUp.objects.filter(owner=owner, replied_at__gt=since, replied_at__lte=now)
        .select_related("application__company", "recipient")
        .order_by("replied_at", "id")
    )

    def reply_line(fu: FollowUp) -> Line:
        who = fu.recipient.name if fu.recipient else "They"
        context = text.where(fu.application.company.name, fu.application.role_title)
        return Line(
            title=f"{who} replied — {context}",
            when=format_local(fu.replied_at, tz, now=now) if fu.replied_at else "",
            detail=f"A reply to your {fu.get_kind_display().lower()}.",
            url=text.follow_up_url(fu.pk),
        )

    digest.replies = _limited(replies, "replies", digest, reply_line)
    interviews = (
        Interview.objects.filter(
            owner=owner, cancelled=False, start__gte=tomorrow_start, start__lt=day_after_start
        )
        .select_related("application__company")
        .prefetch_related("interviewers")
        .order_by("start", "id")
    )

    def interview_line(interview: Interview) -> Line:
        names = ", ".join(c.name for c in interview.interviewers.all())
        detail = f"{interview.round_name}, {interview.get_format_display().lower()}"
        if names:
            detail += f", with {names}"
        return Line(
            title=text.interview_title(
                interview.application.company.name,
                interview.application.role_title,
            ),
            when=format_local(interview.start, tz, now=now),
            detail=detail + ".",
            url=text.application_url(interview.application_id),
        )

    digest.interviews_tomorrow = _limited(interviews, "interviews_tomorrow", digest, interview_line)
    paused = NotifyChannel.objects.filter(owner=owner, paused=True).order_by("id")
    digest.paused_channels = [
        Line(
            title=f"{c.label or c.scheme} is paused",
            when=format_local(c.paused_at, tz, now=now) if c.paused_at else "",
            detail=f"{c.last_error or 'It kept failing.'} Fix it, then resume it "
            "(settings, or `followup notify resume`).",
            url=f"{text.site_url()}/settings/notifications/",
        )
        for c in paused
    ]
    digest.news_of_pause = any(c.paused_at and c.paused_at > since for c in paused)
    return digest


@dataclass(frozen=True)
class Section:
    heading: str
    lines: list[Line]
    more: int


def _template_context(digest: Digest) -> dict[str, object]:
    return {
        "name": digest.name,
        "day": long_date(digest.day),
        "sections": [
            Section(heading, lines, digest.more.get(key, 0))
            for key, heading, lines in digest.sections()
            if lines
        ],
        "site_url": text.site_url(),
    }


def render_text(digest: Digest) -> str:
    """The plain-text part (notify/digest.txt)."""
    return render_to_string("notify/digest.txt", _template_context(digest))


def render_html(digest: Digest) -> str:
    """The HTML part (notify/digest.html; Django escapes every value)."""
    return render_to_string("notify/digest.html", _template_context(digest))


def build_message(
    digest: Digest, sender: str, to: str, sender_name: str = "followup"
) -> EmailMessage:
    """The digest as a multipart/alternative message from the user's own account to the user."""
    from followup.mail import compose

    try:
        return compose.new_message(
            sender=compose.Person(sender, sender_name),
            to=[compose.Person(to)],
            subject=digest.subject(),
            text=render_text(digest),
            html=render_html(digest),
            message_id=make_msgid("digest", domain=sender.rsplit("@", 1)[-1]),
            extra_headers=[
                # RFC 3834: machine-written; the reply detector and auto-responders leave it alone.
                ("Auto-Submitted", "auto-generated"),
                ("X-Followup-Digest", digest.day.isoformat()),
            ],
        )
    except compose.ComposeError as exc:
        raise DigestError(f"the digest cannot be written as an email: {exc}", retry=False) from None


# ---------------------------------------------------------------------------------------------
# Sending


class DigestError(Exception):
    def __init__(self, message: str, retry: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry


def send_via_mail_account(owner: Any, digest: Digest, profile: Profile) -> None:
    """Send through the user's own mail account (followup.mail), to the user's address."""
    from followup.mail import accounts, smtp
    from followup.mail.crypto import SecretError

    account = accounts.get_account(owner)
    if account is None:
        raise DigestError(
            "no mail account to send the digest from: add one with `followup mail add`", retry=False
        )
    to = profile.email or account.from_address
    message = build_message(digest, account.from_address, to)
    try:
        smtp.send(accounts.smtp_config(account), message)
    except SecretError as exc:
        raise DigestError(str(exc), retry=False) from None
    except smtp.DeliveryError as exc:
        raise DigestError(exc.message, retry=exc.retry) from None


@dataclass
class DigestOutcome:
    status: str  # sent, empty, not_yet, already, off, retry, failed, busy
    message: str


def _claim(owner: Any, day: date, now: datetime, force: bool) -> bool:
    DigestRun.objects.bulk_create(
        [DigestRun(owner=owner, day=day, status=DigestRun.Status.RETRY, next_attempt_at=now)],
        ignore_conflicts=True,
    )
    claimable = Q(status=DigestRun.Status.RETRY, next_attempt_at__lte=now) | Q(
        status=DigestRun.Status.SENDING, lease_until__lt=now
    )
    if force:  # `followup digest send --now`: again, unless another worker is sending it
        claimable = ~Q(status=DigestRun.Status.SENDING) | Q(lease_until__lt=now)
    return (
        DigestRun.objects.filter(owner=owner, day=day)
        .filter(claimable)
        .update(
            status=DigestRun.Status.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1
        )
        == 1
    )


def _already(owner: Any, day: date) -> DigestOutcome:
    run = DigestRun.objects.filter(owner=owner, day=day).first()
    if run is None or run.status == DigestRun.Status.SENT:
        return DigestOutcome("already", "Today's digest was already sent.")
    if run.status == DigestRun.Status.EMPTY:
        return DigestOutcome("already", "Nothing to say today: no digest sent.")
    if run.status == DigestRun.Status.FAILED:
        return DigestOutcome("failed", f"Today's digest could not be sent: {run.last_error}")
    if run.status == DigestRun.Status.RETRY:
        return DigestOutcome("retry", f"Today's digest will be retried ({run.last_error}).")
    return DigestOutcome("busy", "Today's digest is being sent.")


def send_digest(
    owner: Any,
    now: datetime | None = None,
    *,
    force: bool = False,
    send: Callable[[Any, Digest, Profile], None] = send_via_mail_account,
) -> DigestOutcome:
    """Send the digest of `now`'s local day if its hour has come and it was not sent yet
    (`force`: now, whatever the hour, even again). Nothing is sent on a day with nothing to say."""
    from followup.core.services import get_profile

    now = now or timezone.now()
    profile = get_profile(owner)
    local = now.astimezone(zone(profile.time_zone))
    day = local.date()
    if not force:
        if profile.digest_hour is None:
            return DigestOutcome(
                "off", "The daily digest is off: turn it on with `followup digest at 7`."
            )
        if local.hour < profile.digest_hour:
            return DigestOutcome("not_yet", f"Today's digest goes at {profile.digest_hour:02d}:00.")
        if profile.last_digest_on == day:
            return _already(owner, day)
    if not _claim(owner, day, now, force):
        return _already(owner, day)
    runs = DigestRun.objects.filter(owner=owner, day=day, status=DigestRun.Status.SENDING)
    digest = compose(owner, now, profile)
    if digest.is_empty:
        runs.update(status=DigestRun.Status.EMPTY, lease_until=None)
        Profile.objects.filter(pk=profile.pk).update(last_digest_on=day)
        return DigestOutcome("empty", "Nothing to say today: no digest sent.")
    attempts = runs.values_list("attempts", flat=True).first() or 1
    try:
        send(owner, digest, profile)  # network I/O: no transaction is open here
    except DigestError as exc:
        if exc.retry and attempts < MAX_ATTEMPTS:
            runs.update(
                status=DigestRun.Status.RETRY,
                next_attempt_at=now + retry_delay(attempts, RETRY_AFTER),
                last_error=exc.message,
                lease_until=None,
            )
            return DigestOutcome(
                "retry", f"The digest could not be sent ({exc.message}); will retry."
            )
        runs.update(status=DigestRun.Status.FAILED, last_error=exc.message, lease_until=None)
        Profile.objects.filter(pk=profile.pk).update(last_digest_on=day)
        log.warning("digest for user %s failed: %s", owner.pk, exc.message)
        return DigestOutcome("failed", f"The digest could not be sent: {exc.message}")
    runs.update(
        status=DigestRun.Status.SENT, sent_at=timezone.now(), last_error="", lease_until=None
    )
    Profile.objects.filter(pk=profile.pk).update(last_digest_on=day)
    return DigestOutcome("sent", f"Digest sent: {digest.subject()}")


def run_digest(now: datetime | None = None, stop_event: Any = None) -> int:
    """The worker's periodic task: every user whose digest hour has come. Returns how many were
    sent."""
    now = now or timezone.now()
    sent = 0
    profiles = Profile.objects.filter(digest_hour__isnull=False).select_related("user")
    for profile in profiles:
        if stop_event is not None and stop_event.is_set():
            break
        local = now.astimezone(zone(profile.time_zone))
        if local.hour < (profile.digest_hour or 0) or profile.last_digest_on == local.date():
            continue
        outcome = send_digest(profile.user, now)
        sent += outcome.status == "sent"
    return sent
