"""Mail account service functions: add/update, read (never the password), test the connection.

The web settings page and `followup mail add|test|show` call these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from followup.core.errors import InvalidInput, NotFound
from followup.core.owner import Owner
from followup.lib.addresses import BadAddress, check_email, has_line_break
from followup.mail import imap, smtp
from followup.mail.connection import (
    AUTHENTICATION,
    CHECK_TIMEOUT,
    DEFAULT_TIMEOUT,
    ServerConfig,
)

# Re-exported (`X as X`): the CLI and the settings page read them from here.
from followup.mail.connection import FAILURE_NAMES as FAILURE_NAMES
from followup.mail.connection import CheckResult as CheckResult
from followup.mail.crypto import SecretError
from followup.mail.models import MailAccount, MailboxState, Security

SECURITY_VALUES = tuple(Security.values)
DEFAULT_PORTS = {
    "smtp": {"ssl": 465, "starttls": 587, "none": 25},
    "imap": {"ssl": 993, "starttls": 143, "none": 143},
}
APP_PASSWORD_NOTE = (
    "Gmail and Microsoft 365 need an app password (made in your account's security settings), "
    "not your usual password."
)


@dataclass
class AccountInput:
    from_address: str
    smtp_host: str
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    smtp_user: str = ""
    # None: keep the stored password (updating other settings); "" clears it.
    smtp_password: str | None = None
    from_name: str = ""
    imap_host: str = ""
    imap_port: int | None = None
    imap_security: str = "ssl"
    imap_user: str = ""
    imap_password: str | None = None
    drafts_folder: str = "Drafts"
    sent_folder: str = "Sent"
    sent_copy: str = "auto"
    poll_interval_seconds: int = 120

    def __repr__(self) -> str:  # never show the passwords
        return f"AccountInput(from_address={self.from_address!r}, smtp_host={self.smtp_host!r}, imap_host={self.imap_host!r})"


def _line(value: str, field: str, max_length: int = 255, required: bool = False) -> str:
    value = (value or "").strip()
    if has_line_break(value):
        raise InvalidInput(field, "must be a single line")
    if len(value) > max_length:
        raise InvalidInput(field, f"is longer than {max_length} characters")
    if required and not value:
        raise InvalidInput(field, "is required")
    return value


def _host(value: str, field: str, required: bool) -> str:
    value = _line(value, field, required=required)
    if value and (any(ch in value for ch in " /\\@,;") or value.count(":") == 1):
        raise InvalidInput(
            field, f"{value!r} is not a host name (e.g. smtp.example.com; the port is separate)"
        )
    return value


def _port(value: int | None, field: str, protocol: str, security: str) -> int:
    if value is None:
        return DEFAULT_PORTS[protocol][security]
    if not 1 <= int(value) <= 65535:
        raise InvalidInput(field, f"{value} is not a port number (1-65535)")
    return int(value)


def _security(value: str, field: str) -> str:
    value = (value or "").strip().lower()
    if value not in SECURITY_VALUES:
        raise InvalidInput(field, f"{value!r} is not one of {', '.join(SECURITY_VALUES)}")
    return value


def _password(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    if has_line_break(value):
        raise InvalidInput(field, "must be a single line")
    return value


def save_account(owner: Owner, data: AccountInput) -> MailAccount:
    """Create or update the owner's mail account. Validates everything before writing."""
    try:
        from_address = check_email(_line(data.from_address, "from_address", required=True))
    except BadAddress as exc:
        raise InvalidInput("from_address", str(exc)) from None
    from_name = _line(data.from_name, "from_name", 200)
    smtp_security = _security(data.smtp_security, "smtp_security")
    smtp_host = _host(data.smtp_host, "smtp_host", required=True)
    smtp_port = _port(data.smtp_port, "smtp_port", "smtp", smtp_security)
    smtp_user = _line(data.smtp_user, "smtp_user")
    smtp_password = _password(data.smtp_password, "smtp_password")
    imap_security = _security(data.imap_security, "imap_security")
    imap_host = _host(data.imap_host, "imap_host", required=False)
    imap_port = _port(data.imap_port, "imap_port", "imap", imap_security)
    imap_user = _line(data.imap_user, "imap_user") or (smtp_user if imap_host else "")
    imap_password = _password(data.imap_password, "imap_password")
    drafts_folder = _line(data.drafts_folder, "drafts_folder", required=True)
    sent_folder = _line(data.sent_folder, "sent_folder", required=True)
    if data.sent_copy not in MailAccount.SentCopy.values:
        raise InvalidInput(
            "sent_copy",
            f"{data.sent_copy!r} is not one of {', '.join(MailAccount.SentCopy.values)}",
        )
    if not 30 <= int(data.poll_interval_seconds) <= 86400:
        raise InvalidInput("poll_interval", "must be between 30 seconds and a day")
    with transaction.atomic():
        account = MailAccount.objects.filter(owner=owner).first() or MailAccount(owner=owner)
        imap_changed = account.pk is not None and (account.imap_host, account.imap_user) != (
            imap_host,
            imap_user,
        )
        account.from_address = from_address
        account.from_name = from_name
        account.smtp_host, account.smtp_port = smtp_host, smtp_port
        account.smtp_security, account.smtp_user = smtp_security, smtp_user
        if smtp_password is not None:
            account.set_smtp_password(smtp_password)
        account.imap_host, account.imap_port = imap_host, imap_port
        account.imap_security, account.imap_user = imap_security, imap_user
        if imap_password is not None:
            account.set_imap_password(imap_password)
        elif imap_host and not account.imap_password_encrypted and smtp_password:
            account.set_imap_password(smtp_password)  # the same login for both, the usual case
        account.drafts_folder, account.sent_folder = drafts_folder, sent_folder
        account.sent_copy = data.sent_copy
        account.poll_interval_seconds = int(data.poll_interval_seconds)
        account.last_poll_error = ""
        account.last_send_error = ""
        account.next_poll_at = None
        account.save()
        if imap_changed:
            # Another mailbox: its folders start from scratch (processed Message-IDs still count).
            MailboxState.objects.filter(owner=owner, account=account).delete()
    return account


def get_account(owner: Owner) -> MailAccount | None:
    account: MailAccount | None = MailAccount.objects.filter(owner=owner).first()
    return account


def require_account(owner: Owner) -> MailAccount:
    account = get_account(owner)
    if account is None:
        raise NotFound("mail_account", "no mail account yet: add one with `followup mail add`")
    return account


def delete_account(owner: Owner) -> bool:
    deleted, _ = MailAccount.objects.filter(owner=owner).delete()
    return bool(deleted)


def smtp_config(account: MailAccount, timeout: float = DEFAULT_TIMEOUT) -> ServerConfig:
    """Raises SecretError when the stored password cannot be decrypted."""
    return ServerConfig(
        host=account.smtp_host,
        port=account.smtp_port,
        security=account.smtp_security,
        user=account.smtp_user,
        password=account.smtp_password(),
        timeout=timeout,
        host_field="smtp_host",
    )


def imap_config(account: MailAccount, timeout: float = DEFAULT_TIMEOUT) -> ServerConfig | None:
    """None without IMAP settings. Raises SecretError when the stored password cannot be
    decrypted."""
    if not account.has_imap:
        return None
    return ServerConfig(
        host=account.imap_host,
        port=account.imap_port,
        security=account.imap_security,
        user=account.imap_user,
        password=account.imap_password(),
        timeout=timeout,
        host_field="imap_host",
    )


def account_json(account: MailAccount) -> dict[str, Any]:
    """The settings as shown back to the user: never a password, only whether one is stored."""
    return {
        "from_address": account.from_address,
        "from_name": account.from_name,
        "smtp": {
            "host": account.smtp_host,
            "port": account.smtp_port,
            "security": account.smtp_security,
            "user": account.smtp_user,
            "password_stored": bool(account.smtp_password_encrypted),
        },
        "imap": {
            "host": account.imap_host,
            "port": account.imap_port,
            "security": account.imap_security,
            "user": account.imap_user,
            "password_stored": bool(account.imap_password_encrypted),
        }
        if account.has_imap
        else None,
        "drafts_folder": account.drafts_folder,
        "sent_folder": account.sent_folder,
        "sent_copy": account.sent_copy,
        "poll_interval_seconds": account.poll_interval_seconds,
        "last_poll_at": account.last_poll_at.isoformat() if account.last_poll_at else None,
        "last_poll_error": account.last_poll_error,
        "last_send_error": account.last_send_error,
    }


def test_account(owner: Owner, timeout: float = CHECK_TIMEOUT) -> list[CheckResult]:
    """Try SMTP (connect, TLS, login) and, when set up, IMAP (connect, TLS, login, list folders):
    one CheckResult per protocol."""
    account = require_account(owner)
    try:
        smtp_result = smtp.test_connection(smtp_config(account, timeout))
    except SecretError as exc:
        smtp_result = CheckResult("smtp", False, AUTHENTICATION, str(exc))
    results = [smtp_result]
    if account.has_imap:
        try:
            imap_cfg = imap_config(account, timeout)
        except SecretError as exc:
            results.append(CheckResult("imap", False, AUTHENTICATION, str(exc)))
        else:
            assert imap_cfg is not None
            results.append(imap.test_connection(imap_cfg))
    return results


test_account.__test__ = False  # type: ignore[attr-defined]
