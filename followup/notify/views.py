"""The calendar feed endpoint: no login, a secret token in the URL, ETag and 304."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

from followup.notify import feed
from followup.notify.services import owner_for_calendar_token

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    tags = parse_etags(header)
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    if not TOKEN.match(token):
        raise Http404("No such calendar")
    owner = owner_for_calendar_token(token)
    if owner is None:
        raise Http404("No such calendar")
    etag = feed.feed_etag(owner)
    headers = {
        "ETag": etag,
        # Private: the URL is a secret. Short: clients poll hourly anyway.
        "Cache-Control": "private, max-age=300",
        "X-Robots-Tag": "noindex",
    }
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(feed.build_feed(owner), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="followup.ics"'
    for name, value in headers.items():
        response[name] = value
    return response
