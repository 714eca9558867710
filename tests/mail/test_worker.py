"""The worker loop: SIGTERM stops it between rows, one explicit list of periodic tasks, a thread for
`followup serve`."""

import signal
import threading

import pytest

from followup import worker
from followup.core.models import FollowUp

from .conftest import add_account, approve_now, make_application, start_worker, wait_for

pytestmark = pytest.mark.mail


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_the_worker_between_rows_with_nothing_lost(owner, smtp_server):
    add_account(owner, smtp_server, None)
    follow_ups = []
    for _ in range(6):
        follow_ups += make_application(owner, people=50)[1]
    approve_now(owner, follow_ups)
    total = len(follow_ups)

    process = start_worker(FOLLOWUP_SEND_BATCH_SIZE="20")
    wait_for(
        lambda: FollowUp.objects.filter(status=FollowUp.Status.SENT).exists(),
        timeout=60,
        message="a first row sent",
    )
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 0, stderr
    statuses = dict.fromkeys(FollowUp.Status.values, 0)
    for status in FollowUp.objects.values_list("status", flat=True):
        statuses[status] += 1
    assert statuses[FollowUp.Status.SENDING] == 0  # claimed rows not started went back
    assert statuses[FollowUp.Status.SENT] == len(smtp_server.received)  # none lost, none twice
    assert statuses[FollowUp.Status.SENT] + statuses[FollowUp.Status.APPROVED] == total
    assert len(set(smtp_server.message_ids())) == len(smtp_server.received)


def test_the_worker_runs_one_explicit_list_of_tasks():
    assert [task.name for task in worker.tasks()] == [
        "recover",
        "send",
        "poll",
        "expire_ladders",
        "reminders",
        "digest",
        "purge_trash",
    ]


def test_tasks_run_when_due():
    calls = []
    stop = threading.Event()
    task = worker.Task("test-task", 3600, lambda stop_event: calls.append(stop_event))
    worker.run_due_tasks([task], stop, now=task.next_run)
    assert calls == [stop] and task.runs == 1
    worker.run_due_tasks([task], stop)  # not due again for an hour
    assert len(calls) == 1


def test_a_failing_task_does_not_stop_the_others():
    stop = threading.Event()
    ran = []
    broken = worker.Task("test-broken", 3600, lambda stop_event: 1 / 0)
    fine = worker.Task("test-fine", 3600, lambda stop_event: ran.append(True))
    results = worker.run_due_tasks([broken, fine], stop, force=True)
    assert isinstance(results["test-broken"], ZeroDivisionError)
    assert ran == [True]
    assert broken.last_error.startswith("ZeroDivisionError")


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_sends_and_stops_when_asked(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, follow_ups = make_application(owner, people=2)
    approve_now(owner, follow_ups)
    stop = threading.Event()

    thread = worker.run_in_thread(stop)
    wait_for(lambda: len(smtp_server.received) == 2, timeout=30, message="both sent by the thread")
    stop.set()
    thread.join(timeout=30)

    assert not thread.is_alive()
    assert FollowUp.objects.filter(status=FollowUp.Status.SENT).count() == 2
