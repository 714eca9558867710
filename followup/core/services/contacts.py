"""Contacts: the people of a job search. Listed and searched, each one's history across
applications, edited (phone numbers normalised to E.164), deleted with undo. A change to how a
person is reached (channel, zone, phone) re-plans their applications."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q, QuerySet

from followup.core.errors import InvalidInput, NotFound
from followup.core.models import (
    Application,
    Company,
    Contact,
    FollowUp,
    Interaction,
    Interview,
)
from followup.core.owner import Owner
from followup.core.services.interviews import check_email_field, check_zone, clean_phone
from followup.core.services.planning import replan_applications
from followup.core.services.trash import get_deleted, restore_stamped, stamp_deleted
from followup.lib.addresses import has_line_break

CONTACTS_PAGE = 50
NAME_MAX, TITLE_MAX, URL_MAX, NOTES_MAX = 200, 200, 200, 10_000
SEARCH_MAX = 200

# What a person can change about a contact, by the names the CLI options and web fields use
# (and InvalidInput names): the model's own names differ for three of them.
CONTACT_FIELDS: dict[str, str] = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "title": "title",
    "company": "company",
    "linkedin": "linkedin_url",
    "tz": "time_zone",
    "channel": "preferred_channel",
    "notes": "notes",
}
CHANNELS: tuple[str, ...] = tuple(Contact.Channel.values)


def get_contact(owner: Owner, contact_id: int | str, field_name: str = "contact_id") -> Contact:
    try:
        contact: Contact = Contact.objects.select_related("company").get(
            owner=owner, pk=int(contact_id)
        )
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise NotFound(field_name, f"no contact {contact_id}") from None
    return contact


# ---------------------------------------------------------------------------------------------
# Listing and search


@dataclass
class ContactPage:
    contacts: list[Contact]
    search: str
    page: int
    has_more: bool


def _search_text(search: str) -> str:
    text = (search or "").replace("\x00", "").strip()  # PostgreSQL refuses a NUL parameter
    if len(text) > SEARCH_MAX:
        raise InvalidInput("search", f"is longer than {SEARCH_MAX} characters")
    return text


def contacts_matching(owner: Owner, search: str = "") -> QuerySet[Contact]:
    """The owner's contacts whose name, email, company or title contains `search` (any case),
    by name."""
    text = _search_text(search)
    qs = Contact.objects.filter(owner=owner).select_related("company")
    if text:
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(title__icontains=text)
            | Q(company__name__icontains=text)
        )
    return qs.order_by("name", "id")


def list_contacts(
    owner: Owner, search: str = "", page: int = 1, per_page: int = CONTACTS_PAGE
) -> ContactPage:
    """One page of `contacts_matching`, in one query however many contacts there are (one row
    more than a page tells whether there is more)."""
    page = max(int(page), 1)
    start = (page - 1) * per_page
    rows = list(contacts_matching(owner, search)[start : start + per_page + 1])
    return ContactPage(
        contacts=rows[:per_page],
        search=_search_text(search),
        page=page,
        has_more=len(rows) > per_page,
    )


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "uuid": str(contact.uuid),
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


# ---------------------------------------------------------------------------------------------
# One contact's history


@dataclass
class HistoryItem:
    at: datetime
    what: str  # "Interview", "Thank-you note (sent)", "Call"
    text: str
    application: Application


@dataclass
class ContactHistory:
    contact: Contact
    applications: list[Application]
    items: list[HistoryItem] = field(default_factory=list)  # newest first


def _related_application_ids(owner: Owner, contact: Contact) -> set[int]:
    """The applications a contact is part of: one indexed query for each way (an OR of the
    joins would read every application of the owner)."""
    ids: set[int] = set()
    for queryset in (
        Application.objects.filter(owner=owner, recruiter=contact).values_list("pk", flat=True),
        Interview.objects.filter(owner=owner, interviewers=contact).values_list(
            "application_id", flat=True
        ),
        FollowUp.objects.filter(owner=owner, recipient=contact).values_list(
            "application_id", flat=True
        ),
        Interaction.objects.filter(owner=owner, contact=contact).values_list(
            "application_id", flat=True
        ),
    ):
        ids.update(queryset)
    return ids


def contact_history(owner: Owner, contact_id: int | str) -> ContactHistory:
    """The contact with every application they are part of and, newest first, the interviews
    with them, the follow-ups to them and the calls, meetings and messages logged with them.
    Five queries, however long the history."""
    contact = get_contact(owner, contact_id)
    applications = {
        a.pk: a
        for a in Application.objects.filter(owner=owner, recruiter=contact).select_related(
            "company"
        )
    }
    items: list[HistoryItem] = []
    interviews = Interview.objects.filter(owner=owner, interviewers=contact).select_related(
        "application__company"
    )
    for interview in interviews:
        applications.setdefault(interview.application_id, interview.application)
        what = "Interview" + (" (cancelled)" if interview.cancelled else "")
        items.append(
            HistoryItem(interview.start, what, interview.round_name, interview.application)
        )
    follow_ups = (
        FollowUp.objects.filter(owner=owner, recipient=contact)
        .exclude(status=FollowUp.Status.CANCELLED)
        .select_related("application__company")
    )
    for fu in follow_ups:
        applications.setdefault(fu.application_id, fu.application)
        status = fu.get_status_display().lower()
        items.append(
            HistoryItem(
                fu.sent_at or fu.due,
                f"{fu.get_kind_display()} ({status})",
                fu.subject,
                fu.application,
            )
        )
    interactions = Interaction.objects.filter(owner=owner, contact=contact).select_related(
        "application__company"
    )
    for interaction in interactions:
        applications.setdefault(interaction.application_id, interaction.application)
        items.append(
            HistoryItem(
                interaction.at,
                interaction.get_kind_display(),
                interaction.text,
                interaction.application,
            )
        )
    items.sort(key=lambda item: item.at, reverse=True)
    by_activity = sorted(applications.values(), key=lambda a: (a.updated_at, a.pk), reverse=True)
    return ContactHistory(contact=contact, applications=by_activity, items=items)


# ---------------------------------------------------------------------------------------------
# Editing


def _text(value: str, field_name: str, max_length: int, *, single_line: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL cannot store it; no one types it
        raise InvalidInput(field_name, "must not contain NUL characters")
    if single_line and has_line_break(value):
        raise InvalidInput(field_name, "must be a single line")
    if len(value) > max_length:
        raise InvalidInput(field_name, f"is longer than {max_length} characters")
    return value


def _linkedin(value: str) -> str:
    value = _text(value, "linkedin", URL_MAX)
    if not value:
        return ""
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not (
        host == "linkedin.com" or host.endswith(".linkedin.com")
    ):
        raise InvalidInput(
            "linkedin", f"{value!r} is not a LinkedIn address (https://www.linkedin.com/in/…)"
        )
    return value


def _company(owner: Owner, name: str) -> Company | None:
    name = _text(name, "company", NAME_MAX)
    if not name:
        return None
    company = Company.objects.filter(owner=owner, name__iexact=name).order_by("id").first()
    return company or Company(owner=owner, name=name)  # saved once everything is checked


def _clean_changes(
    owner: Owner, contact: Contact, changes: dict[str, str | None]
) -> dict[str, Any]:
    """The model values for `changes` (only the keys given, None meaning "not given"), checked
    all before any is written."""
    unknown = sorted(set(changes) - set(CONTACT_FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], "is not something a contact has")
    given = {k: v for k, v in changes.items() if v is not None}
    values: dict[str, Any] = {}
    if "name" in given:
        values["name"] = _text(given["name"] or "", "name", NAME_MAX)
        if not values["name"]:
            raise InvalidInput("name", "is required")
    if "email" in given:
        email = _text(given["email"] or "", "email", 254)
        values["email"] = check_email_field(email, "email") if email else ""
    if "title" in given:
        values["title"] = _text(given["title"] or "", "title", TITLE_MAX)
    if "company" in given:
        values["company"] = _company(owner, given["company"] or "")
    company = values.get("company", contact.company)
    if "phone" in given:
        values["phone"] = clean_phone(owner, given["phone"] or "", company)
    if "linkedin" in given:
        values["linkedin_url"] = _linkedin(given["linkedin"] or "")
    if "tz" in given:
        tz = _text(given["tz"] or "", "tz", 64)
        values["time_zone"] = check_zone(tz, "tz") if tz else ""
    if "notes" in given:
        values["notes"] = _text(given["notes"] or "", "notes", NOTES_MAX, single_line=False)
    if "channel" in given:
        channel = (given["channel"] or "").strip().lower()
        if channel not in ("", *CHANNELS):
            raise InvalidInput(
                "channel", f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})"
            )
        values["preferred_channel"] = channel
    _check_reachable(contact, values)
    return values


def _check_reachable(contact: Contact, values: dict[str, Any]) -> None:
    """The preferred channel must be one the contact can be reached on."""
    from followup.lib.phones import is_mobile

    channel = values.get("preferred_channel", contact.preferred_channel)
    phone = values.get("phone", contact.phone)
    email = values.get("email", contact.email)
    # Name what was changed: choosing WhatsApp, or clearing the number WhatsApp needs.
    field_name = next(
        (name for name in ("channel", "phone", "email") if CONTACT_FIELDS[name] in values),
        "channel",
    )
    if channel == Contact.Channel.PHONE and not phone:
        raise InvalidInput(field_name, "a phone follow-up needs the contact's phone number")
    if channel == Contact.Channel.WHATSAPP:
        if not phone:
            raise InvalidInput(field_name, "a WhatsApp follow-up needs a mobile number")
        if not is_mobile(phone):
            raise InvalidInput(
                field_name, f"{phone} is not a mobile number, so it cannot be on WhatsApp"
            )
    if channel == Contact.Channel.EMAIL and not email:
        raise InvalidInput(field_name, "an email follow-up needs the contact's email address")


# Changes that alter a plan: who is asked how and when.
_PLANNED_FROM = frozenset({"name", "email", "phone", "time_zone", "preferred_channel"})


def create_contact(owner: Owner, **fields: str | None) -> Contact:
    """A contact typed on the Contacts page: `fields` by CONTACT_FIELDS' names; name required."""
    contact = Contact(owner=owner)
    values = _clean_changes(owner, contact, {"name": "", **fields})
    with transaction.atomic():
        _save_company(values)
        for attr, value in values.items():
            setattr(contact, attr, value)
        contact.save()
    return contact


def _save_company(values: dict[str, Any]) -> None:
    company = values.get("company")
    if company is not None and company.pk is None:
        company.save()


def edit_contact(owner: Owner, contact_id: int | str, **changes: str | None) -> Contact:
    """Change what is given (CONTACT_FIELDS' names; None: leave as it is), all checked first;
    then re-plan their applications when how or when they are reached changed."""
    contact = get_contact(owner, contact_id)
    values = _clean_changes(owner, contact, changes)
    changed = [attr for attr, value in values.items() if getattr(contact, attr) != value]
    if not changed:
        return contact
    with transaction.atomic():
        _save_company(values)
        for attr in changed:
            setattr(contact, attr, values[attr])
        contact.save(update_fields=changed)
        if _PLANNED_FROM.intersection(changed):
            replan_contact_applications(owner, contact)
    return contact


def replan_contact_applications(owner: Owner, contact: Contact) -> None:
    """Re-plan the applications this contact is part of that are not archived."""
    ids = Application.objects.filter(
        owner=owner, pk__in=_related_application_ids(owner, contact), archived_at__isnull=True
    ).values_list("pk", flat=True)
    replan_applications(owner, ids)


# ---------------------------------------------------------------------------------------------
# Delete with undo


def delete_contact(owner: Owner, contact_id: int | str) -> datetime:
    """Put the contact in the trash and re-plan their applications: what was planned for them
    goes to someone else of the application or is cancelled (a check-in's place in the plan is
    the interview's, not the person's, so it is not trashed with them); what was sent and the
    calls logged with them stay. Returns the stamp that undoes it (`restore_contact`)."""
    contact = get_contact(owner, contact_id)
    with transaction.atomic():
        stamp = stamp_deleted(Contact.objects.filter(owner=owner, pk=contact.pk))
        replan_contact_applications(owner, contact)
    return stamp


def restore_contact(owner: Owner, contact_id: int | str) -> Contact:
    """Undo `delete_contact`: the contact and what went with it come back, and their
    applications are re-planned."""
    contact = get_deleted(owner, Contact, contact_id, "contact_id", "contact")
    assert contact.deleted_at is not None  # the query above
    with transaction.atomic():
        restore_stamped(owner, contact.deleted_at)
        contact.deleted_at = None
        replan_contact_applications(owner, contact)
    return contact
