"""Build the email for a follow-up: From, To (a validated address only), Subject ("Re:" for a
check-in in a thread), Message-ID (fixed at approval), In-Reply-To/References, Date.

A name or subject with a line break is refused here, before anything reaches a header.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formataddr

from django.db.models import Q
from django.utils import timezone

from followup.core.models import FollowUp
from followup.lib.addresses import BadAddress, check_email, has_line_break
from followup.planner import types as p

MAX_REFERENCES = 20
_RE_PREFIX = re.compile(r"^\s*((re|aw|sv|antw)\s*:\s*)+", re.I)


class ComposeError(ValueError):
    """This follow-up cannot become an email as it stands. `field` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Sender:
    address: str
    name: str = ""


@dataclass(frozen=True)
class Thread:
    in_reply_to: str
    references: tuple[str, ...]
    parent_subject: str


def _single_line(value: str, field: str) -> str:
    if has_line_break(value):
        raise ComposeError(field, "must not contain line breaks")
    return value.strip()


def _address(value: str, field: str) -> str:
    try:
        return check_email(value.strip())
    except BadAddress as exc:
        raise ComposeError(field, str(exc)) from None


def split_ids(text: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", text or "")


def normalise_id(value: str) -> str:
    ids = split_ids(value)
    return (ids[0] if ids else value.strip()).lower()


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
    return qs.first()


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


def check_follow_up(fu: FollowUp, sender: Sender | None = None) -> None:
    """Everything that would stop this follow-up becoming an email, as ComposeError."""
    if fu.channel != p.EMAIL:
        raise ComposeError("channel", f"a {fu.channel} follow-up is not sent by email")
    if fu.recipient is None or not fu.recipient.email:
        raise ComposeError("recipient", "this follow-up has no email address to send to")
    _address(fu.recipient.email, "recipient")
    _single_line(fu.recipient.name, "recipient")
    if not _single_line(fu.subject, "subject"):
        raise ComposeError("subject", "is required")
    if not fu.message_id or has_line_break(fu.message_id) or not split_ids(fu.message_id):
        raise ComposeError("message_id", "is missing: approve the follow-up first")
    if sender is not None:
        _address(sender.address, "from_address")
        _single_line(sender.name, "from_name")


@dataclass(frozen=True)
class Rendered:
    """A follow-up as bytes on the wire, with what the envelope and the row need."""

    data: bytes
    to_addrs: tuple[str, ...]
    subject: str
    thread: Thread | None


def _wire_address(name: str, address: str, field: str) -> str:
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise ComposeError(
            field, f"{address!r}: addresses with non-ASCII names before the @ are not supported"
        )
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ComposeError(field, f"{address!r} has an invalid domain") from None
    wire = f"{local}@{domain}"
    if not name:
        return wire
    return formataddr((name, wire), charset="utf-8")


def _header(name: str, value: str) -> bytes:
    """One header, RFC 2047-encoded when not ASCII, folded at 78 columns, CRLF-terminated."""
    if has_line_break(value):  # the last line of defence; callers refuse earlier
        raise ComposeError(name.lower(), "must not contain line breaks")
    charset = "us-ascii" if value.isascii() else "utf-8"
    if charset == "us-ascii" and len(name) + 2 + len(value) <= 78:
        return f"{name}: {value}\r\n".encode("ascii")
    encoded = Header(value, charset, header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}\r\n".encode("ascii")


def _references(ids: Sequence[str]) -> bytes:
    line = "References:"
    lines = []
    for mid in ids:
        if len(line) + 1 + len(mid) > 78 and line != "References:":
            lines.append(line)
            line = ""
        line += " " + mid
    lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def render(
    fu: FollowUp,
    sender: Sender,
    *,
    thread: Thread | None = None,
    now: datetime | None = None,
) -> Rendered:
    """The email for an approved follow-up, as bytes. Raises ComposeError; never lets a line
    break into a header. (Built by hand: the email package's header objects cost as much as
    sending the message.)"""
    check_follow_up(fu, sender)
    assert fu.recipient is not None
    subject = _single_line(fu.subject, "subject")
    if thread is not None:
        subject = reply_subject(subject, thread.parent_subject)
    to_email = _address(fu.recipient.email, "recipient")
    to_header = _wire_address(fu.recipient.name.strip(), to_email, "recipient")
    from_header = _wire_address(sender.name.strip(), sender.address.strip(), "from_address")
    message_id = fu.message_id.strip()
    if not message_id.isascii():
        raise ComposeError("message_id", "must be ASCII")
    parts = [
        _header("From", from_header),
        _header("To", to_header),
        _header("Subject", subject),
        _header("Date", format_datetime(now or timezone.now())),
        _header("Message-ID", message_id),
    ]
    if thread is not None:
        parts.append(_header("In-Reply-To", thread.in_reply_to))
        parts.append(_references(thread.references))
    body = fu.body.replace("\r\n", "\n").replace("\r", "\n")
    if not body.endswith("\n"):
        body += "\n"
    if body.isascii() and all(len(line) <= 900 for line in body.split("\n")):
        cte, payload = "7bit", body.replace("\n", "\r\n").encode("ascii")
    else:
        cte = "quoted-printable"
        payload = (
            quopri.encodestring(body.encode("utf-8"))
            .replace(b"\r\n", b"\n")
            .replace(b"\n", b"\r\n")
        )
    parts += [
        b"MIME-Version: 1.0\r\n",
        b'Content-Type: text/plain; charset="utf-8"\r\n',
        f"Content-Transfer-Encoding: {cte}\r\n".encode("ascii"),
        b"\r\n",
        payload,
    ]
    wire_to = to_header.rpartition("<")[2].rstrip(">") if "<" in to_header else to_header
    return Rendered(b"".join(parts), (wire_to,), subject, thread)


def build_message(
    fu: FollowUp,
    sender: Sender,
    *,
    thread: Thread | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """The same email as `render`, as an EmailMessage (for callers that want to look inside)."""
    rendered = render(fu, sender, thread=thread, now=now)
    return BytesParser(policy=policy.default).parsebytes(rendered.data)  # type: ignore[return-value]
