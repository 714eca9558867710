"""Fixtures for the web views: signed-in clients, a recent interview, someone else's data.

`owner` and the `record_interview` factory come from tests/conftest.py; `record_recent` is that
factory for an interview that started three hours ago, so its thank-you is due today.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from followup.lib.vocabulary import zone

NAIROBI = "Africa/Nairobi"

# What the web tests' interview says beyond the shared default (tests/conftest.py).
RECENT_INTERVIEW = {
    "notes": "Growing the SME data bundles in Kisumu.",
    "promised": "we'll get back to you within two weeks",
    "unasked": ["How is the commission structured?"],
}


def three_hours_ago() -> str:
    start = timezone.now() - timedelta(hours=3)
    return start.astimezone(zone(NAIROBI)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def client(owner):
    c = Client()
    c.force_login(owner)
    return c


@pytest.fixture
def csrf_client(owner):
    c = Client(enforce_csrf_checks=True)
    c.force_login(owner)
    return c


@pytest.fixture
def record_recent(record_interview):
    """record_recent(**overrides): an interview that started three hours ago, recorded through
    the real service (owner= for someone else)."""

    def record(**overrides):
        return record_interview(**{"start": three_hours_ago(), **RECENT_INTERVIEW, **overrides})

    return record


@pytest.fixture
def recorded(record_recent):
    return record_recent()


@pytest.fixture
def thank_you(recorded):
    return next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")


@pytest.fixture
def someone_elses(record_recent, django_user_model):
    other = django_user_model.objects.create(username="other")
    return record_recent(
        owner=other,
        company="Other Co",
        role="Analyst",
        interviewers=["Pat Lee <pat@other.example>"],
        recruiter="",
    )


@pytest.fixture
def hx():
    """Headers of a request htmx makes."""
    return {"HTTP_HX_REQUEST": "true"}
