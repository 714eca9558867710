"""The careers-page check is one recurring item: the plan holds the next check only."""

import dataclasses
from datetime import date, time

from followup.planner import (
    CAREERS_CHECK,
    REJECTED,
    WEBSITE,
    local_datetime,
    plan_follow_ups,
)
from tests.planner.test_rules import NAIROBI, application, at, interview, of_kind

LONDON = "Europe/London"


def asked_to_watch(**facts):
    return application(interview(asked_to_check_website=True), **facts)


def the_check(app):
    checks = of_kind(plan_follow_ups(app), CAREERS_CHECK)
    assert len(checks) <= 1, [f.slot for f in checks]
    return checks[0] if checks else None


def closed(app, *moments):
    return dataclasses.replace(app, careers_checks_closed=(*app.careers_checks_closed, *moments))


def test_the_plan_holds_only_the_next_careers_check():
    check = the_check(asked_to_watch())
    assert check is not None
    assert check.slot == "careers_check:1"
    assert check.due == at(date(2025, 12, 23), 9)
    assert check.channel == WEBSITE
    assert "every 2 weeks until 9 Jun 2026" in check.reason


def test_a_check_done_brings_the_next_one_two_weeks_later():
    app = asked_to_watch()
    first = the_check(app)
    second = the_check(closed(app, first.due))
    assert second.slot == "careers_check:2"
    assert second.due == at(date(2026, 1, 6), 9)


def test_a_check_done_late_brings_the_next_fortnight_after_it_not_an_overdue_one():
    app = asked_to_watch()
    # The check of Tue 23 Dec is done on Wed 14 Jan: the 6 Jan check has passed.
    done_late = at(date(2026, 1, 14), 11)
    following = the_check(closed(app, done_late))
    assert following.due == at(date(2026, 1, 20), 9)
    assert following.slot == "careers_check:2"


def test_a_check_done_early_still_brings_the_following_fortnight():
    app = asked_to_watch()
    early = at(date(2025, 12, 19), 15)  # before the check's own day, Tue 23 Dec
    following = the_check(closed(app, early))
    assert following.due == at(date(2025, 12, 23), 9)
    # Closed on its own due time it moves on a fortnight.
    assert the_check(closed(app, at(date(2025, 12, 23), 9))).due == at(date(2026, 1, 6), 9)


def test_the_checks_end_on_the_end_date():
    app = asked_to_watch()
    last = at(date(2026, 6, 9), 9)
    assert the_check(closed(app, last)) is None
    before_last = the_check(closed(app, at(date(2026, 5, 26), 9)))
    assert before_last.due == last


def test_it_is_due_at_nine_in_the_users_zone_not_the_companys():
    check = the_check(asked_to_watch(user_tz=LONDON))
    assert check.due == local_datetime(date(2025, 12, 23), time(9), LONDON)
    assert check.due.utcoffset() == local_datetime(date(2025, 12, 23), time(9), LONDON).utcoffset()
    assert check.due != at(date(2025, 12, 23), 9, tz=NAIROBI)


def test_a_check_on_a_holiday_moves_to_the_next_business_day():
    # Rejected on Mon 1 Dec 2025: the check two weeks later would be Mon 15 Dec, a business day;
    # from Fri 28 Nov it would be Fri 12 Dec, Jamhuri Day: it moves to Mon 15 Dec.
    app = application(status=REJECTED, rejected_at=at(date(2025, 11, 28), 12), keep_warm=True)
    check = the_check(app)
    assert check.due == at(date(2025, 12, 15), 9)
    assert "Fri 12 Dec is Jamhuri Day in Kenya" in check.reason


def test_a_website_check_and_keep_warm_make_one_recurring_item():
    app = asked_to_watch(status=REJECTED, rejected_at=at(date(2025, 12, 11), 9), keep_warm=True)
    seen = []
    while (check := the_check(app)) is not None:
        seen.append(check)
        app = closed(app, check.due)
    assert len({f.slot for f in seen}) == len(seen)
    assert len(seen) >= 13
    assert "every 2 weeks until" in seen[0].reason
