"""`followup mail add|show|test|sync|outbox|replies|confirm|confirm-sent`: your own mail account,
what waits in the outbox and the replies it brought."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer

from followup.cli.shell import (
    FOLLOW_UP_ID,
    JSON_OPTION,
    console,
    fail,
    owner_scope,
    print_json,
    refuse,
)


def _password_from(env_var: str | None, option: str, prompt: str, required: bool) -> str | None:
    if env_var:
        value = os.environ.get(env_var)
        if value is None:
            fail(option, f"environment variable {env_var} is not set")
        return value
    if sys.stdin.isatty():
        value = typer.prompt(prompt, hide_input=True, default="", show_default=False)
        return value or None
    if required:
        fail(
            option,
            f"no password: pass {option} VAR (the name of an environment variable holding it) or run in a terminal to be asked",
        )
    return None


def mail_add(
    from_address: str = typer.Option(
        None, "--from-address", help="Your address, e.g. amina@example.com."
    ),
    from_name: str = typer.Option("", "--from-name", help="Your name as recipients see it."),
    smtp_host: str = typer.Option(
        None, "--smtp-host", help="Outgoing server, e.g. smtp.gmail.com."
    ),
    smtp_port: int = typer.Option(
        None, "--smtp-port", help="Default: 465 for ssl, 587 for starttls."
    ),
    smtp_security: str = typer.Option("starttls", "--smtp-security", help="ssl, starttls or none."),
    smtp_user: str = typer.Option(
        None, "--smtp-user", help="Login name (default: the from address); '' for none."
    ),
    password_env: str = typer.Option(
        None,
        "--password-env",
        help="Read the password from this environment variable (else you are asked, hidden).",
    ),
    imap_host: str = typer.Option(
        "", "--imap-host", help="Incoming server for replies, drafts and Sent, e.g. imap.gmail.com."
    ),
    imap_port: int = typer.Option(
        None, "--imap-port", help="Default: 993 for ssl, 143 for starttls."
    ),
    imap_security: str = typer.Option("ssl", "--imap-security", help="ssl, starttls or none."),
    imap_user: str = typer.Option(
        None, "--imap-user", help="IMAP login (default: the SMTP login)."
    ),
    imap_password_env: str = typer.Option(
        None,
        "--imap-password-env",
        help="IMAP password from this variable (default: the SMTP password).",
    ),
    drafts_folder: str = typer.Option(
        "Drafts",
        "--drafts-folder",
        help="Folder for drafts (the server's \\Drafts folder is used when this one is missing).",
    ),
    sent_folder: str = typer.Option(
        "Sent", "--sent-folder", help="Folder for sent mail (likewise \\Sent)."
    ),
    sent_copy: str = typer.Option(
        "auto",
        "--sent-copy",
        help="auto (copy unless the server kept one), always, or never (Gmail, Microsoft 365 keep one).",
    ),
    poll_interval: int = typer.Option(
        120, "--poll-interval", help="Seconds between checks for replies."
    ),
) -> None:
    """Add or update your mail account. Gmail and Microsoft 365 need an app password."""
    interactive = sys.stdin.isatty()
    if not from_address and interactive:
        from_address = typer.prompt("Your email address")
    if not smtp_host and interactive:
        smtp_host = typer.prompt("Outgoing (SMTP) server")
    if not from_address:
        fail("from_address", "is required (--from-address)")
    if not smtp_host:
        fail("smtp_host", "is required (--smtp-host)")
    with owner_scope() as owner:
        from followup.mail import accounts

        existing = accounts.get_account(owner)
        user = from_address if smtp_user is None else smtp_user
        if user and not password_env and interactive:
            typer.echo(accounts.APP_PASSWORD_NOTE)
        password = _password_from(
            password_env,
            "--password-env",
            "Password (hidden)",
            required=bool(user) and (existing is None or not existing.smtp_password_encrypted),
        )
        imap_password = None
        if imap_host and imap_password_env:
            imap_password = _password_from(
                imap_password_env, "--imap-password-env", "IMAP password (hidden)", required=True
            )
        elif imap_host and password is not None:
            imap_password = password
        account = accounts.save_account(
            owner,
            accounts.AccountInput(
                from_address=from_address,
                from_name=from_name,
                smtp_host=smtp_host,
                smtp_port=smtp_port,
                smtp_security=smtp_security,
                smtp_user=user,
                smtp_password=password,
                imap_host=imap_host,
                imap_port=imap_port,
                imap_security=imap_security,
                imap_user=imap_user if imap_user is not None else "",
                imap_password=imap_password,
                drafts_folder=drafts_folder,
                sent_folder=sent_folder,
                sent_copy=sent_copy,
                poll_interval_seconds=poll_interval,
            ),
        )
        where = f"SMTP {account.smtp_host}:{account.smtp_port}"
        if account.has_imap:
            where += f", IMAP {account.imap_host}:{account.imap_port}"
        typer.echo(
            f"Saved the mail account for {account.from_address} ({where}). Check it with `followup mail test`."
        )


def mail_show(
    as_json: bool = JSON_OPTION,
) -> None:
    """Show your mail settings (never the password) and the last poll."""
    with owner_scope() as owner:
        from followup.mail import accounts

        account = accounts.require_account(owner)
        data = accounts.account_json(account)
        if as_json:
            print_json(data)
            return
        typer.echo(
            f"From: {account.from_name + ' ' if account.from_name else ''}<{account.from_address}>"
        )
        smtp = data["smtp"]
        typer.echo(
            f"SMTP: {smtp['host']}:{smtp['port']} ({smtp['security']}), user {smtp['user'] or '(none)'}, password {'stored' if smtp['password_stored'] else 'not set'}"
        )
        imap = data["imap"]
        if imap:
            typer.echo(
                f"IMAP: {imap['host']}:{imap['port']} ({imap['security']}), user {imap['user']}, password {'stored' if imap['password_stored'] else 'not set'}"
            )
            typer.echo(
                f"Last check for replies: {data['last_poll_at'] or 'never'}"
                + (f" — {data['last_poll_error']}" if data["last_poll_error"] else "")
            )
        else:
            typer.echo("IMAP: not set (no reply detection, drafts or Sent-folder checks)")
        if data["last_send_error"]:
            typer.echo(f"Last sending problem: {data['last_send_error']}")


def mail_test(
    as_json: bool = JSON_OPTION,
) -> None:
    """Connect and log in to SMTP and IMAP; name any failure plainly (exit code 1)."""
    with owner_scope() as owner:
        from followup.mail import accounts

        results = accounts.test_account(owner)
        if as_json:
            print_json(
                [
                    {"protocol": r.protocol, "ok": r.ok, "kind": r.kind, "message": r.message}
                    for r in results
                ]
            )
        else:
            for r in results:
                label = accounts.FAILURE_NAMES.get(r.kind, r.kind)
                typer.echo(f"{r.protocol.upper()}: {label}" + ("" if r.ok else f" — {r.message}"))
        if not all(r.ok for r in results):
            raise typer.Exit(1)


def mail_sync(
    as_json: bool = JSON_OPTION,
) -> None:
    """Check for replies now (one poll of your mailbox), with a progress bar."""
    with owner_scope() as owner:
        from followup.mail import accounts, poller

        account = accounts.require_account(owner)
        if not account.has_imap:
            fail(
                "mail_account",
                "no IMAP settings: add them with `followup mail add --imap-host ...`",
            )
        if as_json or not sys.stderr.isatty():
            report = poller.poll_account(account)
        else:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
            ) as bar:
                tasks: dict[str, Any] = {}

                def progress(folder: str, done: int, total: int) -> None:
                    if folder not in tasks:
                        tasks[folder] = bar.add_task(f"Reading {folder}", total=total or 1)
                    bar.update(tasks[folder], completed=done if total else 1, total=total or 1)

                report = poller.poll_account(account, progress=progress)
        if as_json:
            print_json(
                {
                    "folders": report.folders,
                    "scanned": report.scanned,
                    "candidates": report.candidates,
                    "outcomes": dict(report.outcomes),
                    "resynced": report.resynced,
                    "error": report.error or None,
                }
            )
        else:
            counts = (
                ", ".join(
                    f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(report.outcomes.items())
                )
                or "nothing new for followup"
            )
            typer.echo(
                f"Read {report.scanned} new message(s) in {', '.join(report.folders) or 'no folder'}: {counts}."
            )
            if report.resynced:
                typer.echo(
                    f"Re-read {', '.join(report.resynced)} from the start (the server renumbered it)."
                )
        if report.error:
            refuse("imap", report.error)


def mail_outbox(
    as_json: bool = JSON_OPTION,
) -> None:
    """List approved follow-ups waiting to be sent, being sent, or needing your attention."""
    with owner_scope() as owner:
        from followup.mail import outbox

        rows = list(outbox.outbox(owner))
        if as_json:
            print_json([outbox.outbox_json(fu) for fu in rows])
            return
        if not rows:
            typer.echo("The outbox is empty. Approve a follow-up with `followup approve ID`.")
            return
        from rich.table import Table

        from followup.lib.vocabulary import format_local

        table = Table(title="Outbox")
        for column in ("id", "to", "subject", "status", "sends"):
            table.add_column(column, max_width=40 if column == "subject" else None)
        for fu in rows:
            when = format_local(fu.send_after, fu.due_tz) if fu.send_after else "—"
            table.add_row(
                str(fu.pk),
                fu.recipient.email if fu.recipient else "—",
                fu.subject,
                fu.get_status_display(),
                when,
            )
        console().print(table)
        # Each error whole, on a line of its own: what the person needs to read and act on.
        for fu in rows:
            if fu.last_error:
                typer.echo(f"{fu.pk}: {fu.last_error}")
        if any(fu.status == "failed" for fu in rows):
            typer.echo(
                "Needs attention: `followup retry ID` sends it again now, `followup unapprove "
                "ID` takes it back, `followup mail confirm-sent ID` if you find it in Sent."
            )


def mail_replies(
    as_json: bool = JSON_OPTION,
) -> None:
    """List replies waiting for you to confirm what they mean for the application."""
    with owner_scope() as owner:
        from followup.mail import replies

        rows = list(replies.pending_suggestions(owner))
        if as_json:
            print_json([replies.suggestion_json(s) for s in rows])
            return
        if not rows:
            typer.echo("No replies waiting for you.")
            return
        for s in rows:
            phrase = f' ("{s.matched_phrase}")' if s.matched_phrase else ""
            change = (
                f"mark the application {s.suggested_outcome}"
                if s.suggested_outcome
                else "no status change"
            )
            typer.echo(
                f"{s.pk}: {s.sender} — {s.subject!r}: {s.get_classification_display()}{phrase}; confirm to {change}."
            )


def mail_confirm(
    suggestion_id: str = typer.Argument(..., help="Suggestion id from `followup mail replies`."),
    outcome: str = typer.Option(
        None, "--outcome", help="Apply this outcome instead: rejected, offer, next-round, ..."
    ),
    dismiss: bool = typer.Option(False, "--dismiss", help="Leave the application as it is."),
) -> None:
    """Confirm (or dismiss) what a reply suggests; only then does the application's status change."""
    with owner_scope() as owner:
        from followup.mail import replies

        if dismiss:
            replies.dismiss_suggestion(owner, suggestion_id)
            typer.echo(f"Suggestion {suggestion_id} dismissed.")
            return
        s = replies.confirm_suggestion(owner, suggestion_id, outcome)
        chosen = outcome or s.suggested_outcome
        typer.echo(
            f"Application {s.application_id}: {chosen}."
            if chosen
            else f"Suggestion {s.pk} noted; the application is unchanged."
        )


def mail_confirm_sent(follow_up_id: str = FOLLOW_UP_ID) -> None:
    """You found a follow-up that needs attention in your Sent folder: mark it sent."""
    with owner_scope() as owner:
        from followup.core import services

        fu = services.confirm_sent(owner, follow_up_id)
        typer.echo(f"Follow-up {fu.pk} ({fu.kind}) marked sent.")
