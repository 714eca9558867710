"""Each command in a process of its own, as a person runs it: `followup done 1` once crashed with
ImproperlyConfigured because it imported the services before Django was set up, while in-process
tests stayed green."""

import subprocess
import sys

import pytest

from .conftest import assert_bad_input

ADD = [
    "interview",
    "add",
    "--company",
    "Savanna Mobile",
    "--role",
    "Sales Executive",
    "--start",
    "2025-12-09 10:00",
    "--tz",
    "Africa/Nairobi",
    "--country",
    "KE",
    "--interviewer",
    "Wanjiku Kamau <wanjiku@savanna.example>",
    "--interviewer",
    "Otieno Odhiambo <otieno@savanna.example>",
    "--promised",
    "We'll get back to you by Friday",
    "--json",
]


def test_done_skip_sent_and_replied_each_work_in_a_fresh_process_in_a_fresh_home(
    run_cli, fresh_home
):
    import json

    created = run_cli(*ADD, env=fresh_home)  # a home nobody used: created and migrated
    assert created.returncode == 0, created.stderr
    first, second, third, fourth = json.loads(created.stdout)["follow_up_ids"][:4]
    expected = {
        "done": (first, "marked done"),
        "skip": (second, "skipped"),
        "sent": (third, "marked sent"),
        "replied": (fourth, "recorded as replied"),
    }
    for command, (follow_up_id, verb) in expected.items():
        result = run_cli(command, follow_up_id, env=fresh_home)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stdout.startswith(f"Follow-up {follow_up_id} (") and verb in result.stdout
    due = run_cli("due", "--until", "all", "--json", env=fresh_home)
    open_ids = {row["id"] for row in json.loads(due.stdout)}
    assert not open_ids & {first, second, third, fourth}


@pytest.mark.parametrize("command", ["skip", "sent", "replied"])  # done: test_interviews.py
def test_closing_an_unknown_follow_up_in_a_fresh_process_names_the_id(
    run_cli, owner, unchanged, command
):
    with unchanged():
        assert_bad_input(run_cli(command, "99999999", "--json"), "followup_id")


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["migrate"],
        ["notify", "list"],
        ["notify", "deliver"],
        ["calendar", "url"],
        ["calendar", "revoke"],
        ["digest", "send"],
        ["digest", "show"],
        ["mail", "outbox"],
        ["mail", "replies"],
        ["worker", "--once"],
    ],
)
def test_a_command_without_arguments_names_a_bad_database_url(run_cli, owner, unchanged, command):
    # Their one bad input is the environment: the settings refuse it before anything opens.
    with unchanged():
        assert_bad_input(run_cli(*command, env={"DATABASE_URL": "mysql://db/x"}), "DATABASE_URL")


def test_starting_the_command_loads_neither_django_nor_rich():
    # `followup due` runs often: Django is set up, and Rich imported, only by the commands.
    probe = (
        "import sys, followup.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rich')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_python_dash_m_followup_is_the_same_command(run_cli):
    import os

    result = subprocess.run(
        [sys.executable, "-m", "followup", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "160"},
    )
    assert result.returncode == 0
    as_module = result.stdout.replace("Usage: python -m followup", "Usage: followup", 1)
    assert as_module == run_cli("--help").stdout


def test_a_database_file_opened_once_but_never_migrated_is_migrated_on_first_use(
    run_cli, fresh_home
):
    import sqlite3
    from pathlib import Path

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite home's own database file")
    home = Path(fresh_home["FOLLOWUP_HOME"])
    home.mkdir(parents=True)
    with sqlite3.connect(home / "followup.sqlite3") as db:  # a WAL header, no tables
        db.execute("PRAGMA journal_mode=WAL")
    result = run_cli("list", env=fresh_home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "no such table" not in result.stderr
