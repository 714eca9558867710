"""Invitations: sample .ics files as Google Calendar, Outlook, Zoom and a small ATS write them,
imported from a file, from the mailbox (a real Dovecot) and from the web upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

# The mailbox test reads a real Dovecot: the mail tests' servers, not a copy of them.
from tests.mail.conftest import dovecot, mailbox, tls_cert  # noqa: F401

SAMPLES = Path(__file__).with_name("samples")


@pytest.fixture
def owner_email() -> str:
    """The address the samples invite: never taken for an interviewer."""
    return "amina.njeri@gmail.com"


def ics(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def client(owner: Any) -> Client:
    c = Client()
    c.force_login(owner)
    return c


@pytest.fixture
def csrf_client(owner: Any) -> Client:
    c = Client(enforce_csrf_checks=True)
    c.force_login(owner)
    return c


@pytest.fixture
def someone_elses(owner: Any, record_interview: Any, django_user_model: Any) -> Any:
    """Another user's interview, recorded through the real service."""
    other = django_user_model.objects.create(username="other")
    return record_interview(
        owner=other,
        company="Other Co",
        role="Analyst",
        interviewers=["Pat Lee <pat@other.example>"],
        recruiter="",
    )
