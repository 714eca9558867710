"""Local sign-in with the one-time token printed by `followup serve`."""

import pytest
from django.test import Client

from followup.front import auth


@pytest.fixture
def anonymous(owner):
    return Client()


def test_the_token_link_signs_in_and_lands_on_today_without_the_token(anonymous):
    token = auth.issue_token()
    response = anonymous.get(f"/login/?token={token}")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert token not in response["Location"]
    today = anonymous.get("/")
    assert today.status_code == 200
    assert b"Today" in today.content


def test_a_token_works_only_once(anonymous):
    token = auth.issue_token()
    anonymous.get(f"/login/?token={token}")
    stranger = Client()
    response = stranger.get(f"/login/?token={token}")
    assert response.status_code == 403
    assert b"no longer works" in response.content
    assert stranger.get("/").status_code == 302


def test_a_made_up_token_is_refused(anonymous):
    response = anonymous.get("/login/?token=not-a-real-token")
    assert response.status_code == 403
    assert anonymous.get("/").status_code == 302


def test_a_used_link_opened_again_in_the_signed_in_browser_just_goes_to_today(anonymous):
    token = auth.issue_token()
    anonymous.get(f"/login/?token={token}")
    response = anonymous.get(f"/login/?token={token}")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_expired_token_is_refused(anonymous):
    token = auth.issue_token(lifetime=-1)
    assert anonymous.get(f"/login/?token={token}").status_code == 403


def test_it_follows_a_safe_next_url_only(anonymous):
    response = anonymous.get(f"/login/?token={auth.issue_token()}&next=/pipeline/")
    assert response["Location"] == "/pipeline/"
    response = Client().get(f"/login/?token={auth.issue_token()}&next=https://evil.example/")
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["abc", "today", "//evil.example/", "javascript:alert(1)"])
def test_a_next_that_is_not_a_path_here_lands_on_today(anonymous, target):
    response = anonymous.get(f"/login/?token={auth.issue_token()}&next={target}")
    assert response.status_code == 302 and response["Location"] == "/"
    signed_in = anonymous.get(f"/login/?next={target}")  # already signed in
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


def test_pages_send_strangers_to_the_sign_in_page(anonymous):
    response = anonymous.get("/pipeline/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/pipeline/")
    page = anonymous.get("/login/")
    assert page.status_code == 200
    assert b"Open your sign-in link" in page.content


def test_hosted_mode_asks_for_a_password_and_ignores_tokens(anonymous, settings, django_user_model):
    settings.HOSTED = True
    django_user_model.objects.create_user("wanjiru", password="a long pass phrase")
    assert anonymous.get(f"/login/?token={auth.issue_token()}").status_code == 200
    assert anonymous.get("/").status_code == 302
    wrong = anonymous.post("/login/", {"username": "wanjiru", "password": "nope"})
    assert wrong.status_code == 200
    assert b'value="wanjiru"' in wrong.content  # keeps what was typed
    right = anonymous.post("/login/", {"username": "wanjiru", "password": "a long pass phrase"})
    assert right.status_code == 302
    # Signed in: a new account is shown the first-run set-up before Today.
    assert anonymous.get("/")["Location"] == "/set-up/"


def test_it_enforces_csrf_on_sign_out(owner):
    c = Client(enforce_csrf_checks=True)
    c.force_login(owner)
    assert c.post("/logout/").status_code == 403
    assert c.get("/").status_code == 200


def test_sign_out_ends_the_session(client):
    response = client.post("/logout/")
    assert response.status_code == 200
    assert b"signed out" in response.content
    assert client.get("/").status_code == 302


def test_log_lines_never_show_a_token():
    line = "GET /login/?token=abc123-_XYZ&next=/ HTTP/1.1"
    assert auth.redact(line) == "GET /login/?token=[redacted]&next=/ HTTP/1.1"
