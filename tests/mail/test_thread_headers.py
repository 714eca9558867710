"""A check-in is a reply in the thread of the previous message to the same person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup.core.models import FollowUp
from followup.mail import sender

from .conftest import add_account, approve_now, make_application

pytestmark = pytest.mark.mail


def _check_in(owner, previous, kind, subject):
    return FollowUp.objects.create(
        owner=owner,
        application=previous.application,
        slot=f"{kind}:{previous.pk}",
        kind=kind,
        recipient=previous.recipient,
        channel="email",
        due=timezone.now() - timedelta(minutes=5),
        due_tz="Africa/Nairobi",
        reason="No news yet.",
        subject=subject,
        body="Dear Wanjiku,\n\nI wanted to check in on the Sales Executive role.\n\nAmina",
    )


def test_check_ins_thread_under_the_previous_message_with_re_subjects(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (thank_you,) = make_application(owner)
    (thank_you,) = approve_now(owner, [thank_you])
    sender.send_due()

    check_in = _check_in(owner, thank_you, "check_in", "Following up: Sales Executive")
    approve_now(owner, [check_in])
    sender.send_due()
    check_in.refresh_from_db()

    second = _check_in(owner, thank_you, "check_in_2", "Re: Re: Following up: Sales Executive")
    approve_now(owner, [second])
    sender.send_due()
    second.refresh_from_db()

    first_msg, check_in_msg, second_msg = (r.message for r in smtp_server.received)
    assert first_msg["In-Reply-To"] is None and first_msg["References"] is None
    assert check_in_msg["In-Reply-To"] == thank_you.message_id
    assert check_in_msg["References"] == thank_you.message_id
    assert check_in_msg["Subject"] == "Re: Following up: Sales Executive"
    assert second_msg["In-Reply-To"] == check_in.message_id
    assert second_msg["References"].split() == [thank_you.message_id, check_in.message_id]
    assert second_msg["Subject"] == "Re: Following up: Sales Executive"
    # The row remembers what it was threaded under.
    assert second.in_reply_to == check_in.message_id
    assert second.references.split() == [thank_you.message_id, check_in.message_id]


def test_a_check_in_to_someone_else_starts_its_own_thread(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (to_wanjiku, to_otieno) = make_application(owner, people=2)
    approve_now(owner, [to_wanjiku])
    sender.send_due()
    check_in = _check_in(owner, to_otieno, "check_in", "Following up")
    approve_now(owner, [check_in])
    sender.send_due()

    message = smtp_server.received[-1].message
    assert message["In-Reply-To"] is None
    assert message["Subject"] == "Following up"
