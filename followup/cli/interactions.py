"""`followup log`: a call, a meeting, a message from them or a note on an application. A call,
a meeting or a message counts as their reply: the check-ins stop."""

from __future__ import annotations

from typing import Any

import typer

from followup.cli.shell import APPLICATION_ID, JSON_OPTION, owner_scope, print_json

KIND: Any = typer.Argument(
    ..., help="call, meeting, message (one from them) or note.", metavar="KIND"
)


def log(
    application_id: str = APPLICATION_ID,
    kind: str = KIND,
    text: str = typer.Option(..., "--text", help="What was said or agreed."),
    with_contact: str = typer.Option(None, "--with", help="The contact's id (`contact list`)."),
    at: str = typer.Option(
        None,
        "--at",
        help="When it happened (YYYY-MM-DD HH:MM, your zone unless an offset is given); "
        "default now.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Log a call, meeting, message or note; a call, meeting or message stops the check-ins."""
    with owner_scope() as owner:
        from followup.core.queries import get_profile
        from followup.core.services import interactions
        from followup.core.services.listings import due_follow_ups
        from followup.lib.vocabulary import format_local

        logged = interactions.log_interaction(
            owner, application_id, kind, text, contact_id=with_contact, at=at
        )
        if as_json:
            print_json(
                {
                    "interaction_id": logged.pk,
                    "application_id": logged.application_id,
                    "kind": logged.kind,
                    "contact_id": logged.contact_id,
                    "at": logged.at.isoformat(),
                    "counts_as_reply": logged.counts_as_reply,
                }
            )
            return
        tz = get_profile(owner).time_zone
        typer.echo(f"Logged: {interactions.describe(logged)} ({format_local(logged.at, tz)}).")
        if logged.counts_as_reply:
            left = due_follow_ups(owner).filter(application_id=logged.application_id).count()
            typer.echo(
                "It counts as their reply: the check-ins stop"
                + (f" ({left} follow-ups still open)." if left else ".")
            )
