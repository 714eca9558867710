"""Email addresses typed by people: "Name <email>" or a bare address. Header-safe or refused."""

from __future__ import annotations

import re
from email.utils import formataddr, parseaddr

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
        name, email = parseaddr(text)
        if not email or "@" not in email:
            raise BadAddress(f"{text!r} is not a valid email address")
        check_email(email)
        if not name:
            name = email.split("@", 1)[0].replace(".", " ").title()
        return name.strip(), email.strip().lower()
    return text, ""


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
