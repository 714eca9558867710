"""The `followup` command as its users run it: the installed console script, a real process.

Every test here runs on the pytest-django test database with committed data (transactional_db,
flushed after each test), and the subprocesses are pointed at that same database — the SQLite
test file or the PostgreSQL test database — so a test can set data up in-process (the `owner`
and `record_interview` fixtures) and check in-process what a command changed. `fresh_home`
gives a process a home of its own instead: on SQLite a new, empty database file, which
`followup` migrates on first use.

The mail servers (aiosmtpd, Dovecot) and the HTTP receiver for pushes are the ones the mail and
notify tests start; their fixtures are imported from those folders, not copied.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.mail.conftest import (  # noqa: F401  (fixtures, reused for the mail commands)
    SMTP_PASSWORD,
    SMTP_USER,
    database_url,
    dovecot,
    mailbox,
    make_application,
    make_cert,
    reply_to,
    smtp_server,
)
from tests.notify.conftest import (  # noqa: F401  (fixtures, reused for the reminder commands)
    INVITES,
    mail_account,
    receiver,
    smtp_sink,
)

# Variables of the test machinery that must not leak into a product process.
SCRUBBED = ("FOLLOWUP_FAULT", "FOLLOWUP_TEST_CRASH_AFTER", "FOLLOWUP_NOTIFY_KILL_AT")


def followup_binary() -> Path:
    """The console script pip installed (`[project.scripts]`), beside this Python."""
    script = Path(sys.executable).with_name("followup")
    if not script.exists():
        pytest.fail(f"{script} is missing: install the project (`pip install -e .`)")
    return script


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The certificate of the mail servers started here (`smtp_server`, `dovecot`), trusted by
    the `followup` processes through FOLLOWUP_MAIL_CA_FILE in their environment only: the
    mail tests' own fixture sets it in os.environ for theirs, and the two must not cross."""
    return make_cert(tmp_path_factory.mktemp("cli-tls"))


@pytest.fixture
def database(transactional_db: Any) -> Any:
    """Committed data: the `followup` processes read and write the same test database."""
    return transactional_db


def base_env(ca_file: Path, **overrides: str) -> dict[str, str]:
    from django.conf import settings

    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(
        {
            "DATABASE_URL": database_url(),
            # The test run's own throwaway home (tests/pytest_home.py): the same secret and
            # encryption keys as this process, so it reads what the tests stored encrypted.
            "FOLLOWUP_HOME": str(settings.HOME),
            "FOLLOWUP_MAIL_CA_FILE": str(ca_file),
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "160",
        }
    )
    env.update(overrides)
    return env


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(database: Any, tmp_path: Path, tls_cert: Any) -> RunCli:
    """run_cli(*args, input=None, env=None): `followup ARGS` as a process; its CompletedProcess
    (returncode, stdout, stderr). Standard input is not a terminal (no prompts) unless given."""
    binary = followup_binary()

    def run(
        *args: object, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(binary), *map(str, args)],
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            env=base_env(tls_cert.cert_path, **(env or {})),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )

    return run


@pytest.fixture
def cli_json(run_cli: RunCli) -> Callable[..., Any]:
    """cli_json(*args, env=None): run `followup ARGS --json`, insist on exit code 0, parse."""

    def run(*args: object, env: dict[str, str] | None = None) -> Any:
        result = run_cli(*args, "--json", env=env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


@pytest.fixture
def fresh_home(tmp_path: Path) -> dict[str, str]:
    """Environment for a home nobody has used: on SQLite its own new database file."""
    from django.db import connection

    home = tmp_path / "fresh-home"
    env = {"FOLLOWUP_HOME": str(home)}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = ""
    return env


def assert_bad_input(result: subprocess.CompletedProcess[str], field: str) -> None:
    """The contract for bad input: exit code 2 and one line on stderr naming the field."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {field}: "), lines[0]


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of the product's tables (and the users), to show a command changed nothing."""
    from django.apps import apps

    labels = {"auth", "core", "mail", "notify", "front"}
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


@pytest.fixture
def unchanged(database: Any) -> Callable[[], Any]:
    """`with unchanged(): ...` fails when the block changed any row."""

    @contextmanager
    def check() -> Iterator[None]:
        before = database_state()
        yield
        assert database_state() == before

    return check


@pytest.fixture
def start_cli(database: Any, tmp_path: Path, tls_cert: Any) -> Iterator[Callable[..., Any]]:
    """start_cli(*args, env=None): `followup ARGS` as a running process (a Popen, text pipes),
    for `serve` and `worker`; any still running at the end is killed."""
    binary = followup_binary()
    started: list[subprocess.Popen[str]] = []

    def start(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [str(binary), *map(str, args)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=base_env(tls_cert.cert_path, **(env or {})),
            text=True,
            cwd=tmp_path,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
