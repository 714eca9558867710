"""The Applications pages with Django's test client: list, search, Show more, add, edit,
archive, delete with Undo; errors next to the field, never a 500; bounded queries."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from followup.core import services
from followup.core.models import Application, Company, FollowUp

from .test_query_counts import populate, queries_for

NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture
def monday_morning(time_machine):
    time_machine.move_to(datetime(2025, 12, 1, 9, 0, tzinfo=NAIROBI))


def add(owner, **overrides):
    data = {"company": "Savanna Mobile", "role": "Sales Executive", **overrides}
    return services.add_application(owner, services.ApplicationInput(**data))


def test_adding_an_application_leads_to_its_page_with_the_check_in(client, owner, monday_morning):
    response = client.post(
        "/applications/new/",
        {
            "company": "Savanna Mobile",
            "role": "Sales Executive",
            "stage": "applied",
            "applied": "",
            "url": "https://savanna.example/jobs/12",
            "location": "Nairobi",
            "role_type": "standard",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Monday 1 December 2025" in page
    assert "Application check-in" in page
    assert f'href="/interviews/new/?application={application.pk}"' in page
    assert f'href="/applications/{application.pk}/edit/"' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"company": "", "role": "Buyer"}, "company", "is required"),
        ({"company": "Kilima", "role": "Buyer", "url": "kilima.example"}, "url", "not a web"),
        ({"company": "Kilima", "role": "Buyer", "applied": "2099-01-01"}, "applied", "future"),
        ({"company": "Kilima", "role": "Buyer", "stage": "offer"}, "stage", "Select a valid"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(client, owner, data, field, message):
    response = client.post(
        "/applications/new/", {"stage": "applied", "role_type": "standard", **data}
    )
    assert response.status_code == 400
    page = response.content.decode()
    error = page.split(f'id="id_{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'aria-describedby="' in page
    assert not Application.objects.exists()


def test_editing_shows_the_values_and_saves_the_changes(client, owner, monday_morning):
    application = add(owner)
    form = client.get(f"/applications/{application.pk}/edit/").content.decode()
    assert 'value="Savanna Mobile"' in form and 'value="2025-12-01"' in form
    response = client.post(
        f"/applications/{application.pk}/edit/",
        {**_initial(application), "role": "Senior Sales Executive", "stage": "interviewing"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.role_title, application.status) == (
        "Senior Sales Executive",
        "interviewing",
    )
    bad = client.post(
        f"/applications/{application.pk}/edit/", {**_initial(application), "role": ""}
    )
    assert bad.status_code == 400 and 'id="id_role-error"' in bad.content.decode()


def _initial(application):
    return {
        "company": application.company.name,
        "role": application.role_title,
        "stage": application.status,
        "applied": application.applied_on.isoformat() if application.applied_on else "",
        "role_type": application.role_type,
    }


def test_delete_confirms_then_offers_undo(client, owner, record_interview):
    application = record_interview().application
    confirm = client.get(f"/applications/{application.pk}/delete/")
    assert "Delete this application?" in confirm.content.decode()
    assert Application.objects.filter(pk=application.pk).exists()
    response = client.post(f"/applications/{application.pk}/delete/", follow=True)
    page = response.content.decode()
    assert "Deleted: Sales Executive at Savanna Mobile" in page
    assert f'action="/applications/{application.pk}/restore/"' in page
    assert not Application.objects.filter(pk=application.pk).exists()
    stamp = page.split('name="stamp" value="', 1)[1].split('"', 1)[0]
    restored = client.post(f"/applications/{application.pk}/restore/", {"stamp": stamp})
    assert restored.status_code == 302
    assert Application.objects.filter(pk=application.pk).exists()
    assert "Undo" not in client.get("/applications/").content.decode()  # shown once


def test_someone_elses_application_is_a_404(client, owner):
    stranger = get_user_model().objects.create(username="stranger")
    theirs = add(stranger)
    for url in ("edit/", "delete/"):
        assert client.get(f"/applications/{theirs.pk}/{url}").status_code == 404
    for url in ("archive/", "unarchive/", "delete/", "restore/"):
        assert client.post(f"/applications/{theirs.pk}/{url}").status_code == 404
    assert Application.objects.filter(pk=theirs.pk, archived_at__isnull=True).exists()


def test_archive_takes_it_off_the_pipeline_and_the_list(client, owner, monday_morning):
    application = add(owner, stage="saved")
    assert "Sales Executive" in client.get("/pipeline/").content.decode()
    client.post(f"/applications/{application.pk}/archive/")
    assert "Sales Executive" not in client.get("/pipeline/").content.decode()
    assert "Sales Executive" not in client.get("/applications/").content.decode()
    assert "Sales Executive" in client.get("/applications/?archived=on").content.decode()
    client.post(f"/applications/{application.pk}/unarchive/")
    assert "Sales Executive" in client.get("/applications/").content.decode()


def test_the_pipeline_has_a_saved_column(client, owner, monday_morning):
    add(owner, stage="saved", role="Buyer")
    page = client.get("/pipeline/").content.decode()
    saved = page.split('id="col-saved"', 1)[1].split("</section>", 1)[0]
    assert "Buyer" in saved


def test_the_list_searches_and_filters(client, owner, monday_morning, record_interview):
    add(owner, company="Kilima Foods", role="Buyer", stage="saved")
    record_interview()
    page = client.get("/applications/?q=wanjiku").content.decode()
    assert "Savanna Mobile" in page and "Kilima Foods" not in page
    page = client.get("/applications/?status=saved").content.decode()
    assert "Kilima Foods" in page and "Savanna Mobile" not in page
    bad = client.get("/applications/?status=hired&q=" + "x" * 300)
    assert bad.status_code == 200
    assert 'id="id_status-error"' in bad.content.decode()


def test_show_more_brings_the_next_page_in_place(client, owner, hx):
    company = Company.objects.create(owner=owner, name="Acme")
    Application.objects.bulk_create(
        Application(owner=owner, company=company, role_title=f"Role {i:03}") for i in range(120)
    )
    page = client.get("/applications/").content.decode()
    assert page.count("<tr>") == 51  # the header and 50 rows
    assert 'hx-get="?page=2"' in page
    more = client.get("/applications/?page=2", **hx).content.decode()
    assert more.count("<tr>") == 50 and "<html" not in more
    assert 'hx-swap-oob="true"' in more and "?page=3" in more
    last = client.get("/applications/?page=3", **hx).content.decode()
    assert last.count("<tr>") == 20 and "Show more" not in last


@pytest.mark.parametrize(
    "url",
    [
        "/applications/",
        "/applications/?q=person&status=interviewing",
        "/applications/?page=2",
        "/applications/new/",
        "edit",
        "delete",
    ],
)
def test_queries_do_not_grow_with_the_number_of_applications(client, owner, url):
    first = populate(owner, 10)
    if url in ("edit", "delete"):
        url = f"/applications/{first.pk}/{url}/"
    small = queries_for(client, url)
    populate(owner, 990)
    assert queries_for(client, url) == small


def test_the_nav_links_to_applications(client, owner):
    assert 'href="/applications/"' in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(owner):
    assert Client().get("/applications/").status_code == 302
    assert not FollowUp.objects.exists()


def test_the_check_in_template_can_be_edited_with_a_preview(client, owner):
    page = client.get("/settings/templates/application_check_in/").content.decode()
    assert "Application check-in" in page
    assert "I applied for the Sales Executive role at Savanna Mobile on Monday 24 November" in page
    assert "applied_date_text" in page  # listed among the names a template can use


def test_recording_an_interview_from_the_application_page_attaches_it(
    client, owner, monday_morning
):
    application = add(owner)
    assert FollowUp.objects.filter(application=application, status="planned").count() == 1
    form = client.get(f"/interviews/new/?application={application.pk}").content.decode()
    assert f'name="application" value="{application.pk}"' in form
    response = client.post(
        "/interviews/new/",
        {
            "application": application.pk,
            "start": "2025-12-01T08:00",
            "tz": "Africa/Nairobi",
            "format": "video",
            "duration": "45",
            "interviewers": "Wanjiku Kamau <wanjiku@savanna.example>",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "interviewing"
    kinds = set(
        FollowUp.objects.filter(application=application, status="planned").values_list(
            "kind", flat=True
        )
    )
    assert "application_check_in" not in kinds and "thank_you" in kinds
