"""The careers check through the services: one open row per application, done or skip brings
the next, re-planning never doubles it, 09:00 in the user's own zone."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from followup.core import services
from followup.core.models import FollowUp

NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture
def watching(record_interview, time_machine):
    """Interviewed Tue 9 Dec 2025 and asked to watch the careers page; today is that evening."""
    time_machine.move_to(datetime(2025, 12, 9, 18, 0, tzinfo=NAIROBI))
    return record_interview(check_website=True)


def careers_checks(application, **filters):
    return list(
        FollowUp.objects.filter(application=application, kind="careers_check", **filters).order_by(
            "due"
        )
    )


def test_recording_plans_one_careers_check_not_thirteen(watching):
    checks = careers_checks(watching.application)
    assert len(checks) == 1
    assert checks[0].due.astimezone(NAIROBI) == datetime(2025, 12, 23, 9, 0, tzinfo=NAIROBI)
    assert "every 2 weeks until 9 Jun 2026" in checks[0].reason


def test_done_brings_the_next_check_and_replanning_never_doubles_it(owner, watching, time_machine):
    first = careers_checks(watching.application)[0]
    time_machine.move_to(datetime(2025, 12, 23, 9, 30, tzinfo=NAIROBI))
    services.mark_done(owner, first.pk)
    open_checks = careers_checks(watching.application, status__in=FollowUp.OPEN)
    assert len(open_checks) == 1
    assert open_checks[0].pk != first.pk
    assert open_checks[0].due.astimezone(NAIROBI) == datetime(2026, 1, 6, 9, 0, tzinfo=NAIROBI)
    services.replan(owner, watching.application)
    services.replan(owner, watching.application)
    assert len(careers_checks(watching.application, status__in=FollowUp.OPEN)) == 1
    assert len(careers_checks(watching.application)) == 2


def test_skip_brings_the_next_check_too(owner, watching, time_machine):
    first = careers_checks(watching.application)[0]
    time_machine.move_to(datetime(2025, 12, 22, 12, 0, tzinfo=NAIROBI))  # skipped a day early
    services.skip(owner, first.pk)
    (following,) = careers_checks(watching.application, status__in=FollowUp.OPEN)
    assert following.due.astimezone(NAIROBI) == datetime(2026, 1, 6, 9, 0, tzinfo=NAIROBI)


def test_the_series_ends_with_the_last_fortnight(owner, watching, time_machine):
    time_machine.move_to(datetime(2026, 6, 9, 10, 0, tzinfo=NAIROBI))  # the last check's day
    services.mark_done(owner, careers_checks(watching.application)[0].pk)
    assert careers_checks(watching.application, status__in=FollowUp.OPEN) == []


def test_the_check_is_due_at_nine_in_the_users_zone(owner, watching):
    profile = services.get_profile(owner)
    profile.time_zone = "Europe/London"
    profile.save()
    services.replan(owner, watching.application)
    (check,) = careers_checks(watching.application, status__in=FollowUp.OPEN)
    local = check.due.astimezone(ZoneInfo("Europe/London"))
    assert local.time() == time(9, 0)
    assert check.due_tz == "Europe/London"
