"""The poller records the replies of a batch together: each message once, each application
re-planned once, what a batch recorded committed with its processed-message records, and the
mailbox position moved only after."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.models import Event, FollowUp
from followup.core.services import planning
from followup.core.services.follow_ups import record_replies
from followup.lib.faults import KILLED_BY_FAULT
from followup.lib.vocabulary import zone
from followup.mail import poller, replies
from followup.mail.models import MailAccount, MailboxState, PendingStatusChange, ProcessedMessage

from .conftest import add_account, reply_to, run_worker

pytestmark = pytest.mark.mail

WANJIKU = "Wanjiku Kamau <wanjiku@savanna.example>"
OTIENO = "Otieno Odhiambo <otieno@savanna.example>"
NJOKI = "Njoki Mwangi <njoki@baobab.example>"


def sent_thank_yous(owner, record_interview):
    """Two applications: Savanna Mobile (two interviewers) and Baobab Bank (one). Their
    thank-yous are sent; Savanna's first check-in is approved, not yet sent."""
    # This morning: the check-ins are still to come, the worker has nothing to send.
    start = (timezone.now() - timedelta(hours=3)).astimezone(zone("Africa/Nairobi"))
    when = start.strftime("%Y-%m-%d %H:%M")
    savanna = record_interview(start=when, interviewers=[WANJIKU, OTIENO]).application
    baobab = record_interview(start=when, company="Baobab Bank", interviewers=[NJOKI]).application
    thank_yous = list(
        FollowUp.objects.filter(owner=owner, kind="thank_you").order_by("application_id", "id")
    )
    assert len(thank_yous) == 3
    for fu in thank_yous:
        services.approve(owner, fu.pk, send_now=True)
        services.mark_sent(owner, fu.pk)
    check_in = FollowUp.objects.filter(application=savanna, kind="check_in").order_by("due").first()
    approved = services.approve(owner, check_in.pk)
    assert approved.status == FollowUp.Status.APPROVED
    return savanna, baobab, [FollowUp.objects.get(pk=fu.pk) for fu in thank_yous], check_in


def open_check_ins(*applications):
    return list(
        FollowUp.objects.filter(
            application__in=applications,
            kind__in=["check_in", "check_in_2", "final_check_in"],
            status__in=FollowUp.OPEN,
        )
    )


@pytest.fixture
def replans(monkeypatch):
    """How many times each application was re-planned (the real re-planning runs)."""
    counted: Counter[int] = Counter()
    real = planning.replan

    def counting(owner, application):
        counted[application.pk] += 1
        return real(owner, application)

    monkeypatch.setattr(planning, "replan", counting)
    return counted


def test_a_batch_of_replies_records_each_once_and_replans_each_application_once(
    owner, record_interview, mailbox, replans
):
    savanna, baobab, thank_yous, approved_check_in = sent_thank_yous(owner, record_interview)
    check_ins = open_check_ins(savanna, baobab)
    assert approved_check_in in check_ins and len(check_ins) > 2
    account = add_account(owner, None, mailbox)
    messages = [reply_to(fu, body="Thank you Amina, we'll be in touch.") for fu in thank_yous]
    for raw in [*messages, messages[0]]:  # the first one twice: copied into the inbox again
        mailbox.deliver(raw)
    replans.clear()

    report = poller.poll_account(account, batch_size=2)  # headers in chunks of 2, one batch

    assert report.ok, report.error
    assert report.outcomes == {"reply": 3, "duplicate": 1}
    assert dict(replans) == {savanna.pk: 1, baobab.pk: 1}
    for fu in thank_yous:
        fu.refresh_from_db()
        assert fu.replied_at is not None
        assert Event.objects.filter(follow_up=fu, kind=Event.Kind.REPLY_RECORDED).count() == 1
    assert PendingStatusChange.objects.filter(owner=owner).count() == 3
    assert ProcessedMessage.objects.filter(owner=owner, outcome="reply").count() == 3
    # Every check-in of both ladders stopped, each with one event saying so.
    assert open_check_ins(savanna, baobab) == []
    for check_in in check_ins:
        check_in.refresh_from_db()
        assert check_in.status == FollowUp.Status.CANCELLED
        cancelled = Event.objects.filter(follow_up=check_in, kind=Event.Kind.FOLLOW_UP_CANCELLED)
        assert cancelled.count() == 1, check_in.kind
    assert MailboxState.objects.get(account=account).last_uid == 4

    again = poller.poll_account(account)  # nothing new: nothing recorded twice
    assert again.ok and again.scanned == 0
    assert Event.objects.filter(owner=owner, kind=Event.Kind.REPLY_RECORDED).count() == 3


def test_record_replies_records_each_reply_and_replans_each_application_once(
    owner, record_interview, replans
):
    savanna, baobab, thank_yous, approved_check_in = sent_thank_yous(owner, record_interview)
    replans.clear()

    recorded = record_replies(
        owner,
        [
            (thank_yous[0].pk, None, "phone call"),
            (thank_yous[1].pk, None, "email"),
            (thank_yous[0].pk, None, "a second call"),
            (thank_yous[2].pk, None, ""),
        ],
    )

    assert [fu.pk for fu in recorded] == [thank_yous[i].pk for i in (0, 1, 0, 2)]
    assert dict(replans) == {savanna.pk: 1, baobab.pk: 1}
    events = Counter(
        Event.objects.filter(owner=owner, kind=Event.Kind.REPLY_RECORDED).values_list(
            "follow_up_id", flat=True
        )
    )
    assert events == {thank_yous[0].pk: 2, thank_yous[1].pk: 1, thank_yous[2].pk: 1}
    approved_check_in.refresh_from_db()
    assert approved_check_in.status == FollowUp.Status.CANCELLED
    assert (
        Event.objects.filter(
            follow_up=approved_check_in, kind=Event.Kind.FOLLOW_UP_CANCELLED
        ).count()
        == 1
    )
    assert open_check_ins(savanna, baobab) == []


def test_a_reply_another_worker_recorded_meanwhile_is_not_recorded_twice(
    owner, record_interview, mailbox
):
    """The batch's processed-message records meet one another worker wrote since this one
    loaded its index: the batch is undone and recorded one message at a time."""
    _, _, thank_yous, _ = sent_thank_yous(owner, record_interview)
    messages = [reply_to(fu, body="Thank you Amina.") for fu in thank_yous]
    index = replies.ReplyIndex.load(owner)
    assert replies.process_message(owner, messages[1]).kind == "reply"  # the other worker

    outcomes = replies.process_messages(owner, [(raw, "INBOX") for raw in messages], index=index)

    assert [o.kind for o in outcomes] == ["reply", "duplicate", "reply"]
    events = Counter(
        Event.objects.filter(owner=owner, kind=Event.Kind.REPLY_RECORDED).values_list(
            "follow_up_id", flat=True
        )
    )
    assert events == {fu.pk: 1 for fu in thank_yous}
    assert PendingStatusChange.objects.filter(owner=owner).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fault", "recorded_by_the_crash"),
    [("replies.batch_written", 0), ("poller.batch_committed", 3)],
)
def test_a_worker_killed_mid_batch_loses_nothing_and_records_nothing_twice(
    owner, record_interview, mailbox, fault, recorded_by_the_crash
):
    """Killed before the batch commits, nothing of it is recorded; killed after, before the
    position moved, the next poll reads the same messages again and finds them processed."""
    _, _, thank_yous, _ = sent_thank_yous(owner, record_interview)
    account = add_account(owner, None, mailbox)
    for fu in thank_yous:
        mailbox.deliver(reply_to(fu, body="Thank you Amina, we'll be in touch."))

    crashed = run_worker("--once", FOLLOWUP_FAULT=fault)

    assert crashed.returncode == KILLED_BY_FAULT, crashed.stderr
    assert ProcessedMessage.objects.filter(owner=owner).count() == recorded_by_the_crash
    assert not MailboxState.objects.filter(account=account, last_uid__gt=0).exists()
    MailAccount.objects.filter(pk=account.pk).update(next_poll_at=None)  # due again now

    done = run_worker("--once")

    assert done.returncode == 0, done.stderr
    events = Counter(
        Event.objects.filter(owner=owner, kind=Event.Kind.REPLY_RECORDED).values_list(
            "follow_up_id", flat=True
        )
    )
    assert events == {fu.pk: 1 for fu in thank_yous}
    assert ProcessedMessage.objects.filter(owner=owner).count() == 3
    assert MailboxState.objects.get(account=account, folder="INBOX").last_uid == 3
