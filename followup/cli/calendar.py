"""`followup calendar url|revoke|export`: interviews and follow-ups in your calendar app."""

from __future__ import annotations

from pathlib import Path

import typer

from followup.cli.shell import JSON_OPTION, fail, owner_scope, print_json


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
        from followup.core.site import is_local_only

        if is_local_only(urls["https"]):
            typer.echo(LOCAL_ONLY_NOTE, err=True)
        else:
            typer.echo(f"(Google Calendar: add by URL with {urls['https']})", err=True)


LOCAL_ONLY_NOTE = (
    "This URL works only on this computer: a calendar app here can subscribe to it, but a "
    "phone or a cloud calendar (Google, iCloud, Outlook.com) cannot reach it. For those, write "
    "the calendar to a file with `followup calendar export FILE` and import that file, or set "
    "FOLLOWUP_SITE_URL to an address they can reach."
)


def calendar_revoke() -> None:
    """Turn the calendar feed off: its URL stops working."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        notify.revoke_calendar(owner)
        typer.echo("The calendar feed is off; `followup calendar url` makes a new URL.")


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
