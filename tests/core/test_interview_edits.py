"""Editing, deleting and restoring an interview, and rescheduling, deleting and restoring a
follow-up: the services the CLI and the web share."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from followup.core import services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Contact, Event, FollowUp, Interview
from followup.core.services import follow_ups as follow_up_service
from followup.core.services.interview_edits import (
    InterviewChanges,
    delete_interview,
    edit_interview,
    restore_interview,
)

NAIROBI = ZoneInfo("Africa/Nairobi")
BEFORE = datetime(2025, 12, 1, tzinfo=NAIROBI)  # "now" for moves into December 2025


def open_by_kind(application):
    return {
        fu.kind: fu
        for fu in FollowUp.objects.filter(application=application, status__in=FollowUp.OPEN)
    }


def test_a_new_time_moves_the_untouched_follow_ups_and_keeps_a_rescheduled_one(
    owner, record_interview
):
    recorded = record_interview(promised="")
    before = open_by_kind(recorded.application)
    kept = follow_up_service.reschedule(
        owner, before["check_in"].pk, datetime(2025, 12, 22, 11, 0, tzinfo=NAIROBI), now=BEFORE
    )
    result = edit_interview(
        owner, recorded.interview.pk, InterviewChanges(start="2025-12-11 10:00")
    )
    assert result.changed == ["time"]
    after = open_by_kind(recorded.application)
    assert after["thank_you"].due.astimezone(NAIROBI) == datetime(
        2025, 12, 11, 12, 0, tzinfo=NAIROBI
    )
    assert after["check_in"].due == kept.due  # the person's own time stays
    interview = Interview.objects.get(pk=recorded.interview.pk)
    assert interview.end - interview.start == recorded.interview.end - recorded.interview.start
    event = Event.objects.filter(kind=Event.Kind.INTERVIEW_EDITED).get()
    assert event.message == "First round interview edited: time (now Thu 11 Dec 2025, 10:00 EAT)"


def test_a_new_promise_is_resolved_again_and_moves_the_check_in(owner, record_interview):
    recorded = record_interview()  # "by Friday" from Tue 9 Dec 2025
    assert recorded.interview.promised_date.isoformat() == "2025-12-12"
    edit_interview(owner, recorded.interview.pk, InterviewChanges(promised="by next Wednesday"))
    interview = Interview.objects.get(pk=recorded.interview.pk)
    assert interview.promised_phrase == "by next Wednesday"
    assert (
        interview.promised_date is not None and interview.promised_date.isoformat() > "2025-12-12"
    )
    check_in = open_by_kind(recorded.application)["check_in"]
    assert check_in.due.astimezone(NAIROBI).date() > interview.promised_date


def test_interviewers_are_added_and_removed_with_the_strict_parser(owner, record_interview):
    recorded = record_interview()
    result = edit_interview(
        owner,
        recorded.interview.pk,
        InterviewChanges(
            add_interviewers=["Otieno Odhiambo <otieno@savanna.example>"],
            remove_interviewers=["wanjiku@savanna.example"],
        ),
    )
    assert result.changed == ["interviewers"]
    assert [
        c.email for c in Interview.objects.get(pk=recorded.interview.pk).interviewers.all()
    ] == ["otieno@savanna.example"]
    thank_yous = FollowUp.objects.filter(
        application=recorded.application, kind="thank_you", status__in=FollowUp.OPEN
    )
    assert [fu.recipient.email for fu in thank_yous] == ["otieno@savanna.example"]


@pytest.mark.parametrize(
    "changes,field",
    [
        (InterviewChanges(add_interviewers=["Name name-at-x"]), "interviewer"),
        (InterviewChanges(remove_interviewers=["nobody@example.com"]), "remove_interviewer"),
        (InterviewChanges(start="tomorrow-ish"), "start"),
        (InterviewChanges(end="2025-12-09 09:00"), "end"),
        (InterviewChanges(tz="Mars/Olympus"), "tz"),
        (InterviewChanges(round_name=""), "round"),
        (InterviewChanges(format="carrier pigeon"), "format"),
        (InterviewChanges(unasked=["x" * 301]), "unasked"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(owner, record_interview, changes, field):
    recorded = record_interview()
    before = (
        list(Interview.objects.values()),
        list(FollowUp.objects.values()),
        Contact.objects.count(),
    )
    with pytest.raises(InvalidInput) as caught:
        edit_interview(owner, recorded.interview.pk, changes)
    assert caught.value.field == field
    after = (
        list(Interview.objects.values()),
        list(FollowUp.objects.values()),
        Contact.objects.count(),
    )
    assert after == before


def test_a_zone_alone_keeps_the_local_times(owner, record_interview):
    recorded = record_interview()
    edit_interview(owner, recorded.interview.pk, InterviewChanges(tz="Europe/London"))
    interview = Interview.objects.get(pk=recorded.interview.pk)
    assert interview.start == datetime(2025, 12, 9, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    assert interview.time_zone == "Europe/London"


def test_nothing_to_change_logs_nothing(owner, record_interview):
    recorded = record_interview()
    result = edit_interview(
        owner, recorded.interview.pk, InterviewChanges(notes=recorded.interview.notes)
    )
    assert result.changed == []
    assert not Event.objects.filter(kind=Event.Kind.INTERVIEW_EDITED).exists()


def test_another_users_interview_is_not_found(owner, record_interview, django_user_model):
    other = django_user_model.objects.create(username="someone-else")
    theirs = record_interview(owner=other)
    with pytest.raises(NotFound):
        edit_interview(owner, theirs.interview.pk, InterviewChanges(notes="mine now"))
    with pytest.raises(NotFound):
        delete_interview(owner, theirs.interview.pk)


def test_deleting_an_interview_takes_its_follow_ups_and_undo_brings_them_back(
    owner, record_interview
):
    recorded = record_interview()
    ids = sorted(fu.pk for fu in recorded.follow_ups)
    deleted = delete_interview(owner, recorded.interview.pk)
    assert deleted.follow_ups == len(ids)
    assert not Interview.objects.exists()
    assert not FollowUp.objects.filter(application=recorded.application).exists()
    assert Event.objects.filter(kind=Event.Kind.INTERVIEW_DELETED).count() == 1
    with pytest.raises(InvalidInput):
        restore_interview(owner, recorded.interview.pk, stamp=datetime(2020, 1, 1, tzinfo=NAIROBI))
    restore_interview(owner, recorded.interview.pk, stamp=deleted.stamp)
    assert Interview.objects.filter(pk=recorded.interview.pk).exists()
    assert (
        sorted(
            FollowUp.objects.filter(
                application=recorded.application, status__in=FollowUp.OPEN
            ).values_list("pk", flat=True)
        )
        == ids
    )
    with pytest.raises(NotFound):
        restore_interview(owner, recorded.interview.pk)


def test_a_rescheduled_follow_up_survives_replanning(owner, record_interview):
    recorded = record_interview()
    thank_you = open_by_kind(recorded.application)["thank_you"]
    when = datetime(2025, 12, 10, 9, 30, tzinfo=NAIROBI)
    follow_up_service.reschedule(owner, thank_you.pk, when, now=BEFORE)
    services.replan(owner, recorded.application)
    thank_you.refresh_from_db()
    assert thank_you.due == when and thank_you.edited
    assert Event.objects.filter(
        kind=Event.Kind.FOLLOW_UP_EDITED, message="Thank-you moved to Wed 10 Dec 2025, 09:30 EAT"
    ).exists()


def test_a_follow_up_cannot_be_moved_into_the_past(owner, record_interview):
    recorded = record_interview()
    thank_you = open_by_kind(recorded.application)["thank_you"]
    with pytest.raises(InvalidInput) as caught:
        follow_up_service.reschedule(
            owner, thank_you.pk, datetime(2025, 11, 30, 9, 0, tzinfo=NAIROBI), now=BEFORE
        )
    assert caught.value.field == "at" and "in the past" in caught.value.message


def test_a_closed_follow_up_cannot_be_rescheduled(owner, record_interview):
    recorded = record_interview()
    thank_you = open_by_kind(recorded.application)["thank_you"]
    services.mark_done(owner, thank_you.pk)
    with pytest.raises(InvalidInput) as caught:
        follow_up_service.reschedule(
            owner, thank_you.pk, datetime(2025, 12, 10, 9, 30, tzinfo=NAIROBI)
        )
    assert caught.value.field == "followup_id"


def test_a_deleted_follow_up_stays_deleted_through_replanning_until_restored(
    owner, record_interview
):
    recorded = record_interview()
    thank_you = open_by_kind(recorded.application)["thank_you"]
    stamp = follow_up_service.delete_follow_up(owner, thank_you.pk)
    services.replan(owner, recorded.application)
    assert "thank_you" not in open_by_kind(recorded.application)
    follow_up_service.restore_follow_up(owner, thank_you.pk, stamp=stamp)
    assert open_by_kind(recorded.application)["thank_you"].pk == thank_you.pk


def test_a_follow_up_that_went_with_its_interview_is_restored_with_the_interview(
    owner, record_interview
):
    recorded = record_interview()
    thank_you = open_by_kind(recorded.application)["thank_you"]
    delete_interview(owner, recorded.interview.pk)
    with pytest.raises(InvalidInput) as caught:
        follow_up_service.restore_follow_up(owner, thank_you.pk)
    assert f"restore interview {recorded.interview.pk}" in caught.value.message


def test_the_same_interviewers_typed_again_change_nothing(owner, record_interview):
    recorded = record_interview()
    contacts = Contact.objects.count()
    result = edit_interview(
        owner,
        recorded.interview.pk,
        InterviewChanges(
            interviewers=["Wanjiku Kamau <WANJIKU@savanna.example>"],
            add_interviewers=[],
        ),
    )
    assert result.changed == []
    again = edit_interview(
        owner,
        recorded.interview.pk,
        InterviewChanges(add_interviewers=["Wanjiku Kamau <wanjiku@savanna.example>"]),
    )
    assert again.changed == [] and Contact.objects.count() == contacts
