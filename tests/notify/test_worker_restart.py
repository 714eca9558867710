"""A worker killed (SIGKILL) mid-run and started again: every reminder delivered, none twice.

The worker is a real subprocess (`followup worker --once`, every periodic task once) on the test
database; a named fault point (FOLLOWUP_FAULT=push.after_claim:2, followup.lib.faults) makes it
SIGKILL itself at an exact point."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from followup.lib.faults import FAULT_ENV, KILLED_BY_FAULT
from followup.notify import services as notify
from followup.notify.models import Delivery, NotifyChannel
from tests.conftest import database_url


def run_worker(fault: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "FOLLOWUP_HOME": str(settings.HOME),
        "FOLLOWUP_SITE_URL": settings.SITE_URL,
    }
    env.pop(FAULT_ENV, None)
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run(
        [sys.executable, "-m", "followup", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def three_due(transactional_db, owner, receiver, record_interview):
    """Three follow-ups already due, one channel set up before them."""
    recorded = record_interview(
        start="2025-12-09 10:00",
        interviewers=[
            "Wanjiku Kamau <wanjiku@savanna.example>",
            "Otieno Odhiambo <otieno@savanna.example>",
            "Achieng Atieno <achieng@savanna.example>",
        ],
    )
    thank_yous = [fu for fu in recorded.follow_ups if fu.kind == "thank_you"]
    assert len(thank_yous) == 3
    channel = notify.add_channel(owner, receiver.url, "Phone")
    NotifyChannel.objects.filter(pk=channel.pk).update(
        active_since=min(f.due for f in thank_yous) - timedelta(days=1)
    )
    # Only the thank-yous are due "now" for this test: the rest of the plan is later.
    recorded.application.follow_ups.exclude(pk__in=[f.pk for f in thank_yous]).update(
        due=timezone.now() + timedelta(days=30)
    )
    return thank_yous


def expire_leases() -> None:
    """The lease of a killed worker runs out (time passing, without waiting for it)."""
    Delivery.objects.filter(status="sending").update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )


def test_a_worker_killed_right_after_a_claim_loses_nothing_and_doubles_nothing(three_due, receiver):
    killed = run_worker(fault="push.after_claim:2")
    assert killed.returncode == KILLED_BY_FAULT, killed.stderr
    assert len(receiver.posts) == 1  # the first was delivered before the kill
    assert Delivery.objects.filter(status="sending").count() == 1

    restarted = run_worker()  # the killed worker's lease still holds: its row is left alone
    assert restarted.returncode == 0, restarted.stderr
    assert len(receiver.posts) == 2
    assert Delivery.objects.filter(status="sending").count() == 1

    expire_leases()
    again = run_worker()
    assert again.returncode == 0, again.stderr

    assert Delivery.objects.filter(status="delivered").count() == 3
    titles = receiver.titles()
    assert len(titles) == 3 and len(set(titles)) == 3  # each reminder exactly once


def test_a_worker_killed_after_the_receiver_accepted_repeats_only_that_reminder_after_its_lease(
    three_due, receiver
):
    """The one window without a guarantee: the receiver said 200 and the worker died before the
    UPDATE recording it. No receiver idempotency key exists, so it is sent again (at least
    once) — only that one, and only after the dead worker's lease."""
    killed = run_worker(fault="push.after_delivery:2")
    assert killed.returncode == KILLED_BY_FAULT
    assert Delivery.objects.filter(status="delivered").count() == 1 and len(receiver.posts) == 2

    run_worker()  # the unrecorded one is held by the dead worker's lease
    assert len(receiver.posts) == 3
    assert Delivery.objects.filter(status="sending").count() == 1

    expire_leases()
    run_worker()
    titles = receiver.titles()
    assert Delivery.objects.filter(status="delivered").count() == 3
    assert len(titles) == 4 and titles.count(titles[1]) == 2 and len(set(titles)) == 3


def test_running_the_worker_again_and_again_delivers_each_reminder_once(three_due, receiver):
    for _ in range(3):
        assert run_worker().returncode == 0
    assert len(receiver.posts) == 3
    assert Delivery.objects.filter(status="delivered").count() == 3
