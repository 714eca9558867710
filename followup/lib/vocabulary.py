"""Words and times as people read them, written once for the CLI, the web, drafts, the digest,
the pushes and the calendar feed.

Pure Python (no Django): the planner and drafting use it too. English names whatever the
process locale is, and no strftime for names (it follows the locale and is slow in loops).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "MONTHS",
    "MONTH_ABBR",
    "UnknownZone",
    "WEEKDAYS",
    "WEEKDAY_ABBR",
    "describe_day",
    "describe_time",
    "first_name",
    "format_local",
    "KIND_LABELS",
    "kind_label",
    "long_date",
    "split_name",
    "zone",
    "zone_or_utc",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_ABBR = tuple(name[:3] for name in WEEKDAYS)
# fmt: off
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
# fmt: on
MONTH_ABBR = tuple(name[:3] for name in MONTHS)

# What each kind of follow-up is called wherever a person reads it (pages, timeline, CLI).
KIND_LABELS: dict[str, str] = {
    "thank_you": "Thank-you",
    "check_in": "Check-in",
    "check_in_2": "Second check-in",
    "final_check_in": "Final check-in",
    "rejection_reply": "Reply to rejection",
    "keep_warm": "Keep-warm note",
    "careers_check": "Careers page check",
    "deliverable": "What you promised",
    "application_check_in": "Application check-in",
    "call_script": "Phone call script",
}


def kind_label(kind: str) -> str:
    """'Second check-in' for "check_in_2"; an unknown kind reads as its words."""
    return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "madam", "eng", "hon"}
)


class UnknownZone(ValueError):
    """An IANA time zone name the system's zone database does not know."""


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name such as "Africa/Nairobi"; UnknownZone if there is none.

    Cached: building thousands of rows or events must not re-read tzdata."""
    if not name or not name.strip():
        raise UnknownZone("time zone is empty; use an IANA name such as 'Africa/Nairobi'")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        # ValueError/OSError: names like "../etc" or "Foo/" that are not even valid keys.
        raise UnknownZone(
            f"unknown time zone {name!r}; use an IANA name such as 'Africa/Nairobi'"
        ) from exc


def zone_or_utc(name: str | None) -> ZoneInfo:
    """For display of stored rows: a zone that no longer exists shows in UTC, never a crash."""
    try:
        return zone(name or "UTC")
    except UnknownZone:
        return zone("UTC")


def describe_day(d: date) -> str:
    """'Fri 12 Dec'."""
    return f"{WEEKDAY_ABBR[d.weekday()]} {d.day} {MONTH_ABBR[d.month - 1]}"


def long_date(d: date) -> str:
    """'Friday 12 December', as a letter says it."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}"


def describe_time(dt: datetime) -> str:
    """'Fri 12 Dec, 10:00 EAT' for an aware datetime, in its own zone."""
    return f"{describe_day(dt.date())}, {dt.hour:02d}:{dt.minute:02d} {dt.tzname() or ''}".rstrip()


def format_local(
    dt: datetime, tz: str | None, *, now: datetime | None = None, with_zone: bool = True
) -> str:
    """'Mon 15 Dec, 10:00 EAT' in zone `tz`; the year is added when it is not this year's
    ('Mon 4 Jan 2027, 10:00 EAT'). The one way every surface shows a local time."""
    local = dt.astimezone(zone_or_utc(tz))
    this_year = (now or datetime.now(local.tzinfo)).astimezone(local.tzinfo).year
    day = describe_day(local.date())
    if local.year != this_year:
        day += f" {local.year}"
    text = f"{day}, {local.hour:02d}:{local.minute:02d}"
    if with_zone:
        text += f" {local.tzname() or ''}"
    return text.rstrip()


def split_name(name: str | None) -> tuple[str, list[str]]:
    """("Ms.", ["Muthoni", "Ndegwa"]) from "Ms. Muthoni Ndegwa"; drops any "<email>" part."""
    if not name:
        return "", []
    cleaned = re.sub(r"<[^>]*>|\([^)]*\)", " ", name)
    tokens = [t for t in re.split(r"\s+", cleaned.strip().strip('"').strip()) if t]
    honorific = ""
    while tokens and tokens[0].rstrip(".").lower() in HONORIFICS:
        honorific = tokens.pop(0)
    return honorific, tokens


def first_name(name: str | None) -> str:
    """'Wanjiku' from 'Dr. Wanjiku Kamau'; '' when only a title and a surname are known
    ('Ms. Ndegwa'), so callers fall back to their own wording."""
    honorific, tokens = split_name(name)
    if not tokens or (honorific and len(tokens) == 1):
        return ""
    return tokens[0]
