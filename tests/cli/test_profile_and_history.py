"""`followup profile show|set`, `followup unapprove`, and `sent`/`replied --at` for what
happened yesterday — each a real process."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from followup.core.models import Event, FollowUp

from .conftest import assert_bad_input

NAIROBI = ZoneInfo("Africa/Nairobi")


def test_profile_set_then_show_reads_back_what_was_set(run_cli, cli_json, owner):
    saved = cli_json(
        "profile",
        "set",
        "--name",
        "Amina Wanjiru",
        "--signature",
        "Amina Wanjiru\\n+254 700 000 000",
        "--country",
        "ke",
        "--tz",
        "Africa/Nairobi",
    )
    assert saved["full_name"] == "Amina Wanjiru"
    assert saved["signature"] == "Amina Wanjiru\n+254 700 000 000"
    shown = run_cli("profile", "show")
    assert shown.returncode == 0, shown.stderr
    assert "full name: Amina Wanjiru" in shown.stdout and "country: KE" in shown.stdout


def test_profile_set_refuses_an_unknown_zone_by_name_and_keeps_the_old(run_cli, owner, unchanged):
    with unchanged():
        result = run_cli("profile", "set", "--tz", "Mars/Olympus")
    assert_bad_input(result, "time_zone")


def test_unapprove_takes_an_approved_follow_up_back(run_cli, record_interview, owner):
    from followup.core import services

    fu = record_interview().follow_ups[0]
    services.approve(owner, fu.pk)
    result = run_cli("unapprove", fu.pk)
    assert result.returncode == 0, result.stderr
    assert "no longer approved" in result.stdout
    assert FollowUp.objects.get(pk=fu.pk).status == "planned"


def test_unapprove_of_a_planned_follow_up_says_why_not(run_cli, record_interview, unchanged):
    fu = record_interview().follow_ups[0]
    with unchanged():
        result = run_cli("unapprove", fu.pk)
    assert_bad_input(result, "followup_id")


def test_sent_at_yesterday_records_yesterday_in_your_zone(run_cli, record_interview):
    fu = record_interview().follow_ups[0]
    yesterday = (datetime.now(NAIROBI) - timedelta(days=1)).replace(
        hour=16, minute=30, second=0, microsecond=0
    )
    result = run_cli("sent", fu.pk, "--at", yesterday.strftime("%Y-%m-%d %H:%M"), "--json")
    assert result.returncode == 0, result.stderr
    row = FollowUp.objects.get(pk=fu.pk)
    assert row.status == "sent" and row.sent_at == yesterday


def test_replied_at_takes_an_offset_when_given(run_cli, record_interview):
    fu = record_interview().follow_ups[0]
    when = (datetime.now(NAIROBI) - timedelta(days=2)).replace(microsecond=0, second=0)
    text = when.astimezone(ZoneInfo("Europe/London")).isoformat(sep=" ")
    result = run_cli("replied", fu.pk, "--at", text)
    assert result.returncode == 0, result.stderr
    assert FollowUp.objects.get(pk=fu.pk).replied_at == when
    assert Event.objects.filter(follow_up_id=fu.pk, kind="reply_recorded").get().at == when


def test_sent_at_in_the_future_is_refused_by_name(run_cli, record_interview, unchanged):
    fu = record_interview().follow_ups[0]
    with unchanged():
        result = run_cli("sent", fu.pk, "--at", "2099-01-01 10:00")
    assert_bad_input(result, "at")
