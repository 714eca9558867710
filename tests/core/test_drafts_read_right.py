"""Every draft of an application as its recipients read them: never signed with the login name,
no sentence repeated to one person, each later message drafted knowing the ones before it."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from followup.core import services
from followup.core.models import Application, FollowUp

NAIROBI = ZoneInfo("Africa/Nairobi")
NOTES = (
    "Route planning for the Kisumu delivery fleet.\n"
    "They are moving the dispatch system to Kotlin.\n"
    "Wanjiku asked about my M-Pesa reconciliation project."
)


@pytest.fixture
def kept_warm(owner, record_interview, time_machine):
    """Interviewed, checked in on (each sent), turned down, kept warm."""
    time_machine.move_to(datetime(2025, 12, 9, 12, 0, tzinfo=NAIROBI))
    recorded = record_interview(
        notes=NOTES,
        recruiter="",
        unasked=["How is the commission structured?", "Who would I report to?"],
    )
    application = recorded.application
    Application.objects.filter(pk=application.pk).update(keep_warm=True)
    for kind, day in (("thank_you", 9), ("check_in", 15), ("check_in_2", 22)):
        fu = FollowUp.objects.get(application=application, kind=kind)
        time_machine.move_to(datetime(2025, 12, day, 16, 0, tzinfo=NAIROBI))
        services.mark_sent(owner, fu.pk)
    time_machine.move_to(datetime(2026, 1, 5, 12, 0, tzinfo=NAIROBI))
    services.set_outcome(owner, application.pk, "rejected")
    return application


def messages_by_person(application):
    people = defaultdict(list)
    rows = (
        FollowUp.objects.filter(application=application)
        .exclude(status="cancelled")
        .exclude(channel="website")
    )
    for fu in rows.order_by("due"):
        people[fu.recipient_id].append(fu)
    return people


def sentences(body: str) -> list[str]:
    lines = body.strip().splitlines()[1:-2]  # not the greeting, not the sign-off
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(lines)) if len(s.split()) >= 8]


def test_no_sentence_is_repeated_to_one_person(kept_warm):
    for messages in messages_by_person(kept_warm).values():
        seen: dict[str, str] = {}
        for fu in messages:
            for sentence in sentences(fu.body):
                assert sentence not in seen, (sentence, seen.get(sentence), fu.kind)
                seen[sentence] = fu.kind
        assert len({fu.subject for fu in messages if fu.kind == "keep_warm"}) == 3


def test_the_checker_sees_no_repeat_in_the_planned_messages(owner, kept_warm):
    for fu in FollowUp.objects.filter(application=kept_warm, status="planned", channel="email"):
        codes = [w.code for w in services.draft_warnings(owner, fu)]
        assert "repeated_text" not in codes, (fu.kind, fu.body)
        assert "duplicate_text" not in codes, (fu.kind, fu.body)


def test_a_draft_is_never_signed_with_the_login_name_and_the_checker_says_so(
    owner, record_interview
):
    profile = services.get_profile(owner)
    profile.full_name = ""
    profile.signature = ""
    profile.save()
    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    thank_you.refresh_from_db()
    assert owner.get_username() == "local"
    assert "local" not in thank_you.body
    warnings = services.draft_warnings(owner, thank_you)
    assert "missing_signature" in [w.code for w in warnings]
    (warning,) = [w for w in warnings if w.code == "missing_signature"]
    assert "not signed" in warning.message


def test_a_repeat_in_an_edited_draft_is_named_as_such(owner, kept_warm):
    notes = list(FollowUp.objects.filter(application=kept_warm, kind="keep_warm").order_by("due"))
    second = notes[1]
    services.edit_draft(owner, second.pk, second.subject, notes[0].body)
    second.refresh_from_db()
    messages = [w.message for w in services.draft_warnings(owner, second)]
    assert any("repeats your note of" in m and "to Wanjiku" in m for m in messages), messages
    assert not any("another interviewer" in m.lower() for m in messages), messages
