"""Record an interview: one form, autocomplete, interviewers inline, the promise resolved as you type."""

import re
from datetime import date

import pytest

from followup.core.models import Application, Company, FollowUp, Interview
from followup.lib.vocabulary import zone


def form_data(**overrides):
    data = {
        "company": "Savanna Mobile",
        "role": "Sales Executive",
        "role_type": "sales",
        "country": "KE",
        "start": "2025-12-09T10:00",
        "duration": "60",
        "tz": "Africa/Nairobi",
        "format": "onsite",
        "round_name": "Panel",
        "interviewers": [
            "Wanjiku Kamau <wanjiku@savanna.example>",
            "Otieno Odhiambo <otieno@savanna.example>",
            "",
        ],
        "recruiter": "Grace Achieng <grace@savanna.example>",
        "notes": "Growing the SME data bundles in Kisumu.",
        "promised": "we'll get back to you by Friday",
        "commitments": "Send my sales figures by Thursday",
        "unasked": "How is the commission structured?\nWho would I report to?",
        "check_website": "on",
        "keep_warm": "on",
        "confidence": "4",
        "went_well": "Clear examples with numbers.",
        "to_improve": "Shorter answers.",
    }
    data.update(overrides)
    return data


def test_the_form_starts_with_my_time_zone(client):
    page = client.get("/interviews/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Africa/Nairobi"' in html
    assert 'name="interviewers"' in html
    assert 'id="promise-preview"' in html and "no date promised" in html


def test_saving_shows_the_application_with_its_plan(client):
    response = client.post("/interviews/new/", form_data())
    application = Application.objects.get(company__name="Savanna Mobile")
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/#plan"
    interview = Interview.objects.get(application=application)
    assert interview.promised_date == date(2025, 12, 12)
    check_in = FollowUp.objects.get(application=application, kind="check_in")
    assert check_in.due.astimezone(zone("Africa/Nairobi")).date() == date(
        2025, 12, 15
    )  # Fri is Jamhuri Day
    assert [c.name for c in interview.interviewers.order_by("name")] == [
        "Otieno Odhiambo",
        "Wanjiku Kamau",
    ]
    assert interview.unasked_list() == [
        "How is the commission structured?",
        "Who would I report to?",
    ]
    assert interview.confidence == 4 and interview.asked_to_check_website
    page = client.get(response["Location"]).content.decode()
    assert "Interview recorded." in page
    assert "Thank-you" in page and "Check-in" in page
    assert page.count("to <strong>Wanjiku Kamau</strong>") >= 1


def test_it_keeps_what_was_typed_on_error(client):
    response = client.post("/interviews/new/", form_data(company="", tz="Mars/Olympus"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_company-error"' in html
    assert 'value="Sales Executive"' in html
    assert "Wanjiku Kamau &lt;wanjiku@savanna.example&gt;" in html
    assert "Growing the SME data bundles in Kisumu." in html
    assert not Application.objects.exists()


def test_an_unknown_time_zone_is_reported_next_to_the_field(client):
    html = client.post("/interviews/new/", form_data(tz="Mars/Olympus")).content.decode()
    assert 'id="id_tz-error"' in html
    assert "unknown time zone" in html
    assert 'aria-invalid="true"' in html
    assert not Application.objects.exists()


def test_a_malformed_interviewer_email_is_reported_next_to_the_interviewers(client):
    html = client.post(
        "/interviews/new/", form_data(interviewers=["Wanjiku <not-an-email@>"])
    ).content.decode()
    assert 'id="id_interviewers-error"' in html
    assert "Wanjiku &lt;not-an-email@&gt;" in html
    row = re.search(r'<input type="text" name="interviewers"[^>]*id="id_interviewers"[^>]*>', html)
    assert row and 'aria-invalid="true"' in row.group(0)
    assert 'aria-describedby="id_interviewers_helptext id_interviewers-error"' in row.group(0)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("start", "yesterday-ish"),
        ("duration", "-5"),
        ("confidence", "9"),
        ("country", "ZZ"),
        ("format", "smoke-signals"),
        ("role_type", "wizard"),
        ("start", "9999-12-31T23:59"),
        ("start", "0001-01-01T00:00"),
        ("notes", "x" * 10_001),
        ("commitments", "y" * 301),
        ("unasked", "\n".join(["Why?"] * 31)),
        ("went_well", "z" * 10_001),
    ],
)
def test_bad_input_is_an_error_next_to_the_field_never_a_500(client, field, value):
    response = client.post("/interviews/new/", form_data(**{field: value}))
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Application.objects.exists()


def test_a_further_round_for_an_existing_application(client, recorded):
    page = client.get(f"/interviews/new/?application={recorded.application.pk}")
    assert page.status_code == 200
    assert "Record the next round" in page.content.decode()
    response = client.post(
        "/interviews/new/",
        {
            "application": recorded.application.pk,
            "start": "2025-12-20T09:00",
            "tz": "Africa/Nairobi",
            "format": "video",
            "duration": "45",
        },
    )
    assert response.status_code == 302
    assert Interview.objects.filter(application=recorded.application).count() == 2


def test_it_checks_ownership(client, someone_elses):
    theirs = someone_elses.application.pk
    assert client.get(f"/interviews/new/?application={theirs}").status_code == 404
    response = client.post(
        "/interviews/new/",
        {"application": theirs, "start": "2025-12-20T09:00", "tz": "UTC", "format": "video"},
    )
    assert response.status_code == 404
    assert Interview.objects.filter(application_id=theirs).count() == 1
    assert client.get(f"/interviews/promise-preview/?application={theirs}").status_code == 404
    assert client.get("/interviews/new/?application=abc").status_code == 404


def test_it_enforces_csrf(csrf_client):
    assert csrf_client.post("/interviews/new/", form_data()).status_code == 403
    assert not Application.objects.exists()


def test_the_promised_phrase_resolves_as_you_type(client):
    response = client.get(
        "/interviews/promise-preview/",
        {
            "promised": "we'll get back to you by Friday",
            "start": "2025-12-09T10:00",
            "duration": "60",
            "tz": "Africa/Nairobi",
            "country": "KE",
        },
    )
    assert response.status_code == 200
    assert (
        response.content.decode().strip()
        == "→ check in Mon 15 Dec, 10:00 EAT — Fri 12 Dec is Jamhuri Day"
    )


@pytest.mark.parametrize(
    "params",
    [
        {"promised": "soon-ish", "start": "2025-12-09T10:00", "tz": "Africa/Nairobi"},
        {"promised": "by Friday", "start": "not a date"},
        {"promised": "by Friday", "start": "2025-12-09T10:00", "tz": "Nowhere/Special"},
        {"promised": "by Friday", "start": "2025-12-09T10:00", "country": "ZZ"},
        {"promised": "x" * 5000, "start": "2025-12-09T10:00", "duration": "abc"},
        {},
    ],
)
def test_the_preview_never_fails_on_half_typed_input(client, params):
    response = client.get("/interviews/promise-preview/", params)
    assert response.status_code == 200
    assert response.content.strip()


def test_company_and_contact_autocomplete_show_only_mine(client, recorded, someone_elses):
    companies = client.get("/autocomplete/companies/", {"company": "o"}).content.decode()
    assert 'value="Savanna Mobile"' in companies and "Other Co" not in companies
    contacts = client.get("/autocomplete/contacts/", {"interviewers": "wan"}).content.decode()
    assert "Wanjiku Kamau &lt;wanjiku@savanna.example&gt;" in contacts
    assert "Pat Lee" not in client.get("/autocomplete/contacts/", {"q": "pat"}).content.decode()


def test_another_interviewer_row_can_be_added(client):
    row = client.get("/interviews/interviewer-row/").content.decode()
    assert 'name="interviewers"' in row and 'list="contact-options"' in row


def test_an_existing_company_is_reused(client, owner, record_recent):

    record_recent()
    client.post("/interviews/new/", form_data(company="savanna mobile", role="Another role"))
    assert Company.objects.filter(owner=owner).count() == 1
    assert FollowUp.objects.filter(owner=owner).exists()


@pytest.mark.parametrize("junk", ["abc", "²", "-1", "1e3", "99999999999999999999999"])
def test_an_application_id_that_is_not_one_is_404_not_500(client, junk):
    assert client.get(f"/interviews/new/?application={junk}").status_code == 404
    assert client.get(f"/interviews/promise-preview/?application={junk}").status_code == 404


def test_the_longest_accepted_notes_and_lists_still_plan_and_draft(client):
    response = client.post(
        "/interviews/new/",
        form_data(
            notes="\n".join(["Topic " + "n" * 400] * 24),
            commitments="\n".join(["Send " + "c" * 290] * 30),
            unasked="\n".join(["Ask " + "q" * 290 + "?"] * 30),
        ),
    )
    assert response.status_code == 302
    assert Application.objects.count() == 1


@pytest.mark.parametrize("url", ["/autocomplete/companies/", "/autocomplete/contacts/"])
def test_a_nul_in_an_autocomplete_query_is_ignored_not_a_500(client, recorded, url):
    response = client.get(url, {"q": "Sav\x00"})
    assert response.status_code == 200


def test_a_nul_in_a_typed_field_is_reported_by_name(record_recent):
    from followup.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as error:
        record_recent(company="Acme\x00")
    assert error.value.field == "company"


def test_the_first_interview_of_a_saved_application_is_not_called_the_next_round(client, owner):
    from followup.core.services.applications import ApplicationInput, add_application

    application = add_application(
        owner, ApplicationInput(company="Kilimo Tech", role="Data Analyst", stage="applied")
    )
    html = client.get(f"/interviews/new/?application={application.pk}").content.decode()
    assert "<h1>Record an interview</h1>" in html
    assert "Record the next round" not in html
