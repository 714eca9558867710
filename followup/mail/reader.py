"""What an incoming message is, from its bytes alone: its header fields, its key, its date, its
new text without what it quotes, its classification, whether it is an auto-reply or an
out-of-office (and until when), whether it is a delivery-status report.

Pure Python, no Django and no database (tests call these functions on bytes they write): what to
do about a message is `followup.mail.replies`' job.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from typing import Protocol

import dateparser
from mailparser_reply import EmailReplyParser

from followup.lib.vocabulary import MONTH_ABBR, MONTHS, WEEKDAY_ABBR, WEEKDAYS

__all__ = [
    "CLASSIFICATION_RULES",
    "NEXT_STEP",
    "OFFER",
    "OTHER",
    "REJECTION",
    "AutoReply",
    "Bounce",
    "Classification",
    "HeaderFields",
    "classify",
    "decoded",
    "detect_auto_reply",
    "detect_bounce",
    "message_date",
    "message_key",
    "normalise_id",
    "parse_headers",
    "parse_message",
    "parse_return_date",
    "reply_text",
    "sender_address",
    "split_ids",
]


class Headers(Protocol):
    """A parsed Message or the HeaderFields the poller reads for every message."""

    def get(self, name: str, /) -> object: ...


# ---------------------------------------------------------------------------------------------
# Header fields


def split_ids(text: str) -> list[str]:
    """The <message-ids> in a Message-ID, In-Reply-To or References value, in order."""
    return re.findall(r"<[^<>\s]+>", text or "")


def normalise_id(value: str) -> str:
    """One Message-ID as it is compared: the first <id> in `value`, lower-cased."""
    ids = split_ids(value)
    return (ids[0] if ids else value.strip()).lower()


class HeaderFields(dict[str, str]):
    """Header fields by lower-case name (the first of each), unfolded; `.get` like a Message."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return dict.get(self, name.lower(), default)


_UNFOLD = re.compile(r"\r?\n[ \t]+")


def parse_headers(raw: bytes) -> HeaderFields:
    """The fields of a header block. Not the email package: the poller reads every message's
    headers (10,000 in benchmarks/bench_mail.py's first scan, where the email package's
    BytesHeaderParser alone took longer than raw imaplib fetching them) and only needs
    addresses, Message-IDs and content types from them, never decoded words."""
    fields = HeaderFields()
    text = raw.decode("utf-8", "replace")
    if "\n " in text or "\n\t" in text:  # folded lines are rare: no regex pass without them
        text = _UNFOLD.sub(" ", text)
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if not sep:
            if not line.strip():
                break  # the end of the header block
            continue
        name = name.strip().lower()
        if name not in fields:
            fields[name] = value.strip()
    return fields


def decoded(value: str) -> str:
    """A header value with its RFC 2047 encoded words ("=?utf-8?q?…?=") decoded, as a Message
    gives it; HeaderFields keep values as written."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeDecodeError):
        return value


def parse_message(raw: bytes) -> EmailMessage:
    """A whole message, parsed with the modern email policy."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)  # policy.default makes EmailMessage objects
    return msg


_ANGLE_ADDR = re.compile(r"<\s*([^<>\s@]+@[^<>\s]+?)\s*>")
_BARE_ADDR = re.compile(r"[^\s<>,;:\"()]+@[^\s<>,;:\"()]+")


def sender_address(value: object) -> str:
    """The address in a From header, lower-cased ("Name <a@b>" or a bare a@b); "" if none.
    A regex, not email.utils.parseaddr: the poller runs this on every message's headers, and
    it only compares the result with addresses we know."""
    text = str(value or "")
    match = _ANGLE_ADDR.search(text) or _BARE_ADDR.search(text)
    if match is None:
        return ""
    return (match.group(1) if match.re is _ANGLE_ADDR else match.group(0)).lower()


def message_date(msg: Headers, default: datetime) -> datetime:
    """When it was written (its Date header); `default` (now) when missing, unreadable or in
    the future: a date in the future is not believed. A date without a zone is read as UTC."""
    try:
        dt = parsedate_to_datetime(str(msg.get("Date") or ""))
    except (TypeError, ValueError, IndexError):
        return default
    if dt is None:
        return default
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return min(dt, default)


def message_key(msg: Headers, raw_headers: bytes = b"") -> str:
    """What a message is remembered by: its Message-ID, else a hash of its main fields."""
    ids = split_ids(str(msg.get("Message-ID") or ""))
    if ids:
        return ids[0].lower()[:255]
    basis = "\n".join(
        str(msg.get(h) or "") for h in ("From", "Date", "Subject", "To")
    ) or raw_headers.decode("utf-8", "replace")
    return "sha256:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()


# ---------------------------------------------------------------------------------------------
# The text of a reply, without what it quotes

# English, French and German mail clients' "On … wrote:" / "Le … a écrit" / "Am … schrieb"
# lines and Outlook's header blocks; English is always included by the library.
_QUOTES = EmailReplyParser(languages=["en", "fr", "de"])


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
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    latest = _QUOTES.parse_reply(text) or ""
    # The library splits at quote headers; lines quoted with ">" without one still go.
    lines = [line for line in latest.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()


# ---------------------------------------------------------------------------------------------
# Classification: ordered, transparent rules. The first that matches wins; its phrase is shown.

REJECTION = "rejection"
NEXT_STEP = "next_step"
OFFER = "offer"
OTHER = "other"

Rule = tuple[str, str, re.Pattern[str]]


def _rules(classification: str, *patterns: tuple[str, str]) -> list[Rule]:
    return [(classification, label, re.compile(rx, re.I)) for label, rx in patterns]


CLASSIFICATION_RULES: list[Rule] = [
    *_rules(
        OFFER,
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
        REJECTION,
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
        NEXT_STEP,
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
    return Classification(OTHER)


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
# The candidate phrase: a word saying when they are back, a preposition, then up to 40
# characters in which the date is looked for.
_RETURN_CUE = re.compile(
    r"\b(?:back|return(?:ing)?|in the office|in office|available again|away|out|leave)\b[^.\n]{0,30}?"
    r"\b(?P<prep>on|until|till|til|through|thru|from|by)\b\s*(?P<when>[^.\n;()]{3,40})",
    re.I,
)

# The rule layer in front of dateparser: it reads "Monday 4 January 2027" but not "Monday
# 4 January and will reply then", and it reads "We will…" or "May I…" as dates when searching
# free text. So the date's own words are cut out first (names from the shared vocabulary,
# numbers, ordinals, separators) and only they are handed to dateparser.
_WEEKDAY_NAMES = "|".join(sorted({*WEEKDAYS, *WEEKDAY_ABBR}, key=len, reverse=True))
_MONTH_NAMES = "|".join(sorted({*MONTHS, *MONTH_ABBR, "Sept"}, key=len, reverse=True))
_DATE_WORD = (
    rf"(?:{_WEEKDAY_NAMES}|{_MONTH_NAMES})\.?|\d{{1,4}}(?:st|nd|rd|th)?|of|the|tomorrow|next"
)
_DATE_TEXT = re.compile(rf"\b(?:{_DATE_WORD})\b(?:[\s,/.\-]*\b(?:{_DATE_WORD})\b)*", re.I)
# A day is named by a number, a weekday or "tomorrow"; a month alone ("May I…") is none.
_HAS_DAY = re.compile(rf"\d|\b(?:{_WEEKDAY_NAMES}|tomorrow)\b", re.I)
_WEEKDAY = re.compile(rf"\b(?:{_WEEKDAY_NAMES})\b", re.I)
_YEAR = re.compile(r"\b\d{4}\b")
_MONTH = re.compile(rf"\b(?:{_MONTH_NAMES})\b|\d\s*[/.\-]\s*\d", re.I)


def _dateparser(text: str, base: date) -> date | None:
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(base, time()),
            "DATE_ORDER": "DMY",  # "04/01/2027" is 4 January, as written in Kenya and Europe
        },
    )
    return parsed.date() if parsed is not None else None


def parse_return_date(text: str, base: date) -> date | None:
    """The first date in a short phrase such as "Monday 12 January", "Jan 12th", "2027-01-12",
    "12/01" (day first), "Friday", "tomorrow", "the 12th"; the next such date after `base`
    (the day the message was written) when it gives no year."""
    for match in _DATE_TEXT.finditer(text):
        words = match.group(0).strip(" ,/.-")
        if not _HAS_DAY.search(words):
            continue  # "of the", "next", "May" alone
        found = _dateparser(words, base)
        if found is None and (weekday := _WEEKDAY.search(words)):
            found = _dateparser(weekday.group(0), base)  # "Monday next week": dateparser: None
        if found is None:
            continue
        if found < base and not _YEAR.search(words) and not _MONTH.search(words):
            found = _next_month(found)  # "back on the 12th" written on the 20th
        return found
    return None


def _next_month(d: date) -> date:
    year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    try:
        return d.replace(year=year, month=month)
    except ValueError:  # the 31st, next month has no such day: not believed
        return d


@dataclass(frozen=True)
class AutoReply:
    auto: bool
    out_of_office: bool
    reason: str
    return_date: date | None = None
    return_phrase: str = ""


def detect_auto_reply(msg: Headers, text: str, received: date) -> AutoReply:
    """Is it written by a machine (Auto-Submitted, Precedence, X-Autoreply, an auto-reply
    subject)? An out-of-office (and back when, read on `received`, the local day it came)?"""
    reasons = []
    auto_submitted = str(msg.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        reasons.append(f"Auto-Submitted: {auto_submitted}")
    precedence = str(msg.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        reasons.append(f"Precedence: {precedence}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if msg.get(name) is not None:
            reasons.append(f"{name} header")
    subject = decoded(str(msg.get("Subject") or ""))
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
    """A delivery failure report. `recipients` failed for good; `temporary` are only delayed
    (a temporary failure is not a bounce: the server keeps trying)."""

    original_ids: tuple[str, ...]
    recipients: tuple[str, ...]
    action: str  # "failed" when any address failed for good, else "delayed"
    diagnostic: str
    temporary: tuple[str, ...] = ()


_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailer)(?:@|$)", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (?:status notification|failure|has failed|problem|report)|"
    r"returned mail|failure notice|mail delivery failed|could not be delivered|"
    r"non-?deliver|delivery failed|returned to sender|mail system error|permanent error",
    re.I,
)


def may_be_bounce(fields: Headers, sender: str | None = None) -> bool:
    """From the header fields alone: worth fetching whole to look for a delivery failure? From
    MAILER-DAEMON or postmaster, an empty Return-Path, a delivery-failure subject, or a report
    (or a mixed message, as many servers send) with such a sign. `sender`: the From address,
    when the caller has read it already."""
    if sender is None:
        sender = sender_address(fields.get("From"))
    if _BOUNCE_SENDER.match(sender):
        return True
    if str(fields.get("Return-Path") or "").strip() == "<>":
        return True
    ctype = str(fields.get("Content-Type") or "").lower()
    if "multipart/report" in ctype:
        return True
    return bool(_BOUNCE_SUBJECT.search(decoded(str(fields.get("Subject") or ""))))


# "Message-ID: <…>" lines quoted in the text of a plain bounce (qmail, Exim, Yahoo and others
# quote the original headers as text rather than as a message/rfc822 part).
_QUOTED_MESSAGE_ID = re.compile(r"^[ \t>]*message-id:[ \t]*(<[^>\s]{1,250}>)", re.I | re.M)


def detect_bounce(msg: EmailMessage) -> Bounce | None:
    """A delivery failure, as mail servers really send them: standard delivery-status reports
    (RFC 3464) anywhere in the message, and the plain-text and mixed formats of sendmail,
    Postfix, qmail, Exim, Exchange, Yahoo, AOL, GroupWise… through flufl.bounce's detectors,
    which tell permanent failures from temporary ones. None when the message is no bounce."""
    from flufl.bounce import all_failures  # its detectors load on first use, not at start-up

    dsn = _delivery_status(msg)
    if dsn is None and not may_be_bounce(msg):
        return None
    temporary_raw, permanent_raw = all_failures(msg)
    permanent = {a.decode("utf-8", "replace").lower() for a in permanent_raw}
    temporary = {a.decode("utf-8", "replace").lower() for a in temporary_raw}
    diagnostic = ""
    ids: list[str] = []
    if dsn is not None:
        recipients, action, diagnostic, ids = dsn
        (permanent if action == "failed" else temporary).update(recipients)
    temporary -= permanent
    if not permanent and not temporary:
        return None
    for part in msg.walk():
        if part.get_content_type() in (
            "message/rfc822",
            "text/rfc822-headers",
            "message/rfc822-headers",
        ):
            ids.extend(_original_ids(part))
        elif part.get_content_maintype() == "text":
            try:
                text = part.get_content()
            except (LookupError, ValueError, AttributeError):
                continue
            if isinstance(text, str):
                ids.extend(_QUOTED_MESSAGE_ID.findall(text[:200_000]))
    ids.extend(split_ids(str(msg.get("In-Reply-To", ""))))
    ids.extend(split_ids(str(msg.get("References", ""))))
    return Bounce(
        tuple(dict.fromkeys(normalise_id(i) for i in ids)),
        tuple(sorted(permanent)),
        "failed" if permanent else "delayed",
        diagnostic[:300],
        tuple(sorted(temporary)),
    )


def _delivery_status(msg: EmailMessage) -> tuple[list[str], str, str, list[str]] | None:
    """The recipients, action, diagnostic and original ids of a message/delivery-status part
    anywhere in the message (a report inside a forwarded or mixed message counts too)."""
    recipients: list[str] = []
    actions: list[str] = []
    diagnostic = status = ""
    found = False
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        found = True
        for block in _status_blocks(part):
            for key, value in block:
                key = key.lower()
                if key == "final-recipient" or (key == "original-recipient" and not recipients):
                    addr = value.split(";", 1)[-1].strip().strip("<>")
                    if addr and addr.lower() not in recipients:
                        recipients.append(addr.lower())
                elif key == "action":
                    actions.append(value.strip().lower())
                elif key == "diagnostic-code" and not diagnostic:
                    diagnostic = " ".join(value.split(";", 1)[-1].split())
                elif key == "status" and not status:
                    status = value.strip()
    if not found:
        return None
    action = "failed" if "failed" in actions or not actions else actions[0]
    if status.startswith("4.") and "failed" not in actions:
        action = "delayed"
    return recipients, action, diagnostic or (f"status {status}" if status else ""), []


def _status_blocks(part: Message) -> list[list[tuple[str, str]]]:
    payload = part.get_payload()
    blocks: list[list[tuple[str, str]]] = []
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
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
        return split_ids(str(inner.get("Message-ID", ""))) if isinstance(inner, Message) else []
    text = payload if isinstance(payload, str) else ""
    parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(text.encode("utf-8", "replace"))
    return split_ids(str(parsed.get("Message-ID", "")))
