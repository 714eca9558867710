"""Closing a follow-up (done, skip, sent, replied) twice at once, as two browser tabs or two
terminals would: one wins, the other is told what the follow-up already is, and the timeline
says it once. Two threads on their own database connections, and two real CLI processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connections

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Event, FollowUp
from tests.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]

CLOSINGS = {
    "done": (services.mark_done, Event.Kind.FOLLOW_UP_DONE, "done"),
    "skip": (services.skip, Event.Kind.FOLLOW_UP_SKIPPED, "skipped"),
    "sent": (services.mark_sent, Event.Kind.FOLLOW_UP_SENT, "sent"),
    "replied": (services.record_reply, Event.Kind.REPLY_RECORDED, "done"),
}


def thank_you_of(recorded):
    return next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")


def closing_events(fu):
    kinds = [kind for _, kind, _ in CLOSINGS.values()]
    return list(Event.objects.filter(follow_up=fu, kind__in=kinds).values_list("kind", flat=True))


def at_once(owner, fu, first: str, second: str):
    """Run the two closings in two threads released together; each thread's outcome is "ok" or
    the InvalidInput it raised."""
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def close(slot: int, action: str) -> None:
        try:
            barrier.wait(timeout=30)
            CLOSINGS[action][0](owner, fu.pk)
            outcomes[slot] = "ok"
        except InvalidInput as exc:
            outcomes[slot] = exc
        finally:
            connections.close_all()  # this thread's connection, before the test database goes

    threads = [threading.Thread(target=close, args=(i, a)) for i, a in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [outcomes[0], outcomes[1]]


@pytest.mark.parametrize(
    ("first", "second"),
    [("done", "skip"), ("done", "done"), ("skip", "sent"), ("replied", "replied")],
)
def test_two_closings_at_once_one_wins_and_the_other_is_told(owner, recorded, first, second):
    fu = thank_you_of(recorded)

    outcomes = at_once(owner, fu, first, second)

    assert outcomes.count("ok") == 1, outcomes
    (refused,) = [o for o in outcomes if o != "ok"]
    assert isinstance(refused, InvalidInput) and refused.field == "followup_id"
    winner = (first, second)[outcomes.index("ok")]
    _, kind, status = CLOSINGS[winner]
    row = FollowUp.objects.get(pk=fu.pk)
    assert row.status == status
    if winner == "replied":
        assert refused.message.startswith(f"follow-up {fu.pk} already has a reply recorded")
    else:
        assert refused.message == f"follow-up {fu.pk} is already {status}"
    assert closing_events(fu) == [kind]


def test_closing_one_already_closed_is_refused_and_logs_nothing(owner, recorded):
    fu = thank_you_of(recorded)
    services.mark_done(owner, fu.pk)

    for action in ("done", "skip", "sent"):
        with pytest.raises(InvalidInput) as refused:
            CLOSINGS[action][0](owner, fu.pk)
        assert refused.value.message == f"follow-up {fu.pk} is already done"
    assert closing_events(fu) == [Event.Kind.FOLLOW_UP_DONE]


def test_a_reply_by_hand_is_recorded_once(owner, recorded):
    fu = thank_you_of(recorded)
    services.record_reply(owner, fu.pk, summary="phone call")

    with pytest.raises(InvalidInput, match="already has a reply recorded"):
        services.record_reply(owner, fu.pk, summary="phone call")
    assert closing_events(fu) == [Event.Kind.REPLY_RECORDED]


def test_one_being_sent_cannot_be_closed_by_hand(owner, recorded):
    fu = services.approve(owner, thank_you_of(recorded).pk, send_now=True)
    FollowUp.objects.filter(pk=fu.pk).update(status=FollowUp.Status.SENDING)

    with pytest.raises(InvalidInput) as refused:
        services.mark_done(owner, fu.pk)

    assert refused.value.message == f"follow-up {fu.pk} is being sent right now"
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.SENDING


# ---------------------------------------------------------------------------------------------
# Two terminals


def test_done_and_skip_from_two_terminals_at_once_one_wins(owner, recorded):
    fu = thank_you_of(recorded)
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(ROOT)}
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "followup", action, str(fu.pk)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for action in ("done", "skip")
    ]
    results = [(c.wait(timeout=120), *c.communicate(timeout=120)) for c in commands]

    assert sorted(code for code, _, _ in results) == [0, 2], results
    winner = ("done", "skip")[[code for code, _, _ in results].index(0)]
    status = CLOSINGS[winner][2]
    (refused_stderr,) = [err for code, _, err in results if code == 2]
    assert refused_stderr.splitlines() == [
        f"error: followup_id: follow-up {fu.pk} is already {status}"
    ]
    assert FollowUp.objects.get(pk=fu.pk).status == status
    assert closing_events(fu) == [CLOSINGS[winner][1]]
