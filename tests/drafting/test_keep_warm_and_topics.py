"""Keep-warm notes that differ, topics woven in (not pasted), and the checker naming a repeat."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from followup.drafting import (
    DraftContext,
    EarlierMessage,
    check_draft,
    choose_topic,
    render_draft,
)
from followup.drafting.checker import REPEATED_TEXT
from followup.drafting.context import time_since, woven_topic
from followup.planner.types import (
    CHECK_IN,
    CHECK_IN_2,
    FINAL_CHECK_IN,
    KEEP_WARM,
    REJECTION_REPLY,
    THANK_YOU,
)

NOTES = """\
Route planning for the Kisumu delivery fleet.
They are moving the dispatch system to Kotlin.
Wanjiku asked about my M-Pesa reconciliation project."""

ROUTE = "Route planning for the Kisumu delivery fleet"
KOTLIN = "you are moving the dispatch system to Kotlin"
MPESA = "my M-Pesa reconciliation project"


def ctx_for(kind: str, earlier: tuple[EarlierMessage, ...] = (), **changes: object) -> DraftContext:
    ctx = DraftContext(
        candidate_name="Amina Njeri",
        recipient_name="Wanjiku Kamau",
        role_title="Sales Executive",
        company_name="Savanna Mobile",
        interview_date=date(2025, 12, 9),
        notes=NOTES,
        kind=kind,
        earlier_messages=earlier,
    )
    return dataclasses.replace(ctx, **changes)  # type: ignore[arg-type]


def sent(kind: str, ctx: DraftContext, on: date) -> EarlierMessage:
    draft = render_draft(kind, ctx)
    return EarlierMessage(
        kind=kind, subject=draft.subject, body=draft.body, on=on, recipient_name="Wanjiku Kamau"
    )


def sentences(body: str) -> set[str]:
    """The sentences of a body's paragraphs (not the greeting or the sign-off)."""
    lines = body.strip().splitlines()[1:-2]
    return {s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(lines)) if len(s.split()) >= 6}


def the_ladder_then_keep_warm() -> list[tuple[str, DraftContext, EarlierMessage]]:
    """A thank-you, the check-ins, the rejection reply and three keep-warm notes to one person,
    each drafted knowing the ones before it."""
    schedule = [
        (THANK_YOU, date(2025, 12, 9)),
        (CHECK_IN, date(2025, 12, 15)),
        (CHECK_IN_2, date(2025, 12, 22)),
        (FINAL_CHECK_IN, date(2026, 1, 8)),
        (REJECTION_REPLY, date(2026, 1, 21)),
        (KEEP_WARM, date(2026, 3, 17)),
        (KEEP_WARM, date(2026, 5, 12)),
        (KEEP_WARM, date(2026, 7, 7)),
    ]
    earlier: tuple[EarlierMessage, ...] = ()
    out = []
    for kind, on in schedule:
        ctx = ctx_for(kind, earlier, sent_on=on)
        message = sent(kind, ctx, on)
        out.append((kind, ctx, message))
        earlier = (*earlier, message)
    return out


def test_three_keep_warm_notes_to_one_person_are_all_different():
    notes = [m for kind, _, m in the_ladder_then_keep_warm() if kind == KEEP_WARM]
    assert len({m.body for m in notes}) == 3
    assert len({m.subject for m in notes}) == 3
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            assert not sentences(a.body) & sentences(b.body), (a.body, b.body)


def test_each_later_keep_warm_note_brings_something_the_earlier_ones_did_not():
    messages = [m for _, _, m in the_ladder_then_keep_warm()]
    notes = messages[-3:]
    # The second and third say how long it has been, which nothing before them said.
    assert "about five months" in notes[1].body
    assert "about seven months" in notes[2].body
    assert not any("about seven months" in m.body for m in messages[:-1])
    for index, note in enumerate(notes):
        before = messages[: len(messages) - 3 + index]
        new = sentences(note.body) - {s for m in before for s in sentences(m.body)}
        assert new, note.body


def test_no_message_to_one_person_repeats_a_sentence_of_another():
    messages = [m for _, _, m in the_ladder_then_keep_warm()]
    seen: dict[str, str] = {}
    for message in messages:
        for sentence in sentences(message.body):
            assert sentence not in seen, (sentence, seen.get(sentence), message.kind)
            seen[sentence] = message.kind


def test_the_checker_finds_no_repeat_in_the_ladder_and_keep_warm():
    for kind, ctx, message in the_ladder_then_keep_warm():
        draft = render_draft(kind, ctx)
        assert REPEATED_TEXT not in [w.code for w in check_draft(draft, ctx)], (kind, draft.body)


def test_a_note_line_is_used_in_the_thank_you_and_at_most_one_later_message():
    messages = [m for _, _, m in the_ladder_then_keep_warm()]
    for topic in ("route planning for the Kisumu delivery fleet", "moving the dispatch system"):
        using = [m.kind for m in messages if topic in m.body]
        later = [kind for kind in using if kind != THANK_YOU]
        assert len(later) <= 1, (topic, using)


def test_messages_use_different_topics_when_the_notes_have_several():
    messages = [m for _, _, m in the_ladder_then_keep_warm()]
    topics = ["route planning", "dispatch system", "M-Pesa reconciliation"]
    used = [next((t for t in topics if t in m.body), None) for m in messages]
    first_three = [t for t in used if t is not None][:3]
    assert len(set(first_three)) == 3, used


def test_choose_topic_gives_the_thank_you_its_own_and_later_messages_an_unused_one():
    thank_you = choose_topic(NOTES, THANK_YOU, 0)
    assert thank_you == ROUTE
    used = EarlierMessage(THANK_YOU, "Thanks", f"Dear Wanjiku, about {woven_topic(ROUTE)}.")
    assert choose_topic(NOTES, CHECK_IN, 0, (used,)) == KOTLIN
    one_topic = "Route planning for the Kisumu delivery fleet."
    assert choose_topic(one_topic, CHECK_IN, 0, (used,)) == ROUTE  # the thank-you + one later
    later = EarlierMessage(CHECK_IN, "Following up", f"… about {woven_topic(ROUTE)}.")
    assert choose_topic(one_topic, CHECK_IN_2, 0, (used, later)) is None


@pytest.mark.parametrize(
    ("topic", "woven"),
    [
        ("Route planning for the Kisumu fleet", "route planning for the Kisumu fleet"),
        ("Growing the SME data bundles in Kisumu", "growing the SME data bundles in Kisumu"),
        ("M-Pesa reconciliation", "M-Pesa reconciliation"),
        ("SQL window functions", "SQL window functions"),
        ("Kisumu expansion plans", "Kisumu expansion plans"),
        ("Savanna's 5G roll-out", "Savanna's 5G roll-out"),
        (
            "you are moving the dispatch system to Kotlin",
            "how you are moving the dispatch system to Kotlin",
        ),
        ("the team is hiring in Eldoret", "how the team is hiring in Eldoret"),
        ("how you onboard new agents", "how you onboard new agents"),
    ],
)
def test_a_topic_reads_as_part_of_the_sentence(topic, woven):
    assert woven_topic(topic, notes="We met in Kisumu.", names=("Savanna Mobile",)) == woven


def test_no_topic_is_pasted_after_a_colon_with_a_capital():
    for kind, _, message in the_ladder_then_keep_warm():
        assert "Route planning" not in message.body, (kind, message.body)
        assert not re.search(r"discussed: [A-Z]", message.body), message.body


def test_the_checker_names_a_repeat_of_an_earlier_note_to_the_same_person():
    first = ctx_for(KEEP_WARM, sent_on=date(2026, 2, 3))
    note = sent(KEEP_WARM, first, date(2026, 2, 3))
    again = ctx_for(KEEP_WARM, (note,), sent_on=date(2026, 4, 1))
    copy = render_draft(KEEP_WARM, first)  # the same text again
    warnings = [w for w in check_draft(copy, again) if w.code == REPEATED_TEXT]
    assert len(warnings) == 1
    assert "repeats your note of 3 Feb to Wanjiku" in warnings[0].message
    assert "another interviewer" not in warnings[0].message.lower()
    # A fresh draft for the second note does not repeat it.
    fresh = render_draft(KEEP_WARM, again)
    assert REPEATED_TEXT not in [w.code for w in check_draft(fresh, again)]


def test_the_checker_quotes_a_repeated_sentence():
    earlier = EarlierMessage(
        CHECK_IN,
        "Following up",
        "Dear Wanjiku,\n\nI remain very keen on the team and would love to hear any news soon.\n",
        on=date(2025, 12, 15),
        recipient_name="Wanjiku Kamau",
    )
    ctx = ctx_for(CHECK_IN_2, (earlier,))
    draft = dataclasses.replace(
        render_draft(CHECK_IN_2, ctx),
        body="Dear Wanjiku,\n\nA new week, a new note. I remain very keen on the team and would "
        "love to hear any news soon.\n",
    )
    (warning,) = [w for w in check_draft(draft, ctx) if w.code == REPEATED_TEXT]
    assert "repeats your check-in of 15 Dec to Wanjiku" in warning.message
    assert '"I remain very keen on the team' in warning.message


def test_time_since_reads_as_people_say_it():
    assert time_since(date(2025, 12, 9), date(2026, 5, 12)) == "about five months"
    assert time_since(date(2025, 12, 9), date(2025, 12, 20)) == "a couple of weeks"
    assert time_since(None, date(2026, 1, 1)) == ""
