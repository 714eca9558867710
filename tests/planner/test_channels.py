"""The recipient's preferred channel decides the channel of their follow-ups."""

from datetime import date, datetime, time, timedelta

import pytest

from followup.planner import (
    CAREERS_CHECK,
    CHECK_IN,
    EMAIL,
    INTERVIEWING,
    PHONE,
    THANK_YOU,
    WEBSITE,
    ApplicationFacts,
    InterviewFacts,
    Person,
    local_datetime,
    plan_follow_ups,
)
from followup.planner.channels import channel_for
from followup.planner.types import LINKEDIN, WHATSAPP

NAIROBI = "Africa/Nairobi"
PHONE_NUMBER = "+254712345678"


def person(**overrides):
    values = {"key": "contact:1", "name": "Wanjiku Kamau", "email": "wanjiku@savanna.example"}
    return Person(**{**values, **overrides})


def facts(interviewer, *, check_website=False):
    start = local_datetime(date(2025, 12, 9), time(10), NAIROBI)
    return ApplicationFacts(
        company_name="Savanna Mobile",
        country="KE",
        company_tz=None,
        role_title="Sales Executive",
        role_type="standard",
        status=INTERVIEWING,
        interviews=(
            InterviewFacts(
                key="1",
                start=start,
                end=start + timedelta(hours=1),
                tz=NAIROBI,
                interviewers=(interviewer,),
                asked_to_check_website=check_website,
            ),
        ),
    )


def test_a_person_without_a_preference_gets_the_rules_channel():
    assert channel_for(person(), EMAIL) == EMAIL
    assert channel_for(person(), PHONE) == PHONE
    assert channel_for(None, EMAIL) == EMAIL


@pytest.mark.parametrize("wanted", [PHONE, WHATSAPP])
def test_phone_and_whatsapp_are_used_only_with_a_number(wanted):
    assert channel_for(person(preferred_channel=wanted, phone=PHONE_NUMBER), EMAIL) == wanted
    assert channel_for(person(preferred_channel=wanted), EMAIL) == EMAIL


def test_email_is_used_only_with_an_address():
    assert channel_for(person(preferred_channel=EMAIL), PHONE) == EMAIL
    assert channel_for(person(preferred_channel=EMAIL, email=None), PHONE) == PHONE


def test_linkedin_is_used_when_preferred():
    assert channel_for(person(preferred_channel=LINKEDIN), EMAIL) == LINKEDIN


def test_a_careers_page_check_stays_on_the_website():
    wanted = person(preferred_channel=WHATSAPP, phone=PHONE_NUMBER)
    assert channel_for(wanted, WEBSITE) == WEBSITE


def test_a_plan_reaches_a_whatsapp_person_on_whatsapp_and_says_why():
    plan = plan_follow_ups(facts(person(preferred_channel=WHATSAPP, phone=PHONE_NUMBER)))
    to_her = [f for f in plan if f.recipient is not None]
    assert to_her and {f.channel for f in to_her} == {WHATSAPP}
    thank_you = next(f for f in plan if f.kind == THANK_YOU)
    assert thank_you.reason.endswith("On WhatsApp, the way Wanjiku Kamau prefers to be reached.")


def test_a_plan_without_preferences_is_unchanged():
    plan = plan_follow_ups(facts(person()))
    assert {f.kind: f.channel for f in plan}[CHECK_IN] == EMAIL
    assert all("prefers to be reached" not in f.reason for f in plan)


def test_careers_checks_in_a_plan_stay_on_the_website():
    plan = plan_follow_ups(
        facts(person(preferred_channel=PHONE, phone=PHONE_NUMBER), check_website=True)
    )
    checks = [f for f in plan if f.kind == CAREERS_CHECK]
    assert checks and all(f.channel == WEBSITE for f in checks)
    assert isinstance(checks[0].due, datetime)
