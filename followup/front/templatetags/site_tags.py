"""`{% load site_tags %}`: whether an address of ours only works on this computer."""

from __future__ import annotations

from django import template

from followup.core.site import is_local_only

register = template.Library()


@register.filter(name="local_only")
def local_only(url: str) -> bool:
    """True for a loopback address: a phone or a cloud calendar cannot reach it."""
    return is_local_only(str(url or ""))
