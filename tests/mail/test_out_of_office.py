"""Auto-replies are not replies; an out-of-office with a return date moves the next check-in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup.core.models import Event, FollowUp
from followup.mail import poller, replies, sender
from followup.mail.models import PendingStatusChange
from followup.planner import BusinessCalendar
from followup.planner.calendar import zone

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


def test_an_out_of_office_with_a_return_date_moves_the_next_check_in_after_it(
    owner, mailbox, sent_thank_you
):
    account, application, thank_you = sent_thank_you
    check_in = follow_up_of(application, "check_in")
    local_due = check_in.due.astimezone(zone(check_in.due_tz))
    back = (timezone.now() + timedelta(days=30)).date()
    mailbox.deliver(
        reply_to(
            thank_you,
            subject=f"Automatic reply: {thank_you.subject}",
            headers="Auto-Submitted: auto-replied",
            body=f"Thank you for your email. I am out of the office with limited access to email and will be back on {back:%A %d %B %Y}.",
        )
    )

    report = poller.poll_account(account)

    (outcome,) = report.results
    assert outcome.kind == "out_of_office"
    assert outcome.return_date == back
    check_in.refresh_from_db()
    new_local = check_in.due.astimezone(zone(check_in.due_tz))
    assert new_local.date() == BusinessCalendar("KE").next_business_day(back)
    assert new_local.time() == local_due.time()
    assert check_in.edited  # re-planning keeps the new date
    assert check_in.status == FollowUp.Status.PLANNED
    # Not a reply: the ladder goes on, nothing to confirm.
    thank_you.refresh_from_db()
    assert thank_you.replied_at is None
    assert not PendingStatusChange.objects.filter(owner=owner).exists()
    assert Event.objects.filter(follow_up=check_in, kind=Event.Kind.FOLLOW_UP_SNOOZED).exists()
    # The later check-ins still come after it.
    later = FollowUp.objects.filter(
        application=application, kind__in=["check_in_2", "final_check_in"], status="planned"
    )
    assert all(fu.due > check_in.due for fu in later)


def test_an_auto_reply_without_a_date_changes_nothing(owner, sent_thank_you):
    _, application, thank_you = sent_thank_you
    check_in = follow_up_of(application, "check_in")
    raw = reply_to(
        thank_you,
        subject="We received your message",
        headers="Auto-Submitted: auto-generated\nPrecedence: bulk",
        body="This mailbox is monitored.",
    )
    outcome = replies.process_message(owner, raw, "INBOX")
    assert outcome.kind == "auto_reply"
    assert FollowUp.objects.get(pk=check_in.pk).due == check_in.due
    assert FollowUp.objects.get(pk=thank_you.pk).replied_at is None


@pytest.mark.parametrize(
    "headers",
    ["Precedence: list", "Precedence: junk", "X-Autoreply: yes", "Auto-Submitted: auto-replied"],
)
def test_auto_reply_headers_are_not_replies(owner, sent_thank_you, headers):
    _, _, thank_you = sent_thank_you
    raw = reply_to(thank_you, headers=headers, body="Thanks for your message.")
    assert replies.process_message(owner, raw, "INBOX").kind == "auto_reply"


def test_out_of_office_wording_in_the_subject_alone_is_enough(owner, sent_thank_you):
    _, _, thank_you = sent_thank_you
    raw = reply_to(thank_you, subject="Out of Office", body="I am away until 2099-01-05.")
    outcome = replies.process_message(owner, raw, "INBOX")
    assert outcome.kind == "out_of_office"


def test_a_person_mentioning_leave_is_still_a_reply(owner, sent_thank_you):
    _, _, thank_you = sent_thank_you
    raw = reply_to(
        thank_you,
        body="Sorry for the slow answer, I was on leave. We'd like to schedule a call with you.",
    )
    outcome = replies.process_message(owner, raw, "INBOX")
    assert outcome.kind == "reply" and outcome.classification == "next_step"


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("I will be back on Monday 4 January 2027", "2027-01-04"),
        ("returning on Jan 4th, 2027", "2027-01-04"),
        ("out of the office until 2027-01-04", "2027-01-04"),
        ("away through 3 January 2027", "2027-01-04"),
        ("back in the office on 04/01/2027", "2027-01-04"),
    ],
)
def test_return_dates_are_read_from_common_wordings(phrase, expected):
    from datetime import date
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = "Automatic reply"
    msg["Auto-Submitted"] = "auto-replied"
    auto = replies.detect_auto_reply(
        msg, f"Hello. I am out of the office. {phrase}.", date(2026, 12, 20)
    )
    assert auto.out_of_office
    assert str(auto.return_date) == expected


def test_a_reply_and_then_an_out_of_office_in_one_batch_leave_the_ladder_stopped(
    owner, sent_thank_you
):
    """The poller hands a batch to process_messages, which re-plans at the end; the
    out-of-office must still see the check-ins the reply before it stopped."""
    _, application, thank_you = sent_thank_you
    check_in = follow_up_of(application, "check_in")
    back = (timezone.now() + timedelta(days=30)).date()
    reply = reply_to(thank_you, body="Thank you Amina, we'd like to schedule a call.")
    out_of_office = reply_to(
        thank_you,
        subject=f"Automatic reply: {thank_you.subject}",
        headers="Auto-Submitted: auto-replied",
        body=f"I am out of the office and will be back on {back:%A %d %B %Y}.",
    )

    outcomes = replies.process_messages(owner, [(reply, "INBOX"), (out_of_office, "INBOX")])

    assert [o.kind for o in outcomes] == ["reply", "out_of_office"]
    check_in.refresh_from_db()
    assert check_in.status == FollowUp.Status.CANCELLED
    assert not FollowUp.objects.filter(
        application=application, kind__startswith="check_in", status="planned"
    ).exists()
