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

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, Contact, FollowUp, Interview
from followup.core.owner import Owner
from followup.core.services.follow_ups import record_replies
from followup.lib.faults import fault_point
from followup.lib.vocabulary import zone_or_utc
from followup.mail import reader
from followup.mail.models import MailAccount, PendingStatusChange, ProcessedMessage
from followup.mail.reader import (
    AutoReply,
    Bounce,
    HeaderFields,
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
log = logging.getLogger("followup.mail.replies")

EVENT_BOUNCED = "follow_up_bounced"

# Outcome kinds
REPLY = "reply"
AUTO_REPLY = "auto_reply"
OUT_OF_OFFICE = "out_of_office"
BOUNCE = "bounce"
IGNORED = "ignored"
DUPLICATE = "duplicate"
FAILED = "failed"  # the message could not be read: recorded with its reason and skipped


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
    # (contact id, application id) -> (last sent at, follow-up id); None until a message needs
    # it (one matched by its sender): a first scan reads every message's headers first.
    last_sent: dict[tuple[int, int], tuple[datetime, int]] | None = None
    match_by_sender: bool = True
    processed: set[str] | None = None

    @classmethod
    def load(cls, owner: Owner, account: MailAccount | None = None) -> ReplyIndex:
        profile = services.get_profile(owner)
        index = cls(owner_id=owner.pk, match_by_sender=profile.match_replies_by_sender)
        if account is None:
            account = MailAccount.objects.filter(owner=owner).first()
        for address in (account.from_address if account else "", profile.email):
            if address:
                index.own_addresses.add(address.lower())
        pairs: set[tuple[str, int, int]] = set()
        # One pass over the owner's follow-ups for both their Message-IDs and their recipients.
        rows = FollowUp.objects.filter(owner=owner).values_list(
            "pk", "message_id", "recipient__email", "recipient_id", "application_id",
            "application__status",
        )  # fmt: skip
        for pk, mid, email, contact_id, app_id, app_status in rows:
            if mid:
                index.message_ids[normalise_id(mid)] = pk
            if contact_id is not None and app_status in OPEN_APPLICATION:
                pairs.add((email, contact_id, app_id))
        open_apps = Application.objects.filter(owner=owner, status__in=OPEN_APPLICATION)
        for email, contact_id, app_id in open_apps.exclude(recruiter__isnull=True).values_list(
            "recruiter__email", "recruiter_id", "pk"
        ):
            pairs.add((email, contact_id, app_id))
        through = Interview.interviewers.through
        for email, contact_id, app_id in through.objects.filter(
            interview__owner=owner, interview__application__status__in=OPEN_APPLICATION
        ).values_list("contact__email", "contact_id", "interview__application_id"):
            pairs.add((email, contact_id, app_id))
        for email, contact_id, app_id in pairs:
            if email:
                index.contacts.setdefault(email.lower(), []).append((contact_id, app_id))
        index.processed = set(
            ProcessedMessage.objects.filter(owner=owner).values_list("message_key", flat=True)
        )
        return index

    def last_sent_to(self, contact_id: int, application_id: int) -> tuple[datetime, int] | None:
        """(when, which follow-up) our last message to this contact on this application went."""
        if self.last_sent is None:
            self.last_sent = {}
            sent = FollowUp.objects.filter(
                owner_id=self.owner_id,
                application__status__in=OPEN_APPLICATION,
                recipient__isnull=False,
                sent_at__isnull=False,
            ).values_list("recipient_id", "application_id", "sent_at", "pk")
            for contact, app, sent_at, pk in sent:
                if sent_at is None:  # (excluded above; for the type checker)
                    continue
                key = (contact, app)
                if key not in self.last_sent or self.last_sent[key][0] < sent_at:
                    self.last_sent[key] = (sent_at, pk)
        return self.last_sent.get((contact_id, application_id))

    def referenced(self, msg: Headers) -> int | None:
        """Our follow-up that In-Reply-To (first) or References (latest first) points at."""
        in_reply_to = str(msg.get("In-Reply-To") or "")
        references = str(msg.get("References") or "")
        if not in_reply_to and not references:  # most mail: no regex pass
            return None
        for mid in (*split_ids(in_reply_to), *reversed(split_ids(references))):
            found = self.message_ids.get(mid.lower())
            if found is not None:
                return found
        return None

    def is_candidate(self, msg: Headers) -> bool:
        """Worth fetching whole? (a header match, a contact's address, a bounce report)"""
        sender = sender_address(msg.get("From"))
        if sender in self.own_addresses:
            return False
        if self.referenced(msg) is not None:
            return True
        if may_be_bounce(msg, sender):
            return True
        return self.match_by_sender and sender in self.contacts


# ---------------------------------------------------------------------------------------------
# Processing


def process_message(
    owner: Owner,
    raw: bytes,
    folder: str = "INBOX",
    *,
    index: ReplyIndex | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Decide what one message means and act on it. Safe to call twice with the same message."""
    return process_messages(owner, [(raw, folder)], index=index, now=now)[0]


@dataclass
class _Reading:
    """What one message is and which follow-up it answers, read before anything changes."""

    position: int
    key: str
    folder: str
    msg: EmailMessage
    fields: HeaderFields
    sender: str
    received: datetime
    bounce: Bounce | None = None
    follow_up_id: int | None = None
    matched_by: str = ""
    text: str = ""


def process_messages(
    owner: Owner,
    messages: Iterable[tuple[bytes, str]],
    *,
    index: ReplyIndex | None = None,
    now: datetime | None = None,
) -> list[Outcome]:
    """What each (raw bytes, folder) means, acted on in order; one Outcome for each.

    The batch is read first (`messages` may be a generator fetching each message when its turn
    comes: no transaction is open meanwhile), then its follow-ups are loaded in one query, and
    its replies are recorded together (`record_replies`) in one transaction with their
    suggestions and processed-message records: a crash loses nothing, and records nothing
    without its processed-message record. Each application the replies touched is re-planned
    once, at the end. A bounce or an auto-reply is acted on in its turn, after the replies
    before it (an out-of-office moves the open check-ins as those replies left them)."""
    now = now or timezone.now()
    index = index or ReplyIndex.load(owner)
    outcomes: list[Outcome | None] = []
    readings: list[_Reading] = []
    in_batch: set[str] = set()
    for raw, folder in messages:
        outcomes.append(None)
        try:
            reading = _read(owner, raw, folder, index, in_batch, now, len(outcomes) - 1)
        except Exception as exc:  # a stranger's message must never stop the poll
            outcomes[-1] = _unreadable(owner, raw, folder, exc)
            continue
        if isinstance(reading, Outcome):
            outcomes[-1] = reading
        else:
            in_batch.add(reading.key)
            readings.append(reading)
    wanted = {r.follow_up_id for r in readings if r.follow_up_id is not None}
    follow_ups: dict[int, FollowUp] = (
        {
            fu.pk: fu
            for fu in FollowUp.objects.select_related("application__company", "recipient").filter(
                owner=owner, pk__in=wanted
            )
        }
        if wanted
        else {}
    )
    with services.replanning_postponed(owner):
        pending: list[tuple[_Reading, FollowUp]] = []

        def flush() -> None:
            for done, outcome in _record_replies(owner, pending, index):
                outcomes[done.position] = outcome
            pending.clear()

        for reading in readings:
            if reading.bounce is not None:
                flush()
                outcomes[reading.position] = _record(
                    owner,
                    reading.key,
                    reading.folder,
                    index,
                    partial(_handle_bounce, owner, reading.bounce, index, now),
                )
                continue
            fu = follow_ups.get(reading.follow_up_id or 0)
            if fu is None:  # deleted since the index was loaded
                outcomes[reading.position] = Outcome(IGNORED, detail="not a reply to a follow-up")
                continue
            local_day = reading.received.astimezone(zone_or_utc(fu.due_tz)).date()
            auto = detect_auto_reply(reading.fields, reading.text, local_day)
            if auto.auto or auto.out_of_office:
                flush()
                if auto.out_of_office:
                    # It moves the open check-ins as they stand: the replies before it in the
                    # batch must have stopped them first.
                    services.replan_owed_now(owner)
                outcomes[reading.position] = _record(
                    owner,
                    reading.key,
                    reading.folder,
                    index,
                    partial(_handle_auto_reply, owner, fu, auto, reading.matched_by, now),
                )
                continue
            pending.append((reading, fu))
        flush()
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _unreadable(owner: Owner, raw: bytes, folder: str, exc: Exception) -> Outcome:
    """A message the reader failed on (a bug, or bytes built to break it): recorded as failed
    with the reason, so the poll goes on and the folder's position moves past it — no poison
    message that every later poll trips over again."""
    reason = f"could not be read: {type(exc).__name__}: {exc}"[:300]
    log.exception("a message in %s could not be read; it is skipped", folder)
    key = "unreadable:" + hashlib.sha256(raw).hexdigest()
    try:
        with transaction.atomic():
            ProcessedMessage.objects.create(
                owner=owner, message_key=key, folder=folder[:500], outcome=FAILED, detail=reason
            )
    except IntegrityError:
        pass  # the same bytes failed before: recorded once
    return Outcome(FAILED, detail=reason)


def _read(
    owner: Owner,
    raw: bytes,
    folder: str,
    index: ReplyIndex,
    in_batch: set[str],
    now: datetime,
    position: int,
) -> _Reading | Outcome:
    """The message read, or its outcome when nothing is to be done about it."""
    msg = parse_message(raw)
    # Header fields read from the raw block: the email package parses a header again on each
    # access (~70 µs each; see benchmarks/bench_mail.py's first scan).
    fields = parse_headers(raw)
    # Stored keys are a Message-ID lower-cased, the same in the fields as in the Message, or a
    # hash of decoded values, which only the Message has.
    has_id = bool(split_ids(fields.get("Message-ID") or ""))
    key = message_key(fields if has_id else msg, raw)
    if key in in_batch:
        return Outcome(DUPLICATE, detail="already processed")
    if index.processed is not None:
        if key in index.processed:
            return Outcome(DUPLICATE, detail="already processed")
    elif ProcessedMessage.objects.filter(owner=owner, message_key=key).exists():
        return Outcome(DUPLICATE, detail="already processed")
    # (Processed since the index was loaded, by another worker: its key's unique constraint
    # undoes what this one does, see `_record` and `_record_replies`.)
    sender = sender_address(fields.get("From"))
    if sender in index.own_addresses:
        return Outcome(IGNORED, detail="our own message")
    received = message_date(fields, now)
    reading = _Reading(position, key, folder, msg, fields, sender, received)
    if _may_hold_bounce(raw, fields, sender):
        reading.bounce = detect_bounce(msg)
    if reading.bounce is not None:
        return reading
    reading.follow_up_id, reading.matched_by = index.referenced(fields), "header"
    if reading.follow_up_id is None and index.match_by_sender:
        reading.follow_up_id, reading.matched_by = (
            _match_by_sender(index, sender, received),
            "sender",
        )
    if reading.follow_up_id is None:
        return Outcome(IGNORED, detail="not a reply to a follow-up")
    reading.text = reply_text(msg)
    return reading


_DELIVERY_STATUS = re.compile(rb"delivery-status", re.I)


def _may_hold_bounce(raw: bytes, fields: HeaderFields, sender: str) -> bool:
    """What `detect_bounce` looks for, screened from the bytes and the header fields: it finds a
    bounce only in a message with a message/delivery-status part or the header signs of
    `may_be_bounce`. It parses every part's Content-Type through the email package's header
    registry (~0.35 ms a message; the 100 replies of benchmarks/bench_mail.py's first scan)."""
    return may_be_bounce(fields, sender) or _DELIVERY_STATUS.search(raw) is not None


def _record(
    owner: Owner, key: str, folder: str, index: ReplyIndex, act: Callable[[], Outcome]
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


def _record_replies(
    owner: Owner, replies: list[tuple[_Reading, FollowUp]], index: ReplyIndex
) -> list[tuple[_Reading, Outcome]]:
    """Record these replies (the check-in ladders stop at once, approved check-ins not yet being
    sent included), classify them into suggestions, and remember their messages, all in one
    transaction. When another worker has processed one of them meanwhile, its key's unique
    constraint undoes the whole batch, which is then recorded one message at a time."""
    if not replies:
        return []
    subjects = [str(r.msg.get("Subject", "") or "")[:500] for r, _ in replies]
    senders = {r.sender for r, _ in replies if r.sender}
    try:
        with transaction.atomic():
            record_replies(
                owner,
                [
                    (fu.pk, r.received, f"email “{subject}”" if subject else "email")
                    for (r, fu), subject in zip(replies, subjects, strict=True)
                ],
            )
            contacts = _contacts_by_address(owner, senders)
            results: list[tuple[_Reading, PendingStatusChange, reader.Classification]] = []
            for (r, fu), subject in zip(replies, subjects, strict=True):
                subject_text = "" if re.match(r"^\s*(re|aw|sv)\s*:", subject, re.I) else subject
                result = classify(f"{subject_text}\n{r.text}")
                suggestion = PendingStatusChange(
                    owner=owner,
                    application=fu.application,
                    follow_up=fu,
                    contact=contacts.get(r.sender),
                    classification=result.classification,
                    suggested_outcome=SUGGESTED_OUTCOME[result.classification],
                    matched_phrase=result.phrase[:300],
                    rule=result.rule[:300],
                    message_id=(split_ids(r.fields.get("Message-ID") or "") or [""])[0][:255],
                    sender=r.sender[:320],
                    subject=subject,
                    received_at=r.received,
                )
                results.append((r, suggestion, result))
            PendingStatusChange.objects.bulk_create([suggestion for _, suggestion, _ in results])
            ProcessedMessage.objects.bulk_create(
                [
                    ProcessedMessage(
                        owner=owner,
                        message_key=r.key,
                        folder=r.folder[:500],
                        outcome=REPLY,
                        follow_up_id=fu.pk,
                    )
                    for r, fu in replies
                ]
            )
            fault_point("replies.batch_written")  # the crash tests: killed before the commit
    except IntegrityError:
        if len(replies) == 1:
            return [(replies[0][0], Outcome(DUPLICATE, detail="already processed"))]
        return [done for reply in replies for done in _record_replies(owner, [reply], index)]
    if index.processed is not None:
        index.processed.update(r.key for r, _ in replies)
    return [
        (
            r,
            Outcome(
                REPLY,
                follow_up_id=suggestion.follow_up_id,
                application_id=suggestion.application_id,
                matched_by=r.matched_by,
                classification=result.classification,
                matched_phrase=result.phrase,
                suggestion_id=suggestion.pk,
            ),
        )
        for r, suggestion, result in results
    ]


def _contacts_by_address(owner: Owner, addresses: set[str]) -> dict[str, Contact]:
    """The owner's first contact (by id) with each of these (lower-case) addresses, in any
    case. One IN over the lower-cased column: OR-ing an iexact for each address made SQLite
    test every one against every contact (50 ms for benchmarks/bench_mail.py's 100 replies)."""
    if not addresses:
        return {}
    found: dict[str, Contact] = {}
    contacts = (
        Contact.objects.filter(owner=owner)
        .annotate(address=Lower("email"))
        .filter(address__in=sorted(addresses))
        .order_by("id")
    )
    for contact in contacts:
        found.setdefault(contact.email.lower(), contact)
    return found


def _match_by_sender(index: ReplyIndex, sender: str, received: datetime) -> int | None:
    """A contact of an open application writing after our last message to them."""
    best: tuple[datetime, int] | None = None
    for contact_id, app_id in index.contacts.get(sender, []):
        last = index.last_sent_to(contact_id, app_id)
        if last is None or received <= last[0]:
            continue
        if best is None or last[0] > best[0]:
            best = last
    return best[1] if best else None


def _handle_auto_reply(
    owner: Owner, fu: FollowUp, auto: AutoReply, matched_by: str, now: datetime
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


def _handle_bounce(owner: Owner, bounce: Bounce, index: ReplyIndex, now: datetime) -> Outcome:
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


def _last_sent_to(owner: Owner, addresses: Iterable[str]) -> FollowUp | None:
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


def pending_suggestions(owner: Owner) -> Iterable[PendingStatusChange]:
    suggestions: Iterable[PendingStatusChange] = (
        PendingStatusChange.objects.filter(owner=owner, state=PendingStatusChange.State.PENDING)
        .select_related("application__company", "contact")
        .order_by("-received_at", "-id")
    )
    return suggestions


def _get_suggestion(owner: Owner, suggestion_id: int | str) -> PendingStatusChange:
    try:
        suggestion: PendingStatusChange = PendingStatusChange.objects.select_related(
            "application"
        ).get(owner=owner, pk=int(suggestion_id))
    except (PendingStatusChange.DoesNotExist, ValueError, TypeError):
        raise NotFound("suggestion_id", f"no suggestion {suggestion_id}") from None
    return suggestion


def confirm_suggestion(
    owner: Owner, suggestion_id: int | str, outcome: str | None = None
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


def dismiss_suggestion(owner: Owner, suggestion_id: int | str) -> PendingStatusChange:
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
