"""Rendering drafts from the built-in and user templates (pure Python, no database)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from followup.drafting import (
    CALL_SCRIPT,
    DEFAULT_QUESTION_BANK,
    DEFAULT_TEMPLATES,
    Draft,
    DraftContext,
    Question,
    TemplateProblem,
    TemplateSource,
    check_draft,
    pick_topic,
    preview,
    render_draft,
    template_vars,
    validate_template,
    word_count,
)
from followup.planner.types import (
    ASSERTIVE,
    CAREERS_CHECK,
    CHECK_IN,
    CHECK_IN_2,
    CHECK_IN_KINDS,
    DELIVERABLE,
    EMAIL,
    FINAL_CHECK_IN,
    KEEP_WARM,
    KINDS,
    LINKEDIN,
    PHONE,
    REJECTION_REPLY,
    STANDARD,
    THANK_YOU,
    WEBSITE,
)

NOTES = """\
- Discussed the migration of their data warehouse to BigQuery.
- Amina asked about my M-Pesa reconciliation project.
- They said they'll get back to me by Friday.
- Salary range discussed.
- They are building a churn model for postpaid customers."""

PANEL = ("Amina Odhiambo", "John Mwangi", "Grace Wanjiku")


def realistic(**changes: object) -> DraftContext:
    ctx = DraftContext(
        candidate_name="Wanjiru Kamau",
        signature="Wanjiru Kamau\n+254 712 345 678",
        recipient_name="Amina Odhiambo",
        role_title="Data Analyst",
        company_name="Safaricom",
        interview_date=date(2025, 12, 9),
        round_name="Technical round",
        notes=NOTES,
        unasked_questions=(
            "what does a typical week look like for the team",
            "How is success measured in the first 90 days?",
        ),
        commitments=("I'll send my portfolio by Friday",),
        promised_phrase="we'll get back to you by Friday",
        careers_url="https://www.safaricom.co.ke/careers",
        panel_size=3,
    )
    return dataclasses.replace(ctx, **changes)  # type: ignore[arg-type]


def without_greeting(body: str) -> str:
    return body.split("\n", 1)[1]


# --- every kind renders ------------------------------------------------------------------------


@pytest.mark.parametrize("profile", [STANDARD, ASSERTIVE])
@pytest.mark.parametrize("channel", [EMAIL, PHONE, LINKEDIN, WEBSITE])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_and_passes_the_checker(kind: str, channel: str, profile: str) -> None:
    ctx = realistic(kind=kind, channel=channel, profile=profile)
    draft = render_draft(kind, ctx)
    assert draft.subject and "\n" not in draft.subject
    assert "Data Analyst" in draft.body and "Safaricom" in draft.body
    assert "{{" not in draft.body and "{%" not in draft.body
    assert not draft.body.startswith("\n") and draft.body.endswith("\n")
    assert "\n\n\n" not in draft.body
    assert check_draft(draft, ctx) == []


_VARIANTS: dict[str, dict[str, object]] = {
    "full": {},
    "no date, round or promise": {"interview_date": None, "round_name": "", "promised_phrase": ""},
    "no unasked questions": {"unasked_questions": ()},
    "many long unasked questions": {
        "unasked_questions": tuple(
            f"Could you tell me more about how the analytics team works with product number {n}?"
            for n in range(6)
        )
    },
    "one interviewer": {"panel_size": 1},
    "a title in the name": {"recipient_name": "Dr. Amina Odhiambo"},
    "an edited question bank": {
        "question_bank": (Question("next_steps", "When do you expect to decide on the shortlist?"),)
    },
}


@pytest.mark.parametrize("variant", sorted(_VARIANTS))
@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("profile", [STANDARD, ASSERTIVE])
@pytest.mark.parametrize("kind", [THANK_YOU, *sorted(CHECK_IN_KINDS)])
def test_thank_yous_and_check_ins_are_50_to_200_words_with_no_warnings(
    kind: str, profile: str, index: int, variant: str
) -> None:
    changes = dict(_VARIANTS[variant])
    changes.setdefault("discussed_topic", pick_topic(NOTES, index))
    ctx = realistic(kind=kind, profile=profile, interviewer_index=index, **changes)
    draft = render_draft(kind, ctx)
    assert 50 <= word_count(draft.body) <= 200, draft.body
    assert check_draft(draft, ctx) == []


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown follow-up kind"):
        render_draft("carrier_pigeon", realistic())


# --- personal, specific, different per interviewer ---------------------------------------------


def test_a_thank_you_uses_the_name_role_company_and_a_topic_from_the_notes() -> None:
    draft = render_draft(THANK_YOU, realistic())
    assert draft.body.startswith("Dear Amina,\n")
    assert "Data Analyst" in draft.body and "Safaricom" in draft.body
    assert "BigQuery" in draft.body
    assert "on Tuesday" in draft.body
    assert draft.body.rstrip().endswith("Wanjiru Kamau\n+254 712 345 678")


def test_thank_yous_to_a_panel_differ() -> None:
    drafts = []
    for index, name in enumerate(PANEL):
        ctx = realistic(
            recipient_name=name, interviewer_index=index, discussed_topic=pick_topic(NOTES, index)
        )
        drafts.append((ctx, render_draft(THANK_YOU, ctx)))
    bodies = {without_greeting(d.body) for _, d in drafts}
    subjects = {d.subject for _, d in drafts}
    openings = {d.body.split("\n")[2] for _, d in drafts}
    assert len(bodies) == len(subjects) == len(openings) == len(PANEL)
    for ctx, draft in drafts:
        others = [d for _, d in drafts]
        assert check_draft(draft, ctx, other_drafts=others) == []


def test_thank_yous_to_a_panel_differ_even_with_a_single_topic() -> None:
    one_topic = "Talked about the Kafka streaming pipeline."
    bodies = {
        without_greeting(
            render_draft(
                THANK_YOU,
                realistic(recipient_name=name, interviewer_index=i, notes=one_topic),
            ).body
        )
        for i, name in enumerate(PANEL)
    }
    assert len(bodies) == len(PANEL)
    assert all("Kafka streaming pipeline" in b for b in bodies)


def test_the_topic_is_picked_from_the_notes_when_not_given() -> None:
    first = render_draft(THANK_YOU, realistic(discussed_topic=None, interviewer_index=0))
    second = render_draft(THANK_YOU, realistic(discussed_topic=None, interviewer_index=1))
    assert "BigQuery" in first.body
    assert "M-Pesa reconciliation project" in second.body


def test_an_unaddressed_thank_you_says_hello() -> None:
    draft = render_draft(THANK_YOU, realistic(recipient_name=None))
    assert draft.body.startswith("Hello,\n")


def test_a_surname_with_a_title_is_greeted_formally() -> None:
    ctx = realistic(recipient_name="Ms. Ndegwa")
    assert ctx.recipient_first_name is None
    assert render_draft(THANK_YOU, ctx).body.startswith("Dear Ms. Ndegwa,\n")


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Amina Odhiambo", "Amina"),
        ("Dr. Amina Odhiambo", "Amina"),
        ("Prof Grace Wanjiku", "Grace"),
        ("Amina", "Amina"),
        ("Ms. Ndegwa", None),
        ("John Mwangi <john@example.com>", "John"),
        (None, None),
        ("", None),
    ],
)
def test_the_first_name_is_derived(name: str | None, first: str | None) -> None:
    assert realistic(recipient_name=name).recipient_first_name == first


# --- tone --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [THANK_YOU, CHECK_IN, CHECK_IN_2, FINAL_CHECK_IN, KEEP_WARM])
def test_the_assertive_profile_is_more_direct_and_proposes_a_call(kind: str) -> None:
    standard = render_draft(kind, realistic(kind=kind))
    assertive = render_draft(kind, realistic(kind=kind, profile=ASSERTIVE))
    assert "call" in assertive.body.lower()
    assert "call" not in standard.body.lower()


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        realistic(profile="pushy")


# --- questions ---------------------------------------------------------------------------------


def test_check_ins_weave_in_the_unasked_questions_and_the_question_bank() -> None:
    body = render_draft(CHECK_IN, realistic(kind=CHECK_IN)).body
    assert "- What does a typical week look like for the team?" in body  # capitalised, "?" added
    assert "- How is success measured in the first 90 days?" in body
    assert "next steps" in body


def test_later_check_ins_ask_the_remaining_unasked_questions() -> None:
    questions = ("First question?", "Second question?", "Third question?")
    first = render_draft(CHECK_IN, realistic(kind=CHECK_IN, unasked_questions=questions)).body
    second = render_draft(CHECK_IN_2, realistic(kind=CHECK_IN_2, unasked_questions=questions)).body
    assert "First question?" in first and "Third question?" not in first
    assert "Third question?" in second and "First question?" not in second


def test_the_rejection_reply_asks_what_the_guidance_advises() -> None:
    body = render_draft(REJECTION_REPLY, realistic(kind=REJECTION_REPLY)).body.lower()
    assert body.startswith("dear amina,\n\nthank you")
    # At most three questions, in the bank's order: feedback, future openings, CV retention.
    assert body.index("feedback") < body.index("upcoming openings") < body.index("how long")
    assert "improve" in body and "talent pool" in body
    assert "how often are new openings posted" not in body  # a fourth question: left out
    assert "even a line would help" in body  # an easy out


def test_the_rejection_reply_never_asks_the_interviews_unasked_questions() -> None:
    ctx = realistic(
        kind=REJECTION_REPLY, unasked_questions=("What does a typical week look like?",)
    )
    body = render_draft(REJECTION_REPLY, ctx).body.lower()
    assert "typical week" not in body  # that belongs in a check-in


@pytest.mark.parametrize("profile", [STANDARD, ASSERTIVE])
def test_the_rejection_reply_stays_under_150_words(profile: str) -> None:
    draft = render_draft(REJECTION_REPLY, realistic(kind=REJECTION_REPLY, profile=profile))
    assert word_count(draft.body) < 150


def test_an_edited_question_bank_is_used() -> None:
    bank = (
        *DEFAULT_QUESTION_BANK[1:],
        Question("next_steps", "Has the panel met to compare candidates yet?"),
    )
    body = render_draft(CHECK_IN, realistic(kind=CHECK_IN, question_bank=bank)).body
    assert "Has the panel met to compare candidates yet?" in body
    assert DEFAULT_QUESTION_BANK[0].text not in body


def test_the_default_question_bank_covers_the_article() -> None:
    topics = [q.topic for q in DEFAULT_QUESTION_BANK]
    assert topics == ["next_steps", "openings", "cv_retention", "posting_frequency", "feedback"]


# --- other kinds -------------------------------------------------------------------------------


def test_a_deliverable_sends_what_was_promised() -> None:
    draft = render_draft(DELIVERABLE, realistic(kind=DELIVERABLE))
    assert draft.subject == "As promised: my portfolio (Data Analyst)"
    assert "I'm sharing my portfolio." in draft.body


def test_a_deliverable_names_its_own_commitment() -> None:
    ctx = realistic(
        kind=DELIVERABLE,
        commitments=("I'll send my portfolio by Friday", "I will share the case study next week"),
        commitment="I will share the case study next week",
    )
    assert "I'm sharing the case study." in render_draft(DELIVERABLE, ctx).body


def test_the_careers_check_is_a_note_to_self_with_the_url() -> None:
    ctx = realistic(kind=CAREERS_CHECK, channel=WEBSITE)
    draft = render_draft(CAREERS_CHECK, ctx)
    assert draft.body.startswith("Note to self:")
    assert "careers page" in draft.body
    assert "https://www.safaricom.co.ke/careers" in draft.body
    without_url = render_draft(CAREERS_CHECK, realistic(careers_url=None, kind=CAREERS_CHECK))
    assert "Safaricom careers" in without_url.body


def test_a_phone_follow_up_gets_a_call_script() -> None:
    ctx = realistic(kind=CHECK_IN_2, channel=PHONE, candidate_phone="+254 712 345 678")
    draft = render_draft(CHECK_IN_2, ctx)
    assert draft.subject == "Call Amina Odhiambo about the Data Analyst role at Safaricom"
    assert "Talking points:" in draft.body
    assert "The question to ask:\n- Is there any update on the next steps" in draft.body
    assert "If you reach voicemail:" in draft.body
    assert '"Hi Amina, this is Wanjiru Kamau' in draft.body
    assert "You can reach me on +254 712 345 678." in draft.body
    assert "BigQuery" in draft.body
    assert draft == render_draft(CHECK_IN_2, ctx, {CALL_SCRIPT: DEFAULT_TEMPLATES[CALL_SCRIPT]})


def test_a_phone_follow_up_uses_the_users_call_script() -> None:
    mine = {CALL_SCRIPT: TemplateSource("Ring {{ greeting_name }}", "Ask: {{ bank.next_steps }}")}
    draft = render_draft(CHECK_IN, realistic(kind=CHECK_IN, channel=PHONE), mine)
    assert draft.subject == "Ring Amina"
    assert draft.body.startswith("Ask: Is there any update")


# --- subjects ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(CHECK_IN_KINDS))
def test_check_ins_reply_in_the_thread_of_the_previous_message(kind: str) -> None:
    previous = "Thank you: Data Analyst interview at Safaricom"
    draft = render_draft(kind, realistic(kind=kind, previous_subject=previous))
    assert draft.subject == f"Re: {previous}"


def test_a_reply_subject_is_not_re_re() -> None:
    ctx = realistic(kind=CHECK_IN_2, previous_subject="RE: Following up")
    assert render_draft(CHECK_IN_2, ctx).subject == "RE: Following up"


def test_only_check_ins_thread_and_an_empty_previous_subject_is_ignored() -> None:
    assert render_draft(THANK_YOU, realistic(previous_subject="Earlier")).subject.startswith(
        "Thank you"
    )
    ctx = realistic(kind=CHECK_IN, previous_subject="  ")
    assert render_draft(CHECK_IN, ctx).subject == "Following up: Data Analyst at Safaricom"
    phone = realistic(kind=CHECK_IN, channel=PHONE, previous_subject="Earlier")
    assert render_draft(CHECK_IN, phone).subject.startswith("Call ")


def test_header_unsafe_subjects_are_stripped() -> None:
    evil = TemplateSource(
        "Hello {{ company_name }}\r\nBcc: everyone@example.com\n\u2028X-Evil: 1\x00", "Body"
    )
    draft = render_draft(THANK_YOU, realistic(), {THANK_YOU: evil})
    assert draft.subject == "Hello Safaricom Bcc: everyone@example.com X-Evil: 1"
    ctx = realistic(kind=CHECK_IN, previous_subject="Hi\r\nBcc: x@example.com")
    assert render_draft(CHECK_IN, ctx).subject == "Re: Hi Bcc: x@example.com"
    company = realistic(company_name="Acme\nBcc: x@example.com")
    assert "\n" not in render_draft(THANK_YOU, company).subject


# --- user templates and the sandbox -----------------------------------------------------------


def test_user_templates_override_only_their_own_kind() -> None:
    mine = {THANK_YOU: TemplateSource("Thanks, {{ greeting_name }}", "Hi {{ greeting_name }}!")}
    assert render_draft(THANK_YOU, realistic(), mine) == Draft("Thanks, Amina", "Hi Amina!\n")
    assert render_draft(CHECK_IN, realistic(), mine) == render_draft(CHECK_IN, realistic())


def test_a_line_ending_in_a_block_tag_keeps_its_line_break() -> None:
    source = TemplateSource(
        "S",
        "Line one{% if assertive %} and more{% endif %}\n"
        "Line two\n"
        "{% for q in questions_to_ask %}\n"
        "- {{ q }}\n"
        "{% endfor %}\n"
        "End",
    )
    body = preview(CHECK_IN, source, realistic(unasked_questions=())).body
    assert body == "Line one\nLine two\n- " + DEFAULT_QUESTION_BANK[0].text + "\nEnd\n"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ recipient_name.__class__.__base__ }}",
        "{{ bank.__class__ }}",
        "{{ question_bank[0].__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ namespace() }}",
        "{{ self._TemplateReference__context }}",
        "{{ bank.update({'a': 'b'}) }}",
        "{{ '{0.__class__}'.format(notes) }}",
        "{{ '%s' % notes }}",
        "{{ config }}",
        "{{ request }}",
        "{% import 'os' as os %}",
        "{% include '/etc/passwd' %}",
        "{% extends 'base.html' %}",
        "{% from 'x' import y %}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    ],
)
def test_a_template_cannot_reach_python_internals(source: str) -> None:
    with pytest.raises(TemplateProblem):
        preview(THANK_YOU, TemplateSource("Subject", source), realistic())


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 1000000000 }}",
        "{{ 9 ** 9999999 }}",
        "{{ ' '.ljust(1000000000) }}",
        "{{ notes|center(1000000000) }}",
        "{% for i in range(100000000) %}x{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}{{ notes }}{% endfor %}{% endfor %}",
        "{% for a in 'ab' %}{% for b in 'ab' %}{% for c in 'ab' %}{% endfor %}{% endfor %}{% endfor %}",
        "{% set a = notes ~ notes %}" + "{% set a = a ~ a %}" * 30 + "{{ a|length }}",
        "{{ notes|replace('', notes * 20) }}",
        "{{ (notes|list)|join(notes * 20) }}",
        "{% set a %}{{ notes }}{{ notes }}{% endset %}",
        "{% for x in 'a' recursive %}{{ loop(x) }}{% endfor %}",
    ],
)
def test_a_template_cannot_exhaust_the_server(source: str) -> None:
    with pytest.raises(TemplateProblem):
        preview(THANK_YOU, TemplateSource("Subject", source), realistic())


def test_a_broken_template_names_the_template_and_the_line() -> None:
    broken = TemplateSource("Hi", "Dear {{ greeting_name }},\n\n{% if assertive %}\nNo end")
    with pytest.raises(TemplateProblem) as syntax:
        render_draft(THANK_YOU, realistic(), {THANK_YOU: broken})
    message = str(syntax.value)
    assert "\n" not in message
    assert message.startswith("thank_you template (body), line 4:")
    assert isinstance(syntax.value, ValueError)

    undefined = TemplateSource("Hi", "Dear {{ greeting_name }},\n\nAbout {{ compnay_name }}.")
    with pytest.raises(
        TemplateProblem, match=r"thank_you template \(body\), line 3: 'compnay_name'"
    ):
        render_draft(THANK_YOU, realistic(), {THANK_YOU: undefined})

    bad_subject = TemplateSource("{{ role_title | nosuchfilter }}", "Body")
    with pytest.raises(TemplateProblem, match=r"check_in template \(subject\)"):
        render_draft(CHECK_IN, realistic(), {CHECK_IN: bad_subject})


def test_the_template_context_holds_plain_values_only() -> None:
    def plain(value: object) -> bool:
        if isinstance(value, str | int | bool):
            return True
        if isinstance(value, tuple):
            return all(plain(v) for v in value)
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        return False

    for kind in KINDS:
        values = template_vars(kind, realistic(kind=kind))
        assert all(plain(v) for v in values.values()), kind


# --- the settings editor -----------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(DEFAULT_TEMPLATES))
def test_the_default_templates_validate(key: str) -> None:
    assert validate_template(DEFAULT_TEMPLATES[key], key) == []


def test_validate_template_reports_problems_one_line_each() -> None:
    problems = validate_template(
        TemplateSource("Hi {{ recipient_first_name }}", "Hello\n{{ foo }} and {{ bar.baz }}")
    )
    assert problems == [
        "thank_you template (body), line 2: unknown name 'bar'",
        "thank_you template (body), line 2: unknown name 'foo'",
    ]
    assert validate_template(TemplateSource("", "Body")) == [
        "thank_you template (subject): the subject is empty"
    ]
    syntax = validate_template(TemplateSource("Hi", "{% if %}"))
    assert len(syntax) == 1 and syntax[0].startswith("thank_you template (body), line 1:")


def test_validate_template_catches_a_template_that_fails_on_sparse_data() -> None:
    problems = validate_template(TemplateSource("Hi", "{{ questions_to_ask[0] }}"), CHECK_IN)
    assert problems == [
        "check_in template (body), line 1: tuple object has no element 0 "
        "(with no recipient, notes or questions)"
    ]


def test_preview_renders_the_template_being_edited() -> None:
    source = TemplateSource("About {{ role_title }}", "{{ greeting }}\n\n{{ discussed_topic }}")
    draft = preview(KEEP_WARM, source, realistic())
    assert draft == Draft(
        "About Data Analyst",
        "Dear Amina,\n\nthe migration of your data warehouse to BigQuery\n",
    )
    script = preview(CALL_SCRIPT, DEFAULT_TEMPLATES[CALL_SCRIPT], realistic(kind=CHECK_IN))
    assert "If you reach voicemail:" in script.body


# --- picking a topic ---------------------------------------------------------------------------


def test_pick_topic_picks_a_concrete_phrase_and_a_different_one_per_index() -> None:
    assert pick_topic(NOTES, 0) == "the migration of your data warehouse to BigQuery"
    assert pick_topic(NOTES, 1) == "my M-Pesa reconciliation project"
    assert pick_topic(NOTES, 2) == "you are building a churn model for postpaid customers"
    assert pick_topic(NOTES, 3) == pick_topic(NOTES, 0)  # wraps around a large panel


def test_pick_topic_skips_logistics_pay_and_the_promised_date() -> None:
    notes = "Interview lasted 45 minutes. Salary is 200k. They'll get back to me next week."
    assert pick_topic(notes) is None
    assert pick_topic("") is None
    assert pick_topic("ok. fine.") is None


def test_pick_topic_handles_sentences_abbreviations_and_long_lines() -> None:
    notes = (
        "We talked about dashboards, e.g. Looker and Superset. "
        "She explained that the team ships experiments weekly, runs them in Optimizely, reviews "
        "every result on Fridays with product managers and then writes a memo for leadership"
    )
    assert pick_topic(notes, 0) == "dashboards, e.g. Looker and Superset"
    assert pick_topic(notes, 1) == "the team ships experiments weekly"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_subject_never_outgrows_what_a_follow_up_can_hold(kind):
    ctx = realistic(
        role_title="Senior " * 28 + "Analyst",
        company_name="Safaricom " * 20,
        commitments=("I'll send " + "the portfolio and " * 16 + "more",),
        previous_subject="Thank you " * 30,
    )
    subject = render_draft(kind, ctx).subject
    assert 0 < len(subject) <= 300
    assert "\n" not in subject


def test_a_user_subject_too_long_is_cut_at_a_word_with_an_ellipsis():
    source = TemplateSource(subject="{{ role_title }} " * 40, body="Hello")
    subject = render_draft(THANK_YOU, realistic(), {THANK_YOU: source}).subject
    assert len(subject) <= 300 and subject.endswith("Data Analyst\u2026")


def test_a_same_day_thank_you_says_today_not_the_weekday() -> None:
    interview_day = date(2025, 12, 10)  # a Wednesday
    same_day = realistic(kind=THANK_YOU, interview_date=interview_day, sent_on=interview_day)
    next_day = realistic(kind=THANK_YOU, interview_date=interview_day, sent_on=date(2025, 12, 11))
    for index in range(3):  # every wording of the thank-you
        body = render_draft(THANK_YOU, dataclasses.replace(same_day, interviewer_index=index)).body
        assert "on Wednesday" not in body and "today" in body
        later = render_draft(THANK_YOU, dataclasses.replace(next_day, interviewer_index=index)).body
        assert "on Wednesday" in later
