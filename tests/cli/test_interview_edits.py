"""`followup interview edit|delete|restore`, `followup reschedule`, `followup follow-up
delete|restore`, and the interviewers `interview add` asks for at a terminal: the installed
command, each run a real process, with good input and bad."""

import json
import os
import pty
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from followup.core.models import Application, Contact, Event, FollowUp, Interview

from .conftest import assert_bad_input, base_env, followup_binary

NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture
def recorded(record_interview):
    """An interview far enough ahead that moving its follow-ups lands in the future."""
    return record_interview(start="2030-03-05 10:00", promised="")


def open_due(application, kind):
    return FollowUp.objects.get(application=application, kind=kind, status__in=FollowUp.OPEN).due


def test_interview_edit_moves_the_time_and_the_plan_with_it(run_cli, recorded):
    before = open_due(recorded.application, "thank_you")
    result = run_cli(
        "interview", "edit", recorded.interview.pk, "--start", "2030-03-07 10:00", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["changed"] == ["time"]
    after = open_due(recorded.application, "thank_you")
    assert after - before == (
        datetime(2030, 3, 7, tzinfo=NAIROBI) - datetime(2030, 3, 5, tzinfo=NAIROBI)
    )
    assert Event.objects.filter(kind=Event.Kind.INTERVIEW_EDITED).count() == 1


def test_interview_edit_adds_and_removes_interviewers_and_prints_the_plan(run_cli, recorded):
    result = run_cli(
        "interview",
        "edit",
        recorded.interview.pk,
        "--interviewer",
        "Otieno Odhiambo <otieno@savanna.example>",
        "--remove-interviewer",
        "wanjiku@savanna.example",
        "--notes",
        "Route planning for the field team.",
    )
    assert result.returncode == 0, result.stderr
    assert "edited: notes, interviewers" in result.stdout
    assert "The plan" in result.stdout and "Otieno Odhiambo" in result.stdout
    interview = Interview.objects.get()
    assert [c.email for c in interview.interviewers.all()] == ["otieno@savanna.example"]
    assert interview.notes == "Route planning for the field team."


@pytest.mark.parametrize(
    "args,field",
    [
        (["--interviewer", "Name name-at-x"], "interviewer"),
        (["--interviewer", "Ann <ann@>"], "interviewer"),
        (["--start", "next tuesday"], "start"),
        (["--end", "2030-03-05 09:00"], "end"),
        (["--tz", "Mars/Olympus"], "tz"),
        (["--remove-interviewer", "nobody@example.com"], "remove_interviewer"),
        ([], "interview"),
    ],
)
def test_interview_edit_refuses_bad_input_naming_the_field(
    run_cli, recorded, unchanged, args, field
):
    with unchanged():
        result = run_cli("interview", "edit", recorded.interview.pk, *args)
    assert_bad_input(result, field)


def test_interview_edit_of_an_unknown_id_names_it(run_cli, recorded, unchanged):
    with unchanged():
        result = run_cli("interview", "edit", "99999999", "--notes", "x")
    assert_bad_input(result, "interview_id")


def test_interview_delete_needs_yes_outside_a_terminal(run_cli, recorded, unchanged):
    with unchanged():
        result = run_cli("interview", "delete", recorded.interview.pk)
    assert_bad_input(result, "yes")


def test_interview_delete_and_restore(run_cli, recorded):
    open_ids = sorted(
        FollowUp.objects.filter(status__in=FollowUp.OPEN).values_list("pk", flat=True)
    )
    result = run_cli("interview", "delete", recorded.interview.pk, "--yes")
    assert result.returncode == 0, result.stderr
    assert f"Undo: followup interview restore {recorded.interview.pk}" in result.stdout
    assert not Interview.objects.exists() and not FollowUp.objects.exists()
    assert Application.objects.filter(pk=recorded.application.pk).exists()
    again = run_cli("interview", "delete", recorded.interview.pk, "--yes")
    assert_bad_input(again, "interview_id")

    result = run_cli("interview", "restore", recorded.interview.pk, "--json")
    assert result.returncode == 0, result.stderr
    assert sorted(json.loads(result.stdout)["follow_up_ids"]) == open_ids
    assert Interview.objects.filter(pk=recorded.interview.pk).exists()
    assert_bad_input(run_cli("interview", "restore", recorded.interview.pk), "interview_id")


def test_reschedule_moves_a_follow_up_and_replanning_keeps_it(run_cli, recorded):
    thank_you = FollowUp.objects.get(kind="thank_you")
    result = run_cli("reschedule", thank_you.pk, "--at", "2030-03-06 09:15")
    assert result.returncode == 0, result.stderr
    assert "moved to Wed 6 Mar 2030, 09:15 EAT" in result.stdout
    assert run_cli("plan", recorded.interview.pk).returncode == 0
    thank_you.refresh_from_db()
    assert thank_you.due == datetime(2030, 3, 6, 9, 15, tzinfo=NAIROBI) and thank_you.edited


@pytest.mark.parametrize(
    "at,field",
    [("tomorrowish", "at"), ("2001-01-01 09:00", "at")],
)
def test_reschedule_refuses_a_bad_or_past_time(run_cli, recorded, unchanged, at, field):
    thank_you = FollowUp.objects.get(kind="thank_you")
    with unchanged():
        result = run_cli("reschedule", thank_you.pk, "--at", at)
    assert_bad_input(result, field)


def test_reschedule_needs_at(run_cli, recorded, unchanged):
    thank_you = FollowUp.objects.get(kind="thank_you")
    with unchanged():
        result = run_cli("reschedule", thank_you.pk)
    assert result.returncode == 2  # Typer's own usage error: --at is required
    assert "--at" in result.stderr


def test_follow_up_delete_and_restore(run_cli, recorded, unchanged):
    thank_you = FollowUp.objects.get(kind="thank_you")
    with unchanged():
        assert_bad_input(run_cli("follow-up", "delete", thank_you.pk), "yes")
    result = run_cli("follow-up", "delete", thank_you.pk, "--yes")
    assert result.returncode == 0, result.stderr
    assert not FollowUp.objects.filter(pk=thank_you.pk).exists()
    assert run_cli("plan", recorded.interview.pk).returncode == 0
    assert not FollowUp.objects.filter(kind="thank_you").exists()  # not planned again
    result = run_cli("follow-up", "restore", thank_you.pk)
    assert result.returncode == 0, result.stderr
    assert FollowUp.objects.filter(pk=thank_you.pk, status="planned").exists()
    with unchanged():
        assert_bad_input(run_cli("follow-up", "restore", thank_you.pk), "followup_id")


def run_at_a_terminal(tmp_path, answers: bytes, *args: str) -> subprocess.CompletedProcess[str]:
    """`followup ARGS` with a terminal for standard input; the answers wait in its line buffer
    until the prompts read them."""
    controller, terminal = pty.openpty()
    try:
        os.write(controller, answers)
        return subprocess.run(
            [str(followup_binary()), *args],
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=120,
            env=base_env(tmp_path / "unused-ca.pem"),
            cwd=tmp_path,
        )
    finally:
        os.close(terminal)
        os.close(controller)


def test_interview_add_at_a_terminal_asks_for_interviewers_and_again_for_a_malformed_one(
    database, owner, tmp_path
):
    answers = (
        b"Savanna Mobile\n"
        b"Sales Executive\n"
        b"9 December\n"  # not a date and time: asked again
        b"2025-12-09 10:00\n"
        b"Name name-at-x\n"  # no address: asked again, the answers so far kept
        b"Wanjiku Kamau <wanjiku@savanna.example>\n"
        b"Otieno <otieno@>\n"  # malformed: asked again
        b"Otieno Odhiambo <otieno@savanna.example>\n"
        b"\n"  # no more interviewers
        b"\n"  # nothing promised
    )
    result = run_at_a_terminal(
        tmp_path, answers, "interview", "add", "--tz", "Africa/Nairobi", "--country", "KE"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Start (YYYY-MM-DD HH:MM, local time): ") == 2
    assert "Interviewer ('Name <email>', blank to finish): " in result.stdout
    assert "error: start: '9 December' is not a date and time" in result.stderr
    assert "error: interviewer: 'Name name-at-x' has no email address" in result.stderr
    assert "error: interviewer: 'Otieno <otieno@>'" in result.stderr
    interview = Interview.objects.get()
    assert sorted(c.email for c in interview.interviewers.all()) == [
        "otieno@savanna.example",
        "wanjiku@savanna.example",
    ]
    assert not Contact.objects.filter(email="").exists()


def test_interview_add_refuses_an_interviewer_without_an_address(run_cli, owner, unchanged):
    with unchanged():
        result = run_cli(
            "interview",
            "add",
            "--company",
            "Savanna Mobile",
            "--role",
            "Sales Executive",
            "--start",
            "2025-12-09 10:00",
            "--tz",
            "Africa/Nairobi",
            "--interviewer",
            "Name name-at-x",
        )
    assert_bad_input(result, "interviewer")
    assert "has no email address" in result.stderr


def test_interview_delete_at_a_terminal_asks_first(database, recorded, tmp_path):
    result = run_at_a_terminal(tmp_path, b"n\n", "interview", "delete", str(recorded.interview.pk))
    assert result.returncode == 1
    assert "and its follow-ups? [y/N]" in result.stdout and "Nothing deleted." in result.stdout
    assert Interview.objects.filter(pk=recorded.interview.pk).exists()
    result = run_at_a_terminal(tmp_path, b"y\n", "interview", "delete", str(recorded.interview.pk))
    assert result.returncode == 0, result.stderr
    assert not Interview.objects.exists()
