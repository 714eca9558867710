"""Turn what an interviewer (or the candidate) said into a date: "we'll get back to you by Friday".

A small rule layer of regular expressions implements the promised-phrase table of the
planner's spec, most specific rule first; `dateparser` only reads the explicit dates the
rules have already located, because on whole sentences it reads "May I…" or "We will…"
as dates and knows nothing of business days.

D is the interview's local date; every rule resolves relative to it. Filler around the
phrase ("you should hear from us", "we will revert") is ignored because rules search.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

from followup.lib.vocabulary import WEEKDAYS

from .calendar import BusinessCalendar, add_months, describe_day, ordinal

__all__ = ["Resolution", "resolve_phrase"]

NO_DATE_PROMISED = "no date was promised"


@dataclass(frozen=True)
class Resolution:
    """What a phrase resolved to. `matched` is the part of the text a rule recognised."""

    date: date | None
    matched: str | None
    understood: bool
    explanation: str


_NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
# Longest alternatives first so "a couple of" wins over "a", "seventeen" over "seven".
_NUMBER = (
    r"(?:\d{1,3}|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|an?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
# "2-3 weeks", "two or three days", "one to two weeks": the promise is the upper bound.
_AMOUNT = rf"(?P<n>{_NUMBER})(?:\s*(?:-|–|to|or)\s*(?P<upper>{_NUMBER}))?"
# "within", "in", "in the next", "over the next", "after": kept in the matched text.
_WITHIN = r"(?:(?:within|in\s+the\s+next|over\s+the\s+next|in|after)\s+)?"

_WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_WEEKDAY = "(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL = r"(?:st|nd|rd|th)?"


def _amount(word: str | None) -> int:
    """The number a word or digits stand for; 'a'/'an' = 1, 'couple' = 2, 'few' = 3."""
    if word is None:
        return 0
    text = " ".join(word.lower().split())
    if text.isdigit():
        return int(text)
    if "couple" in text:
        return 2
    if "few" in text:
        return 3
    if text in ("a", "an"):
        return 1
    return _NUMBER_WORDS[text]


def _amount_of(match: re.Match[str]) -> int:
    """The amount a match names, taking the upper bound of a range ("a week or two")."""
    groups = match.groupdict()
    return max(_amount(groups.get("n")), _amount(groups.get("upper")), _amount(groups.get("or")))


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _monday_of_next_week(d: date) -> date:
    return d + timedelta(days=7 - d.weekday())


# --- rule handlers: (match, D, calendar) -> (P, how P was found) or None to give up ---

# (P, how P was found), optionally with the words that named it when the pattern took more.
_Found = tuple[date, str] | tuple[date, str, str] | None
_Handler = Callable[[re.Match[str], date, BusinessCalendar], _Found]


@lru_cache(maxsize=4096)
def _dateparser_date(candidate: str, base: date) -> date | None:
    parsed = dateparser.parse(
        candidate,
        languages=["en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    return parsed.date() if parsed is not None else None


def _next_occurrence(month: int, day: int, d: date) -> date | None:
    """The first (month, day) on or after d; 29 Feb waits for a leap year."""
    for year in range(d.year, d.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= d:
            return candidate
    return None


class _NotADate(Exception):
    """An explicit date that cannot be used: impossible, or before the interview."""


def _explicit_date(match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    candidate = " ".join(match.group("date").split())
    parsed = _dateparser_date(candidate, d)
    if parsed is None:
        return None  # "31 February" or a time such as "10.30": let the other rules try
    if match.groupdict().get("year"):
        if parsed < d:
            raise _NotADate(
                f"'{candidate}' is {describe_day(parsed)} {parsed.year}, "
                f"before the interview on {describe_day(d)} {d.year}"
            )
        return parsed, "the date given"
    upcoming = _next_occurrence(parsed.month, parsed.day, d)
    if upcoming is None:
        return None
    return upcoming, "the next such date on or after the interview"


def _day_of_month(match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    day = int(match.group("day"))
    for months_ahead in range(0, 4):
        month_start = add_months(d.replace(day=1), months_ahead)
        try:
            candidate = month_start.replace(day=day)
        except ValueError:
            continue
        if candidate >= d:
            return candidate, f"the next {ordinal(day)} on or after the interview"
    return None


def _tomorrow(_match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    return d + timedelta(days=1), "the day after the interview"


def _day_after_tomorrow(_match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    return d + timedelta(days=2), "two days after the interview"


def _early_next_week(_match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    return _monday_of_next_week(d) + timedelta(days=1), "the Tuesday of the next week"


def _next_week(_match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    return _monday_of_next_week(d) + timedelta(days=4), "the Friday of the next week"


def _this_week(_match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    if d.weekday() >= 4:
        return d, "the interview's own week, which ends that day or has ended"
    return d + timedelta(days=4 - d.weekday()), "the Friday of the interview's week"


def _end_of_month(_match: re.Match[str], d: date, cal: BusinessCalendar) -> _Found:
    return cal.last_business_day_of_month(d), "the last business day of the month"


def _end_of_next_month(_match: re.Match[str], d: date, cal: BusinessCalendar) -> _Found:
    next_month = add_months(d.replace(day=1), 1)
    return cal.last_business_day_of_month(next_month), "the last business day of next month"


def _business_days(match: re.Match[str], d: date, cal: BusinessCalendar) -> _Found:
    n = _amount_of(match)
    if n < 1:
        return None
    return cal.add_business_days(d, n), f"{_plural(n, 'business day')} after the interview"


def _couple_of_days(match: re.Match[str], d: date, cal: BusinessCalendar) -> _Found:
    n = 3 if "few" in match.group(0).lower() else 2
    return cal.add_business_days(d, n), f"{n} business days after the interview"


def _days(match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    n = _amount_of(match)
    if n < 1:
        return None
    return d + timedelta(days=n), f"{_plural(n, 'day')} after the interview"


def _weeks(match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    n = _amount_of(match)
    if n < 1:
        return None
    return d + timedelta(weeks=n), f"{_plural(n, 'week')} after the interview"


def _fortnight(_match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    return d + timedelta(weeks=2), "2 weeks after the interview"


def _months(match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    n = _amount_of(match)
    if n < 1:
        return None
    return add_months(d, n), f"{_plural(n, 'month')} after the interview"


def _weekday(match: re.Match[str], d: date, _cal: BusinessCalendar) -> _Found:
    target = _WEEKDAYS[match.group("weekday").lower()]
    name = WEEKDAYS[target]
    if re.search(r"\bnext\b", match.group(0), re.IGNORECASE):
        # "next Friday" said on a Wednesday is the Friday of next week, not this one.
        return _monday_of_next_week(d) + timedelta(days=target), f"the {name} of the next week"
    days_ahead = (target - d.weekday() - 1) % 7 + 1  # strictly after D: Fri on a Fri is +7
    return d + timedelta(days=days_ahead), f"the first {name} after the interview"


def _holiday_names(cal: BusinessCalendar, d: date) -> list[tuple[str, date, str]]:
    """(what people call it, its date, its name) for the country's holidays of the next year
    after D, longest spelling first: "christmas day" and "christmas" both name 25 December."""
    found: list[tuple[str, date, str]] = []
    for day, name in cal.holidays_on_or_after(d, days=366):
        plain = re.sub(r"\s*\((?:observed|estimated)\)", "", name, flags=re.IGNORECASE).strip()
        lower = plain.lower().replace("’", "'")
        for spelling in {lower, re.sub(r"\s+day$", "", lower), re.sub(r"'s(\s+day)?$", "", lower)}:
            if len(spelling) >= 3:
                found.append((spelling, day, plain))
    return sorted(found, key=lambda item: (-len(item[0]), item[1]))


def _around_holiday(match: re.Match[str], d: date, cal: BusinessCalendar) -> _Found:
    """ "before Christmas": the last business day before it; "after Madaraka Day": the first
    business day after it. The holiday is the next one of that name on or after D."""
    rel = match.group("rel")
    said = " ".join(match.group("rest").replace("’", "'").split())
    article = re.match(r"the\s+", said, re.IGNORECASE)
    words = said[article.end() :] if article else said
    for spelling, day, name in _holiday_names(cal, d):
        if words.lower().startswith(spelling) and not words[len(spelling) :][:1].isalpha():
            named = f"{rel} {(article.group(0) if article else '')}{words[: len(spelling)]}"
            if rel.lower() == "after":
                return cal.next_business_day(day), f"the first business day after {name}", named
            before = day - timedelta(days=1)
            while before > d and not cal.is_business_day(before):
                before -= timedelta(days=1)
            if before <= d:
                return None
            return before, f"the last business day before {name}", named
    return None


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Most specific first: the first rule that matches anywhere in the text decides.
_RULES: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    # Explicit dates: ISO, day-month, month-day, numeric day/month.
    (_rule(r"\b(?P<date>(?P<year>\d{4})-\d{1,2}-\d{1,2})\b"), _explicit_date),
    (
        _rule(
            rf"\b(?P<date>\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+(?P<year>\d{{4}}))?)\b"
        ),
        _explicit_date,
    ),
    (
        _rule(rf"\b(?P<date>{_MONTH}\.?\s+\d{{1,2}}{_ORDINAL}(?:,?\s+(?P<year>\d{{4}}))?)\b(?!:)"),
        _explicit_date,
    ),
    (
        _rule(
            r"(?<![\d/.])(?P<date>\d{1,2}[/.]\d{1,2}(?:[/.](?P<year>\d{2}|\d{4}))?)(?![\d/.])"
            r"(?!\s*(?:business|working|days?|weeks?|months?)\b)"
        ),
        _explicit_date,
    ),
    (
        _rule(r"\b(?:by|on|before|until|till)\s+the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b"),
        _day_of_month,
    ),
    # A public holiday by name: "before Christmas", "after Madaraka Day".
    (_rule(r"\b(?P<rel>before|after)\s+(?P<rest>[^\n,.;!?]{3,60})"), _around_holiday),
    # Days and weeks by name.
    (_rule(r"\b(?:the\s+)?day\s+after\s+tomorrow\b"), _day_after_tomorrow),
    (_rule(r"\btomorrow\b"), _tomorrow),
    (_rule(r"\b(?:early|beginning\s+of|start\s+of)\s+(?:the\s+)?next\s+week\b"), _early_next_week),
    (_rule(r"\b(?:(?:the\s+)?end\s+of\s+)?(?:next|the\s+following)\s+week\b"), _next_week),
    (
        _rule(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|this\s+week)\b"),
        _this_week,
    ),
    (_rule(r"\b(?:the\s+)?end\s+of\s+next\s+month\b"), _end_of_next_month),
    (
        _rule(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|month[-\s]end)\b"),
        _end_of_month,
    ),
    # Counted spans: business days before calendar days, "couple/few days" before "N days".
    (_rule(rf"\b{_WITHIN}{_AMOUNT}\s+(?:business|working|work)\s+days?\b"), _business_days),
    (
        _rule(rf"\b{_WITHIN}(?:a\s+)?(?:couple|few)\s+(?:of\s+)?days\b|\ba\s+day\s+or\s+two\b"),
        _couple_of_days,
    ),
    (_rule(rf"\b{_WITHIN}{_AMOUNT}\s+(?:calendar\s+)?days?\b"), _days),
    (_rule(rf"\b{_WITHIN}{_AMOUNT}\s+weeks?(?:\s+or\s+(?P<or>{_NUMBER}))?\b"), _weeks),
    (_rule(r"\b(?:within\s+|in\s+)?(?:a|one)\s+fortnight\b"), _fortnight),
    (_rule(rf"\b{_WITHIN}{_AMOUNT}\s+months?(?:\s+or\s+(?P<or>{_NUMBER}))?\b"), _months),
    # A weekday last: "Friday 19 December" is the explicit date above.
    (
        _rule(rf"\b(?:(?:by|on|before|until|till|this|next|coming|the)\s+)*{_WEEKDAY}\b(?!-)"),
        _weekday,
    ),
)


def resolve_phrase(text: str, d: date, cal: BusinessCalendar) -> Resolution:
    """Resolve a promised-response phrase (or a commitment) said on local date `d`.

    "by Friday" → the first Friday after d; "in two weeks" → d + 14 days; "whenever" →
    not understood (date None). The explanation is a phrase a person reads.
    """
    if not text or not text.strip():
        return Resolution(date=None, matched=None, understood=False, explanation=NO_DATE_PROMISED)
    for pattern, handler in _RULES:
        match = pattern.search(text)
        if match is None:
            continue
        matched = " ".join(match.group(0).split())
        try:
            found = handler(match, d, cal)
        except _NotADate as problem:
            return Resolution(
                date=None,
                matched=matched,
                understood=False,
                explanation=f"{problem}, so it was not used as a date",
            )
        if found is None:
            continue
        promised, how = found[0], found[1]
        if len(found) == 3:
            matched = found[2]
        return Resolution(
            date=promised,
            matched=matched,
            understood=True,
            explanation=f"'{matched}' is {how}: {describe_day(promised)}",
        )
    shown = " ".join(text.split())
    return Resolution(
        date=None,
        matched=None,
        understood=False,
        explanation=f"'{shown}' was not understood as a date",
    )
