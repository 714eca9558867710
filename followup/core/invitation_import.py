"""Interviews from calendar invitations: an .ics file imported at once (`followup interview
import`, the upload on Record an interview), or an invitation found in the mailbox stored as a
proposal that waits for the user's one click (the mail poller calls
`propose_from_message_bytes`; the settings page confirms or dismisses).

Every function takes the owner first and every query is filtered by it. Bad input raises
InvalidInput naming the field (UnreadableInvitation for a file that is no invitation); nothing
is changed then. The reading of the .ics itself is pure: followup.core.invitations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import Message

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from followup.core import invitations as invites
from followup.core import services as core
from followup.core.errors import InvalidInput, NotFound
from followup.core.invitations import UnreadableInvitation
from followup.core.models import Application, Event, Interview
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.lib.vocabulary import format_local
from followup.mail.models import MailAccount
from followup.notify.models import InvitationProposal

__all__ = [
    "InviteResult",
    "UnreadableInvitation",
    "confirm_proposal",
    "dismiss_proposal",
    "get_proposal",
    "import_invitation",
    "pending_proposals",
    "propose_from_message",
    "propose_from_message_bytes",
]


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


def own_emails(owner: Owner) -> set[str]:
    """Your own addresses: never an interviewer or a recruiter."""
    emails = {get_profile(owner).email, getattr(owner, "email", "")}
    for addresses in MailAccount.objects.filter(owner=owner).values_list(
        "from_address", "smtp_user", "imap_user"
    ):
        emails.update(addresses)
    return {e.strip().lower() for e in emails if e and "@" in str(e)}


def _find_application(owner: Owner, company: str, people_emails: list[str]) -> Application | None:
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


def _apply_one(
    owner: Owner,
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
                    f"{existing.round_name} interview moved to {format_local(inv.start, inv.tz)} (updated invitation)",
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
            f"interview moved to {format_local(inv.start, inv.tz)}; follow-ups re-planned",
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
        f"interview on {format_local(inv.start, inv.tz)} recorded; {len(recorded.follow_ups)} follow-ups planned",
        inv.uid,
        recorded.interview,
        recorded.application,
    )


def import_invitation(
    owner: Owner,
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
    profile = get_profile(owner)
    default_tz = core.check_zone(tz, "tz") if tz else profile.time_zone
    if country:
        country = core.check_country(country.upper())
    company = (company or "").strip()
    role = (role or "").strip()
    parsed = invites.parse_invitation(data, default_tz)
    # One file, one transaction: a refused event leaves none of the file's events behind.
    with transaction.atomic():
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


def _propose(
    owner: Owner, message: Message, source: str
) -> tuple[list[InvitationProposal], list[UnreadableInvitation]]:
    proposals = []
    unreadable = []
    tz = get_profile(owner).time_zone
    for payload in calendar_parts(message):
        try:
            parsed = invites.parse_invitation(payload, tz)
        except UnreadableInvitation as exc:
            unreadable.append(exc)
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
    return proposals, unreadable


def propose_from_message(
    owner: Owner, message: Message, source: str = ""
) -> list[InvitationProposal]:
    """Store each invitation in a mail message as a proposal waiting for the user's confirmation.
    The same invitation version arriving twice is stored once. Unreadable calendar parts are
    left out."""
    return _propose(owner, message, source)[0]


def propose_from_message_bytes(owner: Owner, raw: bytes, source: str) -> int:
    """For the mail poller: propose the invitations in one fetched message (RFC 822 bytes).
    Returns how many it held; UnreadableInvitation when it has calendar parts and none of them
    can be read."""
    message = message_from_bytes(raw, policy=policy.default)
    proposals, unreadable = _propose(owner, message, source)
    if unreadable and not proposals:
        raise unreadable[0]
    return len(proposals)


def pending_proposals(owner: Owner) -> QuerySet[InvitationProposal]:
    return InvitationProposal.objects.filter(
        owner=owner, status=InvitationProposal.Status.PENDING
    ).order_by("start", "id")


def get_proposal(owner: Owner, proposal_id: int | str) -> InvitationProposal:
    try:
        return InvitationProposal.objects.get(owner=owner, pk=int(proposal_id))
    except (InvitationProposal.DoesNotExist, ValueError, TypeError):
        raise NotFound("proposal_id", f"no invitation {proposal_id}") from None


def confirm_proposal(
    owner: Owner, proposal_id: int | str, *, company: str = "", role: str = ""
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


def dismiss_proposal(owner: Owner, proposal_id: int | str) -> None:
    proposal = get_proposal(owner, proposal_id)
    InvitationProposal.objects.filter(
        owner=owner, pk=proposal.pk, status=InvitationProposal.Status.PENDING
    ).update(status=InvitationProposal.Status.DISMISSED, decided_at=timezone.now())
