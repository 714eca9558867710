"""Notification URLs at rest (they carry tokens and passwords), through the one crypto helper
(`followup.lib.crypto`): the same key as every other secret."""

from __future__ import annotations

from followup.lib import crypto as shared

__all__ = ["DecryptionFailed", "decrypt", "encrypt"]


class DecryptionFailed(shared.DecryptionFailed):
    """A stored notification URL cannot be read with the current key."""


def encrypt(text: str) -> str:
    return shared.encrypt(text)


def decrypt(token: str) -> str:
    try:
        return shared.decrypt(token)
    except shared.DecryptionFailed:
        raise DecryptionFailed(
            "the stored URL cannot be decrypted with the current encryption key; "
            "remove the channel and add it again"
        ) from None
