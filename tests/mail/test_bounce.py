"""A bounce (a delivery-status report) flags the follow-up and the address; it is not a reply."""

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Contact, FollowUp
from followup.mail import poller, replies, sender

from .conftest import SMTP_USER, add_account, approve_now, make_application

pytestmark = pytest.mark.mail


def dsn(original: FollowUp, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    from email.utils import format_datetime

    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.savanna.example>
To: {SMTP_USER}
Subject: Undelivered Mail Returned to Sender
Date: {format_datetime(timezone.now())}
Message-ID: <bounce-{original.pk}@mx.savanna.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.savanna.example.
I'm sorry to have to inform you that your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.savanna.example
Arrival-Date: {format_datetime(timezone.now())}

Final-Recipient: rfc822; {original.recipient.email}
Original-Recipient: rfc822;{original.recipient.email}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{original.recipient.email}>: Recipient address rejected: User unknown

--BOUNDARY
Content-Type: text/rfc822-headers

From: Amina Njeri <{SMTP_USER}>
To: {original.recipient.email}
Subject: {original.subject}
Message-ID: {original.message_id}

--BOUNDARY--
""".encode()


@pytest.fixture
def sent(owner, smtp_server, mailbox):
    account = add_account(owner, smtp_server, mailbox)
    _, (fu, other) = make_application(owner, people=2)
    # A second follow-up to the same person, not sent yet.
    FollowUp.objects.filter(pk=other.pk).update(recipient=fu.recipient)
    approve_now(owner, [fu])
    sender.send_due()
    fu.refresh_from_db()
    other.refresh_from_db()
    return account, fu, other


def test_a_bounce_flags_the_follow_up_and_the_address(owner, mailbox, sent):
    account, fu, other = sent
    mailbox.deliver(dsn(fu))

    report = poller.poll_account(account)

    (outcome,) = report.results
    assert outcome.kind == "bounce" and outcome.follow_up_id == fu.pk
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.FAILED
    assert fu.bounced_at is not None
    assert "User unknown" in fu.last_error
    assert fu.replied_at is None  # a bounce is not a reply
    assert Contact.objects.get(pk=fu.recipient_id).bounced_at is not None
    # The address is flagged: approving another message to it is refused until it is corrected.
    with pytest.raises(InvalidInput) as exc:
        services.approve(owner, other.pk, send_now=True)
    assert exc.value.field == "recipient" and "bounced" in exc.value.message


def test_a_delayed_delivery_report_is_not_a_bounce(owner, sent):
    _, fu, _ = sent
    outcome = replies.process_message(owner, dsn(fu, action="delayed", status="4.4.1"), "INBOX")
    assert outcome.kind == "ignored"
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.SENT and fu.bounced_at is None


def test_the_same_bounce_twice_is_processed_once(owner, sent):
    _, fu, _ = sent
    assert replies.process_message(owner, dsn(fu), "INBOX").kind == "bounce"
    assert replies.process_message(owner, dsn(fu), "INBOX").kind == "duplicate"


def qmail_bounce(address: str) -> bytes:
    """A plain-text qmail bounce that quotes no Message-ID (as many servers send them)."""
    return f"""From: MAILER-DAEMON@mail.savanna.example
To: {SMTP_USER}
Subject: failure notice
Message-ID: <qmail-bounce-1@mail.savanna.example>

Hi. This is the qmail-send program at mail.savanna.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{address}>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Subject: Thank you
""".encode()


def test_a_plain_bounce_without_our_message_id_is_tied_by_the_address(owner, mailbox, sent):
    account, fu, other = sent
    mailbox.deliver(qmail_bounce(fu.recipient.email))

    report = poller.poll_account(account)

    (outcome,) = report.results
    assert outcome.kind == "bounce" and outcome.follow_up_id == fu.pk
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.FAILED and fu.bounced_at is not None
    assert Contact.objects.get(pk=fu.recipient_id).bounced_at is not None
