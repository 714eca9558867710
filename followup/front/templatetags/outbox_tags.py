"""The "Needs attention" rows for Today's partial (front/_needs_attention.html), so that
Today's view and template need only one include line."""

from __future__ import annotations

from typing import Any

from django import template

from followup.core.models import FollowUp
from followup.core.services import needs_attention
from followup.front.outbox import attention_follow_ups as _attention_follow_ups

register = template.Library()


@register.simple_tag
def attention_follow_ups(user: Any, counted: int | None = None) -> list[FollowUp]:
    """`counted`: how many Today's count query found (none: no query for the rows)."""
    if counted == 0:
        return []
    return _attention_follow_ups(user)


@register.filter
def send_needs_attention(fu: FollowUp) -> bool:
    return needs_attention(fu)
