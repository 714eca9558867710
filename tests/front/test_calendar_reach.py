"""The Notifications page says plainly when the calendar feed only works on this computer."""

from __future__ import annotations


def test_a_loopback_feed_says_it_works_only_on_this_computer(client, settings):
    settings.SITE_URL = ""
    html = client.get("/settings/notifications/").content.decode()
    assert 'id="calendar-reach"' in html and "followup calendar export FILE" in html


def test_a_reachable_feed_has_no_such_note(client, settings):
    settings.SITE_URL = "https://followup.example.org"
    html = client.get("/settings/notifications/").content.decode()
    assert "webcal://followup.example.org/calendar/" in html
    assert 'id="calendar-reach"' not in html
