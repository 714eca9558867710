"""The draft checker: each warning fires when it should and stays quiet otherwise."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from followup.drafting import Draft, DraftContext, check_draft, render_draft, word_count
from followup.drafting.checker import CODES, _spellchecker, misspelled_words
from followup.planner.types import (
    CAREERS_CHECK,
    CHECK_IN,
    DELIVERABLE,
    KEEP_WARM,
    PHONE,
    REJECTION_REPLY,
    THANK_YOU,
    WEBSITE,
)

NOTES = "Discussed the M-Pesa reconciliation pipeline and their move to BigQuery."

FILLER = (
    "I enjoyed learning how the analytics group plans its quarter, and I am still very keen on "
    "the opportunity. Please let me know if there is anything else I can share to help with "
    "your decision. Thank you again for your time."
)


def ctx_for(**changes: object) -> DraftContext:
    ctx = DraftContext(
        candidate_name="Wanjiru Kamau",
        recipient_name="Amina Odhiambo",
        role_title="Data Analyst",
        company_name="Safaricom",
        interview_date=date(2025, 12, 9),
        notes=NOTES,
        discussed_topic="the M-Pesa reconciliation pipeline",
    )
    return dataclasses.replace(ctx, **changes)  # type: ignore[arg-type]


def good_body(name: str = "Amina") -> str:
    return (
        f"Dear {name},\n\n"
        "Thank you for meeting me about the Data Analyst role at Safaricom. Our talk about the "
        "M-Pesa reconciliation pipeline has stayed with me. "
        f"{FILLER}\n\nBest regards,\nWanjiru Kamau\n"
    )


GOOD = Draft("Thank you: Data Analyst interview", good_body())


def codes(draft: Draft, ctx: DraftContext | None = None, **kwargs: object) -> list[str]:
    return [w.code for w in check_draft(draft, ctx or ctx_for(), **kwargs)]  # type: ignore[arg-type]


def test_a_good_draft_gets_no_warnings() -> None:
    assert 50 <= word_count(GOOD.body) <= 200
    assert check_draft(GOOD, ctx_for()) == []


def test_warning_codes_are_the_documented_ones() -> None:
    assert CODES == (
        "missing_name",
        "missing_role",
        "missing_detail",
        "too_short",
        "too_long",
        "misspelling",
        "missing_subject",
        "subject_too_long",
        "duplicate_text",
        "repeated_text",
        "missing_signature",
    )


# --- missing_name ------------------------------------------------------------------------------


def test_it_flags_a_draft_that_never_uses_the_recipients_name() -> None:
    draft = Draft(GOOD.subject, good_body("team"))
    warnings = check_draft(draft, ctx_for())
    assert [w.code for w in warnings] == ["missing_name"]
    assert "Amina Odhiambo" in warnings[0].message


def test_it_flags_a_draft_with_no_recipient() -> None:
    draft = Draft(GOOD.subject, good_body("Sir or Madam"))
    assert codes(draft, ctx_for(recipient_name=None)) == ["missing_name"]


def test_a_surname_after_a_title_counts_as_the_name() -> None:
    draft = Draft(GOOD.subject, good_body("Ms. Ndegwa"))
    assert codes(draft, ctx_for(recipient_name="Ms. Muthoni Ndegwa")) == []


# --- missing_role ------------------------------------------------------------------------------


def test_it_flags_a_draft_without_the_role() -> None:
    draft = Draft(GOOD.subject, GOOD.body.replace("Data Analyst role", "position"))
    assert codes(draft) == ["missing_role"]


def test_the_role_may_be_named_without_its_qualifier() -> None:
    assert codes(GOOD, ctx_for(role_title="Data Analyst (Fintech)")) == []
    assert codes(GOOD, ctx_for(role_title="Data Analyst, Payments")) == []


# --- missing_detail ----------------------------------------------------------------------------


def test_it_flags_a_draft_with_no_specific_detail() -> None:
    body = GOOD.body.replace(
        "Our talk about the M-Pesa reconciliation pipeline has stayed with me. ", ""
    )
    warnings = check_draft(Draft(GOOD.subject, body + "Warm wishes to all.\n"), ctx_for())
    assert [w.code for w in warnings] == ["missing_detail"]
    assert "the M-Pesa reconciliation pipeline" in warnings[0].message


def test_any_detail_from_the_notes_counts() -> None:
    body = GOOD.body.replace("M-Pesa reconciliation pipeline", "move to BigQuery")
    assert codes(Draft(GOOD.subject, body)) == []


def test_it_flags_a_draft_when_there_are_no_notes_to_draw_on() -> None:
    assert codes(GOOD, ctx_for(notes="", discussed_topic=None)) == ["missing_detail"]


def test_the_role_company_and_names_in_the_notes_are_not_a_detail() -> None:
    notes = "Amina Odhiambo interviewed me for Data Analyst at Safaricom"
    body = GOOD.body.replace(
        "Our talk about the M-Pesa reconciliation pipeline has stayed with me. ", ""
    )
    assert codes(Draft(GOOD.subject, body), ctx_for(notes=notes, discussed_topic=None)) == [
        "missing_detail"
    ]


# --- too_short / too_long ----------------------------------------------------------------------


def test_it_flags_a_thank_you_under_50_words() -> None:
    draft = Draft(
        GOOD.subject,
        "Dear Amina,\n\nThanks for the Data Analyst interview and the talk about the M-Pesa "
        "reconciliation pipeline.\n\nWanjiru\n",
    )
    warnings = check_draft(draft, ctx_for())
    assert [w.code for w in warnings] == ["too_short"]
    assert "aim for 50-200" in warnings[0].message


def test_it_flags_a_check_in_over_200_words() -> None:
    body = GOOD.body.replace(FILLER, FILLER * 6)
    assert codes(Draft(GOOD.subject, body), ctx_for(kind=CHECK_IN)) == ["too_long"]


def test_length_is_only_checked_for_thank_yous_and_check_ins() -> None:
    short = Draft(
        "As promised",
        "Dear Amina,\n\nMy portfolio for the Data Analyst role, with the M-Pesa pipeline work.\n",
    )
    assert codes(short, ctx_for(kind=DELIVERABLE)) == []
    assert codes(short, ctx_for(kind=THANK_YOU, channel=PHONE)) == []
    long = Draft(GOOD.subject, GOOD.body.replace(FILLER, FILLER * 6))
    assert codes(long, ctx_for(kind=REJECTION_REPLY)) == []
    assert codes(long, ctx_for(kind=KEEP_WARM)) == []


# --- misspelling -------------------------------------------------------------------------------


def test_it_flags_a_misspelling_but_not_the_company_name() -> None:
    body = GOOD.body.replace("Thank you for meeting", "Thank you for recieve meeting")
    ctx = ctx_for(company_name="Twiga Foods", notes=NOTES + " Twiga logistics.")
    body = body.replace("Safaricom", "Twiga Foods")
    warnings = check_draft(Draft(GOOD.subject, body), ctx)
    assert [w.code for w in warnings] == ["misspelling"]
    assert warnings[0].message == "Possible misspellings: recieve (receive or relieve?)."
    assert "Twiga" not in warnings[0].message


def test_names_of_people_companies_and_the_role_are_never_flagged() -> None:
    ctx = ctx_for(
        recipient_name="Wairimu Njoroge",
        candidate_name="Otieno Ochieng",
        company_name="Kopokopo",
        role_title="Mobilemoney Quant",
    )
    body = (
        "wairimu njoroge, kopokopo mobilemoney quant otieno ochieng. Ochieng will write to Njoroge."
    )
    assert misspelled_words(body) != []  # the dictionary does not know them ...
    assert "misspelling" not in codes(Draft("Hi", body), ctx)  # ... the checker does


def test_words_from_the_notes_and_extra_words_are_never_flagged() -> None:
    body = GOOD.body + "Mpesa reconcilliation and Jengabot and Chamapay.\n"
    assert "misspelling" in codes(Draft(GOOD.subject, body))
    notes = NOTES + " Mpesa reconcilliation"
    assert "misspelling" not in codes(
        Draft(GOOD.subject, body), ctx_for(notes=notes), extra_words=["Jengabot", "Chamapay"]
    )


def test_urls_emails_acronyms_and_proper_nouns_are_not_flagged() -> None:
    text = (
        "See https://kazi.example.co.ke/jobz or write to wanjiru@kaziz.co.ke. I used SQLx and "
        "GitHub with Zyxcorp at Nairobi, on 3rd-party dashboards. My CV and LinkedIn are ready."
    )
    assert misspelled_words(text) == []


def test_a_misspelt_word_at_the_start_of_a_sentence_is_flagged() -> None:
    assert misspelled_words("Thanks. Recieve this. Definately.") == ["Recieve", "Definately"]


def test_british_spellings_are_not_flagged() -> None:
    text = (
        "The organisation's programme helped me analyse behaviour; "
        "I realise my favourite colour is centre stage."
    )
    assert misspelled_words(text) == []


def test_misspellings_are_never_corrected() -> None:
    body = GOOD.body.replace("Thank you for", "Thank you verry much for")
    draft = Draft(GOOD.subject, body)
    warnings = check_draft(draft, ctx_for())
    assert [w.code for w in warnings] == ["misspelling"]
    assert "verry" in warnings[0].message
    assert draft.body == body


def test_the_subject_is_spell_checked_too() -> None:
    assert codes(Draft("Thank yuo: Data Analyst", GOOD.body)) == ["misspelling"]


def test_the_spellchecker_is_loaded_once() -> None:
    assert _spellchecker() is _spellchecker()


# --- missing_subject / subject_too_long --------------------------------------------------------


def test_it_flags_a_missing_subject() -> None:
    assert codes(Draft("", GOOD.body)) == ["missing_subject"]
    assert codes(Draft("  \n ", GOOD.body)) == ["missing_subject"]


def test_it_flags_a_subject_over_78_characters() -> None:
    at_limit = "Thank you: Data Analyst interview " + "x" * (78 - 34)
    assert len(at_limit) == 78
    assert "subject_too_long" not in codes(Draft(at_limit, GOOD.body), extra_words=["x" * 44])
    warnings = check_draft(Draft(at_limit + "x", GOOD.body), ctx_for(), extra_words=["x" * 45])
    assert [w.code for w in warnings] == ["subject_too_long"]
    assert "79 characters" in warnings[0].message


# --- duplicate_text ----------------------------------------------------------------------------


def test_it_flags_the_same_text_going_to_two_interviewers() -> None:
    to_john = Draft(GOOD.subject, good_body("John"))
    assert codes(GOOD, other_drafts=[to_john]) == ["duplicate_text"]


def test_different_notes_to_a_panel_are_not_duplicates() -> None:
    to_john = Draft(GOOD.subject, good_body("John").replace("stayed with me", "stuck with me"))
    assert codes(GOOD, other_drafts=[to_john]) == []
    assert codes(GOOD, other_drafts=[GOOD]) == []  # the draft itself is skipped


# --- kinds that are not letters ----------------------------------------------------------------


def test_a_careers_check_is_not_asked_for_a_name_or_a_detail() -> None:
    ctx = ctx_for(kind=CAREERS_CHECK, channel=WEBSITE, recipient_name=None, notes="")
    draft = render_draft(CAREERS_CHECK, ctx)
    assert check_draft(draft, ctx) == []


def test_a_rendered_draft_missing_everything_gets_every_content_warning() -> None:
    ctx = ctx_for(recipient_name=None, notes="", discussed_topic=None)
    draft = Draft("", "Hello,\n\nThanks for yesterday. Speek soon.\n")
    assert codes(draft, ctx) == [
        "missing_name",
        "missing_role",
        "missing_detail",
        "too_short",
        "misspelling",
        "missing_subject",
    ]


@pytest.mark.parametrize("kind", [THANK_YOU, CHECK_IN])
def test_warnings_have_readable_messages(kind: str) -> None:
    draft = Draft("x" * 100, "Hi.\n")
    for warning in check_draft(draft, ctx_for(kind=kind), other_drafts=[Draft("y", "Hi.\n")]):
        assert warning.message and warning.message[0].isupper() and warning.message.endswith(".")
