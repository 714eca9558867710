"""How long to wait before trying again after a failure: one rule for every retry in followup
(sending mail, pushes, mailbox polls), each with its own schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

# Sending mail: 1, 2, 4 … minutes, at most 6 hours apart.
SEND_RETRY: tuple[timedelta, ...] = tuple(
    min(timedelta(minutes=2**n), timedelta(hours=6)) for n in range(10)
)
# Push reminders: 1, 5, 15 minutes, 1 hour, 4 hours.
PUSH_RETRY: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)


def retry_delay(attempts: int, schedule: Sequence[timedelta]) -> timedelta:
    """The wait after the `attempts`-th failure (1 = the first); past the schedule's end, its
    last step."""
    if not schedule:
        raise ValueError("a retry schedule needs at least one step")
    return schedule[min(max(attempts, 1), len(schedule)) - 1]
