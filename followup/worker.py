"""The worker: one loop over one explicit list of periodic tasks (TASKS below) — sending, lease
recovery, mailbox polls, ladder expiry, push reminders, the daily digest and emptying the trash.

`followup worker` runs `run(stop_event)` in the foreground (SIGTERM/SIGINT set the stop event; the
loop stops between rows, never mid-row); `followup worker --once` runs every task once;
`followup serve` runs the loop with `run_in_thread`. The database is the queue: any number of
workers may run on one database, every task claims its rows with conditional UPDATEs.

Import this module only after Django is set up (the CLI and `serve` do): the tasks' modules
use the models.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

from django.db import close_old_connections, connection

from followup.core.services import expire_ladders
from followup.core.services.trash import purge_trash
from followup.mail import poller, sender
from followup.notify import digest, push

log = logging.getLogger("followup.worker")

TaskFn = Callable[[threading.Event], object]


@dataclass
class Task:
    """One periodic task: `fn(stop_event)` runs every `interval` seconds; it stops between rows
    when the event is set."""

    name: str
    interval: float  # seconds
    fn: TaskFn
    next_run: float = 0.0  # time.monotonic(); 0 = on the first loop
    last_error: str = ""
    runs: int = 0


SEND_INTERVAL = 5.0
RECOVER_INTERVAL = 30.0
POLL_INTERVAL = 15.0  # each account has its own interval; this only looks for due ones
EXPIRE_LADDERS_INTERVAL = 3600.0
REMINDERS_INTERVAL = 30.0
DIGEST_INTERVAL = 60.0
PURGE_TRASH_INTERVAL = 3600.0  # rows stay in the trash for days: once an hour is plenty


def _recover(stop_event: threading.Event) -> object:
    return sender.recover_expired(stop_event=stop_event)


def _send(stop_event: threading.Event) -> object:
    return sender.send_due(stop_event=stop_event)


def _poll(stop_event: threading.Event) -> object:
    return poller.poll_due(stop_event=stop_event)


def _expire_ladders(stop_event: threading.Event) -> object:
    return expire_ladders()


def _reminders(stop_event: threading.Event) -> object:
    """Push notifications: a follow-up fell due, a reply arrived."""
    return push.deliver_reminders(stop_event=stop_event)


def _digest(stop_event: threading.Event) -> object:
    """The daily digest of every user whose hour has come."""
    return digest.run_digest(stop_event=stop_event)


def _purge_trash(stop_event: threading.Event) -> object:
    """Delete for good what has been in the trash longer than trash.TRASH_DAYS."""
    return purge_trash()


def tasks() -> list[Task]:
    """Every periodic task of the worker, in the order one loop runs them. A fresh list each
    call: the schedule (next_run, runs) belongs to one loop."""
    return [
        Task("recover", RECOVER_INTERVAL, _recover),
        Task("send", SEND_INTERVAL, _send),
        Task("poll", POLL_INTERVAL, _poll),
        Task("expire_ladders", EXPIRE_LADDERS_INTERVAL, _expire_ladders),
        Task("reminders", REMINDERS_INTERVAL, _reminders),
        Task("digest", DIGEST_INTERVAL, _digest),
        Task("purge_trash", PURGE_TRASH_INTERVAL, _purge_trash),
    ]


def run_due_tasks(
    schedule: Sequence[Task],
    stop_event: threading.Event,
    *,
    now: float | None = None,
    force: bool = False,
) -> dict[str, object]:
    """Run every task of `schedule` whose time has come (all of them with `force`), in order.
    Returns each task's result, or the exception it raised."""
    results: dict[str, object] = {}
    for task in schedule:
        if stop_event.is_set():
            break
        current = time.monotonic() if now is None else now
        if not force and current < task.next_run:
            continue
        close_old_connections()
        try:
            results[task.name] = task.fn(stop_event)
            task.last_error = ""
        except Exception as exc:  # one failing task must not stop the others: logged, loop goes on
            task.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("worker task %s failed", task.name)
            results[task.name] = exc
        finally:
            task.runs += 1
            task.next_run = time.monotonic() + task.interval
    return results


def _seconds_to_next(schedule: Sequence[Task], max_wait: float) -> float:
    if not schedule:
        return max_wait
    soonest = min(task.next_run for task in schedule)
    return max(0.05, min(max_wait, soonest - time.monotonic()))


def run(
    stop_event: threading.Event,
    *,
    once: bool = False,
    max_wait: float = 5.0,
    schedule: Sequence[Task] | None = None,
) -> None:
    """The loop over `schedule` (default: `tasks()`). Returns when `stop_event` is set (checked
    between rows and between tasks), or after one pass with `once`."""
    schedule = tasks() if schedule is None else schedule
    try:
        if once:
            run_due_tasks(schedule, stop_event, force=True)
            return
        while not stop_event.is_set():
            run_due_tasks(schedule, stop_event)
            stop_event.wait(_seconds_to_next(schedule, max_wait))
    finally:
        connection.close()


def run_in_thread(stop_event: threading.Event) -> threading.Thread:
    """Start the loop in a daemon thread (for `followup serve`)."""
    thread = threading.Thread(
        target=_thread_main, args=(stop_event,), name="followup-worker", daemon=True
    )
    thread.start()
    return thread


def _thread_main(stop_event: threading.Event) -> None:
    try:
        run(stop_event)
    except Exception:  # the thread's last words reach the log instead of vanishing
        log.exception("the worker thread stopped")


def install_signal_handlers(stop_event: threading.Event) -> None:
    """SIGTERM and SIGINT ask the loop to stop after the current row."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop_event.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
