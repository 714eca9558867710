"""The `followup` command: a thin Typer shell over the services.

The whole command tree is written out here, in the order of the README's command table (the
contract tests/cli/ holds it to); each noun's commands live in their own module, and what they
share in `followup.cli.shell`. Nothing here imports Django or Rich (start-up: see shell.py).
"""

from __future__ import annotations

import typer

from followup.cli import (
    applications,
    calendar,
    careers,
    contacts,
    digest,
    follow_ups,
    interactions,
    interview_edits,
    interviews,
    mail,
    notify,
    profile,
    system,
)
from followup.cli.shell import group, select_user

__all__ = ["app", "main"]

app = typer.Typer(
    name="followup",
    help="The job seeker's follow-up desk: record an interview, get a dated plan of every "
    "follow-up with a ready draft.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _whose_data(
    user: str = typer.Option(
        "",
        "--user",
        metavar="NAME",
        help="Work on this existing account's data (required in hosted mode; or FOLLOWUP_USER).",
    ),
) -> None:
    select_user(user)  # also when empty: one process may run several commands (tests)


interview_app = group("Record and import interviews.")
interview_app.command("add")(interviews.add)
interview_app.command("import")(interviews.import_invitation)
interview_app.command("edit")(interview_edits.edit)
interview_app.command("delete")(interview_edits.delete)
interview_app.command("restore")(interview_edits.restore)
app.add_typer(interview_app, name="interview")

application_app = group("Applications before any interview: add, edit, archive, delete, list.")
application_app.command("add")(applications.add)
application_app.command("edit")(applications.edit)
application_app.command("show")(applications.show)
application_app.command("archive")(applications.archive)
application_app.command("unarchive")(applications.unarchive)
application_app.command("delete")(applications.delete)
application_app.command("restore")(applications.restore)
application_app.command("list")(applications.list_applications)
app.add_typer(application_app, name="application")

app.command("plan")(interviews.plan)
app.command("due")(follow_ups.due)
app.command("list")(interviews.list_applications)
app.command("show")(interviews.show)
app.command("draft")(follow_ups.draft)
app.command("done")(follow_ups.done)
app.command("skip")(follow_ups.skip)
app.command("sent")(follow_ups.sent)
app.command("replied")(follow_ups.replied)
app.command("reschedule")(follow_ups.reschedule)
follow_up_app = group("Delete a follow-up, or restore a deleted one.")
follow_up_app.command("delete")(follow_ups.delete)
follow_up_app.command("restore")(follow_ups.restore)
app.add_typer(follow_up_app, name="follow-up")
app.command("outcome")(interviews.outcome)
app.command("careers-url")(careers.careers_url)
app.command("log")(interactions.log)
app.command("export")(system.export)
app.command("import")(system.import_data)
app.command("demo")(system.demo)
app.command("serve")(system.serve)
app.command("migrate")(system.migrate_command)

notify_app = group("Push reminders through Apprise URLs (ntfy, Telegram, Slack, email, SMS…).")
notify_app.command("add")(notify.notify_add)
notify_app.command("test")(notify.notify_test)
notify_app.command("list")(notify.notify_list)
notify_app.command("remove")(notify.notify_remove)
notify_app.command("resume")(notify.notify_resume)
notify_app.command("deliver")(notify.notify_deliver)
app.add_typer(notify_app, name="notify")

calendar_app = group("Your interviews and follow-ups in your calendar app (a subscribed feed).")
calendar_app.command("url")(calendar.calendar_url)
calendar_app.command("revoke")(calendar.calendar_revoke)
calendar_app.command("export")(calendar.calendar_export)
app.add_typer(calendar_app, name="calendar")

digest_app = group("The daily digest email.")
digest_app.command("at")(digest.digest_at)
digest_app.command("send")(digest.digest_send)
digest_app.command("show")(digest.digest_show)
app.add_typer(digest_app, name="digest")

mail_app = group("Your mail account: send approved follow-ups, notice replies.")
mail_app.command("add")(mail.mail_add)
mail_app.command("show")(mail.mail_show)
mail_app.command("test")(mail.mail_test)
mail_app.command("outbox")(mail.mail_outbox)
mail_app.command("confirm-sent")(mail.mail_confirm_sent)
mail_app.command("sync")(mail.mail_sync)
mail_app.command("replies")(mail.mail_replies)
mail_app.command("confirm")(mail.mail_confirm)
app.add_typer(mail_app, name="mail")

app.command("approve")(follow_ups.approve)
app.command("unapprove")(follow_ups.unapprove)
app.command("retry")(follow_ups.retry)

drafts_app = group("Drafts in your own mailbox.")
drafts_app.command("push")(follow_ups.drafts_push)
app.add_typer(drafts_app, name="drafts")

app.command("worker")(system.worker)

profile_app = group("Your name, signature, country and time zone.")
profile_app.command("show")(profile.profile_show)
profile_app.command("set")(profile.profile_set)
app.add_typer(profile_app, name="profile")

contact_app = group("The people of your job search: list, search, show, edit, delete.")
contact_app.command("list")(contacts.contact_list)
contact_app.command("show")(contacts.contact_show)
contact_app.command("edit")(contacts.contact_edit)
contact_app.command("delete")(contacts.contact_delete)
contact_app.command("restore")(contacts.contact_restore)
app.add_typer(contact_app, name="contact")


def main() -> None:
    app()
