"""The first-run set-up page with Django's test client: who is sent there, what it suggests,
what saving and skipping do, and errors next to their field (never a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

from followup.core.queries import get_local_user
from followup.core.services import profile as profile_service


@pytest.fixture
def new_user(database):
    """The local user as a first start leaves them: no name, never set up, a machine on UTC."""
    user = get_local_user()
    profile = user.followup_profile
    profile.time_zone, profile.country = "UTC", "US"
    profile.save()
    return user


@pytest.fixture
def new_client(new_user):
    c = Client()
    c.force_login(new_user)
    return c


@pytest.fixture
def machine_in(monkeypatch):
    """machine_in(zone): this computer's zone, as the set-up reads it."""

    def place(name: str) -> None:
        monkeypatch.setattr(profile_service, "local_zone_name", lambda *_: name)

    return place


ANSWERS = {
    "full_name": "Amina Njeri",
    "signature": "Amina Njeri\n+254 700 000 000",
    "time_zone": "Africa/Nairobi",
    "country": "KE",
    "action": "save",
}


def test_a_new_user_opening_today_is_shown_the_set_up(new_client, machine_in):
    machine_in("UTC")
    response = new_client.get("/")
    assert response.status_code == 302 and response["Location"] == "/set-up/"


def test_someone_with_a_name_goes_straight_to_today(client, owner):
    assert client.get("/").status_code == 200


def test_other_pages_and_fragments_are_not_redirected(new_client):
    assert new_client.get("/pipeline/").status_code == 200
    assert new_client.get("/?more=overdue", HTTP_HX_REQUEST="true").status_code == 200


def test_the_set_up_suggests_this_computers_zone_and_its_country(new_client, machine_in):
    machine_in("Europe/Paris")
    form = new_client.get("/set-up/").context["form"]
    assert form["time_zone"].value() == "Europe/Paris"
    assert form["country"].value() == "FR"


def test_a_machine_on_utc_leaves_the_zone_to_the_browser(new_client, machine_in):
    machine_in("Etc/UTC")
    response = new_client.get("/set-up/")
    form = response.context["form"]
    assert form["time_zone"].value() in ("", None) and form["country"].value() in ("", None)
    html = response.content.decode()
    assert "data-suggest-zone" in html and 'id="zone-country"' in html
    assert '"Africa/Nairobi": "KE"' in html  # the browser's zone → country, from zone.tab


def test_saving_stores_the_answers_and_lands_on_today(new_client, new_user):
    response = new_client.post("/set-up/", ANSWERS)
    assert response.status_code == 302 and response["Location"] == "/"
    profile = get_local_user().followup_profile
    assert (profile.full_name, profile.signature) == (ANSWERS["full_name"], ANSWERS["signature"])
    assert (profile.time_zone, profile.country) == ("Africa/Nairobi", "KE")
    assert profile.set_up_at is not None
    assert new_client.get("/").status_code == 200


def test_skip_for_now_is_not_asked_again(new_client):
    response = new_client.post("/set-up/", {"action": "skip", "full_name": ""})
    assert response.status_code == 302 and response["Location"] == "/"
    profile = get_local_user().followup_profile
    assert profile.set_up_at is not None and profile.full_name == ""
    assert new_client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "every draft is signed with it"),
        ("full_name", "Amina\nBcc: x@example.com", "single line"),
        ("time_zone", "Mars/Olympus", "unknown time zone"),
        ("time_zone", "", "is needed, like Africa/Nairobi"),
        ("country", "", "is needed"),
        ("country", "ZZ", "not one of the available choices"),
        ("signature", "x" * 1001, "longer than 1000"),
    ],
)
def test_a_bad_answer_is_shown_next_to_its_field_and_nothing_is_saved(
    new_client, field, value, message
):
    response = new_client.post("/set-up/", {**ANSWERS, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and message in html
    assert 'aria-describedby="id_' in html and 'aria-invalid="true"' in html
    profile = get_local_user().followup_profile
    assert profile.set_up_at is None and profile.full_name == ""


def test_next_is_kept_when_it_is_a_path_here_only(new_client):
    kept = new_client.post("/set-up/?next=/pipeline/", ANSWERS)
    assert kept["Location"] == "/pipeline/"


def test_an_outside_next_goes_to_today(new_client):
    response = new_client.post("/set-up/?next=https://evil.example/", ANSWERS)
    assert response["Location"] == "/"


def test_the_set_up_needs_a_signed_in_user(database):
    response = Client().get("/set-up/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
