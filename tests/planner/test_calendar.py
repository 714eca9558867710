"""The business calendar: weekends, public holidays, local times across DST."""

from datetime import date, time, timedelta

import pytest

from followup.planner import (
    BusinessCalendar,
    UnknownCountry,
    UnknownSubdivision,
    UnknownZone,
    add_months,
    country_name,
    describe_day,
    describe_time,
    local_datetime,
    ordinal,
    validate_country,
    zone,
)

KENYA = BusinessCalendar("KE")
USA = BusinessCalendar("US")


def test_weekends_are_not_business_days():
    assert KENYA.is_business_day(date(2025, 12, 8))  # Monday
    assert not KENYA.is_business_day(date(2025, 12, 13))  # Saturday
    assert not KENYA.is_business_day(date(2025, 12, 14))  # Sunday


def test_jamhuri_day_is_a_kenyan_holiday_and_not_a_business_day():
    assert KENYA.holiday_name(date(2025, 12, 12)) == "Jamhuri Day"
    assert not KENYA.is_business_day(date(2025, 12, 12))


def test_kenyas_one_off_state_funeral_is_a_holiday():
    assert not KENYA.is_business_day(date(2025, 10, 17))
    assert "Funeral" in (KENYA.holiday_name(date(2025, 10, 17)) or "")


def test_thanksgiving_is_a_us_holiday():
    assert USA.holiday_name(date(2025, 11, 27)) == "Thanksgiving Day"
    assert not USA.is_business_day(date(2025, 11, 27))
    assert USA.is_business_day(date(2025, 11, 28))  # the Friday after is not federal


def test_an_ordinary_weekday_has_no_holiday_name():
    assert KENYA.holiday_name(date(2025, 12, 9)) is None


def test_holiday_names_are_in_english_for_countries_with_other_languages():
    assert BusinessCalendar("DE").holiday_name(date(2025, 12, 25)) == "Christmas Day"
    assert BusinessCalendar("JP").holiday_name(date(2026, 1, 1)) == "New Year's Day"


def test_subdivisions_matter_easter_monday_is_english_not_national():
    assert BusinessCalendar("GB").is_business_day(date(2026, 4, 6))
    assert not BusinessCalendar("GB", "ENG").is_business_day(date(2026, 4, 6))
    assert BusinessCalendar("GB", "eng").subdivision == "ENG"


def test_next_business_day_is_strictly_after_and_skips_weekend_and_holiday():
    assert KENYA.next_business_day(date(2025, 12, 9)) == date(2025, 12, 10)
    assert KENYA.next_business_day(date(2025, 12, 11)) == date(2025, 12, 15)
    assert KENYA.next_business_day(date(2025, 12, 13)) == date(2025, 12, 15)


def test_business_day_on_or_after_keeps_a_business_day():
    assert KENYA.business_day_on_or_after(date(2025, 12, 9)) == date(2025, 12, 9)
    assert KENYA.business_day_on_or_after(date(2025, 12, 12)) == date(2025, 12, 15)


def test_add_business_days_counts_days_strictly_after_the_start():
    assert USA.add_business_days(date(2025, 11, 21), 1) == date(2025, 11, 24)
    # Mon 24 → Tue 25, Wed 26, (Thanksgiving), Fri 28, Mon 1 Dec
    assert USA.add_business_days(date(2025, 11, 24), 4) == date(2025, 12, 1)
    assert KENYA.nth_business_day_after(date(2025, 12, 9), 5) == date(2025, 12, 17)


def test_add_business_days_refuses_zero():
    with pytest.raises(ValueError):
        KENYA.add_business_days(date(2025, 12, 9), 0)


def test_last_business_day_of_month_steps_back_over_weekend_and_holiday():
    assert KENYA.last_business_day_of_month(date(2025, 12, 1)) == date(2025, 12, 31)
    assert KENYA.last_business_day_of_month(date(2026, 5, 4)) == date(2026, 5, 29)  # 30-31 weekend
    # New Year 2028 is a Saturday: the US observes it on Fri 31 Dec 2027.
    assert USA.last_business_day_of_month(date(2027, 12, 5)) == date(2027, 12, 30)


def test_holidays_between_lists_weekday_holidays_in_a_half_open_range():
    assert KENYA.holidays_between(date(2025, 12, 11), date(2025, 12, 15)) == [
        (date(2025, 12, 12), "Jamhuri Day")
    ]
    assert KENYA.holidays_between(date(2025, 12, 13), date(2025, 12, 15)) == []


def test_validate_country_upper_cases_a_known_code():
    assert validate_country("ke") == "KE"
    assert validate_country(" us ") == "US"


def test_validate_country_names_the_bad_code():
    with pytest.raises(UnknownCountry, match="'XX'"):
        validate_country("XX")
    with pytest.raises(UnknownCountry):
        validate_country("")
    with pytest.raises(ValueError):
        BusinessCalendar("Narnia")


def test_an_unknown_subdivision_is_refused():
    with pytest.raises(UnknownSubdivision, match="ZZ"):
        BusinessCalendar("GB", "ZZ")


def test_calendars_for_the_same_place_are_equal():
    assert BusinessCalendar("ke") == KENYA
    assert hash(BusinessCalendar("KE")) == hash(KENYA)
    assert BusinessCalendar("GB", "ENG") != BusinessCalendar("GB")


def test_zone_returns_a_cached_zoneinfo():
    assert zone("Africa/Nairobi") is zone("Africa/Nairobi")
    assert str(zone("Europe/London")) == "Europe/London"


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Europe/"])
def test_zone_refuses_a_bad_name_with_a_value_error(name):
    with pytest.raises(UnknownZone):
        zone(name)
    assert issubclass(UnknownZone, ValueError)


def test_local_datetime_uses_the_offset_of_that_day_across_london_dst():
    before = local_datetime(date(2026, 3, 27), time(10), "Europe/London")
    after = local_datetime(date(2026, 3, 30), time(10), "Europe/London")
    assert before.utcoffset() == timedelta(0)
    assert after.utcoffset() == timedelta(hours=1)
    assert (before.hour, after.hour) == (10, 10)


def test_local_datetime_shifts_a_nonexistent_time_forward():
    # 2026-03-08 02:30 does not exist in New York: clocks jump from 02:00 to 03:00.
    shifted = local_datetime(date(2026, 3, 8), time(2, 30), "America/New_York")
    assert (shifted.hour, shifted.minute) == (3, 30)
    assert shifted.utcoffset() == timedelta(hours=-4)


def test_local_datetime_takes_the_first_of_a_repeated_time():
    repeated = local_datetime(date(2026, 11, 1), time(1, 30), "America/New_York")
    assert repeated.utcoffset() == timedelta(hours=-4)


def test_describe_day_is_short_and_english():
    assert describe_day(date(2025, 12, 12)) == "Fri 12 Dec"
    assert describe_day(date(2026, 1, 5)) == "Mon 5 Jan"


def test_describe_time_names_the_zone():
    assert describe_time(local_datetime(date(2025, 12, 15), time(10), "Africa/Nairobi")) == (
        "Mon 15 Dec, 10:00 EAT"
    )


def test_country_names_read_well_in_a_sentence():
    assert country_name("KE") == "Kenya"
    assert country_name("US") == "the United States"
    assert country_name("GB") == "the United Kingdom"
    assert KENYA.country_name == "Kenya"


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 9), 6) == date(2026, 6, 9)


def test_ordinal_suffixes():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
    ]
