"""Calendar invitations in the mailbox are handed to the reminders' invitation import."""

import pytest

from followup.mail import poller
from tests.mail.conftest import SMTP_USER, add_account

pytestmark = pytest.mark.mail

INVITATION = f"""From: Google Calendar <calendar-notification@google.com>
To: {SMTP_USER}
Subject: Invitation: Second interview - Savanna Mobile @ Thu 10 Dec 2026 10am - 11am (EAT)
Date: Mon, 30 Nov 2026 09:00:00 +0000
Message-ID: <invite-1@calendar.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="B"

--B
Content-Type: text/plain; charset=utf-8

You have been invited to the following event.

--B
Content-Type: text/calendar; charset=utf-8; method=REQUEST

BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VEVENT
DTSTART:20261210T070000Z
DTEND:20261210T080000Z
UID:second-interview-1@savanna.example
SEQUENCE:0
ORGANIZER;CN=Grace Achieng:mailto:grace@savanna.example
ATTENDEE;CN=Amina Njeri:mailto:{SMTP_USER}
SUMMARY:Second interview - Savanna Mobile
END:VEVENT
END:VCALENDAR

--B--
"""


def test_an_invitation_becomes_a_proposal_once(owner, mailbox):
    from followup.notify.models import InvitationProposal

    account = add_account(owner, None, mailbox)
    mailbox.deliver(INVITATION)

    report = poller.poll_account(account)

    assert report.ok, report.error
    assert report.outcomes["invitation"] == 1
    proposal = InvitationProposal.objects.get(owner=owner)
    assert proposal.uid == "second-interview-1@savanna.example"
    assert all("\\Seen" not in flags for flags in mailbox.flags("INBOX"))


def test_an_unreadable_invitation_is_skipped_and_the_poll_goes_on(owner, mailbox, caplog):
    from followup.notify.models import InvitationProposal

    account = add_account(owner, None, mailbox)
    broken = INVITATION.replace("Message-ID: <invite-1@calendar.example>", "Message-ID: <b@x>")
    broken = broken.replace("BEGIN:VEVENT", "BEGIN:VTODO").replace("END:VEVENT", "END:VTODO")
    mailbox.deliver(broken)
    mailbox.deliver(INVITATION)

    with caplog.at_level("WARNING", logger="followup.mail.poller"):
        report = poller.poll_account(account)

    assert report.ok, report.error
    assert report.outcomes["invitation"] == 1  # the readable one after it still counts
    assert InvitationProposal.objects.get(owner=owner).uid == "second-interview-1@savanna.example"
    assert "skipped an unreadable invitation in INBOX: holds no event (VEVENT)" in caplog.text
