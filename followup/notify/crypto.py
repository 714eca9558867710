"""Encryption at rest for notification URLs (they carry tokens and passwords).

One key protects every secret: the mail package's Fernet key (FOLLOWUP_ENCRYPTION_KEY, else
FOLLOWUP_HOME/encryption.key created with mode 0600).
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken

from followup.mail import crypto as shared


class DecryptionFailed(RuntimeError):
    """The stored secret cannot be read with the current key (the key changed or was lost)."""


def encrypt(text: str) -> str:
    return shared.encrypt(text)


def decrypt(token: str) -> str:
    try:
        return shared.decrypt(token)
    except (InvalidToken, ValueError):
        raise DecryptionFailed(
            "the stored URL cannot be decrypted with the current encryption key; "
            "remove the channel and add it again"
        ) from None
