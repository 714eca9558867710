"""Rendered pages kept per owner until their data or the clock moves on.

The Today, Application and Pipeline pages are read far more often than what they show changes,
and rendering them is most of their cost. `cached_page` keeps each one's HTML and serves it
again while both of these hold:

- the owner's DataVersion is unchanged. Database triggers change it on any write to the
  owner's rows in core (followup/core/migrations/0003_data_version.py), whoever writes: a
  view, the worker, a bulk UPDATE, raw SQL. The version is read before the page is rendered,
  so a page is never filed under a version newer than its data.
- the clock has not reached the page's `fresh_until`: the next local midnight (the "Today"
  sections, "3 days overdue") or the next due time of a row it shows ("today" becomes
  "earlier today" and the row turns overdue). Views set it with `set_fresh_until`.

A page is rendered with a placeholder where its CSRF tokens go; each response gets a freshly
masked token of the visitor's own CSRF secret in its place, so cached HTML carries no token.
Pages are cached only for GET requests outside a transaction (so nothing uncommitted is
filed) and never while Django messages are waiting (they are shown once).

The cache is Django's "pages" cache (in-process memory by default); the key holds the owner,
the version and the full path, so a page can only ever be served to the owner it was rendered
for, after the view's own ownership check passed for that version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from followup.planner.calendar import UnknownZone, zone

CACHE_ALIAS = "pages"
# Alphanumeric, as a real token is, so templates render and escape it unchanged.
CSRF_PLACEHOLDER = "followupCsrfTokenPlaceholder7f3d9c1e5b"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_FRESH_UNTIL = "_followup_fresh_until"
_RENDERING = "_followup_page_rendering"
_VERSION_SQL = "SELECT version FROM core_dataversion WHERE owner_id = %s"


def data_version(owner_id: int) -> int:
    """The owner's DataVersion (0 before their first write): one primary-key look-up."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL, [owner_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def next_midnight(now: datetime, tz: str) -> datetime:
    try:
        local_zone = zone(tz or "UTC")
    except UnknownZone:
        local_zone = zone("UTC")
    local = now.astimezone(local_zone)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local_zone)


def fresh_until(now: datetime, zones: Iterable[str], rows: Iterable[Any] = ()) -> datetime:
    """When a page showing `rows` (things with `.due` and `.due_tz`) to someone in `zones`
    next reads differently: the first midnight in any of the zones (UTC included: a year
    changes there too) or the first due time still to come."""
    row_list = list(rows)
    candidates = [next_midnight(now, tz) for tz in {"UTC", *zones, *(r.due_tz for r in row_list)}]
    candidates += [r.due for r in row_list if r.due is not None and r.due > now]
    return min(candidates)


def set_fresh_until(response: HttpResponse, until: datetime) -> HttpResponse:
    """Mark a response cacheable until `until` (views under `cached_page`)."""
    setattr(response, _FRESH_UNTIL, until)
    return response


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a cached page renders, `{% csrf_token %}` writes the
    placeholder (listed after Django's built-in csrf processor, so it takes its place)."""
    if getattr(request, _RENDERING, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def clear() -> None:
    caches[CACHE_ALIAS].clear()


def _key(owner_id: int, version: int, full_path: str) -> str:
    digest = hashlib.blake2b(full_path.encode("utf-8", "surrogatepass"), digest_size=16)
    return f"page:{owner_id}:{version}:{digest.hexdigest()}"


def _with_token(request: HttpRequest, parts: list[bytes], content_type: str) -> HttpResponse:
    """The page with a fresh token in each gap: `parts` is the HTML split at the placeholder,
    so this is one join (a scan for the placeholder on every hit would cost more)."""
    token = get_token(request).encode("ascii") if len(parts) > 1 else b""
    return HttpResponse(token.join(parts), content_type=content_type)


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and request.user.is_authenticated
        and not connection.in_atomic_block
        # len() does not mark the messages as shown; iterating would.
        and not len(messages.get_messages(request))
    )


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's last rendering for this owner, version and path while it is fresh.
    Put it under @login_required: it caches only for signed-in owners."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = _key(request.user.pk, data_version(request.user.pk), request.get_full_path())
        now = timezone.now().timestamp()
        hit = cache.get(key)
        if hit is not None and hit[0] > now:
            return _with_token(request, hit[1], hit[2])

        setattr(request, _RENDERING, True)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # a TemplateResponse: render while the placeholder is on
        finally:
            setattr(request, _RENDERING, False)
        if getattr(response, "streaming", False):
            return response
        parts = response.content.split(_PLACEHOLDER_BYTES)
        until = getattr(response, _FRESH_UNTIL, None)
        if response.status_code == 200 and until is not None:
            expires = until.astimezone(UTC).timestamp()
            if expires > now:
                content_type = response.get("Content-Type", "text/html; charset=utf-8")
                cache.set(key, (expires, parts, content_type), timeout=expires - now)
        if len(parts) > 1:
            response.content = get_token(request).encode("ascii").join(parts)
        return response

    return wrapper
