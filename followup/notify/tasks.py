"""The reminders' periodic tasks, registered with the worker (followup.worker loads this module).

Each task reads the clock itself and works through the database queue, so any number of workers
may run them at once: claims are conditional UPDATEs.
"""

from __future__ import annotations

import threading
from typing import Any

from followup import worker

REMINDERS_INTERVAL = 30.0
DIGEST_INTERVAL = 60.0


def deliver_reminders(stop_event: threading.Event) -> Any:
    """Push notifications: a follow-up fell due, a reply arrived."""
    from followup.notify import push

    return push.deliver_reminders(stop_event=stop_event)


def run_digest(stop_event: threading.Event) -> Any:
    """The daily digest of every user whose hour has come."""
    from followup.notify import digest

    return digest.run_digest(stop_event=stop_event)


def process_invitations(owner: Any, raw_message: bytes, source: str = "") -> int:
    """For the mail poller: propose the invitations in one fetched message (RFC 822 bytes) for
    the user's one-click confirmation. Returns how many were found. Not periodic: call it for
    each message that carries a text/calendar part."""
    from email import message_from_bytes, policy

    from followup.notify.services import propose_from_message

    message = message_from_bytes(raw_message, policy=policy.default)
    return len(propose_from_message(owner, message, source=source))


worker.register("reminders", REMINDERS_INTERVAL, deliver_reminders)
worker.register("digest", DIGEST_INTERVAL, run_digest)
