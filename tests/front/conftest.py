"""Fixtures for the web views: a signed-in local user, someone else's data, an interview."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from followup.core import services
from followup.planner.calendar import zone

NAIROBI = "Africa/Nairobi"


@pytest.fixture
def owner(db):
    user = services.get_local_user()
    profile = user.followup_profile
    profile.full_name = "Amina Njeri"
    profile.email = "amina@example.com"
    profile.country = "KE"
    profile.time_zone = NAIROBI
    profile.save()
    return user


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


def interview_input(**overrides):
    start = (timezone.now() - timedelta(hours=3)).astimezone(zone(NAIROBI)).replace(tzinfo=None)
    data = dict(
        company="Savanna Mobile",
        role="Sales Executive",
        start=start.strftime("%Y-%m-%d %H:%M"),
        tz=NAIROBI,
        country="KE",
        interviewers=["Wanjiku Kamau <wanjiku@savanna.example>"],
        recruiter="Grace Achieng <grace@savanna.example>",
        notes="Growing the SME data bundles in Kisumu.",
        promised="we'll get back to you within two weeks",
        unasked=["How is the commission structured?"],
    )
    data.update(overrides)
    return services.InterviewInput(**data)


@pytest.fixture
def recorded(owner):
    return services.record_interview(owner, interview_input())


@pytest.fixture
def thank_you(recorded):
    return next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")


@pytest.fixture
def someone_elses(db, django_user_model):
    other = django_user_model.objects.create(username="other")
    return services.record_interview(
        other,
        interview_input(
            company="Other Co",
            role="Analyst",
            interviewers=["Pat Lee <pat@other.example>"],
            recruiter="",
        ),
    )


@pytest.fixture
def make_input():
    """interview_input(**overrides) -> services.InterviewInput"""
    return interview_input


@pytest.fixture
def hx():
    """Headers of a request htmx makes."""
    return {"HTTP_HX_REQUEST": "true"}
