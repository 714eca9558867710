"""`followup application add|edit|show|archive|unarchive|delete|restore|list`: an application
on its own, from a saved posting to the day it is archived, before any interview."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from followup.cli.shell import APPLICATION_ID, JSON_OPTION, console, fail, owner_scope, print_json

if TYPE_CHECKING:
    from followup.core.models import Application, FollowUp
    from followup.core.owner import Owner

STAGE_HELP = "saved (not applied yet) or applied (the default)."


def add(
    company: str = typer.Option(None, help="Company name, e.g. 'Savanna Mobile'."),
    role: str = typer.Option(None, help="Role title, e.g. 'Sales Executive'."),
    stage: str = typer.Option("applied", help=STAGE_HELP),
    applied: str = typer.Option(
        None, help="When you applied (YYYY-MM-DD); default today when applied."
    ),
    url: str = typer.Option(None, help="The job posting's web address."),
    location: str = typer.Option(None, help="Where the job is, e.g. 'Nairobi, hybrid'."),
    salary: str = typer.Option(None, help="The salary range, as written."),
    source: str = typer.Option(None, help="Where you found it: a job board, a referral…"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add an application before any interview: a saved posting or one you applied to."""
    if sys.stdin.isatty() and not as_json:
        if not company:
            company = typer.prompt("Company")
        if not role:
            role = typer.prompt("Role")
    if not company:
        fail("company", "is required (--company NAME)")
    if not role:
        fail("role", "is required (--role TITLE)")
    with owner_scope() as owner:
        from followup.core import services

        application = services.add_application(
            owner,
            services.ApplicationInput(
                company=company,
                role=role,
                stage=stage,
                applied=applied,
                url=url or "",
                location=location or "",
                salary=salary or "",
                source=source or "",
            ),
        )
        if as_json:
            print_json({"application_id": application.pk})
            return
        typer.echo(
            f"Added application {application.pk}: {application.role_title} at "
            f"{application.company.name} ({application.get_status_display().lower()})."
        )
        _print_plan(owner, application)


def edit(
    application_id: str = APPLICATION_ID,
    company: str = typer.Option(None, help="Another company (found or added by name)."),
    role: str = typer.Option(None, help="The role title."),
    stage: str = typer.Option(
        None, help="saved, applied, interviewing, offer, accepted, rejected, withdrawn…"
    ),
    applied: str = typer.Option(None, help="When you applied (YYYY-MM-DD)."),
    url: str = typer.Option(None, help="The job posting's web address ('' to clear)."),
    location: str = typer.Option(None, help="Where the job is."),
    salary: str = typer.Option(None, help="The salary range, as written."),
    source: str = typer.Option(None, help="Where you found it."),
    notes: str = typer.Option(None, help="Your notes on the application."),
    cv: str = typer.Option(None, help="Which CV version you sent."),
    cover_letter: str = typer.Option(None, help="Which cover letter version you sent."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Change an application's fields (only those given); the plan follows."""
    given = {
        "company": company,
        "role": role,
        "stage": stage,
        "applied": applied,
        "url": url,
        "location": location,
        "salary": salary,
        "source": source,
        "notes": notes,
        "cv": cv,
        "cover_letter": cover_letter,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    with owner_scope() as owner:
        from followup.core import services

        application = services.edit_application(owner, application_id, changes)
        if as_json:
            print_json(services.application_json(application))
            return
        typer.echo(
            f"Application {application.pk} saved: {application.role_title} at "
            f"{application.company.name} ({application.get_status_display().lower()})."
            if changes
            else "Nothing to change."
        )


def show(application_id: str = APPLICATION_ID, as_json: bool = JSON_OPTION) -> None:
    """Show an application's details, its open follow-ups and its timeline."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.lib.vocabulary import format_local

        application = services.get_application(owner, application_id)
        open_follow_ups = list(services.due_follow_ups(owner).filter(application=application))
        events = list(services.timeline(owner, application))
        if as_json:
            data = services.application_json(application)
            data["follow_ups"] = [services.follow_up_json(fu) for fu in open_follow_ups]
            data["timeline"] = [
                {"at": e.at.isoformat(), "kind": e.kind, "message": e.message} for e in events
            ]
            print_json(data)
            return
        details = services.application_json(application)
        out = console()
        out.print(
            f"{application.role_title} at {application.company.name} — "
            f"{application.get_status_display()}"
            + (" (archived)" if application.archived_at else ""),
            markup=False,
            highlight=False,
        )
        for key in ("applied_on", "url", "location", "salary", "source", "cv", "cover_letter"):
            if details[key]:
                out.print(f"  {key.replace('_', ' ')}: {details[key]}", markup=False)
        tz = services.get_profile(owner).time_zone
        for e in events:
            out.print(f"  {format_local(e.at, tz)}  {e.message}", markup=False, highlight=False)
        _print_plan(owner, application, open_follow_ups)


def archive(application_id: str = APPLICATION_ID) -> None:
    """Archive an application: hidden from the Pipeline, Today and lists, its plan on hold."""
    with owner_scope() as owner:
        from followup.core import services

        application = services.archive_application(owner, application_id)
        typer.echo(
            f"Archived application {application.pk} ({application}). "
            f"Undo: followup application unarchive {application.pk}"
        )


def unarchive(application_id: str = APPLICATION_ID) -> None:
    """Take an application out of the archive; its plan comes back."""
    with owner_scope() as owner:
        from followup.core import services

        application = services.unarchive_application(owner, application_id)
        typer.echo(f"Application {application.pk} ({application}) is back.")


def delete(
    application_id: str = APPLICATION_ID,
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete an application with its interviews and follow-ups (undo with `restore`)."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.core.services.trash import TRASH_DAYS

        application = services.get_application(owner, application_id)
        if not yes:
            try:
                confirmed = typer.confirm(
                    f"Delete {application} with its interviews and follow-ups?", err=True
                )
            except typer.Abort:
                confirmed = False
            if not confirmed:
                typer.echo("Nothing deleted.", err=True)
                raise typer.Exit(1)
        services.delete_application(owner, application.pk)
        typer.echo(
            f"Deleted application {application.pk} ({application}). Undo within {TRASH_DAYS} "
            f"days: followup application restore {application.pk}"
        )


def restore(application_id: str = APPLICATION_ID) -> None:
    """Undo the delete of an application: it comes back with what went with it."""
    with owner_scope() as owner:
        from followup.core import services

        application = services.restore_application(owner, application_id)
        typer.echo(f"Restored application {application.pk} ({application}).")


def list_applications(
    status: str = typer.Option(None, help="Only this stage, e.g. applied."),
    search: str = typer.Option(None, help="Company, role or a contact's name (any case)."),
    archived: bool = typer.Option(False, "--archived", help="Include archived applications."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List applications, most recently active first; search and filter by stage."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.lib.vocabulary import format_local

        rows = services.list_applications(
            owner, status=status, search=search, include_archived=archived
        )
        if as_json:
            print_json([services.application_row_json(row) for row in rows])
            return
        from rich.table import Table

        table = Table(title="Applications")
        for column in ("id", "company", "role", "stage", "applied", "next follow-up"):
            table.add_column(column)
        for row in rows:
            stage = row["status"].replace("_", " ") + (" (archived)" if row["archived_at"] else "")
            due = format_local(row["next_due"], row["next_due_tz"]) if row["next_due"] else "—"
            applied = row["applied_on"].isoformat() if row["applied_on"] else "—"
            table.add_row(
                str(row["pk"]), row["company_name"], row["role_title"], stage, applied, due
            )
        console().print(table)


def _print_plan(
    owner: Owner, application: Application, follow_ups: list[FollowUp] | None = None
) -> None:
    from followup.cli.shell import print_follow_ups, rows_of
    from followup.core import services

    if follow_ups is None:
        follow_ups = list(services.due_follow_ups(owner).filter(application=application))
    if follow_ups:
        print_follow_ups(rows_of(follow_ups), "Open follow-ups")
    elif sys.stdout.isatty():
        typer.echo("Nothing planned yet.")
