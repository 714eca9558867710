"""Email addresses typed by people: "Name <email>" or a bare address. Header-safe or refused.

One strict parser for every "Name <email>" (interviewers, recruiters, attendees): exactly one
address or a clear error. The stdlib's `parseaddr` of this Python reads
"Ann Bcc: evil@evil.example <ann@acme.example>" as evil@evil.example and keeps the first of
"a@b.example, c@d.example" silently, so the value is parsed as a To: header with the modern
policy, which reports both as defects or as two addresses.
"""

from __future__ import annotations

import email
import re
from email import policy
from email.errors import HeaderParseError
from email.utils import formataddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_LINE_BREAK = re.compile(r"[\r\n\x00]")


class BadAddress(ValueError):
    pass


def has_line_break(value: str) -> bool:
    return bool(_LINE_BREAK.search(value))


def parse_person(text: str) -> tuple[str, str]:
    """'Wanjiku Kamau <wanjiku@acme.co.ke>' -> (name, email). A bare name gives ("name", "")."""
    text = text.strip()
    if not text:
        raise BadAddress("is empty")
    if has_line_break(text):
        raise BadAddress("must not contain line breaks")
    if "<" in text or "@" in text:
        name, address = _one_address(text)
        check_email(address)
        if not name:
            name = address.split("@", 1)[0].replace(".", " ").title()
        return name.strip(), address.strip().lower()
    return text, ""


def parse_addressed_person(text: str) -> tuple[str, str]:
    """Like `parse_person`, but a name alone is refused: someone who is to get a message of
    their own (an interviewer's thank-you) needs an address, and "Name name-at-x" is a typing
    slip, not a name."""
    name, address = parse_person(text)
    if not address:
        raise BadAddress(
            f"{text.strip()!r} has no email address (write one person as 'Name <name@example.com>')"
        )
    return name, address


# Characters that make a display name mean something else in a header (a group, a second
# address, a route) unless the name is quoted.
_NAME_SPECIALS = re.compile(r"[:;,@<>]")


def _one_address(text: str) -> tuple[str, str]:
    example = "write one address as 'Name <name@example.com>'"
    name_part = text.split("<", 1)[0] if "<" in text else ""
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', "", name_part)
    if _NAME_SPECIALS.search(unquoted):
        raise BadAddress(f"{text!r}: a name must not contain : ; , @ < or > ({example})")
    if "<" in text and not text.rstrip().endswith(">"):
        raise BadAddress(f"{text!r}: nothing may follow the address ({example})")
    try:
        header = email.message_from_string(f"To: {text}\n\n", policy=policy.default)["to"]
        addresses = header.addresses
        defects = header.defects
    except (HeaderParseError, IndexError, ValueError):
        raise BadAddress(f"{text!r} is not a valid email address ({example})") from None
    if len(addresses) != 1:
        raise BadAddress(f"{text!r} holds {len(addresses)} addresses ({example})")
    if defects or not addresses[0].username or not addresses[0].domain:
        raise BadAddress(f"{text!r} is not a valid email address ({example})")
    return addresses[0].display_name, addresses[0].addr_spec


# What an address may be (RFC 5321's path limit, and what EmailField stores).
MAX_EMAIL_LENGTH = 254


def check_email(email: str) -> str:
    if has_line_break(email):
        raise BadAddress("must not contain line breaks")
    if len(email) > MAX_EMAIL_LENGTH:
        raise BadAddress(f"is longer than {MAX_EMAIL_LENGTH} characters")
    try:
        validate_email(email)
    except ValidationError:
        raise BadAddress(f"{email!r} is not a valid email address") from None
    return email


def format_person(name: str, email: str) -> str:
    if not email:
        return name
    return formataddr((name, email)) if name else email
