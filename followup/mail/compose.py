"""The one composer: every email followup writes is an `email.message.EmailMessage` built here.

- `new_message(...)`: From, To, Subject, Date, Message-ID, In-Reply-To/References, extra
  machine headers, a plain-text body and an optional HTML alternative. Used for the digest.
- `render(fu, sender)` / `build_message(fu, sender)`: an approved follow-up as bytes on the wire
  or as a message (sending, the Drafts and Sent copies).
- `draft_file(fu, sender)`: a draft as an .eml file a mail app opens ready to send.

Header injection is refused here, before anything reaches a header: a line break in a name, a
subject or an address is a `ComposeError` naming the field; an address must be exactly one valid
address. People's words (names, subjects) that need encoding or folding go through the email
package's header objects (RFC 2047, RFC 5322); a plain ASCII value that fits on one line is
stored as it is, after the same checks (see WRITE_PLAIN_AS_IS for the benchmark behind it).
Tokens we make ourselves (the Date, Message-IDs, fixed machine headers) are checked and stored as
they are (`set_raw`): the email package would otherwise turn an over-long Message-ID into an
RFC 2047 encoded word, which RFC 2047 section 5 forbids there and which breaks threading in
other mail clients.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from django.db.models import Q
from django.utils import timezone

from followup.core.models import FollowUp
from followup.lib.addresses import BadAddress, check_email, has_line_break
from followup.mail.smtp import WIRE_POLICY
from followup.planner import types as p

MAX_REFERENCES = 20
# RFC 5322 2.1.1: no line longer than 998 characters; a body that has one is quoted-printable.
MAX_LINE = 998
FILE_POLICY = WIRE_POLICY.clone(linesep="\n")
_HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_RE_PREFIX = re.compile(r"^\s*((re|aw|sv|antw)\s*:\s*)+", re.I)


class ComposeError(ValueError):
    """This follow-up cannot become an email as it stands. `field` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Person:
    """Someone on an address line: an address and, optionally, the name shown with it."""

    address: str
    name: str = ""


Sender = Person  # the name sender.py and drafts.py use for the From line


@dataclass(frozen=True)
class Thread:
    in_reply_to: str
    references: tuple[str, ...]
    parent_subject: str


# ---------------------------------------------------------------------------------------------
# Checks: what may reach a header


def single_line(value: str, field: str) -> str:
    """`value` without surrounding space; a line break in it is a ComposeError for `field`."""
    if has_line_break(value):
        raise ComposeError(field, "must not contain line breaks")
    return value.strip()


def valid_address(value: str, field: str) -> str:
    """Exactly one valid address, or a ComposeError for `field`."""
    try:
        return check_email(value.strip())
    except BadAddress as exc:
        raise ComposeError(field, str(exc)) from None


# The names outbox.py's approval checks use (kept while that module still calls them).
_single_line = single_line
_address = valid_address


def split_ids(text: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", text or "")


def normalise_id(value: str) -> str:
    ids = split_ids(value)
    return (ids[0] if ids else value.strip()).lower()


def _message_id(value: str, field: str) -> str:
    """One "<...>" message id, ASCII, nothing around it."""
    value = single_line(value, field)
    if not value.isascii() or split_ids(value) != [value]:
        raise ComposeError(field, f"{value!r} is not a message id like <id@example.com>")
    return value


# Plain values written as they are (benchmarks/bench_mail.py, sending: 0.21 of raw smtplib with
# every header and the body made as email-package objects, below the 0.25 target; 0.42 with this
# for 10,000 follow-ups). Those objects are parsed when set and refolded when written: about
# 400 us a message against 70 us for the rest of composing. An ASCII value that fits on one line
# needs neither encoding nor folding, so it is stored as it is (`set_raw`) after the checks
# above; anything else (a name or subject with accents, a long one, a body that is not 7-bit)
# goes through the email package's header objects and content manager. Both give the same
# bytes: tests/mail/test_compose.py::test_plain_values_written_as_they_are_parse_the_same.
WRITE_PLAIN_AS_IS = True


def _fits_as_is(name: str, value: str) -> bool:
    return WRITE_PLAIN_AS_IS and value.isascii() and len(name) + 2 + len(value) <= 78


def _set_text(message: EmailMessage, name: str, value: str) -> None:
    if _fits_as_is(name, value):
        message.set_raw(name, value)
    else:
        message[name] = value


def _set_addresses(message: EmailMessage, name: str, addresses: list[Address]) -> None:
    # str(Address) quotes a display name with specials (RFC 5322 quoted-string) and the local
    # part where needed: the same text the header object would write for an ASCII address.
    text = ", ".join(str(address) for address in addresses)
    if _fits_as_is(name, text):
        message.set_raw(name, text)
    else:
        message[name] = addresses


_PLAIN_TEXT = WIRE_POLICY.header_factory("Content-Type", 'text/plain; charset="utf-8"')
_SEVEN_BIT = WIRE_POLICY.header_factory("Content-Transfer-Encoding", "7bit")


def _set_body(message: EmailMessage, text: str) -> None:
    cte = _body_cte(text)
    if cte == "7bit" and WRITE_PLAIN_AS_IS:
        # What set_content(text, charset="utf-8", cte="7bit") stores (lines as
        # str.splitlines() gives them, LF-joined) without making three header objects per
        # message. Content-Type and -Transfer-Encoding are shared header objects: the generator
        # reads them back several times per message, and a stored string is parsed at each read.
        message.set_raw("Content-Type", _PLAIN_TEXT)
        message.set_raw("Content-Transfer-Encoding", _SEVEN_BIT)
        message.set_raw("MIME-Version", "1.0")
        message.set_payload("\n".join(text.splitlines()) + "\n")
    else:
        message.set_content(text, charset="utf-8", cte=cte)


def _wire_address(person: Person, address_field: str, name_field: str) -> Address:
    """The person as a header Address: the domain in IDNA (ASCII) form; the local part must be
    ASCII (SMTPUTF8 is not used)."""
    address = valid_address(person.address, address_field)
    name = single_line(person.name, name_field)
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise ComposeError(
            address_field,
            f"{address!r}: addresses with non-ASCII names before the @ are not supported",
        )
    if not domain.isascii():  # an ASCII domain is already what IDNA would give
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ComposeError(address_field, f"{address!r} has an invalid domain") from None
    return Address(display_name=name, username=local, domain=domain)


def _folded_ids(ids: Sequence[str]) -> str:
    """Message ids separated by folding white space, one line kept within 78 characters where
    the ids allow (an id is never split)."""
    lines: list[str] = []
    line = ""
    for mid in ids:
        if line and len(line) + 1 + len(mid) > 66:  # 78 less "References: "
            lines.append(line)
            line = mid
        else:
            line = f"{line} {mid}" if line else mid
    lines.append(line)
    return "\n ".join(lines)


def _body_cte(text: str) -> str:
    if text.isascii() and all(len(line) <= MAX_LINE for line in text.split("\n")):
        return "7bit"
    return "quoted-printable"


def _plain(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


# ---------------------------------------------------------------------------------------------
# The composer


def new_message(
    *,
    sender: Person | None,
    to: Sequence[Person],
    subject: str,
    text: str,
    html: str | None = None,
    date: datetime | None = None,
    message_id: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    extra_headers: Sequence[tuple[str, str]] = (),
) -> EmailMessage:
    """An email from `sender` to `to`. Raises ComposeError (never lets a line break into a
    header). `extra_headers` are machine headers with ASCII values (Auto-Submitted, X-...)."""
    message = EmailMessage(policy=WIRE_POLICY)
    if sender is not None:
        _set_addresses(message, "From", [_wire_address(sender, "from_address", "from_name")])
    if to:
        _set_addresses(
            message, "To", [_wire_address(person, "recipient", "recipient") for person in to]
        )
    _set_text(message, "Subject", single_line(subject, "subject"))
    message.set_raw("Date", format_datetime(date or timezone.now()))
    if message_id:
        message.set_raw("Message-ID", _message_id(message_id, "message_id"))
    if in_reply_to:
        message.set_raw("In-Reply-To", _message_id(in_reply_to, "in_reply_to"))
    if references:
        ids = [_message_id(mid, "references") for mid in references]
        message.set_raw("References", _folded_ids(ids))
    for name, value in extra_headers:
        if not _HEADER_NAME.fullmatch(name):
            raise ComposeError("header", f"{name!r} is not a header name")
        value = single_line(value, name.lower())
        if not value.isascii() or len(name) + len(value) > 76:
            raise ComposeError(name.lower(), "must be a short ASCII value")
        message.set_raw(name, value)
    _set_body(message, _plain(text))
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def as_bytes(message: EmailMessage) -> bytes:
    """The message on the wire (CRLF line ends)."""
    return message.as_bytes(policy=WIRE_POLICY)


# ---------------------------------------------------------------------------------------------
# Follow-ups


def thread_parent(fu: FollowUp) -> FollowUp | None:
    """The message a check-in replies to: our latest email sent earlier in the same application
    to the same recipient."""
    if fu.kind not in p.CHECK_IN_KINDS or fu.recipient_id is None:
        return None
    qs = (
        FollowUp.objects.filter(
            owner_id=fu.owner_id,
            application_id=fu.application_id,
            recipient_id=fu.recipient_id,
            channel=p.EMAIL,
            sent_at__isnull=False,
        )
        .exclude(pk=fu.pk)
        .exclude(message_id="")
        .filter(Q(sent_at__lte=timezone.now()))
        .order_by("-sent_at", "-id")
    )
    parent: FollowUp | None = qs.first()
    return parent


def thread_for(fu: FollowUp) -> Thread | None:
    parent = thread_parent(fu)
    if parent is None:
        return None
    refs = [r for r in split_ids(parent.references) if r != parent.message_id]
    refs.append(parent.message_id)
    return Thread(
        in_reply_to=parent.message_id,
        references=tuple(refs[-MAX_REFERENCES:]),
        parent_subject=parent.subject,
    )


def reply_subject(subject: str, parent_subject: str = "") -> str:
    base = _RE_PREFIX.sub("", subject).strip() or _RE_PREFIX.sub("", parent_subject).strip()
    return f"Re: {base}"


def check_recipient(fu: FollowUp) -> None:
    """What approval needs of a follow-up's headers: an email channel, one valid address, a
    one-line name and a one-line, non-empty subject. Raises ComposeError."""
    if fu.channel != p.EMAIL:
        raise ComposeError("channel", f"a {fu.channel} follow-up is not sent by email")
    if fu.recipient is None or not fu.recipient.email:
        raise ComposeError("recipient", "this follow-up has no email address to send to")
    valid_address(fu.recipient.email, "recipient")
    single_line(fu.recipient.name, "recipient")
    if not single_line(fu.subject, "subject"):
        raise ComposeError("subject", "is required")


def check_follow_up(fu: FollowUp, sender: Sender | None = None) -> None:
    """Everything that would stop this follow-up becoming an email, as ComposeError."""
    check_recipient(fu)
    if not fu.message_id or has_line_break(fu.message_id) or not split_ids(fu.message_id):
        raise ComposeError("message_id", "is missing: approve the follow-up first")
    if sender is not None:
        valid_address(sender.address, "from_address")
        single_line(sender.name, "from_name")


@dataclass(frozen=True)
class Rendered:
    """A follow-up as bytes on the wire, with what the envelope and the row need."""

    data: bytes
    to_addrs: tuple[str, ...]
    subject: str
    thread: Thread | None


def _subject(fu: FollowUp, thread: Thread | None) -> str:
    subject = single_line(fu.subject, "subject")
    return reply_subject(subject, thread.parent_subject) if thread is not None else subject


def build_message(
    fu: FollowUp,
    sender: Sender,
    *,
    thread: Thread | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """The email for an approved follow-up. Raises ComposeError."""
    check_follow_up(fu, sender)
    assert fu.recipient is not None
    return new_message(
        sender=sender,
        to=[Person(fu.recipient.email, fu.recipient.name)],
        subject=_subject(fu, thread),
        text=fu.body,
        date=now,
        message_id=fu.message_id.strip(),
        in_reply_to=thread.in_reply_to if thread else "",
        references=thread.references if thread else (),
    )


def render(
    fu: FollowUp,
    sender: Sender,
    *,
    thread: Thread | None = None,
    now: datetime | None = None,
) -> Rendered:
    """The email for an approved follow-up, as bytes, with its envelope recipient."""
    message = build_message(fu, sender, thread=thread, now=now)
    assert fu.recipient is not None  # checked by build_message
    recipient = _wire_address(
        Person(fu.recipient.email, fu.recipient.name), "recipient", "recipient"
    )
    return Rendered(as_bytes(message), (recipient.addr_spec,), _subject(fu, thread), thread)


def draft_file(fu: FollowUp, sender: Person | None, now: datetime | None = None) -> bytes:
    """A draft as an .eml file: the message as it would be sent (threaded like a check-in when
    it is one), marked X-Unsent so Outlook and others open it as a draft to send. Unlike
    `render` it needs no approval yet: no Message-ID is fine, and so is no recipient address
    (the user fills it in). Raises ComposeError."""
    if fu.channel != p.EMAIL:
        raise ComposeError("channel", f"a {fu.channel} follow-up is not sent by email")
    to = []
    if fu.recipient is not None:
        single_line(fu.recipient.name, "recipient")
        if fu.recipient.email:
            to.append(Person(fu.recipient.email, fu.recipient.name))
    if sender is not None:
        single_line(sender.name, "from_name")
    thread = thread_for(fu)
    message = new_message(
        sender=sender if sender is not None and sender.address else None,
        to=to,
        subject=_subject(fu, thread),
        text=fu.body or "",
        date=now,
        message_id=fu.message_id.strip(),
        in_reply_to=thread.in_reply_to if thread else "",
        references=thread.references if thread else (),
        extra_headers=[("X-Unsent", "1")],
    )
    # A file, not the SMTP wire: the platform's usual LF line ends (mail apps read both).
    return message.as_bytes(policy=FILE_POLICY)
