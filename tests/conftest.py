"""Fixtures shared by every test folder: the signed-in person and a recorded interview.

A folder's conftest adds what only it needs (mail servers, a browser) and may override
`owner_email` or `database`; it does not define its own `owner`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

NAIROBI = "Africa/Nairobi"

DEFAULT_INTERVIEW: dict[str, Any] = {
    "company": "Savanna Mobile",
    "role": "Sales Executive",
    "start": "2025-12-09 10:00",
    "duration_minutes": 60,
    "tz": NAIROBI,
    "country": "KE",
    "interviewers": ["Wanjiku Kamau <wanjiku@savanna.example>"],
    "recruiter": "Grace Achieng <grace@savanna.example>",
    "promised": "We'll get back to you by Friday",
    "notes": "SME data bundles in Kisumu.",
}


@pytest.fixture(autouse=True)
def _no_recorded_site_url() -> Any:
    """A `followup serve` a test starts records its address in the run's shared home
    (followup.core.site); later tests must see the default address, not that port."""
    yield
    from pathlib import Path

    from django.conf import settings

    (Path(settings.HOME) / "site-url").unlink(missing_ok=True)


@pytest.fixture
def database(db: Any) -> Any:
    """The database access `owner` needs; the browser tests override it with transactional_db."""
    return db


@pytest.fixture
def owner_email() -> str:
    return "amina@example.com"


@pytest.fixture
def owner(database: Any, owner_email: str) -> Any:
    """The local user, Amina Njeri in Nairobi, Kenya."""
    from followup.core.queries import get_local_user

    user = get_local_user()
    profile = user.followup_profile
    profile.full_name = "Amina Njeri"
    profile.email = owner_email
    profile.country = "KE"
    profile.time_zone = NAIROBI
    profile.save()
    return user


@pytest.fixture
def record_interview(owner: Any) -> Callable[..., Any]:
    """record_interview(**overrides) records an interview through the real service and returns
    what it recorded (application, interview, follow_ups). Pass owner= for someone else."""
    from followup.core import services

    def record(**overrides: Any) -> Any:
        who = overrides.pop("owner", owner)
        data = {**DEFAULT_INTERVIEW, **overrides}
        return services.record_interview(who, services.InterviewInput(**data))

    return record


def database_url() -> str:
    """DATABASE_URL for a real process (the CLI, a worker) to use this test's database."""
    from pathlib import Path

    from django.db import connection

    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return "sqlite:///" + str(Path(settings["NAME"]).absolute())
    auth = settings["USER"] or ""
    if settings.get("PASSWORD"):
        auth += ":" + settings["PASSWORD"]
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{settings['NAME']}"
