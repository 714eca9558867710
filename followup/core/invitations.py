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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import formataddr
from typing import Any
from zoneinfo import ZoneInfo

from followup.core.errors import InvalidInput
from followup.lib.vocabulary import UnknownZone, zone

# Caps on what one invitation file may hold: an invitation is one interview (or a few rounds);
# a file over them is refused in one line instead of taking minutes and thousands of rows.
MAX_BYTES = 1_000_000
MAX_EVENTS = 50
MAX_ATTENDEES = 100
MAX_TIMEZONES = 20
# Occurrences of a VTIMEZONE rule walked to find the offset at an event's time: Outlook's
# yearly rules from 1601 need about 850; a rule repeating every second from 1601 (593 bytes that
# hung every parser relying on dateutil's unbounded expansion) is refused.
MAX_RULE_STEPS = 10_000


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
        """'Name <email>' as services.InterviewInput takes it; a name with a comma, a colon or
        an @ is quoted, so it is never read as a second address."""
        return formataddr((self.name, self.email)) if self.email else self.name


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


# ---------------------------------------------------------------------------------------------
# VTIMEZONE blocks, read by us with a bounded walk (icalendar would expand their rules without
# bound when the event's time is read)

_FOLD = re.compile(rb"\r?\n[ \t]")
_VTIMEZONE = re.compile(rb"^BEGIN:VTIMEZONE\r?$.*?^END:VTIMEZONE\r?$\n?", re.S | re.I | re.M)
_OFFSET = re.compile(r"^([+-])(\d{2})(\d{2})(\d{2})?$")


def _offset(text: str) -> timedelta:
    match = _OFFSET.match(text.strip())
    if not match:
        raise UnreadableInvitation(f"a time zone has an offset that cannot be read: {text!r}")
    sign, hours, minutes, seconds = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    if delta >= timedelta(hours=24):
        raise UnreadableInvitation(f"a time zone has an offset that cannot be read: {text!r}")
    return -delta if sign == "-" else delta


def _wall_time(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip()[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        raise UnreadableInvitation(
            f"a time zone has a start that cannot be read: {text!r}"
        ) from None


@dataclass
class _Observance:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE: from its onsets on, TZOFFSETTO applies."""

    start: datetime
    offset: timedelta
    rule: str = ""
    dates: list[datetime] = field(default_factory=list)

    def last_onset(self, wall: datetime) -> datetime | None:
        """The latest onset at or before `wall` (local time), walking at most MAX_RULE_STEPS."""
        from dateutil.rrule import rrulestr

        onsets = [d for d in [self.start, *self.dates] if d <= wall]
        if self.rule:
            # dateutil refuses UNTIL in UTC beside a floating DTSTART; the day is what counts.
            rule = re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", self.rule, flags=re.I)
            try:
                occurrences = rrulestr(rule, dtstart=self.start)
            except (ValueError, TypeError, KeyError):
                raise UnreadableInvitation("a time zone rule cannot be read") from None
            for step, onset in enumerate(occurrences):
                if step >= MAX_RULE_STEPS:
                    raise UnreadableInvitation(
                        "a time zone rule in the invitation repeats too often to be read"
                    )
                if onset > wall:
                    break
                onsets.append(onset)
        return max(onsets) if onsets else None


def _custom_zones(data: bytes) -> tuple[bytes, dict[str, list[_Observance]]]:
    """The file without its VTIMEZONE blocks, and the blocks' observances by TZID."""
    zones: dict[str, list[_Observance]] = {}
    blocks = _VTIMEZONE.findall(data)
    if len(blocks) > MAX_TIMEZONES:
        raise UnreadableInvitation(f"holds more than {MAX_TIMEZONES} time zones: not an invitation")
    for block in blocks:
        tzid = ""
        observances: list[_Observance] = []
        current: dict[str, str] | None = None
        for raw_line in block.decode("utf-8", "replace").splitlines():
            name, _, value = raw_line.partition(":")
            key = name.split(";", 1)[0].strip().upper()
            if key == "BEGIN" and value.strip().upper() in ("STANDARD", "DAYLIGHT"):
                current = {}
            elif key == "END" and value.strip().upper() in ("STANDARD", "DAYLIGHT"):
                if current is not None and "DTSTART" in current and "TZOFFSETTO" in current:
                    dates = [
                        _wall_time(d) for d in current.get("RDATE", "").split(",") if d.strip()
                    ]
                    observances.append(
                        _Observance(
                            _wall_time(current["DTSTART"]),
                            _offset(current["TZOFFSETTO"]),
                            current.get("RRULE", ""),
                            dates,
                        )
                    )
                current = None
            elif current is not None:
                current[key] = value
            elif key == "TZID":
                tzid = value.strip()
        if tzid and observances:
            zones[tzid] = observances
    return _VTIMEZONE.sub(b"", data), zones


def _offset_at(observances: list[_Observance], wall: datetime) -> timedelta:
    best: tuple[datetime, timedelta] | None = None
    for observance in observances:
        onset = observance.last_onset(wall)
        if onset is not None and (best is None or onset > best[0]):
            best = (onset, observance.offset)
    if best is None:  # before every onset: the earliest observance's offset
        return min(observances, key=lambda o: o.start).offset
    return best[1]


def _prop(component: Any, name: str) -> Any:
    """A property that should appear once; some files repeat it (the first one counts)."""
    value = component.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _moment(
    component: Any, name: str, fallback_tz: str, zones: dict[str, list[_Observance]]
) -> tuple[datetime, str] | None:
    """(aware datetime, IANA zone to show it in) for DTSTART/DTEND."""
    prop = _prop(component, name)
    if prop is None:
        return None
    try:
        value = prop.dt
    except (ValueError, AttributeError) as exc:  # icalendar's BrokenCalendarProperty
        raise UnreadableInvitation(f"the event's {name} cannot be read ({exc})") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        raise UnreadableInvitation("the invitation is an all-day event: it has no time of day")
    if not isinstance(value, datetime):
        raise UnreadableInvitation(f"the event's {name} is not a date and time")
    tzid = str(prop.params.get("TZID", "") or "").strip().strip('"')
    if value.tzinfo is not None:
        if tzid and (named := iana_name(tzid)):
            return value.replace(tzinfo=zone(named)), named
        return value.astimezone(UTC), fallback_tz
    if tzid:
        named = iana_name(tzid)
        if named:
            # Same wall time in the real zone: its rules are better than a copied VTIMEZONE.
            return value.replace(tzinfo=zone(named)), named
        if tzid in zones:
            # A custom VTIMEZONE: its offset at that wall time gives the instant; shown in the
            # default zone.
            offset = _offset_at(zones[tzid], value)
            return value.replace(tzinfo=timezone(offset)).astimezone(UTC), fallback_tz
    # Floating: no zone at all, or one we cannot name.
    return value.replace(tzinfo=zone(fallback_tz)), fallback_tz


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
    data, zones = _custom_zones(_FOLD.sub(b"", data))
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        raise UnreadableInvitation(f"cannot be read as iCalendar: {exc}") from None
    method = _text(calendar, "METHOD").upper() or "PUBLISH"
    calendar_tz = iana_name(_text(calendar, "X-WR-TIMEZONE")) or default_tz
    invitations = []
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise UnreadableInvitation("holds no event (VEVENT)")
    if len(events) > MAX_EVENTS:
        raise UnreadableInvitation(
            f"holds {len(events)} events, more than the {MAX_EVENTS} an invitation may hold"
        )
    masters = {str(e.get("UID", "")) for e in events if e.get("RECURRENCE-ID") is None}
    for event in events:
        uid = _text(event, "UID")
        if not uid:
            raise UnreadableInvitation("an event has no UID")
        if event.get("RECURRENCE-ID") is not None and uid in masters:
            continue  # an override of a series we already take
        start = _moment(event, "DTSTART", calendar_tz, zones)
        if start is None:
            raise UnreadableInvitation("an event has no start time (DTSTART)")
        end = _moment(event, "DTEND", calendar_tz, zones)
        if end is None:
            duration = _prop(event, "DURATION")
            try:
                length = duration.dt if duration is not None else timedelta(hours=1)
            except (ValueError, AttributeError) as exc:
                raise UnreadableInvitation(f"the event's DURATION cannot be read ({exc})") from None
            if not isinstance(length, timedelta):
                raise UnreadableInvitation("the event's DURATION is not a length of time")
            end_dt = start[0] + length
        else:
            end_dt = end[0]
        if end_dt < start[0]:
            raise UnreadableInvitation("the event ends before it starts (DTEND before DTSTART)")
        if end_dt == start[0]:
            end_dt = start[0] + timedelta(hours=1)  # no length given: an hour, as calendars show
        try:
            sequence = max(0, min(int(str(_prop(event, "SEQUENCE") or 0)), 2**31 - 1))
        except ValueError:
            sequence = 0
        organizer = _person(_prop(event, "ORGANIZER")) if event.get("ORGANIZER") else None
        raw_attendees = event.get("ATTENDEE") or []
        if not isinstance(raw_attendees, list):
            raw_attendees = [raw_attendees]
        if len(raw_attendees) > MAX_ATTENDEES:
            raise UnreadableInvitation(
                f"an event has {len(raw_attendees)} attendees, more than the {MAX_ATTENDEES} "
                "an interview may have"
            )
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
