"""Retrying a send that failed, and taking it back: the one home of follow-up state changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Contact, Event, FollowUp


@pytest.fixture
def thank_you(owner, record_interview):
    recorded = record_interview()
    return next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")


def fail(fu, error="550 5.1.1 No such user here", **extra):
    """Data set-up: the sender gave up on it (as fail_claimed leaves a row)."""
    services.approve(fu.owner, fu.pk, send_now=True)
    FollowUp.objects.filter(pk=fu.pk).update(status="failed", attempts=3, last_error=error, **extra)
    fu.refresh_from_db()
    return fu


def test_a_failed_send_goes_back_to_the_outbox_now_with_its_message_id(owner, thank_you):
    failed = fail(thank_you)
    before = timezone.now()
    fu = services.retry_send(owner, failed.pk)
    fu.refresh_from_db()
    assert (fu.status, fu.attempts, fu.last_error) == ("approved", 0, "")
    assert fu.message_id == failed.message_id
    assert fu.send_after >= before and fu.next_attempt_at >= before
    assert fu.next_attempt_at <= timezone.now()
    assert Event.objects.filter(follow_up=fu, message__contains="sending again").exists()


def test_an_approved_one_waiting_after_an_error_is_tried_at_once(owner, thank_you):
    services.approve(owner, thank_you.pk, send_now=True)
    later = timezone.now() + timedelta(hours=1)
    FollowUp.objects.filter(pk=thank_you.pk).update(
        attempts=2, last_error="451 try again later", next_attempt_at=later
    )
    fu = services.retry_send(owner, thank_you.pk)
    fu.refresh_from_db()
    assert fu.attempts == 0 and fu.next_attempt_at <= timezone.now() and not fu.last_error


def test_a_bounced_address_is_refused_until_the_contact_is_corrected(owner, thank_you):
    failed = fail(thank_you, error="bounced: 550 no such user")
    Contact.objects.filter(pk=failed.recipient_id).update(bounced_at=timezone.now())
    with pytest.raises(InvalidInput) as caught:
        services.retry_send(owner, failed.pk)
    assert caught.value.field == "recipient"
    assert (
        "bounced" in caught.value.message
        and "correct the contact's address" in caught.value.message
    )
    failed.refresh_from_db()
    assert failed.status == "failed" and failed.attempts == 3


@pytest.mark.parametrize("status", ["planned", "sent", "sending"])
def test_only_a_send_that_failed_can_be_retried(owner, thank_you, status):
    FollowUp.objects.filter(pk=thank_you.pk).update(status=status)
    with pytest.raises(InvalidInput) as caught:
        services.retry_send(owner, thank_you.pk)
    assert caught.value.field == "followup_id"
    assert FollowUp.objects.get(pk=thank_you.pk).status == status


def test_it_checks_ownership(thank_you, django_user_model):
    from followup.core.errors import NotFound

    failed = fail(thank_you)
    other = django_user_model.objects.create(username="other")
    with pytest.raises(NotFound):
        services.retry_send(other, failed.pk)
    assert FollowUp.objects.get(pk=failed.pk).status == "failed"


def test_unapprove_takes_a_failed_send_back_to_planned(owner, thank_you):
    failed = fail(thank_you)
    fu = services.unapprove(owner, failed.pk)
    assert (fu.status, fu.last_error, fu.attempts, fu.send_after) == ("planned", "", 0, None)
    assert fu.message_id == failed.message_id
    assert not services.needs_attention(fu)


def test_needs_attention_is_a_failed_send_or_an_approved_one_with_an_error(owner, thank_you):
    assert not services.needs_attention(thank_you)
    services.approve(owner, thank_you.pk, send_now=True)
    thank_you.refresh_from_db()
    assert not services.needs_attention(thank_you)
    thank_you.last_error = "451 later"
    assert services.needs_attention(thank_you)
    assert services.needs_attention(fail(thank_you))
