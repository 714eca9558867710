"""A long write elsewhere (a big import from the command line) holds SQLite's write lock: a
web request that waited out the busy timeout is told "busy, try again" (503), never a 500, and
what it asked for is not half done."""

import sqlite3

import pytest
from django.db import connection
from django.test import Client

from followup.core.models import FollowUp


@pytest.fixture
def database(transactional_db):
    """Committed rows: another connection must see and lock the same file."""
    return transactional_db


@pytest.fixture
def short_busy_timeout():
    """The app waits 20 s for the lock; the test waits a tenth of a second."""
    options = connection.settings_dict["OPTIONS"]
    before = options.get("timeout")
    connection.close()
    options["timeout"] = 0.1
    yield
    connection.close()
    options["timeout"] = before


def test_a_request_during_a_long_write_is_told_to_try_again(owner, thank_you, short_busy_timeout):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writers wait for row locks, not for a database-wide write lock")
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # what a long import holds
        response = client.post(
            f"/follow-ups/{thank_you.pk}/act/", {"action": "done", "place": "today"}
        )
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "busy" in response.content.decode().lower()
    assert FollowUp.objects.get(pk=thank_you.pk).status == "planned"
