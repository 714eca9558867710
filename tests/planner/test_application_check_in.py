"""The rules table's application check-in row: an application that went in and was never
answered (no interview, no reply) gets one polite status check-in, 10:00 on the 10th business
day after the applied date (7th for the assertive profile)."""

from datetime import date, time

from followup.planner import ASSERTIVE, STANDARD, ApplicationFacts, Person, plan_follow_ups
from followup.planner.calendar import local_datetime
from followup.planner.types import (
    APPLICATION_CHECK_IN,
    APPLIED,
    EMAIL,
    INTERVIEWING,
    REJECTED,
    SAVED,
    InterviewFacts,
)

NAIROBI = "Africa/Nairobi"
NEW_YORK = "America/New_York"
RECRUITER = Person(
    key="contact:9", name="Grace Achieng", email="grace@savanna.example", tz="Africa/Kampala"
)


def applied(**overrides: object) -> ApplicationFacts:
    values: dict[str, object] = {
        "company_name": "Savanna Mobile",
        "country": "KE",
        "company_tz": None,
        "role_title": "Sales Executive",
        "role_type": "standard",
        "status": APPLIED,
        "applied_on": date(2025, 12, 1),  # a Monday
        "user_tz": NAIROBI,
    }
    values.update(overrides)
    return ApplicationFacts(**values)  # type: ignore[arg-type]


def check_ins(facts: ApplicationFacts, profile: str = STANDARD) -> list:
    return [f for f in plan_follow_ups(facts, profile) if f.kind == APPLICATION_CHECK_IN]


def test_it_checks_in_at_ten_on_the_tenth_business_day_without_counting_a_holiday() -> None:
    (check_in,) = check_ins(applied())
    # Tue 2 … Thu 11 Dec are eight business days, Fri 12 Dec is Jamhuri Day: Mon 15, Tue 16.
    assert check_in.due == local_datetime(date(2025, 12, 16), time(10), NAIROBI)
    assert check_in.channel == EMAIL
    assert check_in.slot == "application_check_in"
    assert "Jamhuri Day" in check_in.reason and "not counted" in check_in.reason
    assert "10th business day" in check_in.reason
    assert check_in.interview_id is None


def test_it_skips_weekends_when_it_counts() -> None:
    (check_in,) = check_ins(applied(country="US", user_tz=NEW_YORK, applied_on=date(2025, 8, 15)))
    # Friday 15 August: two working weeks later is Friday 29 August (no US holiday between).
    assert check_in.due == local_datetime(date(2025, 8, 29), time(10), NEW_YORK)


def test_the_assertive_profile_checks_in_on_the_seventh_business_day() -> None:
    (check_in,) = check_ins(applied(), ASSERTIVE)
    assert check_in.due == local_datetime(date(2025, 12, 10), time(10), NAIROBI)
    assert "7th business day" in check_in.reason


def test_a_sales_role_is_assertive_by_default() -> None:
    (check_in,) = [
        f for f in plan_follow_ups(applied(role_type="sales")) if f.kind == APPLICATION_CHECK_IN
    ]
    assert check_in.due.date() == date(2025, 12, 10)


def test_it_goes_to_the_recruiter_in_their_zone_when_one_is_known() -> None:
    (check_in,) = check_ins(applied(recruiter=RECRUITER))
    assert check_in.recipient == RECRUITER
    assert check_in.due == local_datetime(date(2025, 12, 16), time(10), "Africa/Kampala")
    assert "to Grace Achieng" in check_in.reason


def test_without_a_recruiter_it_is_an_email_with_no_recipient_in_the_company_zone() -> None:
    (check_in,) = check_ins(applied(company_tz="Africa/Lagos"))
    assert check_in.recipient is None
    assert check_in.channel == EMAIL
    assert check_in.due == local_datetime(date(2025, 12, 16), time(10), "Africa/Lagos")
    assert "no recruiter is known" in check_in.reason


def test_a_saved_application_gets_nothing() -> None:
    assert plan_follow_ups(applied(status=SAVED, applied_on=None)) == []


def test_an_application_with_no_applied_date_gets_nothing() -> None:
    assert check_ins(applied(applied_on=None)) == []


def test_it_stops_once_there_is_an_interview() -> None:
    start = local_datetime(date(2025, 12, 9), time(10), NAIROBI)
    interview = InterviewFacts(key="1", start=start, end=start.replace(hour=11), tz=NAIROBI)
    for status in (APPLIED, INTERVIEWING):
        plan = plan_follow_ups(applied(status=status, interviews=(interview,)))
        assert all(f.kind != APPLICATION_CHECK_IN for f in plan)


def test_it_stops_once_they_reply() -> None:
    reply = local_datetime(date(2025, 12, 4), time(15), NAIROBI)
    assert check_ins(applied(last_reply_at=reply)) == []


def test_a_rejection_without_an_interview_plans_no_check_in() -> None:
    rejected = applied(
        status=REJECTED, rejected_at=local_datetime(date(2025, 12, 5), time(9), NAIROBI)
    )
    assert check_ins(rejected) == []


def test_the_plan_is_the_same_every_time() -> None:
    assert plan_follow_ups(applied()) == plan_follow_ups(applied())
