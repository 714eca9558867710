"""Real local receivers for the reminder tests: an HTTP server taking Apprise json:// posts, an
aiosmtpd SMTP server taking the digest, and the khal calendar client."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# The invitation samples live with the invitation tests.
INVITES = Path(__file__).resolve().parent.parent / "invitations" / "samples"
NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture
def owner_email() -> str:
    """The reminders go to Amina's own Gmail address (the digest is sent to it)."""
    return "amina.njeri@gmail.com"


def at(text: str) -> datetime:
    """A Nairobi wall time."""
    return datetime.fromisoformat(text).replace(tzinfo=NAIROBI)


# ---------------------------------------------------------------------------------------------
# An HTTP server receiving Apprise json:// posts


@dataclass
class JsonReceiver:
    port: int = 0
    posts: list[dict] = field(default_factory=list)
    # Status codes to answer with, in order; 200 once they run out.
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def titles(self) -> list[str]:
        with self.lock:
            return [p["title"] for p in self.posts]


@pytest.fixture
def receiver() -> Iterator[JsonReceiver]:
    state = JsonReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            with state.lock:
                status = state.statuses.pop(0) if state.statuses else 200
                if status == 200:
                    state.posts.append(body)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# An SMTP server (aiosmtpd) receiving the digest


@dataclass
class SmtpSink:
    port: int
    messages: list = field(default_factory=list)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    sink = SmtpSink(port=free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            message = message_from_bytes(envelope.original_content, policy=policy.default)
            sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def mail_account(owner, smtp_sink):
    """The user's own mail account, pointing at the local SMTP server."""
    from followup.mail import accounts

    return accounts.save_account(
        owner,
        accounts.AccountInput(
            from_address="amina.njeri@gmail.com",
            from_name="Amina Njeri",
            smtp_host="127.0.0.1",
            smtp_port=smtp_sink.port,
            smtp_security="none",
        ),
    )


# ---------------------------------------------------------------------------------------------
# khal, a real calendar client


def khal_binary() -> str:
    beside = Path(sys.executable).with_name("khal")
    if beside.exists():
        return str(beside)
    found = shutil.which("khal")
    if not found:
        pytest.fail("khal is not installed: `pip install khal` (it is in the dev extras)")
    return found


def khal_events(ics: Path, tmp_path: Path, tz: str) -> list[str]:
    """Import the feed into a throwaway vdir and list it as khal shows it, in zone `tz`."""
    vdir = tmp_path / "vdir"
    vdir.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "khal.conf"
    config.write_text(
        "[calendars]\n[[feed]]\n"
        f"path = {vdir}/\ntype = calendar\n"
        "[locale]\n"
        f"local_timezone = {tz}\ndefault_timezone = {tz}\n"
        "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    khal = khal_binary()
    subprocess.run(
        [khal, "-c", str(config), "import", "--batch", str(ics)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    listed = subprocess.run(
        [
            khal,
            "-c",
            str(config),
            "list",
            "--format",
            "{start} | {title}",
            "--day-format",
            "",
            "2025-01-01",
            "1000d",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return [line for line in listed.stdout.splitlines() if line.strip()]
