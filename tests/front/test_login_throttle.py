"""Hosted sign-in is throttled (django-axes): after FOLLOWUP_LOGIN_FAILURE_LIMIT wrong passwords
for a user name, sign-in for that name is refused with a message beside the form, even with the
right password, until the pause is over. Local token sign-in is untouched."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from followup.front import auth

PASSWORD = "a long pass phrase"


@pytest.fixture
def hosted(settings, django_user_model):
    settings.HOSTED = True
    settings.AXES_FAILURE_LIMIT = 5
    from followup.core.models import Profile

    for name, full_name in (("wanjiru", "Wanjiru Kamau"), ("otieno", "Otieno Odhiambo")):
        user = django_user_model.objects.create_user(name, password=PASSWORD)
        # Named, so Today opens at once (a nameless new user is shown the first-run set-up).
        Profile.objects.update_or_create(user=user, defaults={"full_name": full_name})
    return settings


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_five_wrong_passwords_pause_sign_in_for_that_name(hosted):
    browser = Client()
    for _ in range(4):
        wrong = sign_in(browser, "wanjiru", "nope")
        assert wrong.status_code == 200
        assert b"Too many failed sign-ins" not in wrong.content
    fifth = sign_in(browser, "wanjiru", "nope")
    assert fifth.status_code == 429

    refused = sign_in(browser, "wanjiru", PASSWORD)  # the right password, too late
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed sign-ins for this user name" in page
    assert "15 minutes" in page
    assert '<form method="post"' in page and 'value="wanjiru"' in page  # the form, name kept
    assert browser.get("/").status_code == 302  # not signed in

    # Another name is not affected.
    other = Client()
    assert sign_in(other, "otieno", PASSWORD).status_code == 302
    assert other.get("/").status_code == 200


def test_after_the_pause_the_right_password_works_again(hosted):
    browser = Client()
    for _ in range(5):
        sign_in(browser, "wanjiru", "nope")
    assert sign_in(browser, "wanjiru", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert sign_in(browser, "wanjiru", PASSWORD).status_code == 302
        assert browser.get("/").status_code == 200


def test_a_success_resets_the_count(hosted):
    browser = Client()
    for _ in range(4):
        sign_in(browser, "wanjiru", "nope")
    assert sign_in(browser, "wanjiru", PASSWORD).status_code == 302
    browser.post("/logout/")
    for _ in range(4):
        assert sign_in(browser, "wanjiru", "nope").status_code == 200
    assert sign_in(browser, "wanjiru", PASSWORD).status_code == 302


def test_the_limit_is_a_setting(hosted):
    hosted.AXES_FAILURE_LIMIT = 2
    browser = Client()
    sign_in(browser, "wanjiru", "nope")
    sign_in(browser, "wanjiru", "nope")
    assert sign_in(browser, "wanjiru", PASSWORD).status_code == 429


def test_local_token_sign_in_still_works(owner):
    browser = Client()
    response = browser.get(f"/login/?token={auth.issue_token()}")
    assert response.status_code == 302
    assert browser.get("/").status_code == 200


def test_hosted_a_token_link_never_signs_in_as_a_local_user(hosted, django_user_model):
    browser = Client()
    page = browser.get(f"/login/?token={auth.issue_token()}")
    assert page.status_code == 200 and b'name="password"' in page.content
    assert browser.get("/").status_code == 302
    assert not django_user_model.objects.filter(username="local").exists()
