"""`followup log APPLICATION_ID call|meeting|message|note`, a real process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from followup.core.models import Contact, FollowUp, Interaction
from followup.planner import types as p

from .conftest import assert_bad_input


@pytest.fixture
def recent(record_interview):
    start = timezone.localtime(timezone.now() - timedelta(days=1))
    return record_interview(start=start.strftime("%Y-%m-%d %H:%M"))


def _open_check_ins(application):
    return FollowUp.objects.filter(
        application=application, kind__in=p.CHECK_IN_KINDS, status__in=FollowUp.OPEN
    )


def test_a_logged_call_stops_the_ladder(run_cli, recent):
    wanjiku = Contact.objects.get(email="wanjiku@savanna.example")
    assert _open_check_ins(recent.application).exists()
    result = run_cli(
        "log", recent.application.pk, "call", "--with", wanjiku.pk, "--text", "Decision Friday."
    )
    assert result.returncode == 0, result.stderr
    assert "Call with Wanjiku Kamau: Decision Friday." in result.stdout
    assert "the check-ins stop" in result.stdout
    assert not _open_check_ins(recent.application).exists()


def test_log_json_and_at_in_your_zone(cli_json, recent):
    logged = cli_json(
        "log", recent.application.pk, "note", "--text", "Salary band", "--at", "2026-01-05 09:00"
    )
    assert logged["kind"] == "note" and logged["counts_as_reply"] is False
    stored = Interaction.objects.get(pk=logged["interaction_id"])
    assert stored.at == datetime(2026, 1, 5, 6, 0, tzinfo=UTC)  # 09:00 in Nairobi
    assert _open_check_ins(recent.application).exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["letter", "--text", "Hi"], "kind"),
        (["call", "--text", "  "], "text"),
        (["call", "--text", "Hi", "--with", "999999"], "contact"),
        (["call", "--text", "Hi", "--at", "2999-01-01 10:00"], "at"),
        (["call", "--text", "Hi", "--at", "soonish"], "at"),
    ],
)
def test_log_refuses_bad_input_and_changes_nothing(run_cli, unchanged, recent, args, field):
    with unchanged():
        result = run_cli("log", recent.application.pk, *args)
    assert_bad_input(result, field)


def test_log_on_an_unknown_application_changes_nothing(run_cli, unchanged, recent):
    with unchanged():
        result = run_cli("log", 999_999, "call", "--text", "Hi")
    assert_bad_input(result, "application_id")
