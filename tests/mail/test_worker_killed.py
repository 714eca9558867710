"""The worker killed (as by SIGKILL) at each point of a send: no duplicate, no loss, and only the
row actually in flight can be in doubt. Real `python -m followup worker` processes on the test
database, real aiosmtpd and Dovecot; FOLLOWUP_FAULT=<point>[:N] has one killed on the spot the
Nth time it reaches that point. What the SMTP sink received is counted."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.models import Event, FollowUp
from followup.lib.faults import KILLED_BY_FAULT
from followup.mail.models import MailAccount
from followup.mail.sender import NO_IMAP_ATTENTION

from .conftest import add_account, approve_now, free_port, make_application, run_worker

pytestmark = [pytest.mark.mail, pytest.mark.django_db(transaction=True)]

S = FollowUp.Status


def lease_runs_out(*follow_ups):
    FollowUp.objects.filter(pk__in=[fu.pk for fu in follow_ups]).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )


def statuses(follow_ups):
    by_id = dict(
        FollowUp.objects.filter(pk__in=[fu.pk for fu in follow_ups]).values_list("pk", "status")
    )
    return [by_id[fu.pk] for fu in follow_ups]


def flagged(owner):
    return FollowUp.objects.filter(owner=owner, status=S.FAILED).count()


def a_batch(owner, people=6):
    _, follow_ups = make_application(owner, people=people)
    return approve_now(owner, follow_ups)  # sent in this order: by send time, then id


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
    # Killed with the row marked in flight, before the server got it: nobody can tell.
    assert run_worker("--once", FOLLOWUP_FAULT="sender.after_handing").returncode == KILLED_BY_FAULT
    lease_runs_out(fu)
    assert run_worker("--once").returncode == 0
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.FAILED

    services.approve(owner, fu.pk, send_now=True)
    assert run_worker("--once").returncode == 0

    assert smtp_server.message_ids() == [fu.message_id]
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.SENT


# ---------------------------------------------------------------------------------------------
# A whole batch: only the row in flight can be in doubt


@pytest.mark.parametrize("with_imap", [False, True], ids=["no IMAP", "IMAP"])
def test_killed_after_the_claim_the_whole_batch_goes_back_to_approved_and_out_once(
    owner, smtp_server, with_imap, request
):
    mailbox = request.getfixturevalue("mailbox") if with_imap else None
    add_account(owner, smtp_server, mailbox)
    batch = a_batch(owner)

    assert run_worker("--once", FOLLOWUP_FAULT="sender.after_claim").returncode == KILLED_BY_FAULT
    assert statuses(batch) == [S.SENDING] * 6 and smtp_server.received == []
    lease_runs_out(*batch)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    assert statuses(batch) == [S.SENT] * 6
    assert Counter(smtp_server.message_ids()) == {fu.message_id: 1 for fu in batch}
    assert flagged(owner) == 0  # nothing was handed to the server: nothing to ask about
    assert not Event.objects.filter(owner=owner, kind=Event.Kind.FOLLOW_UP_FAILED).exists()


def test_killed_mid_batch_without_imap_only_the_row_in_flight_needs_attention(owner, smtp_server):
    add_account(owner, smtp_server, None)
    batch = a_batch(owner)

    # The server accepted the third; the worker dies before recording it.
    crashed = run_worker("--once", FOLLOWUP_FAULT="sender.after_smtp:3")
    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    assert smtp_server.message_ids() == [fu.message_id for fu in batch[:3]]
    lease_runs_out(*batch)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    assert statuses(batch) == [S.SENT, S.SENT, S.FAILED, S.SENT, S.SENT, S.SENT]
    assert FollowUp.objects.get(pk=batch[2].pk).last_error == NO_IMAP_ATTENTION
    # The two recorded as accepted are not resent, the three never handed go out once.
    assert Counter(smtp_server.message_ids()) == {fu.message_id: 1 for fu in batch}
    sent_events = Event.objects.filter(owner=owner, kind=Event.Kind.FOLLOW_UP_SENT)
    assert sorted(sent_events.values_list("follow_up_id", flat=True)) == sorted(
        fu.pk for fu in batch if fu.pk != batch[2].pk
    )


def test_killed_mid_batch_after_an_acceptance_was_recorded_nothing_is_flagged(owner, smtp_server):
    add_account(owner, smtp_server, None)
    batch = a_batch(owner)

    crashed = run_worker("--once", FOLLOWUP_FAULT="sender.after_accepted:3")
    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    # Accepted, not yet marked sent (that is batched): still "sending" until recovery.
    assert statuses(batch)[:3] == [S.SENDING] * 3
    lease_runs_out(*batch)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    assert statuses(batch) == [S.SENT] * 6 and flagged(owner) == 0
    assert Counter(smtp_server.message_ids()) == {fu.message_id: 1 for fu in batch}


def test_killed_mid_batch_with_imap_nothing_is_flagged_or_resent_and_sent_has_one_copy_each(
    owner, smtp_server, mailbox
):
    add_account(owner, smtp_server, mailbox)  # copy to Sent: the server keeps none
    batch = a_batch(owner)

    crashed = run_worker("--once", FOLLOWUP_FAULT="sender.after_accepted:3")
    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    # The third was accepted but its Sent copy was never made.
    assert [m["Message-ID"] for m in mailbox.messages("Sent")] == [
        fu.message_id for fu in batch[:2]
    ]
    lease_runs_out(*batch)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    assert statuses(batch) == [S.SENT] * 6 and flagged(owner) == 0
    assert Counter(smtp_server.message_ids()) == {fu.message_id: 1 for fu in batch}
    assert Counter(m["Message-ID"] for m in mailbox.messages("Sent")) == {
        fu.message_id: 1 for fu in batch
    }


# ---------------------------------------------------------------------------------------------
# Between the server's acceptance and the Sent copy, with "copy to Sent"


def test_killed_between_acceptance_and_the_sent_copy_it_is_not_resent_only_copied(
    owner, smtp_server, mailbox
):
    add_account(owner, smtp_server, mailbox, sent_copy=MailAccount.SentCopy.ALWAYS)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    crashed = run_worker("--once", FOLLOWUP_FAULT="sender.after_accepted")
    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    assert mailbox.messages("Sent") == []
    lease_runs_out(fu)
    # Recovery makes the copy and is killed before it marks the row: three crashes in all.
    recovering = run_worker("--once", FOLLOWUP_FAULT="recovery.after_sent_copy")
    assert recovering.returncode == KILLED_BY_FAULT, recovering.stderr
    lease_runs_out(fu)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    fu.refresh_from_db()
    assert fu.status == S.SENT and fu.sent_at is not None
    assert smtp_server.message_ids() == [fu.message_id]  # delivered once, never resent
    assert [m["Message-ID"] for m in mailbox.messages("Sent")] == [fu.message_id]  # copied once
    assert Event.objects.filter(follow_up=fu, kind=Event.Kind.FOLLOW_UP_SENT).count() == 1


def test_a_row_in_flight_not_found_in_sent_is_resent_once(owner, smtp_server, mailbox):
    add_account(owner, smtp_server, mailbox)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    # Killed with the row in flight before the server got it: looked up in Sent, not there.
    crashed = run_worker("--once", FOLLOWUP_FAULT="sender.after_handing")
    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    lease_runs_out(fu)
    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    assert FollowUp.objects.get(pk=fu.pk).status == S.SENT
    assert smtp_server.message_ids() == [fu.message_id]
    assert [m["Message-ID"] for m in mailbox.messages("Sent")] == [fu.message_id]


def test_an_accepted_row_is_sent_even_when_its_sent_copy_cannot_be_made_at_recovery(
    owner, smtp_server, mailbox
):
    account = add_account(owner, smtp_server, mailbox, sent_copy=MailAccount.SentCopy.ALWAYS)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])
    assert (
        run_worker("--once", FOLLOWUP_FAULT="sender.after_accepted").returncode == KILLED_BY_FAULT
    )
    MailAccount.objects.filter(pk=account.pk).update(imap_port=free_port())  # IMAP unreachable
    lease_runs_out(fu)

    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    assert FollowUp.objects.get(pk=fu.pk).status == S.SENT
    assert smtp_server.message_ids() == [fu.message_id]  # not resent for want of a copy
    error = MailAccount.objects.get(pk=account.pk).last_send_error
    assert error.startswith("sent, but the copy to the Sent folder failed")
