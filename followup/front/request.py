"""The request types the views are written against.

Django types `request.user` as `User | AnonymousUser` and knows nothing of django-htmx's
`request.htmx`. These classes only annotate what the middleware (settings.MIDDLEWARE) already
sets, as django-htmx's documentation shows; no request is ever built from them. A view behind
`@login_required` takes `AuthenticatedRequest`: its user is signed in, so it is an owner. A view
that may answer anyone keeps `HttpRequest` (or `HtmxHttpRequest`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from followup.core.owner import Owner


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedRequest(HtmxHttpRequest):
    user: Owner


__all__ = ["AuthenticatedRequest", "HtmxHttpRequest"]
