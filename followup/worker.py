"""The worker: one loop for sending, polling, lease recovery and ladder expiry.

Periodic tasks live in a registry so other parts (reminders: digests, notifications) can add
theirs:

    from followup import worker
    worker.register("digest", 60, send_digests)   # fn(stop_event) -> object

`followup worker` runs `run(stop_event)` in the foreground (SIGTERM/SIGINT set the stop event; the
loop stops between rows, never mid-row); `followup serve` runs it with `run_in_thread`.
The database is the queue: any number of workers may run on one database.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

log = logging.getLogger("followup.worker")

TaskFn = Callable[[threading.Event], Any]


@dataclass
class Task:
    name: str
    interval: float  # seconds
    fn: TaskFn
    next_run: float = 0.0  # time.monotonic()
    last_error: str = ""
    runs: int = 0


@dataclass
class Registry:
    tasks: dict[str, Task] = field(default_factory=dict)

    def register(self, name: str, interval: float, fn: TaskFn) -> Task:
        """Add (or replace) a periodic task; it first runs on the next loop iteration."""
        task = Task(name=name, interval=float(interval), fn=fn)
        self.tasks[name] = task
        return task

    def unregister(self, name: str) -> None:
        self.tasks.pop(name, None)


registry = Registry()
register = registry.register


# ---------------------------------------------------------------------------------------------
# Built-in tasks (imported lazily: Django must be set up first)


def _send(stop_event: threading.Event) -> Any:
    from followup.mail.sender import send_due

    return send_due(stop_event=stop_event)


def _recover(stop_event: threading.Event) -> Any:
    from followup.mail.sender import recover_expired

    return recover_expired(stop_event=stop_event)


def _poll(stop_event: threading.Event) -> Any:
    from followup.mail.poller import poll_due

    return poll_due(stop_event=stop_event)


def _expire_ladders(stop_event: threading.Event) -> Any:
    from followup.core.services import expire_ladders

    return expire_ladders()


SEND_INTERVAL = 5.0
register("recover", 30.0, _recover)
register("send", SEND_INTERVAL, _send)
register("poll", 15.0, _poll)  # each account has its own interval; this only looks for due ones
register("expire_ladders", 3600.0, _expire_ladders)


def _load_plugins() -> None:
    """Let installed parts register their tasks: `followup.<app>.tasks` modules, if present."""
    import importlib
    import importlib.util

    for name in ("followup.notify.tasks",):
        try:
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
        except Exception as exc:  # a broken plugin must not stop sending
            log.warning("could not load %s: %s", name, exc)


def run_due_tasks(
    stop_event: threading.Event, *, now: float | None = None, force: bool = False
) -> dict[str, Any]:
    """Run every task whose time has come (all of them with `force`), in registration order."""
    from django.db import close_old_connections

    results: dict[str, Any] = {}
    for task in list(registry.tasks.values()):
        if stop_event.is_set():
            break
        current = time.monotonic() if now is None else now
        if not force and current < task.next_run:
            continue
        close_old_connections()
        try:
            results[task.name] = task.fn(stop_event)
            task.last_error = ""
        except Exception as exc:  # one failing task must not stop the others
            task.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("worker task %s failed", task.name)
            results[task.name] = exc
        finally:
            task.runs += 1
            task.next_run = time.monotonic() + task.interval
    return results


def _seconds_to_next(max_wait: float) -> float:
    if not registry.tasks:
        return max_wait
    soonest = min(task.next_run for task in registry.tasks.values())
    return max(0.05, min(max_wait, soonest - time.monotonic()))


def run(stop_event: threading.Event, *, once: bool = False, max_wait: float = 5.0) -> None:
    """The loop. Returns when `stop_event` is set (checked between rows and between tasks)."""
    from django.db import connection

    _load_plugins()
    try:
        if once:
            run_due_tasks(stop_event, force=True)
            return
        while not stop_event.is_set():
            run_due_tasks(stop_event)
            stop_event.wait(_seconds_to_next(max_wait))
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
    except Exception:
        log.exception("the worker thread stopped")


def install_signal_handlers(stop_event: threading.Event) -> None:
    """SIGTERM and SIGINT ask the loop to stop after the current row."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop_event.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
