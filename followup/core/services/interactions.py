"""Interactions: a call, a meeting, a message from them, a note, logged on an application with
its time, contact and text. A call, a meeting or a message from them is a reply: the check-in
ladder stops (re-planning reads them as replies, `planning.application_facts`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, Contact, Event, Interaction
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services.follow_ups import cancel_approved_check_ins
from followup.core.services.interviews import parse_local_datetime
from followup.core.services.owned import get_application, log_event
from followup.core.services.planning import replan
from followup.core.services.trash import get_deleted, restore_stamped, stamp_deleted

KINDS: tuple[str, ...] = tuple(Interaction.Kind.values)
TEXT_MAX = 10_000
# How the timeline names each kind ("Call with Wanjiku Kamau").
_TITLES = {
    Interaction.Kind.CALL: ("Call with {name}", "Call"),
    Interaction.Kind.MEETING: ("Meeting with {name}", "Meeting"),
    Interaction.Kind.MESSAGE: ("Message from {name}", "Message from them"),
    Interaction.Kind.NOTE: ("Note about {name}", "Note"),
}
_EVENT_TEXT = 120  # how much of the text the timeline line quotes


def get_interaction(owner: Owner, interaction_id: int | str) -> Interaction:
    try:
        interaction: Interaction = Interaction.objects.select_related(
            "application__company", "contact"
        ).get(owner=owner, pk=int(interaction_id))
    except (Interaction.DoesNotExist, ValueError, TypeError):
        raise NotFound("interaction_id", f"no interaction {interaction_id}") from None
    return interaction


def parse_at(owner: Owner, at: datetime | str | None) -> datetime:
    """When it happened: as `sent --at` and `outcome --at` read it (the user's zone unless an
    offset is given); now when not given; never in the future."""
    if at is None or (isinstance(at, str) and not at.strip()):
        return timezone.now()
    when = parse_local_datetime(at, get_profile(owner).time_zone, "at")
    if when > timezone.now():
        raise InvalidInput("at", f"{at!s} is in the future: log what has happened")
    return when


def _kind(kind: str) -> str:
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        raise InvalidInput("kind", f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    return kind


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("text", "is required: what was said or agreed")
    if "\x00" in text:  # PostgreSQL cannot store it
        raise InvalidInput("text", "must not contain NUL characters")
    if len(text) > TEXT_MAX:
        raise InvalidInput("text", f"is longer than {TEXT_MAX} characters")
    return text


def _contact(owner: Owner, contact_id: int | str | None) -> Contact | None:
    if contact_id is None or str(contact_id).strip() == "":
        return None
    try:
        contact: Contact = Contact.objects.get(owner=owner, pk=int(contact_id))
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise InvalidInput("contact", f"no contact {contact_id}") from None
    return contact


def describe(interaction: Interaction) -> str:
    """ "Call with Wanjiku Kamau: she expects the panel's decision on Friday"."""
    with_name, alone = _TITLES[Interaction.Kind(interaction.kind)]
    title = with_name.format(name=interaction.contact.name) if interaction.contact else alone
    text = " ".join(interaction.text.split())
    if len(text) > _EVENT_TEXT:
        text = text[: _EVENT_TEXT - 1].rstrip() + "…"
    return f"{title}: {text}"


def _after_change(owner: Owner, application: Application, heard_at: datetime | None) -> None:
    """Re-plan; a reply also cancels the check-ins already approved (re-planning leaves what
    the person approved alone)."""
    if heard_at is not None:
        cancel_approved_check_ins(owner, application, heard_at)
    replan(owner, application)


def log_interaction(
    owner: Owner,
    application_id: int | str,
    kind: str,
    text: str,
    contact_id: int | str | None = None,
    at: datetime | str | None = None,
) -> Interaction:
    """Log it on the application's timeline and re-plan. Everything is checked first."""
    application = get_application(owner, application_id)
    kind = _kind(kind)
    text = _text(text)
    contact = _contact(owner, contact_id)
    when = parse_at(owner, at)
    with transaction.atomic():
        interaction = Interaction.objects.create(
            owner=owner, application=application, contact=contact, kind=kind, at=when, text=text
        )
        log_event(
            owner,
            application,
            Event.Kind.INTERACTION_LOGGED,
            describe(interaction),
            at=when,
            data={"interaction_id": interaction.pk, "kind": kind},
        )
        _after_change(owner, application, when if interaction.counts_as_reply else None)
    return interaction


def edit_interaction(
    owner: Owner,
    interaction_id: int | str,
    *,
    kind: str | None = None,
    text: str | None = None,
    contact_id: int | str | None = None,
    at: datetime | str | None = None,
) -> Interaction:
    """Change what is given (None: as it is; contact_id "" removes the contact), then re-plan."""
    interaction = get_interaction(owner, interaction_id)
    values: dict[str, object] = {}
    if kind is not None:
        values["kind"] = _kind(kind)
    if text is not None:
        values["text"] = _text(text)
    if contact_id is not None:
        values["contact"] = _contact(owner, contact_id)
    if at is not None:
        values["at"] = parse_at(owner, at)
    with transaction.atomic():
        for attr, value in values.items():
            setattr(interaction, attr, value)
        interaction.save()
        application = interaction.application
        _after_change(owner, application, interaction.at if interaction.counts_as_reply else None)
    return interaction


def delete_interaction(owner: Owner, interaction_id: int | str) -> datetime:
    """Put it in the trash and re-plan (a deleted call no longer counts as a reply). Returns
    the stamp that undoes it (`restore_interaction`)."""
    interaction = get_interaction(owner, interaction_id)
    with transaction.atomic():
        stamp = stamp_deleted(Interaction.objects.filter(owner=owner, pk=interaction.pk))
        replan(owner, interaction.application)
    return stamp


def restore_interaction(owner: Owner, interaction_id: int | str) -> Interaction:
    interaction = get_deleted(
        owner, Interaction, interaction_id, "interaction_id", "interaction", "application"
    )
    assert interaction.deleted_at is not None  # the query above
    with transaction.atomic():
        restore_stamped(owner, interaction.deleted_at)
        interaction.deleted_at = None
        log_event(
            owner,
            interaction.application,
            Event.Kind.RESTORED,
            f"Restored: {describe(interaction)}",
            data={"interaction_id": interaction.pk},
        )
        _after_change(
            owner,
            interaction.application,
            interaction.at if interaction.counts_as_reply else None,
        )
    return interaction


def interactions_of(owner: Owner, application: Application) -> list[Interaction]:
    """The application's interactions, newest first (the Application page)."""
    return list(
        Interaction.objects.filter(owner=owner, application=application)
        .select_related("contact")
        .order_by("-at", "-id")
    )
