"""Push reminders through Apprise, received by a real local HTTP server (json://)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from followup.core.errors import InvalidInput
from followup.core.models import FollowUp
from followup.lib.backoff import PUSH_RETRY
from followup.notify import push
from followup.notify import services as notify
from followup.notify.models import Delivery, NotifyChannel

from .conftest import at


@pytest.fixture
def channel(owner, receiver):
    ch = notify.add_channel(owner, receiver.url, "Phone")
    # Set up before the interview, so every reminder after it counts.
    NotifyChannel.objects.filter(pk=ch.pk).update(active_since=at("2025-12-01 00:00"))
    ch.refresh_from_db()
    return ch


def test_a_follow_up_falling_due_is_pushed_once_with_a_short_title_and_its_link(
    owner, receiver, channel, record_interview
):
    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    now = thank_you.due + timedelta(minutes=1)

    first = push.deliver_reminders(now)
    second = push.deliver_reminders(now + timedelta(minutes=1))

    assert first.delivered == 1 and second.delivered == 0
    assert receiver.titles() == ["Thank Wanjiku — Savanna Mobile, Sales Executive"]
    assert f"/follow-ups/{thank_you.pk}/" in receiver.posts[0]["message"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.kind, delivery.follow_up_id) == (
        "delivered",
        "due",
        thank_you.pk,
    )


def test_nothing_is_pushed_before_it_falls_due(owner, receiver, channel, record_interview):
    recorded = record_interview()
    first_due = min(fu.due for fu in recorded.follow_ups)
    assert push.deliver_reminders(first_due - timedelta(minutes=1)).delivered == 0
    assert receiver.posts == []


def test_a_reply_is_pushed(owner, receiver, channel, record_interview):
    from followup.core import services

    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    services.record_reply(owner, thank_you.pk, at=at("2025-12-09 15:00"))

    push.deliver_reminders(at("2025-12-09 15:01"))

    assert "Wanjiku replied — Savanna Mobile, Sales Executive" in receiver.titles()


def test_each_channel_gets_its_own_copy_and_each_once(owner, receiver, channel, record_interview):
    other = notify.add_channel(owner, receiver.url.replace("/hook", "/other"), "Laptop")
    NotifyChannel.objects.filter(pk=other.pk).update(active_since=at("2025-12-01 00:00"))
    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")

    push.deliver_reminders(thank_you.due)
    push.deliver_reminders(thank_you.due + timedelta(hours=1))

    assert Delivery.objects.filter(follow_up=thank_you, status="delivered").count() == 2
    assert len(receiver.posts) == 2


def test_a_follow_up_done_before_its_reminder_is_not_pushed(
    owner, receiver, channel, record_interview
):
    from followup.core import services

    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    push.enqueue(thank_you.due, owner)
    services.mark_done(owner, thank_you.pk)

    report = push.deliver(thank_you.due)

    assert report.skipped == 1 and receiver.posts == []


def test_a_server_error_is_retried_with_backoff_and_then_delivered(
    owner, receiver, channel, record_interview
):
    receiver.statuses = [500, 503]
    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    now = thank_you.due

    push.deliver_reminders(now)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.next_attempt_at == now + PUSH_RETRY[0]
    assert "500" in delivery.last_error

    push.deliver_reminders(now + timedelta(seconds=30))  # too early: waits for its backoff
    assert Delivery.objects.get().attempts == 1

    push.deliver_reminders(now + PUSH_RETRY[0])
    delivery = Delivery.objects.get()
    assert (
        delivery.attempts == 2 and delivery.next_attempt_at == now + PUSH_RETRY[0] + PUSH_RETRY[1]
    )

    push.deliver_reminders(now + PUSH_RETRY[0] + PUSH_RETRY[1])
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert len(receiver.posts) == 1
    channel.refresh_from_db()
    assert channel.failures == 0 and not channel.paused


def test_a_permanent_refusal_pauses_the_channel_and_keeps_the_error_for_the_user(
    owner, receiver, channel, record_interview
):
    receiver.statuses = [404]
    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")

    report = push.deliver_reminders(thank_you.due)

    channel.refresh_from_db()
    assert report.paused_channels == [channel.pk]
    assert channel.paused and "404" in channel.last_error
    assert Delivery.objects.get().status == "failed"
    shown = notify.channel_json(channel)
    assert shown["paused"] and "404" in shown["last_error"]
    # Paused: nothing more is queued or sent until the user resumes it.
    later = thank_you.due + timedelta(days=3)
    assert push.deliver_reminders(later).delivered == 0


def test_a_channel_failing_every_attempt_is_paused_after_the_last_one(
    owner, receiver, channel, record_interview
):
    receiver.statuses = [500] * push.MAX_ATTEMPTS
    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    now = thank_you.due
    for attempt in range(push.MAX_ATTEMPTS):
        push.deliver(now) if attempt else push.deliver_reminders(now)
        delivery = Delivery.objects.get(follow_up=thank_you)
        now = delivery.next_attempt_at
    channel.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == push.MAX_ATTEMPTS
    assert channel.paused and f"{push.MAX_ATTEMPTS} attempts failed" in channel.last_error


def test_resuming_a_paused_channel_delivers_what_was_waiting(
    owner, receiver, channel, record_interview
):
    receiver.statuses = [404]
    recorded = record_interview()
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    push.deliver_reminders(thank_you.due)

    notify.resume_channel(owner, channel.pk, now=thank_you.due + timedelta(minutes=5))
    push.deliver_reminders(thank_you.due + timedelta(minutes=6))

    assert receiver.titles() == ["Thank Wanjiku — Savanna Mobile, Sales Executive"]


def test_the_url_is_encrypted_at_rest_and_never_shown_back(owner, receiver):
    secret_url = f"json://bob:s3cretpassw0rd@127.0.0.1:{receiver.port}/hook"
    ch = notify.add_channel(owner, secret_url, "Mine")
    with connection.cursor() as cursor:
        cursor.execute("SELECT url_encrypted FROM notify_notifychannel WHERE id = %s", [ch.pk])
        stored = cursor.fetchone()[0]
    assert "s3cretpassw0rd" not in stored and "127.0.0.1" not in stored
    assert "s3cretpassw0rd" not in str(notify.channel_json(ch))


def test_an_invalid_apprise_url_is_refused_with_a_clear_message(owner):
    for url, words in (
        ("not a url", "not an Apprise URL"),
        ("nosuchservice://abc", "not a service Apprise knows"),
        ("tgram://", "missing a part"),
    ):
        with pytest.raises(InvalidInput) as exc:
            notify.add_channel(owner, url)
        assert exc.value.field == "url" and words in exc.value.message
    assert NotifyChannel.objects.count() == 0


def test_the_same_url_cannot_be_added_twice(owner, receiver):
    notify.add_channel(owner, receiver.url)
    with pytest.raises(InvalidInput, match="already"):
        notify.add_channel(owner, receiver.url)


@pytest.mark.parametrize(
    "url",
    [
        "json://10.0.0.5/hook",
        "json://192.168.1.20:8080/hook",
        "json://169.254.169.254/latest",
        "json://127.0.0.1:8080/hook",
        "json://[::1]:8080/hook",
        "ntfy://172.16.0.3/topic",
        "json://localhost:8080/hook",
    ],
)
def test_hosted_mode_refuses_urls_pointing_at_private_or_local_networks(owner, settings, url):
    settings.HOSTED = True
    with pytest.raises(InvalidInput) as exc:
        notify.add_channel(owner, url)
    assert exc.value.field == "url" and "private or local network" in exc.value.message


def test_hosted_mode_accepts_public_services(owner, settings):
    settings.HOSTED = True
    notify.add_channel(owner, "ntfys://amina-followup-reminders")
    notify.add_channel(owner, "tgram://123456789:AAbbCCddEEffGGhh/987654321")
    assert NotifyChannel.objects.filter(owner=owner).count() == 2


def test_local_mode_allows_the_loopback_receiver(owner, receiver):
    assert notify.add_channel(owner, receiver.url).scheme == "json"


def test_the_test_command_reports_success_and_the_error_plainly(owner, receiver):
    ok = notify.add_channel(owner, receiver.url, "Works")
    broken = notify.add_channel(owner, receiver.url.replace("/hook", "/gone"), "Broken")
    receiver.statuses = [200, 401]

    results = {r.channel.pk: r for r in notify.test_channels(owner)}

    assert results[ok.pk].ok and not results[broken.pk].ok
    assert "401" in results[broken.pk].error
    assert receiver.titles() == ["followup: test notification"]


def test_another_users_channels_are_invisible(owner, receiver, record_interview):
    from django.contrib.auth import get_user_model

    from followup.core.errors import NotFound

    other = get_user_model().objects.create(username="other")
    theirs = notify.add_channel(other, receiver.url, "Theirs")
    assert list(notify.channels(owner)) == []
    with pytest.raises(NotFound):
        notify.remove_channel(owner, theirs.pk)
    # Their follow-ups are not pushed to my channels, nor mine to theirs.
    recorded = record_interview()
    NotifyChannel.objects.filter(pk=theirs.pk).update(active_since=at("2025-12-01 00:00"))
    push.deliver_reminders(max(fu.due for fu in recorded.follow_ups))
    assert receiver.posts == []
    assert not FollowUp.objects.filter(owner=other).exists()
