"""The notifications settings page: push channels, the digest hour, the calendar feed and the
invitations found in mail, proposed for one-click confirmation."""

import json
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import Client

from followup.core import invitation_import
from followup.core.models import Interview, Profile
from followup.notify import services as notify
from followup.notify.models import InvitationProposal, NotifyChannel

from .test_settings_mail import free_port

INVITES = Path(__file__).resolve().parent.parent / "invitations" / "samples"


@pytest.fixture
def receiver():
    """A local HTTP server taking Apprise json:// posts."""
    posts = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            posts.append(json.loads(self.rfile.read(length) or b"{}"))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_address[1]}/hook", posts
    server.shutdown()
    server.server_close()


def test_it_shows_the_page_with_the_calendar_feed(client, owner):
    response = client.get("/settings/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    token = Profile.objects.get(user=owner).calendar_token
    assert f"webcal://127.0.0.1:8000/calendar/{token}.ics" in html
    assert 'name="url"' in html and 'name="hour"' in html
    assert "Regenerate (revokes the old one)" in html


def test_it_adds_a_channel_tests_it_and_never_shows_the_url_back(client, owner, receiver):
    url, posts = receiver
    secret_url = url.replace("json://", "json://bob:s3cretpassw0rd@")
    response = client.post("/settings/notifications/", {"url": secret_url, "label": "My hook"})
    assert response.status_code == 302
    channel = NotifyChannel.objects.get(owner=owner)
    html = client.get("/settings/notifications/").content.decode()
    assert "My hook" in html and "json://" in html
    assert "s3cretpassw0rd" not in html and url.split("://")[1] not in html

    response = client.post(
        f"/settings/notifications/channels/{channel.pk}/", {"action": "test"}, follow=True
    )
    assert "Test sent to My hook." in response.content.decode()
    assert [p["title"] for p in posts] == ["followup: test notification"]

    client.post(f"/settings/notifications/channels/{channel.pk}/", {"action": "remove"})
    assert not NotifyChannel.objects.filter(owner=owner).exists()


def test_a_failing_test_shows_the_error_and_the_paused_state_is_shown(client, owner):
    channel = notify.add_channel(owner, f"json://127.0.0.1:{free_port()}/hook", "Dead hook")
    response = client.post(
        f"/settings/notifications/channels/{channel.pk}/", {"action": "test"}, follow=True
    )
    html = response.content.decode()
    assert "Test to Dead hook failed" in html
    assert "Last error:" in html
    NotifyChannel.objects.filter(pk=channel.pk).update(paused=True)
    html = client.get("/settings/notifications/").content.decode()
    assert "paused" in html and 'value="resume"' in html
    client.post(f"/settings/notifications/channels/{channel.pk}/", {"action": "resume"})
    assert not NotifyChannel.objects.get(pk=channel.pk).paused


def test_it_keeps_what_was_typed_and_shows_the_error_next_to_the_field(client, owner):
    response = client.post(
        "/settings/notifications/", {"url": "nosuchservice://abc", "label": "Typed label"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_url-error"' in html and "not a service Apprise knows" in html
    assert 'value="nosuchservice://abc"' in html and 'value="Typed label"' in html
    assert not NotifyChannel.objects.exists()


def test_it_sets_and_turns_off_the_digest_hour(client, owner):
    assert client.post("/settings/notifications/digest/", {"hour": "7"}).status_code == 302
    assert Profile.objects.get(user=owner).digest_hour == 7
    html = client.get("/settings/notifications/").content.decode()
    assert '<option value="7" selected>07:00</option>' in html
    client.post("/settings/notifications/digest/", {"hour": "off"})
    assert Profile.objects.get(user=owner).digest_hour is None
    response = client.post("/settings/notifications/digest/", {"hour": "24"})
    assert response.status_code == 400
    assert 'id="id_hour-error"' in response.content.decode()


def test_regenerating_the_calendar_address_revokes_the_old_one(client, owner):
    old = notify.calendar_token(owner)
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    assert client.post("/settings/notifications/calendar/").status_code == 302
    new = Profile.objects.get(user=owner).calendar_token
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert new in client.get("/settings/notifications/").content.decode()


def invitation_found_in_mail(owner, message_id):
    """A message with the Google sample invitation attached, as the poller hands it over."""
    message = EmailMessage()
    message["Subject"] = "Invitation"
    message.set_content("See the invitation.")
    message.add_attachment(
        (INVITES / "google_request.ics").read_bytes(),
        maintype="text",
        subtype="calendar",
        filename="invite.ics",
    )
    (proposal,) = invitation_import.propose_from_message(owner, message, message_id)
    return proposal


def test_an_invitation_found_in_mail_is_confirmed_in_one_click(client, owner):
    proposal = invitation_found_in_mail(owner, "<m1@example.com>")
    html = client.get("/settings/notifications/").content.decode()
    assert "Invitations found in your mail" in html and "Sales Executive" in html
    response = client.post(f"/settings/invitations/{proposal.pk}/", {"action": "confirm"})
    interview = Interview.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{interview.application_id}/#plan"
    proposal.refresh_from_db()
    assert proposal.status == InvitationProposal.Status.APPLIED
    assert (
        "Invitations found in your mail"
        not in client.get("/settings/notifications/").content.decode()
    )


def test_it_checks_ownership(client, owner, django_user_model):
    other = django_user_model.objects.create(username="other")
    channel = notify.add_channel(other, "ntfys://someone-elses-topic", "Theirs")
    proposal = InvitationProposal.objects.create(
        owner=other, uid="x@example.com", method="REQUEST", summary="Their interview", ics="x"
    )
    html = client.get("/settings/notifications/").content.decode()
    assert "Theirs" not in html and "Their interview" not in html
    for action in ("test", "remove", "resume"):
        response = client.post(
            f"/settings/notifications/channels/{channel.pk}/", {"action": action}
        )
        assert response.status_code == 404
    assert (
        client.post(f"/settings/invitations/{proposal.pk}/", {"action": "dismiss"}).status_code
        == 404
    )
    assert NotifyChannel.objects.filter(pk=channel.pk).exists()
    proposal.refresh_from_db()
    assert proposal.status == InvitationProposal.Status.PENDING


def test_it_requires_login(db):
    anonymous = Client()
    assert "/login/" in anonymous.get("/settings/notifications/")["Location"]
    for url in (
        "/settings/notifications/",
        "/settings/notifications/digest/",
        "/settings/notifications/calendar/",
    ):
        response = anonymous.post(url, {"url": "ntfys://topic", "hour": "7"})
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not NotifyChannel.objects.exists()


def test_it_enforces_csrf(csrf_client, owner):
    token = notify.calendar_token(owner)
    assert csrf_client.post("/settings/notifications/", {"url": "ntfys://topic"}).status_code == 403
    assert csrf_client.post("/settings/notifications/digest/", {"hour": "7"}).status_code == 403
    assert csrf_client.post("/settings/notifications/calendar/").status_code == 403
    assert not NotifyChannel.objects.exists()
    channel = notify.add_channel(owner, "ntfys://my-topic")
    for action in ("test", "remove", "resume"):
        url = f"/settings/notifications/channels/{channel.pk}/"
        assert csrf_client.post(url, {"action": action}).status_code == 403
    assert NotifyChannel.objects.filter(pk=channel.pk).exists()
    profile = Profile.objects.get(user=owner)
    assert profile.digest_hour is None and profile.calendar_token == token


def test_confirming_an_invitation_enforces_csrf(csrf_client, owner):
    proposal = invitation_found_in_mail(owner, "<m2@example.com>")
    for action in ("confirm", "dismiss"):
        response = csrf_client.post(f"/settings/invitations/{proposal.pk}/", {"action": action})
        assert response.status_code == 403
    assert not Interview.objects.filter(owner=owner).exists()
