"""The daily digest, sent through the user's own mail account to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from followup.core import services
from followup.core.models import Profile
from followup.notify import digest
from followup.notify.models import DigestRun, NotifyChannel

from .conftest import at, free_port


@pytest.fixture
def at_seven(owner):
    Profile.objects.filter(user=owner).update(digest_hour=7)
    owner.refresh_from_db()
    owner.followup_profile.refresh_from_db()
    return owner


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_the_digest_lists_overdue_due_today_replies_and_tomorrows_interviews(
    owner, record_interview
):
    first = record_interview()  # Tue 9 Dec; check-in due Mon 15 Dec 10:00 (after Jamhuri Day)
    record_interview(
        company="Baobab Capital",
        role="Analyst",
        start="2025-12-16 11:00",
        interviewers=["Sarah Mitchell <sarah@baobab.example>"],
        promised="",
    )
    thank_you = next(fu for fu in first.follow_ups if fu.kind == "thank_you")
    check_in = next(fu for fu in first.follow_ups if fu.kind == "check_in")
    other = record_interview(
        company="Acme",
        role="Designer",
        start="2025-12-10 09:00",
        interviewers=["Daniel Ortiz <daniel@acme.example>"],
        promised="",
    )
    acme_thanks = next(fu for fu in other.follow_ups if fu.kind == "thank_you")
    services.record_reply(owner, acme_thanks.pk, at=at("2025-12-14 18:00"))

    d = digest.compose(owner, at("2025-12-15 07:00"))

    overdue = [line.title for line in d.overdue]
    assert "Thank Wanjiku — Savanna Mobile, Sales Executive" in overdue
    assert [line.title for line in d.due_today] == [
        "Check in with Grace — Savanna Mobile, Sales Executive"
    ]
    assert d.due_today[0].url.endswith(f"/follow-ups/{check_in.pk}/")
    assert d.due_today[0].when == "Mon 15 Dec, 10:00 EAT"
    assert [line.title for line in d.replies] == ["Daniel Ortiz replied — Acme, Designer"]
    assert [line.title for line in d.interviews_tomorrow] == ["Interview — Baobab Capital, Analyst"]
    assert not d.is_empty
    assert thank_you.pk


def test_it_is_sent_at_the_chosen_local_hour_once_in_text_and_html(
    at_seven, mail_account, smtp_sink, record_interview
):
    owner = at_seven
    recorded = record_interview()
    check_in = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")

    assert digest.run_digest(at("2025-12-15 06:59")) == 0
    assert digest.run_digest(at("2025-12-15 07:00")) == 1
    assert digest.run_digest(at("2025-12-15 07:30")) == 0
    assert digest.run_digest(at("2025-12-15 12:00")) == 0

    assert len(smtp_sink.messages) == 1
    sender, recipients, message = smtp_sink.messages[0]
    assert sender == "amina.njeri@gmail.com" and recipients == ["amina.njeri@gmail.com"]
    assert message["Subject"].startswith("followup: ")
    assert "1 due today" in message["Subject"] and "Mon 15 Dec" in message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = parts(message)
    link = f"http://127.0.0.1:8000/follow-ups/{check_in.pk}/"
    assert "Check in with Grace — Savanna Mobile, Sales Executive" in text and link in text
    assert f'<a href="{link}">Check in with Grace — Savanna Mobile, Sales Executive</a>' in html
    assert DigestRun.objects.get().status == "sent"
    assert Profile.objects.get(user=owner).last_digest_on.isoformat() == "2025-12-15"


def test_the_next_day_gets_its_own_digest(at_seven, mail_account, smtp_sink, record_interview):
    record_interview()
    digest.run_digest(at("2025-12-15 07:00"))
    digest.run_digest(at("2025-12-16 07:05"))
    assert len(smtp_sink.messages) == 2
    assert DigestRun.objects.filter(status="sent").count() == 2


def test_the_hour_is_the_users_own_local_hour(owner, mail_account, smtp_sink, record_interview):
    Profile.objects.filter(user=owner).update(digest_hour=7, time_zone="America/New_York")
    record_interview()
    # 07:00 in New York is 15:00 in Nairobi and 12:00 UTC.
    assert digest.run_digest(at("2025-12-15 14:59")) == 0
    assert digest.run_digest(at("2025-12-15 15:00")) == 1


def test_nothing_is_sent_on_a_day_with_nothing_to_say(at_seven, mail_account, smtp_sink):
    assert digest.run_digest(at("2025-12-15 07:00")) == 0
    assert smtp_sink.messages == []
    assert DigestRun.objects.get().status == "empty"
    # Decided for the day: not re-checked every minute.
    assert digest.run_digest(at("2025-12-15 09:00")) == 0
    assert DigestRun.objects.get().attempts == 1


def test_a_digest_that_could_not_be_sent_is_retried_later(
    at_seven, mail_account, smtp_sink, record_interview
):
    record_interview()
    port = mail_account.smtp_port
    type(mail_account).objects.filter(pk=mail_account.pk).update(
        smtp_port=free_port()
    )  # nobody there

    assert digest.run_digest(at("2025-12-15 07:00")) == 0
    run = DigestRun.objects.get()
    assert run.status == "retry" and "unreachable" in run.last_error
    assert run.next_attempt_at == at("2025-12-15 07:00") + digest.RETRY_AFTER[0]

    type(mail_account).objects.filter(pk=mail_account.pk).update(smtp_port=port)
    assert digest.run_digest(at("2025-12-15 07:02")) == 0  # waits for its retry time
    assert digest.run_digest(at("2025-12-15 07:05")) == 1
    assert len(smtp_sink.messages) == 1


def test_a_digest_claimed_by_a_worker_that_died_is_sent_after_its_lease(
    at_seven, mail_account, smtp_sink, record_interview
):
    owner = at_seven
    record_interview()
    now = at("2025-12-15 07:00")
    DigestRun.objects.create(
        owner=owner, day=now.date(), status="sending", lease_until=now + digest.LEASE, attempts=1
    )

    assert digest.run_digest(now + timedelta(minutes=1)) == 0  # another worker holds it
    assert digest.run_digest(now + digest.LEASE + timedelta(seconds=1)) == 1
    assert len(smtp_sink.messages) == 1


def test_without_a_mail_account_the_digest_fails_saying_why(at_seven, record_interview):
    record_interview()
    outcome = digest.send_digest(at_seven, at("2025-12-15 07:00"))
    assert outcome.status == "failed" and "followup mail add" in outcome.message


def test_a_paused_notification_channel_is_news_in_the_digest(
    at_seven, mail_account, smtp_sink, receiver
):
    from followup.notify import services as notify

    channel = notify.add_channel(at_seven, receiver.url, "Phone")
    NotifyChannel.objects.filter(pk=channel.pk).update(
        paused=True, paused_at=at("2025-12-14 20:00"), last_error="the service said 401"
    )
    assert digest.run_digest(at("2025-12-15 07:00")) == 1
    text, _ = parts(smtp_sink.messages[0][2])
    assert "NOTIFICATIONS PAUSED" in text and "Phone is paused" in text and "401" in text


def test_sending_now_ignores_the_hour_for_testing(owner, mail_account, smtp_sink, record_interview):
    record_interview()
    outcome = digest.send_digest(owner, at("2025-12-15 05:00"), force=True)
    assert outcome.status == "sent" and len(smtp_sink.messages) == 1
    again = digest.send_digest(owner, at("2025-12-15 05:01"), force=True)
    assert again.status == "sent" and len(smtp_sink.messages) == 2


def test_it_greets_by_first_name_and_never_by_the_login_name(owner, record_interview):
    record_interview()
    named = digest.compose(owner, at("2025-12-15 07:00"))
    assert digest.render_text(named).startswith("Good morning Amina. ")
    Profile.objects.filter(user=owner).update(full_name="")
    owner.followup_profile.refresh_from_db()
    nameless = digest.compose(owner, at("2025-12-15 07:00"))
    assert digest.render_text(nameless).startswith("Good morning. Here is your follow-up day")
    assert f"Good morning {owner.get_username()}" not in digest.render_html(nameless)
