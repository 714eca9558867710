"""Reading interview invitations (.ics) as Google Calendar, Outlook, Zoom and others write them.

Pure functions over bytes: no database. `parse_invitation` gives one Invitation per event, with
its time made aware and its zone named in IANA terms:
- TZID naming an IANA zone (Google, Zoom): that zone;
- TZID naming a Windows zone (Outlook: "E. Africa Standard Time"): the matching IANA zone;
- any other TZID with a VTIMEZONE (Outlook's "Customized Time Zone"): the offsets the VTIMEZONE
  gives, shown in the default zone;
- UTC ("...Z"): the instant, shown in the default zone;
- floating (no zone at all): read in the calendar's X-WR-TIMEZONE, else the default zone.
Pure functions (no Django): `followup.core.invitation_import` turns an Invitation into an
interview, or into a proposal waiting for the user's click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from followup.core.errors import InvalidInput
from followup.lib.vocabulary import UnknownZone, zone

MAX_BYTES = 1_000_000


class UnreadableInvitation(InvalidInput):
    """The bytes are not an invitation followup can read (always about the field "file")."""

    def __init__(self, message: str) -> None:
        super().__init__("file", message)


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str = ""
    cutype: str = ""

    def as_input(self) -> str:
        """'Name <email>' as services.InterviewInput takes it."""
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class Invitation:
    method: str  # REQUEST, CANCEL, PUBLISH...
    uid: str
    sequence: int
    status: str  # CONFIRMED, TENTATIVE, CANCELLED or ""
    summary: str
    description: str
    location: str
    url: str
    start: datetime  # aware
    end: datetime  # aware
    tz: str  # IANA zone to show it in
    organizer: Person | None
    attendees: tuple[Person, ...]

    @property
    def cancelled(self) -> bool:
        return self.method == "CANCEL" or self.status == "CANCELLED"


def _zone(name: str) -> ZoneInfo | None:
    try:
        return zone(name)
    except UnknownZone:
        return None


def _windows_zone(tzid: str) -> str | None:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return WINDOWS_TO_OLSON.get(tzid)


def iana_name(tzid: str) -> str | None:
    """An IANA zone name for a TZID as calendar programs write it, or None."""
    tzid = tzid.strip().strip('"')
    if _zone(tzid):
        return tzid
    windows = _windows_zone(tzid)
    if windows and _zone(windows):
        return windows
    # "/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/Africa/Nairobi"
    parts = tzid.strip("/").split("/")
    for size in (3, 2):
        if len(parts) >= size:
            candidate = "/".join(parts[-size:])
            if _zone(candidate):
                return candidate
    return None


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _email(value: Any) -> str:
    raw = str(value or "").strip()
    if raw.lower().startswith("mailto:"):
        raw = raw[7:]
    raw = raw.strip()
    return raw if re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", raw) else ""


def _person(value: Any) -> Person | None:
    email = _email(value)
    params = getattr(value, "params", {}) or {}
    name = str(params.get("CN", "") or "").strip().strip('"')
    if name and _email(name) == name:
        name = ""  # Google writes the address as the CN when it knows no name
    if not name and email:
        local = re.split(r"[+]", email.split("@", 1)[0])[0]
        name = " ".join(w.capitalize() for w in re.split(r"[._-]+", local) if w)
    if not name and not email:
        return None
    return Person(
        name=name[:200],
        email=email,
        role=str(params.get("ROLE", "") or "").upper(),
        cutype=str(params.get("CUTYPE", "") or "").upper(),
    )


def _moment(component: Any, name: str, fallback_tz: str) -> tuple[datetime, str] | None:
    """(aware datetime, IANA zone to show it in) for DTSTART/DTEND."""
    prop = component.get(name)
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, date) and not isinstance(value, datetime):
        raise UnreadableInvitation("the invitation is an all-day event: it has no time of day")
    tzid = str(prop.params.get("TZID", "") or "")
    if value.tzinfo is None:
        # Floating: a TZID the library could not resolve, or no zone at all.
        named = iana_name(tzid) if tzid else None
        zone_name = named or fallback_tz
        return value.replace(tzinfo=zone(zone_name)), zone_name
    if tzid:
        named = iana_name(tzid)
        if named:
            # Same wall time in the real zone: its rules are better than a copied VTIMEZONE.
            return value.replace(tzinfo=zone(named)), named
        # Custom VTIMEZONE: trust its offsets for the instant, show it in the default zone.
        return value.astimezone(UTC), fallback_tz
    return value.astimezone(UTC), fallback_tz


def parse_invitation(data: bytes, default_tz: str = "UTC") -> list[Invitation]:
    """Every event of an .ics invitation. UnreadableInvitation when it is not one;
    InvalidInput('tz', ...) for an unknown `default_tz`."""
    import icalendar

    if len(data) > MAX_BYTES:
        raise UnreadableInvitation("is larger than 1 MB: not an invitation")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise UnreadableInvitation("is not an iCalendar file (no BEGIN:VCALENDAR)")
    if _zone(default_tz) is None:
        raise InvalidInput("tz", f"unknown time zone {default_tz!r}")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise UnreadableInvitation(f"cannot be read as iCalendar: {exc}") from None
    method = _text(calendar, "METHOD").upper() or "PUBLISH"
    calendar_tz = iana_name(_text(calendar, "X-WR-TIMEZONE")) or default_tz
    invitations = []
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise UnreadableInvitation("holds no event (VEVENT)")
    masters = {str(e.get("UID", "")) for e in events if e.get("RECURRENCE-ID") is None}
    for event in events:
        uid = _text(event, "UID")
        if not uid:
            raise UnreadableInvitation("an event has no UID")
        if event.get("RECURRENCE-ID") is not None and uid in masters:
            continue  # an override of a series we already take
        start = _moment(event, "DTSTART", calendar_tz)
        if start is None:
            raise UnreadableInvitation("an event has no start time (DTSTART)")
        end = _moment(event, "DTEND", calendar_tz)
        if end is None:
            duration = event.get("DURATION")
            length = duration.dt if duration is not None else timedelta(hours=1)
            end_dt = start[0] + length
        else:
            end_dt = end[0]
        if end_dt <= start[0]:
            end_dt = start[0] + timedelta(hours=1)
        try:
            sequence = int(str(event.get("SEQUENCE", 0)))
        except ValueError:
            sequence = 0
        organizer = _person(event.get("ORGANIZER")) if event.get("ORGANIZER") else None
        raw_attendees = event.get("ATTENDEE") or []
        if not isinstance(raw_attendees, list):
            raw_attendees = [raw_attendees]
        attendees = tuple(p for p in (_person(a) for a in raw_attendees) if p is not None)
        invitations.append(
            Invitation(
                method=method,
                uid=uid[:255],
                sequence=sequence,
                status=_text(event, "STATUS").upper(),
                summary=_text(event, "SUMMARY")[:300],
                description=_text(event, "DESCRIPTION"),
                location=_text(event, "LOCATION")[:500],
                url=_text(event, "URL")[:500],
                start=start[0],
                end=end_dt,
                tz=start[1],
                organizer=organizer,
                attendees=attendees,
            )
        )
    return invitations


# ---------------------------------------------------------------------------------------------
# What the invitation says about the interview


# Addresses that belong to a calendar or meeting system, not to a person.
SYSTEM_ADDRESS = re.compile(
    r"(^|[.@])(no-?reply|noreply|do-?not-?reply|calendar-notification|notifications?)[@.]"
    r"|@(resource\.calendar\.google\.com|group\.calendar\.google\.com|zoom\.us)$",
    re.IGNORECASE,
)
FREE_MAIL = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "zoho.com",
    "gmx.com",
    "yandex.com",
    "mail.com",
}
SECOND_LEVEL = {"co", "com", "ac", "or", "org", "net", "gov", "go", "ne", "edu"}


def people(invitation: Invitation, own_emails: set[str]) -> tuple[list[Person], Person | None]:
    """(interviewers, recruiter): attendees other than you, the organizer, rooms and systems;
    the organizer as the recruiter unless it is you or a system address."""
    own = {e.lower() for e in own_emails if e}
    organizer = invitation.organizer
    if organizer is not None and (
        organizer.email.lower() in own or SYSTEM_ADDRESS.search(organizer.email or "")
    ):
        organizer = None
    interviewers = []
    seen = set(own)
    if organizer is not None and organizer.email:
        seen.add(organizer.email.lower())
    for person in invitation.attendees:
        key = person.email.lower()
        if not key or key in seen:
            continue
        if person.cutype in ("ROOM", "RESOURCE", "GROUP") or person.role == "NON-PARTICIPANT":
            continue
        if SYSTEM_ADDRESS.search(person.email):
            continue
        seen.add(key)
        interviewers.append(person)
    return interviewers, organizer


def company_from_domain(email: str) -> str:
    """'grace@talent.acme.co.ke' → 'Acme'; free mail and systems → ''."""
    if "@" not in email or SYSTEM_ADDRESS.search(email):
        return ""
    domain = email.rsplit("@", 1)[1].lower()
    if domain in FREE_MAIL:
        return ""
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-2] in SECOND_LEVEL:
        name = labels[-3]
    elif len(labels) >= 2:
        name = labels[-2]
    else:
        return ""
    return name.replace("-", " ").title()


_SEP = r"\s*(?:[|:–—]|\s-\s|\s-|-\s)\s*"
_SUMMARY_PATTERNS = [
    # "Interview: Sales Executive at Acme", "Sales Executive interview at Acme"
    re.compile(
        r"^(?:interview\s*[:\-–—]\s*)?(?P<role>.+?)(?:\s+interview)?\s+(?:at|@)\s+(?P<company>.+)$",
        re.I,
    ),
    # "Interview with Acme for Sales Executive", "Acme interview for Sales Executive"
    re.compile(
        r"^(?:interview\s+with\s+)?(?P<company>.+?)(?:\s+interview)?\s+for\s+(?:the\s+)?(?P<role>.+?)(?:\s+(?:role|position))?$",
        re.I,
    ),
    # "Sales Executive interview - Acme"
    re.compile(rf"^(?P<role>.+?)\s+interview{_SEP}(?P<company>.+)$", re.I),
    # "Acme – Sales Executive interview", "Acme | Sales Executive"
    re.compile(rf"^(?P<company>.+?){_SEP}(?P<role>.+?)(?:\s+interview)?$", re.I),
]
_NOISE = re.compile(
    r"\b(?:first|second|third|final|1st|2nd|3rd|phone|video|onsite|on-site|panel|technical|hr)?"
    r"\s*(?:round|screen(?:ing)?|interview|call)\b",
    re.I,
)


def _tidy(value: str) -> str:
    value = re.sub(r"\([^)]*\)", "", value)
    value = re.sub(
        r"^\s*(?:(?:updated\s+)?invitation(?:\s+updated)?|updated|cancell?ed(?:\s+event)?|"
        r"accepted|declined|tentative)\s*:\s*",
        "",
        value,
        flags=re.I,
    )
    return value.strip(" -–—:|,.").strip()


def company_and_role(invitation: Invitation) -> tuple[str, str]:
    """What the title says: ('Acme', 'Sales Executive'), either may be ''."""
    summary = _tidy(invitation.summary)
    summary = re.sub(r"@\s*\w{3} \w{3} \d.*$", "", summary).strip()  # Google: "... @ Tue Dec 9"
    people = ([invitation.organizer] if invitation.organizer else []) + list(invitation.attendees)
    domains = {_squash(company_from_domain(p.email)) for p in people if p.email} - {""}
    for pattern in _SUMMARY_PATTERNS:
        match = pattern.match(summary)
        if match:
            company = _tidy(_NOISE.sub("", match.group("company")))
            role = _tidy(_NOISE.sub("", match.group("role")))
            if company and role:
                # "Finance Analyst - Baobab Capital": the side that is the mail domain is the company.
                if _squash(role) in domains and _squash(company) not in domains:
                    company, role = role, company
                return company, role
    return "", ""


def _squash(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def meeting_format(invitation: Invitation) -> str:
    """video, phone or onsite."""
    haystack = " ".join((invitation.location, invitation.url, invitation.description)).lower()
    if re.search(
        r"zoom\.us|meet\.google\.com|teams\.microsoft\.com|webex\.com|whereby\.com", haystack
    ):
        return "video"
    if re.search(r"\b(phone|call)\b", invitation.summary.lower()):
        return "phone"
    location = invitation.location.strip()
    if location and not re.match(r"^[a-z]+://", location, re.I):
        return "onsite"
    return "video"
