"""The Contacts pages, the log form on the Application page, phone and WhatsApp links."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followup.core.models import Contact, FollowUp, Interaction
from followup.core.services import contacts
from followup.planner import types as p


@pytest.fixture
def recent(record_recent):
    return record_recent()


@pytest.fixture
def wanjiku(recent):
    return Contact.objects.get(email="wanjiku@savanna.example")


def test_the_list_searches_and_shows_more(client, owner, wanjiku):
    Contact.objects.bulk_create(Contact(owner=owner, name=f"Person {i:03d}") for i in range(60))
    html = client.get("/contacts/").content.decode()
    assert "Person 000" in html and "Show more" in html and "Person 055" not in html
    more = client.get("/contacts/?q=&page=2", HTTP_HX_REQUEST="true").content.decode()
    assert "Person 055" in more and "<html" not in more
    found = client.get("/contacts/?q=SAVANNA").content.decode()
    assert "Wanjiku Kamau" in found and "Person 000" not in found


def test_the_list_takes_the_same_queries_for_many_contacts(client, owner):
    Contact.objects.bulk_create(Contact(owner=owner, name=f"P{i}") for i in range(5))
    with CaptureQueriesContext(connection) as few:
        client.get("/contacts/")
    Contact.objects.bulk_create(Contact(owner=owner, name=f"Q{i}") for i in range(200))
    with CaptureQueriesContext(connection) as many:
        client.get("/contacts/")
    assert len(many) == len(few)


def test_editing_normalises_the_phone(client, wanjiku):
    data = {**_form(wanjiku), "phone": "0712 345 678"}
    response = client.post(f"/contacts/{wanjiku.pk}/", data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'value="+254712345678"' in html


def test_a_bad_phone_shows_next_to_the_field_and_changes_nothing(client, wanjiku):
    response = client.post(f"/contacts/{wanjiku.pk}/", {**_form(wanjiku), "phone": "12"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_phone-error"' in html and "not a valid phone number" in html
    assert 'aria-describedby="id_phone_helptext id_phone-error"' in html
    assert Contact.objects.get(pk=wanjiku.pk).phone == ""


def test_adding_a_contact(client):
    response = client.post("/contacts/new/", {"name": "Otieno", "phone": "+254 722 000 000"})
    assert response.status_code == 302
    assert Contact.objects.get(name="Otieno").phone == "+254722000000"


def test_delete_asks_then_offers_undo(client, wanjiku):
    assert (
        "Delete “Wanjiku Kamau”?" in client.get(f"/contacts/{wanjiku.pk}/delete/").content.decode()
    )
    response = client.post(f"/contacts/{wanjiku.pk}/delete/")
    html = client.get(response["Location"]).content.decode()
    assert "Wanjiku Kamau deleted." in html and "Undo" in html
    client.post(f"/contacts/{wanjiku.pk}/restore/")
    assert Contact.objects.filter(pk=wanjiku.pk).exists()


def test_another_users_contact_is_404(client, record_interview, django_user_model):
    other = django_user_model.objects.create(username="someone-else")
    theirs = record_interview(owner=other, interviewers=["Omar <omar@else.example>"], recruiter="")
    omar = theirs.interview.interviewers.get()
    assert client.get(f"/contacts/{omar.pk}/").status_code == 404
    assert client.post(f"/contacts/{omar.pk}/delete/").status_code == 404


def test_the_application_page_prefills_the_log_form(client, recent, wanjiku):
    url = f"/applications/{recent.application.pk}/?kind=meeting&contact={wanjiku.pk}"
    html = client.get(url).content.decode()
    assert 'value="meeting" id="id_kind_1" required checked' in html
    assert f'<option value="{wanjiku.pk}" selected>' in html


def test_logging_a_call_stops_the_ladder(client, recent, wanjiku):
    response = client.post(
        f"/applications/{recent.application.pk}/log/",
        {"kind": "call", "contact": wanjiku.pk, "text": "Decision Friday.", "at": ""},
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "It counts as their reply: the check-ins stop." in html
    assert "Decision Friday." in html
    assert not FollowUp.objects.filter(
        application=recent.application, kind__in=p.CHECK_IN_KINDS, status__in=FollowUp.OPEN
    ).exists()


def test_a_refused_log_keeps_the_text_and_names_the_field(client, recent):
    response = client.post(
        f"/applications/{recent.application.pk}/log/",
        {"kind": "call", "text": "Decision Friday.", "at": "2999-01-01T10:00"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_at-error"' in html and "Decision Friday." in html
    assert not Interaction.objects.exists()


def test_deleting_an_interaction_offers_undo(client, owner, recent):
    from followup.core.services import interactions

    logged = interactions.log_interaction(owner, recent.application.pk, "note", "Salary band.")
    response = client.post(f"/interactions/{logged.pk}/delete/")
    html = client.get(response["Location"]).content.decode()
    assert "Deleted: Note: Salary band." in html
    client.post(f"/interactions/{logged.pk}/restore/")
    assert Interaction.objects.filter(pk=logged.pk).exists()


def test_a_phone_follow_up_offers_the_number_and_log_the_call(client, owner, recent, wanjiku):
    contacts.edit_contact(owner, wanjiku.pk, phone="0712345678", channel="phone")
    html = client.get(f"/applications/{recent.application.pk}/").content.decode()
    assert 'href="tel:+254712345678"' in html
    assert f"?kind=call&amp;contact={wanjiku.pk}#log-form" in html


def test_a_whatsapp_follow_up_carries_the_draft(client, owner, recent, wanjiku):
    contacts.edit_contact(owner, wanjiku.pk, phone="0712345678", channel="whatsapp")
    fu = FollowUp.objects.filter(recipient=wanjiku, status="planned").order_by("due").first()
    assert fu.channel == "whatsapp"
    html = client.get(f"/follow-ups/{fu.pk}/draft/").content.decode()
    assert f"https://wa.me/254712345678?text={quote(fu.body, safe='')}" in html
    response = client.get(f"/follow-ups/{fu.pk}/whatsapp/")
    assert response["Location"] == f"https://wa.me/254712345678?text={quote(fu.body, safe='')}"
    page = client.get(f"/applications/{recent.application.pk}/").content.decode()
    assert f"/follow-ups/{fu.pk}/whatsapp/" in page and 'form="mark-sent-' in page


def _form(contact):
    return {
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "title": contact.title,
        "company": contact.company.name if contact.company else "",
        "linkedin": contact.linkedin_url,
        "tz": contact.time_zone,
        "channel": contact.preferred_channel,
        "notes": contact.notes,
    }


def test_editing_an_interaction(client, owner, recent):
    from followup.core.services import interactions

    logged = interactions.log_interaction(owner, recent.application.pk, "note", "Salary band.")
    html = client.get(f"/interactions/{logged.pk}/").content.decode()
    assert "Salary band." in html
    response = client.post(
        f"/interactions/{logged.pk}/",
        {"kind": "message", "text": "They wrote: band is wide.", "contact": "", "at": ""},
    )
    assert response.status_code == 302
    logged.refresh_from_db()
    assert (logged.kind, logged.text) == ("message", "They wrote: band is wide.")
    refused = client.post(f"/interactions/{logged.pk}/", {"kind": "message", "text": " ", "at": ""})
    assert refused.status_code == 400 and 'id="id_text-error"' in refused.content.decode()


def test_today_rows_offer_whatsapp_to_a_mobile_number(
    client, owner, record_interview, time_machine
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    time_machine.move_to(datetime(2026, 12, 1, 14, 0, tzinfo=ZoneInfo("Africa/Nairobi")))  # a Tue
    recorded = record_interview(start="2026-12-01 10:00")
    wanjiku = Contact.objects.get(email="wanjiku@savanna.example")
    contacts.edit_contact(owner, wanjiku.pk, phone="0712345678", channel="whatsapp")
    thank_you = FollowUp.objects.get(application=recorded.application, recipient=wanjiku)
    html = client.get("/").content.decode()
    assert f'href="/follow-ups/{thank_you.pk}/whatsapp/"' in html
    assert f'form="mark-sent-{thank_you.pk}"' in html
