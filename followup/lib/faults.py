"""Fault injection for the crash tests: one small, named mechanism.

A test starts a real process with FOLLOWUP_FAULT=<point>[:N]; when the code reaches
`fault_point("<point>")` for the Nth time (1st by default) the process is killed with SIGKILL on
the spot, as a power cut or the OOM killer would: no cleanup, no `finally`. Points are named
"<module>.<moment>", e.g. "sender.after_claim", "sender.after_smtp", "push.after_delivery".

Without the variable a fault point costs one dictionary look-up; production never sets it.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

FAULT_ENV = "FOLLOWUP_FAULT"
KILLED_BY_FAULT = -signal.SIGKILL  # subprocess.returncode of a process a fault point killed

_reached: Counter[str] = Counter()


def fault_point(name: str) -> None:
    """Kill this process here if FOLLOWUP_FAULT names this point (and its count is reached)."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] == int(nth or "1"):
        os.kill(os.getpid(), signal.SIGKILL)
