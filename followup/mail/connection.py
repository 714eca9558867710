"""What SMTP and IMAP share: where and how to connect (`ServerConfig`), the TLS context
(certificates always verified), timeouts, the plain names of failures and the one `CheckResult`
a connection test returns.

`smtp.py` and `imap.py` name their protocol's own failures (a refused recipient, a dropped IMAP
session) and hand everything else to `describe_network_failure`, so "authentication failed",
"TLS failed", "host unreachable" and "timeout" read the same whichever protocol hit them.
"""

from __future__ import annotations

import os
import socket
import ssl
from dataclasses import dataclass

from django.conf import settings

from followup.lib.crypto import Secret
from followup.lib.netguard import BlockedAddress, Destination, UnresolvedHost, resolve_checked

# The plain failure names (`kind`), shown by `followup mail test` and the settings page.
OK = "ok"
AUTHENTICATION = "authentication"
TLS = "tls"
UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
REJECTED = "rejected"  # SMTP: a permanent refusal of this message
SERVER = "server"  # a temporary refusal, a dropped connection, an unexpected answer
BLOCKED = "blocked"  # hosted mode: the host is on this machine or a private network

FAILURE_NAMES = {
    OK: "OK",
    AUTHENTICATION: "authentication failed",
    TLS: "TLS failed",
    UNREACHABLE: "host unreachable",
    TIMEOUT: "timeout",
    SERVER: "server error",
    REJECTED: "refused",
    BLOCKED: "address not allowed",
}

CA_FILE_ENV = "FOLLOWUP_MAIL_CA_FILE"

# Seconds to wait for a server: a worker's session, and an interactive connection test (where a
# person is waiting for the answer).
DEFAULT_TIMEOUT = 30.0
CHECK_TIMEOUT = 15.0

SECURITY_VALUES = ("ssl", "starttls", "none")
APP_PASSWORD_HINT = "Gmail and Microsoft 365 need an app password"
# Which port goes with which security setting, for the hint in a TLS failure.
PORT_HINTS = {"smtp": "465 is SSL, 587 is STARTTLS", "imap": "993 is SSL, 143 is STARTTLS"}


@dataclass(frozen=True)
class ServerConfig:
    """Where and how to connect to a mail server (SMTP or IMAP: the same facts)."""

    host: str
    port: int
    security: str  # ssl | starttls | none
    user: str
    password: Secret
    timeout: float = DEFAULT_TIMEOUT
    # The setting the host came from, named when the address guard refuses it.
    host_field: str = "host"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a connection test of one protocol."""

    protocol: str  # smtp | imap
    ok: bool
    kind: str  # OK or one of the failure names
    message: str

    @property
    def name(self) -> str:
        """The failure name for people ("authentication failed", "OK")."""
        return FAILURE_NAMES.get(self.kind, self.kind)


class MailServerError(Exception):
    """A failure talking to a mail server. `kind` names it plainly; `retry` says whether trying
    later may help."""

    def __init__(self, message: str, retry: bool = True, kind: str = SERVER) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.kind = kind

    def __str__(self) -> str:
        return self.message


def tls_context() -> ssl.SSLContext:
    """Certificates are always verified; FOLLOWUP_MAIL_CA_FILE adds a CA (a self-hosted server)."""
    context = ssl.create_default_context()
    ca_file = os.environ.get(CA_FILE_ENV)
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def checked_destination(config: ServerConfig) -> Destination | None:
    """Hosted mode: resolve the host and check every address it has (followup.lib.netguard),
    before anything is sent to it; the caller connects to those addresses, not to the name
    again. Raises BlockedAddress (UnresolvedHost when the name has no address).

    None in local mode: a person's own laptop may point at a local bridge (127.0.0.1:1143), and
    connecting by name keeps the resolver's fallbacks exactly as before."""
    if not settings.HOSTED:
        return None
    return resolve_checked(
        config.host,
        config.port,
        guard=True,
        allowed_hosts=settings.FOLLOWUP_OUTBOUND_ALLOWED_HOSTS,
    )


def open_socket(destination: Destination, timeout: float | None) -> socket.socket:
    """A TCP connection to the first checked address that answers (as create_connection tries
    the addresses of a name); the TLS layer above still checks the certificate against
    `destination.host`."""
    last_error: OSError | None = None
    for address in destination.addresses or (destination.address,):
        try:
            return socket.create_connection((address, destination.port), timeout)
        except OSError as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def authentication_failed(config: ServerConfig, detail: str = "") -> tuple[str, str]:
    """(kind, message) for a refused login; the server's own words when it gave any."""
    reason = detail or "the server refused the user name or password"
    return (
        AUTHENTICATION,
        f"authentication failed at {config.where}: {reason} ({APP_PASSWORD_HINT})",
    )


def describe_network_failure(
    exc: BaseException, config: ServerConfig, protocol: str
) -> tuple[str, str] | None:
    """(kind, message) for the failures every protocol meets on the way to the server: TLS,
    timeouts, unknown hosts, refused connections, other socket errors. None for anything else
    (the protocol's own code names those)."""
    where = config.where
    if isinstance(exc, UnresolvedHost):
        return UNREACHABLE, f"host unreachable: {config.host!r} was not found"
    if isinstance(exc, BlockedAddress):
        # Decided before any packet is sent: the same answer whether a port there is open or
        # closed, so "Test connection" cannot map the hosting network.
        return BLOCKED, f"blocked: {config.host_field}: {exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TLS, (
            f"TLS failed at {where}: the server's certificate could not be verified "
            f"({exc.verify_message or exc.reason})"
        )
    if isinstance(exc, ssl.SSLError):
        return TLS, (
            f"TLS failed at {where}: {exc.reason or exc} (is the security setting right for "
            f"port {config.port}? {PORT_HINTS[protocol]})"
        )
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError since Python 3.10
        return TIMEOUT, f"timeout: {where} did not answer in time"
    if isinstance(exc, socket.gaierror):
        return (
            UNREACHABLE,
            f"host unreachable: {config.host!r} was not found ({exc.strerror or exc})",
        )
    if isinstance(exc, ConnectionRefusedError):
        return UNREACHABLE, f"host unreachable: {where} refused the connection (is the port right?)"
    if isinstance(exc, OSError):
        return UNREACHABLE, f"host unreachable: {where} ({exc.strerror or exc})"
    return None
