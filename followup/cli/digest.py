"""`followup digest send|at|show`: the daily digest email."""

from __future__ import annotations

import typer

from followup.cli.shell import owner_scope


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
