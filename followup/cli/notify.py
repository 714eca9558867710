"""`followup notify add|test|list|remove|resume|deliver`: push reminders through Apprise URLs."""

from __future__ import annotations

import typer

from followup.cli.shell import CHANNEL_ID, JSON_OPTION, owner_scope, print_json


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


def notify_remove(channel_id: str = CHANNEL_ID) -> None:
    """Remove a channel."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        notify.remove_channel(owner, channel_id)
        typer.echo(f"Removed channel {channel_id}.")


def notify_resume(channel_id: str = CHANNEL_ID) -> None:
    """Resume a paused channel once you have fixed what made it fail."""
    with owner_scope() as owner:
        from followup.notify import services as notify

        channel = notify.resume_channel(owner, channel_id)
        typer.echo(f"Channel {channel.pk} ({channel.label}) is active again.")


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
