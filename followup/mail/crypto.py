"""Mail passwords at rest, through the one crypto helper (`followup.lib.crypto`).

What this module adds is the mail-specific failure: a stored password that the current key
cannot read is a `SecretError` telling the user to enter the password again.
"""

from __future__ import annotations

from followup.lib import crypto as shared
from followup.lib.crypto import KEY_ENV, KEY_FILE, Secret

__all__ = ["KEY_ENV", "KEY_FILE", "Secret", "SecretError", "decrypt", "encrypt"]


class SecretError(shared.DecryptionFailed):
    """A stored mail password cannot be read (the key changed or is malformed)."""


def encrypt(plaintext: str) -> str:
    try:
        return shared.encrypt(plaintext)
    except shared.DecryptionFailed as exc:  # a malformed key: nothing can be stored with it
        raise SecretError(str(exc)) from None


def decrypt(token: str) -> str:
    try:
        return shared.decrypt(token)
    except shared.DecryptionFailed:
        raise SecretError(
            "a stored mail password cannot be decrypted: the encryption key changed "
            f"({KEY_ENV} or FOLLOWUP_HOME/{KEY_FILE}); enter the password again with "
            "`followup mail add`"
        ) from None
