"""Sessions and the signed-in user, read with one plain SELECT each (followup.front.sessions and
followup.front.backends): they must refuse exactly what Django's own store and backend refuse."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def signed_in(owner):
    c = Client()
    c.force_login(owner)
    return c


def test_a_signed_in_page_reads_the_session_and_the_user_once_each(owner):
    browser = signed_in(owner)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/").status_code == 200
    sql = [q["sql"] for q in queries]
    assert sum("django_session" in s for s in sql) == 1
    assert sum('FROM "auth_user"' in s for s in sql) == 1


def test_the_user_is_loaded_whole(owner):
    browser = signed_in(owner)
    response = browser.get("/")
    user = response.wsgi_request.user
    assert user.pk == owner.pk and user.username == owner.username
    assert user.date_joined == owner.date_joined  # a datetime, as the ORM gives it
    assert user.is_active is True


def test_signing_out_ends_the_session(owner):
    browser = signed_in(owner)
    browser.post("/logout/")
    response = browser.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_expired_session_signs_nobody_in(owner):
    browser = signed_in(owner)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert browser.get("/").status_code == 302


def test_a_tampered_session_signs_nobody_in(owner):
    browser = signed_in(owner)
    Session.objects.update(session_data="not-a-signed-session")
    assert browser.get("/").status_code == 302


def test_a_new_password_ends_the_other_sessions(owner):
    browser = signed_in(owner)
    owner.set_password("a brand new passphrase")
    owner.save()
    assert browser.get("/").status_code == 302


def test_a_deactivated_user_is_signed_out(owner):
    browser = signed_in(owner)
    owner.is_active = False
    owner.save()
    assert browser.get("/").status_code == 302


def test_a_deleted_user_is_signed_out(owner):
    browser = signed_in(owner)
    type(owner).objects.filter(pk=owner.pk).delete()
    assert browser.get("/").status_code == 302
