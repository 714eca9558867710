"""Secrets at rest: Fernet with a key from FOLLOWUP_ENCRYPTION_KEY or FOLLOWUP_HOME/encryption.key.

The key file is created on first use with mode 0600 (O_EXCL, so two processes starting at once
agree on one key). `Secret` wraps a clear-text password so it never shows up in a repr, a log
line or a traceback's locals by accident.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_ENV = "FOLLOWUP_ENCRYPTION_KEY"
KEY_FILE = "encryption.key"

_lock = threading.Lock()
_cache: dict[tuple[str, str], Fernet] = {}


class SecretError(InvalidToken, RuntimeError):
    """A stored secret cannot be read (the key changed or is malformed). Also an InvalidToken, so
    callers that catch Fernet's error (followup.notify.crypto) catch this one too."""


class Secret:
    """A password in memory. repr/str never show it; `reveal()` does, at the point of use."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not serialisable")


def _home() -> Path:
    from django.conf import settings

    return Path(settings.HOME)


def _read_or_create_key_file(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def fernet() -> Fernet:
    env_key = os.environ.get(KEY_ENV, "").strip()
    home = "" if env_key else str(_home())
    cache_key = (env_key, home)
    with _lock:
        cached = _cache.get(cache_key)
        if cached is not None:
            return cached
        raw = env_key.encode() if env_key else _read_or_create_key_file(Path(home) / KEY_FILE)
        try:
            f = Fernet(raw)
        except (ValueError, TypeError):
            where = KEY_ENV if env_key else str(Path(home) / KEY_FILE)
            raise SecretError(
                f"{where} is not a valid key (32 url-safe base64-encoded bytes, as "
                "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'` prints)"
            ) from None
        _cache[cache_key] = f
        return f


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise SecretError(
            "a stored mail password cannot be decrypted: the encryption key changed "
            f"({KEY_ENV} or FOLLOWUP_HOME/{KEY_FILE}); enter the password again with `followup mail add`"
        ) from None
