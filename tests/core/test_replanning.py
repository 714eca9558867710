"""Re-planning is idempotent and never changes what the user touched."""

from datetime import timedelta

from followup.core import services
from followup.core.models import Event, FollowUp


def snapshot(application):
    return list(
        FollowUp.objects.filter(application=application)
        .order_by("slot")
        .values_list("slot", "status", "due", "reason", "subject", "body")
    )


def test_replanning_twice_changes_nothing(owner, recorded):
    first = snapshot(recorded.application)
    events = Event.objects.count()
    services.replan(owner, recorded.application)
    services.replan(owner, recorded.application)
    assert snapshot(recorded.application) == first
    assert Event.objects.count() == events


def test_an_edited_draft_survives_replanning_and_a_reply(owner, recorded):
    check_in = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")
    services.edit_draft(owner, check_in.pk, "My own subject", "My own words")
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    services.record_reply(owner, thank_you.pk)
    check_in.refresh_from_db()
    assert (check_in.subject, check_in.body, check_in.status) == (
        "My own subject",
        "My own words",
        "planned",
    )


def test_a_reply_cancels_pending_check_ins_with_a_reason_on_the_timeline(owner, recorded):
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    services.record_reply(owner, thank_you.pk)
    cancelled = FollowUp.objects.filter(application=recorded.application, status="cancelled")
    assert {fu.kind for fu in cancelled} == {"check_in", "check_in_2", "final_check_in"}
    assert (
        Event.objects.filter(kind="follow_up_cancelled", message__contains="they replied").count()
        == 3
    )


def test_a_new_round_replaces_the_earlier_ladder(owner, recorded):
    services.record_interview(
        owner,
        services.InterviewInput(
            company="",
            role="",
            application_id=recorded.application.pk,
            start="2025-12-08 10:00",
            tz="Africa/Nairobi",
            interviewers=["Otieno Odhiambo <otieno@acme.example>"],
            promised="next week",
        ),
    )
    open_check_ins = FollowUp.objects.filter(
        application=recorded.application, kind="check_in", status="planned"
    )
    assert [fu.interview.round_name for fu in open_check_ins] == ["Second round"]


def test_snooze_moves_to_a_business_day_and_sticks(owner, recorded):
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    before = thank_you.due
    snoozed = services.snooze(owner, thank_you.pk, 3)
    assert snoozed.due > before
    assert snoozed.due.astimezone(snoozed.due.tzinfo).weekday() < 5
    services.replan(owner, recorded.application)
    thank_you.refresh_from_db()
    assert thank_you.due == snoozed.due


def test_approve_fixes_an_unguessable_message_id(owner, recorded):
    thank_you = next(fu for fu in recorded.follow_ups if fu.kind == "thank_you")
    approved = services.approve(owner, thank_you.pk)
    assert approved.status == "approved"
    assert approved.message_id.startswith("<") and len(approved.message_id) > 30
    again = services.approve(owner, thank_you.pk)
    assert again.message_id == approved.message_id
    other = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")
    assert services.approve(owner, other.pk).message_id != approved.message_id


def test_the_ladder_ends_in_no_response(owner, recorded):
    final = FollowUp.objects.get(application=recorded.application, kind="final_check_in")
    for fu in FollowUp.objects.filter(application=recorded.application, status="planned"):
        services.mark_sent(owner, fu.pk, at=fu.due)
    assert services.expire_ladders(owner, now=final.due + timedelta(days=3)) == 0
    assert services.expire_ladders(owner, now=final.due + timedelta(days=20)) == 1
    recorded.application.refresh_from_db()
    assert recorded.application.status == "no_response"
    assert (
        FollowUp.objects.filter(
            application=recorded.application, kind="keep_warm", status="planned"
        ).count()
        == 3
    )
