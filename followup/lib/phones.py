"""Phone numbers as people type them ("0712 345 678", "+44 20 7946 0958"), read with the
`phonenumbers` library: checked, stored as E.164, and told apart as mobile (WhatsApp) or not."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

PHONE_MAX = 50  # what Contact.phone holds; far longer than any real number written out


class BadPhone(ValueError):
    """Not a phone number; the message says why, for a person."""


def normalise_phone(text: str, region: str = "") -> str:
    """The number in E.164 ("+254712345678"); "" for an empty text. A number without a
    leading + (or 00) is read as one of `region` (ISO 3166, e.g. "KE"). Raises BadPhone."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > PHONE_MAX:
        raise BadPhone(f"is longer than {PHONE_MAX} characters")
    default_region = region.upper() if region else None
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException:
        if default_region is None and not text.startswith(("+", "00")):
            raise BadPhone(
                f"{text!r} has no country code: write it as +<country code> <number>"
            ) from None
        raise BadPhone(f"{text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        where = f" in {region}" if region and not text.startswith(("+", "00")) else ""
        raise BadPhone(f"{text!r} is not a valid phone number{where}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Whether a stored number can be a mobile one (WhatsApp). Numbers whose type the numbering
    plan does not tell apart (the US, Canada) count as mobile."""
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def display_phone(e164: str) -> str:
    """A stored number written for reading ("+254 712 345678")."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def wa_digits(e164: str) -> str:
    """The number as wa.me links want it: digits only, with the country code, no +."""
    return "".join(ch for ch in e164 if ch.isdigit())
