"""One composer for every email: what is sent, the .eml a user downloads and the daily digest
are all EmailMessages from followup.mail.compose. Asserted on the parsed messages and on the
bytes: headers, their encoding, body encoding and line ends."""

import email
import re
from datetime import date, timedelta
from email import policy

import pytest
from django.test import Client
from django.utils import timezone

from followup.core.models import Contact, FollowUp
from followup.mail import compose, sender
from followup.notify import digest

from .conftest import add_account, approve_now, make_application

pytestmark = pytest.mark.mail

# A header line, or its folded continuation, that carries an RFC 2047 encoded word.
ENCODED_WORD = re.compile(rb"=\?utf-8\?[qb]\?", re.I)


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)


def head_of(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in data else data.split(b"\n\n", 1)[0]


@pytest.fixture
def web(owner):
    client = Client()
    client.force_login(owner)
    return client


def test_the_eml_download_is_the_composed_draft(owner, web):
    _, (fu,) = make_application(owner)
    Contact.objects.filter(pk=fu.recipient_id).update(name="Wanjikũ Kamau, PhD")
    FollowUp.objects.filter(pk=fu.pk).update(
        subject="Asante — thank you for today",
        body="Dear Wanjikũ,\r\n\r\nThank you for your time.\r\n\r\nAmina",
    )

    response = web.get(f"/follow-ups/{fu.pk}/draft.eml")

    assert response.status_code == 200 and response["Content-Type"] == "message/rfc822"
    data = response.content
    message = parse(data)
    assert message["To"].addresses[0].display_name == "Wanjikũ Kamau, PhD"
    assert message["To"].addresses[0].addr_spec == fu.recipient.email
    assert str(message["From"]) == "Amina Njeri <amina@example.com>"
    assert message["Subject"] == "Asante — thank you for today"
    assert message["X-Unsent"] == "1"  # opens as a draft to send
    assert message["Date"].datetime is not None
    # Not yet approved: no Message-ID is promised yet.
    assert message["Message-ID"] is None
    # People's words are RFC 2047-encoded in the file, never raw 8-bit in a header.
    head = head_of(data)
    assert head.isascii() and ENCODED_WORD.search(head)
    # The body: UTF-8, quoted-printable (it is not ASCII), one kind of line end in the file.
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == "Dear Wanjikũ,\n\nThank you for your time.\n\nAmina\n"
    assert b"\r" not in data


def test_an_approved_check_in_downloads_threaded_with_its_message_id(owner, web, smtp_server):
    add_account(owner, smtp_server, None)
    _, (thank_you,) = make_application(owner)
    (thank_you,) = approve_now(owner, [thank_you])
    sender.send_due()
    thank_you.refresh_from_db()
    check_in = FollowUp.objects.create(
        owner=owner,
        application=thank_you.application,
        slot=f"check_in:{thank_you.pk}",
        kind="check_in",
        recipient=thank_you.recipient,
        channel="email",
        due=timezone.now() + timedelta(days=3),
        due_tz="Africa/Nairobi",
        reason="No news yet.",
        subject="Following up",
        body="Dear Wanjiku,\n\nI wanted to check in.\n\nAmina",
    )
    (check_in,) = approve_now(owner, [check_in])

    message = parse(web.get(f"/follow-ups/{check_in.pk}/draft.eml").content)

    assert message["Message-ID"] == check_in.message_id
    assert message["In-Reply-To"] == thank_you.message_id
    assert message["References"] == thank_you.message_id
    assert message["Subject"] == "Re: Following up"
    assert message["Content-Transfer-Encoding"] == "7bit"
    # What is sent is the same message, on the wire with CRLF line ends.
    sender.send_due()
    wire = smtp_server.received[-1].data
    assert b"\n" not in wire.replace(b"\r\n", b"")
    sent = parse(wire)
    assert sent["Message-ID"] == check_in.message_id
    assert sent["In-Reply-To"] == thank_you.message_id and sent["Subject"] == "Re: Following up"
    assert sent.get_content().replace("\r\n", "\n") == message.get_content()


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "Hi\r\nBcc: everyone@example.com"},
        {"subject": "Hi\nBcc: everyone@example.com"},
    ],
)
def test_the_eml_download_refuses_a_line_break_and_names_the_field(owner, web, change):
    _, (fu,) = make_application(owner)
    FollowUp.objects.filter(pk=fu.pk).update(**change)
    response = web.get(f"/follow-ups/{fu.pk}/draft.eml")
    assert response.status_code == 400
    assert b"Bcc: everyone" not in response.content
    assert b"subject" in response.content


def test_the_eml_download_refuses_two_addresses_in_one(owner, web):
    _, (fu,) = make_application(owner)
    Contact.objects.filter(pk=fu.recipient_id).update(
        email="wanjiku@savanna.example, victim@evil.example"
    )
    response = web.get(f"/follow-ups/{fu.pk}/draft.eml")
    assert response.status_code == 400
    assert b"recipient" in response.content


def _digest() -> digest.Digest:
    d = digest.Digest(day=date(2025, 12, 15), tz="Africa/Nairobi", name="Amina")
    d.overdue.append(
        digest.Line(
            title="Thank Wanjikũ — Savanna Mobile, Sales Executive",
            when="Mon 15 Dec, 10:00 EAT",
            detail="Thank them within a day.",
            url="http://localhost:8000/follow-ups/1/",
        )
    )
    return d


def test_the_digest_is_a_composed_multipart_message(db):
    message = digest.build_message(_digest(), "amina@example.com", "amina@example.com")
    data = compose.as_bytes(message)
    parsed = parse(data)

    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == "followup: 1 overdue — Mon 15 Dec"
    assert str(parsed["From"]) == "followup <amina@example.com>"
    assert str(parsed["To"]) == "amina@example.com"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["X-Followup-Digest"] == "2025-12-15"
    assert parsed["Message-ID"].startswith("<") and parsed["Message-ID"].endswith("@example.com>")
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert "Thank Wanjikũ — Savanna Mobile" in text.get_content()
    assert "Thank Wanjikũ — Savanna Mobile" in html.get_content()
    # On the wire: ASCII headers (the subject's dash is encoded), CRLF line ends only.
    assert head_of(data).isascii() and ENCODED_WORD.search(head_of(data))
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_the_digest_refuses_an_address_that_is_two(db):
    with pytest.raises(digest.DigestError) as exc:
        digest.build_message(_digest(), "amina@example.com", "a@example.com, b@example.com")
    assert not exc.value.retry and "recipient" in exc.value.message


def test_long_message_ids_are_never_encoded_words():
    long_id = "<" + "x" * 90 + "@followup.example.com>"
    ids = [f"<id{i}-{'y' * 30}@followup.example.com>" for i in range(8)] + [long_id]
    message = compose.new_message(
        sender=compose.Person("amina@example.com", "Amina Njeri"),
        to=[compose.Person("wanjiku@savanna.example", "Wanjiku Kamau")],
        subject="Re: Following up",
        text="Hello",
        message_id=long_id,
        in_reply_to=long_id,
        references=ids,
    )
    data = compose.as_bytes(message)
    assert not ENCODED_WORD.search(head_of(data))
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    parsed = parse(data)
    assert parsed["References"].split() == ids
    assert parsed["In-Reply-To"] == long_id and parsed["Message-ID"] == long_id


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"subject": "Hi\r\nBcc: x@evil.example"}, "subject"),
        ({"message_id": "<a@b.example>\r\nBcc: x@evil.example"}, "message_id"),
        ({"message_id": "not-an-id"}, "message_id"),
        ({"references": ["<a@b.example> <c@d.example>"]}, "references"),
        ({"extra_headers": [("X-Note", "1\nBcc: x@evil.example")]}, "x-note"),
        ({"to": [compose.Person("wanjiku@savanna.example\nBcc: x@evil.example")]}, "recipient"),
        ({"to": [compose.Person("wanjiku@savanna.example", "W\rBcc: x")]}, "recipient"),
        ({"sender": compose.Person("amina@example.com", "Amina\nBcc: x")}, "from_name"),
    ],
)
def test_the_composer_refuses_what_would_inject_a_header(kwargs, field):
    arguments = {
        "sender": compose.Person("amina@example.com", "Amina Njeri"),
        "to": [compose.Person("wanjiku@savanna.example", "Wanjiku Kamau")],
        "subject": "Thank you",
        "text": "Hello",
        **kwargs,
    }
    with pytest.raises(compose.ComposeError) as exc:
        compose.new_message(**arguments)
    assert exc.value.field == field


@pytest.mark.parametrize(
    "name, subject, body",
    [
        ("Wanjiku Kamau", "Thank you for today", "Dear Wanjiku,\n\nThank you.\n\nAmina"),
        ('Kamau, Wanjiku "Shiku"', "Re: Following up", "One line"),
        ("", "A subject: with a colon", "Lines\r\nwith CRLF\rand CR\n"),
        ("O'Neil", "x" * 60, "a" * 300),
    ],
)
def test_plain_values_written_as_they_are_parse_the_same(monkeypatch, name, subject, body):
    when = timezone.now()

    def build() -> bytes:
        return compose.as_bytes(
            compose.new_message(
                sender=compose.Person("amina@example.com", "Amina Njeri"),
                to=[compose.Person("wanjiku@savanna.example", name)],
                subject=subject,
                text=body,
                date=when,
                message_id="<abc@followup.example>",
            )
        )

    as_is = build()
    monkeypatch.setattr(compose, "WRITE_PLAIN_AS_IS", False)
    through_objects = build()

    assert as_is == through_objects
