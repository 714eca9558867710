"""A send that fails is never silent: `followup due` shows it first with its error, `followup
retry` sends it again, `followup unapprove` takes it back. Real processes, a real SMTP server
that refuses."""

import json

import pytest
from django.utils import timezone

from followup.core.models import Contact, FollowUp
from tests.mail.conftest import add_account

from .conftest import assert_bad_input, make_application

pytestmark = pytest.mark.mail
REFUSAL = "550 5.1.1 No such user here"


@pytest.fixture
def failed(run_cli, owner, smtp_server):
    """A thank-you the mail server refused, through a real worker process."""
    add_account(owner, smtp_server, None)
    _, (fu,) = make_application(owner)
    smtp_server.handler.refuse[fu.recipient.email] = REFUSAL
    assert run_cli("approve", fu.pk, "--send-now").returncode == 0
    worked = run_cli("worker", "--once")
    assert worked.returncode == 0, worked.stderr
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.FAILED and "550" in fu.last_error
    return fu


def test_due_shows_a_failed_send_first_with_its_error(run_cli, owner, failed):
    make_application(owner)  # something ordinary due too
    result = run_cli("due")
    assert result.returncode == 0, result.stderr
    first, *_ = result.stdout.splitlines()
    assert first == "Needs attention (sending failed):"
    assert f"{failed.pk}  thank-you to {failed.recipient.email} — failed: " in result.stdout
    assert "550 5.1.1 No such user here" in result.stdout
    assert result.stdout.index("Needs attention") < result.stdout.index("Due")

    rows = json.loads(run_cli("due", "--json").stdout)
    assert rows[0]["id"] == failed.pk and rows[0]["status"] == "failed"
    assert "550" in rows[0]["last_error"]
    assert all("last_error" not in row for row in rows[1:])

    outbox = run_cli("mail", "outbox")
    error_line = next(
        line for line in outbox.stdout.splitlines() if line.startswith(f"{failed.pk}: ")
    )
    assert "550 5.1.1 No such user here" in error_line  # whole, on its own line
    assert "`followup retry ID`" in outbox.stdout


def test_retry_puts_a_failed_send_back_in_the_outbox_and_it_goes_out(
    run_cli, owner, failed, smtp_server
):
    del smtp_server.handler.refuse[failed.recipient.email]  # they fixed their mailbox
    result = run_cli("retry", failed.pk)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Follow-up {failed.pk} (thank_you) is back in the outbox")
    fu = FollowUp.objects.get(pk=failed.pk)
    assert (fu.status, fu.attempts, fu.last_error) == ("approved", 0, "")
    assert fu.message_id == failed.message_id  # the same message, should a copy have gone out
    assert "Needs attention" not in run_cli("due").stdout

    assert run_cli("worker", "--once").returncode == 0
    assert FollowUp.objects.get(pk=failed.pk).status == "sent"
    assert [m.message["Message-ID"] for m in smtp_server.received] == [failed.message_id]


def test_retry_as_json(cli_json, failed):
    data = cli_json("retry", failed.pk)
    assert (data["id"], data["status"], data["attempts"], data["last_error"]) == (
        failed.pk,
        "approved",
        0,
        "",
    )


def test_retry_refuses_an_address_that_bounced_and_changes_nothing(run_cli, failed, unchanged):
    Contact.objects.filter(pk=failed.recipient_id).update(bounced_at=timezone.now())
    with unchanged():
        result = run_cli("retry", failed.pk)
    assert_bad_input(result, "recipient")
    assert "bounced" in result.stderr and "correct the contact's address" in result.stderr


def test_retry_of_an_unknown_or_a_planned_follow_up_is_bad_input(run_cli, owner, unchanged):
    _, (planned,) = make_application(owner)
    with unchanged():
        assert_bad_input(run_cli("retry", "99999999"), "followup_id")
        result = run_cli("retry", planned.pk)
    assert_bad_input(result, "followup_id")
    assert "only an email whose send failed can be retried" in result.stderr


def test_unapprove_takes_a_failed_send_back_to_send_it_yourself(run_cli, failed):
    result = run_cli("unapprove", failed.pk)
    assert result.returncode == 0, result.stderr
    fu = FollowUp.objects.get(pk=failed.pk)
    assert (fu.status, fu.last_error) == ("planned", "")
    assert "Needs attention" not in run_cli("due").stdout
