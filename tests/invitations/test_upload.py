"""The .ics upload on Record an interview: a sample invitation records the interview; anything
else shows an error next to the file input, never a 500."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from followup.core.models import Interview

from .conftest import SAMPLES


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    content = data if data is not None else (SAMPLES / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/calendar")


def test_it_shows_the_upload_form_on_record_an_interview(client):
    html = client.get("/interviews/new/").content.decode()
    assert 'action="/interviews/import/"' in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html


def test_the_upload_of_a_sample_invitation_creates_the_interview(client, owner):
    response = client.post("/interviews/import/", {"file": upload("google_request.ics")})
    interview = Interview.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{interview.application_id}/#plan"
    assert interview.application.company.name == "Savanna Mobile"
    assert "Wanjiku Kamau" in [c.name for c in interview.interviewers.all()]
    assert "Invitation: interview on" in client.get(response["Location"]).content.decode()


def test_a_rescheduled_invitation_moves_the_interview(client, owner):
    client.post("/interviews/import/", {"file": upload("google_request.ics")})
    before = Interview.objects.get(owner=owner).start
    response = client.post("/interviews/import/", {"file": upload("google_reschedule.ics")})
    assert response.status_code == 302
    interview = Interview.objects.get(owner=owner)
    assert interview.start != before


def test_a_garbage_upload_shows_an_error_next_to_the_field(client, owner):
    for data in (b"\x00\xff\xfe garbage", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", b""):
        response = client.post(
            "/interviews/import/", {"file": upload("invite.ics", data), "company": "Typed Co"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="invite_file-error"' in html
        assert 'aria-describedby="invite_file_helptext invite_file-error"' in html
        assert 'value="Typed Co"' in html
        assert 'name="company"' in html  # the record form is still there
    response = client.post("/interviews/import/", {})
    assert response.status_code == 400 and 'id="invite_file-error"' in response.content.decode()
    assert not Interview.objects.filter(owner=owner).exists()


NO_COMPANY = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:chat-1@example.invalid\r
DTSTART:20251209T070000Z\r
DTEND:20251209T080000Z\r
SUMMARY:Chat\r
ORGANIZER;CN=Pat:mailto:pat@gmail.com\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_missing_company_asks_for_it_next_to_the_field(client, owner):
    response = client.post("/interviews/import/", {"file": upload("chat.ics", NO_COMPANY)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="invite_company-error"' in html and "--company" not in html
    response = client.post(
        "/interviews/import/",
        {"file": upload("chat.ics", NO_COMPANY), "company": "Acme", "role": "Analyst"},
    )
    assert response.status_code == 302
    assert Interview.objects.get(owner=owner).application.company.name == "Acme"


def test_it_requires_login(db):
    response = Client().post("/interviews/import/", {"file": upload("google_request.ics")})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Interview.objects.exists()


def test_it_enforces_csrf(csrf_client, owner):
    response = csrf_client.post("/interviews/import/", {"file": upload("google_request.ics")})
    assert response.status_code == 403
    assert not Interview.objects.filter(owner=owner).exists()


def test_the_imported_interview_is_the_uploaders_own(client, owner, someone_elses):
    client.post("/interviews/import/", {"file": upload("google_request.ics")})
    assert Interview.objects.filter(owner=owner).count() == 1
    assert someone_elses.application.owner != owner
    assert Interview.objects.filter(owner=someone_elses.application.owner).count() == 1
