"""What an incoming message means for the follow-ups, and acting on it: a reply, an auto-reply,
an out-of-office, a bounce, or nothing.

What a message *is* (its fields, its new text, its classification, its out-of-office date, its
delivery report) is read by the pure `followup.mail.reader`; this module looks it up in the
database and changes what it means. No protocol: `process_message(owner, raw_bytes, folder)`
handles one message (tests call it directly); `process_messages` a batch of them, as the IMAP
poller hands them over, re-planning each application its replies touched once at the end.

- A reply: In-Reply-To or References holds one of our Message-IDs; else (profile setting, on by
  default) it comes from a contact of an open application after our last message to them.
- Auto-replies (Auto-Submitted, Precedence bulk/list/junk, X-Autoreply, out-of-office wording) are
  not replies. An out-of-office naming a return date moves the next open check-in after it.
- A bounce (a delivery-status report) flags the follow-up (failed, bounced_at) and the address.
- A reply is recorded (the check-in ladder stops at once) and classified by the reader's
  transparent rules (rejection, next step, offer, other) into a PendingStatusChange the user
  confirms.
- Each message that mattered is recorded by Message-ID: never processed twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, Contact, FollowUp, Interview
from followup.lib.vocabulary import zone_or_utc
from followup.mail import reader
from followup.mail.models import MailAccount, PendingStatusChange, ProcessedMessage
from followup.mail.reader import (
    AutoReply,
    Bounce,
    Headers,
    classify,
    detect_auto_reply,
    detect_bounce,
    may_be_bounce,
    message_date,
    message_key,
    normalise_id,
    parse_headers,
    parse_message,
    reply_text,
    sender_address,
    split_ids,
)
from followup.planner import types as p

S = FollowUp.Status
OPEN_APPLICATION = (p.APPLIED, p.INTERVIEWING, p.OFFER)
EVENT_BOUNCED = "follow_up_bounced"

# Outcome kinds
REPLY = "reply"
AUTO_REPLY = "auto_reply"
OUT_OF_OFFICE = "out_of_office"
BOUNCE = "bounce"
IGNORED = "ignored"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Outcome:
    kind: str
    follow_up_id: int | None = None
    application_id: int | None = None
    matched_by: str = ""  # header | sender
    classification: str = ""
    matched_phrase: str = ""
    return_date: date | None = None
    detail: str = ""
    suggestion_id: int | None = None


# What confirming a classified reply does to its application (`services.set_outcome`).
SUGGESTED_OUTCOME: dict[str, str] = {
    reader.OFFER: "offer",
    reader.REJECTION: "rejected",
    reader.NEXT_STEP: "next-round",
    reader.OTHER: "",
}

# ---------------------------------------------------------------------------------------------
# What the poller keeps in memory to look at thousands of headers without a query each


@dataclass
class ReplyIndex:
    owner_id: int
    own_addresses: set[str] = field(default_factory=set)
    message_ids: dict[str, int] = field(default_factory=dict)  # our Message-ID -> follow-up id
    # contact email -> [(contact id, application id)] for open applications
    contacts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # (contact id, application id) -> (last sent at, follow-up id)
    last_sent: dict[tuple[int, int], tuple[datetime, int]] = field(default_factory=dict)
    match_by_sender: bool = True
    processed: set[str] | None = None

    @classmethod
    def load(cls, owner: AbstractBaseUser, account: MailAccount | None = None) -> ReplyIndex:
        profile = services.get_profile(owner)
        index = cls(owner_id=owner.pk, match_by_sender=profile.match_replies_by_sender)
        if account is None:
            account = MailAccount.objects.filter(owner=owner).first()
        for address in (account.from_address if account else "", profile.email):
            if address:
                index.own_addresses.add(address.lower())
        for pk, mid in (
            FollowUp.objects.filter(owner=owner)
            .exclude(message_id="")
            .values_list("pk", "message_id")
        ):
            index.message_ids[normalise_id(mid)] = pk
        open_apps = Application.objects.filter(owner=owner, status__in=OPEN_APPLICATION)
        pairs: set[tuple[str, int, int]] = set()
        for email, contact_id, app_id in open_apps.exclude(recruiter__isnull=True).values_list(
            "recruiter__email", "recruiter_id", "pk"
        ):
            pairs.add((email, contact_id, app_id))
        through = Interview.interviewers.through
        for email, contact_id, app_id in through.objects.filter(
            interview__owner=owner, interview__application__status__in=OPEN_APPLICATION
        ).values_list("contact__email", "contact_id", "interview__application_id"):
            pairs.add((email, contact_id, app_id))
        sent_rows = FollowUp.objects.filter(
            owner=owner, application__status__in=OPEN_APPLICATION, recipient__isnull=False
        ).values_list("recipient__email", "recipient_id", "application_id", "sent_at", "pk")
        for email, contact_id, app_id, sent_at, pk in sent_rows:
            pairs.add((email, contact_id, app_id))
            if sent_at is not None:
                key = (contact_id, app_id)
                if key not in index.last_sent or index.last_sent[key][0] < sent_at:
                    index.last_sent[key] = (sent_at, pk)
        for email, contact_id, app_id in pairs:
            if email:
                index.contacts.setdefault(email.lower(), []).append((contact_id, app_id))
        index.processed = set(
            ProcessedMessage.objects.filter(owner=owner).values_list("message_key", flat=True)
        )
        return index

    def referenced(self, msg: Headers) -> int | None:
        """Our follow-up that In-Reply-To (first) or References (latest first) points at."""
        in_reply_to = [normalise_id(i) for i in split_ids(str(msg.get("In-Reply-To") or ""))]
        references = [
            normalise_id(i) for i in reversed(split_ids(str(msg.get("References") or "")))
        ]
        for mid in (*in_reply_to, *references):
            if mid in self.message_ids:
                return self.message_ids[mid]
        return None

    def is_candidate(self, msg: Headers) -> bool:
        """Worth fetching whole? (a header match, a contact's address, a bounce report)"""
        sender = sender_address(msg.get("From"))
        if sender in self.own_addresses:
            return False
        if self.referenced(msg) is not None:
            return True
        if may_be_bounce(msg):
            return True
        return self.match_by_sender and sender in self.contacts


# ---------------------------------------------------------------------------------------------
# Processing


def process_message(
    owner: AbstractBaseUser,
    raw: bytes,
    folder: str = "INBOX",
    *,
    index: ReplyIndex | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Decide what one message means and act on it. Safe to call twice with the same message."""
    now = now or timezone.now()
    index = index or ReplyIndex.load(owner)
    msg = parse_message(raw)
    # Header fields read from the raw block: the email package parses a header again on each
    # access (~70 µs each; see benchmarks/bench_mail.py's first scan).
    fields = parse_headers(raw)
    key = message_key(msg, raw)  # the Message, not the fields: stored keys hash decoded values
    if index.processed is not None:
        if key in index.processed:
            return Outcome(DUPLICATE, detail="already processed")
    elif ProcessedMessage.objects.filter(owner=owner, message_key=key).exists():
        return Outcome(DUPLICATE, detail="already processed")
    # (Processed since the index was loaded, by another worker: `_record` finds it by its key.)
    sender = sender_address(fields.get("From"))
    if sender in index.own_addresses:
        return Outcome(IGNORED, detail="our own message")

    bounce = detect_bounce(msg)
    if bounce is not None:
        return _record(owner, key, folder, index, lambda: _handle_bounce(owner, bounce, index, now))

    fu_id = index.referenced(fields)
    matched_by = "header"
    received = message_date(fields, now)
    if fu_id is None and index.match_by_sender:
        fu_id = _match_by_sender(index, sender, received)
        matched_by = "sender"
    if fu_id is None:
        return Outcome(IGNORED, detail="not a reply to a follow-up")
    fu = FollowUp.objects.select_related("application__company", "recipient").get(
        owner=owner, pk=fu_id
    )

    text = reply_text(msg)
    local_day = received.astimezone(zone_or_utc(fu.due_tz)).date()
    auto = detect_auto_reply(fields, text, local_day)
    if auto.auto or auto.out_of_office:
        if auto.out_of_office:
            # It moves the open check-ins as they stand: a reply earlier in the same batch must
            # have stopped them first.
            services.replan_owed_now(owner)
        return _record(
            owner, key, folder, index, lambda: _handle_auto_reply(owner, fu, auto, matched_by, now)
        )
    return _record(
        owner,
        key,
        folder,
        index,
        lambda: _handle_reply(owner, fu, msg, text, sender, received, matched_by),
    )


def process_messages(
    owner: AbstractBaseUser,
    messages: Iterable[tuple[bytes, str]],
    *,
    index: ReplyIndex | None = None,
    now: datetime | None = None,
) -> list[Outcome]:
    """`process_message` for each (raw bytes, folder) in turn, re-planning each application its
    replies touched once at the end instead of once for each reply (the poller's batches).
    `messages` may be a generator: each message is read only when its turn comes."""
    index = index or ReplyIndex.load(owner)
    with services.replanning_postponed(owner):
        return [
            process_message(owner, raw, folder, index=index, now=now) for raw, folder in messages
        ]


def _record(
    owner: AbstractBaseUser, key: str, folder: str, index: ReplyIndex, act: Callable[[], Outcome]
) -> Outcome:
    """Act and remember the message by its key, in one transaction: when another worker has
    processed it meanwhile, the key's unique constraint undoes what this one did."""
    try:
        with transaction.atomic():
            outcome = act()
            ProcessedMessage.objects.create(
                owner=owner,
                message_key=key,
                folder=folder[:500],
                outcome=outcome.kind,
                follow_up_id=outcome.follow_up_id,
            )
    except IntegrityError:
        return Outcome(DUPLICATE, detail="already processed")
    if index.processed is not None:
        index.processed.add(key)
    return outcome


def _match_by_sender(index: ReplyIndex, sender: str, received: datetime) -> int | None:
    """A contact of an open application writing after our last message to them."""
    best: tuple[datetime, int] | None = None
    for contact_id, app_id in index.contacts.get(sender, []):
        last = index.last_sent.get((contact_id, app_id))
        if last is None or received <= last[0]:
            continue
        if best is None or last[0] > best[0]:
            best = last
    return best[1] if best else None


def _handle_reply(
    owner: AbstractBaseUser,
    fu: FollowUp,
    msg: EmailMessage,
    text: str,
    sender: str,
    received: datetime,
    matched_by: str,
) -> Outcome:
    subject = str(msg.get("Subject", "") or "")[:500]
    # Stops the ladder at once, approved check-ins not yet being sent included.
    services.record_reply(
        owner,
        fu.pk,
        at=received,
        summary=f"email “{subject}”" if subject else "email",
        repeat=True,
    )
    subject_text = "" if re.match(r"^\s*(re|aw|sv)\s*:", subject, re.I) else subject
    result = classify(f"{subject_text}\n{text}")
    contact = (
        Contact.objects.filter(owner=owner, email__iexact=sender).order_by("id").first()
        if sender
        else None
    )
    suggestion = PendingStatusChange.objects.create(
        owner=owner,
        application=fu.application,
        follow_up=fu,
        contact=contact,
        classification=result.classification,
        suggested_outcome=SUGGESTED_OUTCOME[result.classification],
        matched_phrase=result.phrase[:300],
        rule=result.rule[:300],
        message_id=(split_ids(str(msg.get("Message-ID", ""))) or [""])[0][:255],
        sender=sender[:320],
        subject=subject,
        received_at=received,
    )
    return Outcome(
        REPLY,
        follow_up_id=fu.pk,
        application_id=fu.application_id,
        matched_by=matched_by,
        classification=result.classification,
        matched_phrase=result.phrase,
        suggestion_id=suggestion.pk,
    )


def _handle_auto_reply(
    owner: AbstractBaseUser, fu: FollowUp, auto: AutoReply, matched_by: str, now: datetime
) -> Outcome:
    if not auto.out_of_office:
        return Outcome(
            AUTO_REPLY,
            follow_up_id=fu.pk,
            application_id=fu.application_id,
            matched_by=matched_by,
            detail=auto.reason,
        )
    moved = ""
    if auto.return_date is not None:
        moved = services.move_check_ins_after(owner, fu.application, auto.return_date)
    return Outcome(
        OUT_OF_OFFICE,
        follow_up_id=fu.pk,
        application_id=fu.application_id,
        matched_by=matched_by,
        return_date=auto.return_date,
        matched_phrase=auto.return_phrase,
        detail=moved or auto.reason,
    )


def _handle_bounce(
    owner: AbstractBaseUser, bounce: Bounce, index: ReplyIndex, now: datetime
) -> Outcome:
    if bounce.action not in ("failed",):
        # A temporary failure: the server keeps trying, the address is not flagged.
        return Outcome(IGNORED, detail=f"delivery {bounce.action}, not failed")
    fu = None
    for mid in bounce.original_ids:
        if mid in index.message_ids:
            fu = (
                FollowUp.objects.select_related("recipient", "application")
                .filter(owner=owner, pk=index.message_ids[mid])
                .first()
            )
            if fu:
                break
    if fu is None:
        fu = _last_sent_to(owner, bounce.recipients)
    recorded = services.record_bounce(
        owner,
        fu.pk if fu is not None else None,
        addresses=bounce.recipients,
        diagnostic=bounce.diagnostic,
        at=now,
    )
    if fu is None:
        addresses = {a.lower() for a in bounce.recipients if a}
        return Outcome(
            BOUNCE,
            detail=f"bounce for {', '.join(sorted(addresses)) or 'an unknown address'}; {recorded.flagged_contacts} contact(s) flagged",
        )
    reason = recorded.reason
    return Outcome(BOUNCE, follow_up_id=fu.pk, application_id=fu.application_id, detail=reason)


def _last_sent_to(owner: AbstractBaseUser, addresses: Iterable[str]) -> FollowUp | None:
    """Many bounces quote no Message-ID: the follow-up is then our last message to the address
    that failed."""
    wanted = [a for a in addresses if a]
    if not wanted:
        return None
    query = Q()
    for address in wanted:
        query |= Q(recipient__email__iexact=address)
    return (
        FollowUp.objects.select_related("recipient", "application")
        .filter(owner=owner, status=FollowUp.Status.SENT)
        .filter(query)
        .order_by("-sent_at", "-id")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Suggestions the user confirms


def pending_suggestions(owner: AbstractBaseUser) -> Iterable[PendingStatusChange]:
    suggestions: Iterable[PendingStatusChange] = (
        PendingStatusChange.objects.filter(owner=owner, state=PendingStatusChange.State.PENDING)
        .select_related("application__company", "contact")
        .order_by("-received_at", "-id")
    )
    return suggestions


def _get_suggestion(owner: AbstractBaseUser, suggestion_id: int | str) -> PendingStatusChange:
    try:
        suggestion: PendingStatusChange = PendingStatusChange.objects.select_related(
            "application"
        ).get(owner=owner, pk=int(suggestion_id))
    except (PendingStatusChange.DoesNotExist, ValueError, TypeError):
        raise NotFound("suggestion_id", f"no suggestion {suggestion_id}") from None
    return suggestion


def confirm_suggestion(
    owner: AbstractBaseUser, suggestion_id: int | str, outcome: str | None = None
) -> PendingStatusChange:
    """Apply what the reply suggests (or the outcome the user picked instead) to the application."""
    suggestion = _get_suggestion(owner, suggestion_id)
    if suggestion.state != PendingStatusChange.State.PENDING:
        raise InvalidInput(
            "suggestion_id", f"suggestion {suggestion.pk} is already {suggestion.state}"
        )
    chosen = outcome if outcome is not None else suggestion.suggested_outcome
    with transaction.atomic():
        if chosen:
            services.set_outcome(
                owner, suggestion.application_id, chosen, at=suggestion.received_at
            )
        suggestion.state = PendingStatusChange.State.CONFIRMED
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["state", "decided_at"])
    return suggestion


def dismiss_suggestion(owner: AbstractBaseUser, suggestion_id: int | str) -> PendingStatusChange:
    suggestion = _get_suggestion(owner, suggestion_id)
    if suggestion.state != PendingStatusChange.State.PENDING:
        raise InvalidInput(
            "suggestion_id", f"suggestion {suggestion.pk} is already {suggestion.state}"
        )
    suggestion.state = PendingStatusChange.State.DISMISSED
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["state", "decided_at"])
    return suggestion


def suggestion_json(s: PendingStatusChange) -> dict[str, object]:
    return {
        "id": s.pk,
        "application_id": s.application_id,
        "follow_up_id": s.follow_up_id,
        "classification": s.classification,
        "suggested_outcome": s.suggested_outcome,
        "matched_phrase": s.matched_phrase,
        "rule": s.rule,
        "sender": s.sender,
        "subject": s.subject,
        "received_at": s.received_at.isoformat() if s.received_at else None,
        "state": s.state,
    }
