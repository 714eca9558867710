"""The careers check's pages through Django's test client: never an email editor, and the careers
page set from the Application page like the CLI sets it."""

from __future__ import annotations

from followup.core.models import Company, FollowUp


def careers_check(recorded_application):
    return FollowUp.objects.get(application=recorded_application, kind="careers_check")


def test_a_careers_checks_page_opens_the_careers_page_not_an_email_editor(client, record_recent):
    application = record_recent(check_website=True).application
    Company.objects.filter(pk=application.company_id).update(
        careers_url="https://savanna-mobile.example/careers"
    )
    page = client.get(f"/follow-ups/{careers_check(application).pk}/draft/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="https://savanna-mobile.example/careers"' in html
    assert "Open careers page" in html
    assert "Open in my mail app" not in html
    assert 'name="body"' not in html
    assert "Approve" not in html


def test_the_application_page_sets_the_careers_page_and_redirects(client, record_recent):
    application = record_recent(check_website=True).application
    response = client.post(
        f"/applications/{application.pk}/careers-url/",
        {
            "careers_url": " https://savanna-mobile.example/jobs ",
            "next": f"/applications/{application.pk}/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/"
    assert Company.objects.get(pk=application.company_id).careers_url == (
        "https://savanna-mobile.example/jobs"
    )
    assert "https://savanna-mobile.example/jobs" in careers_check(application).body
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'id="careers-page"' in page


def test_a_bad_careers_address_is_shown_next_to_the_field_and_nothing_changes(
    client, record_recent
):
    application = record_recent(check_website=True).application
    response = client.post(
        f"/applications/{application.pk}/careers-url/", {"careers_url": "ftp://example.com/x"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_careers_url_helptext id_careers_url-error"' in html
    assert "is not a web address" in html
    assert Company.objects.get(pk=application.company_id).careers_url == ""


def test_someone_elses_application_is_not_found(client, someone_elses):
    application = someone_elses.application
    response = client.post(
        f"/applications/{application.pk}/careers-url/", {"careers_url": "https://example.com/"}
    )
    assert response.status_code == 404
