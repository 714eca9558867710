"""The type of the person every row belongs to.

A string alias under TYPE_CHECKING only: importing Django's auth models before `django.setup()`
fails, and annotations need no runtime object (every module here uses postponed annotations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Owner: TypeAlias = "User"  # settings.AUTH_USER_MODEL is Django's own

__all__ = ["Owner"]
