"""A message from a contact of an open application after our last message to them is a reply
(a setting, on by default)."""

from datetime import timedelta

import pytest

from followup.core.models import FollowUp
from followup.mail import poller, replies, sender
from followup.mail.models import PendingStatusChange

from .conftest import add_account, approve_now, follow_up_of, record_interview, reply_to

pytestmark = pytest.mark.mail

WANJIKU = "wanjiku@savanna.example"


@pytest.fixture
def sent_thank_you(owner, smtp_server, mailbox):
    account = add_account(owner, smtp_server, mailbox)
    application = record_interview(owner)
    thank_you = follow_up_of(application, "thank_you", WANJIKU)
    approve_now(owner, [thank_you])
    sender.send_due()
    thank_you.refresh_from_db()
    return account, application, thank_you


def test_a_new_message_from_the_contact_after_ours_is_a_reply(owner, mailbox, sent_thank_you):
    account, application, thank_you = sent_thank_you
    mailbox.deliver(
        reply_to(
            thank_you,
            subject="Next steps",
            body="Hello Amina, we are pleased to offer you the position of Sales Executive. The offer letter is attached.",
            in_reply_to=False,
            date=thank_you.sent_at + timedelta(seconds=2),
        )
    )

    report = poller.poll_account(account)

    (outcome,) = report.results
    assert outcome.kind == "reply" and outcome.matched_by == "sender"
    assert outcome.follow_up_id == thank_you.pk
    assert outcome.classification == "offer"
    thank_you.refresh_from_db()
    assert thank_you.replied_at is not None
    assert PendingStatusChange.objects.get(owner=owner).suggested_outcome == "offer"


def test_a_message_from_the_contact_before_our_last_message_is_not_a_reply(
    owner, mailbox, sent_thank_you
):
    account, _, thank_you = sent_thank_you
    mailbox.deliver(
        reply_to(
            thank_you,
            subject="Interview confirmation",
            body="See you on Tuesday.",
            in_reply_to=False,
            date=thank_you.sent_at - timedelta(days=1),
        )
    )
    report = poller.poll_account(account)
    assert report.outcomes == {"ignored": 1}
    thank_you.refresh_from_db()
    assert thank_you.replied_at is None


def test_strangers_and_newsletters_are_not_even_fetched_whole(owner, mailbox, sent_thank_you):
    account, _, thank_you = sent_thank_you
    mailbox.deliver(
        reply_to(
            thank_you,
            sender="News <news@shop.example>",
            subject="Deals",
            body="50% off",
            in_reply_to=False,
        )
    )
    report = poller.poll_account(account)
    assert report.scanned == 1 and report.candidates == 0


def test_matching_by_sender_can_be_turned_off(owner, mailbox, sent_thank_you):
    account, _, thank_you = sent_thank_you
    profile = owner.followup_profile
    profile.match_replies_by_sender = False
    profile.save()
    raw = reply_to(
        thank_you,
        subject="Hello",
        body="Quick question.",
        in_reply_to=False,
        date=thank_you.sent_at + timedelta(seconds=2),
    )
    assert replies.process_message(owner, raw, "INBOX").kind == "ignored"
    assert FollowUp.objects.get(pk=thank_you.pk).replied_at is None


def test_a_contact_of_a_closed_application_is_not_matched(owner, mailbox, sent_thank_you):
    account, application, thank_you = sent_thank_you
    application.status = "withdrawn"
    application.save()
    raw = reply_to(
        thank_you,
        subject="Hello",
        body="Quick question.",
        in_reply_to=False,
        date=thank_you.sent_at + timedelta(seconds=2),
    )
    assert replies.process_message(owner, raw, "INBOX").kind == "ignored"
