"""A message the reader fails on is recorded as failed with its reason and skipped: the poll goes
on, the folder's position moves past it, and later polls do not trip over it again (one
stranger's email once stopped every later poll)."""

import pytest

from followup.mail import poller, reader, replies
from followup.mail.models import MailboxState, ProcessedMessage

from .conftest import reply_to

pytestmark = pytest.mark.mail

WANJIKU = "wanjiku@savanna.example"
POISON = "This message breaks the reader"


@pytest.fixture
def breaking_reader(monkeypatch):
    """Stands in for a reader bug that some message triggers (which one cannot be known ahead)."""
    real = reader.reply_text

    def reply_text(msg):
        if POISON in str(msg.get("Subject", "")):
            raise ValueError("the reader fell over")
        return real(msg)

    monkeypatch.setattr(replies, "reply_text", reply_text, raising=False)
    monkeypatch.setattr(reader, "reply_text", reply_text)


def test_a_message_the_reader_fails_on_is_skipped_with_its_reason(
    owner, mailbox, sent_thank_you, breaking_reader
):
    account, _, thank_you = sent_thank_you
    mailbox.deliver(reply_to(thank_you, subject=f"Re: {POISON}", body="Hello"))
    mailbox.deliver(reply_to(thank_you, body="Thanks Amina, we will be in touch."))

    first = poller.poll_account(account)

    assert first.ok, first.error
    assert first.outcomes["failed"] == 1 and first.outcomes["reply"] == 1
    failed = ProcessedMessage.objects.get(owner=owner, outcome="failed")
    assert "the reader fell over" in failed.detail
    state = MailboxState.objects.get(owner=owner, account=account, folder="INBOX")
    assert state.last_uid >= 2  # past the poison message

    second = poller.poll_account(account)
    assert second.ok and second.scanned == 0
    assert ProcessedMessage.objects.filter(owner=owner, outcome="failed").count() == 1
