"""Failures have plain names, rows wait with exponential backoff, and nothing is lost."""

import socket
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from followup.core.models import FollowUp
from followup.mail import accounts, imap, sender, smtp
from followup.mail.connection import CheckResult
from followup.mail.crypto import KEY_ENV, Secret
from followup.mail.models import MailAccount

from .conftest import (
    SMTP_PASSWORD,
    SMTP_USER,
    add_account,
    approve_now,
    free_port,
    make_application,
    start_smtp,
)

pytestmark = pytest.mark.mail


def test_a_wrong_password_is_named_and_the_rows_wait_with_backoff(owner, smtp_server):
    add_account(owner, smtp_server, None, smtp_password="wrong")
    _, follow_ups = make_application(owner, people=3)
    approve_now(owner, follow_ups)
    started = timezone.now()

    report = sender.send_due()

    assert report.sent == 0 and smtp_server.received == []
    rows = list(FollowUp.objects.filter(owner=owner).order_by("id"))
    assert {r.status for r in rows} == {
        FollowUp.Status.APPROVED
    }  # nothing lost, nothing failed for good
    assert all(r.last_error.startswith("authentication failed") for r in rows)
    assert all(r.next_attempt_at >= started + timedelta(seconds=60) for r in rows)
    assert rows[0].attempts == 1
    account = MailAccount.objects.get(owner=owner)
    assert account.last_send_error.startswith("authentication failed")
    assert SMTP_PASSWORD not in account.last_send_error and "wrong" not in account.last_send_error

    # Not before the backoff has passed...
    assert sender.send_due().sent == 0
    # ...and once the password is fixed and the time has come, everything goes, once.
    add_account(owner, smtp_server, None)
    later = timezone.now() + timedelta(minutes=2)
    assert sender.send_due(now=later).sent == 3
    assert len(smtp_server.received) == 3
    assert MailAccount.objects.get(owner=owner).last_send_error == ""


def test_server_down_then_up_again_loses_nothing(owner, tls_cert):
    port = free_port()
    add_account(owner, None, None, smtp_port=port)
    _, follow_ups = make_application(owner, people=2)
    approve_now(owner, follow_ups)

    report = sender.send_due()

    assert report.sent == 0 and report.retried == 1 and report.released == 1
    rows = list(FollowUp.objects.filter(owner=owner))
    assert all(
        r.status == FollowUp.Status.APPROVED and r.last_error.startswith("host unreachable")
        for r in rows
    )

    server = start_smtp(tls_cert)
    try:
        add_account(owner, server, None)
        assert sender.send_due(now=timezone.now() + timedelta(minutes=2)).sent == 2
        assert len(server.received) == 2
    finally:
        server.controller.stop()


def test_backoff_doubles_and_is_capped():
    assert [sender.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert sender.backoff(30) == timedelta(hours=6)


def test_a_permanent_refusal_fails_that_row_only(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (refused, fine) = make_application(owner, people=2)
    smtp_server.handler.refuse[refused.recipient.email] = "550 5.1.1 No such user here"
    approve_now(owner, [refused, fine])

    report = sender.send_due()

    assert report.sent == 1 and report.failed == 1
    refused.refresh_from_db()
    assert refused.status == FollowUp.Status.FAILED and "550" in refused.last_error
    assert [r.rcpt_tos for r in smtp_server.received] == [[fine.recipient.email]]


def test_a_temporary_refusal_is_retried_then_given_up_after_the_attempts(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (fu,) = make_application(owner)
    smtp_server.handler.refuse[fu.recipient.email] = "451 4.3.0 Try again later"
    approve_now(owner, [fu])
    now = timezone.now()
    for attempt in range(1, sender.MAX_ATTEMPTS + 1):
        sender.send_due(now=now)
        fu.refresh_from_db()
        assert fu.attempts == attempt
        now = now + sender.backoff(attempt) + timedelta(seconds=1)
    assert fu.status == FollowUp.Status.FAILED
    assert fu.last_error.startswith(f"gave up after {sender.MAX_ATTEMPTS} attempts")


def test_the_connection_test_names_each_failure_plainly(
    owner, smtp_server, mailbox, tls_cert, monkeypatch
):
    add_account(owner, smtp_server, mailbox)
    assert [(r.protocol, r.ok) for r in accounts.test_account(owner)] == [
        ("smtp", True),
        ("imap", True),
    ]

    add_account(owner, smtp_server, mailbox, smtp_password="wrong", imap_password="wrong")
    assert [(r.protocol, r.kind) for r in accounts.test_account(owner)] == [
        ("smtp", "authentication"),
        ("imap", "authentication"),
    ]

    def config(**kw):
        base = dict(
            host="127.0.0.1",
            port=smtp_server.port,
            security="starttls",
            user=SMTP_USER,
            password=Secret(SMTP_PASSWORD),
            timeout=5,
        )
        base.update(kw)
        return smtp.SmtpConfig(**base)

    assert smtp.test_connection(config(port=free_port())).kind == "unreachable"
    assert smtp.test_connection(config(host="no-such-host.invalid")).kind == "unreachable"
    # implicit TLS against a STARTTLS port
    assert smtp.test_connection(config(security="ssl")).kind in ("tls", "timeout")
    # a certificate nobody vouches for
    monkeypatch.delenv("FOLLOWUP_MAIL_CA_FILE")
    result = smtp.test_connection(config())
    assert result.kind == "tls" and "certificate" in result.message
    result = imap.test_connection(
        imap.ImapConfig(
            "127.0.0.1", mailbox.server.ssl_port, "ssl", mailbox.user, Secret("secret"), 5
        )
    )
    assert (result.protocol, result.ok, result.kind) == ("imap", False, "tls")


def test_a_server_that_never_answers_is_a_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection (backlog) but never says hello
        port = silent.getsockname()[1]
        result = smtp.test_connection(
            smtp.SmtpConfig("127.0.0.1", port, "starttls", "", Secret(""), timeout=0.5)
        )
    assert result.kind == "timeout"


def test_the_connection_test_gives_one_result_shape_for_both_protocols(
    owner, smtp_server, mailbox, monkeypatch
):
    add_account(owner, smtp_server, mailbox)
    results = accounts.test_account(owner)
    assert all(type(r) is CheckResult for r in results)
    assert [(r.protocol, r.ok, r.kind, r.name) for r in results] == [
        ("smtp", True, "ok", "OK"),
        ("imap", True, "ok", "OK"),
    ]
    assert results[0].message.startswith(f"SMTP at 127.0.0.1:{smtp_server.port}")
    assert results[1].message.startswith(f"IMAP at 127.0.0.1:{mailbox.port}")

    # Both servers gone: the same failure name for both protocols.
    add_account(owner, None, None, imap_host="127.0.0.1", imap_port=free_port(), imap_user="x")
    down = accounts.test_account(owner)
    assert [(r.protocol, r.kind, r.name) for r in down] == [
        ("smtp", "unreachable", "host unreachable"),
        ("imap", "unreachable", "host unreachable"),
    ]
    assert all(r.message.startswith("host unreachable: 127.0.0.1:") for r in down)

    # The stored passwords can no longer be read (the key changed): named, nothing raised.
    add_account(owner, smtp_server, mailbox)
    monkeypatch.setenv(KEY_ENV, Fernet.generate_key().decode())
    results = accounts.test_account(owner)
    assert [(r.protocol, r.ok, r.kind) for r in results] == [
        ("smtp", False, "authentication"),
        ("imap", False, "authentication"),
    ]
    assert all("followup mail add" in r.message for r in results)
