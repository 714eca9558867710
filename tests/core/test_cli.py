"""The `followup` command, driven in-process against the real database."""

import json

import pytest

from followup.cli import app
from followup.core.models import Application, Company, Contact, FollowUp, Interview

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


def rows():
    return tuple(m.objects.count() for m in (Company, Contact, Application, Interview, FollowUp))


def test_interview_add_prints_the_created_ids_as_json(cli, owner):
    data = cli.json(*ADD)
    assert set(data) == {"application_id", "interview_id", "follow_up_ids"}
    interview = Interview.objects.get(pk=data["interview_id"])
    assert interview.promised_phrase == "We'll get back to you by Friday"
    assert str(interview.promised_date) == "2025-12-12"
    assert FollowUp.objects.filter(pk__in=data["follow_up_ids"]).count() == len(
        data["follow_up_ids"]
    )


def test_the_plan_checks_in_after_jamhuri_day(cli, owner):
    created = cli.json(*ADD)
    plan = cli.json("plan", str(created["interview_id"]))
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


def test_due_until_lists_only_what_is_due_by_then(cli, owner):
    cli.json(*ADD)
    early = cli.json("due", "--until", "2025-12-09")
    assert {fu["kind"] for fu in early} == {"thank_you"}
    everything = cli.json("due", "--until", "all")
    assert len(everything) > len(early)
    from datetime import datetime

    moments = [datetime.fromisoformat(fu["due"]) for fu in everything]
    assert moments == sorted(moments)


def test_draft_json_has_subject_body_and_warnings(cli, owner):
    created = cli.json(*ADD)
    thank_you = next(fu for fu in cli.json("due", "--until", "all") if fu["kind"] == "thank_you")
    draft = cli.json("draft", str(thank_you["id"]))
    assert draft["subject"]
    assert "Sales Executive" in draft["body"]
    assert isinstance(draft["warnings"], list)
    assert created["application_id"] == draft["application_id"]


def test_replied_stops_the_check_in_ladder(cli, owner):
    cli.json(*ADD)
    thank_you = next(fu for fu in cli.json("due", "--until", "all") if fu["kind"] == "thank_you")
    result = cli("replied", str(thank_you["id"]))
    assert result.exit_code == 0, result.output
    kinds = {fu["kind"] for fu in cli.json("due", "--until", "all")}
    assert not kinds & {"check_in", "check_in_2", "final_check_in"}


def test_outcome_rejected_plans_a_rejection_reply_and_cancels_check_ins(cli, owner):
    created = cli.json(*ADD)
    plan = cli.json(
        "outcome", str(created["application_id"]), "rejected", "--at", "2025-12-16 15:00"
    )
    kinds = [fu["kind"] for fu in plan]
    assert "rejection_reply" in kinds
    assert not set(kinds) & {"check_in", "check_in_2", "final_check_in"}
    reply = next(fu for fu in plan if fu["kind"] == "rejection_reply")
    assert reply["due"] == "2025-12-17T10:00:00+03:00"
    assert "feedback" in reply["body"].lower()


def test_done_and_skip_close_a_follow_up(cli, owner):
    cli.json(*ADD)
    first, second = [fu for fu in cli.json("due", "--until", "all") if fu["kind"] == "thank_you"]
    assert cli.json("done", str(first["id"]))["status"] == "done"
    assert cli.json("skip", str(second["id"]))["status"] == "skipped"
    open_ids = {fu["id"] for fu in cli.json("due", "--until", "all")}
    assert first["id"] not in open_ids and second["id"] not in open_ids


def test_show_prints_the_timeline(cli, owner):
    created = cli.json(*ADD)
    shown = cli.json("show", str(created["application_id"]))
    assert shown["timeline"][0]["kind"] == "interview_recorded"
    assert any(e["kind"] == "follow_up_planned" for e in shown["timeline"])


def test_list_shows_applications(cli, owner):
    cli.json(*ADD)
    listed = cli.json("list")
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
def test_bad_input_gives_one_line_naming_the_field_and_changes_nothing(cli, owner, replace, field):
    args = list(ADD)
    flag, value = replace
    args[args.index(flag) + 1] = value
    before = rows()
    result = cli(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}:")
    assert rows() == before


def test_an_end_before_the_start_is_refused(cli, owner):
    result = cli(*[a for a in ADD if a not in ("--duration", "60")], "--end", "2025-12-09 09:00")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: end:")
    assert rows() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    "command",
    [
        ["draft", "999"],
        ["done", "999"],
        ["show", "999"],
        ["plan", "abc"],
        ["outcome", "999", "offer"],
    ],
)
def test_an_unknown_id_gives_exit_code_2(cli, owner, command):
    result = cli(*command)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "999" in result.stderr or "abc" in result.stderr


def test_an_unknown_outcome_names_the_field(cli, owner):
    created = cli.json(*ADD)
    result = cli("outcome", str(created["application_id"]), "ghosted")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: outcome:")


def test_export_import_export_gives_the_same_data(cli, owner, tmp_path, django_user_model):
    created = cli.json(*ADD)
    cli("outcome", str(created["application_id"]), "rejected", "--at", "2025-12-16 15:00")
    for fmt in ("json", "csv"):
        exported = tmp_path / f"export.{fmt}"
        assert cli("export", "--format", fmt, "--output", str(exported)).exit_code == 0
        first = exported.read_text()
        # Into an empty home: another owner stands for a fresh database here.
        from followup.core import portability

        other = django_user_model.objects.create(username=f"fresh-{fmt}")
        portability.import_text(other, first)
        again = portability.export_text(other, fmt)
        assert again == first


def test_import_of_an_unreadable_file_names_the_field(cli, owner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli("import", str(broken))
    assert result.exit_code == 2 and result.stderr.startswith("error: file:")
    result = cli("import", str(tmp_path / "missing.json"))
    assert result.exit_code == 2 and result.stderr.startswith("error: file:")
    assert rows() == (0, 0, 0, 0, 0)


def test_the_cli_import_round_trips_through_a_file(cli, owner, tmp_path):
    cli.json(*ADD)
    exported = tmp_path / "all.json"
    cli("export", "--output", str(exported))
    before = json.loads(exported.read_text())
    Application.objects.all().delete()
    Company.objects.all().delete()
    Contact.objects.all().delete()
    result = cli("import", str(exported))
    assert result.exit_code == 0, result.output
    assert "1 applications" in result.stdout
    after = tmp_path / "again.json"
    cli("export", "--output", str(after))
    assert json.loads(after.read_text()) == before


def test_demo_fills_a_fresh_home(cli, owner):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert Application.objects.count() == 4
    assert Application.objects.filter(status="rejected").exists()
    assert FollowUp.objects.filter(kind="rejection_reply").exists()
    again = cli("demo")
    assert again.exit_code == 2


def test_every_command_has_help_text_and_is_in_the_readme():
    from pathlib import Path

    import typer.main

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    group = typer.main.get_command(app)

    def walk(command, prefix):
        for name, sub in command.commands.items():
            if hasattr(sub, "commands"):
                yield from walk(sub, prefix + [name])
            else:
                yield prefix + [name], sub

    for path, command in walk(group, []):
        assert (command.help or "").strip(), f"followup {' '.join(path)} has no help text"
        assert f"followup {' '.join(path)}" in readme, (
            f"followup {' '.join(path)} is not in the README"
        )


def test_json_for_a_pipe_is_one_line_a_program_reads(cli, owner):
    cli(*ADD)
    result = cli("due", "--until", "all", "--json")
    assert result.exit_code == 0
    assert result.stdout.strip().count("\n") == 0
    assert isinstance(json.loads(result.stdout), list) and json.loads(result.stdout)
