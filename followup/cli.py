"""The `followup` command: a thin Typer shell over followup.core.services.

Start-up matters (people run `followup due` often): Django, Rich and the services are imported
inside the commands, not at module level.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from followup.core.models import FollowUp

app = typer.Typer(
    name="followup",
    help="The job seeker's follow-up desk: record an interview, get a dated plan of every "
    "follow-up with a ready draft.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
interview_app = typer.Typer(help="Record and import interviews.", no_args_is_help=True)
app.add_typer(interview_app, name="interview")

JSON_OPTION = typer.Option(False, "--json", help="Print JSON with stable keys instead of a table.")


def fail(field: str, message: str) -> NoReturn:
    """One line naming the field, exit code 2: the contract for bad input."""
    typer.echo(f"error: {field}: {message}", err=True)
    raise typer.Exit(2)


def setup() -> None:
    """Configure Django; on a fresh SQLite home, create the database first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followup.settings")
    from followup.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        message = str(exc)
        field, _, rest = message.partition(": ")
        fail(field, rest or message)
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not _sqlite_has_schema(Path(db["NAME"])):
        migrate(quiet=True)


def _sqlite_has_schema(path: Path) -> bool:
    # Cheaper than asking the migration loader: a fresh home has no file, or an empty one.
    return path.exists() and path.stat().st_size > 0


def migrate(quiet: bool = False) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)


@contextmanager
def owner_scope() -> Iterator[AbstractBaseUser]:
    """Set up Django, yield the local user, and turn service errors into exit code 2."""
    setup()
    from followup.core.errors import InvalidInput, NotFound
    from followup.core.queries import get_local_user

    try:
        yield get_local_user()
    except (InvalidInput, NotFound) as exc:
        fail(exc.field, exc.message)


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; one line for a pipe, where the C encoder (which
    indent= turns off) writes 10,000 rows in a third of the time."""
    indent = 2 if sys.stdout.isatty() else None
    typer.echo(json.dumps(data, indent=indent, ensure_ascii=False, default=str))


def _console() -> Any:
    from rich.console import Console

    return Console()


def _local(due: datetime, tz: str) -> str:
    from followup.core.queries import zone

    local = due.astimezone(zone(tz))
    year = "" if local.year == datetime.now().year else f" {local.year}"
    return local.strftime(f"%a %d %b{year} %H:%M ") + (local.tzname() or "")


def rows_of(follow_ups: list[FollowUp]) -> list[dict[str, Any]]:
    from followup.core.queries import follow_up_row

    return [follow_up_row(fu) for fu in follow_ups]


def print_follow_ups(rows: list[dict[str, Any]], title: str) -> None:
    """A table of follow-up rows (the dicts of `followup.core.queries`)."""
    from rich.table import Table

    console = _console()
    wide = console.width >= 110
    table = Table(title=title, show_lines=not wide, expand=True)
    table.add_column("id", no_wrap=True, justify="right")
    table.add_column("due", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("to", ratio=1)
    if wide:
        table.add_column("status", no_wrap=True)
    table.add_column("why", ratio=3)
    for row in rows:
        what = row["kind"].replace("_", "-")
        if row["channel"] != "email":
            what += f" ({row['channel']})"
        cells = [
            str(row["id"]),
            _local(row["due"], row["due_tz"]),
            what,
            row["recipient__name"] or "—",
        ]
        if wide:
            cells.append(row["status"])
        table.add_row(*cells, row["reason"])
    console.print(table)


# ---------------------------------------------------------------------------------------------


@interview_app.command("add")
def interview_add(
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
    application: int = typer.Option(None, help="Add a further round to this application id."),
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
            start = typer.prompt("Start (YYYY-MM-DD HH:MM, local time)")
        if promised is None:
            promised = typer.prompt(
                "What did they promise? (blank if nothing)", default="", show_default=False
            )
    with owner_scope() as owner:
        from followup.core import services

        if start is None:
            fail("start", "is required (e.g. --start '2026-12-09 14:00')")
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


@app.command("plan")
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


def _parse_until(until: str | None, tz: str) -> datetime | None:
    from datetime import date, timedelta

    from followup.core.queries import end_of_day, zone

    text = (until or "all").strip().lower()
    if text == "all":
        return None
    today = datetime.now(zone(tz)).date()
    if text == "today":
        day = today
    elif text == "tomorrow":
        day = today + timedelta(days=1)
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            fail("until", f"{until!r} is not a date like 2026-12-15 (or today, tomorrow, all)")
    return end_of_day(day, tz)


@app.command("due")
def due(
    until: str = typer.Option(
        "today", help="List what is due by the end of this day: YYYY-MM-DD, today, tomorrow or all."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """List open follow-ups due by the end of today (or --until), overdue first."""
    with owner_scope() as owner:
        from followup.core import queries

        profile = queries.get_profile(owner)
        rows = queries.due_rows(owner, _parse_until(until, profile.time_zone))
        if as_json:
            print_json([queries.row_json(row) for row in rows])
        elif not rows:
            typer.echo("Nothing due. Record an interview with `followup interview add`.")
        else:
            print_follow_ups(rows, "Due")


@app.command("list")
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
        _console().print(table)


@app.command("show")
def show(
    application_id: str = typer.Argument(..., help="Application id."), as_json: bool = JSON_OPTION
) -> None:
    """Show an application's timeline and open follow-ups."""
    with owner_scope() as owner:
        from followup.core import services

        application = services.get_application(owner, application_id)
        events = list(services.timeline(owner, application))
        open_follow_ups = list(services.due_follow_ups(owner).filter(application=application))
        if as_json:
            print_json(
                {
                    "id": application.pk,
                    "company": application.company.name,
                    "role": application.role_title,
                    "status": application.status,
                    "timeline": [
                        {"at": e.at.isoformat(), "kind": e.kind, "message": e.message}
                        for e in events
                    ],
                    "follow_ups": [services.follow_up_json(fu) for fu in open_follow_ups],
                }
            )
            return
        console = _console()
        console.print(
            f"[bold]{application.role_title}[/bold] at {application.company.name} — {application.get_status_display()}"
        )
        for e in events:
            console.print(f"  {e.at:%Y-%m-%d %H:%M}  {e.message}", markup=False, highlight=False)
        if open_follow_ups:
            print_follow_ups(rows_of(open_follow_ups), "Open follow-ups")


@app.command("draft")
def draft(
    follow_up_id: str = typer.Argument(..., help="Follow-up id."), as_json: bool = JSON_OPTION
) -> None:
    """Print a follow-up's draft and the draft checker's warnings."""
    with owner_scope() as owner:
        from followup.core import services

        fu = services.get_follow_up(owner, follow_up_id)
        warnings = services.draft_warnings(owner, fu)
        if as_json:
            print_json(services.follow_up_json(fu, warnings))
            return
        typer.echo(f"To: {fu.recipient or '(no recipient)'}")
        typer.echo(f"Subject: {fu.subject}")
        typer.echo("")
        typer.echo(fu.body)
        for w in warnings:
            typer.echo(f"warning: {w.message}", err=True)


def _act(
    action: Callable[[Any, str], FollowUp], follow_up_id: str, as_json: bool, verb: str
) -> None:
    with owner_scope() as owner:
        from followup.core import services

        fu = action(owner, follow_up_id)
        if as_json:
            print_json(services.follow_up_json(fu))
        else:
            typer.echo(f"Follow-up {fu.pk} ({fu.kind}) {verb}.")


@app.command("done")
def done(
    follow_up_id: str = typer.Argument(..., help="Follow-up id."), as_json: bool = JSON_OPTION
) -> None:
    """Mark a follow-up done (you sent it yourself, or made the call)."""
    from followup.core import services

    _act(lambda o, i: services.mark_done(o, i), follow_up_id, as_json, "marked done")


@app.command("skip")
def skip(
    follow_up_id: str = typer.Argument(..., help="Follow-up id."), as_json: bool = JSON_OPTION
) -> None:
    """Skip a follow-up: it will not be planned again."""
    from followup.core import services

    _act(lambda o, i: services.skip(o, i), follow_up_id, as_json, "skipped")


@app.command("replied")
def replied(
    follow_up_id: str = typer.Argument(..., help="Follow-up id."), as_json: bool = JSON_OPTION
) -> None:
    """Record that they replied (mail, call, meeting): the check-in ladder stops."""
    from followup.core import services

    _act(lambda o, i: services.record_reply(o, i), follow_up_id, as_json, "recorded as replied")


@app.command("sent")
def sent(
    follow_up_id: str = typer.Argument(..., help="Follow-up id."), as_json: bool = JSON_OPTION
) -> None:
    """Mark a follow-up sent (you sent it from your own mail app)."""
    from followup.core import services

    _act(lambda o, i: services.mark_sent(o, i), follow_up_id, as_json, "marked sent")


@app.command("outcome")
def outcome(
    application_id: str = typer.Argument(..., help="Application id."),
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


@app.command("export")
def export(
    format: str = typer.Option("json", "--format", help="json or csv."),
    output: Path = typer.Option(
        None, "--output", "-o", help="Write to this file instead of standard output."
    ),
) -> None:
    """Export all your data (import it elsewhere with `followup import`)."""
    if format not in ("json", "csv"):
        fail("format", f"{format!r} is not json or csv")
    with owner_scope() as owner:
        from followup.core import portability

        text = portability.export_text(owner, format)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"Wrote {output}.", err=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A file written by `followup export` (json or csv)."),
) -> None:
    """Import data exported by `followup export` into this home."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail("file", f"cannot read {str(file)!r}: {getattr(exc, 'strerror', None) or exc}")
    with owner_scope() as owner:
        from followup.core import portability

        counts = portability.import_text(owner, text)
        typer.echo("Imported " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")


@app.command("demo")
def demo() -> None:
    """Fill this home with a realistic job search, to see the product at once."""
    with owner_scope() as owner:
        from followup.core import demo as demo_data

        summary = demo_data.create_demo(owner)
        typer.echo(summary)


@app.command("serve")
def serve(
    host: str = typer.Option(
        "127.0.0.1", help="Address to listen on (loopback unless hosted mode)."
    ),
    port: int = typer.Option(8000, help="Port to listen on."),
    open_browser: bool = typer.Option(
        False, "--open", help="Open the sign-in link in your browser."
    ),
    no_worker: bool = typer.Option(False, "--no-worker", help="Do not run the background worker."),
) -> None:
    """Run the web app (waitress) and print a one-time sign-in link."""
    setup()
    from followup.core.errors import InvalidInput
    from followup.front import server as web

    migrate(quiet=True)
    try:
        srv = web.create(host, port, worker=not no_worker)
    except InvalidInput as exc:
        fail(exc.field, exc.message)
    import signal

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (a service manager) stops as cleanly as Ctrl-C

    signal.signal(signal.SIGTERM, _stop)
    try:
        typer.echo(f"followup is running at {srv.base_url}/ ({srv.worker_notice})")
        typer.echo("Open this link to sign in (it works once; restart for a fresh one):")
        typer.echo(f"    {srv.sign_in_url}")
        typer.echo("Press Ctrl-C to stop.")
        if open_browser:
            import webbrowser

            webbrowser.open(srv.sign_in_url)
        srv.run()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop_worker()


# ---------------------------------------------------------------------------------------------
# Reminders: push notifications, the calendar feed, invitations, the daily digest


@interview_app.command("import")
def interview_import(
    file: Path = typer.Argument(..., help="An .ics invitation (Google Calendar, Outlook, Zoom…)."),
    company: str = typer.Option(None, help="Company, when the invitation does not say it."),
    role: str = typer.Option(None, help="Role title, when the invitation does not say it."),
    tz: str = typer.Option(None, help="Zone of a time written without one (default: yours)."),
    country: str = typer.Option(None, help="Company's country (ISO 3166), for public holidays."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import an interview from a calendar invitation: new, rescheduled or cancelled."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail("file", f"cannot read {str(file)!r}: {exc.strerror or exc}")
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


notify_app = typer.Typer(
    help="Push reminders through Apprise URLs (ntfy, Telegram, Slack, email, SMS…).",
    no_args_is_help=True,
)
app.add_typer(notify_app, name="notify")


@notify_app.command("add")
def notify_add(
    url: str = typer.Argument(
        ..., help="An Apprise URL, e.g. ntfys://my-topic or tgram://TOKEN/CHAT."
    ),
    label: str = typer.Option("", help="A name for it, e.g. 'Phone'."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a channel for push reminders (stored encrypted, never shown back)."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        channel = notify.add_channel(owner, url, label)
        if as_json:
            print_json(notify.channel_json(channel))
            return
        typer.echo(
            f"Added channel {channel.pk} ({channel.label}). Try it: followup notify test {channel.pk}"
        )


@notify_app.command("test")
def notify_test(
    channel_id: str = typer.Argument(None, help="Channel id (default: every channel)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Send a test message to your channels and say plainly what failed."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        results = notify.test_channels(owner, channel_id)
        if as_json:
            print_json(
                [{"id": r.channel.pk, "ok": r.ok, "error": r.error or None} for r in results]
            )
        elif not results:
            typer.echo("No channels yet: add one with `followup notify add URL`.")
        for r in results:
            if not as_json:
                status = "OK" if r.ok else f"failed: {r.error}"
                typer.echo(f"{r.channel.pk} {r.channel.label}: {status}")
        if any(not r.ok for r in results):
            raise typer.Exit(1)


@notify_app.command("list")
def notify_list(as_json: bool = JSON_OPTION) -> None:
    """List your channels, paused ones with the error that paused them."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        rows = [notify.channel_json(c) for c in notify.channels(owner)]
        if as_json:
            print_json(rows)
            return
        if not rows:
            typer.echo("No channels yet: add one with `followup notify add URL`.")
        for row in rows:
            state = "paused" if row["paused"] else "active"
            line = f"{row['id']} {row['label']} ({row['service']}://…) {state}"
            if row["last_error"]:
                line += f" — last error: {row['last_error']}"
            typer.echo(line)


@notify_app.command("remove")
def notify_remove(channel_id: str = typer.Argument(..., help="Channel id.")) -> None:
    """Remove a channel."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        notify.remove_channel(owner, channel_id)
        typer.echo(f"Removed channel {channel_id}.")


@notify_app.command("resume")
def notify_resume(channel_id: str = typer.Argument(..., help="Channel id.")) -> None:
    """Resume a paused channel once you have fixed what made it fail."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        channel = notify.resume_channel(owner, channel_id)
        typer.echo(f"Channel {channel.pk} ({channel.label}) is active again.")


@notify_app.command("deliver")
def notify_deliver() -> None:
    """Deliver due reminders now (the worker does this on its own)."""
    with owner_scope() as owner:
        from followup.notify import push

        report = push.deliver_reminders(owner=owner)
        typer.echo(
            f"{report.delivered} delivered, {report.retried} to retry, {report.failed} failed"
            + (f", channels paused: {report.paused_channels}" if report.paused_channels else "")
            + "."
        )


calendar_app = typer.Typer(
    help="Your interviews and follow-ups in your calendar app (a subscribed feed).",
    no_args_is_help=True,
)
app.add_typer(calendar_app, name="calendar")


@calendar_app.command("url")
def calendar_url(
    regenerate: bool = typer.Option(
        False, "--regenerate", help="Make a new secret URL; the old one stops working."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print your calendar feed's secret webcal:// URL (subscribe to it in your calendar app)."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        urls = notify.calendar_urls(owner, regenerate=regenerate)
        if as_json:
            print_json(urls)
            return
        typer.echo(urls["webcal"])
        typer.echo(f"(Google Calendar: add by URL with {urls['https']})", err=True)


@calendar_app.command("revoke")
def calendar_revoke() -> None:
    """Turn the calendar feed off: its URL stops working."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        notify.revoke_calendar(owner)
        typer.echo("The calendar feed is off; `followup calendar url` makes a new URL.")


@calendar_app.command("export")
def calendar_export(file: Path = typer.Argument(..., help="The .ics file to write.")) -> None:
    """Write your interviews and follow-ups to an .ics file."""
    with owner_scope() as owner:
        from followup.notify import feed

        data = feed.build_feed(owner)
        try:
            file.write_bytes(data)
        except OSError as exc:
            fail("file", f"cannot write {str(file)!r}: {exc.strerror or exc}")
        typer.echo(f"Wrote {file}.", err=True)


digest_app = typer.Typer(help="The daily digest email.", no_args_is_help=True)
app.add_typer(digest_app, name="digest")


@digest_app.command("send")
def digest_send(
    now: bool = typer.Option(
        False, "--now", help="Send today's digest now, whatever the hour, even again."
    ),
) -> None:
    """Send today's digest if its hour has come (the worker does this on its own)."""
    with owner_scope() as owner:
        from followup.notify import digest

        outcome = digest.send_digest(owner, force=now)
        typer.echo(outcome.message)
        if outcome.status in ("retry", "failed"):
            raise typer.Exit(1)


@digest_app.command("at")
def digest_at(hour: str = typer.Argument(..., help="Local hour 0–23, or off.")) -> None:
    """Choose the local hour of the daily digest, or turn it off."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        profile = notify.set_digest_hour(owner, hour)
        if profile.digest_hour is None:
            typer.echo("The daily digest is off.")
        else:
            typer.echo(
                f"The daily digest goes at {profile.digest_hour:02d}:00 ({profile.time_zone})."
            )


@digest_app.command("show")
def digest_show() -> None:
    """Print today's digest without sending it."""
    with owner_scope() as owner:
        from django.utils import timezone

        from followup.notify import digest

        composed = digest.compose(owner, timezone.now())
        if composed.is_empty:
            typer.echo("Nothing to say today: no digest would be sent.")
        else:
            typer.echo(digest.render_text(composed), nl=False)


@app.command("migrate")
def migrate_command() -> None:
    """Create or update the database (make run does this for you)."""
    setup()
    migrate()


# Mail: `mail add|show|test|sync|outbox|replies|confirm|confirm-sent`, `approve`, `worker`,
# `drafts push` (defined in followup/mail/cli.py; Typer only at import time).
from followup.mail.cli import register as _register_mail_commands  # noqa: E402

_register_mail_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
