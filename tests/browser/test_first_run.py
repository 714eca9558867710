"""First use in a real browser: the first visit asks name, signature, time zone and country,
suggested from this computer and the browser; saving lands on Today, the next visit goes
straight there, and the drafts sign with the name given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from followup.core import services
from followup.core.queries import get_local_user
from followup.core.services import profile as profile_service
from tests.conftest import DEFAULT_INTERVIEW

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def new_user(database, monkeypatch):
    """The local user as a first start leaves them, on a server set to UTC: the zone then comes
    from the browser (its context is in Africa/Nairobi, tests/browser/conftest.py)."""
    monkeypatch.setattr(profile_service, "local_zone_name", lambda *_: "Etc/UTC")
    user = get_local_user()
    profile = user.followup_profile
    profile.time_zone, profile.country = "UTC", "US"
    profile.save()
    return user


def test_the_first_visit_sets_up_name_and_place_then_today_and_drafts_follow(
    context, web, new_user
):
    tab = context.new_page()
    tab.goto(web.sign_in_url)
    expect(tab).to_have_url(f"{web.base_url}/set-up/")
    expect(tab.get_by_role("heading", name="Welcome to followup")).to_be_visible()
    # The browser's zone fills the empty field, and the zone's country follows.
    expect(tab.get_by_label("Your time zone")).to_have_value("Africa/Nairobi")
    expect(tab.get_by_label("Your country")).to_have_value("KE")

    tab.get_by_role("button", name="Save and continue").click()
    name = tab.get_by_label("Your name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(tab.locator("#id_full_name-error")).to_contain_text("every draft is signed with it")

    name.fill("Amina Njeri")
    tab.get_by_label("Signature").fill("Amina Njeri\n+254 700 000 000")
    tab.get_by_role("button", name="Save and continue").click()
    expect(tab).to_have_url(f"{web.base_url}/")
    expect(tab.get_by_role("heading", name="Today", level=1)).to_be_visible()

    tab.goto(f"{web.base_url}/")
    expect(tab).to_have_url(f"{web.base_url}/")  # asked once only

    recorded = services.record_interview(
        get_local_user(), services.InterviewInput(**DEFAULT_INTERVIEW)
    )
    thank_you = recorded.follow_ups[0]
    tab.goto(f"{web.base_url}/follow-ups/{thank_you.pk}/")  # the reminders' link
    expect(tab).to_have_url(f"{web.base_url}/follow-ups/{thank_you.pk}/draft/")
    body = tab.get_by_label("Message", exact=True).input_value()
    assert body.rstrip().endswith("Amina Njeri\n+254 700 000 000"), body
    assert "local" not in body.split()


def test_skip_for_now_goes_to_today_and_is_not_asked_again(context, web, new_user):
    tab = context.new_page()
    tab.goto(web.sign_in_url)
    tab.get_by_role("button", name="Skip for now").click()
    expect(tab).to_have_url(f"{web.base_url}/")
    tab.goto(f"{web.base_url}/")
    expect(tab.get_by_role("heading", name="Today", level=1)).to_be_visible()


@pytest.mark.skipif(
    os.environ.get("FOLLOWUP_SCREENSHOTS") != "1",
    reason="set FOLLOWUP_SCREENSHOTS=1 to refresh docs/screenshots",
)
def test_take_the_readme_screenshot_of_the_set_up(browser, web, new_user):
    desktop = browser.new_context(
        viewport={"width": 1280, "height": 860}, locale="en-GB", timezone_id="Africa/Nairobi"
    )
    try:
        tab = desktop.new_page()
        tab.goto(web.sign_in_url)
        expect(tab.get_by_label("Your country")).to_have_value("KE")
        tab.get_by_label("Your name").fill("Amina Njeri")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "set-up.png"), full_page=True)
    finally:
        desktop.close()
    assert (SCREENSHOTS / "set-up.png").stat().st_size > 10_000
