from datetime import UTC, date, datetime

import pytest

from followup.lib import vocabulary as v


def test_first_name_skips_honorifics():
    assert v.first_name("Dr. Wanjiku Kamau") == "Wanjiku"
    assert v.first_name("Wanjiku Kamau <wanjiku@acme.example>") == "Wanjiku"


def test_first_name_is_empty_for_a_title_and_surname_only():
    assert v.first_name("Ms. Ndegwa") == ""
    assert v.first_name(None) == ""


def test_format_local_shows_the_zone_and_the_year_only_when_it_differs():
    dt = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert v.format_local(dt, "Africa/Nairobi", now=now) == "Tue 15 Dec, 10:00 EAT"
    later = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)
    assert v.format_local(later, "Africa/Nairobi", now=now) == "Mon 4 Jan 2027, 10:00 EAT"


def test_an_unknown_stored_zone_shows_in_utc():
    dt = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)
    assert v.format_local(dt, "Mars/Olympus", now=dt) == "Tue 15 Dec, 07:00 UTC"


def test_zone_names_what_is_wrong():
    with pytest.raises(v.UnknownZone, match="Mars/Olympus"):
        v.zone("Mars/Olympus")


def test_long_date_reads_like_a_letter():
    assert v.long_date(date(2026, 12, 12)) == "Saturday 12 December"
