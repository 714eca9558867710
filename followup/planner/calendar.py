"""Business days, public holidays and local times: the calendar the planner counts in.

Weekends are Saturday and Sunday everywhere (the product's rule, whatever a country's
own weekend is); holidays come from the `holidays` library for a country and optional
subdivision, in English where the library has an English translation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from holidays import registry

# Zones and day names are shared with every other surface (re-exported: planner callers use them).
from followup.lib.vocabulary import UnknownZone, describe_day, describe_time, zone

__all__ = [
    "BusinessCalendar",
    "add_months",
    "UnknownCountry",
    "UnknownSubdivision",
    "UnknownZone",
    "country_name",
    "describe_day",
    "describe_time",
    "local_datetime",
    "ordinal",
    "validate_country",
    "zone",
]

SATURDAY = 5

# No country has more than a few consecutive non-business days; a long walk means a bug
# in the holiday data, and failing loudly beats looping forever.
_MAX_CONSECUTIVE_DAYS_OFF = 60


class UnknownCountry(ValueError):
    """A country code the `holidays` library has no calendar for."""


class UnknownSubdivision(UnknownCountry):
    """A subdivision (state, nation, province) the country's calendar does not have."""


def local_datetime(d: date, t: time, tz: str) -> datetime:
    """The aware datetime for wall-clock `t` on `d` in zone `tz`.

    A wall time that does not exist (skipped by a daylight-saving jump) is moved forward
    by the length of the jump, e.g. 02:30 on a spring-forward night becomes 03:30. A time
    that happens twice (fall back) is the first of the two.
    """
    tzinfo = zone(tz)
    naive = datetime.combine(d, t.replace(tzinfo=None))
    candidate = naive.replace(tzinfo=tzinfo, fold=0)
    # A round trip through UTC normalises a nonexistent time to the real instant that
    # zoneinfo assigned it (offset from before the jump), which reads as the later time.
    return candidate.astimezone(ZoneInfo("UTC")).astimezone(tzinfo)


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    first_of_following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(d.day, (first_of_following - timedelta(days=1)).day))


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    """The codes the `holidays` library has a calendar for, read from its registry: asking it
    for its supported countries imports all 250 country modules (0.08–0.15 s of
    benchmarks/bench_mail.py's first scan, paid by the first plan of every process)."""
    codes: set[str] = set()
    for entry in registry.COUNTRIES.values():
        codes.update(code for code in entry[1:] if isinstance(code, str) and code.isupper())
    return frozenset(codes)


def _subdivisions(country: str) -> tuple[str, ...]:
    """A country's subdivision codes: only that country's module is imported."""
    return tuple(holidays.country_holidays(country).subdivisions)


def validate_country(code: str) -> str:
    """The code upper-cased if the `holidays` library has a calendar for it, else UnknownCountry."""
    normalised = (code or "").strip().upper()
    if not normalised:
        raise UnknownCountry("country is empty; use an ISO 3166 code such as 'KE' or 'US'")
    if normalised not in _country_codes():
        raise UnknownCountry(
            f"unknown country {code!r}: no public-holiday calendar for it; "
            "use an ISO 3166 code such as 'KE', 'US' or 'GB'"
        )
    return normalised


# Names the English language puts "the" in front of.
_NAMES_WITH_ARTICLE = re.compile(r"United|Republic|Islands|Kingdom|Emirates|States|Federation")
_CODES_WITH_ARTICLE = frozenset({"NL", "NLD", "PH", "PHL", "BS", "BHS", "GM", "GMB", "MV", "MDV"})


@lru_cache(maxsize=256)
def country_name(code: str) -> str:
    """'Kenya', 'the United States': the English name for a reason sentence."""
    normalised = code.strip().upper()
    for class_name, *codes in registry.COUNTRIES.values():
        if normalised in codes:
            words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
            words = re.sub(r"\b(And|Of|The)\b", lambda m: m.group(0).lower(), words)
            if _NAMES_WITH_ARTICLE.search(words) or normalised in _CODES_WITH_ARTICLE:
                return f"the {words}"
            return words
    return normalised


@lru_cache(maxsize=256)
def _english_language(country: str) -> str | None:
    holiday_class = type(holidays.country_holidays(country, years=()))
    default = getattr(holiday_class, "default_language", None)
    supported: tuple[str, ...] = tuple(getattr(holiday_class, "supported_languages", ()) or ())
    if default is None or str(default).startswith("en"):
        return None  # already English (or untranslated): the default is what we want
    for language in ("en_US", "en_GB"):
        if language in supported:
            return language
    return None


@lru_cache(maxsize=1024)
def _holidays_in_year(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """Holiday date → English name for one year. Cached: calendars are built per plan."""
    table = holidays.country_holidays(
        country, subdiv=subdivision, years=year, language=_english_language(country)
    )
    # The library files an observed day under the year it falls in (e.g. the US observes
    # New Year 2022 on Fri 31 Dec 2021 in 2021's list), so filtering by year is exact.
    by_day = {day: str(name) for day, name in table.items() if day.year == year}
    return MappingProxyType(by_day)


def _validate_subdivision(country: str, subdivision: str | None) -> str | None:
    if subdivision is None or not subdivision.strip():
        return None
    known = _subdivisions(country)
    for candidate in (subdivision.strip(), subdivision.strip().upper()):
        if candidate in known:
            return candidate
    raise UnknownSubdivision(
        f"unknown subdivision {subdivision!r} for {country}; known: {', '.join(known) or 'none'}"
    )


class BusinessCalendar:
    """Monday–Friday minus the public holidays of a country (and subdivision)."""

    def __init__(self, country: str, subdivision: str | None = None) -> None:
        self.country = validate_country(country)
        self.subdivision = _validate_subdivision(self.country, subdivision)

    def __repr__(self) -> str:
        sub = f", {self.subdivision!r}" if self.subdivision else ""
        return f"BusinessCalendar({self.country!r}{sub})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return (self.country, self.subdivision) == (other.country, other.subdivision)

    def __hash__(self) -> int:
        return hash((self.country, self.subdivision))

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def holiday_name(self, d: date) -> str | None:
        """The public holiday on `d` ("Jamhuri Day"), or None."""
        return _holidays_in_year(self.country, self.subdivision, d.year).get(d)

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < SATURDAY and self.holiday_name(d) is None

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after `d`."""
        candidate = d
        for _ in range(_MAX_CONSECUTIVE_DAYS_OFF):
            candidate += timedelta(days=1)
            if self.is_business_day(candidate):
                return candidate
        raise RuntimeError(f"no business day within {_MAX_CONSECUTIVE_DAYS_OFF} days of {d}")

    def business_day_on_or_after(self, d: date) -> date:
        """`d` itself if it is a business day, else the next one."""
        return d if self.is_business_day(d) else self.next_business_day(d)

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day strictly after `d` (n ≥ 1): Fri + 1 is the next Monday."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        day = d
        for _ in range(n):
            day = self.next_business_day(day)
        return day

    nth_business_day_after = add_business_days

    def last_business_day_of_month(self, d: date) -> date:
        """The last business day of `d`'s month (may be before `d`)."""
        first_of_next = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        candidate = first_of_next - timedelta(days=1)
        for _ in range(_MAX_CONSECUTIVE_DAYS_OFF):
            if self.is_business_day(candidate):
                return candidate
            candidate -= timedelta(days=1)
        raise RuntimeError(f"no business day at the end of {d:%Y-%m}")

    def holidays_on_or_after(self, start: date, days: int) -> list[tuple[date, str]]:
        """Every public holiday (weekends included) in [start, start + days), by date."""
        end = start + timedelta(days=days)
        found: list[tuple[date, str]] = []
        for year in range(start.year, end.year + 1):
            for day, name in _holidays_in_year(self.country, self.subdivision, year).items():
                if start <= day < end:
                    found.append((day, name))
        return sorted(found)

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Weekday holidays in [start, end): the ones that pushed a date along."""
        found: list[tuple[date, str]] = []
        day = start
        while day < end:
            name = self.holiday_name(day)
            if name is not None and day.weekday() < SATURDAY:
                found.append((day, name))
            day += timedelta(days=1)
        return found
