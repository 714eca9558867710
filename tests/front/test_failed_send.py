"""A send that failed shows on Today and on the Draft page with its error, with Retry and
Un-approve (plain forms: they work without JavaScript)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.models import Contact, FollowUp


def fail(owner, fu, error="550 5.1.1 No such user here"):
    services.approve(owner, fu.pk, send_now=True)
    FollowUp.objects.filter(pk=fu.pk).update(status="failed", attempts=3, last_error=error)
    fu.refresh_from_db()
    return fu


@pytest.fixture
def failed(owner, thank_you):
    return fail(owner, thank_you)


def test_today_shows_a_failed_send_at_the_top_with_its_error(client, failed):
    html = client.get("/").content.decode()
    assert 'id="h-attention"' in html and "Needs attention" in html
    assert re.findall(r"today-section section-(\w+)", html)[0] == "attention"
    assert "550 5.1.1 No such user here" in html
    assert f'action="/follow-ups/{failed.pk}/retry/"' in html
    assert f'formaction="/follow-ups/{failed.pk}/unapprove/"' in html


def test_today_without_failures_has_no_attention_section(client, thank_you):
    assert "Needs attention" not in client.get("/").content.decode()


def test_the_draft_page_shows_the_error_with_retry_and_unapprove(client, failed):
    html = client.get(f"/follow-ups/{failed.pk}/draft/").content.decode()
    assert "This was not sent" in html and "550 5.1.1 No such user here" in html
    assert f'action="/follow-ups/{failed.pk}/retry/"' in html and "Un-approve" in html


def test_retry_puts_it_back_in_the_outbox_and_returns_where_it_was(client, failed):
    response = client.post(f"/follow-ups/{failed.pk}/retry/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("approved", 0, "")
    page = client.get("/").content.decode()
    assert "Needs attention" not in page
    assert "no mail account to send it from" in page  # approving honestly, again


def test_retry_of_a_bounced_address_says_why_and_changes_nothing(client, failed):
    Contact.objects.filter(pk=failed.recipient_id).update(bounced_at=timezone.now())
    response = client.post(f"/follow-ups/{failed.pk}/retry/", follow=True)
    assert response.status_code == 200
    assert "correct the contact&#x27;s address first" in response.content.decode()
    assert FollowUp.objects.get(pk=failed.pk).status == "failed"


def test_unapprove_takes_it_back_to_planned(client, failed):
    response = client.post(f"/follow-ups/{failed.pk}/unapprove/", follow=True)
    assert response.status_code == 200 and "No longer approved" in response.content.decode()
    assert FollowUp.objects.get(pk=failed.pk).status == "planned"


def test_someone_elses_follow_up_is_not_found(client, someone_elses):
    fu = someone_elses.follow_ups[0]
    fail(fu.owner, fu)
    assert client.post(f"/follow-ups/{fu.pk}/retry/").status_code == 404
    assert client.post(f"/follow-ups/{fu.pk}/unapprove/").status_code == 404
    assert "Needs attention" not in client.get("/").content.decode()
    assert FollowUp.objects.get(pk=fu.pk).status == "failed"


def test_retry_needs_a_post_with_csrf(csrf_client, failed):
    assert csrf_client.get(f"/follow-ups/{failed.pk}/retry/").status_code == 405
    assert csrf_client.post(f"/follow-ups/{failed.pk}/retry/").status_code == 403
    assert FollowUp.objects.get(pk=failed.pk).status == "failed"


def test_an_approved_send_waiting_after_an_error_shows_once_under_needs_attention(
    client, owner, time_machine, record_recent
):
    # A Tuesday afternoon: the thank-you is due today, in a section of its own.
    time_machine.move_to(datetime(2026, 12, 1, 14, 0, tzinfo=ZoneInfo("Africa/Nairobi")))
    thank_you = next(fu for fu in record_recent().follow_ups if fu.kind == "thank_you")
    services.approve(owner, thank_you.pk, send_now=True)
    FollowUp.objects.filter(pk=thank_you.pk).update(
        attempts=1, last_error="421 4.7.0 Try again later", next_attempt_at=timezone.now()
    )
    html = client.get("/").content.decode()
    assert "Needs attention" in html and "421 4.7.0 Try again later" in html
    assert f"attention-{thank_you.pk}" in html
    assert f'id="fu-{thank_you.pk}"' not in html  # not again in its due section
