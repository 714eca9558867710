"""The application page: plan, timeline, contacts, notes, self-assessment; set the outcome."""

import pytest

from followup.core.models import Application, FollowUp


@pytest.fixture
def assessed(owner, record_recent):
    return record_recent(
        confidence=4,
        went_well="Clear examples.",
        to_improve="Shorter answers.",
        commitments=["Send my portfolio by Tuesday"],
    )


def test_it_shows_the_plan_timeline_contacts_notes_and_self_assessment(client, assessed):
    html = client.get(f"/applications/{assessed.application.pk}/").content.decode()
    assert "Sales Executive" in html and "Savanna Mobile" in html
    assert 'id="plan"' in html and "Thank-you" in html and "Check-in" in html
    assert "Timeline" in html and "interview recorded" in html
    assert "Grace Achieng" in html and "recruiter" in html and "wanjiku@savanna.example" in html
    assert "Growing the SME data bundles in Kisumu." in html
    assert "How is the commission structured?" in html
    assert "Send my portfolio by Tuesday" in html
    assert (
        "Clear examples." in html
        and "Shorter answers." in html
        and 'aria-label="4 out of 5"' in html
    )


def test_setting_rejected_plans_the_rejection_reply(client, recorded):
    response = client.post(
        f"/applications/{recorded.application.pk}/outcome/", {"outcome": "rejected"}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Outcome set: rejected." in html
    assert "Reply to rejection" in html
    assert Application.objects.get(pk=recorded.application.pk).status == "rejected"
    assert not FollowUp.objects.filter(
        application=recorded.application, kind="check_in", status="planned"
    ).exists()


@pytest.mark.parametrize(
    "outcome,status",
    [
        ("offer", "offer"),
        ("accepted", "accepted"),
        ("withdrawn", "withdrawn"),
        ("next-round", "interviewing"),
    ],
)
def test_other_outcomes_change_the_plan(client, recorded, outcome, status):
    client.post(f"/applications/{recorded.application.pk}/outcome/", {"outcome": outcome})
    assert Application.objects.get(pk=recorded.application.pk).status == status


def test_an_unknown_outcome_is_an_error_next_to_the_field(client, recorded):
    response = client.post(
        f"/applications/{recorded.application.pk}/outcome/", {"outcome": "hired-by-aliens"}
    )
    assert response.status_code == 400
    assert 'id="id_outcome-error"' in response.content.decode()
    assert Application.objects.get(pk=recorded.application.pk).status == "interviewing"


def test_it_checks_ownership(client, someone_elses):
    theirs = someone_elses.application.pk
    assert client.get(f"/applications/{theirs}/").status_code == 404
    assert (
        client.post(f"/applications/{theirs}/outcome/", {"outcome": "rejected"}).status_code == 404
    )
    assert Application.objects.get(pk=theirs).status == "interviewing"
    assert client.get("/applications/999999/").status_code == 404


def test_it_enforces_csrf(csrf_client, recorded):
    assert (
        csrf_client.post(
            f"/applications/{recorded.application.pk}/outcome/", {"outcome": "rejected"}
        ).status_code
        == 403
    )
    assert Application.objects.get(pk=recorded.application.pk).status == "interviewing"


def test_it_escapes_notes(client, owner, record_recent):
    recorded = record_recent(notes="<img src=x onerror=alert(1)>")
    html = client.get(f"/applications/{recorded.application.pk}/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_absurd_id_is_404_not_an_error(client, owner):
    huge = "9" * 25
    assert client.get(f"/applications/{huge}/").status_code == 404
    assert client.get(f"/follow-ups/{huge}/draft/").status_code == 404
    assert client.get(f"/interviews/new/?application={huge}").status_code == 404


def test_they_replied_is_offered_only_on_follow_ups_that_were_sent(client, owner, recorded):
    from followup.core import services

    sent, planned = recorded.follow_ups[0], recorded.follow_ups[1]
    services.mark_sent(owner, sent.pk)
    html = client.get(f"/applications/{recorded.application.pk}/").content.decode()
    row_of = {
        fu.pk: html[html.index(f'id="fu-{fu.pk}"') :].split("</li>", 1)[0] for fu in (sent, planned)
    }
    assert "They replied" in row_of[sent.pk]
    assert "They replied" not in row_of[planned.pk]
