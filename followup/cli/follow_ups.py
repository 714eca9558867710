"""`followup due`, `draft`, `done`, `skip`, `sent`, `replied`, `approve`, `unapprove`, `retry`,
`drafts push`, `reschedule` and `follow-up delete|restore`:
one follow-up's life from the command line."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import typer

from followup.cli.shell import (
    FOLLOW_UP_ID,
    JSON_OPTION,
    confirm_deletion,
    fail,
    owner_scope,
    print_follow_ups,
    print_json,
    refuse,
)

if TYPE_CHECKING:
    from followup.core.models import FollowUp
    from followup.core.owner import Owner


def _parse_until(until: str | None, tz: str) -> datetime | None:
    from followup.core.queries import end_of_day
    from followup.lib.vocabulary import zone

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


def due(
    until: str = typer.Option(
        "today", help="List what is due by the end of this day: YYYY-MM-DD, today, tomorrow or all."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """List open follow-ups due by the end of today (or --until), overdue first."""
    with owner_scope() as owner:
        # Only the queries module: `followup due` runs often and must not load the planner.
        from followup.core import queries

        profile = queries.get_profile(owner)
        attention = queries.attention_rows(owner)
        shown = {row["id"] for row in attention}
        rows = [
            row
            for row in queries.due_rows(owner, _parse_until(until, profile.time_zone))
            if row["id"] not in shown
        ]
        if as_json:
            print_json([queries.row_json(row) for row in [*attention, *rows]])
            return
        if attention:
            _print_attention(attention)
        if rows:
            print_follow_ups(rows, "Due")
        elif not attention:
            typer.echo("Nothing due. Record an interview with `followup interview add`.")


def _print_attention(rows: list[dict[str, object]]) -> None:
    """Sends that failed, first and with their error: nothing fails silently."""
    typer.echo("Needs attention (sending failed):")
    for row in rows:
        to = row["recipient__email"] or row["recipient__name"] or "(no recipient)"
        kind = str(row["kind"]).replace("_", "-")
        state = "failed" if row["status"] == "failed" else "will be retried"
        typer.echo(
            f"  {row['id']}  {kind} to {to} — {state}: {row['last_error'] or 'unknown error'}"
        )
    typer.echo(
        "  `followup retry ID` sends it again now; `followup unapprove ID` takes it back to "
        "send it yourself."
    )


def draft(follow_up_id: str = FOLLOW_UP_ID, as_json: bool = JSON_OPTION) -> None:
    """Print a follow-up's draft and the draft checker's warnings."""
    with owner_scope() as owner:
        from followup.core import services

        fu = services.get_follow_up(owner, follow_up_id)
        warnings = services.draft_warnings(owner, fu)
        if as_json:
            print_json(services.follow_up_json(fu, warnings))
            return
        if fu.channel == "website":
            # A careers check is an errand, not a message: the page to open, then the checklist.
            company = fu.application.company
            page = company.careers_url or company.website
            typer.echo(
                f"Open: {page}"
                if page
                else f"Open: {company.name}'s careers page (no address yet: `followup "
                f"careers-url {fu.application_id} URL` keeps it)"
            )
            typer.echo("")
            typer.echo(fu.body)
            return
        typer.echo(f"To: {fu.recipient or '(no recipient)'}")
        typer.echo(f"Subject: {fu.subject}")
        typer.echo("")
        typer.echo(fu.body)
        for w in warnings:
            typer.echo(f"warning: {w.message}", err=True)


def _print_closed(fu: FollowUp, as_json: bool, verb: str) -> None:
    from followup.core import services

    if as_json:
        print_json(services.follow_up_json(fu))
    else:
        typer.echo(f"Follow-up {fu.pk} ({fu.kind}) {verb}.")


# done, skip, sent, replied: each imports the services inside owner_scope(), after setup —
# importing them first is what crashed these four in a fresh process (issue 9).


def done(follow_up_id: str = FOLLOW_UP_ID, as_json: bool = JSON_OPTION) -> None:
    """Mark a follow-up done (you sent it yourself, or made the call)."""
    with owner_scope() as owner:
        from followup.core import services

        _print_closed(services.mark_done(owner, follow_up_id), as_json, "marked done")


def skip(follow_up_id: str = FOLLOW_UP_ID, as_json: bool = JSON_OPTION) -> None:
    """Skip a follow-up: it will not be planned again."""
    with owner_scope() as owner:
        from followup.core import services

        _print_closed(services.skip(owner, follow_up_id), as_json, "skipped")


AT_OPTION = typer.Option(
    None,
    "--at",
    help="When it happened (YYYY-MM-DD HH:MM, your zone unless an offset is given); default now.",
)


def _when(owner: Owner, at: str | None) -> datetime | None:
    """--at as `outcome --at` reads it; refused if it is in the future."""
    if not at:
        return None
    from django.utils import timezone

    from followup.core import services

    when = services.parse_local_datetime(at, services.get_profile(owner).time_zone, "at")
    if when > timezone.now():
        fail("at", f"{at!r} is in the future")
    return when


def sent(
    follow_up_id: str = FOLLOW_UP_ID, at: str = AT_OPTION, as_json: bool = JSON_OPTION
) -> None:
    """Mark a follow-up sent (you sent it from your own mail app)."""
    with owner_scope() as owner:
        from followup.core import services

        fu = services.mark_sent(owner, follow_up_id, at=_when(owner, at))
        _print_closed(fu, as_json, "marked sent")


def replied(
    follow_up_id: str = FOLLOW_UP_ID, at: str = AT_OPTION, as_json: bool = JSON_OPTION
) -> None:
    """Record that they replied (mail, call, meeting): the check-in ladder stops."""
    with owner_scope() as owner:
        from followup.core import services

        fu = services.record_reply(owner, follow_up_id, at=_when(owner, at))
        _print_closed(fu, as_json, "recorded as replied")


def unapprove(follow_up_id: str = FOLLOW_UP_ID, as_json: bool = JSON_OPTION) -> None:
    """Take an approved follow-up back before it is sent: it waits for you again."""
    with owner_scope() as owner:
        from followup.core import services

        _print_closed(services.unapprove(owner, follow_up_id), as_json, "is no longer approved")


def retry(follow_up_id: str = FOLLOW_UP_ID, as_json: bool = JSON_OPTION) -> None:
    """Send again now a follow-up whose send failed (it keeps its Message-ID)."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.mail import accounts, outbox

        fu = services.retry_send(owner, follow_up_id)
        if as_json:
            print_json(outbox.outbox_json(fu))
            return
        to = fu.recipient.email if fu.recipient else "(no recipient)"
        if accounts.get_account(owner) is None:
            typer.echo(
                f"Follow-up {fu.pk} ({fu.kind}) is back in the outbox, but there is no mail "
                f"account to send it from: add one with `followup mail add`, or send it from "
                f"your mail app (`followup draft {fu.pk}`) and run `followup sent {fu.pk}`."
            )
            return
        typer.echo(
            f"Follow-up {fu.pk} ({fu.kind}) is back in the outbox: it goes to {to} with the "
            "worker's next batch (`followup worker`, or `followup serve`, must be running)."
        )


def approve(
    follow_up_id: str = FOLLOW_UP_ID,
    send_now: bool = typer.Option(
        False,
        "--send-now",
        help="Send at once instead of at the due time in the recipient's working hours.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Approve a follow-up for sending (by the worker): now, or when due inside the recipient's working hours."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.lib.vocabulary import format_local
        from followup.mail import accounts, outbox

        fu = services.approve(owner, follow_up_id, send_now=send_now)
        if as_json:
            print_json(outbox.outbox_json(fu))
            return
        if fu.channel != "email":
            typer.echo(
                f"Follow-up {fu.pk} ({fu.kind}) approved; it is a {fu.channel} follow-up, so nothing is sent."
            )
            return
        to = fu.recipient.email if fu.recipient else "(no recipient)"
        if accounts.get_account(owner) is None:
            # Approving honestly: without an account nothing can be sent, so no send is promised.
            typer.echo(
                f"Follow-up {fu.pk} ({fu.kind}) approved, but there is no mail account yet, so "
                f"nothing is sent. Send it from your own mail app: `followup draft {fu.pk}` "
                f"prints it (the Draft page opens it in your mail app or as an .eml), then run "
                f"`followup sent {fu.pk}`."
            )
            typer.echo(
                "No mail account yet: add one with `followup mail add` to have followup send "
                "approved follow-ups (with `followup worker` or `followup serve` running).",
                err=True,
            )
            return
        if send_now or fu.send_after is None:
            when = "as soon as the worker runs"
        else:
            when = "on " + format_local(fu.send_after, fu.due_tz)
        typer.echo(f"Follow-up {fu.pk} ({fu.kind}) approved: it goes to {to} {when}.")


def drafts_push(follow_up_id: str = FOLLOW_UP_ID, as_json: bool = JSON_OPTION) -> None:
    """Put a follow-up's draft in your mailbox's Drafts folder, to send from your usual mail app;
    its Message-ID is recorded so the reply is still noticed."""
    with owner_scope() as owner:
        from followup.mail import drafts
        from followup.mail.imap import MailboxError

        try:
            pushed = drafts.push_draft(owner, follow_up_id)
        except MailboxError as exc:
            refuse("imap", exc.message)
        if as_json:
            print_json(
                {
                    "follow_up_id": pushed.follow_up_id,
                    "folder": pushed.folder,
                    "message_id": pushed.message_id,
                    "uid": pushed.uid,
                    "replaced": pushed.replaced,
                }
            )
        else:
            typer.echo(
                f"Draft of follow-up {pushed.follow_up_id} placed in {pushed.folder}"
                + (" (replacing the earlier copy)." if pushed.replaced else ".")
            )


def reschedule(
    follow_up_id: str = FOLLOW_UP_ID,
    at: str = typer.Option(
        ...,
        "--at",
        help="The new due time (YYYY-MM-DD HH:MM, your zone unless an offset is given).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Move an open follow-up to another time; re-planning keeps it there."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.core.services.follow_ups import reschedule as move
        from followup.lib.vocabulary import format_local

        when = services.parse_local_datetime(at, services.get_profile(owner).time_zone, "at")
        fu = move(owner, follow_up_id, when)
        if as_json:
            print_json(services.follow_up_json(fu))
        else:
            typer.echo(f"Follow-up {fu.pk} ({fu.kind}) moved to {format_local(fu.due, fu.due_tz)}.")


def delete(
    follow_up_id: str = FOLLOW_UP_ID,
    yes: bool = typer.Option(False, "--yes", help="Delete without asking."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a follow-up (undo with `followup follow-up restore ID`); it is not planned again."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.core.services.follow_ups import delete_follow_up
        from followup.lib.vocabulary import format_local

        fu = services.get_follow_up(owner, follow_up_id)
        confirm_deletion(
            f"Delete the {fu.get_kind_display().lower()} due {format_local(fu.due, fu.due_tz)}?",
            yes,
        )
        stamp = delete_follow_up(owner, fu.pk)
        if as_json:
            print_json({"follow_up_id": fu.pk, "deleted_at": stamp.isoformat()})
        else:
            typer.echo(f"Follow-up {fu.pk} deleted. Undo: followup follow-up restore {fu.pk}")


def restore(follow_up_id: str = FOLLOW_UP_ID, as_json: bool = JSON_OPTION) -> None:
    """Restore a deleted follow-up and re-plan."""
    with owner_scope() as owner:
        from followup.core import services
        from followup.core.services.follow_ups import restore_follow_up

        fu = restore_follow_up(owner, follow_up_id)
        if as_json:
            print_json(services.follow_up_json(fu))
        else:
            typer.echo(f"Follow-up {fu.pk} ({fu.kind}) restored.")
