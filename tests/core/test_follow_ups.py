"""A follow-up's life through the one module that changes it: approve and unapprove, a reply by
hand, a deliverable's own promise, and the same refusal wherever a person approves from."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Contact, Event, FollowUp
from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]


def thank_you_of(recorded):
    return next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")


def test_unapprove_takes_an_approved_follow_up_back_to_planned(owner, recorded):
    fu = services.approve(owner, thank_you_of(recorded).pk)
    assert fu.status == "approved" and fu.send_after is not None

    back = services.unapprove(owner, fu.pk)

    assert back.status == "planned"
    assert back.send_after is None
    assert back.message_id == fu.message_id  # kept: approving again threads the same way
    with pytest.raises(InvalidInput) as exc:
        services.unapprove(owner, fu.pk)
    assert str(exc.value) == f"followup_id: follow-up {fu.pk} is planned, not approved"


def test_unapprove_leaves_a_follow_up_the_sender_has_claimed_alone(owner, recorded):
    fu = services.approve(owner, thank_you_of(recorded).pk, send_now=True)
    FollowUp.objects.filter(pk=fu.pk).update(status="sending")

    with pytest.raises(InvalidInput) as exc:
        services.unapprove(owner, fu.pk)

    assert exc.value.field == "followup_id" and "sending" in exc.value.message
    assert FollowUp.objects.get(pk=fu.pk).status == "sending"


def test_approving_a_closed_follow_up_is_refused_and_changes_nothing(owner, recorded):
    fu = services.mark_done(owner, thank_you_of(recorded).pk)
    with pytest.raises(InvalidInput) as exc:
        services.approve(owner, fu.pk)
    assert exc.value.field == "followup_id" and "is done" in exc.value.message
    assert FollowUp.objects.get(pk=fu.pk).status == "done"


def test_a_reply_recorded_by_hand_also_cancels_approved_check_ins(owner, recorded):
    check_in = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")
    services.approve(owner, check_in.pk)

    services.record_reply(owner, thank_you_of(recorded).pk, summary="phone call")

    check_in.refresh_from_db()
    assert check_in.status == "cancelled"
    assert Event.objects.filter(
        follow_up=check_in, kind="follow_up_cancelled", message__contains="they replied"
    ).exists()


def test_each_deliverable_is_drafted_about_its_own_promise(owner, record_interview):
    recorded = record_interview(
        commitments=[
            "I'll send my portfolio by Tuesday",
            "I'll share two references by Thursday",
        ]
    )
    bodies = {fu.commitment: fu.body for fu in recorded.follow_ups if fu.kind == "deliverable"}
    assert set(bodies) == {
        "I'll send my portfolio by Tuesday",
        "I'll share two references by Thursday",
    }
    portfolio = bodies["I'll send my portfolio by Tuesday"]
    references = bodies["I'll share two references by Thursday"]
    assert "portfolio" in portfolio and "references" not in portfolio
    assert "references" in references and "portfolio" not in references


# ---------------------------------------------------------------------------------------------
# One approve: the web page and the command line refuse the same input with the same words


def _followup_command(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "followup", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.mark.django_db(transaction=True)
def test_the_web_and_the_command_line_refuse_a_bounced_address_with_the_same_message(
    owner, recorded
):
    fu = thank_you_of(recorded)
    Contact.objects.filter(pk=fu.recipient_id).update(bounced_at=timezone.now())
    with pytest.raises(InvalidInput) as refused:
        services.approve(owner, fu.pk)
    message = refused.value.message
    assert refused.value.field == "recipient" and "bounced on" in message

    web = Client()
    web.force_login(owner)
    page = web.post(f"/follow-ups/{fu.pk}/act/", {"action": "approve"}, HTTP_HX_REQUEST="true")
    command = _followup_command("approve", str(fu.pk))

    assert message in html.unescape(page.content.decode())
    assert command.returncode == 2, command.stderr
    assert f"recipient: {message}" in command.stderr
    assert FollowUp.objects.get(pk=fu.pk).status == "planned"


def test_a_draft_body_over_the_cap_is_refused_by_name(owner, recorded):
    from followup.core import services
    from followup.core.errors import InvalidInput
    from followup.drafting import MAX_BODY_CHARS

    fu = recorded.follow_ups[0]
    with pytest.raises(InvalidInput) as caught:
        services.edit_draft(owner, fu.pk, fu.subject, "x" * (MAX_BODY_CHARS + 1))
    assert caught.value.field == "body"
