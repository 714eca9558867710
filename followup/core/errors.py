"""Errors services raise. Shells turn them into an exit code 2 line (CLI) or a field message (web)."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Bad input from a person. `field` names what to fix; nothing was changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(LookupError):
    """No such row for this owner (another user's id looks exactly like a missing one)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
