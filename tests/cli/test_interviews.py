"""`followup interview add`, `plan`, `due`, `list`, `show`, `draft`, `done`, `skip`, `replied`,
`outcome`, `export`, `import`, `demo`: the installed command, each run a real process."""

import json
from datetime import datetime

import pytest

from followup.core.models import Application, Company, Contact, FollowUp, Interview

from .conftest import assert_bad_input

ADD = [
    "interview",
    "add",
    "--company",
    "Acme Kenya",
    "--role",
    "Sales Executive",
    "--role-type",
    "standard",
    "--start",
    "2025-12-09 10:00",
    "--duration",
    "60",
    "--tz",
    "Africa/Nairobi",
    "--country",
    "KE",
    "--interviewer",
    "Wanjiku Kamau <wanjiku@acme.example>",
    "--interviewer",
    "Otieno Odhiambo <otieno@acme.example>",
    "--recruiter",
    "Grace Achieng <grace@acme.example>",
    "--notes",
    "Growing SME data bundles in Kisumu. Weekly pipeline reviews.",
    "--unasked",
    "How is commission structured?",
    "--promised",
    "We'll get back to you by Friday",
    "--commitment",
    "Send my portfolio by Thursday",
]
UNKNOWN = "99999999"


@pytest.fixture
def acme(record_interview):
    """The interview of ADD, recorded in-process (each process run costs a second): the ids
    `followup interview add --json` prints."""
    recorded = record_interview(
        company="Acme Kenya",
        role="Sales Executive",
        role_type="standard",
        start="2025-12-09 10:00",
        duration_minutes=60,
        tz="Africa/Nairobi",
        country="KE",
        interviewers=[
            "Wanjiku Kamau <wanjiku@acme.example>",
            "Otieno Odhiambo <otieno@acme.example>",
        ],
        recruiter="Grace Achieng <grace@acme.example>",
        notes="Growing SME data bundles in Kisumu. Weekly pipeline reviews.",
        unasked=["How is commission structured?"],
        promised="We'll get back to you by Friday",
        commitments=["Send my portfolio by Thursday"],
    )
    return {
        "application_id": recorded.application.pk,
        "interview_id": recorded.interview.pk,
        "follow_up_ids": [fu.pk for fu in recorded.follow_ups],
    }


def thank_yous():
    return [
        {"id": fu.pk}
        for fu in FollowUp.objects.filter(kind="thank_you", status="planned").order_by("due", "id")
    ]


def rows():
    return tuple(m.objects.count() for m in (Company, Contact, Application, Interview, FollowUp))


def test_interview_add_prints_the_created_ids_as_json(cli_json, owner):
    data = cli_json(*ADD)
    assert set(data) == {"application_id", "interview_id", "follow_up_ids"}
    interview = Interview.objects.get(pk=data["interview_id"])
    assert interview.promised_phrase == "We'll get back to you by Friday"
    assert str(interview.promised_date) == "2025-12-12"
    assert FollowUp.objects.filter(pk__in=data["follow_up_ids"]).count() == len(
        data["follow_up_ids"]
    )


def test_interview_add_prints_the_plan_as_a_table(run_cli, owner):
    result = run_cli(*ADD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Recorded interview ")
    assert "The plan" in result.stdout and "thank-you" in result.stdout
    assert "Mon 15 Dec 2025, 10:00 EAT" in result.stdout  # the check-in, in local time


def test_the_plan_checks_in_after_jamhuri_day(cli_json, acme):
    created = acme
    plan = cli_json("plan", str(created["interview_id"]))
    kinds = [fu["kind"] for fu in plan]
    assert kinds.count("thank_you") == 2  # one per interviewer with an email
    check_in = next(fu for fu in plan if fu["kind"] == "check_in")
    # Fri 12 Dec 2025 is Jamhuri Day: the first business day after it is Mon 15 Dec, 10:00 EAT.
    assert check_in["due"] == "2025-12-15T10:00:00+03:00"
    assert "Jamhuri" in check_in["reason"]
    assert check_in["recipient"] == "Grace Achieng <grace@acme.example>"
    assert {
        "id",
        "application_id",
        "interview_id",
        "kind",
        "due",
        "recipient",
        "channel",
        "status",
        "reason",
    } <= set(check_in)
    deliverable = next(fu for fu in plan if fu["kind"] == "deliverable")
    assert deliverable["due"] == "2025-12-11T09:00:00+03:00"


def test_due_until_lists_only_what_is_due_by_then(cli_json, run_cli, acme):
    early = cli_json("due", "--until", "2025-12-09")
    assert {fu["kind"] for fu in early} == {"thank_you"}
    everything = cli_json("due", "--until", "all")
    assert len(everything) > len(early)
    moments = [datetime.fromisoformat(fu["due"]) for fu in everything]
    assert moments == sorted(moments)
    table = run_cli("due", "--until", "all")
    assert table.returncode == 0 and "Due" in table.stdout and "check-in" in table.stdout


def test_due_with_a_bad_date_names_until(run_cli, owner, unchanged):
    with unchanged():
        assert_bad_input(run_cli("due", "--until", "next week"), "until")


def test_draft_json_has_subject_body_and_warnings(cli_json, run_cli, acme):
    created = acme
    thank_you = thank_yous()[0]
    draft = cli_json("draft", str(thank_you["id"]))
    assert draft["subject"]
    assert "Sales Executive" in draft["body"]
    assert isinstance(draft["warnings"], list)
    assert created["application_id"] == draft["application_id"]
    text = run_cli("draft", str(thank_you["id"]))
    assert text.returncode == 0
    assert (
        text.stdout.startswith("To: Wanjiku Kamau")
        and f"Subject: {draft['subject']}" in text.stdout
    )


def test_replied_stops_the_check_in_ladder(cli_json, run_cli, acme):
    thank_you = thank_yous()[0]
    result = run_cli("replied", str(thank_you["id"]))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Follow-up {thank_you['id']} (thank_you) recorded as replied.\n"
    kinds = {fu["kind"] for fu in cli_json("due", "--until", "all")}
    assert not kinds & {"check_in", "check_in_2", "final_check_in"}


def test_outcome_rejected_plans_a_rejection_reply_and_cancels_check_ins(cli_json, acme):
    created = acme
    plan = cli_json(
        "outcome", str(created["application_id"]), "rejected", "--at", "2025-12-16 15:00"
    )
    kinds = [fu["kind"] for fu in plan]
    assert "rejection_reply" in kinds
    assert not set(kinds) & {"check_in", "check_in_2", "final_check_in"}
    reply = next(fu for fu in plan if fu["kind"] == "rejection_reply")
    assert reply["due"] == "2025-12-17T10:00:00+03:00"
    assert "feedback" in reply["body"].lower()


def test_done_and_skip_close_a_follow_up(cli_json, acme):
    first, second = thank_yous()
    assert cli_json("done", str(first["id"]))["status"] == "done"
    assert cli_json("skip", str(second["id"]))["status"] == "skipped"
    open_ids = {fu["id"] for fu in cli_json("due", "--until", "all")}
    assert first["id"] not in open_ids and second["id"] not in open_ids


def test_show_prints_the_timeline(cli_json, run_cli, acme):
    created = acme
    shown = cli_json("show", str(created["application_id"]))
    assert shown["timeline"][0]["kind"] == "interview_recorded"
    assert any(e["kind"] == "follow_up_planned" for e in shown["timeline"])
    text = run_cli("show", str(created["application_id"]))
    assert text.returncode == 0
    assert text.stdout.startswith("Sales Executive at Acme Kenya — Interviewing")
    assert "Open follow-ups" in text.stdout
    # The interview's id, for `followup interview edit|delete ID`.
    (interview,) = shown["interviews"]
    assert interview["id"] == created["interview_id"]
    assert f"interview {created['interview_id']}: " in text.stdout


def test_list_shows_applications(cli_json, run_cli, acme):
    listed = cli_json("list")
    assert listed == [
        {
            "id": listed[0]["id"],
            "company": "Acme Kenya",
            "role": "Sales Executive",
            "role_type": "standard",
            "status": "interviewing",
            "keep_warm": True,
        }
    ]
    table = run_cli("list")
    assert table.returncode == 0 and "Acme Kenya" in table.stdout


@pytest.mark.parametrize(
    ("replace", "field"),
    [
        (("--tz", "Mars/Olympus"), "tz"),
        (("--country", "XX"), "country"),
        (("--start", "next tuesday-ish"), "start"),
        (("--interviewer", "Wanjiku <not-an-email>"), "interviewer"),
        (("--role-type", "astronaut"), "role_type"),
        (("--start", "9999-12-31 23:59"), "start"),
        (("--notes", "x" * 10_001), "notes"),
        (("--interviewer", "W <" + "w" * 250 + "@acme.example>"), "interviewer"),
    ],
)
def test_bad_input_gives_one_line_naming_the_field_and_changes_nothing(
    run_cli, owner, unchanged, replace, field
):
    args = list(ADD)
    flag, value = replace
    args[args.index(flag) + 1] = value
    before = rows()
    with unchanged():
        assert_bad_input(run_cli(*args), field)
    assert rows() == before


def test_an_end_before_the_start_is_refused(run_cli, owner):
    result = run_cli(
        *[a for a in ADD if a not in ("--duration", "60")], "--end", "2025-12-09 09:00"
    )
    assert_bad_input(result, "end")
    assert rows() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    "command",
    [
        ["draft", UNKNOWN],
        ["done", UNKNOWN],
        ["show", UNKNOWN],
        ["plan", "abc"],
        ["outcome", UNKNOWN, "offer"],
    ],
)
def test_an_unknown_id_gives_exit_code_2(run_cli, owner, unchanged, command):
    with unchanged():
        result = run_cli(*command)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert UNKNOWN in result.stderr or "abc" in result.stderr


def test_an_unknown_outcome_names_the_field(cli_json, run_cli, acme, unchanged):
    created = acme
    with unchanged():
        assert_bad_input(run_cli("outcome", str(created["application_id"]), "ghosted"), "outcome")


def test_export_import_export_gives_the_same_data(
    cli_json, run_cli, acme, tmp_path, django_user_model
):
    created = acme
    run_cli("outcome", str(created["application_id"]), "rejected", "--at", "2025-12-16 15:00")
    for fmt in ("json", "csv"):
        exported = tmp_path / f"export.{fmt}"
        assert run_cli("export", "--format", fmt, "--output", str(exported)).returncode == 0
        first = exported.read_text()
        # Into an empty home: another owner stands for a fresh database here.
        from followup.core import portability

        other = django_user_model.objects.create(username=f"fresh-{fmt}")
        portability.import_text(other, first)
        again = portability.export_text(other, fmt)
        assert again == first


def test_export_to_standard_output_and_a_bad_format(cli_json, run_cli, acme, unchanged):
    result = run_cli("export")
    assert result.returncode == 0
    assert "Acme Kenya" in result.stdout and json.loads(result.stdout)
    assert_bad_input(run_cli("export", "--format", "xml"), "format")


def test_import_of_an_unreadable_file_names_the_field(run_cli, owner, unchanged, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with unchanged():
        assert_bad_input(run_cli("import", str(broken)), "file")
        assert_bad_input(run_cli("import", str(tmp_path / "missing.json")), "file")
    assert rows() == (0, 0, 0, 0, 0)


def test_the_cli_import_round_trips_through_a_file(cli_json, run_cli, acme, tmp_path):
    exported = tmp_path / "all.json"
    run_cli("export", "--output", str(exported))
    before = json.loads(exported.read_text())
    Application.objects.all().delete()
    Company.objects.all().delete()
    Contact.objects.all().delete()
    result = run_cli("import", str(exported))
    assert result.returncode == 0, result.stderr
    assert "applications: 1 added, 0 changed, 0 unchanged" in result.stdout
    after = tmp_path / "again.json"
    run_cli("export", "--output", str(after))
    assert json.loads(after.read_text()) == before


def test_demo_fills_a_fresh_home(run_cli, owner):
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    assert Application.objects.count() == 6
    assert Application.objects.filter(status="rejected").exists()
    # The search from its first saved posting: one saved, one applied with its check-in planned.
    assert Application.objects.filter(status="saved", interviews__isnull=True).exists()
    assert FollowUp.objects.filter(kind="application_check_in", status="planned").exists()
    assert FollowUp.objects.filter(kind="rejection_reply").exists()
    again = run_cli("demo")
    assert again.returncode == 2


def test_json_for_a_pipe_is_one_line_a_program_reads(run_cli, acme):
    result = run_cli("due", "--until", "all", "--json")
    assert result.returncode == 0
    assert result.stdout.strip().count("\n") == 0
    assert isinstance(json.loads(result.stdout), list) and json.loads(result.stdout)


def test_interview_add_at_a_terminal_asks_for_what_is_missing(owner, tmp_path):
    import os
    import pty
    import subprocess

    from .conftest import base_env, followup_binary

    controller, terminal = pty.openpty()
    try:
        # The answers wait in the terminal's line buffer until the prompts read them.
        # A blank line ends the interviewers, the next one says nothing was promised.
        os.write(controller, b"Savanna Mobile\nSales Executive\n2025-12-09 10:00\n\n\n")
        result = subprocess.run(
            [
                str(followup_binary()),
                "interview",
                "add",
                "--tz",
                "Africa/Nairobi",
                "--country",
                "KE",
            ],
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
    assert result.returncode == 0, result.stderr
    assert (
        "Company: " in result.stdout and "Start (YYYY-MM-DD HH:MM, local time): " in result.stdout
    )
    application = Application.objects.get()
    assert (application.company.name, application.role_title) == (
        "Savanna Mobile",
        "Sales Executive",
    )
    assert str(Interview.objects.get().start.date()) == "2025-12-09"
