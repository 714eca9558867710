"""The site's address, as every link the product sends out carries it (the digest, pushes, the
calendar feed, Message-IDs): one function, `site_url()`.

FOLLOWUP_SITE_URL wins when set (settings checks it at start-up and refuses a malformed one).
Otherwise the links follow the server actually running: `followup serve` records its address
in FOLLOWUP_HOME/site-url when it starts, and the worker and every other command read that file
each time they build links, so a server started on another port is followed without a restart.
With neither, the address `followup serve` uses by default.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from followup.env import site_url_problem

__all__ = [
    "DEFAULT_SITE_URL",
    "SITE_URL_FILE",
    "is_local_only",
    "record_site_url",
    "recorded_site_url",
    "site_url",
]

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
SITE_URL_FILE = "site-url"


def _recorded_path() -> Path:
    return Path(settings.HOME) / SITE_URL_FILE


def site_url() -> str:
    """'http://127.0.0.1:8123', without a trailing slash."""
    override = str(settings.SITE_URL or "")
    if override:
        return override.rstrip("/")
    return recorded_site_url() or DEFAULT_SITE_URL


def recorded_site_url() -> str:
    """What `followup serve` last recorded, or "" (none yet, or a file that is not a URL)."""
    try:
        raw = _recorded_path().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    if not raw or site_url_problem(raw) is not None:
        return ""
    return raw.rstrip("/")


def record_site_url(url: str) -> Path:
    """Write the running server's address for the other processes. Atomically (a temporary file
    in the same folder, then a rename), so a worker reading at that instant sees the old address
    or the new one, never half of it."""
    problem = site_url_problem(url)
    if problem is not None:
        raise ValueError(problem)
    target = _recorded_path()
    fd, temporary = tempfile.mkstemp(prefix=".site-url.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(url.rstrip("/") + "\n")
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target


def is_local_only(url: str) -> bool:
    """True when the URL's host is this computer (127.0.0.1, ::1, localhost): a phone or a
    cloud calendar cannot reach it."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost") or host == "ip6-localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
