"""Interviews from invitations as Google Calendar, Outlook, Zoom and a small ATS write them."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from followup.core import invitation_import
from followup.core import invitations as invites
from followup.core.errors import InvalidInput
from followup.core.models import Event, FollowUp, Interview
from followup.notify.models import InvitationProposal

from .conftest import ics


def only(results):
    assert len(results) == 1, results
    return results[0]


def interviewer_names(interview: Interview) -> list[str]:
    return sorted(c.name for c in interview.interviewers.all())


def test_a_google_invitation_in_utc_gives_the_interview_in_your_zone(owner):
    result = only(invitation_import.import_invitation(owner, ics("google_request.ics")))

    assert result.action == "created"
    interview = result.interview
    assert interview.start == datetime(2025, 12, 9, 7, 0, tzinfo=UTC)  # 10:00 in Nairobi
    assert interview.end == datetime(2025, 12, 9, 8, 0, tzinfo=UTC)
    assert interview.time_zone == "Africa/Nairobi"
    assert (interview.ical_uid, interview.ical_sequence) == (
        "5k2v9q0m3d1e8r7t6y5u4i3o2p@google.com",
        0,
    )
    assert interview.format == "video"
    application = result.application
    assert (application.company.name, application.role_title) == (
        "Savanna Mobile",
        "Sales Executive",
    )
    # Attendees are the interviewers — not you, not the organizer, not the meeting room.
    assert interviewer_names(interview) == ["Wanjiku Kamau"]
    assert application.recruiter.name == "Grace Achieng"
    assert application.recruiter.email == "grace@savannamobile.co.ke"
    thank_you = FollowUp.objects.get(application=application, kind="thank_you")
    assert thank_you.recipient.email == "wanjiku@savannamobile.co.ke"


def test_a_rescheduled_invitation_moves_the_interview_and_replans(owner):
    first = only(invitation_import.import_invitation(owner, ics("google_request.ics")))
    thank_you = FollowUp.objects.get(interview=first.interview, kind="thank_you")
    old_due = thank_you.due

    moved = only(invitation_import.import_invitation(owner, ics("google_reschedule.ics")))

    assert moved.action == "moved" and moved.interview.pk == first.interview.pk
    assert moved.interview.start == datetime(2025, 12, 11, 11, 0, tzinfo=UTC)  # Thu 14:00 EAT
    assert moved.interview.ical_sequence == 1
    thank_you.refresh_from_db()
    assert thank_you.due > old_due
    assert thank_you.due.astimezone(ZoneInfo("Africa/Nairobi")).date().isoformat() == "2025-12-11"
    assert Event.objects.filter(
        application=moved.application, message__contains="moved to"
    ).exists()
    assert Interview.objects.filter(owner=owner).count() == 1


def test_an_older_or_repeated_invitation_changes_nothing(owner):
    invitation_import.import_invitation(owner, ics("google_request.ics"))
    invitation_import.import_invitation(owner, ics("google_reschedule.ics"))

    again = only(invitation_import.import_invitation(owner, ics("google_reschedule.ics")))
    older = only(invitation_import.import_invitation(owner, ics("google_request.ics")))

    assert again.action == "unchanged" and older.action == "unchanged"
    assert Interview.objects.get().start == datetime(2025, 12, 11, 11, 0, tzinfo=UTC)


def test_an_outlook_invitation_with_a_windows_zone_and_its_vtimezone(owner):
    result = only(invitation_import.import_invitation(owner, ics("outlook_request.ics")))

    interview = result.interview
    assert interview.time_zone == "Europe/London"
    # 14:30 British Summer Time
    assert interview.start == datetime(2026, 6, 16, 13, 30, tzinfo=UTC)
    assert interview.format == "onsite"
    assert (result.application.company.name, result.application.role_title) == (
        "Baobab Capital",
        "Finance Analyst",
    )
    assert interviewer_names(interview) == ["James Carter", "Sarah Mitchell"]
    assert result.application.recruiter.name == "Peter Otieno"


def test_an_outlook_cancellation_marks_the_interview_cancelled_and_replans(owner):
    created = only(invitation_import.import_invitation(owner, ics("outlook_request.ics")))
    assert FollowUp.objects.filter(interview=created.interview, status="planned").exists()

    cancelled = only(invitation_import.import_invitation(owner, ics("outlook_cancel.ics")))

    assert cancelled.action == "cancelled"
    interview = Interview.objects.get(pk=created.interview.pk)
    assert interview.cancelled and interview.ical_sequence == 1
    assert not FollowUp.objects.filter(interview=interview, status__in=FollowUp.OPEN).exists()
    assert (
        only(invitation_import.import_invitation(owner, ics("outlook_cancel.ics"))).action
        == "unchanged"
    )


def test_a_cancellation_of_an_unknown_interview_is_ignored(owner):
    result = only(invitation_import.import_invitation(owner, ics("outlook_cancel.ics")))
    assert result.action == "ignored" and not Interview.objects.exists()


def test_a_zoom_invitation_with_an_iana_zone(owner):
    result = only(invitation_import.import_invitation(owner, ics("zoom_request.ics")))

    interview = result.interview
    assert interview.time_zone == "America/New_York"
    assert interview.start == datetime(2025, 12, 10, 14, 30, tzinfo=UTC)  # 09:30 EST
    assert interview.end == datetime(2025, 12, 10, 15, 15, tzinfo=UTC)
    assert interview.format == "video"
    assert (result.application.company.name, result.application.role_title) == (
        "Acme Robotics",
        "Product Designer",
    )
    assert interviewer_names(interview) == []
    assert result.application.recruiter.name == "Daniel Ortiz"


def test_a_floating_time_is_read_in_your_zone_or_the_one_you_give(owner):
    mine = only(invitation_import.import_invitation(owner, ics("ats_floating.ics")))
    assert mine.interview.time_zone == "Africa/Nairobi"
    assert mine.interview.start == datetime(2025, 12, 12, 12, 0, tzinfo=UTC)  # 15:00 EAT
    assert interviewer_names(mine.interview) == ["Brian Ouma", "Faith Wekesa"]
    assert mine.application.recruiter is None  # the organizer is a no-reply address
    assert mine.interview.format == "onsite"


def test_a_floating_time_with_a_zone_given(owner):
    result = only(
        invitation_import.import_invitation(owner, ics("ats_floating.ics"), tz="Europe/Berlin")
    )
    assert result.interview.time_zone == "Europe/Berlin"
    assert result.interview.start == datetime(2025, 12, 12, 14, 0, tzinfo=UTC)  # 15:00 CET


def test_an_invitation_for_an_interview_you_already_recorded_is_linked_not_duplicated(
    owner, record_interview
):
    recorded = record_interview(start="2025-12-09 10:00")
    result = only(invitation_import.import_invitation(owner, ics("google_request.ics")))
    assert result.action == "linked" and result.interview.pk == recorded.interview.pk
    assert Interview.objects.filter(owner=owner).count() == 1
    assert Interview.objects.get().ical_uid == "5k2v9q0m3d1e8r7t6y5u4i3o2p@google.com"


MINIMAL = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:abc-1@example.org\r
DTSTAMP:20251201T000000Z\r
DTSTART:20251209T100000Z\r
SUMMARY:Chat\r
ORGANIZER;CN=Someone:mailto:someone@gmail.com\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_what_the_invitation_does_not_say_is_asked_for_by_name(owner):
    with pytest.raises(InvalidInput) as exc:
        invitation_import.import_invitation(owner, MINIMAL)
    assert exc.value.field == "company"
    with pytest.raises(InvalidInput) as exc:
        invitation_import.import_invitation(owner, MINIMAL, company="Tiny Co")
    assert exc.value.field == "role"
    result = only(
        invitation_import.import_invitation(owner, MINIMAL, company="Tiny Co", role="Analyst")
    )
    assert result.action == "created" and result.interview.end == datetime(
        2025, 12, 9, 11, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"hello", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no event"),
        (MINIMAL.replace(b"DTSTART:20251209T100000Z", b"DTSTART;VALUE=DATE:20251209"), "all-day"),
    ],
)
def test_a_file_that_is_not_an_invitation_is_refused_naming_the_file(owner, data, words):
    with pytest.raises(InvalidInput) as exc:
        invitation_import.import_invitation(owner, data, company="X", role="Y")
    assert exc.value.field == "file" and words in exc.value.message
    assert not Interview.objects.exists()


def test_parsing_is_a_pure_function_of_the_bytes():
    parsed = invites.parse_invitation(ics("outlook_request.ics"), "Africa/Nairobi")
    (inv,) = parsed
    assert inv.method == "REQUEST" and inv.sequence == 0 and not inv.cancelled
    assert inv.start == datetime(2026, 6, 16, 14, 30, tzinfo=ZoneInfo("Europe/London"))
    assert invites.parse_invitation(ics("outlook_cancel.ics"), "UTC")[0].cancelled


def test_an_invitation_arriving_by_mail_waits_for_one_click(owner):
    message = EmailMessage()
    message["Subject"] = "Invitation: Interview: Sales Executive at Savanna Mobile"
    message.set_content("You have been invited.")
    message.add_attachment(
        ics("google_request.ics"), maintype="text", subtype="calendar", filename="invite.ics"
    )

    proposals = invitation_import.propose_from_message(owner, message, source="<abc@google.com>")
    invitation_import.propose_from_message(
        owner, message, source="<abc@google.com>"
    )  # seen twice, stored once

    assert len(proposals) == 1 and InvitationProposal.objects.count() == 1
    assert not Interview.objects.exists()  # nothing happens before the user confirms
    assert [p.pk for p in invitation_import.pending_proposals(owner)] == [proposals[0].pk]

    results = invitation_import.confirm_proposal(owner, proposals[0].pk)

    assert only(results).action == "created"
    proposal = InvitationProposal.objects.get()
    assert proposal.status == "applied" and proposal.interview_id == results[0].interview.pk
    with pytest.raises(InvalidInput):
        invitation_import.confirm_proposal(owner, proposal.pk)


def test_the_mail_poller_hands_over_a_raw_message_and_gets_proposals(owner):
    message = EmailMessage()
    message["Subject"] = "Updated invitation: Interview: Sales Executive at Savanna Mobile"
    message.set_content("The time changed.")
    message.add_alternative(
        ics("google_reschedule.ics").decode(), subtype="calendar", params={"method": "REQUEST"}
    )

    assert (
        invitation_import.propose_from_message_bytes(owner, message.as_bytes(), "<def@google.com>")
        == 1
    )
    (proposal,) = invitation_import.pending_proposals(owner)
    assert proposal.sequence == 1 and proposal.source == "<def@google.com>"
    assert proposal.start == datetime(2025, 12, 11, 11, 0, tzinfo=UTC)
