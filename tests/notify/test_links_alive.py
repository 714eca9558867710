"""Every link a reminder carries opens a page that exists: each URL in a rendered digest (text
and HTML), in push texts (due and reply) and in the calendar feed (event URLs and the links in
descriptions) is fetched with a signed-in client and answers 200, after its redirects."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client

from followup.core import services
from followup.core.site import site_url
from followup.notify import digest, feed, push
from followup.notify import services as notify
from followup.notify.models import Delivery, NotifyChannel

from .conftest import at

URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture
def busy_week(owner, record_interview):
    """Overdue, due today, a reply, an interview tomorrow, a careers-page check, a paused
    channel: something in every section that carries a link."""
    first = record_interview(check_website=True)  # Tue 9 Dec; the check-in is due Mon 15 Dec
    record_interview(
        company="Baobab Capital",
        role="Analyst",
        start="2025-12-16 11:00",  # tomorrow, for the digest of Mon 15 Dec
        interviewers=["Sarah Mitchell <sarah@baobab.example>"],
        promised="",
    )
    other = record_interview(
        company="Acme",
        role="Designer",
        start="2025-12-10 09:00",
        interviewers=["Daniel Ortiz <daniel@acme.example>"],
        promised="",
    )
    acme_thanks = next(fu for fu in other.follow_ups if fu.kind == "thank_you")
    services.record_reply(owner, acme_thanks.pk, at=at("2025-12-14 18:00"))
    NotifyChannel.objects.create(
        owner=owner,
        label="Phone",
        scheme="json",
        url_encrypted="-",
        url_fingerprint="-",
        paused=True,
        paused_at=at("2025-12-14 20:00"),
        last_error="the service said 401",
    )
    return first.follow_ups + other.follow_ups


def digest_urls(owner) -> set[str]:
    composed = digest.compose(owner, at("2025-12-15 07:00"))
    assert composed.overdue and composed.due_today and composed.replies
    assert composed.interviews_tomorrow and composed.paused_channels
    return set(URL.findall(digest.render_text(composed))) | set(
        URL.findall(digest.render_html(composed))
    )


def push_urls(follow_ups) -> set[str]:
    texts = []
    for fu in follow_ups:
        for kind in (Delivery.Kind.DUE, Delivery.Kind.REPLY):
            title, body = push.message_for(Delivery(follow_up=fu, kind=kind))
            texts += [title, body]
    return set(URL.findall("\n".join(texts)))


def feed_urls(owner) -> set[str]:
    calendar = icalendar.Calendar.from_ical(feed.build_feed(owner, at("2025-12-15 07:00")))
    found = set()
    for event in calendar.walk("VEVENT"):
        if event.get("URL"):
            found.add(str(event["URL"]))
        found |= set(URL.findall(str(event.get("DESCRIPTION", ""))))
    found.add(notify.calendar_urls(owner)["https"])  # the feed's own address
    return found


def open_signed_in(client: Client, url: str) -> int:
    """GET a link as the signed-in person would open it; the final status."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == site_url(), url  # links point at this site
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return client.get(path, follow=True).status_code


def test_every_link_in_the_digest_opens_a_page(owner, busy_week):
    client = Client()
    client.force_login(owner)
    urls = digest_urls(owner)
    assert len(urls) >= 5
    dead = {url: status for url in sorted(urls) if (status := open_signed_in(client, url)) != 200}
    assert not dead, dead


def test_every_link_in_a_push_opens_a_page(owner, busy_week):
    client = Client()
    client.force_login(owner)
    urls = push_urls(busy_week)
    assert any(fu.kind == "careers_check" for fu in busy_week)  # one with nothing to write
    assert len(urls) == len({fu.pk for fu in busy_week})
    dead = {url: status for url in sorted(urls) if (status := open_signed_in(client, url)) != 200}
    assert not dead, dead


def test_every_link_in_the_calendar_feed_opens_a_page(owner, busy_week):
    client = Client()
    client.force_login(owner)
    urls = feed_urls(owner)
    assert len(urls) >= 5
    dead = {url: status for url in sorted(urls) if (status := open_signed_in(client, url)) != 200}
    assert not dead, dead


def test_a_careers_check_link_opens_the_application_not_an_editor(owner, busy_week):
    client = Client()
    client.force_login(owner)
    check = next(fu for fu in busy_week if fu.kind == "careers_check")
    response = client.get(f"/follow-ups/{check.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{check.application_id}/#fu-{check.pk}"


def test_someone_elses_follow_up_link_is_not_found(owner, busy_week, django_user_model):
    stranger = django_user_model.objects.create_user("stranger")
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/follow-ups/{busy_week[0].pk}/").status_code == 404


def test_links_follow_the_recorded_server_address(owner, busy_week, settings):
    from followup.core.site import record_site_url

    settings.SITE_URL = ""
    record_site_url("http://127.0.0.1:8765")
    assert all(url.startswith("http://127.0.0.1:8765/") for url in digest_urls(owner))
    settings.SITE_URL = "https://followup.example.org"
    assert all(url.startswith("https://followup.example.org/") for url in feed_urls(owner))
