"""Local sign-in without a password, as Jupyter does it.

`followup serve` calls `issue_token()` once per start and prints a URL carrying the token. The
first request bearing it starts a session for the local user and the token is spent. Tokens live
in this process's memory only (hashed), so a restart always gives a fresh one and nothing secret
is written to disk. `redact()` removes tokens from anything that might be logged.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
import time

TOKEN_PARAM = "token"
# The backend a token sign-in names: ModelBackend itself (the first one in settings is
# django-axes' throttle, which checks passwords' attempts and logs nobody in).
LOCAL_SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"
# A printed link that nobody opens should not stay usable for ever.
TOKEN_LIFETIME_SECONDS = 24 * 60 * 60

_lock = threading.Lock()
_tokens: dict[str, float] = {}  # sha256 of the token -> expiry (time.monotonic())
_TOKEN_IN_TEXT = re.compile(r"(token=)[^&\s\"'<>]+", re.IGNORECASE)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(lifetime: float = TOKEN_LIFETIME_SECONDS) -> str:
    """A fresh one-time sign-in token for the local user."""
    token = secrets.token_urlsafe(32)
    with _lock:
        now = time.monotonic()
        for key in [k for k, expiry in _tokens.items() if expiry <= now]:
            del _tokens[key]
        _tokens[_digest(token)] = now + lifetime
    return token


def consume_token(token: str) -> bool:
    """True once for a valid token; it cannot be used again."""
    if not token or len(token) > 200:
        return False
    with _lock:
        expiry = _tokens.pop(_digest(token), None)
    return expiry is not None and expiry > time.monotonic()


def revoke_all() -> None:
    with _lock:
        _tokens.clear()


def redact(text: str) -> str:
    """`...?token=abc` -> `...?token=[redacted]`."""
    return _TOKEN_IN_TEXT.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """A logging filter that keeps sign-in tokens out of every log line it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction() -> None:
    """Attach RedactTokens to the handlers of the root logger and of waitress (idempotent)."""
    for logger in (logging.getLogger(), logging.getLogger("waitress"), logging.getLogger("django")):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactTokens) for f in handler.filters):
                handler.addFilter(RedactTokens())
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
