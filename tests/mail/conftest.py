"""Real mail servers for the mail tests, started by the tests.

- Dovecot (IMAP): one throwaway instance per session with its own config, on a free loopback port
  (plain IMAP and IMAPS with a generated certificate). Any user name logs in with the password
  "secret", so each test gets a fresh, empty mailbox by taking a new user name; the mailbox is
  removed afterwards. Dovecot missing or of another major version: the fixture FAILS, saying why.
- aiosmtpd (SMTP): a Controller per test with AUTH and STARTTLS (or implicit TLS) using a
  self-signed certificate generated here with `cryptography`; it records every accepted message
  and can, like Gmail, file a copy into the sender's Sent folder.

Waiting is bounded polling of observable state, never a sleep standing in for synchronisation.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.conftest import database_url  # noqa: F401 - tests/cli imports it from here

from .servers import (  # noqa: F401  (re-exported for the tests)
    DOVECOT_PASSWORD,
    SMTP_PASSWORD,
    SMTP_USER,
    Mailbox,
    ServerUnavailable,
    SmtpServer,
    free_port,
    make_cert,
    start_dovecot,
    start_smtp,
    stop_dovecot,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tls_cert():
    """A self-signed certificate for 127.0.0.1, trusted by followup through FOLLOWUP_MAIL_CA_FILE
    (set in os.environ, so worker subprocesses trust it too)."""
    directory = Path(tempfile.mkdtemp(prefix="followup-tls-"))
    cert = make_cert(directory)
    previous = os.environ.get("FOLLOWUP_MAIL_CA_FILE")
    os.environ["FOLLOWUP_MAIL_CA_FILE"] = str(cert.cert_path)
    yield cert
    if previous is None:
        os.environ.pop("FOLLOWUP_MAIL_CA_FILE", None)
    else:
        os.environ["FOLLOWUP_MAIL_CA_FILE"] = previous
    shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Dovecot


@pytest.fixture(scope="session")
def dovecot(tls_cert):
    """The session's throwaway Dovecot. Missing or unusable: the tests FAIL, saying why."""
    try:
        server = start_dovecot(tls_cert)
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    stop_dovecot(server)


@pytest.fixture
def mailbox(dovecot):
    """A fresh, empty mailbox for this test (a new user); removed afterwards."""
    user = f"t{next(dovecot.counter)}-{uuid.uuid4().hex[:8]}@example.com"
    box = Mailbox(server=dovecot, user=user)
    yield box
    shutil.rmtree(dovecot.base / "mail" / user, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# aiosmtpd


@pytest.fixture
def smtp_server(tls_cert):
    """aiosmtpd with STARTTLS required and AUTH (SMTP_USER / SMTP_PASSWORD)."""
    server = start_smtp(tls_cert)
    yield server
    server.controller.stop()


@pytest.fixture
def smtps_server(tls_cert):
    """aiosmtpd with implicit TLS (port-465 style) and AUTH."""
    server = start_smtp(tls_cert, implicit_tls=True)
    yield server
    server.controller.stop()


# ---------------------------------------------------------------------------------------------
# Database: a user, an account, follow-ups to send


@pytest.fixture
def owner_email() -> str:
    """The root conftest's `owner` (Amina Njeri in Nairobi) writes from the SMTP test account."""
    return SMTP_USER


def add_account(owner, smtp: SmtpServer | None, mailbox: Mailbox | None, **overrides):
    from followup.mail import accounts

    data = accounts.AccountInput(
        from_address=SMTP_USER,
        from_name="Amina Njeri",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port if smtp else free_port(),
        smtp_security=smtp.security if smtp else "starttls",
        smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
        imap_host="127.0.0.1" if mailbox else "",
        imap_port=mailbox.port if mailbox else None,
        imap_security="none",
        imap_user=mailbox.user if mailbox else "",
        imap_password=mailbox.password if mailbox else None,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return accounts.save_account(owner, data)


_seq = itertools.count(1)


def make_application(
    owner,
    *,
    people: int = 1,
    company: str = "Savanna Mobile",
    kind: str = "thank_you",
    status: str = "interviewing",
):
    """An application with `people` contacts and one planned email follow-up to each (created
    directly, fast: the planner is not what these tests are about)."""
    from django.utils import timezone

    from followup.core.models import Application, Company, Contact, FollowUp

    n = next(_seq)
    comp = Company.objects.create(
        owner=owner, name=f"{company} {n}", country="KE", time_zone="Africa/Nairobi"
    )
    app = Application.objects.create(
        owner=owner, company=comp, role_title="Sales Executive", status=status
    )
    follow_ups = []
    for i in range(people):
        contact = Contact.objects.create(
            owner=owner,
            company=comp,
            name=f"Wanjiku Kamau {n}-{i}",
            email=f"wanjiku{n}-{i}@savanna.example",
        )
        follow_ups.append(
            FollowUp.objects.create(
                owner=owner,
                application=app,
                slot=f"{kind}:{n}:{i}",
                kind=kind,
                recipient=contact,
                channel="email",
                due=timezone.now() - dt.timedelta(hours=1),
                due_tz="Africa/Nairobi",
                reason="Thank them within a day.",
                subject=f"Thank you for today's interview ({n}-{i})",
                body=f"Dear Wanjiku,\n\nThank you for your time today. Message {n}-{i}.\n\nAmina",
            )
        )
    return app, follow_ups


def approve_now(owner, follow_ups):
    from followup.core import services

    return [services.approve(owner, fu.pk, send_now=True) for fu in follow_ups]


# ---------------------------------------------------------------------------------------------
# Worker subprocesses on the test database


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env["PYTHONPATH"] = str(ROOT)
    env.pop("FOLLOWUP_FAULT", None)  # only a test that asks for a fault point gets one
    env.update(extra)
    return env


def run_worker(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "followup", "worker", *args],
        env=worker_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def start_worker(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "followup", "worker", *args],
        env=worker_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def record_interview(
    owner, *, interviewers=("Wanjiku Kamau <wanjiku@savanna.example>",), hours_ago: float = 3
):
    """A real interview through the core services: the planner's ladder with drafts."""
    from django.utils import timezone

    from followup.core import services
    from followup.planner.calendar import zone

    start = (timezone.now() - dt.timedelta(hours=hours_ago)).astimezone(zone("Africa/Nairobi"))
    recorded = services.record_interview(
        owner,
        services.InterviewInput(
            company="Savanna Mobile",
            role="Sales Executive",
            start=start.strftime("%Y-%m-%d %H:%M"),
            duration_minutes=60,
            tz="Africa/Nairobi",
            country="KE",
            interviewers=list(interviewers),
            recruiter="Grace Achieng <grace@savanna.example>",
            notes="Growing SME data bundles in Kisumu.",
        ),
    )
    return recorded.application


def follow_up_of(application, kind, email=None):
    from followup.core.models import FollowUp

    qs = FollowUp.objects.filter(application=application, kind=kind)
    if email:
        qs = qs.filter(recipient__email=email)
    return qs.order_by("due", "id").first()


def reply_to(
    fu,
    *,
    body: str,
    subject: str | None = None,
    sender: str | None = None,
    date=None,
    headers: str = "",
    in_reply_to: bool = True,
) -> bytes:
    """A reply as the recipient's mail client would write it."""
    from email.utils import format_datetime, make_msgid

    from django.utils import timezone

    sender = sender or f"{fu.recipient.name} <{fu.recipient.email}>"
    subject = subject if subject is not None else f"Re: {fu.subject}"
    lines = [
        f"From: {sender}",
        f"To: Amina Njeri <{SMTP_USER}>",
        f"Subject: {subject}",
        f"Date: {format_datetime(date or timezone.now())}",
        f"Message-ID: {make_msgid(domain='savanna.example')}",
    ]
    if in_reply_to:
        lines += [f"In-Reply-To: {fu.message_id}", f"References: {fu.message_id}"]
    if headers:
        lines += headers.strip().splitlines()
    lines += [
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
        "",
        f"On Mon, Amina Njeri <{SMTP_USER}> wrote:",
        "> " + fu.body.replace("\n", "\n> "),
    ]
    return "\r\n".join(lines).encode("utf-8")


@pytest.fixture
def sent_thank_you(owner, smtp_server, mailbox):
    """A thank-you to Wanjiku sent through the real sender: (account, application, thank_you)."""
    account = add_account(owner, smtp_server, mailbox)
    application = record_interview(owner)
    thank_you = follow_up_of(application, "thank_you", "wanjiku@savanna.example")
    (thank_you,) = approve_now(owner, [thank_you])
    from followup.mail import sender

    assert sender.send_due().sent == 1
    thank_you.refresh_from_db()
    return account, application, thank_you
