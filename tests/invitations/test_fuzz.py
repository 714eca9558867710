"""Fuzzing the invitation parser: whatever bytes arrive (by upload, by mail, from the command
line), parse_invitation gives invitations or refuses the file in one line — no traceback, and
no input that runs away (each example runs under an alarm far above any honest file's cost)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.core import invitations
from followup.core.errors import InvalidInput

# derandomize: the same examples on every run, so CI is repeatable. To explore, run this file
# with derandomize=False and a few `--hypothesis-seed=N` (that is how the cases fixed here were
# found).
SAMPLES = sorted((Path(__file__).parent / "samples").glob("*.ics"))
LINES = [line for path in SAMPLES for line in path.read_bytes().splitlines()]
NASTY = [
    b"RRULE:FREQ=SECONDLY",
    b"RRULE:FREQ=MINUTELY;INTERVAL=1",
    b"DTSTART:16010101T000000",
    b"DTSTART;TZID=Nowhere/Else:20251209T100000",
    b"DTSTART;VALUE=DATE:20251209",
    b"DURATION:-PT1H",
    b"DURATION:P99999999W",
    b"TZOFFSETTO:+9999",
    b"BEGIN:VTIMEZONE",
    b"END:VTIMEZONE",
    b"BEGIN:VEVENT",
    b"END:VEVENT",
    b'ATTENDEE;CN="a, b: c@d":mailto:x@y.example',
    b"SEQUENCE:99999999999999999999",
    b"\x00",
    b" folded continuation",
]


class RanAway(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise RanAway("one example ran past its budget")


def _parse_or_refuse(data: bytes) -> None:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 20)
    try:
        result = invitations.parse_invitation(data, "Africa/Nairobi")
        for invitation in result:
            assert invitation.start.tzinfo is not None and invitation.end >= invitation.start
    except InvalidInput as exc:
        assert exc.field in ("file", "tz") and exc.message and "\n" not in exc.message
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_sample_parses(path):
    assert invitations.parse_invitation(path.read_bytes(), "Africa/Nairobi")


@settings(
    derandomize=True, max_examples=150, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(
    sample=st.sampled_from(SAMPLES),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=80),
            st.one_of(st.sampled_from(LINES), st.sampled_from(NASTY), st.binary(max_size=30)),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_an_edited_invitation_is_read_or_refused_in_one_line(sample, edits):
    lines = sample.read_bytes().splitlines()
    for position, line, replace in edits:
        index = min(position, len(lines))
        if replace and index < len(lines):
            lines[index] = line
        else:
            lines.insert(index, line)
    _parse_or_refuse(b"\r\n".join(lines) + b"\r\n")


@settings(
    derandomize=True, max_examples=100, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(data=st.binary(max_size=400))
def test_any_bytes_after_a_calendar_header_are_read_or_refused(data):
    _parse_or_refuse(b"BEGIN:VCALENDAR\r\n" + data)
