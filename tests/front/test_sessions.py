"""Signing in lasts until it should not: Django's own session store and ModelBackend end it
when you sign out, when it expires or is tampered with, and when the account changes."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone


def signed_in(owner):
    c = Client()
    c.force_login(owner)
    return c


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
