"""The mail commands of `followup`, driven in-process against real servers."""

import json

import pytest
from typer.testing import CliRunner

from followup.cli import app
from followup.core.models import FollowUp
from followup.mail.models import MailAccount

from .conftest import SMTP_PASSWORD, SMTP_USER, make_application, reply_to

pytestmark = pytest.mark.mail


@pytest.fixture
def cli(owner):
    runner = CliRunner()

    def invoke(*args, env=None):
        return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def configured(cli, smtp_server, mailbox):
    result = cli(
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
    assert result.exit_code == 0, result.output
    return result


def test_mail_add_stores_the_account_and_never_shows_the_password(cli, configured):
    assert "Saved the mail account" in configured.output
    shown = cli("mail", "show", "--json")
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert data["smtp"]["password_stored"] is True and data["imap"]["password_stored"] is True
    assert SMTP_PASSWORD not in shown.output
    assert SMTP_PASSWORD not in cli("mail", "show").output


def test_mail_test_reports_each_protocol(cli, configured):
    result = cli("mail", "test")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["SMTP: OK", "IMAP: OK"]


def test_mail_test_names_a_wrong_password_and_exits_1(cli, configured, smtp_server, mailbox):
    cli(
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
    result = cli("mail", "test")
    assert result.exit_code == 1
    assert result.output.startswith("SMTP: authentication failed — ")


def test_mail_add_without_a_password_source_names_the_option(cli):
    result = cli("mail", "add", "--from-address", SMTP_USER, "--smtp-host", "smtp.example.com")
    assert result.exit_code == 2
    assert result.output.startswith("error: --password-env:")
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
def test_mail_add_bad_input_is_one_line_naming_the_field(cli, args, field):
    base = {"--from-address": SMTP_USER, "--smtp-host": "smtp.example.com", "--password-env": "P"}
    for key, value in zip(args[::2], args[1::2]):
        base[key] = value
    flat = [x for pair in base.items() for x in pair]
    result = cli("mail", "add", *flat, env={"P": "x"})
    assert result.exit_code == 2
    assert (
        result.output.startswith(f"error: {field}:")
        and len(result.output.strip().splitlines()) == 1
    )


def test_approve_and_outbox(cli, owner, configured):
    _, (fu,) = make_application(owner)
    result = cli("approve", fu.pk, "--send-now", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "approved" and data["message_id"].startswith("<")
    listed = json.loads(cli("mail", "outbox", "--json").stdout)
    assert [row["id"] for row in listed] == [fu.pk]
    assert cli("approve", fu.pk, "--send-now").output.startswith(
        f"Follow-up {fu.pk} (thank_you) approved"
    )


def test_approve_an_unknown_id_exits_2(cli):
    result = cli("approve", "999999")
    assert result.exit_code == 2
    assert result.output.startswith("error: followup_id:")


def test_drafts_push(cli, owner, configured, mailbox):
    _, (fu,) = make_application(owner)
    result = cli("drafts", "push", fu.pk, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["folder"] == "Drafts"
    assert data["message_id"] == FollowUp.objects.get(pk=fu.pk).message_id
    assert [m["Message-ID"] for m in mailbox.messages("Drafts")] == [data["message_id"]]


def test_mail_sync_replies_and_confirm(cli, owner, configured, mailbox):
    from followup.mail import sender

    _, (fu,) = make_application(owner)
    cli("approve", fu.pk, "--send-now")
    sender.send_due()
    fu.refresh_from_db()
    mailbox.deliver(
        reply_to(fu, body="Unfortunately we will not be moving forward with your application.")
    )

    synced = cli("mail", "sync", "--json")
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["outcomes"] == {"reply": 1}

    pending = json.loads(cli("mail", "replies", "--json").stdout)
    assert [(p["classification"], p["suggested_outcome"]) for p in pending] == [
        ("rejection", "rejected")
    ]
    assert pending[0]["matched_phrase"] == "will not be moving forward with your application"
    confirmed = cli("mail", "confirm", pending[0]["id"])
    assert confirmed.exit_code == 0 and "rejected" in confirmed.output
    assert json.loads(cli("mail", "replies", "--json").stdout) == []


def test_every_mail_command_has_help(cli):
    for args in (
        ["mail", "add"],
        ["mail", "show"],
        ["mail", "test"],
        ["mail", "sync"],
        ["mail", "outbox"],
        ["mail", "replies"],
        ["mail", "confirm"],
        ["mail", "confirm-sent"],
        ["approve"],
        ["worker"],
        ["drafts", "push"],
    ):
        result = cli(*args, "--help")
        assert result.exit_code == 0
        assert len(result.output.split("\n\n")[1].strip()) > 20, args
