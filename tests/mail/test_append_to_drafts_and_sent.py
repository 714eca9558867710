"""Drafts in the user's own mailbox (IMAP APPEND to Drafts) and the copy in Sent."""

import pytest

from followup.core.errors import InvalidInput
from followup.core.models import FollowUp
from followup.mail import drafts, sender
from followup.mail.models import MailAccount

from .conftest import add_account, approve_now, make_application

pytestmark = pytest.mark.mail


def test_a_draft_is_appended_to_drafts_with_its_message_id_recorded(owner, mailbox):
    add_account(owner, None, mailbox)
    _, (fu,) = make_application(owner)
    assert fu.message_id == ""

    pushed = drafts.push_draft(owner, fu.pk)

    fu.refresh_from_db()
    assert fu.message_id and pushed.message_id == fu.message_id
    assert pushed.folder == "Drafts"
    (draft,) = mailbox.messages("Drafts")
    assert draft["Message-ID"] == fu.message_id
    assert draft["To"] == f"{fu.recipient.name} <{fu.recipient.email}>"
    assert draft["Subject"] == fu.subject
    assert "\\Draft" in mailbox.flags("Drafts")[0]
    assert fu.status == FollowUp.Status.PLANNED  # pushing a draft sends nothing


def test_pushing_again_replaces_the_earlier_draft_and_keeps_the_message_id(owner, mailbox):
    add_account(owner, None, mailbox)
    _, (fu,) = make_application(owner)
    first = drafts.push_draft(owner, fu.pk)
    FollowUp.objects.filter(pk=fu.pk).update(
        body="Dear Wanjiku,\n\nA better draft.\n\nAmina", edited=True
    )

    second = drafts.push_draft(owner, fu.pk)

    assert second.message_id == first.message_id and second.replaced == 1
    (draft,) = mailbox.messages("Drafts")
    assert "A better draft." in draft.get_content()


def test_approving_a_pushed_draft_keeps_its_message_id(owner, mailbox):
    add_account(owner, None, mailbox)
    _, (fu,) = make_application(owner)
    pushed = drafts.push_draft(owner, fu.pk)
    (approved,) = approve_now(owner, [fu])
    assert approved.message_id == pushed.message_id


def test_pushing_a_draft_needs_imap(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (fu,) = make_application(owner)
    with pytest.raises(InvalidInput) as exc:
        drafts.push_draft(owner, fu.pk)
    assert exc.value.field == "mail_account"


def test_a_sent_follow_up_is_copied_to_sent_when_the_server_keeps_no_copy(
    owner, smtp_server, mailbox
):
    add_account(owner, smtp_server, mailbox)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    assert sender.send_due().sent == 1

    (copy,) = mailbox.messages("Sent")
    assert copy["Message-ID"] == fu.message_id
    assert "\\Seen" in mailbox.flags("Sent")[0]


def test_no_second_copy_when_the_server_already_filed_one(owner, smtp_server, mailbox):
    smtp_server.handler.save_to_sent = mailbox  # like Gmail
    add_account(owner, smtp_server, mailbox)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    sender.send_due()

    assert [m["Message-ID"] for m in mailbox.messages("Sent")] == [fu.message_id]


def test_never_copy_to_sent_when_told_the_server_keeps_one(owner, smtp_server, mailbox):
    add_account(owner, smtp_server, mailbox, sent_copy=MailAccount.SentCopy.NEVER)
    _, (fu,) = make_application(owner)
    approve_now(owner, [fu])
    sender.send_due()
    assert mailbox.messages("Sent") == []
