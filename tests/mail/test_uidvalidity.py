"""A UIDVALIDITY change re-syncs the folder by Message-ID: nothing twice, nothing missed."""

import pytest

from followup.core.models import Event
from followup.mail import poller, sender
from followup.mail.models import MailboxState, PendingStatusChange

from .conftest import add_account, approve_now, follow_up_of, record_interview, reply_to

pytestmark = pytest.mark.mail

PANEL = ("Wanjiku Kamau <wanjiku@savanna.example>", "Otieno Odhiambo <otieno@savanna.example>")


def test_a_renumbered_folder_is_read_again_without_processing_anything_twice(
    owner, smtp_server, mailbox
):
    account = add_account(owner, smtp_server, mailbox)
    application = record_interview(owner, interviewers=PANEL)
    to_wanjiku = follow_up_of(application, "thank_you", "wanjiku@savanna.example")
    to_otieno = follow_up_of(application, "thank_you", "otieno@savanna.example")
    approve_now(owner, [to_wanjiku, to_otieno])
    sender.send_due()
    to_wanjiku.refresh_from_db()
    to_otieno.refresh_from_db()

    first = reply_to(to_wanjiku, body="Thank you Amina, lovely to meet you.")
    mailbox.deliver(first)
    assert poller.poll_account(account).outcomes == {"reply": 1}
    before = mailbox.uidvalidity("INBOX")

    # The server renumbers INBOX (a restore, a migration): a new UIDVALIDITY, the old message
    # plus one that arrived meanwhile.
    second = reply_to(to_otieno, body="Thanks, Amina. We'll be in touch by Friday.")
    mailbox.recreate("INBOX", [first, second])
    assert mailbox.uidvalidity("INBOX") != before

    report = poller.poll_account(account)

    assert report.resynced == ["INBOX"]
    assert report.scanned == 2
    assert report.outcomes == {"duplicate": 1, "reply": 1}
    assert Event.objects.filter(follow_up=to_wanjiku, kind=Event.Kind.REPLY_RECORDED).count() == 1
    assert Event.objects.filter(follow_up=to_otieno, kind=Event.Kind.REPLY_RECORDED).count() == 1
    assert PendingStatusChange.objects.filter(owner=owner).count() == 2
    state = MailboxState.objects.get(account=account, folder="INBOX")
    assert state.uidvalidity == mailbox.uidvalidity("INBOX") and state.resyncs == 1
