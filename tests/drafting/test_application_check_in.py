"""The application check-in's built-in draft: a short status note on an application that never
reached an interview, as a careers coach would write it."""

from __future__ import annotations

import dataclasses
from datetime import date

from followup.drafting import (
    DEFAULT_TEMPLATES,
    DraftContext,
    check_draft,
    render_draft,
    validate_template,
    word_count,
)
from followup.lib.vocabulary import kind_label
from followup.planner.types import APPLICATION_CHECK_IN, ASSERTIVE, PHONE

CONTEXT = DraftContext(
    candidate_name="Amina Njeri",
    signature="Amina Njeri\n+254 712 345 678",
    recipient_name="Grace Achieng",
    role_title="Sales Executive",
    company_name="Savanna Mobile",
    applied_on=date(2025, 12, 1),
    kind=APPLICATION_CHECK_IN,
)


def test_it_names_the_role_the_company_and_the_day_they_applied() -> None:
    draft = render_draft(APPLICATION_CHECK_IN, CONTEXT)
    assert draft.subject == "Following up on my application: Sales Executive at Savanna Mobile"
    assert draft.body.startswith("Dear Grace,\n")
    assert "I applied for the Sales Executive role at Savanna Mobile on Monday 1 December" in (
        draft.body
    )
    assert draft.body.rstrip().endswith("Amina Njeri\n+254 712 345 678")


def test_it_is_short_and_never_mentions_an_interview_or_asks_a_stray_question() -> None:
    for ctx in (CONTEXT, dataclasses.replace(CONTEXT, profile=ASSERTIVE)):
        body = render_draft(APPLICATION_CHECK_IN, ctx).body
        assert "interview" not in body.lower()
        assert "?" not in body
        assert word_count(body) < 120
        assert len(set(body.split("\n\n"))) == len(body.split("\n\n"))  # no repeated paragraph


def test_the_assertive_profile_offers_a_call() -> None:
    standard = render_draft(APPLICATION_CHECK_IN, CONTEXT).body
    assertive = render_draft(APPLICATION_CHECK_IN, dataclasses.replace(CONTEXT, profile=ASSERTIVE))
    assert "call" not in standard
    assert "a short call" in assertive.body


def test_without_a_recipient_or_a_date_it_still_reads_right() -> None:
    bare = dataclasses.replace(CONTEXT, recipient_name=None, applied_on=None)
    body = render_draft(APPLICATION_CHECK_IN, bare).body
    assert body.startswith("Hello,\n")
    assert "I applied for the Sales Executive role at Savanna Mobile, and" in body
    assert " on ," not in body


def test_the_checker_asks_for_no_interview_notes() -> None:
    draft = render_draft(APPLICATION_CHECK_IN, CONTEXT)
    codes = [w.code for w in check_draft(draft, CONTEXT)]
    assert "missing_detail" not in codes
    assert "missing_role" not in codes
    assert "missing_name" not in codes


def test_the_built_in_template_validates_and_has_a_label() -> None:
    assert validate_template(DEFAULT_TEMPLATES[APPLICATION_CHECK_IN], APPLICATION_CHECK_IN) == []
    assert kind_label(APPLICATION_CHECK_IN) == "Application check-in"


def test_a_phone_check_in_gets_a_call_script_about_the_application() -> None:
    script = render_draft(APPLICATION_CHECK_IN, dataclasses.replace(CONTEXT, channel=PHONE))
    assert "to ask where your application stands" in script.body
    assert "I applied for the Sales Executive role on Monday 1 December" in script.body
    assert "We spoke" not in script.body and "your time on" not in script.body
    assert "interview" not in script.body.lower()
