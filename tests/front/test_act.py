"""One-click actions on a follow-up: mark sent, done, skip, snooze, they replied, approve."""

from datetime import timedelta

import pytest

from followup.core.models import Event, FollowUp


def act(client, fu, action, **extra):
    return client.post(f"/follow-ups/{fu.pk}/act/", {"action": action, "place": "today"}, **extra)


def test_mark_sent_swaps_the_row_for_a_sent_one(client, thank_you, hx):
    response = act(client, thank_you, "sent", **hx)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<li") and f'id="fu-{thank_you.pk}"' in html
    assert "Marked sent." in html
    assert "Mark sent" not in html  # no more buttons on a closed row
    thank_you.refresh_from_db()
    assert thank_you.status == "sent" and thank_you.sent_at is not None


@pytest.mark.parametrize("action,status", [("done", "done"), ("skip", "skipped")])
def test_done_and_skip_close_the_follow_up(client, thank_you, action, status, hx):
    assert act(client, thank_you, action, **hx).status_code == 200
    thank_you.refresh_from_db()
    assert thank_you.status == status


@pytest.mark.parametrize("action,days", [("snooze-1", 1), ("snooze-3", 3), ("snooze-7", 7)])
def test_snooze_moves_the_due_date_to_a_later_business_day(client, thank_you, action, days, hx):
    before = thank_you.due
    html = act(client, thank_you, action, **hx).content.decode()
    assert "Snoozed to" in html
    thank_you.refresh_from_db()
    assert thank_you.due >= before + timedelta(days=days) - timedelta(hours=1)
    assert thank_you.status == "planned" and thank_you.edited


def test_they_replied_reloads_the_page_because_the_plan_changed(client, thank_you, hx):
    response = client.post(f"/follow-ups/{thank_you.pk}/act/", {"action": "replied"}, **hx)
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert FollowUp.objects.filter(
        application=thank_you.application, kind="check_in", status="cancelled"
    ).exists()


def test_approve_from_a_row(client, thank_you, hx):
    act(client, thank_you, "approve", **hx)
    thank_you.refresh_from_db()
    assert thank_you.status == "approved"


def test_without_javascript_it_redirects_back_with_a_message(client, thank_you):
    response = client.post(f"/follow-ups/{thank_you.pk}/act/", {"action": "done", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert "Marked done." in page.content.decode()


def test_an_unsafe_next_url_is_ignored(client, thank_you):
    response = client.post(
        f"/follow-ups/{thank_you.pk}/act/", {"action": "done", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/applications/{thank_you.application_id}/"


def test_acting_twice_explains_instead_of_failing(client, thank_you, hx):
    act(client, thank_you, "skip", **hx)
    response = act(client, thank_you, "done", **hx)
    assert response.status_code == 200
    assert "already skipped" in response.content.decode()


def test_an_unknown_action_is_an_error_message_not_a_500(client, thank_you, hx):
    response = act(client, thank_you, "explode", **hx)
    assert response.status_code == 200
    assert "unknown action" in response.content.decode()
    thank_you.refresh_from_db()
    assert thank_you.status == "planned"


def test_it_checks_ownership(client, someone_elses, hx):
    theirs = someone_elses.follow_ups[0]
    events = Event.objects.count()
    for action in ("sent", "done", "skip", "snooze-1", "replied", "approve"):
        assert act(client, theirs, action, **hx).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "planned"
    assert Event.objects.count() == events


def test_a_missing_id_is_404(client, owner):
    assert client.post("/follow-ups/999999/act/", {"action": "done"}).status_code == 404


def test_it_enforces_csrf(csrf_client, thank_you, hx):
    assert act(csrf_client, thank_you, "sent", **hx).status_code == 403
    thank_you.refresh_from_db()
    assert thank_you.status == "planned"


def test_it_only_accepts_post(client, thank_you):
    assert client.get(f"/follow-ups/{thank_you.pk}/act/").status_code == 405
