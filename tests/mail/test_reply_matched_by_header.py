"""A message whose In-Reply-To or References holds one of our Message-IDs is a reply."""

import pytest

from followup.core.models import Application, Event, FollowUp
from followup.mail import poller, replies
from followup.mail.models import MailboxState, PendingStatusChange

from .conftest import approve_now, follow_up_of, reply_to

pytestmark = pytest.mark.mail

WANJIKU = "wanjiku@savanna.example"


def test_a_reply_by_header_is_recorded_classified_and_stops_the_ladder(
    owner, mailbox, sent_thank_you
):
    account, application, thank_you = sent_thank_you
    check_in = follow_up_of(application, "check_in")
    assert check_in.status == FollowUp.Status.PLANNED
    mailbox.deliver(
        reply_to(
            thank_you,
            body="Thanks Amina! We'd like to invite you to a second round interview with our head of sales.\nWhat times work for you next week?",
        )
    )

    report = poller.poll_account(account)

    assert report.ok, report.error
    assert report.outcomes == {"reply": 1}
    (outcome,) = report.results
    assert outcome.matched_by == "header" and outcome.follow_up_id == thank_you.pk
    thank_you.refresh_from_db()
    assert thank_you.replied_at is not None
    assert Event.objects.filter(follow_up=thank_you, kind=Event.Kind.REPLY_RECORDED).count() == 1
    # The check-in ladder stops at once.
    check_in.refresh_from_db()
    assert check_in.status == FollowUp.Status.CANCELLED
    # Classified by a transparent rule with the phrase shown; nothing changes until confirmed.
    suggestion = PendingStatusChange.objects.get(owner=owner)
    assert suggestion.classification == "next_step"
    assert suggestion.matched_phrase.lower() == "second round"
    assert suggestion.suggested_outcome == "next-round"
    assert Application.objects.get(pk=application.pk).status == "interviewing"
    # Nothing was marked read.
    assert all("\\Seen" not in flags for flags in mailbox.flags("INBOX"))


def test_an_approved_check_in_is_cancelled_when_they_reply(owner, mailbox, sent_thank_you):
    account, application, thank_you = sent_thank_you
    check_in = follow_up_of(application, "check_in")
    (check_in,) = approve_now(owner, [check_in])
    FollowUp.objects.filter(pk=check_in.pk).update(send_after=check_in.due)  # not due yet
    mailbox.deliver(reply_to(thank_you, body="Thank you, Amina. We will be in touch."))

    poller.poll_account(account)

    check_in.refresh_from_db()
    assert check_in.status == FollowUp.Status.CANCELLED


def test_a_reply_matched_only_by_references_counts(owner, mailbox, sent_thank_you):
    account, application, thank_you = sent_thank_you
    raw = reply_to(
        thank_you,
        body="Noted, thanks.",
        in_reply_to=False,
        headers=f"References: <other@x.example> {thank_you.message_id}",
    )
    mailbox.deliver(raw)
    assert poller.poll_account(account).outcomes == {"reply": 1}


def test_confirming_a_rejection_changes_the_application(owner, mailbox, sent_thank_you):
    account, application, thank_you = sent_thank_you
    mailbox.deliver(
        reply_to(
            thank_you,
            body="Thank you for your time. Unfortunately we have decided to move forward with other candidates.",
        )
    )
    poller.poll_account(account)
    suggestion = PendingStatusChange.objects.get(owner=owner)
    assert suggestion.classification == "rejection"
    assert suggestion.matched_phrase == "decided to move forward with other candidates"

    replies.confirm_suggestion(owner, suggestion.pk)

    assert Application.objects.get(pk=application.pk).status == "rejected"
    # The rejection reply gets planned, as for a rejection recorded by hand.
    assert FollowUp.objects.filter(application=application, kind="rejection_reply").exists()


def test_polling_again_processes_nothing_twice(owner, mailbox, sent_thank_you):
    account, _, thank_you = sent_thank_you
    raw = reply_to(thank_you, body="Thanks Amina, talk soon.")
    mailbox.deliver(raw)
    assert poller.poll_account(account).outcomes == {"reply": 1}

    again = poller.poll_account(account)

    assert again.scanned == 0 and again.outcomes == {}
    state = MailboxState.objects.get(account=account, folder="INBOX")
    assert state.last_uid == 1
    # Handing the same message over directly is recognised too.
    assert replies.process_message(owner, raw, "INBOX").kind == "duplicate"
    assert PendingStatusChange.objects.filter(owner=owner).count() == 1


def test_our_quoted_text_does_not_classify_the_reply(owner, sent_thank_you):
    _, _, thank_you = sent_thank_you
    raw = reply_to(thank_you, body="Received, thank you.")
    # the quoted original mentions next steps; only the new text counts
    raw = raw.replace(b"> Dear", b"> The next steps are to schedule a call. Dear")
    outcome = replies.process_message(owner, raw, "INBOX")
    assert outcome.kind == "reply" and outcome.classification == "other"
