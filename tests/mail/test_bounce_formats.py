"""Bounces as mail servers really send them, read from bytes (no database): the failed address,
permanent apart from temporary, and our Message-ID when the bounce quotes it."""

from __future__ import annotations

import pytest

from followup.mail.reader import detect_bounce, may_be_bounce, parse_headers, parse_message

OURS = "<abc123@followup.local>"
TO = "wanjiku@savanna.example"

QMAIL = f"""From: MAILER-DAEMON@mail.savanna.example
To: amina@example.com
Subject: failure notice

Hi. This is the qmail-send program at mail.savanna.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{TO}>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Message-ID: {OURS}
Subject: Thank you
"""

EXIM = f"""From: Mail Delivery System <Mailer-Daemon@mx.savanna.example>
To: amina@example.com
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: {TO}
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {TO}
    Unrouteable address

------ This is a copy of the message, including all the headers. ------

Message-ID: {OURS}
Subject: Thank you
"""

YAHOO = f"""From: MAILER-DAEMON@yahoo.com
To: amina@example.com
Subject: Failure Notice

Sorry, we were unable to deliver your message to the following address.

<{TO}>:
Remote host said: 550 5.1.1 unknown user [RCPT_TO]

--- Below this line is a copy of the message.

Subject: Thank you
"""

AOL = f"""From: Mail Delivery Subsystem <MAILER-DAEMON@aol.com>
To: amina@example.com
Subject: Returned mail: User unknown
Content-Type: text/plain

Your mail to the following recipients could not be delivered because they are not accepting
mail from amina@example.com:
    {TO.split("@")[0]}
"""

POSTFIX_DSN = f"""From: MAILER-DAEMON@mx.savanna.example (Mail Delivery System)
To: amina@example.com
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host mx.savanna.example.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.savanna.example

Final-Recipient: rfc822; {TO}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B
Content-Type: message/rfc822

Message-ID: {OURS}
Subject: Thank you

Hello
--B--
"""

DELAYED_DSN = POSTFIX_DSN.replace("Action: failed", "Action: delayed").replace(
    "Status: 5.1.1", "Status: 4.4.1"
)

A_PERSON = f"""From: Wanjiku Kamau <{TO}>
To: amina@example.com
Subject: Re: Thank you
In-Reply-To: {OURS}

Thanks Amina, the delivery of the report is on track for Friday.
"""


@pytest.mark.parametrize(
    "raw", [QMAIL, EXIM, YAHOO, POSTFIX_DSN], ids=["qmail", "exim", "yahoo", "postfix-in-mixed"]
)
def test_a_permanent_failure_names_the_address_and_our_message(raw):
    bounce = detect_bounce(parse_message(raw.encode()))
    assert bounce is not None
    assert bounce.action == "failed"
    assert TO in bounce.recipients
    if "Message-ID" in raw:
        assert OURS in bounce.original_ids


def test_a_bounce_that_quotes_no_message_id_still_names_the_address():
    bounce = detect_bounce(parse_message(YAHOO.encode()))
    assert bounce is not None and bounce.original_ids == () and bounce.recipients == (TO,)


def test_a_temporary_failure_is_not_a_bounce():
    bounce = detect_bounce(parse_message(DELAYED_DSN.encode()))
    assert bounce is not None
    assert bounce.action == "delayed" and bounce.recipients == ()


def test_a_person_writing_about_delivery_is_no_bounce():
    assert detect_bounce(parse_message(A_PERSON.encode())) is None


@pytest.mark.parametrize("raw", [QMAIL, EXIM, YAHOO, AOL, POSTFIX_DSN])
def test_the_header_fields_alone_say_a_bounce_is_worth_fetching(raw):
    assert may_be_bounce(parse_headers(raw.split("\n\n", 1)[0].encode() + b"\n\n"))


def test_an_empty_return_path_is_worth_fetching():
    fields = parse_headers(b"Return-Path: <>\nFrom: mx@savanna.example\nSubject: Hello\n\n")
    assert may_be_bounce(fields)


def test_a_persons_reply_is_not_fetched_as_a_bounce():
    assert not may_be_bounce(parse_headers(A_PERSON.split("\n\n", 1)[0].encode() + b"\n\n"))
