"""Rendered pages served again while nothing changed (followup.front.pagecache).

These tests commit (transaction=True), as the running app does: pages are cached only outside
a transaction, and on PostgreSQL the version triggers fire at COMMIT.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.core import services
from followup.core.models import Application, Company, Contact, FollowUp, Profile
from followup.front import pagecache

from .conftest import interview_input

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


@pytest.fixture(autouse=True)
def empty_cache():
    pagecache.clear()
    yield
    pagecache.clear()


def core_queries(queries):
    """The queries that read the pages' data (not the session, the user or the version)."""
    return [q["sql"] for q in queries if "core_" in q["sql"] and "core_dataversion" not in q["sql"]]


def test_a_second_visit_is_served_without_reading_the_data_again(client, thank_you):
    first = client.get("/")
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")
    assert second.status_code == 200
    assert core_queries(queries) == []
    assert len(queries) <= 3  # the session, the user, the owner's data version
    assert ANY_TOKEN.sub("", first.content.decode()) == ANY_TOKEN.sub("", second.content.decode())
    assert "Wanjiku Kamau" in second.content.decode()


def test_marking_a_follow_up_done_shows_at_once(client, thank_you):
    assert f'id="fu-{thank_you.pk}"' in client.get("/").content.decode()
    client.post(f"/follow-ups/{thank_you.pk}/act/", {"action": "done", "place": "today"})
    assert f'id="fu-{thank_you.pk}"' not in client.get("/").content.decode()


def test_a_bulk_update_is_seen(client, thank_you):
    assert "Wanjiku Kamau" in client.get("/").content.decode()
    FollowUp.objects.filter(pk=thank_you.pk).update(status=FollowUp.Status.SKIPPED)
    assert f'id="fu-{thank_you.pk}"' not in client.get("/").content.decode()


def test_a_change_made_with_raw_sql_as_another_process_would_is_seen(client, thank_you):
    client.get("/")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_contact SET name = %s WHERE id = %s", ["W. Kamau", thank_you.recipient_id]
        )
    html = client.get("/").content.decode()
    assert "<strong>W. Kamau</strong>" in html and "<strong>Wanjiku Kamau</strong>" not in html


@pytest.mark.parametrize(
    "change, shown",
    [
        (
            lambda fu: Company.objects.filter(pk=fu.application.company_id).update(name="Acme"),
            "Acme",
        ),
        (
            lambda fu: Application.objects.filter(pk=fu.application_id).update(role_title="Lead"),
            "Lead · Savanna Mobile",
        ),
        (
            lambda fu: Contact.objects.filter(pk=fu.recipient_id).update(name="Wanjiku K."),
            "Wanjiku K.",
        ),
    ],
    ids=["company", "application", "contact"],
)
def test_renaming_what_a_row_shows_is_seen(client, thank_you, change, shown):
    client.get("/")
    change(thank_you)
    assert shown in client.get("/").content.decode()


def test_the_application_page_shows_a_new_interviewer(client, recorded):
    url = f"/applications/{recorded.application.pk}/"
    assert "Jo Mwangi" not in client.get(url).content.decode()
    contact = Contact.objects.create(owner=recorded.application.owner, name="Jo Mwangi")
    recorded.interview.interviewers.add(contact)
    assert "Jo Mwangi" in client.get(url).content.decode()


def test_a_deleted_application_is_404_not_a_cached_page(client, recorded):
    url = f"/applications/{recorded.application.pk}/"
    assert client.get(url).status_code == 200
    Application.objects.filter(pk=recorded.application.pk).delete()
    assert client.get(url).status_code == 404


def test_a_new_time_zone_in_settings_is_seen(client, owner, thank_you):
    assert '+03:00">' in client.get("/").content.decode()  # <time datetime="...+03:00">
    FollowUp.objects.filter(owner=owner).update(due_tz="Europe/London")
    Profile.objects.filter(user=owner).update(time_zone="Europe/London")
    html = client.get("/").content.decode()
    assert '+03:00">' not in html and '+00:00">' in html


def test_each_response_carries_a_fresh_token_that_works(owner, thank_you):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    browser.get("/")  # renders, caches, sets the CSRF cookie
    first = browser.get("/").content.decode()
    second = browser.get("/").content.decode()
    tokens = TOKEN.findall(first) + TOKEN.findall(second)
    assert tokens and pagecache.CSRF_PLACEHOLDER not in first + second
    assert TOKEN.findall(first)[0] != TOKEN.findall(second)[0]  # masked anew each time
    response = browser.post(
        f"/follow-ups/{thank_you.pk}/act/",
        {"action": "done", "place": "today", "csrfmiddlewaretoken": TOKEN.findall(second)[0]},
    )
    assert response.status_code == 302
    thank_you.refresh_from_db()
    assert thank_you.status == "done"


def test_a_message_is_shown_once_and_never_cached(client, thank_you):
    client.get("/")
    client.post(f"/follow-ups/{thank_you.pk}/act/", {"action": "skip", "place": "today"})
    assert "Skipped." in client.get("/").content.decode()
    assert "Skipped." not in client.get("/").content.decode()


def test_another_owner_never_gets_my_page(client, thank_you, someone_elses):
    assert "Wanjiku Kamau" in client.get("/").content.decode()
    other = Client()
    other.force_login(someone_elses.application.owner)
    html = other.get("/").content.decode()
    assert "Pat Lee" in html and "Wanjiku Kamau" not in html


def test_someone_elses_writes_leave_my_version_alone(owner, thank_you, someone_elses):
    mine = pagecache.data_version(owner.pk)
    FollowUp.objects.filter(owner=someone_elses.application.owner).update(reason="changed")
    assert pagecache.data_version(owner.pk) == mine
    FollowUp.objects.filter(owner=owner).update(reason="changed")
    assert pagecache.data_version(owner.pk) != mine


def test_a_follow_up_turns_overdue_when_its_time_comes(client, owner, thank_you):
    due = timezone.now() + timedelta(minutes=30)
    FollowUp.objects.filter(pk=thank_you.pk).update(due=due)
    html = client.get("/").content.decode()
    assert "is-overdue" not in html
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        html = client.get("/").content.decode()
    assert "is-overdue" in html


def test_the_day_turns_at_midnight(client, owner, thank_you):
    FollowUp.objects.filter(pk=thank_you.pk).update(due=timezone.now() + timedelta(days=3))
    before = client.get("/").content.decode()
    tomorrow = pagecache.next_midnight(timezone.now(), owner.followup_profile.time_zone)
    with time_machine.travel(tomorrow + timedelta(minutes=1), tick=False):
        after = client.get("/").content.decode()
    assert "in 3 days" in before
    assert "in 2 days" in after


def test_fresh_until_is_the_first_midnight_or_due_time_to_come():
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)

    class Row:
        def __init__(self, due, due_tz):
            self.due, self.due_tz = due, due_tz

    soon = Row(now + timedelta(minutes=5), "UTC")
    past = Row(now - timedelta(days=2), "UTC")
    assert pagecache.fresh_until(now, ["UTC"], [soon, past]) == soon.due
    midnight_utc = pagecache.next_midnight(now, "UTC")
    assert pagecache.fresh_until(now, ["UTC"], [past]) == midnight_utc
    # Midnight comes sooner in Nairobi (UTC+3) than in UTC.
    assert pagecache.fresh_until(now, ["Africa/Nairobi"], [past]) == midnight_utc - timedelta(
        hours=3
    )


def test_services_record_interview_shows_on_today(client, owner):
    client.get("/")
    services.record_interview(owner, interview_input(company="Baobab Bank"))
    assert "Baobab Bank" in client.get("/").content.decode()
