"""Invitation files built to hang, flood or misroute: each is read within its bounds or refused
in one line, and a refused file leaves nothing behind."""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from followup.core import invitation_import
from followup.core import invitations as invites
from followup.core.errors import InvalidInput
from followup.core.models import Contact, Interview


def calendar(*events: str, timezones: str = "") -> bytes:
    body = "".join(events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
        f"{timezones}{body}END:VCALENDAR\r\n"
    ).encode()


def event(
    uid: str = "interview-1", *, start: str = "DTSTART:20251209T070000Z", extra: str = ""
) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\n{start}\r\nDTEND:20251209T080000Z\r\n"
        "SUMMARY:Interview: Sales Executive at Savanna Mobile\r\n"
        "ORGANIZER;CN=Grace Achieng:mailto:grace@savanna.example\r\n"
        f"{extra}END:VEVENT\r\n"
    )


SECONDLY_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Evil\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
    "RRULE:FREQ=SECONDLY\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)
CUSTOM_ZONE = (  # as Outlook writes a zone it has no name for: yearly rules from 1601
    "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n"
    "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_a_zone_rule_repeating_every_second_is_refused_within_hard_limits():
    """It hung the import, the upload and the poller, growing memory without bound. The child
    process is killed by the kernel if it runs past the limits, so nothing here is timed."""
    data = calendar(
        event(start="DTSTART;TZID=Evil:20251209T100000", extra=""), timezones=SECONDLY_ZONE
    )
    code = textwrap.dedent(
        f"""
        from followup.core import invitations
        try:
            invitations.parse_invitation({data!r}, "Africa/Nairobi")
        except invitations.UnreadableInvitation as exc:
            print("refused:", exc.message)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=_limits
    )
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stdout.startswith("refused: a time zone rule in the invitation repeats too often")


def test_a_custom_zone_with_yearly_rules_gives_the_right_instant():
    def at(day: str) -> bytes:
        one_hour = event(start=f"DTSTART;TZID=Customized Time Zone:{day}T100000")
        return calendar(
            one_hour.replace("DTEND:20251209T080000Z", "DURATION:PT1H"), timezones=CUSTOM_ZONE
        )

    winter, summer = at("20251209"), at("20250709")
    (w,) = invites.parse_invitation(winter, "Africa/Nairobi")
    (s,) = invites.parse_invitation(summer, "Africa/Nairobi")
    assert w.start == datetime(2025, 12, 9, 10, 0, tzinfo=UTC)
    assert s.start == datetime(2025, 7, 9, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (calendar(*(event(f"e{i}") for i in range(invites.MAX_EVENTS + 1))), "events, more than"),
        (
            calendar(
                event(
                    extra="".join(
                        f"ATTENDEE;CN=P{i}:mailto:p{i}@savanna.example\r\n"
                        for i in range(invites.MAX_ATTENDEES + 1)
                    )
                )
            ),
            "attendees, more than",
        ),
        (calendar(event(start="DTSTART:2025XX09T070000Z")), "DTSTART cannot be read"),
        (
            calendar(event().replace("DTEND:20251209T080000Z\r\n", "DURATION:PXYZ\r\n")),
            "DURATION cannot be read",
        ),
        (calendar(event(start="DTSTART:20251209T090000Z")), "ends before it starts"),
    ],
    ids=["events", "attendees", "broken-start", "broken-duration", "end-before-start"],
)
def test_a_file_over_the_caps_or_broken_is_refused_in_one_line(owner, data, says):
    with pytest.raises(InvalidInput) as caught:
        invitation_import.import_invitation(owner, data)
    assert caught.value.field == "file" and says in caught.value.message
    assert "\n" not in caught.value.message
    assert not Interview.objects.filter(owner=owner).exists()


def test_a_property_given_twice_counts_once():
    data = calendar(event(extra="DTSTART:20251210T070000Z\r\nSEQUENCE:1\r\nSEQUENCE:2\r\n"))
    (invitation,) = invites.parse_invitation(data, "Africa/Nairobi")
    assert invitation.start == datetime(2025, 12, 9, 7, 0, tzinfo=UTC)
    assert invitation.sequence == 1


def test_an_attendee_name_cannot_send_the_mail_elsewhere(owner):
    data = calendar(
        event(
            extra='ATTENDEE;CN="Ann Bcc: evil@evil.example":mailto:ann@savanna.example\r\n'
            'ATTENDEE;CN="Kamau, Wanjiku":mailto:wanjiku@savanna.example\r\n'
        )
    )
    invitation_import.import_invitation(owner, data)
    emails = set(Contact.objects.filter(owner=owner).values_list("email", flat=True))
    assert "evil@evil.example" not in emails
    assert {"ann@savanna.example", "wanjiku@savanna.example"} <= emails


def test_a_file_with_a_bad_event_among_good_ones_records_none_of_them(owner):
    data = calendar(
        event("good-1"), event("good-2"), event("bad", start="DTSTART:20251209T090000Z")
    )
    with pytest.raises(InvalidInput):
        invitation_import.import_invitation(owner, data)
    assert not Interview.objects.filter(owner=owner).exists()
