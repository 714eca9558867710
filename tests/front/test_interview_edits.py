"""The edit pages: an interview's edit form, deleting it with a confirmation and an Undo, and the
Draft page's "Move to another time" and delete with Undo (Django's test client)."""

import re
from datetime import timedelta

from django.utils import timezone

from followup.core.models import Event, FollowUp, Interview
from followup.lib.vocabulary import zone

NAIROBI = zone("Africa/Nairobi")


def edit_data(interview, **overrides):
    local = interview.start.astimezone(NAIROBI)
    data = {
        "start": local.strftime("%Y-%m-%dT%H:%M"),
        "duration": 60,
        "tz": "Africa/Nairobi",
        "format": "video",
        "round_name": interview.round_name,
        "interviewers": [f"{c.name} <{c.email}>" for c in interview.interviewers.all()],
        "promised": interview.promised_phrase,
        "notes": interview.notes,
        "commitments": "",
        "unasked": interview.unasked_questions,
    }
    data.update(overrides)
    return data


def test_the_application_page_links_to_edit_and_delete_each_interview(client, recorded):
    html = client.get(f"/applications/{recorded.application.pk}/").content.decode()
    assert f'href="/interviews/{recorded.interview.pk}/edit/"' in html
    assert f'href="/interviews/{recorded.interview.pk}/delete/"' in html


def test_the_edit_form_shows_what_was_recorded(client, recorded):
    html = client.get(f"/interviews/{recorded.interview.pk}/edit/").content.decode()
    assert 'value="Wanjiku Kamau &lt;wanjiku@savanna.example&gt;"' in html
    assert "we&#x27;ll get back to you within two weeks" in html
    assert 'name="start"' in html and 'type="datetime-local"' in html


def test_saving_a_new_time_moves_the_plan(client, recorded):
    interview = recorded.interview
    thank_you = FollowUp.objects.get(application=recorded.application, kind="thank_you")
    later = (interview.start + timedelta(days=7)).astimezone(NAIROBI)
    response = client.post(
        f"/interviews/{interview.pk}/edit/",
        edit_data(interview, start=later.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{recorded.application.pk}/#plan"
    moved = FollowUp.objects.get(pk=thank_you.pk)
    assert moved.due > thank_you.due
    assert Event.objects.filter(kind=Event.Kind.INTERVIEW_EDITED).exists()


def test_a_malformed_interviewer_is_an_error_next_to_the_field(client, recorded):
    before = list(Interview.objects.values())
    response = client.post(
        f"/interviews/{recorded.interview.pk}/edit/",
        edit_data(recorded.interview, interviewers=["Name name-at-x"]),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_interviewers-error"' in html and "has no email address" in html
    assert list(Interview.objects.values()) == before


def test_an_unknown_zone_is_an_error_next_to_the_field(client, recorded):
    response = client.post(
        f"/interviews/{recorded.interview.pk}/edit/",
        edit_data(recorded.interview, tz="Mars/Olympus"),
    )
    assert response.status_code == 400
    assert 'id="id_tz-error"' in response.content.decode()


def test_delete_asks_then_offers_undo(client, recorded):
    url = f"/interviews/{recorded.interview.pk}/delete/"
    confirm = client.get(url).content.decode()
    assert "Delete the first round interview?" in confirm
    assert Interview.objects.exists()
    response = client.post(url)
    assert response["Location"] == f"/interviews/{recorded.interview.pk}/deleted/"
    assert not Interview.objects.exists()
    page = client.get(response["Location"]).content.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', page).group(1)
    undone = client.post(f"/interviews/{recorded.interview.pk}/restore/", {"stamp": stamp})
    assert undone.status_code == 302
    assert Interview.objects.filter(pk=recorded.interview.pk).exists()


def test_an_undo_with_a_made_up_stamp_changes_nothing(client, recorded):
    client.post(f"/interviews/{recorded.interview.pk}/delete/")
    for stamp in ("yesterday", "2020-01-01T00:00:00+00:00"):
        client.post(f"/interviews/{recorded.interview.pk}/restore/", {"stamp": stamp})
    assert not Interview.objects.exists()


def test_another_users_interview_is_a_404(client, someone_elses):
    pk = someone_elses.interview.pk
    assert client.get(f"/interviews/{pk}/edit/").status_code == 404
    assert client.post(f"/interviews/{pk}/delete/").status_code == 404
    assert Interview.objects.filter(pk=pk).exists()


def test_the_draft_page_moves_a_follow_up_to_another_time(client, thank_you):
    html = client.get(f"/follow-ups/{thank_you.pk}/draft/").content.decode()
    assert "Move to another time" in html and 'name="move-at"' in html
    when = (
        (timezone.now() + timedelta(days=2))
        .astimezone(NAIROBI)
        .replace(hour=9, minute=30, second=0, microsecond=0)
    )
    response = client.post(
        f"/follow-ups/{thank_you.pk}/reschedule/", {"move-at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    thank_you.refresh_from_db()
    assert thank_you.due == when and thank_you.edited


def test_a_time_in_the_past_is_an_error_next_to_the_field(client, thank_you):
    response = client.post(
        f"/follow-ups/{thank_you.pk}/reschedule/", {"move-at": "2001-01-01T09:00"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_move-at-error"' in html and "is in the past" in html
    assert 'aria-describedby="id_move-at-error"' in html


def test_a_follow_up_is_deleted_and_undone(client, thank_you):
    assert (
        "Delete this thank-you?"
        in client.get(f"/follow-ups/{thank_you.pk}/delete/").content.decode()
    )
    response = client.post(f"/follow-ups/{thank_you.pk}/delete/")
    assert response["Location"] == f"/follow-ups/{thank_you.pk}/deleted/"
    assert not FollowUp.objects.filter(pk=thank_you.pk).exists()
    page = client.get(response["Location"]).content.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', page).group(1)
    client.post(f"/follow-ups/{thank_you.pk}/restore/", {"stamp": stamp})
    assert FollowUp.objects.filter(pk=thank_you.pk).exists()
