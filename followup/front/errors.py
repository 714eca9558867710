"""What a person sees when a request fails on the server's side.

A long write elsewhere (a big `followup import` from the command line) holds SQLite's write lock;
a request that waited the whole busy timeout for it gets "busy, try again" (503 with
Retry-After) instead of an error page, and nothing it asked for was half done: its transaction
never began. Anything else is a plain 500 page that says what to do.
"""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

BUSY_RETRY_SECONDS = 5


def _database_busy(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError) and "locked" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: called while the exception is being handled."""
    busy = _database_busy(sys.exc_info()[1])
    if busy:
        message = (
            "followup is busy with a long change (an import, perhaps). Nothing was changed: "
            "try again in a few seconds."
        )
        status = 503
    else:
        message = (
            "Something went wrong on our side. Nothing you typed is lost: go back and try again."
        )
        status = 500
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    else:
        html = render_to_string("front/server_error.html", {"message": message, "busy": busy})
        response = HttpResponse(html, status=status)
    if busy:
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response
