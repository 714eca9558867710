"""Service functions for reminders: the CLI calls these, and so can the web app (settings page for
notifications and the digest hour, the invitation upload on Record an interview, the inbox
proposals). Every function takes the owner first and every query is filtered by it. Bad input
raises followup.core.errors.InvalidInput naming the field; nothing is changed then.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from followup.core import services as core
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, Event, Interview, Profile
from followup.lib.addresses import has_line_break
from followup.notify import crypto, invites, push
from followup.notify.models import Delivery, InvitationProposal, NotifyChannel

# ---------------------------------------------------------------------------------------------
# Push channels


def _fingerprint(url: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), url.encode(), hashlib.sha256).hexdigest()


def add_channel(owner: Any, url: str, label: str = "") -> NotifyChannel:
    """Add an Apprise URL (ntfys://topic, tgram://token/chat, slack://…, mailtos://…,
    atalk://…). Refuses an invalid URL, one already added, and in hosted mode one pointing at a
    private or local network. The URL is stored encrypted and never shown back."""
    url = (url or "").strip()
    label = (label or "").strip()
    if has_line_break(label) or len(label) > 100:
        raise InvalidInput("label", "must be one line of at most 100 characters")
    plugin = push.check_url(url)
    fingerprint = _fingerprint(url)
    if NotifyChannel.objects.filter(owner=owner, url_fingerprint=fingerprint).exists():
        raise InvalidInput("url", "this URL is already one of your channels")
    scheme = url.split("://", 1)[0].lower()[:32]
    try:
        with transaction.atomic():
            return NotifyChannel.objects.create(
                owner=owner,
                label=label or getattr(plugin, "service_name", "") or scheme,
                scheme=scheme,
                url_encrypted=crypto.encrypt(url),
                url_fingerprint=fingerprint,
            )
    except IntegrityError:
        raise InvalidInput("url", "this URL is already one of your channels") from None


def channels(owner: Any) -> QuerySet[NotifyChannel]:
    return NotifyChannel.objects.filter(owner=owner).order_by("id")


def get_channel(owner: Any, channel_id: int | str) -> NotifyChannel:
    try:
        return NotifyChannel.objects.get(owner=owner, pk=int(channel_id))
    except (NotifyChannel.DoesNotExist, ValueError, TypeError):
        raise NotFound("channel_id", f"no notification channel {channel_id}") from None


def remove_channel(owner: Any, channel_id: int | str) -> None:
    get_channel(owner, channel_id).delete()


def resume_channel(owner: Any, channel_id: int | str, now: datetime | None = None) -> NotifyChannel:
    """Un-pause a channel (after fixing what made it fail). Reminders queued before the pause are
    delivered; what fell due while paused is not pushed (the digest listed it)."""
    channel = get_channel(owner, channel_id)
    now = now or timezone.now()
    NotifyChannel.objects.filter(owner=owner, pk=channel.pk).update(
        paused=False, paused_at=None, failures=0, active_since=now, updated_at=now
    )
    # Deliveries that failed because of the pause get another chance.
    Delivery.objects.filter(owner=owner, channel=channel, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now
    )
    channel.refresh_from_db()
    return channel


def channel_json(channel: NotifyChannel) -> dict[str, object]:
    """What may be shown about a channel: never the URL (it holds tokens)."""
    return {
        "id": channel.pk,
        "label": channel.label,
        "service": channel.scheme,
        "paused": channel.paused,
        "paused_at": channel.paused_at.isoformat() if channel.paused_at else None,
        "last_error": channel.last_error or None,
        "failures": channel.failures,
        "last_success_at": channel.last_success_at.isoformat() if channel.last_success_at else None,
        "created_at": channel.created_at.isoformat(),
    }


@dataclass
class ChannelTest:
    channel: NotifyChannel
    ok: bool
    error: str


def test_channels(owner: Any, channel_id: int | str | None = None) -> list[ChannelTest]:
    """Send a test message to one channel or to all; record success or the error on each."""
    selected = [get_channel(owner, channel_id)] if channel_id is not None else list(channels(owner))
    results = []
    for channel in selected:
        try:
            url = crypto.decrypt(channel.url_encrypted)
        except crypto.DecryptionFailed as exc:
            result = push.SendResult(ok=False, error=str(exc), permanent=True)
        else:
            result = push.send(
                url,
                "followup: test notification",
                "Your follow-up reminders will arrive here.",
            )
        now = timezone.now()
        if result.ok:
            NotifyChannel.objects.filter(owner=owner, pk=channel.pk).update(
                failures=0, last_error="", last_success_at=now
            )
        else:
            NotifyChannel.objects.filter(owner=owner, pk=channel.pk).update(last_error=result.error)
        channel.refresh_from_db()
        results.append(ChannelTest(channel=channel, ok=result.ok, error=result.error))
    return results


def deliveries(owner: Any, channel_id: int | str | None = None) -> QuerySet[Delivery]:
    """Recent deliveries, newest first, with their errors (for the settings page)."""
    qs = Delivery.objects.filter(owner=owner).select_related("channel", "follow_up")
    if channel_id is not None:
        qs = qs.filter(channel=get_channel(owner, channel_id))
    return qs.order_by("-created_at", "-id")


# ---------------------------------------------------------------------------------------------
# Digest settings


def set_digest_hour(owner: Any, hour: int | str | None) -> Profile:
    """The local hour (0–23) of the daily digest email, or None/"off" to turn it off."""
    profile = core.get_profile(owner)
    if hour is None or (isinstance(hour, str) and hour.strip().lower() in ("", "off", "none")):
        value = None
    else:
        try:
            value = int(str(hour).strip().split(":", 1)[0])
        except ValueError:
            raise InvalidInput("hour", f"{hour!r} is not an hour from 0 to 23 (or off)") from None
        if not 0 <= value <= 23:
            raise InvalidInput("hour", f"{hour!r} is not an hour from 0 to 23 (or off)")
    profile.digest_hour = value
    profile.save(update_fields=["digest_hour"])
    return profile


# ---------------------------------------------------------------------------------------------
# Calendar feed


def owner_for_calendar_token(token: str) -> Any:
    """The user whose feed this token opens, or None (unknown or revoked)."""
    if not token:
        return None
    profile = (
        Profile.objects.filter(calendar_token=token)
        .exclude(calendar_token="")
        .select_related("user")
        .first()
    )
    if profile is None or not hmac.compare_digest(profile.calendar_token, token):
        return None
    return profile.user


def calendar_token(owner: Any, regenerate: bool = False) -> str:
    """The feed's secret token, created on first use; `regenerate` revokes the old one."""
    profile = core.get_profile(owner)
    old = profile.calendar_token
    if old and not regenerate:
        return old
    new = secrets.token_urlsafe(32)
    updated = Profile.objects.filter(pk=profile.pk, calendar_token=old).update(calendar_token=new)
    if not updated:  # someone else set it at the same moment: use theirs
        profile.refresh_from_db()
        return calendar_token(owner, regenerate=False)
    profile.calendar_token = new
    return new


def revoke_calendar(owner: Any) -> None:
    """Turn the feed off: the old URL answers 404 until a new one is made."""
    Profile.objects.filter(user=owner).update(calendar_token="")


def calendar_urls(owner: Any, regenerate: bool = False) -> dict[str, str]:
    """{'webcal': 'webcal://host/calendar/TOKEN.ics', 'https': 'http(s)://host/...'}."""
    token = calendar_token(owner, regenerate)
    base = str(settings.SITE_URL).rstrip("/")
    web = f"{base}/calendar/{token}.ics"
    scheme, _, rest = web.partition("://")
    return {"webcal": f"webcal://{rest}", "https": web}


# ---------------------------------------------------------------------------------------------
# Invitations


@dataclass
class InviteResult:
    action: str  # created, linked, moved, cancelled, unchanged, ignored
    message: str
    uid: str
    interview: Interview | None = None
    application: Application | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "action": self.action,
            "message": self.message,
            "uid": self.uid,
            "interview_id": self.interview.pk if self.interview else None,
            "application_id": self.application.pk if self.application else None,
        }


def own_emails(owner: Any) -> set[str]:
    """Your own addresses: never an interviewer or a recruiter."""
    emails = {core.get_profile(owner).email, getattr(owner, "email", "")}
    try:  # the mail package's accounts, when it is installed
        from followup.mail.models import MailAccount  # type: ignore[import-not-found]

        for field in ("from_address", "smtp_user", "imap_user"):
            if hasattr(MailAccount, field):
                emails.update(MailAccount.objects.filter(owner=owner).values_list(field, flat=True))
    except Exception:  # noqa: S110 - the mail package is optional
        pass
    return {e.strip().lower() for e in emails if e and "@" in str(e)}


def _find_application(owner: Any, company: str, people_emails: list[str]) -> Application | None:
    open_statuses = [
        Application.Status.APPLIED,
        Application.Status.INTERVIEWING,
        Application.Status.OFFER,
    ]
    qs = Application.objects.filter(owner=owner, status__in=open_statuses).select_related("company")
    if company:
        match = qs.filter(company__name__iexact=company).order_by("-updated_at", "-id").first()
        if match:
            return match
    emails = [e.lower() for e in people_emails if e]
    if emails:
        match = (
            qs.filter(recruiter__email__in=emails).order_by("-updated_at", "-id").first()
            or qs.filter(interviews__interviewers__email__in=emails)
            .order_by("-updated_at", "-id")
            .first()
        )
        if match:
            return match
    return None


def _fmt(dt: datetime, tz: str) -> str:
    from followup.notify.text import local_time

    return local_time(dt, tz)


def _apply_one(
    owner: Any,
    inv: invites.Invitation,
    company: str,
    role: str,
    country: str,
) -> InviteResult:
    existing = (
        Interview.objects.filter(owner=owner, ical_uid=inv.uid)
        .select_related("application__company")
        .order_by("id")
        .first()
    )
    if inv.cancelled:
        if existing is None:
            return InviteResult(
                "ignored", "a cancellation of an interview that is not here", inv.uid
            )
        if existing.cancelled:
            return InviteResult(
                "unchanged", "already cancelled", inv.uid, existing, existing.application
            )
        if inv.sequence < existing.ical_sequence:
            return InviteResult(
                "ignored",
                "an older cancellation than the invitation here",
                inv.uid,
                existing,
                existing.application,
            )
        with transaction.atomic():
            Interview.objects.filter(owner=owner, pk=existing.pk).update(
                cancelled=True, ical_sequence=inv.sequence
            )
            core.log_event(
                owner,
                existing.application,
                Event.Kind.INTERVIEW_CANCELLED,
                f"{existing.round_name} interview cancelled by the organizer",
                data={
                    "interview_id": existing.pk,
                    "change": "cancelled",
                    "ical_sequence": inv.sequence,
                },
            )
            core.replan(owner, existing.application)
        existing.refresh_from_db()
        return InviteResult(
            "cancelled",
            "interview cancelled; its follow-ups re-planned",
            inv.uid,
            existing,
            existing.application,
        )

    interviewers, recruiter = invites.people(inv, own_emails(owner))
    if existing is not None:
        if inv.sequence <= existing.ical_sequence and not existing.cancelled:
            return InviteResult(
                "unchanged", "already up to date", inv.uid, existing, existing.application
            )
        if inv.sequence < existing.ical_sequence:
            return InviteResult(
                "ignored",
                "an older version than the one here",
                inv.uid,
                existing,
                existing.application,
            )
        moved = existing.start != inv.start or existing.end != inv.end or existing.cancelled
        with transaction.atomic():
            Interview.objects.filter(owner=owner, pk=existing.pk).update(
                start=inv.start,
                end=inv.end,
                time_zone=inv.tz,
                ical_sequence=inv.sequence,
                cancelled=False,
            )
            contacts = [
                core.find_or_create_contact(
                    owner, core.PersonInput(p.name, p.email), existing.application.company
                )
                for p in interviewers
            ]
            if contacts:
                existing.interviewers.set(contacts)
            if moved:
                core.log_event(
                    owner,
                    existing.application,
                    Event.Kind.INTERVIEW_MOVED,
                    f"{existing.round_name} interview moved to {_fmt(inv.start, inv.tz)} (updated invitation)",
                    data={
                        "interview_id": existing.pk,
                        "change": "moved",
                        "ical_sequence": inv.sequence,
                    },
                )
            core.replan(owner, existing.application)
        existing.refresh_from_db()
        if not moved:
            return InviteResult(
                "unchanged", "the time did not change", inv.uid, existing, existing.application
            )
        return InviteResult(
            "moved",
            f"interview moved to {_fmt(inv.start, inv.tz)}; follow-ups re-planned",
            inv.uid,
            existing,
            existing.application,
        )

    title_company, title_role = invites.company_and_role(inv)
    emails = [p.email for p in interviewers] + ([recruiter.email] if recruiter else [])
    company = company or title_company
    if not company:
        for email in emails:
            company = invites.company_from_domain(email)
            if company:
                break
    application = _find_application(owner, company, emails)
    if application is not None:
        # A manually recorded interview at the same time: link it instead of adding another.
        same = (
            Interview.objects.filter(
                owner=owner,
                application=application,
                ical_uid="",
                start__gte=inv.start - timedelta(hours=12),
                start__lte=inv.start + timedelta(hours=12),
            )
            .order_by("id")
            .first()
        )
        if same is not None:
            Interview.objects.filter(owner=owner, pk=same.pk).update(
                ical_uid=inv.uid, ical_sequence=inv.sequence
            )
            same.refresh_from_db()
            return InviteResult(
                "linked", "matched the interview you already recorded", inv.uid, same, application
            )
    if application is None:
        if not company:
            raise InvalidInput(
                "company", "the invitation does not say the company; pass it (--company)"
            )
        role = role or title_role
        if not role:
            raise InvalidInput("role", "the invitation does not say the role; pass it (--role)")
    data = core.InterviewInput(
        company=company if application is None else "",
        role=(role or title_role) if application is None else "",
        start=inv.start,
        end=inv.end,
        tz=inv.tz,
        country=country,
        interviewers=[p.as_input() for p in interviewers],
        recruiter=recruiter.as_input() if recruiter else "",
        format=invites.meeting_format(inv),
        application_id=application.pk if application else None,
    )
    with transaction.atomic():
        recorded = core.record_interview(owner, data)
        Interview.objects.filter(owner=owner, pk=recorded.interview.pk).update(
            ical_uid=inv.uid, ical_sequence=inv.sequence
        )
    recorded.interview.refresh_from_db()
    return InviteResult(
        "created",
        f"interview on {_fmt(inv.start, inv.tz)} recorded; {len(recorded.follow_ups)} follow-ups planned",
        inv.uid,
        recorded.interview,
        recorded.application,
    )


def import_invitation(
    owner: Any,
    data: bytes,
    *,
    company: str = "",
    role: str = "",
    tz: str = "",
    country: str = "",
) -> list[InviteResult]:
    """An .ics invitation → interviews. A new event records an interview (attendees as
    interviewers, organizer as recruiter, time and zone from the event); a higher SEQUENCE moves
    it and re-plans; a CANCEL marks it cancelled and re-plans. `company`/`role` fill in what the
    invitation does not say; `tz` is the zone of a floating time (default: yours)."""
    profile = core.get_profile(owner)
    default_tz = core.check_zone(tz, "tz") if tz else profile.time_zone
    if country:
        country = core.check_country(country.upper())
    company = (company or "").strip()
    role = (role or "").strip()
    parsed = invites.parse_invitation(data, default_tz)
    return [_apply_one(owner, inv, company, role, country) for inv in parsed]


# Invitations arriving by mail: proposed, applied on the user's click.


CALENDAR_TYPES = ("text/calendar", "application/ics", "application/x-ics")


def calendar_parts(message: Message) -> list[bytes]:
    """The iCalendar attachments or alternatives of a mail message."""
    found = []
    for part in message.walk():
        ctype = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if ctype in CALENDAR_TYPES or filename.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload:
                found.append(payload)
    return found


def propose_from_message(
    owner: Any, message: Message, source: str = ""
) -> list[InvitationProposal]:
    """Store each invitation in a mail message as a proposal waiting for the user's confirmation
    (the mail poller calls this). The same invitation version arriving twice is stored once.
    Unreadable calendar parts are ignored."""
    proposals = []
    tz = core.get_profile(owner).time_zone
    for payload in calendar_parts(message):
        try:
            parsed = invites.parse_invitation(payload, tz)
        except InvalidInput:
            continue
        for inv in parsed:
            proposal, _ = InvitationProposal.objects.get_or_create(
                owner=owner,
                uid=inv.uid,
                sequence=inv.sequence,
                method="CANCEL" if inv.cancelled else inv.method,
                defaults={
                    "summary": inv.summary,
                    "start": inv.start,
                    "ics": payload.decode("utf-8", errors="replace"),
                    "source": source[:250],
                },
            )
            proposals.append(proposal)
    return proposals


def pending_proposals(owner: Any) -> QuerySet[InvitationProposal]:
    return InvitationProposal.objects.filter(
        owner=owner, status=InvitationProposal.Status.PENDING
    ).order_by("start", "id")


def get_proposal(owner: Any, proposal_id: int | str) -> InvitationProposal:
    try:
        return InvitationProposal.objects.get(owner=owner, pk=int(proposal_id))
    except (InvitationProposal.DoesNotExist, ValueError, TypeError):
        raise NotFound("proposal_id", f"no invitation {proposal_id}") from None


def confirm_proposal(
    owner: Any, proposal_id: int | str, *, company: str = "", role: str = ""
) -> list[InviteResult]:
    """The one click: apply a proposed invitation (creates, moves or cancels the interview)."""
    proposal = get_proposal(owner, proposal_id)
    if proposal.status != InvitationProposal.Status.PENDING:
        raise InvalidInput(
            "proposal_id", f"this invitation is already {proposal.get_status_display().lower()}"
        )
    results = [
        r
        for r in import_invitation(owner, proposal.ics.encode(), company=company, role=role)
        if r.uid == proposal.uid
    ]
    interview = next((r.interview for r in results if r.interview is not None), None)
    InvitationProposal.objects.filter(owner=owner, pk=proposal.pk).update(
        status=InvitationProposal.Status.APPLIED,
        result="; ".join(r.message for r in results),
        interview_id=interview.pk if interview else None,
        decided_at=timezone.now(),
    )
    return results


def dismiss_proposal(owner: Any, proposal_id: int | str) -> None:
    proposal = get_proposal(owner, proposal_id)
    InvitationProposal.objects.filter(
        owner=owner, pk=proposal.pk, status=InvitationProposal.Status.PENDING
    ).update(status=InvitationProposal.Status.DISMISSED, decided_at=timezone.now())
