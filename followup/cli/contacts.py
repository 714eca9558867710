"""`followup contact list|show|edit|delete|restore`: the people of your job search, each with
their history across applications."""

from __future__ import annotations

from typing import Any

import typer

from followup.cli.shell import (
    JSON_OPTION,
    confirm_deletion,
    console,
    owner_scope,
    print_json,
)

CONTACT_ID: Any = typer.Argument(..., help="Contact id.")


def contact_list(
    search: str = typer.Option(
        "", "--search", help="Only contacts whose name, email, company or title contains TEXT."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """List your contacts by name (--search to find some), 200 at most."""
    with owner_scope() as owner:
        from followup.core.services import contacts

        page = contacts.list_contacts(owner, search, per_page=200)
        if as_json:
            print_json([contacts.contact_json(c) for c in page.contacts])
            return
        if not page.contacts:
            typer.echo("No contacts." if not search else f"No contact matches {search!r}.")
            return
        from rich.table import Table

        table = Table(title="Contacts", expand=True)
        for column in ("id", "name", "company", "title", "email", "phone", "channel"):
            table.add_column(column, no_wrap=column in ("id", "phone"))
        for c in page.contacts:
            table.add_row(
                str(c.pk),
                c.name,
                c.company.name if c.company else "",
                c.title,
                c.email,
                c.phone,
                c.get_preferred_channel_display() if c.preferred_channel else "",
            )
        console().print(table)
        if page.has_more:
            typer.echo("More contacts than shown: narrow them with --search.")


def contact_show(contact_id: str = CONTACT_ID, as_json: bool = JSON_OPTION) -> None:
    """Show a contact and their history: interviews, follow-ups, calls, across applications."""
    with owner_scope() as owner:
        from followup.core.services import contacts
        from followup.lib.vocabulary import format_local

        history = contacts.contact_history(owner, contact_id)
        if as_json:
            print_json(
                {
                    **contacts.contact_json(history.contact),
                    "applications": [
                        {"id": a.pk, "company": a.company.name, "role": a.role_title}
                        for a in history.applications
                    ],
                    "history": [
                        {
                            "at": item.at.isoformat(),
                            "what": item.what,
                            "text": item.text,
                            "application_id": item.application.pk,
                        }
                        for item in history.items
                    ],
                }
            )
            return
        for name, value in contacts.contact_json(history.contact).items():
            if name != "uuid":
                shown = str(value).replace("\n", " / ") if value else "—"
                typer.echo(f"{name}: {shown}")
        tz = _user_zone(owner)
        for app in history.applications:
            typer.echo(f"application {app.pk}: {app.role_title} at {app.company.name}")
        out = console()
        for item in history.items:
            line = f"  {format_local(item.at, tz)}  {item.what}"
            if item.text:
                line += f": {' '.join(item.text.split())}"
            out.print(line, markup=False, highlight=False)


def _user_zone(owner: Any) -> str:
    from followup.core.queries import get_profile

    return str(get_profile(owner).time_zone)


def contact_edit(
    contact_id: str = CONTACT_ID,
    name: str = typer.Option(None, "--name", help="Their name."),
    email: str = typer.Option(None, "--email", help='Their email address ("" removes it).'),
    phone: str = typer.Option(
        None,
        "--phone",
        help="Their phone number; without a country code it is read as one of the company's "
        "country (else yours). Stored as +<country code><number>.",
    ),
    title: str = typer.Option(None, "--title", help="Their job title."),
    company: str = typer.Option(None, "--company", help="The company they work for."),
    linkedin: str = typer.Option(None, "--linkedin", help="Their LinkedIn profile's URL."),
    tz: str = typer.Option(None, "--tz", help="Their IANA time zone, e.g. Europe/London."),
    channel: str = typer.Option(
        None,
        "--channel",
        help='How they prefer to be reached: email, phone, whatsapp or linkedin ("": as each '
        "follow-up's rule says). Their open follow-ups move to it.",
    ),
    notes: str = typer.Option(None, "--notes", help="Your notes about them."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Change a contact (what you do not give stays); their plans follow."""
    changes = {
        "name": name,
        "email": email,
        "phone": phone,
        "title": title,
        "company": company,
        "linkedin": linkedin,
        "tz": tz,
        "channel": channel,
        "notes": notes,
    }
    with owner_scope() as owner:
        from followup.core.services import contacts

        contact = contacts.edit_contact(owner, contact_id, **changes)
        if as_json:
            print_json(contacts.contact_json(contact))
        elif any(value is not None for value in changes.values()):
            typer.echo(f"Contact {contact.pk} ({contact.name}) saved.")
        else:
            typer.echo("Nothing to change.")


def contact_delete(
    contact_id: str = CONTACT_ID,
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete a contact (undo with `followup contact restore ID` within 30 days)."""
    with owner_scope() as owner:
        from followup.core.services import contacts

        contact = contacts.get_contact(owner, contact_id)
        confirm_deletion(f"Delete {contact.name}?", yes)
        contacts.delete_contact(owner, contact.pk)
        typer.echo(
            f"Contact {contact.pk} ({contact.name}) deleted; "
            f"`followup contact restore {contact.pk}` brings them back."
        )


def contact_restore(contact_id: str = CONTACT_ID) -> None:
    """Bring back a deleted contact; their applications are re-planned."""
    with owner_scope() as owner:
        from followup.core.services import contacts

        contact = contacts.restore_contact(owner, contact_id)
        typer.echo(f"Contact {contact.pk} ({contact.name}) restored.")
