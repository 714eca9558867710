"""Properties of every plan, over random interviews, zones, countries and outcomes."""

from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.planner import (
    ACCEPTED,
    APPLIED,
    ASSERTIVE,
    CHECK_IN,
    CHECK_IN_2,
    FINAL_CHECK_IN,
    INTERVIEWING,
    NO_RESPONSE,
    OFFER,
    REJECTED,
    STANDARD,
    WITHDRAWN,
    ApplicationFacts,
    BusinessCalendar,
    InterviewFacts,
    Person,
    local_datetime,
    plan_follow_ups,
    resolve_phrase,
)

COUNTRIES = ["KE", "US", "GB", "DE", "IN", "NG", "ZA", "FR", "JP", "BR"]
ZONES = [
    "Africa/Nairobi",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "UTC",
]
PHRASES = [
    "",
    "by Friday",
    "on monday",
    "Sunday",
    "tomorrow",
    "this week",
    "end of the week",
    "next week",
    "end of next week",
    "early next week",
    "within 3 days",
    "in ten days",
    "5 business days",
    "two working days",
    "within a week",
    "within two weeks",
    "a couple of weeks",
    "a couple of days",
    "a few days",
    "end of the month",
    "by 15 January",
    "on 2026-12-19",
    "Dec 19",
    "19th December",
    "whenever",
    "We'll get back to you by Thursday",
]
STATUSES = [APPLIED, INTERVIEWING, OFFER, ACCEPTED, REJECTED, WITHDRAWN, NO_RESPONSE]

zones = st.sampled_from(ZONES)
optional_zones = st.none() | zones


@st.composite
def people(draw, key):
    has_email = draw(st.booleans())
    return Person(
        key=key,
        name=f"Person {key}",
        email=f"{key.replace(':', '')}@example.com" if has_email else None,
        tz=draw(optional_zones),
    )


@st.composite
def interviews(draw, key, after):
    tz = draw(zones)
    gap_days = draw(st.integers(min_value=0, max_value=60))
    day = after + timedelta(days=gap_days)
    start_time = draw(st.times(min_value=time(0, 0), max_value=time(23, 59)))
    start = local_datetime(day, start_time, tz)
    duration = draw(st.integers(min_value=10, max_value=8 * 60))
    count = draw(st.integers(min_value=0, max_value=4))
    interviewers = tuple(draw(people(f"c:{key}{index}")) for index in range(count))
    return InterviewFacts(
        key=key,
        start=start,
        end=start + timedelta(minutes=duration),
        tz=tz,
        interviewers=interviewers,
        promised_phrase=draw(st.sampled_from(PHRASES) | st.text(max_size=30)),
        commitments=tuple(draw(st.lists(st.sampled_from(PHRASES), max_size=2))),
        asked_to_check_website=draw(st.booleans()),
    )


@st.composite
def applications(draw):
    first_day = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)))
    rounds: list[InterviewFacts] = []
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        after = rounds[-1].end.date() + timedelta(days=1) if rounds else first_day
        rounds.append(draw(interviews(str(index + 1), after)))
    last_end = rounds[-1].end
    status = draw(st.sampled_from(STATUSES))

    def some_time_around_the_end():
        return draw(st.integers(min_value=-2 * 24 * 60, max_value=90 * 24 * 60))

    rejected_at = (
        last_end + timedelta(minutes=some_time_around_the_end())
        if status == REJECTED and draw(st.booleans())
        else None
    )
    no_response_at = (
        last_end + timedelta(minutes=some_time_around_the_end())
        if status == NO_RESPONSE and draw(st.booleans())
        else None
    )
    last_reply_at = (
        last_end + timedelta(minutes=some_time_around_the_end()) if draw(st.booleans()) else None
    )
    recruiter = draw(st.none() | people("c:recruiter"))
    return ApplicationFacts(
        company_name="Acme",
        country=draw(st.sampled_from(COUNTRIES)),
        company_tz=draw(optional_zones),
        role_title="Engineer",
        role_type=draw(st.sampled_from(["standard", "sales", "engineering"])),
        status=status,
        keep_warm=draw(st.booleans()),
        recruiter=recruiter,
        interviews=tuple(rounds),
        rejected_at=rejected_at,
        no_response_at=no_response_at,
        last_reply_at=last_reply_at,
    )


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
profiles = st.sampled_from([None, STANDARD, ASSERTIVE])


@PROPERTY_SETTINGS
@given(applications(), profiles)
def test_nothing_is_due_on_a_weekend_or_holiday_in_the_recipients_local_date(app, profile):
    cal = BusinessCalendar(app.country)
    for follow_up in plan_follow_ups(app, profile):
        local_day = follow_up.due.date()  # `due` is in the recipient's zone
        assert local_day.weekday() < 5, (follow_up.slot, follow_up.due)
        assert cal.holiday_name(local_day) is None, (follow_up.slot, follow_up.due)


@PROPERTY_SETTINGS
@given(applications(), profiles)
def test_nothing_is_due_before_its_interview_ends(app, profile):
    ends = {interview.key: interview.end for interview in app.interviews}
    for follow_up in plan_follow_ups(app, profile):
        assert follow_up.interview_key in ends
        assert follow_up.due >= ends[follow_up.interview_key], follow_up.slot


@PROPERTY_SETTINGS
@given(applications(), profiles)
def test_each_check_in_ladder_is_strictly_increasing(app, profile):
    plan = plan_follow_ups(app, profile)
    ladder = {f.kind: f.due for f in plan if f.kind in (CHECK_IN, CHECK_IN_2, FINAL_CHECK_IN)}
    if ladder:
        assert set(ladder) == {CHECK_IN, CHECK_IN_2, FINAL_CHECK_IN}
        assert ladder[CHECK_IN] < ladder[CHECK_IN_2] < ladder[FINAL_CHECK_IN]


@PROPERTY_SETTINGS
@given(applications(), profiles)
def test_planning_twice_gives_the_same_plan_with_unique_slots(app, profile):
    first = plan_follow_ups(app, profile)
    assert first == plan_follow_ups(app, profile)
    slots = [f.slot for f in first]
    assert len(slots) == len(set(slots))


@PROPERTY_SETTINGS
@given(applications(), profiles)
def test_every_due_time_is_aware_and_every_reason_is_a_sentence(app, profile):
    for follow_up in plan_follow_ups(app, profile):
        assert isinstance(follow_up.due, datetime)
        assert follow_up.due.utcoffset() is not None
        assert follow_up.reason[:1].isupper() or follow_up.reason.startswith("'")
        assert follow_up.reason.endswith(".")


words = st.sampled_from(
    [
        "by",
        "on",
        "in",
        "within",
        "the",
        "of",
        "a",
        "couple",
        "few",
        "next",
        "this",
        "end",
        "week",
        "weeks",
        "day",
        "days",
        "business",
        "working",
        "month",
        "tomorrow",
        "Friday",
        "sun",
        "December",
        "Feb",
        "29",
        "31",
        "0",
        "00",
        "19th",
        "2025-12-19",
        "03/04",
        "10.30",
        "twenty",
        "or",
        "-",
        "2",
        "we'll",
        "get",
        "back",
        "to",
        "you",
        "May",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(words, max_size=8).map(" ".join) | st.text(max_size=40),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(COUNTRIES),
)
def test_any_text_resolves_without_error_and_a_date_means_understood(text, d, country):
    cal = BusinessCalendar(country)
    resolution = resolve_phrase(text, d, cal)
    assert resolution.understood == (resolution.date is not None)
    assert resolution.explanation
    if resolution.date is not None:
        # Only "end of the month" may land before D (its last business day can be past).
        assert resolution.date >= d or resolution.date == cal.last_business_day_of_month(d)
