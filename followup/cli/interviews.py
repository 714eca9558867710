"""`followup interview add|import`, `plan`, `list`, `show`, `outcome`: interviews and the
applications they belong to."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from followup.cli.shell import (
    APPLICATION_ID,
    JSON_OPTION,
    console,
    fail,
    owner_scope,
    print_follow_ups,
    print_json,
    read_bytes,
    rows_of,
)


def add(
    company: str = typer.Option(None, help="Company name, e.g. 'Acme Ltd'."),
    role: str = typer.Option(None, help="Role title, e.g. 'Sales Executive'."),
    role_type: str = typer.Option(
        "standard", help="standard, sales, engineering, management or other."
    ),
    start: str = typer.Option(None, help="Start, local time: '2026-12-09 14:00'."),
    end: str = typer.Option(None, help="End, local time (or use --duration)."),
    duration: int = typer.Option(None, help="Length in minutes (default 60)."),
    tz: str = typer.Option(None, help="Time zone of the interview (IANA), default your own."),
    country: str = typer.Option(None, help="Company's country (ISO 3166), for public holidays."),
    interviewer: list[str] = typer.Option(
        [], help="'Name <email>' of an interviewer; repeat for a panel."
    ),
    recruiter: str = typer.Option(None, help="'Name <email>' of the recruiter or coordinator."),
    notes: str = typer.Option(None, help="What was discussed."),
    unasked: list[str] = typer.Option([], help="A question you did not get to ask; repeatable."),
    promised: str = typer.Option(
        None, help="What they promised, e.g. 'we'll get back to you by Friday'."
    ),
    commitment: list[str] = typer.Option(
        [], help="What you promised, e.g. 'send my portfolio by Tuesday'."
    ),
    check_website: bool = typer.Option(
        False, "--check-website", help="They asked you to check their website."
    ),
    round_name: str = typer.Option(None, "--round", help="Round name, e.g. 'Panel'."),
    format: str = typer.Option("video", help="phone, video or onsite."),
    application: int = typer.Option(
        None, help="Attach it to this existing application (its company and role)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record an interview and print the plan of follow-ups."""
    interactive = sys.stdin.isatty() and not as_json
    if interactive:
        if not company and application is None:
            company = typer.prompt("Company")
        if not role and application is None:
            role = typer.prompt("Role")
        if not start:
            start = _ask_start()
        if not interviewer:
            interviewer = _ask_interviewers()
        if promised is None:
            promised = typer.prompt(
                "What did they promise? (blank if nothing)", default="", show_default=False
            )
    if start is None:
        fail("start", "is required (e.g. --start '2026-12-09 14:00')")
    with owner_scope() as owner:
        from followup.core import services

        data = services.InterviewInput(
            company=company or "",
            role=role or "",
            role_type=role_type,
            start=start,
            end=end,
            duration_minutes=duration,
            tz=tz or "",
            country=(country or "").upper(),
            interviewers=list(interviewer),
            recruiter=recruiter or "",
            notes=notes or "",
            unasked=list(unasked),
            promised=promised or "",
            commitments=list(commitment),
            check_website=check_website,
            round_name=round_name or "",
            format=format,
            application_id=application,
        )
        recorded = services.record_interview(owner, data)
        if as_json:
            print_json(
                {
                    "application_id": recorded.application.pk,
                    "interview_id": recorded.interview.pk,
                    "follow_up_ids": [fu.pk for fu in recorded.follow_ups],
                }
            )
            return
        typer.echo(
            f"Recorded interview {recorded.interview.pk} for application {recorded.application.pk} "
            f"({recorded.application.role_title} at {recorded.application.company.name})."
        )
        print_follow_ups(rows_of(recorded.follow_ups), "The plan")


def _ask_start() -> str:
    """The start, asked again until it reads as a date and time (the zone comes later)."""
    from datetime import datetime

    while True:
        answer = str(typer.prompt("Start (YYYY-MM-DD HH:MM, local time)")).strip()
        try:
            datetime.fromisoformat(answer.replace("T", " "))
        except ValueError:
            typer.echo(
                f"error: start: {answer!r} is not a date and time like 2026-12-11 14:00", err=True
            )
            continue
        return answer


def _ask_interviewers() -> list[str]:
    """Interviewers one per line, each checked as it is typed (the strict "Name <email>" parser
    the services use); a malformed one is asked again, a blank line finishes."""
    from followup.lib.addresses import BadAddress, parse_addressed_person

    people: list[str] = []
    while True:
        label = "Interviewer" if not people else "Another interviewer"
        answer = str(
            typer.prompt(
                f"{label} ('Name <email>', blank to finish)", default="", show_default=False
            )
        ).strip()
        if not answer:
            return people
        try:
            parse_addressed_person(answer)
        except BadAddress as exc:
            typer.echo(f"error: interviewer: {exc}", err=True)
            continue
        people.append(answer)


def import_invitation(
    file: Path = typer.Argument(..., help="An .ics invitation (Google Calendar, Outlook, Zoom…)."),
    company: str = typer.Option(None, help="Company, when the invitation does not say it."),
    role: str = typer.Option(None, help="Role title, when the invitation does not say it."),
    tz: str = typer.Option(None, help="Zone of a time written without one (default: yours)."),
    country: str = typer.Option(None, help="Company's country (ISO 3166), for public holidays."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import an interview from a calendar invitation: new, rescheduled or cancelled."""
    data = read_bytes(file)
    with owner_scope() as owner:
        from followup.core import invitation_import

        results = invitation_import.import_invitation(
            owner, data, company=company or "", role=role or "", tz=tz or "", country=country or ""
        )
        if as_json:
            print_json([r.as_json() for r in results])
            return
        for r in results:
            where = (
                f" (interview {r.interview.pk}, application {r.application.pk})"
                if r.interview and r.application
                else ""
            )
            typer.echo(f"{r.action}: {r.message}{where}")


def plan(
    interview_id: str = typer.Argument(..., help="Interview id."), as_json: bool = JSON_OPTION
) -> None:
    """Re-plan an interview's application and print its open follow-ups."""
    with owner_scope() as owner:
        from followup.core import services

        interview = services.get_interview(owner, interview_id)
        follow_ups = services.replan(owner, interview.application)
        if as_json:
            print_json([services.follow_up_json(fu) for fu in follow_ups])
        else:
            print_follow_ups(rows_of(follow_ups), f"Plan for {interview.application}")


def list_applications(as_json: bool = JSON_OPTION) -> None:
    """List applications with their status."""
    with owner_scope() as owner:
        from followup.core import services

        rows = list(services.applications(owner))
        if as_json:
            print_json(
                [
                    {
                        "id": a.pk,
                        "company": a.company.name,
                        "role": a.role_title,
                        "role_type": a.role_type,
                        "status": a.status,
                        "keep_warm": a.keep_warm,
                    }
                    for a in rows
                ]
            )
            return
        from rich.table import Table

        table = Table(title="Applications")
        for column in ("id", "company", "role", "status"):
            table.add_column(column)
        for a in rows:
            table.add_row(str(a.pk), a.company.name, a.role_title, a.get_status_display())
        console().print(table)


def show(application_id: str = APPLICATION_ID, as_json: bool = JSON_OPTION) -> None:
    """Show an application's timeline and open follow-ups."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.lib.vocabulary import format_local

        application = services.get_application(owner, application_id)
        events = list(services.timeline(owner, application))
        open_follow_ups = list(services.due_follow_ups(owner).filter(application=application))
        # Their ids, for `followup interview edit|delete ID`.
        interviews = list(
            application.interviews.filter(owner=owner)
            .prefetch_related("interviewers")
            .order_by("start", "id")
        )
        if as_json:
            print_json(
                {
                    "id": application.pk,
                    "company": application.company.name,
                    "role": application.role_title,
                    "status": application.status,
                    "interviews": [
                        {
                            "id": i.pk,
                            "round": i.round_name,
                            "start": i.start.isoformat(),
                            "cancelled": i.cancelled,
                            "interviewers": [c.name for c in i.interviewers.all()],
                        }
                        for i in interviews
                    ],
                    "timeline": [
                        {"at": e.at.isoformat(), "kind": e.kind, "message": e.message}
                        for e in events
                    ],
                    "follow_ups": [services.follow_up_json(fu) for fu in open_follow_ups],
                }
            )
            return
        out = console()
        out.print(
            f"[bold]{application.role_title}[/bold] at {application.company.name} — {application.get_status_display()}"
        )
        tz = services.get_profile(owner).time_zone
        for i in interviews:
            people = ", ".join(c.name for c in i.interviewers.all())
            line = f"  interview {i.pk}: {i.round_name or 'Interview'}, {format_local(i.start, i.time_zone)}"
            line += (f" with {people}" if people else "") + (" (cancelled)" if i.cancelled else "")
            out.print(line, markup=False, highlight=False)
        for e in events:
            out.print(f"  {format_local(e.at, tz)}  {e.message}", markup=False, highlight=False)
        if open_follow_ups:
            print_follow_ups(rows_of(open_follow_ups), "Open follow-ups")


def outcome(
    application_id: str = APPLICATION_ID,
    result: str = typer.Argument(..., help="rejected, offer, accepted, withdrawn or next-round."),
    at: str = typer.Option(
        None, help="When it happened (YYYY-MM-DD HH:MM, your zone); default now."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Set an application's outcome and re-plan (a rejection plans a gracious reply)."""
    with owner_scope() as owner:
        from followup.core import services

        when = None
        if at:
            when = services.parse_local_datetime(at, services.get_profile(owner).time_zone, "at")
        follow_ups = services.set_outcome(owner, application_id, result, at=when)
        if as_json:
            print_json([services.follow_up_json(fu) for fu in follow_ups])
        else:
            typer.echo(f"Application {application_id}: {result}.")
            if follow_ups:
                print_follow_ups(rows_of(follow_ups), "Open follow-ups")
