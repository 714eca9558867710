"""First use in a terminal: the first interactive command asks name, signature, time zone and
country, checks each answer as it is typed, then goes on with the command. A real `followup`
process on a pseudo-terminal (the standard library's pty), so it is a terminal to the program
exactly as a person's is; pipes and --json are never asked."""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from followup.core.queries import get_local_user

from .conftest import base_env, followup_binary

DEADLINE_SECONDS = 60  # a bound on a wait for output, not a pause: reading returns at once


class Terminal:
    """A `followup` process whose standard input, output and error are one pseudo-terminal."""

    def __init__(self, *args: object, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(
            [str(followup_binary()), *map(str, args)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str) -> str:
        """Read until `text` has appeared; all output so far."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} never came; the terminal shows:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the process ended and closed the terminal
                    chunk = b""
                if not chunk:
                    assert text in self.seen, f"{text!r} never came:\n{self.seen}"
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.seen

    def answer(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def finish(self) -> int:
        """Read to the end and wait for the exit code."""
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.proc.wait(timeout=DEADLINE_SECONDS)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=DEADLINE_SECONDS)
        os.close(self.master)


@pytest.fixture
def terminal(database: Any, tmp_path: Path, tls_cert: Any) -> Iterator[Any]:
    """terminal(*args, env=None): `followup ARGS` started on a pseudo-terminal."""
    started: list[Terminal] = []

    def start(*args: object, env: dict[str, str] | None = None) -> Terminal:
        # TZ names this computer's zone, so the suggestion is known whatever the test machine's.
        full_env = base_env(tls_cert.cert_path, TZ="Africa/Nairobi", **(env or {}))
        session = Terminal(*args, env=full_env)
        started.append(session)
        return session

    yield start
    for session in started:
        session.close()


@pytest.fixture
def new_user(database: Any) -> Any:
    """The local user as a first start leaves them: no name, never set up."""
    return get_local_user()


def test_the_first_command_at_a_terminal_asks_four_questions_then_runs(terminal, new_user):
    session = terminal("due")
    session.expect("Your name")
    session.answer("Amina Njeri")
    session.expect("new line) [Amina Njeri]: ")  # the name is the suggested signature
    session.answer("Amina Njeri\\n+254 700 000 000")
    session.expect("Your time zone [Africa/Nairobi]: ")  # this computer's zone
    session.answer("")  # take the suggestion
    session.expect("public holidays) [KE]: ")  # the zone's country
    session.answer("")
    session.expect("Nothing due")  # and the command itself went on
    assert session.finish() == 0
    profile = get_local_user().followup_profile
    assert profile.full_name == "Amina Njeri"
    assert profile.signature == "Amina Njeri\n+254 700 000 000"
    assert (profile.time_zone, profile.country) == ("Africa/Nairobi", "KE")
    assert profile.set_up_at is not None


def test_a_wrong_answer_is_asked_again_and_the_right_ones_are_kept(terminal, new_user):
    session = terminal("due")
    session.expect("Your name")
    session.answer("Amina Njeri")
    session.expect("Signature")
    session.answer("")
    session.expect("Your time zone")
    session.answer("Mars/Olympus")
    session.expect("unknown time zone 'Mars/Olympus'")
    session.expect("try again")
    session.answer("Europe/Paris")
    session.expect("public holidays) [FR]: ")  # the country follows the zone typed
    session.answer("ZZ")
    session.expect("unknown country 'ZZ'")
    session.answer("fr")
    session.expect("Nothing due")
    assert session.finish() == 0
    profile = get_local_user().followup_profile
    assert (profile.full_name, profile.signature) == ("Amina Njeri", "Amina Njeri")
    assert (profile.time_zone, profile.country) == ("Europe/Paris", "FR")


def test_the_next_command_asks_nothing(terminal, new_user):
    first = terminal("due")
    first.expect("Your name")
    first.answer("")  # skip for now
    first.expect("Skipped")
    assert first.finish() == 0
    assert get_local_user().followup_profile.set_up_at is not None
    second = terminal("due")
    second.expect("Nothing due")
    assert second.finish() == 0
    assert "Your name" not in second.seen


def test_json_and_profile_commands_are_never_asked(terminal, new_user):
    listed = terminal("due", "--json")
    assert listed.finish() == 0
    assert "Your name" not in listed.seen and "[]" in listed.seen
    setting = terminal("profile", "set", "--name", "Amina Njeri")
    setting.expect("Profile saved.")
    assert setting.finish() == 0
    assert "Your name" not in setting.seen


def test_a_script_is_never_asked(run_cli, new_user, unchanged):
    with unchanged():
        result = run_cli("due")
    assert result.returncode == 0, result.stderr
    assert "Your name" not in result.stdout
    assert get_local_user().followup_profile.set_up_at is None
