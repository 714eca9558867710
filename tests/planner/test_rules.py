"""Every row of the rules table, plus holidays, DST, rounds, replies, outcomes and profiles."""

import dataclasses
from datetime import date, datetime, time, timedelta

import pytest

from followup.planner import (
    ACCEPTED,
    ASSERTIVE,
    CAREERS_CHECK,
    CHECK_IN,
    CHECK_IN_2,
    CHECK_IN_KINDS,
    DELIVERABLE,
    EMAIL,
    FINAL_CHECK_IN,
    INTERVIEWING,
    KEEP_WARM,
    KINDS,
    NO_RESPONSE,
    OFFER,
    PHONE,
    REJECTED,
    REJECTION_REPLY,
    STANDARD,
    THANK_YOU,
    WEBSITE,
    WITHDRAWN,
    ApplicationFacts,
    BusinessCalendar,
    InterviewFacts,
    Person,
    UnknownCountry,
    UnknownZone,
    default_profile,
    local_datetime,
    no_response_deadline,
    plan_follow_ups,
    preview_promise,
    zone,
)

NAIROBI = "Africa/Nairobi"
NEW_YORK = "America/New_York"
LONDON = "Europe/London"
JANE = Person(key="contact:1", name="Jane Wanjiru", email="jane@safaricom.example")
OMAR = Person(key="contact:2", name="Omar Hassan", email="omar@safaricom.example")
NO_EMAIL = Person(key="contact:3", name="Peter Otieno")
RECRUITER = Person(key="contact:9", name="Rita Recruiter", email="rita@safaricom.example")


def at(day, hour, minute=0, tz=NAIROBI):
    return local_datetime(day, time(hour, minute), tz)


def interview(
    day=date(2025, 12, 9),
    start_hour=14,
    end_hour=15,
    end_minute=0,
    tz=NAIROBI,
    key="1",
    **facts,
):
    facts.setdefault("interviewers", (JANE,))
    return InterviewFacts(
        key=key,
        start=at(day, start_hour, 0, tz),
        end=at(day, end_hour, end_minute, tz),
        tz=tz,
        **facts,
    )


def application(*interviews, **facts):
    facts.setdefault("company_name", "Safaricom")
    facts.setdefault("country", "KE")
    facts.setdefault("company_tz", NAIROBI)
    facts.setdefault("role_title", "Backend Engineer")
    facts.setdefault("role_type", "standard")
    facts.setdefault("status", INTERVIEWING)
    facts.setdefault("interviews", interviews or (interview(),))
    return ApplicationFacts(**facts)


def of_kind(plan, kind):
    return [follow_up for follow_up in plan if follow_up.kind == kind]


def one(plan, kind):
    found = of_kind(plan, kind)
    assert len(found) == 1, [f.slot for f in plan]
    return found[0]


# --- thank_you ------------------------------------------------------------------------


def test_it_sends_a_thank_you_one_hour_after_the_interview_ends():
    thank_you = one(plan_follow_ups(application()), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 9), 16)
    assert thank_you.recipient == JANE
    assert thank_you.channel == EMAIL
    assert thank_you.slot == "thank_you:1:contact:1"
    assert "an hour after the interview" in thank_you.reason


def test_it_moves_a_thank_you_after_six_pm_to_the_next_morning():
    late = interview(start_hour=17, end_hour=17, end_minute=30)  # +1 h = 18:30
    thank_you = one(plan_follow_ups(application(late)), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 10), 9)
    assert "after 18:00" in thank_you.reason


def test_a_thank_you_due_at_exactly_six_pm_stays_that_evening():
    thank_you = one(plan_follow_ups(application(interview(start_hour=16, end_hour=17))), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 9), 18)


def test_it_moves_a_thank_you_before_eight_to_nine_the_same_morning():
    early = interview(start_hour=6, end_hour=6, end_minute=30)  # +1 h = 07:30
    thank_you = one(plan_follow_ups(application(early)), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 9), 9)
    assert "before 08:00" in thank_you.reason


def test_it_moves_a_thank_you_after_a_weekend_interview_to_monday_morning():
    saturday = interview(day=date(2025, 12, 6), start_hour=10, end_hour=11)
    thank_you = one(plan_follow_ups(application(saturday)), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 8), 9)
    assert "a weekend" in thank_you.reason


def test_a_thank_you_on_the_evening_before_jamhuri_day_waits_until_monday():
    thursday_evening = interview(day=date(2025, 12, 11), start_hour=18, end_hour=19)
    thank_you = one(plan_follow_ups(application(thursday_evening)), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 15), 9)
    assert "Fri 12 Dec is Jamhuri Day in Kenya" in thank_you.reason


def test_a_thank_you_on_a_holiday_says_which_holiday():
    on_jamhuri_day = interview(day=date(2025, 12, 12), start_hour=10, end_hour=11)
    thank_you = one(plan_follow_ups(application(on_jamhuri_day)), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 15), 9)
    assert "Jamhuri Day in Kenya" in thank_you.reason


def test_a_panel_gets_one_thank_you_per_interviewer_with_an_email():
    panel = interview(interviewers=(JANE, NO_EMAIL, OMAR))
    thank_yous = of_kind(plan_follow_ups(application(panel, recruiter=RECRUITER)), THANK_YOU)
    assert [f.recipient for f in thank_yous] == [JANE, OMAR]
    assert [f.slot for f in thank_yous] == ["thank_you:1:contact:1", "thank_you:1:contact:2"]
    assert all("one note per interviewer" in f.reason for f in thank_yous)


def test_an_interviewer_listed_twice_gets_one_thank_you():
    panel = interview(interviewers=(JANE, JANE))
    assert len(of_kind(plan_follow_ups(application(panel)), THANK_YOU)) == 1


def test_without_interviewer_emails_the_thank_you_goes_to_the_recruiter():
    no_emails = interview(interviewers=(NO_EMAIL,))
    thank_you = one(plan_follow_ups(application(no_emails, recruiter=RECRUITER)), THANK_YOU)
    assert thank_you.recipient == RECRUITER
    assert thank_you.slot == "thank_you:1:contact:9"
    assert "through the recruiter" in thank_you.reason


def test_without_any_address_the_thank_you_is_unaddressed():
    no_emails = interview(interviewers=(NO_EMAIL,))
    thank_you = one(plan_follow_ups(application(no_emails)), THANK_YOU)
    assert thank_you.recipient is None
    assert thank_you.slot == "thank_you:1:unaddressed"
    assert "unaddressed" in thank_you.reason


def test_each_round_keeps_its_thank_yous():
    first = interview(day=date(2025, 12, 1), key="1")
    second = interview(day=date(2025, 12, 9), key="2", interviewers=(OMAR,))
    thank_yous = of_kind(plan_follow_ups(application(first, second)), THANK_YOU)
    assert [f.slot for f in thank_yous] == ["thank_you:1:contact:1", "thank_you:2:contact:2"]


def test_a_thank_you_uses_office_hours_in_the_recipients_zone():
    # 15:00 in Nairobi ends the interview; 16:00 EAT is 08:00 in New York: in office hours.
    abroad = dataclasses.replace(JANE, tz=NEW_YORK)
    thank_you = one(plan_follow_ups(application(interview(interviewers=(abroad,)))), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 9), 8, tz=NEW_YORK)
    assert thank_you.due.tzinfo == zone(NEW_YORK)


def test_a_thank_you_before_office_hours_in_the_recipients_zone_waits_for_nine():
    abroad = dataclasses.replace(JANE, tz=NEW_YORK)
    morning = interview(start_hour=10, end_hour=11, interviewers=(abroad,))  # 12:00 EAT = 04:00 NY
    thank_you = one(plan_follow_ups(application(morning)), THANK_YOU)
    assert thank_you.due == at(date(2025, 12, 9), 9, tz=NEW_YORK)


# --- check_in -------------------------------------------------------------------------


def test_a_promised_friday_that_is_jamhuri_day_gives_a_monday_check_in():
    promised = interview(promised_phrase="We'll get back to you by Friday")
    check_in = one(plan_follow_ups(application(promised)), CHECK_IN)
    assert check_in.due == at(date(2025, 12, 15), 10)
    assert check_in.reason.startswith(
        "They said 'by Friday' (Fri 12 Dec is Jamhuri Day in Kenya): "
        "checking in the next business day"
    )
    assert check_in.extra["promised_date"] == "2025-12-12"


def test_a_check_in_is_ten_on_the_first_business_day_after_the_promised_date():
    promised = interview(promised_phrase="by Wednesday")  # Wed 10 Dec → Thu 11 Dec
    check_in = one(plan_follow_ups(application(promised)), CHECK_IN)
    assert check_in.due == at(date(2025, 12, 11), 10)
    assert check_in.slot == "check_in:1"
    assert check_in.recipient == JANE


def test_a_promised_thursday_before_jamhuri_day_names_the_holiday_skipped():
    promised = interview(promised_phrase="Thursday")
    check_in = one(plan_follow_ups(application(promised)), CHECK_IN)
    assert check_in.due == at(date(2025, 12, 15), 10)
    assert "(Thu 11 Dec; Fri 12 Dec is Jamhuri Day in Kenya)" in check_in.reason


def test_a_promise_around_thanksgiving_skips_it():
    us_interview = interview(
        day=date(2025, 11, 24), tz=NEW_YORK, promised_phrase="by Wednesday"
    )  # Wed 26 Nov → Thu 27 is Thanksgiving → Fri 28
    app = application(us_interview, country="US", company_tz=NEW_YORK)
    check_in = one(plan_follow_ups(app), CHECK_IN)
    assert check_in.due == at(date(2025, 11, 28), 10, tz=NEW_YORK)
    assert "Thu 27 Nov is Thanksgiving Day in the United States" in check_in.reason


def test_without_a_promised_date_the_check_in_is_on_the_fifth_business_day():
    check_in = one(plan_follow_ups(application()), CHECK_IN)
    # Tue 9 Dec: Wed 10, Thu 11, (Jamhuri Day), Mon 15, Tue 16, Wed 17
    assert check_in.due == at(date(2025, 12, 17), 10)
    assert check_in.reason.startswith(
        "No date was promised: checking in on the 5th business day after the interview"
    )
    assert "Fri 12 Dec is Jamhuri Day in Kenya, not counted" in check_in.reason


def test_a_phrase_not_understood_uses_the_no_date_rule_and_says_so():
    vague = interview(promised_phrase="whenever you like")
    check_in = one(plan_follow_ups(application(vague)), CHECK_IN)
    assert check_in.due == at(date(2025, 12, 17), 10)
    assert check_in.reason.startswith(
        "'whenever you like' was not understood as a date: checking in on the 5th business day"
    )
    assert check_in.extra["understood"] == "no"


def test_the_check_in_goes_to_the_recruiter_when_there_is_one():
    check_in = one(plan_follow_ups(application(recruiter=RECRUITER)), CHECK_IN)
    assert check_in.recipient == RECRUITER


def test_the_check_in_goes_to_the_first_interviewer_with_an_email():
    panel = interview(interviewers=(NO_EMAIL, OMAR, JANE))
    assert one(plan_follow_ups(application(panel)), CHECK_IN).recipient == OMAR


def test_without_any_address_the_check_in_has_no_recipient():
    nobody = interview(interviewers=(NO_EMAIL,))
    assert one(plan_follow_ups(application(nobody)), CHECK_IN).recipient is None


# --- check_in_2 and final_check_in ---------------------------------------------------


def test_the_second_check_in_is_five_business_days_after_the_first():
    plan = plan_follow_ups(application(interview(promised_phrase="by Wednesday")))
    check_in_2 = one(plan, CHECK_IN_2)
    # first: Thu 11 Dec → Mon 15, Tue 16, Wed 17, Thu 18, Fri 19
    assert check_in_2.due == at(date(2025, 12, 19), 10)
    assert check_in_2.channel == EMAIL
    assert check_in_2.slot == "check_in_2:1"


def test_the_final_check_in_is_ten_business_days_after_the_second():
    plan = plan_follow_ups(application(interview(promised_phrase="by Wednesday")))
    final = one(plan, FINAL_CHECK_IN)
    cal = BusinessCalendar("KE")
    assert final.due.date() == cal.add_business_days(date(2025, 12, 19), 10)
    # Christmas, Boxing Day and New Year are not counted: Mon 22 Dec … Wed 7 Jan
    assert final.due == at(date(2026, 1, 7), 10)
    assert "Thu 25 Dec is Christmas Day in Kenya" in final.reason
    assert final.slot == "final_check_in:1"


def test_no_response_is_due_ten_business_days_after_the_final_check_in():
    app = application(interview(promised_phrase="by Wednesday"))
    final = one(plan_follow_ups(app), FINAL_CHECK_IN)
    deadline = no_response_deadline(app)
    assert deadline == at(BusinessCalendar("KE").add_business_days(final.due.date(), 10), 10)
    assert deadline is not None and deadline.isoformat() == final.extra["no_response_at"]
    assert "marked no response" in final.reason


def test_there_is_no_no_response_deadline_without_a_running_ladder():
    assert no_response_deadline(application(status=OFFER)) is None
    assert no_response_deadline(application(interviews=())) is None


# --- replies, rounds and outcomes ----------------------------------------------------


def test_a_reply_after_the_interview_pauses_the_check_in_ladder():
    replied = application(last_reply_at=at(date(2025, 12, 10), 11))
    plan = plan_follow_ups(replied)
    assert not [f for f in plan if f.kind in CHECK_IN_KINDS]
    assert of_kind(plan, THANK_YOU)


def test_a_reply_before_the_latest_round_does_not_pause_its_ladder():
    first = interview(day=date(2025, 12, 1), key="1")
    second = interview(day=date(2025, 12, 9), key="2")
    app = application(first, second, last_reply_at=at(date(2025, 12, 2), 11))
    assert one(plan_follow_ups(app), CHECK_IN).interview_key == "2"


def test_a_new_round_replaces_the_earlier_ladder():
    first = interview(day=date(2025, 12, 1), key="1", promised_phrase="by Friday")
    second = interview(day=date(2025, 12, 9), key="2")
    plan = plan_follow_ups(application(first, second))
    ladder = [f for f in plan if f.kind in CHECK_IN_KINDS]
    assert [f.slot for f in ladder] == ["check_in:2", "check_in_2:2", "final_check_in:2"]


def test_the_latest_round_is_found_even_if_rounds_are_given_out_of_order():
    first = interview(day=date(2025, 12, 1), key="1")
    second = interview(day=date(2025, 12, 9), key="2")
    assert one(plan_follow_ups(application(second, first)), CHECK_IN).slot == "check_in:2"


@pytest.mark.parametrize("status", [OFFER, ACCEPTED, WITHDRAWN, REJECTED, NO_RESPONSE])
def test_an_outcome_cancels_the_check_ins(status):
    plan = plan_follow_ups(application(status=status))
    assert not [f for f in plan if f.kind in CHECK_IN_KINDS]


# --- rejection_reply -----------------------------------------------------------------


def test_a_rejection_gets_a_reply_at_ten_the_next_business_day():
    app = application(status=REJECTED, rejected_at=at(date(2025, 12, 15), 17), recruiter=RECRUITER)
    reply = one(plan_follow_ups(app), REJECTION_REPLY)
    assert reply.due == at(date(2025, 12, 16), 10)
    assert reply.recipient == RECRUITER
    assert reply.slot == "rejection_reply"
    assert "ask for feedback" in reply.reason


@pytest.mark.parametrize("status", [REJECTED, WITHDRAWN])
def test_a_rejection_or_a_withdrawal_cancels_what_you_promised_to_send(status):
    promised = interview(commitments=("I'll send my portfolio by Tuesday",))
    facts = {"rejected_at": at(date(2025, 12, 15), 17)} if status == REJECTED else {}
    plan = plan_follow_ups(application(promised, status=status, **facts))
    assert not [f for f in plan if f.kind == DELIVERABLE]


def test_a_rejection_before_jamhuri_day_is_answered_on_monday():
    app = application(status=REJECTED, rejected_at=at(date(2025, 12, 11), 9))
    reply = one(plan_follow_ups(app), REJECTION_REPLY)
    assert reply.due == at(date(2025, 12, 15), 10)
    assert "Fri 12 Dec is Jamhuri Day in Kenya" in reply.reason


def test_without_a_recruiter_the_rejection_reply_goes_to_the_lead_interviewer():
    panel = interview(interviewers=(NO_EMAIL, OMAR))
    app = application(panel, status=REJECTED, rejected_at=at(date(2025, 12, 15), 17))
    assert one(plan_follow_ups(app), REJECTION_REPLY).recipient == OMAR


def test_the_rejection_reply_cancels_the_check_ins():
    app = application(status=REJECTED, rejected_at=at(date(2025, 12, 15), 17))
    kinds = {f.kind for f in plan_follow_ups(app)}
    assert REJECTION_REPLY in kinds
    assert not kinds & CHECK_IN_KINDS


def test_a_rejection_without_a_date_gets_no_reply():
    assert not of_kind(plan_follow_ups(application(status=REJECTED)), REJECTION_REPLY)


def test_a_rejection_recorded_before_the_interview_ended_is_still_answered_after_it():
    app = application(status=REJECTED, rejected_at=at(date(2025, 12, 1), 9))
    reply = one(plan_follow_ups(app), REJECTION_REPLY)
    assert reply.due >= app.interviews[-1].end
    assert BusinessCalendar("KE").is_business_day(reply.due.date())


# --- keep_warm ------------------------------------------------------------------------


def test_keep_warm_sends_three_notes_eight_weeks_apart_after_a_rejection():
    rejected_at = at(date(2025, 12, 15), 17)  # a Monday
    app = application(status=REJECTED, rejected_at=rejected_at, keep_warm=True)
    notes = of_kind(plan_follow_ups(app), KEEP_WARM)
    assert [f.slot for f in notes] == ["keep_warm:1", "keep_warm:2", "keep_warm:3"]
    # 16 weeks after is Easter Monday (Mon 6 Apr 2026), 24 weeks Madaraka Day (Mon 1 Jun).
    assert [f.due for f in notes] == [
        at(date(2026, 2, 9), 10),
        at(date(2026, 4, 7), 10),
        at(date(2026, 6, 2), 10),
    ]
    assert "Mon 6 Apr is Easter Monday in Kenya" in notes[1].reason
    assert "Mon 1 Jun is Madaraka Day in Kenya" in notes[2].reason
    assert "note 1 of 3" in notes[0].reason


def test_a_keep_warm_note_falling_on_a_holiday_moves_to_the_next_business_day():
    # Rejected on Fri 17 Oct 2025: 8 weeks later is Fri 12 Dec 2025, Jamhuri Day.
    app = application(
        interview(day=date(2025, 10, 14)),
        status=REJECTED,
        rejected_at=at(date(2025, 10, 17), 9),
        keep_warm=True,
    )
    first_note = of_kind(plan_follow_ups(app), KEEP_WARM)[0]
    assert first_note.due == at(date(2025, 12, 15), 10)
    assert "Fri 12 Dec is Jamhuri Day in Kenya" in first_note.reason


def careers_checks_done_in_turn(app):
    """Every careers check the plan brings, doing each one on its due time as it comes."""
    checks = []
    while True:
        check = of_kind(plan_follow_ups(app), CAREERS_CHECK)
        assert len(check) <= 1, [f.slot for f in check]
        if not check:
            return checks
        checks.append(check[0])
        closed = (*app.careers_checks_closed, check[0].due)
        app = dataclasses.replace(app, careers_checks_closed=closed)


def test_keep_warm_checks_the_careers_page_every_two_weeks_for_six_months():
    rejected_at = at(date(2025, 12, 15), 17)
    app = application(status=REJECTED, rejected_at=rejected_at, keep_warm=True)
    checks = careers_checks_done_in_turn(app)
    assert len(checks) == 13  # 15 Dec + 2 weeks … 15 Jun 2026, one at a time
    assert checks[0].slot == "careers_check:1"
    assert checks[0].due == at(date(2025, 12, 29), 9)
    assert all(f.channel == WEBSITE and f.recipient is None for f in checks)
    assert all(f.due.time() == time(9) for f in checks)
    assert checks[-1].due.date() <= date(2026, 6, 15)


def test_keep_warm_also_follows_a_no_response():
    app = application(status=NO_RESPONSE, no_response_at=at(date(2026, 1, 20), 10), keep_warm=True)
    plan = plan_follow_ups(app)
    assert len(of_kind(plan, KEEP_WARM)) == 3
    assert of_kind(plan, KEEP_WARM)[0].due == at(date(2026, 3, 17), 10)
    assert not [f for f in plan if f.kind in CHECK_IN_KINDS]


def test_without_keep_warm_nothing_is_planned_after_the_outcome():
    app = application(status=REJECTED, rejected_at=at(date(2025, 12, 15), 17))
    kinds = {f.kind for f in plan_follow_ups(app)}
    assert KEEP_WARM not in kinds
    assert CAREERS_CHECK not in kinds


def test_keep_warm_does_nothing_while_the_application_is_still_open():
    kinds = {f.kind for f in plan_follow_ups(application(keep_warm=True))}
    assert KEEP_WARM not in kinds


# --- careers_check when they asked the candidate to check the website ---------------


def test_asked_to_check_the_website_plans_a_check_every_two_weeks_for_six_months():
    asked = interview(asked_to_check_website=True)
    checks = careers_checks_done_in_turn(application(asked))
    assert [f.slot for f in checks][:2] == ["careers_check:1", "careers_check:2"]
    assert checks[0].due == at(date(2025, 12, 23), 9)
    assert checks[1].due == at(date(2026, 1, 6), 9)
    assert len(checks) == 13
    assert checks[-1].due.date() <= date(2026, 6, 9)
    assert all(f.channel == WEBSITE for f in checks)
    assert "they asked you to check their website" in checks[0].reason


def test_keep_warm_careers_checks_within_a_week_of_a_planned_one_are_dropped():
    asked = interview(asked_to_check_website=True)  # checks on Tue 23 Dec, 6 Jan, …
    app = application(asked, status=REJECTED, rejected_at=at(date(2025, 12, 11), 9), keep_warm=True)
    checks = careers_checks_done_in_turn(app)
    days = [f.due.date() for f in checks]
    assert all(b - a > timedelta(days=7) for a, b in zip(days, days[1:], strict=False))
    assert not [f for f in checks if "keeping in touch" in f.reason]


def test_keep_warm_careers_checks_continue_after_the_website_checks_end():
    asked = interview(day=date(2025, 6, 3), asked_to_check_website=True)  # ends early Dec
    app = application(asked, status=REJECTED, rejected_at=at(date(2025, 10, 1), 9), keep_warm=True)
    keep_warm_checks = [
        f for f in careers_checks_done_in_turn(app) if "keeping in touch" in f.reason
    ]
    assert keep_warm_checks
    assert min(f.due.date() for f in keep_warm_checks) > date(2025, 12, 2)


def test_an_accepted_offer_stops_the_website_checks():
    asked = interview(asked_to_check_website=True)
    assert not of_kind(plan_follow_ups(application(asked, status=ACCEPTED)), CAREERS_CHECK)


# --- deliverable ----------------------------------------------------------------------


def test_a_commitment_is_due_at_nine_on_its_date():
    promised = interview(commitments=("I'll send my portfolio by Tuesday",))
    deliverable = one(plan_follow_ups(application(promised)), DELIVERABLE)
    assert deliverable.due == at(date(2025, 12, 16), 9)
    assert deliverable.slot == "deliverable:1:1"
    assert deliverable.extra["resolved_date"] == "2025-12-16"
    assert "You promised 'I'll send my portfolio by Tuesday'" in deliverable.reason


def test_a_commitment_on_a_holiday_is_due_the_next_business_day():
    promised = interview(commitments=("code sample by Friday",))
    deliverable = one(plan_follow_ups(application(promised)), DELIVERABLE)
    assert deliverable.due == at(date(2025, 12, 15), 9)
    assert "Fri 12 Dec is Jamhuri Day in Kenya" in deliverable.reason


def test_a_commitment_without_a_date_is_due_the_next_business_day_after_the_interview():
    promised = interview(commitments=("send references", "portfolio by Tuesday"))
    deliverables = of_kind(plan_follow_ups(application(promised)), DELIVERABLE)
    unresolved = next(f for f in deliverables if f.slot == "deliverable:1:1")
    assert unresolved.due == at(date(2025, 12, 10), 9)
    assert "no date that could be read" in unresolved.reason
    assert "next business day after the interview" in unresolved.reason


def test_a_commitment_due_before_the_interview_ends_moves_after_it():
    # On a Friday, "this week" is that day: 09:00 is before a 14:00–15:00 interview ends.
    friday = interview(day=date(2025, 12, 5), commitments=("the slides this week",))
    deliverable = one(plan_follow_ups(application(friday)), DELIVERABLE)
    assert deliverable.due == at(date(2025, 12, 8), 9)
    assert "moved to after the interview ends" in deliverable.reason


# --- time zones and daylight saving ---------------------------------------------------


def test_times_are_in_the_recipients_zone_then_the_companys_then_the_interviews():
    abroad = dataclasses.replace(JANE, tz=LONDON)
    plan = plan_follow_ups(application(interview(interviewers=(abroad,)), company_tz=NEW_YORK))
    assert one(plan, CHECK_IN).due.tzinfo == zone(LONDON)
    plan = plan_follow_ups(application(company_tz=NEW_YORK))
    assert one(plan, CHECK_IN).due.tzinfo == zone(NEW_YORK)
    plan = plan_follow_ups(application(company_tz=None))
    assert one(plan, CHECK_IN).due.tzinfo == zone(NAIROBI)


def test_a_check_in_across_the_new_york_dst_change_is_still_at_ten_local():
    # Interview Thu 29 Oct 2026 (EDT); clocks go back Sun 1 Nov; check-in Mon 2 Nov (EST).
    us = interview(day=date(2026, 10, 29), tz=NEW_YORK, promised_phrase="by Friday")
    check_in = one(plan_follow_ups(application(us, country="US", company_tz=NEW_YORK)), CHECK_IN)
    assert check_in.due.hour == 10
    assert check_in.due.date() == date(2026, 11, 2)
    assert check_in.due.utcoffset() == timedelta(hours=-5)
    assert us.end.utcoffset() == timedelta(hours=-4)


def test_a_check_in_across_the_london_dst_change_is_still_at_ten_local():
    # Interview Thu 26 Mar 2026 (GMT); clocks go forward Sun 29 Mar; check-in Mon 30 Mar (BST).
    uk = interview(day=date(2026, 3, 26), tz=LONDON, promised_phrase="Friday")
    app = application(uk, country="GB", subdivision="ENG", company_tz=LONDON)
    check_in = one(plan_follow_ups(app), CHECK_IN)
    assert check_in.due == datetime(2026, 3, 30, 9, 0, tzinfo=zone("UTC"))
    assert check_in.due.hour == 10 and check_in.due.utcoffset() == timedelta(hours=1)


def test_english_easter_monday_is_skipped_with_the_eng_subdivision():
    uk = interview(day=date(2026, 4, 1), tz=LONDON, promised_phrase="by Friday")  # Good Friday
    app = application(uk, country="GB", subdivision="ENG", company_tz=LONDON)
    # Fri 3 Apr (Good Friday) → Mon 6 Apr (Easter Monday in England) → Tue 7 Apr
    assert one(plan_follow_ups(app), CHECK_IN).due.date() == date(2026, 4, 7)


# --- profiles -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_type", "profile"),
    [("sales", ASSERTIVE), ("Inside Sales", ASSERTIVE), ("standard", STANDARD), ("", STANDARD)],
)
def test_sales_roles_default_to_the_assertive_profile(role_type, profile):
    assert default_profile(role_type) == profile


def test_the_assertive_profile_checks_in_on_the_second_business_day():
    plan = plan_follow_ups(application(role_type="sales"))
    check_in = one(plan, CHECK_IN)
    assert check_in.due == at(date(2025, 12, 11), 10)
    assert "2nd business day" in check_in.reason


def test_the_assertive_profile_proposes_a_phone_call_for_the_second_check_in():
    plan = plan_follow_ups(application(role_type="sales"))
    check_in_2 = one(plan, CHECK_IN_2)
    assert check_in_2.channel == PHONE
    assert check_in_2.due == at(date(2025, 12, 19), 10)  # Thu 11 + 5 business days (Fri 12 off)
    assert "phone call" in check_in_2.reason


def test_the_assertive_profile_still_waits_for_a_promised_date():
    promised = interview(promised_phrase="by Wednesday")
    assert one(plan_follow_ups(application(promised), ASSERTIVE), CHECK_IN).due == at(
        date(2025, 12, 11), 10
    )


def test_an_explicit_profile_overrides_the_role_types():
    check_in = one(plan_follow_ups(application(role_type="sales"), STANDARD), CHECK_IN)
    assert check_in.due == at(date(2025, 12, 17), 10)
    assert one(plan_follow_ups(application(role_type="sales"), STANDARD), CHECK_IN_2).channel == (
        EMAIL
    )


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="profile"):
        plan_follow_ups(application(), "pushy")


# --- the plan as a whole --------------------------------------------------------------


def test_the_plan_is_sorted_by_due_then_kind_then_slot():
    same_time = interview(interviewers=(OMAR, JANE), commitments=("a", "b"))
    plan = plan_follow_ups(application(same_time, recruiter=RECRUITER))
    keys = [(f.due, KINDS.index(f.kind), f.slot) for f in plan]
    assert keys == sorted(keys)
    assert [f.slot for f in plan[:2]] == ["thank_you:1:contact:1", "thank_you:1:contact:2"]


def test_planning_twice_gives_the_same_plan():
    app = application(
        interview(
            interviewers=(JANE, OMAR),
            promised_phrase="within two weeks",
            commitments=("portfolio by Tuesday",),
            asked_to_check_website=True,
        )
    )
    assert plan_follow_ups(app) == plan_follow_ups(app)


def test_nothing_is_due_before_an_overnight_interview_ends():
    overnight = InterviewFacts(
        key="1",
        start=at(date(2025, 12, 9), 23),
        end=at(date(2025, 12, 10), 9, 30),
        tz=NAIROBI,
        interviewers=(JANE,),
        promised_phrase="tomorrow",
        commitments=("notes tomorrow",),
    )
    plan = plan_follow_ups(application(overnight))
    assert all(f.due >= overnight.end for f in plan)


def test_an_application_without_interviews_plans_only_its_outcome():
    app = application(
        interviews=(), status=REJECTED, rejected_at=at(date(2025, 12, 15), 17), recruiter=RECRUITER
    )
    assert [f.kind for f in plan_follow_ups(app)] == [REJECTION_REPLY]


def test_an_unknown_zone_is_refused():
    with pytest.raises(UnknownZone):
        plan_follow_ups(application(interview(tz="Mars/Olympus_Mons")))
    with pytest.raises(UnknownZone):
        plan_follow_ups(application(company_tz="Nowhere/Special"))


def test_an_unknown_country_is_refused():
    with pytest.raises(UnknownCountry):
        plan_follow_ups(application(country="XX"))


def test_naive_datetimes_are_refused():
    naive = dataclasses.replace(interview(), end=datetime(2025, 12, 9, 15))
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_follow_ups(application(naive))


def test_an_interview_ending_before_it_starts_is_refused():
    backwards = dataclasses.replace(interview(), end=at(date(2025, 12, 9), 13))
    with pytest.raises(ValueError, match="ends before it starts"):
        plan_follow_ups(application(backwards))


# --- preview_promise ------------------------------------------------------------------

END = at(date(2025, 12, 9), 15)


def test_the_preview_names_the_holiday_that_moved_the_check_in():
    assert preview_promise("by Friday", END, NAIROBI, "KE") == (
        "→ check in Mon 15 Dec, 10:00 EAT — Fri 12 Dec is Jamhuri Day"
    )


def test_the_preview_names_the_promised_day():
    assert preview_promise("by Wednesday", END, NAIROBI, "KE") == (
        "→ check in Thu 11 Dec, 10:00 EAT — 'by Wednesday' is Wed 10 Dec"
    )


def test_the_preview_says_when_a_phrase_is_not_understood():
    assert preview_promise("whenever", END, NAIROBI, "KE") == (
        "→ 'whenever' not understood: check in Wed 17 Dec, 10:00 EAT (5th business day)"
    )


def test_the_preview_of_no_promise_uses_the_profile_of_the_role():
    assert preview_promise("", END, NAIROBI, "KE", role_type="sales") == (
        "→ no date promised: check in Thu 11 Dec, 10:00 EAT (2nd business day)"
    )


def test_the_preview_uses_the_recipients_zone():
    line = preview_promise("by Wednesday", END, NAIROBI, "KE", recipient_tz=LONDON)
    assert line.startswith("→ check in Thu 11 Dec, 10:00 GMT")


def test_the_preview_refuses_bad_zones_and_countries():
    with pytest.raises(UnknownZone):
        preview_promise("by Friday", END, "Mars/Base", "KE")
    with pytest.raises(UnknownCountry):
        preview_promise("by Friday", END, NAIROBI, "XX")


def test_what_a_follow_up_is_about_travels_as_fields_not_inside_the_slot():
    jane = dataclasses.replace(JANE, contact_id=41)
    plan = plan_follow_ups(
        application(
            interview(
                interviewers=(jane,),
                interview_id=17,
                commitments=("I'll send my portfolio by Friday", "I'll share references"),
            )
        ),
        STANDARD,
    )
    thank_you = next(f for f in plan if f.kind == THANK_YOU)
    assert thank_you.recipient is not None and thank_you.recipient.contact_id == 41
    assert thank_you.interview_id == 17
    assert all(f.interview_id == 17 for f in plan)
    assert sorted(f.commitment for f in plan if f.kind == DELIVERABLE) == [
        "I'll send my portfolio by Friday",
        "I'll share references",
    ]
    assert all(f.commitment is None for f in plan if f.kind != DELIVERABLE)
