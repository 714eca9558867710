"""`followup serve`, `worker`, `migrate`, `demo`, `export` and `import`: running the product and
moving its data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from followup.cli.shell import fail, migrate, owner_scope, print_json, read_bytes, setup

if TYPE_CHECKING:
    from followup.front import server as web_server


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
    import signal

    setup()
    from followup.core.errors import InvalidInput
    from followup.front import server as web

    migrate(quiet=True)
    try:
        srv = web.create(host, port, worker=not no_worker)
    except InvalidInput as exc:
        fail(exc.field, exc.message)
    links = _record_address(srv)

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (a service manager) stops as cleanly as Ctrl-C

    signal.signal(signal.SIGTERM, _stop)
    try:
        typer.echo(f"followup is running at {srv.base_url}/ ({srv.worker_notice})")
        typer.echo("Open this link to sign in (it works once; restart for a fresh one):")
        typer.echo(f"    {srv.sign_in_url}")
        typer.echo(f"Links in reminders and the calendar feed point to {links}/.")
        typer.echo("Press Ctrl-C to stop.")
        if open_browser:
            import webbrowser

            webbrowser.open(srv.sign_in_url)
        srv.run()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop_worker()


def _record_address(srv: web_server.Server) -> str:
    """Record where this server listens, for the worker and the other commands' links (unless
    FOLLOWUP_SITE_URL names the address); return the address links use."""
    import contextlib
    import ipaddress
    import socket

    from followup.core import site
    from followup.front.server import url_host

    host = srv.host
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).is_unspecified:  # every interface (hosted): name the machine
            host = socket.getfqdn()
    site.record_site_url(f"http://{url_host(host)}:{srv.port}")
    return site.site_url()


def worker(
    once: bool = typer.Option(
        False, "--once", help="Run every task once (send, recover, poll) and exit."
    ),
) -> None:
    """Send approved follow-ups, check for replies and recover interrupted sends until stopped (SIGTERM or Ctrl-C stops it between messages)."""
    import threading

    setup()
    from followup import worker as worker_loop

    stop = threading.Event()
    worker_loop.install_signal_handlers(stop)
    if not once:
        typer.echo("followup worker running (Ctrl-C to stop).", err=True)
    worker_loop.run(stop, once=once)


def migrate_command() -> None:
    """Create or update the database (make run does this for you)."""
    setup()
    migrate()


def demo() -> None:
    """Fill this home with a realistic job search, to see the product at once."""
    with owner_scope() as owner:
        from followup.core import demo as demo_data

        typer.echo(demo_data.create_demo(owner))


def export(
    format: str = typer.Option(
        "json", "--format", help="json or csv (csv with -o FILE.zip: one CSV file per record type)."
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Write to this file instead of standard output."
    ),
) -> None:
    """Export all your data (import it elsewhere with `followup import`)."""
    if format not in ("json", "csv"):
        fail("format", f"{format!r} is not json or csv")
    as_zip = output is not None and output.suffix.lower() == ".zip"
    if as_zip and format != "csv":
        fail("output", "a .zip holds the CSV export: add --format csv, or name a .json file")
    if output is not None and not output.parent.is_dir():
        # Checked before the export is built: a typo in the path is told at once.
        fail("output", f"the folder {str(output.parent)!r} does not exist")
    with owner_scope() as owner:
        from followup.core import portability

        if output is None:
            sys.stdout.write(portability.export_text(owner, format))
            if format == "csv":
                typer.echo(
                    "This is every record type in one CSV file. For a spreadsheet, "
                    "`followup export --format csv -o export.zip` writes one CSV file per "
                    "record type.",
                    err=True,
                )
            return
        try:
            if as_zip:
                output.write_bytes(portability.export_zip(owner))
            else:
                output.write_text(portability.export_text(owner, format), encoding="utf-8")
        except OSError as exc:  # a folder, no permission, a full disk
            fail("output", f"cannot write {str(output)!r}: {exc.strerror or exc}")
        typer.echo(f"Wrote {output}.", err=True)


def import_data(
    file: Path = typer.Argument(
        ..., help="A file written by `followup export` (json, csv or the zip of CSV files)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print what would be added and changed, and change nothing."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON with stable keys instead of lines."
    ),
) -> None:
    """Import data exported by `followup export`: records are matched by their uuid, so
    importing the same file twice changes nothing."""
    raw = read_bytes(file)
    with owner_scope() as owner:
        from followup.core import portability

        report = portability.import_file(owner, raw, dry_run=dry_run)
        if as_json:
            print_json(report.as_json())
            return
        if dry_run:
            typer.echo(f"Dry run: nothing was changed. Importing {file} would:")
            added, changed = "to add", "to change"
        else:
            typer.echo(f"Imported {file}:")
            added, changed = "added", "changed"
        lines = []
        if report.profile:
            lines.append(f"settings: {changed if report.profile == 'changed' else 'unchanged'}")
        for name, tally in report.records.items():
            if tally.added or tally.changed or tally.unchanged:
                lines.append(
                    f"{name}: {tally.added} {added}, {tally.changed} {changed}, "
                    f"{tally.unchanged} unchanged"
                )
        for line in lines or ["the file holds no records"]:
            typer.echo(f"  {line}")
