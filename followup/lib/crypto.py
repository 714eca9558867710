"""Keys and secrets at rest, in one place: the key files (Django's secret key, the encryption
key) and Fernet encryption of stored secrets (mail passwords, notification URLs).

- `key_file(path, generate)`: a key generated once into a file with mode 0600 and read from it
  ever after; two processes starting at once agree on one key.
- `encrypt` / `decrypt`: Fernet with FOLLOWUP_ENCRYPTION_KEY, else FOLLOWUP_HOME/encryption.key.
- `Secret`: a clear-text password in memory that never shows up in a repr, a log line or a
  traceback's locals by accident.

No Django at import time: `followup.env` reads the secret key through `key_file` while the
settings are being built. `cryptography` is imported on first use, not here: it costs about
25 ms, which every CLI command would pay.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

KEY_ENV = "FOLLOWUP_ENCRYPTION_KEY"
KEY_FILE = "encryption.key"

KEY_HINT = (
    "32 url-safe base64-encoded bytes, as `python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'` prints"
)

_lock = threading.Lock()
_fernets: dict[tuple[str, str], Fernet] = {}


class DecryptionFailed(RuntimeError):
    """A stored secret cannot be read with the current key (the key changed, was lost or is
    malformed). Callers subclass it to say what the user should do about their secret."""


def is_valid_key(raw: str) -> bool:
    """Whether Fernet would take `raw` as a key (the same decoding, without importing
    cryptography: the settings check FOLLOWUP_ENCRYPTION_KEY at start-up with this)."""
    try:
        return len(base64.urlsafe_b64decode(raw.strip().encode("ascii"))) == 32
    except (binascii.Error, ValueError):  # UnicodeError is a ValueError
        return False


def environment_key_problem() -> str | None:
    """What is wrong with FOLLOWUP_ENCRYPTION_KEY, or None when it is unset or valid."""
    raw = os.environ.get(KEY_ENV, "").strip()
    if raw and not is_valid_key(raw):
        return f"is not a valid key ({KEY_HINT})"
    return None


def new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


def key_file(path: Path, generate: Callable[[], str] = new_fernet_key) -> str:
    """The key stored at `path`; generated with `generate()` and written with mode 0600 when the
    file does not exist yet.

    The new key is written to a private temporary file first and then hard-linked into place:
    the link fails when another process got there first (we then read theirs), and nobody ever
    reads a created-but-not-yet-written, empty key file."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = generate()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return key


def _home() -> Path:
    from django.conf import settings

    return Path(settings.HOME)


def fernet() -> Fernet:
    """The Fernet for FOLLOWUP_ENCRYPTION_KEY, else for the key file in FOLLOWUP_HOME (created on
    first use). Cached per key source: the environment or the home may change in tests."""
    from cryptography.fernet import Fernet

    env_key = os.environ.get(KEY_ENV, "").strip()
    home = "" if env_key else str(_home())
    source = (env_key, home)
    with _lock:
        cached = _fernets.get(source)
        if cached is not None:
            return cached
        raw = env_key or key_file(Path(home) / KEY_FILE)
        try:
            made = Fernet(raw.encode("ascii"))
        except (ValueError, TypeError, UnicodeError):
            where = KEY_ENV if env_key else str(Path(home) / KEY_FILE)
            raise DecryptionFailed(f"{where} is not a valid key ({KEY_HINT})") from None
        _fernets[source] = made
        return made


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The clear text of `token`. Raises DecryptionFailed when the current key cannot read it."""
    from cryptography.fernet import InvalidToken

    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):  # UnicodeError is a ValueError
        raise DecryptionFailed(
            f"a stored secret cannot be decrypted: the encryption key changed ({KEY_ENV} or "
            f"FOLLOWUP_HOME/{KEY_FILE})"
        ) from None


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
