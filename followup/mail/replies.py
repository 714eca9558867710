"""What an incoming message means: a reply, an auto-reply, an out-of-office, a bounce, or nothing.

Plain processing, no protocol: `process_message(owner, raw_bytes, folder)` is what the IMAP poller
calls for each candidate message, and what tests call directly.

- A reply: In-Reply-To or References holds one of our Message-IDs; else (profile setting, on by
  default) it comes from a contact of an open application after our last message to them.
- Auto-replies (Auto-Submitted, Precedence bulk/list/junk, X-Autoreply, out-of-office wording) are
  not replies. An out-of-office naming a return date moves the next open check-in after it.
- A bounce (a delivery-status report) flags the follow-up (failed, bounced_at) and the address.
- A reply is recorded (the check-in ladder stops at once) and classified by the transparent rules
  below (rejection, next step, offer, other) into a PendingStatusChange the user confirms.
- Each message that mattered is recorded by Message-ID: never processed twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Application, Contact, Event, FollowUp, Interview
from followup.mail.compose import normalise_id, split_ids
from followup.mail.models import MailAccount, PendingStatusChange, ProcessedMessage
from followup.planner import BusinessCalendar
from followup.planner import types as p
from followup.planner.calendar import zone

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


# ---------------------------------------------------------------------------------------------
# Classification: ordered, transparent rules. The first that matches wins; its phrase is shown.

Rule = tuple[str, str, re.Pattern[str]]


def _rules(classification: str, *patterns: tuple[str, str]) -> list[Rule]:
    return [(classification, label, re.compile(rx, re.I)) for label, rx in patterns]


CLASSIFICATION_RULES: list[Rule] = [
    *_rules(
        PendingStatusChange.Classification.OFFER,
        (
            "offer extended",
            r"\b(?:pleased|happy|delighted|excited|thrilled) to (?:extend|offer|make)\b[^.\n]{0,40}\boffer\b",
        ),
        ("would like to offer", r"\b(?:we(?:'d| would)|I(?:'d| would)) like to offer you\b"),
        (
            "offer letter",
            r"\b(?:offer letter|letter of offer|employment offer|job offer|formal offer|verbal offer)\b",
        ),
        ("offer the position", r"\boffer you the (?:position|role|job)\b"),
    ),
    *_rules(
        PendingStatusChange.Classification.REJECTION,
        (
            "other candidates",
            r"\b(?:decided|chosen|chose|opted) to (?:move|go|proceed) (?:forward|ahead) with (?:an?other|other|a different) (?:candidates?|applicants?)\b",
        ),
        (
            "not moving forward",
            r"\b(?:not|won't|will not) (?:be )?(?:moving|move|going|proceeding|proceed|progressing|progress) (?:forward |further )?with your (?:application|candidacy)\b",
        ),
        ("regret to inform", r"\bregret to (?:inform|let you know|tell you)\b"),
        ("unsuccessful", r"\b(?:have|has) not been successful\b|\bunsuccessful\b"),
        (
            "decided not to proceed",
            r"\bdecided not to (?:proceed|progress|move forward|continue)\b",
        ),
        ("position filled", r"\b(?:position|role|vacancy) has (?:now )?been filled\b"),
        ("pursue other candidates", r"\bpursue other (?:candidates|applicants)\b"),
        ("not selected", r"\b(?:you were|you have) not (?:been )?selected\b"),
    ),
    *_rules(
        PendingStatusChange.Classification.NEXT_STEP,
        (
            "next round",
            r"\b(?:second|2nd|third|3rd|final|next|follow-up|onsite|on-site) (?:round|interview|stage)\b",
        ),
        (
            "invitation to interview",
            r"\binvit(?:e|ing) you (?:to|for) (?:an? |another |the )?(?:interview|meeting|call|chat|conversation|assessment)\b",
        ),
        (
            "schedule a call",
            r"\b(?:schedule|arrange|set up|book) (?:a|an|another|the next|a time for an?) (?:call|interview|meeting|chat)\b",
        ),
        (
            "your availability",
            r"\b(?:your availability|when (?:are|would) you (?:be )?available|what times? (?:work|suits?) (?:best )?for you)\b",
        ),
        (
            "assessment",
            r"\b(?:take-home|case study|technical (?:test|assessment)|assessment centre|assessment center)\b",
        ),
        ("next steps", r"\bnext steps? (?:is|are|will be|would be)\b"),
    ),
]

SUGGESTED_OUTCOME = {
    PendingStatusChange.Classification.OFFER: "offer",
    PendingStatusChange.Classification.REJECTION: "rejected",
    PendingStatusChange.Classification.NEXT_STEP: "next-round",
    PendingStatusChange.Classification.OTHER: "",
}


@dataclass(frozen=True)
class Classification:
    classification: str
    phrase: str = ""
    rule: str = ""


def classify(text: str) -> Classification:
    """Rejection / next step / offer / other, with the phrase and rule that matched."""
    for classification, label, pattern in CLASSIFICATION_RULES:
        match = pattern.search(text)
        if match:
            return Classification(classification, match.group(0).strip(), label)
    return Classification(PendingStatusChange.Classification.OTHER)


# ---------------------------------------------------------------------------------------------
# Auto-replies and out-of-office

_OOO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|out of (?:the )?office|"
    r"abwesenheitsnotiz|absence|r[ée]ponse automatique|away from (?:the )?office|on leave|on vacation)\b",
    re.I,
)
_OOO_BODY = re.compile(
    r"\b(?:out of (?:the )?office|on (?:annual |parental |maternity |paternity |sick |study )?leave|"
    r"away from (?:the office|my desk|work)|(?:limited|no) access to (?:my )?e-?mail|on (?:vacation|holiday)|"
    r"currently away|travell?ing with limited)\b",
    re.I,
)
_RETURN_CUE = re.compile(
    r"\b(?:back|return(?:ing)?|in the office|in office|available again|away|out|leave)\b[^.\n]{0,30}?"
    r"\b(?P<prep>on|until|till|til|through|thru|from|by)\b\s*(?P<when>[^.\n;()]{3,40})",
    re.I,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DATE_DMY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({_MONTH_RX})\.?,?(?:\s+(\d{{4}}))?\b", re.I
)
_DATE_MDY = re.compile(
    rf"\b({_MONTH_RX})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?(?:\s+(\d{{4}}))?\b", re.I
)
_DATE_NUM = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b")
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)


def _future(d: date, base: date, explicit_year: bool) -> date:
    if not explicit_year and d < base:
        try:
            return d.replace(year=d.year + 1)
        except ValueError:
            return d
    return d


def parse_return_date(text: str, base: date) -> date | None:
    """The first date in a short phrase such as "Monday 12 January", "Jan 12th", "2027-01-12",
    "12/01" (day first), "Friday", "tomorrow"; the next such date on or after `base`."""
    text = text.strip()
    match = _DATE_ISO.search(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    for rx, order in ((_DATE_DMY, "dmy"), (_DATE_MDY, "mdy")):
        match = rx.search(text)
        if match:
            if order == "dmy":
                day_text, month_text, year_text = match.group(1), match.group(2), match.group(3)
            else:
                month_text, day_text, year_text = match.group(1), match.group(2), match.group(3)
            try:
                d = date(
                    int(year_text) if year_text else base.year,
                    _MONTHS[month_text.lower().rstrip(".")],
                    int(day_text),
                )
            except (ValueError, KeyError):
                return None
            return _future(d, base, bool(year_text))
    match = _DATE_NUM.search(text)
    if match:
        day_n, month_n, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        year = int(year_text) if year_text else base.year
        if year < 100:
            year += 2000
        try:
            return _future(date(year, month_n, day_n), base, bool(year_text))
        except ValueError:
            return None
    if re.search(r"\btomorrow\b", text, re.I):
        return base + timedelta(days=1)
    match = _WEEKDAY.search(text)
    if match:
        target = _WEEKDAYS[match.group(1).lower()]
        ahead = (target - base.weekday()) % 7 or 7
        if re.search(r"\bnext week\b", text, re.I) or re.search(
            r"\bnext\s+" + match.group(1), text, re.I
        ):
            ahead = ahead if ahead > 0 else 7
        return base + timedelta(days=ahead)
    return None


@dataclass(frozen=True)
class AutoReply:
    auto: bool
    out_of_office: bool
    reason: str
    return_date: date | None = None
    return_phrase: str = ""


def detect_auto_reply(msg: Message, text: str, received: date) -> AutoReply:
    reasons = []
    auto_submitted = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        reasons.append(f"Auto-Submitted: {auto_submitted}")
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        reasons.append(f"Precedence: {precedence}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if msg.get(name) is not None:
            reasons.append(f"{name} header")
    subject = str(msg.get("Subject", "") or "")
    subject_ooo = _OOO_SUBJECT.search(subject)
    head = "\n".join(text.splitlines()[:12])
    body_ooo = _OOO_BODY.search(head)
    if subject_ooo:
        reasons.append(f"subject {subject_ooo.group(0).strip()!r}")
    auto = bool(reasons)
    # Out-of-office wording makes an auto-reply an out-of-office; wording alone (no header, no
    # subject) counts only with a return phrase, so a person's "I was on leave, sorry" is a reply.
    cue = _RETURN_CUE.search(head) if (body_ooo or subject_ooo) else None
    out_of_office = bool(subject_ooo or (body_ooo and (auto or cue)))
    if body_ooo and out_of_office:
        reasons.append(f"wording {body_ooo.group(0)!r}")
    if not (auto or out_of_office):
        return AutoReply(False, False, "")
    return_date = None
    phrase = ""
    if out_of_office:
        for cue_match in _RETURN_CUE.finditer(head):
            when = parse_return_date(cue_match.group("when"), received)
            if when is not None:
                if cue_match.group("prep").lower() in ("through", "thru"):
                    when += timedelta(days=1)  # "away through the 12th": back the day after
                return_date, phrase = when, cue_match.group(0).strip()
                break
    return AutoReply(True, out_of_office, "; ".join(reasons), return_date, phrase)


# ---------------------------------------------------------------------------------------------
# Bounces


@dataclass(frozen=True)
class Bounce:
    original_ids: tuple[str, ...]
    recipients: tuple[str, ...]
    action: str
    diagnostic: str


def detect_bounce(msg: EmailMessage) -> Bounce | None:
    """A delivery-status report (RFC 3464), as multipart/report; report-type=delivery-status."""
    if msg.get_content_type() != "multipart/report":
        return None
    if str(msg.get_param("report-type", "", header="content-type")).lower() != "delivery-status":
        return None
    ids: list[str] = []
    recipients: list[str] = []
    actions: list[str] = []
    diagnostic = status = ""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in _status_blocks(part):
                for key, value in block:
                    key = key.lower()
                    if key == "final-recipient" or (key == "original-recipient" and not recipients):
                        addr = value.split(";", 1)[-1].strip()
                        if addr and addr.lower() not in recipients:
                            recipients.append(addr.lower())
                    elif key == "action":
                        actions.append(value.strip().lower())
                    elif key == "diagnostic-code" and not diagnostic:
                        diagnostic = " ".join(value.split(";", 1)[-1].split())
                    elif key == "status" and not status:
                        status = value.strip()
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            ids.extend(_original_ids(part))
    ids.extend(split_ids(str(msg.get("In-Reply-To", ""))))
    ids.extend(split_ids(str(msg.get("References", ""))))
    action = "failed" if "failed" in actions or not actions else actions[0]
    diagnostic = diagnostic or (f"status {status}" if status else "")
    return Bounce(
        tuple(dict.fromkeys(normalise_id(i) for i in ids)),
        tuple(recipients),
        action,
        diagnostic[:300],
    )


def _status_blocks(part: Message) -> list[list[tuple[str, str]]]:
    payload = part.get_payload()
    blocks: list[list[tuple[str, str]]] = []
    if isinstance(payload, list):
        for sub in payload:
            blocks.append([(k, str(v)) for k, v in sub.items()])
        return blocks
    text = payload if isinstance(payload, str) else ""
    for chunk in re.split(r"\r?\n\r?\n", text):
        parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(
            chunk.encode("utf-8", "replace")
        )
        blocks.append([(k, str(v)) for k, v in parsed.items()])
    return blocks


def _original_ids(part: Message) -> list[str]:
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        inner = payload[0]
        return split_ids(str(inner.get("Message-ID", "")))
    text = payload if isinstance(payload, str) else ""
    parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(text.encode("utf-8", "replace"))
    return split_ids(str(parsed.get("Message-ID", "")))


# ---------------------------------------------------------------------------------------------
# Text of a reply, without what it quotes


_QUOTE_START = re.compile(
    r"^(?:On .{0,200}wrote:?\s*$|-{2,}\s*Original Message\s*-{2,}|_{5,}\s*$|From:\s.+$|Le .{0,200}a écrit\s*:|Am .{0,200}schrieb)",
    re.I | re.M,
)


def reply_text(msg: EmailMessage) -> str:
    """The new text of a message: the plain (or de-tagged HTML) body up to where it quotes."""
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        text = body.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = body.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(text, str):
        return ""
    if body.get_content_subtype() == "html":
        text = re.sub(r"(?is)<(script|style).*?</\1>", " ", text)
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", text)
        text = re.sub(r"<[^>]+>", " ", text)
        import html

        text = html.unescape(text)
    match = _QUOTE_START.search(text)
    if match:
        text = text[: match.start()]
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()


# ---------------------------------------------------------------------------------------------
# What the poller keeps in memory to look at thousands of headers without a query each


_ANGLE_ADDR = re.compile(r"<\s*([^<>\s@]+@[^<>\s]+?)\s*>")
_BARE_ADDR = re.compile(r"[^\s<>,;:\"()]+@[^\s<>,;:\"()]+")


def _addr(value: object) -> str:
    """The address in a From header, lower-cased ("Name <a@b>" or a bare a@b); "" if none.
    (A regex, not email.utils.parseaddr: the poller runs this on every message.)"""
    text = str(value or "")
    match = _ANGLE_ADDR.search(text) or _BARE_ADDR.search(text)
    if match is None:
        return ""
    return (match.group(1) if match.re is _ANGLE_ADDR else match.group(0)).lower()


def message_date(msg: Message, default: datetime) -> datetime:
    try:
        dt = parsedate_to_datetime(str(msg.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return default
    if dt is None:
        return default
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.get_current_timezone())
    return min(dt, default)  # a date in the future is not believed


def message_key(msg: Message, raw_headers: bytes = b"") -> str:
    ids = split_ids(str(msg.get("Message-ID", "")))
    if ids:
        return ids[0].lower()[:255]
    basis = "\n".join(
        str(msg.get(h, "")) for h in ("From", "Date", "Subject", "To")
    ) or raw_headers.decode("utf-8", "replace")
    return "sha256:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()


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

    def referenced(self, msg: Message | HeaderFields) -> int | None:
        """Our follow-up that In-Reply-To (first) or References (latest first) points at."""
        in_reply_to = [normalise_id(i) for i in split_ids(str(msg.get("In-Reply-To", "")))]
        references = [normalise_id(i) for i in reversed(split_ids(str(msg.get("References", ""))))]
        for mid in (*in_reply_to, *references):
            if mid in self.message_ids:
                return self.message_ids[mid]
        return None

    def is_candidate(self, msg: Message | HeaderFields) -> bool:
        """Worth fetching whole? (a header match, a contact's address, a bounce report)"""
        sender = _addr(msg.get("From"))
        if sender in self.own_addresses:
            return False
        if self.referenced(msg) is not None:
            return True
        ctype = str(msg.get("Content-Type", "")).lower()
        if "multipart/report" in ctype:
            return True
        return self.match_by_sender and sender in self.contacts


class HeaderFields(dict[str, str]):
    """Header fields by lower-case name (the first of each), unfolded; `.get` like a Message."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(name.lower(), default)


_UNFOLD = re.compile(rb"\r?\n[ \t]+")


def parse_headers(raw: bytes) -> HeaderFields:
    """The fields of a header block, fast: the poller looks at every message's headers and only
    needs addresses and Message-IDs from them."""
    fields = HeaderFields()
    for line in _UNFOLD.sub(b" ", raw).decode("utf-8", "replace").splitlines():
        if not line:
            break
        name, sep, value = line.partition(":")
        if sep:
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


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
    msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[assignment]
    key = message_key(msg, raw)
    if index.processed is not None and key in index.processed:
        return Outcome(DUPLICATE, detail="already processed")
    if ProcessedMessage.objects.filter(owner=owner, message_key=key).exists():
        return Outcome(DUPLICATE, detail="already processed")
    sender = _addr(msg.get("From"))
    if sender in index.own_addresses:
        return Outcome(IGNORED, detail="our own message")

    bounce = detect_bounce(msg)
    if bounce is not None:
        return _record(owner, key, folder, index, lambda: _handle_bounce(owner, bounce, index, now))

    fu_id = index.referenced(msg)
    matched_by = "header"
    received = message_date(msg, now)
    if fu_id is None and index.match_by_sender:
        fu_id = _match_by_sender(index, sender, received)
        matched_by = "sender"
    if fu_id is None:
        return Outcome(IGNORED, detail="not a reply to a follow-up")
    fu = FollowUp.objects.select_related("application__company", "recipient").get(
        owner=owner, pk=fu_id
    )

    text = reply_text(msg)
    local_day = received.astimezone(zone(fu.due_tz or "UTC")).date()
    auto = detect_auto_reply(msg, text, local_day)
    if auto.auto or auto.out_of_office:
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


def _record(owner: AbstractBaseUser, key: str, folder: str, index: ReplyIndex, act) -> Outcome:  # type: ignore[no-untyped-def]
    try:
        with transaction.atomic():
            record = ProcessedMessage.objects.create(
                owner=owner, message_key=key, folder=folder[:500], outcome=""
            )
            outcome: Outcome = act()
            record.outcome = outcome.kind
            record.follow_up_id = outcome.follow_up_id
            record.save(update_fields=["outcome", "follow_up"])
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
        owner, fu.pk, at=received, summary=f"email “{subject}”" if subject else "email"
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


# ---------------------------------------------------------------------------------------------
# Suggestions the user confirms


def pending_suggestions(owner: AbstractBaseUser) -> Iterable[PendingStatusChange]:
    return (
        PendingStatusChange.objects.filter(owner=owner, state=PendingStatusChange.State.PENDING)
        .select_related("application__company", "contact")
        .order_by("-received_at", "-id")
    )


def _get_suggestion(owner: AbstractBaseUser, suggestion_id: int | str) -> PendingStatusChange:
    try:
        return PendingStatusChange.objects.select_related("application").get(
            owner=owner, pk=int(suggestion_id)
        )
    except (PendingStatusChange.DoesNotExist, ValueError, TypeError):
        from followup.core.errors import NotFound

        raise NotFound("suggestion_id", f"no suggestion {suggestion_id}") from None


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
