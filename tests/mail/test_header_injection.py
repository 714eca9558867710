"""Recipient headers come only from a validated address; line breaks in names or subjects are
refused before anything is sent."""

import pytest

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Contact, FollowUp
from followup.mail import accounts, compose, sender

from .conftest import add_account, approve_now, make_application

pytestmark = pytest.mark.mail


@pytest.mark.parametrize(
    "change, field",
    [
        ({"subject": "Thanks\r\nBcc: victim@evil.example"}, "subject"),
        ({"subject": "Thanks\nX-Injected: 1"}, "subject"),
    ],
)
def test_a_subject_with_a_line_break_cannot_be_approved(owner, change, field):
    _, (fu,) = make_application(owner)
    FollowUp.objects.filter(pk=fu.pk).update(**change)
    with pytest.raises(InvalidInput) as exc:
        services.approve(owner, fu.pk, send_now=True)
    assert exc.value.field == field
    assert FollowUp.objects.get(pk=fu.pk).status == FollowUp.Status.PLANNED


@pytest.mark.parametrize(
    "name, email",
    [
        ("Wanjiku\r\nBcc: victim@evil.example", "wanjiku@savanna.example"),
        ("Wanjiku", "wanjiku@savanna.example\r\nBcc: victim@evil.example"),
        ("Wanjiku", "wanjiku@savanna.example, victim@evil.example"),
        ("Wanjiku", "not an address"),
    ],
)
def test_a_recipient_with_a_line_break_or_a_bad_address_cannot_be_approved(owner, name, email):
    _, (fu,) = make_application(owner)
    Contact.objects.filter(pk=fu.recipient_id).update(name=name, email=email)
    with pytest.raises(InvalidInput) as exc:
        services.approve(owner, fu.pk, send_now=True)
    assert exc.value.field == "recipient"


def test_a_row_tampered_with_after_approval_is_failed_not_sent(owner, smtp_server):
    add_account(owner, smtp_server, None)
    _, (fu,) = make_application(owner)
    approve_now(owner, [fu])
    FollowUp.objects.filter(pk=fu.pk).update(subject="Hi\r\nBcc: victim@evil.example")

    report = sender.send_due()

    assert report.sent == 0 and report.failed == 1
    assert smtp_server.received == []
    fu.refresh_from_db()
    assert fu.status == FollowUp.Status.FAILED
    assert fu.last_error.startswith("subject:")


def test_build_message_refuses_line_breaks_in_the_sender_name(owner):
    _, (fu,) = make_application(owner)
    (fu,) = approve_now(owner, [fu])
    with pytest.raises(compose.ComposeError) as exc:
        compose.build_message(
            fu, compose.Sender("amina@example.com", "Amina\r\nBcc: x@evil.example")
        )
    assert exc.value.field == "from_name"


def test_account_settings_refuse_line_breaks(owner):
    with pytest.raises(InvalidInput) as exc:
        accounts.save_account(
            owner,
            accounts.AccountInput(
                from_address="amina@example.com",
                smtp_host="smtp.example.com",
                from_name="Amina\nBcc: x@evil.example",
            ),
        )
    assert exc.value.field == "from_name"
    with pytest.raises(InvalidInput) as exc:
        accounts.save_account(
            owner,
            accounts.AccountInput(
                from_address="amina@example.com\r\nBcc: x@evil.example",
                smtp_host="smtp.example.com",
            ),
        )
    assert exc.value.field == "from_address"
