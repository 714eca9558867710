"""Replies are classified by transparent rules that show the phrase that matched."""

import pytest

from followup.mail.reader import classify

pytestmark = pytest.mark.mail


@pytest.mark.parametrize(
    "text, classification, phrase",
    [
        (
            "We are delighted to extend an offer to you for the role.",
            "offer",
            "delighted to extend an offer",
        ),
        ("Please find the offer letter attached.", "offer", "offer letter"),
        ("We'd like to offer you the position.", "offer", "We'd like to offer you"),
        (
            "Unfortunately we have decided to move forward with other candidates.",
            "rejection",
            "decided to move forward with other candidates",
        ),
        (
            "We regret to inform you that the position has been filled.",
            "rejection",
            "regret to inform",
        ),
        (
            "Your application has not been successful on this occasion.",
            "rejection",
            "has not been successful",
        ),
        (
            "We would like to invite you to an interview with the team.",
            "next_step",
            "invite you to an interview",
        ),
        ("Could you share your availability for a second round?", "next_step", "second round"),
        ("Let's schedule a call for Thursday.", "next_step", "schedule a call"),
        ("Thanks for the note, Amina. Speak soon.", "other", ""),
    ],
)
def test_each_rule_shows_its_phrase(text, classification, phrase):
    result = classify(text)
    assert result.classification == classification
    assert result.phrase == phrase


def test_a_rejection_mentioning_the_next_round_is_a_rejection():
    result = classify("We will not be moving forward with your application to the next round.")
    assert result.classification == "rejection"
