"""Every row of the promised-phrase table, with D the interview's local date."""

import dataclasses
from datetime import date, timedelta

import pytest

from followup.planner import BusinessCalendar, Resolution, resolve_phrase

KENYA = BusinessCalendar("KE")
USA = BusinessCalendar("US")
TUE_9_DEC = date(2025, 12, 9)  # D for most tests; Fri 12 Dec is Jamhuri Day in Kenya


def resolved(text, d=TUE_9_DEC, cal=KENYA):
    return resolve_phrase(text, d, cal).date


# --- "by Friday", "on Friday", "Friday" (any weekday): the first such weekday after D ---


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [
        ("Monday", date(2025, 12, 15)),
        ("Tuesday", date(2025, 12, 16)),  # D is a Tuesday: strictly after, so next week's
        ("Wednesday", date(2025, 12, 10)),
        ("Thursday", date(2025, 12, 11)),
        ("Friday", date(2025, 12, 12)),
        ("Saturday", date(2025, 12, 13)),
        ("Sunday", date(2025, 12, 14)),
    ],
)
def test_a_weekday_is_the_first_such_day_after_the_interview(weekday, expected):
    assert resolved(f"by {weekday}") == expected
    assert resolved(f"on {weekday}") == expected
    assert resolved(weekday) == expected


@pytest.mark.parametrize("text", ["by Fri", "this Friday", "on Friday", "FRIDAY", "by friday"])
def test_weekday_spellings_and_case_all_mean_the_first_friday_after(text):
    assert resolved(text) == date(2025, 12, 12)


WED_10_DEC = date(2025, 12, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next Friday", date(2025, 12, 19)),  # not this week's Friday, the 12th
        ("by next Friday", date(2025, 12, 19)),
        ("next Monday", date(2025, 12, 15)),
        ("next Wednesday", date(2025, 12, 17)),  # said on a Wednesday: a week later
        ("this Friday", date(2025, 12, 12)),
        ("by Friday", date(2025, 12, 12)),
        ("on Friday", date(2025, 12, 12)),
    ],
)
def test_next_friday_said_on_a_wednesday_is_the_friday_of_next_week(text, expected):
    assert resolved(text, d=WED_10_DEC) == expected


def test_next_weekday_explains_that_it_is_next_weeks():
    resolution = resolve_phrase("next Friday", WED_10_DEC, KENYA)
    assert resolution.explanation == "'next Friday' is the Friday of the next week: Fri 19 Dec"


def test_friday_said_on_a_friday_is_the_following_friday():
    assert resolved("by Friday", d=date(2025, 12, 5)) == date(2025, 12, 12)


def test_a_weekday_resolution_explains_itself():
    resolution = resolve_phrase("We'll get back to you by Friday", TUE_9_DEC, KENYA)
    assert resolution == Resolution(
        date=date(2025, 12, 12),
        matched="by Friday",
        understood=True,
        explanation="'by Friday' is the first Friday after the interview: Fri 12 Dec",
    )


# --- "tomorrow": D + 1 day ---


def test_tomorrow_is_the_next_calendar_day_even_a_saturday():
    assert resolved("tomorrow") == date(2025, 12, 10)
    assert resolved("You'll hear from us tomorrow", d=date(2025, 12, 12)) == date(2025, 12, 13)


def test_the_day_after_tomorrow_is_two_days_later():
    assert resolved("the day after tomorrow") == date(2025, 12, 11)


# --- "this week", "end of the week": Friday of D's week (D if D is Friday or later) ---


@pytest.mark.parametrize("text", ["this week", "end of the week", "by the end of this week"])
def test_this_week_is_the_friday_of_the_interviews_week(text):
    assert resolved(text) == date(2025, 12, 12)


@pytest.mark.parametrize("d", [date(2025, 12, 12), date(2025, 12, 13), date(2025, 12, 14)])
def test_this_week_said_on_friday_or_the_weekend_is_that_day(d):
    assert resolved("this week", d=d) == d
    assert resolved("end of the week", d=d) == d


# --- "next week", "end of next week": Friday of the next week ---


@pytest.mark.parametrize("text", ["next week", "end of next week", "by the end of next week"])
def test_next_week_is_the_friday_of_the_following_week(text):
    assert resolved(text) == date(2025, 12, 19)


def test_next_week_said_on_a_sunday_is_the_friday_after_the_coming_monday():
    assert resolved("next week", d=date(2025, 12, 14)) == date(2025, 12, 19)


# --- "early next week": Tuesday of the next week ---


def test_early_next_week_is_the_tuesday_of_the_following_week():
    assert resolved("We will revert early next week") == date(2025, 12, 16)
    assert resolved("early next week", d=date(2025, 12, 14)) == date(2025, 12, 16)


# --- "within N days", "in N days": D + N days ---

NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


@pytest.mark.parametrize(("n", "word"), list(enumerate(NUMBER_WORDS, start=1)))
def test_within_n_days_in_words_and_digits_is_n_calendar_days_later(n, word):
    expected = TUE_9_DEC + timedelta(days=n)
    assert resolved(f"within {word} days") == expected
    assert resolved(f"in {n} days") == expected
    assert resolved(f"IN {word.upper()} DAYS") == expected


def test_in_a_day_is_one_day():
    assert resolved("in a day") == date(2025, 12, 10)


# --- "N business days", "N working days": D + N business days ---


@pytest.mark.parametrize("text", ["2 business days", "two working days", "within 2 working days"])
def test_n_business_days_skip_the_holiday_and_the_weekend(text):
    # Thu 11 Dec: Fri 12 is Jamhuri Day, so 1 = Mon 15, 2 = Tue 16.
    assert resolved(text, d=date(2025, 12, 11)) == date(2025, 12, 16)


@pytest.mark.parametrize(("n", "word"), list(enumerate(NUMBER_WORDS[:10], start=1)))
def test_n_business_days_in_words_and_digits(n, word):
    assert resolved(f"{word} business days") == KENYA.add_business_days(TUE_9_DEC, n)
    assert resolved(f"in {n} working days") == KENYA.add_business_days(TUE_9_DEC, n)


# --- weeks: "within a week", "in a week", "within N weeks", "a couple of weeks" ---


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("within a week", 1),
        ("in a week", 1),
        ("within 2 weeks", 2),
        ("within two weeks", 2),
        ("You should hear from us in three weeks", 3),
        ("a couple of weeks", 2),
        ("in a couple of weeks", 2),
        ("couple weeks", 2),
        ("within twenty weeks", 20),
        ("4 weeks", 4),
    ],
)
def test_weeks_are_seven_days_each(text, weeks):
    assert resolved(text) == TUE_9_DEC + timedelta(days=7 * weeks)


@pytest.mark.parametrize(
    ("text", "days"), [("a week or two", 14), ("2-3 weeks", 21), ("one to two weeks", 14)]
)
def test_a_range_of_weeks_waits_for_its_upper_bound(text, days):
    assert resolved(text) == TUE_9_DEC + timedelta(days=days)


# --- "a couple of days" / "a few days": D + 2 / D + 3 business days ---


def test_a_couple_of_days_is_two_business_days():
    assert resolved("a couple of days") == date(2025, 12, 11)
    assert resolved("in a couple of days", d=date(2025, 12, 11)) == date(2025, 12, 16)


def test_a_few_days_is_three_business_days():
    assert resolved("a few days") == date(2025, 12, 15)  # Wed, Thu, (Jamhuri Day), Mon
    assert resolved("within a few days", d=date(2025, 12, 11)) == date(2025, 12, 17)


# --- "end of the month": the last business day of D's month ---


def test_end_of_the_month_is_the_last_business_day_of_the_month():
    assert resolved("by the end of the month") == date(2025, 12, 31)
    assert resolved("end of the month", d=date(2026, 5, 4)) == date(2026, 5, 29)  # 30, 31 weekend


def test_end_of_the_month_skips_an_observed_holiday():
    # New Year 2028 falls on a Saturday; the US observes it on Fri 31 Dec 2027.
    assert resolved("end of the month", d=date(2027, 12, 6), cal=USA) == date(2027, 12, 30)


# --- explicit dates: "by 15 January", "on 2025-12-19", "Dec 19", "19th December" ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by 15 January", date(2026, 1, 15)),
        ("on 2025-12-19", date(2025, 12, 19)),
        ("Dec 19", date(2025, 12, 19)),
        ("19th December", date(2025, 12, 19)),
        ("we will revert on the 19th of December", date(2025, 12, 19)),
        ("by December 19th, 2025", date(2025, 12, 19)),
        ("by 19/12", date(2025, 12, 19)),
    ],
)
def test_explicit_dates_in_each_format(text, expected):
    resolution = resolve_phrase(text, TUE_9_DEC, KENYA)
    assert resolution.date == expected
    assert resolution.understood


@pytest.mark.parametrize("text", ["by 15 January", "on 2026-01-15", "Jan 15", "15th January"])
def test_every_format_reads_the_same_day(text):
    assert resolved(text) == date(2026, 1, 15)


@pytest.mark.parametrize("text", ["Dec 19", "19th December", "by 19 December", "19/12"])
def test_an_explicit_date_already_past_this_year_rolls_to_next_year(text):
    assert resolved(text, d=date(2025, 12, 20)) == date(2026, 12, 19)


def test_an_explicit_date_on_the_interview_day_is_that_day():
    assert resolved("Dec 9") == TUE_9_DEC


def test_numeric_dates_are_day_first():
    assert resolved("by 03/04/2026") == date(2026, 4, 3)


def test_the_29th_of_february_waits_for_a_leap_year():
    assert resolved("29 February", d=date(2026, 3, 1)) == date(2028, 2, 29)


def test_an_explicit_date_with_a_year_before_the_interview_is_not_used():
    resolution = resolve_phrase("on 2025-12-01", TUE_9_DEC, KENYA)
    assert resolution.date is None
    assert not resolution.understood
    assert resolution.matched == "2025-12-01"
    assert "before the interview" in resolution.explanation


def test_an_impossible_date_is_not_understood():
    assert resolve_phrase("31 February", TUE_9_DEC, KENYA).date is None


def test_a_time_of_day_is_not_read_as_a_date():
    assert resolved("at 10.30 tomorrow") == date(2025, 12, 10)


def test_an_explicit_date_beats_the_weekday_next_to_it():
    assert resolved("Friday 19 December") == date(2025, 12, 19)


# --- anything else: no date ---


@pytest.mark.parametrize(
    "text",
    [
        "whenever you like",
        "soon",
        "We'll be in touch",
        "May I ask a question?",
        "We will let you know",
        "they'll let me know",
    ],
)
def test_anything_else_is_not_understood_and_gives_no_date(text):
    resolution = resolve_phrase(text, TUE_9_DEC, KENYA)
    assert resolution.date is None
    assert resolution.matched is None
    assert not resolution.understood
    assert resolution.explanation == f"'{text}' was not understood as a date"


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_means_no_date_was_promised(text):
    assert resolve_phrase(text, TUE_9_DEC, KENYA) == Resolution(
        date=None, matched=None, understood=False, explanation="no date was promised"
    )


# --- filler and commitments ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We'll get back to you by Friday", date(2025, 12, 12)),
        ("You should hear from us within two weeks", date(2025, 12, 23)),
        ("We will revert next week", date(2025, 12, 19)),
        ("They'll let me know in 3 days", date(2025, 12, 12)),
        ("we'll get back to you by the end of the month", date(2025, 12, 31)),
    ],
)
def test_filler_around_the_phrase_is_ignored(text, expected):
    assert resolved(text) == expected


def test_a_candidates_own_commitment_resolves_the_same_way():
    assert resolved("I'll send my portfolio by Tuesday") == date(2025, 12, 16)
    assert resolved("I'll send references tomorrow") == date(2025, 12, 10)


def test_resolution_is_immutable():
    resolution = resolve_phrase("by Friday", TUE_9_DEC, KENYA)
    with pytest.raises(dataclasses.FrozenInstanceError):
        resolution.date = None  # type: ignore[misc]


# --- "before <holiday>", "after <holiday>": the country's own holiday names ---


@pytest.mark.parametrize(
    ("text", "d", "cal", "expected"),
    [
        ("before Christmas", TUE_9_DEC, KENYA, date(2025, 12, 24)),
        ("we'll decide before Christmas and call you", TUE_9_DEC, KENYA, date(2025, 12, 24)),
        ("after Christmas", TUE_9_DEC, KENYA, date(2025, 12, 29)),  # Boxing Day is a holiday too
        ("before Jamhuri Day", date(2025, 12, 1), KENYA, date(2025, 12, 11)),
        # Madaraka Day 2025 is a Sunday, observed on Monday: the first business day is Tuesday.
        ("after Madaraka Day", date(2025, 5, 20), KENYA, date(2025, 6, 3)),
        ("after Thanksgiving", date(2025, 11, 3), USA, date(2025, 11, 28)),
        ("before New Year", TUE_9_DEC, KENYA, date(2025, 12, 31)),
    ],
)
def test_before_and_after_a_holiday_by_its_name(text, d, cal, expected):
    assert resolved(text, d=d, cal=cal) == expected


def test_a_holiday_phrase_explains_itself_and_names_only_the_holiday():
    resolution = resolve_phrase("we'll get back to you before Christmas, promise", TUE_9_DEC, KENYA)
    assert resolution.matched == "before Christmas"
    assert resolution.explanation == (
        "'before Christmas' is the last business day before Christmas Day: Wed 24 Dec"
    )


def test_a_holiday_another_country_keeps_is_not_read_as_one():
    assert resolved("after Thanksgiving", d=date(2025, 11, 3), cal=KENYA) is None


def test_before_and_after_other_words_are_left_to_the_other_rules():
    assert resolved("before Friday", d=WED_10_DEC) == date(2025, 12, 12)
