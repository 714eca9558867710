"""Contacts: search, history, editing (phones in E.164), delete with undo, re-planning."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Contact, FollowUp
from followup.core.services import contacts, interactions


@pytest.fixture
def wanjiku(record_interview):
    recorded = record_interview()
    contact = Contact.objects.get(email="wanjiku@savanna.example")
    return recorded, contact


def test_it_searches_name_email_company_and_title_in_any_case(owner, wanjiku):
    _, contact = wanjiku
    contacts.edit_contact(owner, contact.pk, title="Head of Sales")
    for text in ("WANJIKU", "savanna.EXAMPLE", "savanna mobile", "head of"):
        found = contacts.list_contacts(owner, text).contacts
        assert contact in found, text
    assert contacts.list_contacts(owner, "nobody").contacts == []


def test_a_page_of_contacts_is_one_query_however_many_there_are(owner):
    Contact.objects.bulk_create(Contact(owner=owner, name=f"Person {i:03d}") for i in range(120))
    with CaptureQueriesContext(connection) as queries:
        page = contacts.list_contacts(owner, "person", page=2)
    assert len(queries) == 1
    assert len(page.contacts) == contacts.CONTACTS_PAGE and page.has_more
    assert page.contacts[0].name == "Person 050"


def test_it_normalises_a_phone_number_with_the_companys_country(owner, wanjiku):
    _, contact = wanjiku
    edited = contacts.edit_contact(owner, contact.pk, phone="0712 345 678")
    assert edited.phone == "+254712345678"


def test_a_number_without_a_company_country_is_read_in_the_users_country(owner):
    contact = contacts.create_contact(owner, name="Otieno", phone="0722 000 000")
    assert contact.phone == "+254722000000"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"email": "not an address"}, "email"),
        ({"name": "  "}, "name"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"channel": "pigeon"}, "channel"),
        ({"linkedin": "https://example.com/me"}, "linkedin"),
        ({"channel": "whatsapp"}, "channel"),  # no number yet
        ({"phone": "+44 20 7946 0958", "channel": "whatsapp"}, "channel"),  # a landline
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(owner, wanjiku, changes, field):
    _, contact = wanjiku
    before = Contact.objects.filter(pk=contact.pk).values().get()
    with pytest.raises(InvalidInput) as caught:
        contacts.edit_contact(owner, contact.pk, **changes)
    assert caught.value.field == field
    assert Contact.objects.filter(pk=contact.pk).values().get() == before


def test_another_users_contact_is_not_found(owner, wanjiku, django_user_model):
    _, contact = wanjiku
    other = django_user_model.objects.create(username="someone-else")
    with pytest.raises(NotFound):
        contacts.edit_contact(other, contact.pk, name="Taken")


def test_choosing_whatsapp_re_plans_her_follow_ups(owner, wanjiku):
    recorded, contact = wanjiku
    contacts.edit_contact(owner, contact.pk, phone="0712345678", channel="whatsapp")
    to_her = FollowUp.objects.filter(application=recorded.application, recipient=contact)
    open_ones = to_her.filter(status__in=FollowUp.OPEN)
    assert open_ones and {fu.channel for fu in open_ones} == {"whatsapp"}


def test_history_spans_interviews_follow_ups_and_interactions(owner, wanjiku):
    recorded, contact = wanjiku
    interactions.log_interaction(
        owner, recorded.application.pk, "call", "Panel decides Friday.", contact_id=contact.pk
    )
    history = contacts.contact_history(owner, contact.pk)
    assert history.applications == [recorded.application]
    whats = [item.what for item in history.items]
    assert whats[0] == "Call"
    assert "Interview" in whats
    assert any(w.startswith("Thank-you") for w in whats)


def test_delete_and_restore_a_contact(owner, wanjiku):
    recorded, contact = wanjiku
    contacts.delete_contact(owner, contact.pk)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    open_to_her = FollowUp.objects.filter(recipient_id=contact.pk, status__in=FollowUp.OPEN)
    assert not open_to_her.exists()
    contacts.restore_contact(owner, contact.pk)
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert FollowUp.objects.filter(recipient_id=contact.pk, status__in=FollowUp.OPEN).exists()


def test_a_deleted_recruiter_is_asked_nothing(owner, wanjiku):
    recorded, _ = wanjiku
    grace = recorded.application.recruiter
    contacts.delete_contact(owner, grace.pk)
    assert not FollowUp.objects.filter(recipient_id=grace.pk, status__in=FollowUp.OPEN).exists()
