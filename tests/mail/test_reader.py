"""What an incoming message is, read from its bytes alone: no database, no Django."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from followup.mail import reader

WRITTEN = datetime(2026, 12, 20, 9, 30, tzinfo=UTC)  # a Sunday


def message(*headers: str, body: str = "Thanks Amina.", ctype: str = "text/plain") -> bytes:
    lines = [
        "From: Wanjiku Kamau <Wanjiku@Savanna.example>",
        "To: Amina Njeri <amina@example.com>",
        "Date: Sun, 20 Dec 2026 09:30:00 +0300",
        *headers,
        "MIME-Version: 1.0",
        f"Content-Type: {ctype}; charset=utf-8",
        "",
        body,
    ]
    return "\r\n".join(lines).encode("utf-8")


def test_the_reader_imports_no_django():
    code = (
        "import sys, followup.mail.reader; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_header_fields_are_read_unfolded_by_lower_case_name():
    raw = (
        b"Message-ID: <abc@savanna.example>\r\n"
        b"References: <one@x.example>\r\n <two@x.example>\r\n"
        b"From: Wanjiku <wanjiku@savanna.example>\r\n"
        b"Subject: first\r\nSubject: second\r\n\r\n"
    )
    fields = reader.parse_headers(raw)
    assert fields.get("references") == "<one@x.example> <two@x.example>"
    assert fields.get("SUBJECT") == "first"
    assert fields.get("In-Reply-To") is None
    assert reader.sender_address(fields.get("From")) == "wanjiku@savanna.example"
    assert reader.message_key(fields) == "<abc@savanna.example>"


def test_a_message_without_an_id_is_known_by_its_main_fields():
    msg = reader.parse_message(message("Subject: Hello"))
    again = reader.parse_message(message("Subject: Hello"))
    other = reader.parse_message(message("Subject: Hello again"))
    assert reader.message_key(msg).startswith("sha256:")
    assert reader.message_key(msg) == reader.message_key(again)
    assert reader.message_key(msg) != reader.message_key(other)


def test_a_date_in_the_future_or_missing_is_not_believed():
    msg = reader.parse_message(message("Subject: Hi"))
    assert reader.message_date(msg, WRITTEN) == datetime(2026, 12, 20, 6, 30, tzinfo=UTC)
    later = datetime(2026, 12, 20, 5, 0, tzinfo=UTC)
    assert reader.message_date(msg, later) == later
    undated = reader.parse_message(b"From: a@b.example\r\n\r\nHi")
    assert reader.message_date(undated, WRITTEN) == WRITTEN


def test_the_reply_text_stops_where_the_quote_starts():
    body = (
        "Received, thank you. We will be in touch.\r\n\r\n"
        "On Fri, 18 Dec 2026 at 10:00, Amina Njeri <amina@example.com> wrote:\r\n"
        "> The next steps are to schedule a call.\r\n"
    )
    text = reader.reply_text(reader.parse_message(message(body=body)))
    assert text == "Received, thank you. We will be in touch."
    assert reader.classify(text).classification == reader.OTHER


def test_an_outlook_header_block_ends_the_reply_text():
    body = (
        "Dear Amina,\r\nWe would like to invite you to an interview.\r\n\r\n"
        "From: Amina Njeri <amina@example.com>\r\n"
        "Sent: Friday, December 18, 2026 10:00 AM\r\n"
        "To: Wanjiku Kamau <wanjiku@savanna.example>\r\n"
        "Subject: Thank you\r\n\r\n"
        "I am sorry to say we regret to inform nobody.\r\n"
    )
    text = reader.reply_text(reader.parse_message(message(body=body)))
    assert "regret" not in text
    assert reader.classify(text).phrase == "invite you to an interview"


def test_a_french_reply_header_ends_the_reply_text():
    body = "Merci, à bientôt.\r\n\r\nLe ven. 18 déc. 2026 à 10:00, Amina <amina@example.com> a écrit :\r\n> Bonjour\r\n"
    text = reader.reply_text(reader.parse_message(message(body=body)))
    assert text == "Merci, à bientôt."


def test_an_html_reply_is_read_as_text():
    body = "<html><body><p>We&#39;d like to offer you the role.</p><style>p{}</style></body></html>"
    text = reader.reply_text(reader.parse_message(message(body=body, ctype="text/html")))
    assert "We'd like to offer you the role." in text
    assert reader.classify(text).classification == reader.OFFER


def test_an_auto_reply_header_with_a_dated_out_of_office():
    raw = message(
        "Subject: Automatic reply: Thank you",
        "Auto-Submitted: auto-replied",
        body="I am out of the office and will be back on Monday 4 January, with limited access to email.",
    )
    msg = reader.parse_message(raw)
    auto = reader.detect_auto_reply(msg, reader.reply_text(msg), WRITTEN.date())
    assert auto.auto and auto.out_of_office
    assert auto.return_date == date(2027, 1, 4)  # no year given: the next 4 January
    assert auto.return_phrase.startswith("back on Monday 4 January")
    assert "Auto-Submitted: auto-replied" in auto.reason


def test_a_person_writing_they_were_on_leave_is_no_auto_reply():
    raw = message("Subject: Re: Thank you", body="Sorry, I was on leave. Let's schedule a call.")
    msg = reader.parse_message(raw)
    auto = reader.detect_auto_reply(msg, reader.reply_text(msg), WRITTEN.date())
    assert not auto.auto and not auto.out_of_office


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("back on Friday", date(2026, 12, 25)),
        ("back on Sunday", date(2026, 12, 27)),  # written on a Sunday: the next one
        ("back tomorrow", None),  # no preposition: no candidate phrase
        ("back on tomorrow", date(2026, 12, 21)),
        ("back on the 12th", date(2027, 1, 12)),  # written on the 20th: next month's
        ("back on 12/01", date(2027, 1, 12)),  # day first
        ("back on Monday next week", date(2026, 12, 21)),
        ("back on 4 January and will answer then", date(2027, 1, 4)),
        ("away until further notice, may I ask you to write to Grace", None),
        ("back by 2027-02-03", date(2027, 2, 3)),
        ("away thru Jan 10th", date(2027, 1, 11)),  # through: back the day after
    ],
)
def test_return_dates_in_the_wordings_people_use(phrase, expected):
    raw = message("Subject: Out of office", body=f"I am out of the office. I will be {phrase}.")
    msg = reader.parse_message(raw)
    auto = reader.detect_auto_reply(msg, reader.reply_text(msg), WRITTEN.date())
    assert auto.out_of_office
    assert auto.return_date == expected


def test_a_delivery_report_names_the_original_message_and_the_address():
    raw = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.savanna.example>\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nCould not be delivered.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.savanna.example\r\n\r\n"
        b"Final-Recipient: rfc822; Nobody@Savanna.example\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <Ours-1@amina.example>\r\nSubject: Thank you\r\n\r\n"
        b"--B--\r\n"
    )
    bounce = reader.detect_bounce(reader.parse_message(raw))
    assert bounce is not None
    assert bounce.original_ids == ("<ours-1@amina.example>",)
    assert bounce.recipients == ("nobody@savanna.example",)
    assert bounce.action == "failed"
    assert bounce.diagnostic == "550 5.1.1 User unknown"
    assert reader.detect_bounce(reader.parse_message(message("Subject: Hi"))) is None
