"""`followup mail …`, `approve`, `drafts push` and `worker` as real processes, against real
servers: aiosmtpd (SMTP with STARTTLS and AUTH) and a throwaway Dovecot (IMAP)."""

import json
import signal

import pytest

from followup.core.models import FollowUp
from followup.mail.models import MailAccount, PendingStatusChange
from tests.mail.conftest import add_account

from .conftest import SMTP_PASSWORD, SMTP_USER, assert_bad_input, make_application, reply_to

pytestmark = pytest.mark.mail
UNKNOWN = "99999999"


@pytest.fixture
def configured(run_cli, owner, smtp_server, mailbox):
    result = run_cli(
        "mail",
        "add",
        "--from-address",
        SMTP_USER,
        "--from-name",
        "Amina Njeri",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        smtp_server.port,
        "--smtp-security",
        "starttls",
        "--password-env",
        "TEST_SMTP_PASSWORD",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        mailbox.port,
        "--imap-security",
        "none",
        "--imap-user",
        mailbox.user,
        "--imap-password-env",
        "TEST_IMAP_PASSWORD",
        env={"TEST_SMTP_PASSWORD": SMTP_PASSWORD, "TEST_IMAP_PASSWORD": mailbox.password},
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def account(owner, smtp_server, mailbox):
    """The same account, saved in-process: for the tests of the other mail commands."""
    return add_account(owner, smtp_server, mailbox)


def test_mail_add_stores_the_account_and_never_shows_the_password(run_cli, configured):
    assert "Saved the mail account" in configured.stdout
    shown = run_cli("mail", "show", "--json")
    assert shown.returncode == 0
    data = json.loads(shown.stdout)
    assert data["smtp"]["password_stored"] is True and data["imap"]["password_stored"] is True
    assert SMTP_PASSWORD not in shown.stdout + shown.stderr
    text = run_cli("mail", "show")
    assert text.stdout.startswith("From: Amina Njeri <amina@example.com>")
    assert SMTP_PASSWORD not in text.stdout + text.stderr


def test_mail_show_test_and_sync_without_an_account_name_it(run_cli, owner, unchanged):
    with unchanged():
        for command in (["mail", "show"], ["mail", "test"], ["mail", "sync"]):
            assert_bad_input(run_cli(*command), "mail_account")


def test_mail_test_reports_each_protocol(run_cli, account):
    result = run_cli("mail", "test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["SMTP: OK", "IMAP: OK"]


def test_mail_test_names_a_wrong_password_and_exits_1(run_cli, configured, smtp_server):
    run_cli(
        "mail",
        "add",
        "--from-address",
        SMTP_USER,
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        smtp_server.port,
        "--password-env",
        "BAD",
        env={"BAD": "nope"},
    )
    result = run_cli("mail", "test")
    assert result.returncode == 1
    assert result.stdout.startswith("SMTP: authentication failed — ")


def test_mail_add_without_a_password_source_names_the_option(run_cli, owner, unchanged):
    with unchanged():
        result = run_cli(
            "mail", "add", "--from-address", SMTP_USER, "--smtp-host", "smtp.example.com"
        )
    assert_bad_input(result, "--password-env")
    assert not MailAccount.objects.exists()


@pytest.mark.parametrize(
    "args, field",
    [
        (["--smtp-security", "tls13"], "smtp_security"),
        (["--smtp-port", "70000"], "smtp_port"),
        (["--from-address", "not-an-address"], "from_address"),
        (["--smtp-host", "smtp.example.com:587"], "smtp_host"),
    ],
)
def test_mail_add_bad_input_is_one_line_naming_the_field(run_cli, owner, unchanged, args, field):
    base = {"--from-address": SMTP_USER, "--smtp-host": "smtp.example.com", "--password-env": "P"}
    for key, value in zip(args[::2], args[1::2]):
        base[key] = value
    flat = [x for pair in base.items() for x in pair]
    with unchanged():
        assert_bad_input(run_cli("mail", "add", *flat, env={"P": "x"}), field)


def test_approve_outbox_and_the_worker_sending_it(run_cli, owner, account, smtp_server):
    _, (fu,) = make_application(owner)
    result = run_cli("approve", fu.pk, "--send-now", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "approved" and data["message_id"].startswith("<")
    listed = json.loads(run_cli("mail", "outbox", "--json").stdout)
    assert [row["id"] for row in listed] == [fu.pk]
    assert run_cli("approve", fu.pk, "--send-now").stdout.startswith(
        f"Follow-up {fu.pk} (thank_you) approved"
    )
    table = run_cli("mail", "outbox")
    assert table.returncode == 0 and fu.recipient.email in table.stdout

    worked = run_cli("worker", "--once")
    assert worked.returncode == 0, worked.stderr
    assert [m.message["Message-ID"] for m in smtp_server.received] == [data["message_id"]]
    assert FollowUp.objects.get(pk=fu.pk).status == "sent"
    assert run_cli("mail", "outbox").stdout.startswith("The outbox is empty.")


def test_approve_at_the_due_time_says_when_in_local_time(run_cli, owner, account):
    _, (fu,) = make_application(owner)
    result = run_cli("approve", fu.pk)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Follow-up {fu.pk} (thank_you) approved: it goes to ")
    assert " EAT." in result.stdout  # the recipient's zone, Africa/Nairobi
    assert "No mail account" not in result.stderr


def test_approve_without_a_mail_account_promises_no_send_and_offers_the_mail_app(run_cli, owner):
    _, (fu,) = make_application(owner)
    result = run_cli("approve", fu.pk)
    assert result.returncode == 0, result.stderr
    assert "nothing is sent" in result.stdout and "it goes to" not in result.stdout
    assert (
        f"`followup draft {fu.pk}`" in result.stdout and f"`followup sent {fu.pk}`" in result.stdout
    )
    assert "No mail account yet" in result.stderr and "`followup mail add`" in result.stderr


def test_approve_an_unknown_id_exits_2(run_cli, owner, unchanged):
    with unchanged():
        assert_bad_input(run_cli("approve", UNKNOWN), "followup_id")


def test_drafts_push(run_cli, owner, account, mailbox, unchanged):
    _, (fu,) = make_application(owner)
    result = run_cli("drafts", "push", fu.pk, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["folder"] == "Drafts"
    assert data["message_id"] == FollowUp.objects.get(pk=fu.pk).message_id
    assert [m["Message-ID"] for m in mailbox.messages("Drafts")] == [data["message_id"]]
    with unchanged():
        assert_bad_input(run_cli("drafts", "push", UNKNOWN), "followup_id")


def test_mail_sync_replies_and_confirm(run_cli, owner, account, mailbox, unchanged):
    _, (fu,) = make_application(owner)
    run_cli("approve", fu.pk, "--send-now")
    assert run_cli("worker", "--once").returncode == 0
    fu.refresh_from_db()
    assert fu.status == "sent"
    mailbox.deliver(
        reply_to(fu, body="Unfortunately we will not be moving forward with your application.")
    )

    synced = run_cli("mail", "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["outcomes"] == {"reply": 1}

    pending = json.loads(run_cli("mail", "replies", "--json").stdout)
    assert [(p["classification"], p["suggested_outcome"]) for p in pending] == [
        ("rejection", "rejected")
    ]
    assert pending[0]["matched_phrase"] == "will not be moving forward with your application"
    listed = run_cli("mail", "replies")
    assert listed.stdout.startswith(f"{pending[0]['id']}: ")
    with unchanged():
        assert_bad_input(run_cli("mail", "confirm", UNKNOWN), "suggestion_id")
    confirmed = run_cli("mail", "confirm", pending[0]["id"])
    assert confirmed.returncode == 0 and "rejected" in confirmed.stdout
    assert json.loads(run_cli("mail", "replies", "--json").stdout) == []
    assert run_cli("mail", "replies").stdout == "No replies waiting for you.\n"
    with unchanged():
        assert_bad_input(run_cli("mail", "confirm", pending[0]["id"], "--dismiss"), "suggestion_id")
    assert PendingStatusChange.objects.get(pk=pending[0]["id"]).state == "confirmed"


def test_mail_sync_reads_the_mailbox_in_text(run_cli, owner, account):
    result = run_cli("mail", "sync")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Read 0 new message(s) in ")


def test_mail_confirm_sent_marks_one_needing_attention_sent(run_cli, owner, unchanged):
    _, (fu,) = make_application(owner)
    with unchanged():
        # Planned, not failed: there is nothing to confirm.
        assert_bad_input(run_cli("mail", "confirm-sent", fu.pk), "followup_id")
    FollowUp.objects.filter(pk=fu.pk).update(
        status="failed", last_error="interrupted: not found in your Sent folder"
    )
    table = run_cli("mail", "outbox")
    assert "interrupted" in table.stdout
    result = run_cli("mail", "confirm-sent", fu.pk)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Follow-up {fu.pk} (thank_you) marked sent.\n"
    assert FollowUp.objects.get(pk=fu.pk).status == "sent"


def test_the_worker_runs_until_sigterm_and_stops_cleanly(start_cli, owner):
    worker = start_cli("worker")
    assert worker.stderr.readline() == "followup worker running (Ctrl-C to stop).\n"
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert "Traceback" not in err
