"""Logging a call, a meeting, a message or a note; a reply stops the check-in ladder."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from followup.core.errors import InvalidInput
from followup.core.models import Event, FollowUp, Interaction
from followup.core.services import interactions
from followup.planner import types as p


def _open_check_ins(application):
    return FollowUp.objects.filter(
        application=application, kind__in=p.CHECK_IN_KINDS, status__in=FollowUp.OPEN
    )


@pytest.fixture
def recent(record_interview):
    """An interview yesterday: its check-ins are all still ahead."""
    start = timezone.localtime(timezone.now() - timedelta(days=1))
    return record_interview(start=start.strftime("%Y-%m-%d %H:%M"))


def test_a_logged_call_stops_the_ladder_and_says_who_called(owner, recent):
    application = recent.application
    contact = recent.interview.interviewers.get()
    assert _open_check_ins(application).exists()
    interactions.log_interaction(
        owner, application.pk, "call", "The panel decides on Friday.", contact_id=contact.pk
    )
    assert not _open_check_ins(application).exists()
    cancelled = Event.objects.filter(application=application, kind="follow_up_cancelled")
    assert cancelled.exists()
    assert all("Wanjiku Kamau called you on" in e.message for e in cancelled)
    logged = Event.objects.get(application=application, kind="interaction_logged")
    assert logged.message == "Call with Wanjiku Kamau: The panel decides on Friday."


def test_an_approved_check_in_is_cancelled_by_a_call(owner, recent):
    from followup.core import services

    check_in = _open_check_ins(recent.application).order_by("due").first()
    services.approve(owner, check_in.pk)
    interactions.log_interaction(owner, recent.application.pk, "meeting", "Coffee.")
    check_in.refresh_from_db()
    assert check_in.status == FollowUp.Status.CANCELLED


def test_a_note_is_not_a_reply(owner, recent):
    interactions.log_interaction(owner, recent.application.pk, "note", "Salary band is wide.")
    assert _open_check_ins(recent.application).exists()


def test_deleting_the_call_brings_the_ladder_back_and_undo_stops_it_again(owner, recent):
    logged = interactions.log_interaction(owner, recent.application.pk, "call", "Hi.")
    interactions.delete_interaction(owner, logged.pk)
    assert _open_check_ins(recent.application).exists()
    interactions.restore_interaction(owner, logged.pk)
    assert not _open_check_ins(recent.application).exists()


def test_at_is_read_in_the_users_zone_unless_an_offset_is_given(owner, recent):
    local = interactions.log_interaction(
        owner, recent.application.pk, "note", "a", at="2026-01-05 09:00"
    )
    offset = interactions.log_interaction(
        owner, recent.application.pk, "note", "b", at="2026-01-05 09:00+00:00"
    )
    local.refresh_from_db()
    offset.refresh_from_db()
    assert local.at == datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    assert offset.at == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_editing_the_text_keeps_it_logged(owner, recent):
    logged = interactions.log_interaction(owner, recent.application.pk, "note", "Old.")
    edited = interactions.edit_interaction(owner, logged.pk, text="New.", kind="message")
    assert (edited.text, edited.kind) == ("New.", "message")
    assert not _open_check_ins(recent.application).exists()


@pytest.mark.parametrize(
    ("kind", "text", "contact_id", "at", "field"),
    [
        ("call", "  ", None, None, "text"),
        ("call", "x" * 10_001, None, None, "text"),
        ("letter", "Hi.", None, None, "kind"),
        ("call", "Hi.", 999_999, None, "contact"),
        ("call", "Hi.", None, "yesterday-ish", "at"),
        ("call", "Hi.", None, "2999-01-01 10:00", "at"),
    ],
)
def test_bad_input_names_the_field_and_logs_nothing(
    owner, recent, kind, text, contact_id, at, field
):
    with pytest.raises(InvalidInput) as caught:
        interactions.log_interaction(owner, recent.application.pk, kind, text, contact_id, at)
    assert caught.value.field == field
    assert not Interaction.objects.exists()


def test_another_users_contact_cannot_be_named(owner, recent, record_interview, django_user_model):
    other = django_user_model.objects.create(username="someone-else")
    theirs = record_interview(owner=other, interviewers=["Omar <omar@else.example>"], recruiter="")
    omar = theirs.interview.interviewers.get()
    with pytest.raises(InvalidInput) as caught:
        interactions.log_interaction(owner, recent.application.pk, "call", "Hi.", omar.pk)
    assert caught.value.field == "contact"
