"""Sending approved follow-ups through a real SMTP server (aiosmtpd with STARTTLS and AUTH)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.models import Event, FollowUp
from followup.mail import sender

from .conftest import SMTP_USER, add_account, approve_now, make_application

pytestmark = pytest.mark.mail


def test_an_approved_follow_up_is_sent_over_starttls_with_its_message_id(
    owner, smtp_server, mailbox
):
    add_account(owner, smtp_server, mailbox)
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])

    report = sender.send_due()

    assert report.sent == 1
    (received,) = smtp_server.received
    assert received.mail_from == SMTP_USER
    assert received.rcpt_tos == [fu.recipient.email]
    message = received.message
    assert message["Message-ID"] == fu.message_id
    assert message["To"] == f"{fu.recipient.name} <{fu.recipient.email}>"
    assert message["From"] == f"Amina Njeri <{SMTP_USER}>"
    assert message["Subject"] == fu.subject
    assert message["Date"]
    assert "Thank you for your time today" in message.get_content()
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.SENT
    assert fu.sent_at is not None and fu.lease_until is None and fu.attempts == 1
    assert Event.objects.filter(follow_up=fu, kind=Event.Kind.FOLLOW_UP_SENT).count() == 1


# aiosmtpd only counts STARTTLS as TLS for AUTH; with implicit TLS the session is encrypted anyway.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_sending_over_implicit_tls_works_too(owner, smtps_server):
    add_account(owner, smtps_server, None)
    _, (fu,) = make_application(owner)
    approve_now(owner, [fu])

    assert sender.send_due().sent == 1
    assert [r.rcpt_tos for r in smtps_server.received] == [[fu.recipient.email]]


def test_the_message_id_is_fixed_at_approval_and_unguessable(owner):
    _, (a, b) = make_application(owner, people=2)
    a, b = approve_now(owner, [a, b])
    assert a.message_id != b.message_id
    assert len(a.message_id) > 30 and a.message_id.startswith("<") and a.message_id.endswith(">")
    again = services.approve(owner, a.pk, send_now=True)
    assert again.message_id == a.message_id


def test_only_approved_rows_whose_send_time_has_come_are_sent(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (planned, later, now_) = make_application(owner, people=3)
    services.approve(owner, later.pk)  # scheduled: due time inside working hours
    FollowUp.objects.filter(pk=later.pk).update(
        send_after=timezone.now() + timezone.timedelta(hours=2)
    )
    services.approve(owner, now_.pk, send_now=True)

    report = sender.send_due()

    assert report.sent == 1
    assert [r.rcpt_tos[0] for r in smtp_server.received] == [now_.recipient.email]
    assert FollowUp.objects.get(pk=planned.pk).status == FollowUp.Status.PLANNED
    assert FollowUp.objects.get(pk=later.pk).status == FollowUp.Status.APPROVED


def test_a_scheduled_follow_up_goes_out_inside_the_recipients_working_hours(owner):
    _, (fu,) = make_application(owner)
    nairobi = ZoneInfo("Africa/Nairobi")
    # Due Saturday 20:00 in Nairobi: it goes on Monday at the start of the working day (08:00).
    fu.due = datetime(2026, 12, 5, 20, 0, tzinfo=nairobi)
    fu.save()
    when = services.send_time(owner, fu, now=datetime(2026, 12, 1, 9, 0, tzinfo=nairobi))
    assert when == datetime(2026, 12, 7, 8, 0, tzinfo=nairobi)
    # Due inside working hours: exactly then.
    fu.due = datetime(2026, 12, 7, 10, 0, tzinfo=nairobi)
    assert services.send_time(owner, fu, now=datetime(2026, 12, 1, 9, 0, tzinfo=nairobi)) == fu.due
    # Overdue, and now it is 06:30 on a business day: 08:00 today, not at once.
    assert services.send_time(
        owner, fu, now=datetime(2026, 12, 8, 6, 30, tzinfo=nairobi)
    ) == datetime(2026, 12, 8, 8, 0, tzinfo=nairobi)
    # Jamhuri Day (Sat 12 Dec 2026) weekend, then Monday 14th.
    fu.due = datetime(2026, 12, 11, 19, 0, tzinfo=nairobi)
    assert services.send_time(
        owner, fu, now=datetime(2026, 12, 1, 9, 0, tzinfo=nairobi)
    ) == datetime(2026, 12, 14, 8, 0, tzinfo=nairobi)


def test_approve_without_send_now_sets_the_send_time(owner):
    _, (fu,) = make_application(owner)
    fu = services.approve(owner, fu.pk)
    assert fu.status == FollowUp.Status.APPROVED
    assert fu.send_after == services.send_time(
        owner, FollowUp.objects.get(pk=fu.pk), now=fu.send_after
    )


def test_many_rows_go_out_on_one_connection_each_exactly_once(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, follow_ups = make_application(owner, people=25)
    approve_now(owner, follow_ups)

    report = sender.send_due(batch_size=10)

    assert report.sent == 25
    ids = smtp_server.message_ids()
    assert sorted(ids) == sorted(
        FollowUp.objects.filter(owner=owner).values_list("message_id", flat=True)
    )
    assert FollowUp.objects.filter(status=FollowUp.Status.SENT).count() == 25


def test_a_long_batch_renews_its_lease_for_every_owner_in_it(owner, smtp_server):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create(username="other")
    services.get_profile(other)
    add_account(owner, smtp_server, None)
    add_account(other, smtp_server, None)
    rows = make_application(owner, people=3)[1] + make_application(other, people=3)[1]
    approve_now(owner, rows[:3])
    approve_now(other, rows[3:])
    # A slow server: every look at the clock is two minutes later (the lease is five).
    ticks = iter(range(1000))
    start = timezone.now()

    report = sender.send_due(clock=lambda: start + timezone.timedelta(minutes=2 * next(ticks)))

    assert report.sent == 6
    assert FollowUp.objects.filter(status=FollowUp.Status.SENT).count() == 6
    assert len(smtp_server.received) == 6
