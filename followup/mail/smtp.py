"""SMTP: the small `send()` contract, one reusable connection per batch, plain failure names.

Every failure becomes a `DeliveryError(message, retry=...)`. `kind` names it plainly for people:
authentication, tls, unreachable, timeout, rejected (a permanent refusal of this message), server
(a temporary refusal or a dropped connection). `account_level` errors (the server or the login is
the problem, not this message) stop a batch: the remaining rows wait for the next attempt.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses

from followup.lib.crypto import Secret
from followup.lib.netguard import Destination
from followup.mail.connection import (
    AUTHENTICATION,
    REJECTED,
    SERVER,
    TIMEOUT,
    TLS,
    UNREACHABLE,
    CheckResult,
    MailServerError,
    ServerConfig,
    authentication_failed,
    checked_destination,
    describe_network_failure,
    open_socket,
    tls_context,
)

__all__ = [
    "AUTHENTICATION",
    "REJECTED",
    "SERVER",
    "TIMEOUT",
    "TLS",
    "UNREACHABLE",
    "WIRE_POLICY",
    "DeliveryError",
    "ServerConfig",
    "SmtpConfig",
    "SmtpConnection",
    "describe",
    "envelope",
    "message_bytes",
    "send",
    "test_connection",
]

SmtpConfig = ServerConfig

# The bytes on the wire: CRLF line ends, long header lines folded (RFC 5322). Header values the
# composer stored as they are (`set_raw`: dates and message ids it checked) are written as they
# are, not refolded into RFC 2047 encoded words (see followup.mail.compose).
WIRE_POLICY = policy.SMTP.clone(refold_source="none")


class DeliveryError(MailServerError):
    """An SMTP failure. `account_level` errors (the server or the login is the problem, not this
    message) stop a batch: the remaining rows wait for the next attempt."""

    def __init__(
        self, message: str, retry: bool, kind: str = SERVER, *, account_level: bool = False
    ) -> None:
        super().__init__(message, retry=retry, kind=kind)
        self.account_level = account_level


class _CheckedSMTP(smtplib.SMTP):
    """smtplib.SMTP connected to the address the guard checked. smtplib keeps the host name in
    `_host`, which STARTTLS (and SMTP_SSL below) pass as `server_hostname`: the certificate is
    still verified against the name the user gave."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        self._destination = destination
        super().__init__(destination.host, destination.port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return open_socket(self._destination, timeout)


class _CheckedSMTP_SSL(smtplib.SMTP_SSL, _CheckedSMTP):  # noqa: N801 (smtplib's own spelling)
    """SMTP_SSL wraps the socket _CheckedSMTP opens (its `_get_socket` calls super())."""

    def __init__(self, destination: Destination, timeout: float, context: ssl.SSLContext) -> None:
        self._destination = destination
        smtplib.SMTP_SSL.__init__(
            self, destination.host, destination.port, timeout=timeout, context=context
        )


def _connect(config: ServerConfig) -> smtplib.SMTP:
    """An SMTP session, to the checked address in hosted mode (by name in local mode)."""
    destination = checked_destination(config)
    if destination is None:
        if config.security == "ssl":
            return smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=tls_context()
            )
        return smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    if config.security == "ssl":
        return _CheckedSMTP_SSL(destination, config.timeout, tls_context())
    return _CheckedSMTP(destination, config.timeout)


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def describe(exc: BaseException, config: ServerConfig, stage: str = "") -> DeliveryError:
    """Turn any exception from smtplib/socket/ssl into a DeliveryError with a plain name."""
    if isinstance(exc, DeliveryError):
        return exc
    where = config.where
    if isinstance(exc, smtplib.SMTPAuthenticationError) or (
        isinstance(exc, smtplib.SMTPResponseException) and stage == "login"
    ):
        detail = "" if isinstance(exc, smtplib.SMTPAuthenticationError) else _text(exc.smtp_error)
        kind, message = authentication_failed(config, detail)
        return DeliveryError(message, retry=True, kind=kind, account_level=True)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        what = "STARTTLS" if stage == "starttls" else "a required extension"
        return DeliveryError(
            f"TLS failed at {where}: the server does not offer {what}",
            retry=True,
            kind=TLS,
            account_level=True,
        )
    if isinstance(exc, smtplib.SMTPException) and stage == "login":
        kind, message = authentication_failed(config, str(exc))
        return DeliveryError(message, retry=True, kind=kind, account_level=True)
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
        exc.__context__, TimeoutError
    ):
        # smtplib reports a read timeout as "Connection unexpectedly closed: timed out"
        exc = exc.__context__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()
        )
        permanent = any(code >= 500 for code in codes)
        return DeliveryError(
            f"the server refused the recipient ({text})",
            retry=not permanent,
            kind=REJECTED if permanent else SERVER,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return DeliveryError(
            f"{where} closed the connection ({exc or 'no reason given'})",
            retry=True,
            kind=SERVER,
            account_level=True,
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, _text(exc.smtp_error)
        if code >= 500:
            return DeliveryError(
                f"the server refused the message: {code} {text}", retry=False, kind=REJECTED
            )
        return DeliveryError(
            f"the server deferred the message: {code} {text}", retry=True, kind=SERVER
        )
    if isinstance(exc, smtplib.SMTPException):  # before the network errors: it is an OSError
        return DeliveryError(f"SMTP error at {where}: {exc}", retry=True, kind=SERVER)
    named = describe_network_failure(exc, config, "smtp")
    if named is not None:
        kind, message = named
        return DeliveryError(message, retry=True, kind=kind, account_level=True)
    raise exc


class SmtpConnection:
    """One authenticated SMTP session, reused for many messages (a batch)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __repr__(self) -> str:
        return f"<SmtpConnection {self.config.host}:{self.config.port}>"

    @property
    def is_open(self) -> bool:
        return self._smtp is not None

    def open(self) -> None:
        if self._smtp is not None:
            return
        c = self.config
        stage = "connect"
        smtp: smtplib.SMTP | None = None
        try:
            smtp = _connect(c)
            smtp.ehlo()
            if c.security == "starttls":
                stage = "starttls"
                if not smtp.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError("STARTTLS")
                smtp.starttls(context=tls_context())
                smtp.ehlo()
            if c.user:
                stage = "login"
                _login(smtp, c.user, c.password)
        except BaseException as exc:
            if smtp is not None:
                _quietly_close(smtp)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise describe(exc, c, stage) from None
        self._smtp = smtp

    def send_bytes(self, from_addr: str, to_addrs: list[str], data: bytes) -> None:
        self.open()
        assert self._smtp is not None
        try:
            refused = self._smtp.sendmail(from_addr, to_addrs, data)
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            error = describe(exc, self.config, "send")
            if error.account_level:
                self.close()
            raise error from None
        if refused:
            raise describe(smtplib.SMTPRecipientsRefused(refused), self.config)

    def send(self, message: EmailMessage) -> None:
        from_addr, to_addrs = envelope(message)
        self.send_bytes(from_addr, to_addrs, message_bytes(message))

    def close(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _login(smtp: smtplib.SMTP, user: str, password: Secret) -> None:
    """Log in with one mechanism (PLAIN, else LOGIN): a wrong password is one failed attempt,
    not one per mechanism (servers count those towards a lock-out)."""
    advertised = smtp.esmtp_features.get("auth", "").upper().split()
    for mechanism in ("PLAIN", "LOGIN"):
        if mechanism in advertised:
            smtp.user, smtp.password = user, password.reveal()
            try:
                smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"))
            finally:
                smtp.password = ""
            return
    smtp.login(user, password.reveal())


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except Exception:
        with contextlib.suppress(Exception):  # the connection is gone either way
            smtp.close()


def message_bytes(message: EmailMessage) -> bytes:
    """The message on the wire (see WIRE_POLICY)."""
    return message.as_bytes(policy=WIRE_POLICY)


def envelope(message: EmailMessage) -> tuple[str, list[str]]:
    from_addr = getaddresses([str(message["From"])])[0][1]
    to_addrs = [
        addr for _, addr in getaddresses([str(v) for v in message.get_all("To", [])]) if addr
    ]
    return from_addr, to_addrs


def send(config: SmtpConfig, message: EmailMessage) -> None:
    """Send one message on its own connection. Raises DeliveryError."""
    with SmtpConnection(config) as connection:
        connection.send(message)


def test_connection(config: SmtpConfig) -> CheckResult:
    """Connect, secure and log in: name the failure plainly (authentication, TLS, host
    unreachable, timeout)."""
    try:
        with SmtpConnection(config) as connection:
            connection.open()
    except DeliveryError as exc:
        return CheckResult("smtp", False, exc.kind, exc.message)
    return CheckResult("smtp", True, "ok", f"SMTP at {config.where}: connected and logged in")


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
