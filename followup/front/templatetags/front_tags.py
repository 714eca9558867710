"""Small display helpers: times in the recipient's zone, relative due dates, labels.

Their output is built only from dates, numbers, fixed labels and reversed URLs (never from what
people typed), so it is returned as SafeString: escaping it would change nothing and costs a
measurable share of a long list's rendering time.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from followup.lib import vocabulary
from followup.lib.vocabulary import describe_time, format_local, long_date, zone_or_utc

register = template.Library()

CHANNEL_VERBS = {
    "email": "Email",
    "phone": "Phone call",
    "linkedin": "LinkedIn",
    "website": "Website",
    "whatsapp": "WhatsApp",
}


def _in_zone(dt: datetime, tz: str) -> datetime:
    """In the zone a row is shown in; a zone that no longer exists shows in UTC."""
    return dt.astimezone(zone_or_utc(tz))


@lru_cache(maxsize=64)
def _url_pattern(name: str) -> tuple[str, str]:
    marker = 918273645
    head, _, tail = reverse(name, args=[marker]).partition(str(marker))
    return head, tail


@register.filter
def url_for(pk: int, name: str) -> SafeString:
    """`{{ fu.pk|url_for:"draft" }}`: reverse() once per URL name, then string joins
    (a list of rows would otherwise resolve every URL of every row)."""
    head, tail = _url_pattern(name)
    return mark_safe(f"{head}{int(pk)}{tail}")  # noqa: S308 - digits and a reversed URL


@register.filter
def local_due(fu: Any) -> SafeString:
    """'Mon 15 Dec, 10:00 EAT' in the zone the follow-up is shown in (the recipient's)."""
    return mark_safe(describe_time(_in_zone(fu.due, fu.due_tz)))  # noqa: S308 - a formatted date


@register.filter
def local_due_iso(fu: Any) -> SafeString:
    return mark_safe(_in_zone(fu.due, fu.due_tz).isoformat())  # noqa: S308 - a formatted date


@register.filter
def due_line(fu: Any) -> SafeString:
    """A row's when: `<time>` in the follow-up's zone, then how far off it is ("3 days overdue").
    One filter for the three, so the zone conversion is done once per row of a long list."""
    now = timezone.now()
    local = _in_zone(fu.due, fu.due_tz)
    return mark_safe(  # noqa: S308 - a formatted date and fixed words
        f'<time datetime="{local.isoformat()}">{describe_time(local)}</time>'
        '<span class="dot" aria-hidden="true">·</span>'
        f'<span class="rel">{_relative_due(fu, local, _in_zone(now, fu.due_tz))}</span>'
    )


@register.filter
def in_zone(dt: datetime | None, tz: str) -> str:
    """'Mon 15 Dec, 10:00' (the year added when it is not this one), without the zone's name."""
    if dt is None:
        return ""
    return format_local(dt, tz, now=timezone.now(), with_zone=False)


def _days_word(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


@register.filter
def relative_due(fu: Any) -> SafeString:
    local = _in_zone(fu.due, fu.due_tz)
    now = _in_zone(timezone.now(), fu.due_tz)
    return mark_safe(_relative_due(fu, local, now))  # noqa: S308 - fixed words and numbers


def _relative_due(fu: Any, local: datetime, now: datetime) -> str:
    """'3 days overdue', 'today', 'tomorrow', 'in 4 days': `local` is the due time and `now`
    the clock, both in the follow-up's zone, so days are counted there."""
    delta = (local.date() - now.date()).days
    if delta < 0:
        return f"{_days_word(-delta)} overdue"
    if delta == 0:
        return "today" if local >= now else "earlier today"
    if delta == 1:
        return "tomorrow"
    if delta < 14:
        return f"in {delta} days"
    return f"in {delta // 7} weeks"


@register.filter
def is_overdue(fu: Any) -> bool:
    return bool(fu.due < timezone.now() and fu.status in ("planned", "approved"))


@register.filter
def kind_label(kind: str) -> SafeString | str:
    label = vocabulary.KIND_LABELS.get(kind)
    if label is not None:
        return mark_safe(label)  # noqa: S308 - a fixed label
    return vocabulary.kind_label(str(kind))


@register.filter
def channel_verb(channel: str) -> SafeString | str:
    label = CHANNEL_VERBS.get(channel)
    if label is not None:
        return mark_safe(label)  # noqa: S308 - a fixed label
    return str(channel).capitalize()


@register.filter
def day_label(d: date) -> str:
    return long_date(d)


@register.filter
def stars(n: int | None) -> str:
    if not n:
        return ""
    return "\u2605" * int(n) + "\u2606" * (5 - int(n))
