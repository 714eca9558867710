"""The worker killed (as by SIGKILL) right after the claim, and again right after SMTP accepted
the message: no duplicate, no loss. Real `python -m followup worker` processes on the test
database; FOLLOWUP_FAULT=<point> has one killed by SIGKILL on the spot at that point."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.models import Event, FollowUp
from followup.lib.faults import KILLED_BY_FAULT
from followup.mail.sender import NO_IMAP_ATTENTION

from .conftest import add_account, approve_now, make_application, run_worker

pytestmark = [pytest.mark.mail, pytest.mark.django_db(transaction=True)]


def lease_runs_out(fu):
    FollowUp.objects.filter(pk=fu.pk).update(lease_until=timezone.now() - timedelta(seconds=1))


def test_killed_right_after_the_claim_the_row_is_sent_once_after_its_lease(
    owner, smtp_server, mailbox
):
    add_account(owner, smtp_server, mailbox)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    crashed = run_worker("--once", FOLLOWUP_FAULT="sender.after_claim")

    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.SENDING and smtp_server.received == []
    # While the lease holds, another worker leaves the row alone.
    assert run_worker("--once").returncode == 0
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.SENDING
    assert smtp_server.received == []

    lease_runs_out(fu)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.SENT
    assert smtp_server.message_ids() == [fu.message_id]  # looked up in Sent, not there: sent once


def test_killed_right_after_smtp_accepted_it_is_found_in_sent_and_not_resent(
    owner, smtp_server, mailbox
):
    smtp_server.handler.save_to_sent = mailbox  # the provider files sent mail, as Gmail does
    add_account(owner, smtp_server, mailbox)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    crashed = run_worker("--once", FOLLOWUP_FAULT="sender.after_smtp")

    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    assert smtp_server.message_ids() == [fu.message_id]
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.SENDING

    lease_runs_out(fu)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.SENT
    assert smtp_server.message_ids() == [fu.message_id]  # no duplicate
    assert [m["Message-ID"] for m in mailbox.messages("Sent")] == [fu.message_id]
    assert Event.objects.filter(
        follow_up=fu, message__contains="found in your Sent folder"
    ).exists()


def test_without_imap_an_interrupted_send_is_not_resent_the_user_is_asked(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    assert run_worker("--once", FOLLOWUP_FAULT="sender.after_smtp").returncode == KILLED_BY_FAULT
    lease_runs_out(fu)
    assert run_worker("--once").returncode == 0

    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.FAILED
    assert fu.last_error == NO_IMAP_ATTENTION
    assert smtp_server.message_ids() == [fu.message_id]  # not resent
    # The user looks in their Sent folder and confirms.
    services.confirm_sent(owner, fu.pk)
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.SENT


def test_approving_a_row_that_needs_attention_again_resends_it_with_the_same_message_id(
    owner, smtp_server
):
    add_account(owner, smtp_server, None)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])
    assert run_worker("--once", FOLLOWUP_FAULT="sender.after_claim").returncode == KILLED_BY_FAULT
    lease_runs_out(fu)
    assert run_worker("--once").returncode == 0
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.FAILED

    services.approve(owner, fu.pk, send_now=True)
    assert run_worker("--once").returncode == 0

    assert smtp_server.message_ids() == [fu.message_id]
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.SENT
