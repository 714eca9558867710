"""Hosted mode: a mail server on this machine or its private network is refused before anything
is sent to it, for the connection test, sending and polling alike; the refusal reads the same
whether a port there is open or closed (no port scanner). Local mode keeps loopback (every other
mail test runs on it).

Only loopback is ever involved: a listening socket or the aiosmtpd sink on 127.0.0.1 proves that
nothing connected."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest
from django.test import override_settings

from followup.core.models import FollowUp
from followup.mail import accounts, poller, sender
from followup.mail.connection import BLOCKED
from followup.mail.models import MailAccount

from .conftest import add_account, approve_now, make_application

pytestmark = pytest.mark.mail

HOSTED = override_settings(HOSTED=True, FOLLOWUP_OUTBOUND_ALLOWED_HOSTS=[])


@contextlib.contextmanager
def listener() -> Iterator[tuple[int, socket.socket]]:
    """A loopback port that accepts TCP connections (the kernel completes them) and lets the
    test ask afterwards whether anyone connected."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    try:
        yield sock.getsockname()[1], sock
    finally:
        sock.close()


def connected(sock: socket.socket) -> bool:
    try:
        peer, _ = sock.accept()
    except BlockingIOError:
        return False
    peer.close()
    return True


class Greetings:
    """Counts EHLO/HELO at the aiosmtpd sink: any SMTP client that connects greets first."""

    def __init__(self, server) -> None:
        self.count = 0
        self._server = server

    def __enter__(self) -> Greetings:
        async def handle_EHLO(server, session, envelope, hostname, responses):  # noqa: N802
            self.count += 1
            return responses

        self._server.handler.handle_EHLO = handle_EHLO
        return self

    def __exit__(self, *exc: object) -> None:
        del self._server.handler.handle_EHLO


def results_by_protocol(owner) -> dict[str, accounts.CheckResult]:
    return {result.protocol: result for result in accounts.test_account(owner)}


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_hosted_the_smtp_test_refuses_a_loopback_host_without_connecting(owner, smtp_server, host):
    add_account(owner, smtp_server, None, smtp_host=host)
    with Greetings(smtp_server) as greetings, HOSTED:
        result = results_by_protocol(owner)["smtp"]
    assert not result.ok and result.kind == BLOCKED
    assert result.message.startswith("blocked: smtp_host:")
    assert "private network" in result.message
    assert greetings.count == 0 and smtp_server.received == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_hosted_the_imap_test_refuses_a_loopback_host_without_connecting(owner, smtp_server, host):
    with listener() as (port, sock):
        add_account(owner, smtp_server, None, imap_host=host, imap_port=port, imap_user="amina")
        with HOSTED:
            result = results_by_protocol(owner)["imap"]
        assert not connected(sock)
    assert not result.ok and result.kind == BLOCKED
    assert result.message.startswith("blocked: imap_host:")


def test_hosted_the_answer_is_the_same_for_an_open_and_a_closed_port(owner, smtp_server):
    """No "what answered": an open port and a closed one give the same words."""
    with listener() as (open_port, sock):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]  # bound, never listening: closed
            messages = []
            for port in (open_port, closed_port):
                add_account(owner, None, None, smtp_port=port, imap_host="127.0.0.1")
                MailAccount.objects.filter(owner=owner).update(imap_port=port)
                with HOSTED:
                    messages.append(
                        [(r.kind, r.message) for r in accounts.test_account(owner, timeout=5)]
                    )
        assert not connected(sock)
    assert messages[0] == messages[1]
    assert {kind for kind, _ in messages[0]} == {BLOCKED}


def test_hosted_sending_to_a_loopback_host_sends_nothing_and_says_why(owner, smtp_server):
    add_account(owner, smtp_server, None, smtp_host="localhost")
    _, follow_ups = make_application(owner, people=2)
    approve_now(owner, follow_ups)
    with Greetings(smtp_server) as greetings, HOSTED:
        report = sender.send_due()
    assert report.sent == 0
    assert greetings.count == 0 and smtp_server.received == []
    rows = FollowUp.objects.filter(owner=owner)
    # Nothing is lost: the rows wait for the account to be fixed.
    assert {row.status for row in rows} == {FollowUp.Status.APPROVED}
    assert all(row.last_error.startswith("blocked: smtp_host:") for row in rows)
    assert MailAccount.objects.get(owner=owner).last_send_error.startswith("blocked: smtp_host:")


def test_hosted_polling_a_loopback_imap_host_does_not_connect(owner):
    with listener() as (port, sock):
        account = add_account(owner, None, None, imap_host="127.0.0.1", imap_user="amina")
        MailAccount.objects.filter(pk=account.pk).update(imap_port=port)
        account.refresh_from_db()
        with HOSTED:
            report = poller.poll_account(account)
        assert not connected(sock)
    assert report.error_kind == BLOCKED
    assert report.error.startswith("blocked: imap_host:")


def test_hosted_a_host_the_settings_allow_connects_sends_and_polls(owner, smtp_server, mailbox):
    """Allowed by name, and TLS still verified against that name (the sink's certificate names
    localhost and 127.0.0.1)."""
    add_account(owner, smtp_server, mailbox, smtp_host="localhost")
    _, follow_ups = make_application(owner, people=1)
    approve_now(owner, follow_ups)
    with override_settings(HOSTED=True, FOLLOWUP_OUTBOUND_ALLOWED_HOSTS=["localhost", "127.0.0.1"]):
        results = results_by_protocol(owner)
        assert results["smtp"].ok, results["smtp"].message
        assert results["imap"].ok, results["imap"].message
        assert sender.send_due().sent == 1
        report = poller.poll_account(MailAccount.objects.get(owner=owner))
    assert len(smtp_server.received) == 1
    assert report.error == ""


def test_hosted_an_allowed_host_that_is_down_is_unreachable(owner, smtp_server):
    """The guard lets an allowed host through; what happens next is the usual naming."""
    add_account(owner, smtp_server, None, smtp_host="127.0.0.2")  # aiosmtpd is on 127.0.0.1
    with override_settings(HOSTED=True, FOLLOWUP_OUTBOUND_ALLOWED_HOSTS=["127.0.0.2"]):
        result = results_by_protocol(owner)["smtp"]
    assert result.kind == "unreachable"


def test_local_mode_keeps_a_loopback_bridge(owner, smtp_server, mailbox):
    add_account(owner, smtp_server, mailbox, smtp_host="localhost")
    with override_settings(HOSTED=False):
        results = results_by_protocol(owner)
    assert results["smtp"].ok and results["imap"].ok


@pytest.mark.parametrize(
    ("smtp_fixture", "imap_security"),
    [("smtps_server", "ssl"), ("smtp_server", "starttls")],
)
def test_hosted_tls_to_an_allowed_host_is_verified_against_its_name(
    request, owner, mailbox, smtp_fixture, imap_security
):
    """Implicit TLS and STARTTLS on both protocols, connected to the checked address, with the
    certificate (made for localhost and 127.0.0.1) checked against the name given."""
    smtp_server = request.getfixturevalue(smtp_fixture)
    port = mailbox.server.ssl_port if imap_security == "ssl" else mailbox.port
    add_account(
        owner,
        smtp_server,
        mailbox,
        smtp_host="localhost",
        imap_host="localhost",
        imap_security=imap_security,
        imap_port=port,
    )
    with override_settings(HOSTED=True, FOLLOWUP_OUTBOUND_ALLOWED_HOSTS=["localhost"]):
        results = results_by_protocol(owner)
    assert results["smtp"].ok, results["smtp"].message
    assert results["imap"].ok, results["imap"].message


def test_the_certificate_is_checked_against_the_host_name_not_the_address(smtps_server, mailbox):
    """Connected to the checked address 127.0.0.1 under a name the certificate does not carry:
    TLS refuses, so the name (not the address) is what the certificate is held to."""
    import ssl

    from followup.lib.netguard import Destination
    from followup.mail import imap, smtp
    from followup.mail.connection import tls_context

    elsewhere = "mail.elsewhere.example"
    with pytest.raises(ssl.SSLCertVerificationError, match="mail.elsewhere.example"):
        smtp._CheckedSMTP_SSL(
            Destination(elsewhere, "127.0.0.1", smtps_server.port), 10, tls_context()
        )
    with pytest.raises(ssl.SSLCertVerificationError, match="mail.elsewhere.example"):
        imap._CheckedIMAP4_SSL(
            Destination(elsewhere, "127.0.0.1", mailbox.server.ssl_port), tls_context(), 10
        )
