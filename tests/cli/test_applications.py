"""`followup application add|edit|show|archive|unarchive|delete|restore|list` and
`followup interview add --application`: the installed command, each run a real process, with
good input and bad (exit 2, one line naming the field, nothing changed)."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from followup.core import services
from followup.core.models import Application, Event, FollowUp, Interview
from followup.lib.vocabulary import zone

from .conftest import assert_bad_input

UNKNOWN = "99999999"


@pytest.fixture
def saved(owner):
    """A saved posting, added in-process (each process run costs a second)."""
    return services.add_application(
        owner,
        services.ApplicationInput(company="Kilima Foods", role="Buyer", stage="saved"),
    )


def test_add_prints_the_new_id_and_plans_the_check_in(owner, cli_json):
    data = cli_json(
        "application", "add", "--company", "Savanna Mobile", "--role", "Sales Executive",
        "--url", "https://savanna.example/jobs/12", "--location", "Nairobi",
        "--salary", "KES 150-200k", "--source", "LinkedIn",
    )  # fmt: skip
    assert set(data) == {"application_id"}
    application = Application.objects.get(pk=data["application_id"])
    assert (application.status, application.location, application.source) == (
        "applied",
        "Nairobi",
        "LinkedIn",
    )
    assert application.applied_on == timezone.localdate(timezone.now(), zone("Africa/Nairobi"))
    assert FollowUp.objects.filter(application=application, kind="application_check_in").exists()


def test_add_a_saved_posting_with_a_table_line(owner, run_cli):
    result = run_cli(
        "application", "add", "--company", "Nyota Bank", "--role", "Teller", "--stage", "saved"
    )
    assert result.returncode == 0, result.stderr
    assert "Added application" in result.stdout and "(saved)" in result.stdout
    assert Application.objects.get().applied_on is None


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--role", "Buyer"], "company"),
        (["--company", "Kilima Foods"], "role"),
        (["--company", "K", "--role", "B", "--stage", "offer"], "stage"),
        (["--company", "K", "--role", "B", "--applied", "last week"], "applied"),
        (["--company", "K", "--role", "B", "--applied", "2099-01-01"], "applied"),
        (["--company", "K", "--role", "B", "--url", "javascript:alert(1)"], "url"),
        (["--company", "K", "--role", "B", "--salary", "x" * 101], "salary"),
    ],
)
def test_add_refuses_bad_input(owner, run_cli, unchanged, args, field):
    with unchanged():
        assert_bad_input(run_cli("application", "add", *args), field)


def test_edit_changes_what_is_given_and_moves_the_stage(saved, cli_json):
    data = cli_json(
        "application", "edit", saved.pk, "--stage", "applied", "--applied", "2025-12-01",
        "--notes", "Referred by Otieno", "--cv", "CV v3", "--cover-letter", "Buyer letter",
    )  # fmt: skip
    assert (data["status"], data["applied_on"], data["cv"]) == ("applied", "2025-12-01", "CV v3")
    saved.refresh_from_db()
    assert (saved.notes, saved.cover_letter_version, saved.role_title) == (
        "Referred by Otieno",
        "Buyer letter",
        "Buyer",
    )
    assert Event.objects.filter(application=saved, kind=Event.Kind.STAGE_CHANGED).exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--stage", "hired"], "stage"),
        (["--url", "not a url"], "url"),
        (["--role", ""], "role"),
        (["--applied", "2025-12-01"], "applied"),  # a saved posting was not applied to
    ],
)
def test_edit_refuses_bad_input(saved, run_cli, unchanged, args, field):
    with unchanged():
        assert_bad_input(run_cli("application", "edit", saved.pk, *args), field)


def test_commands_refuse_an_unknown_id(owner, run_cli, unchanged):
    with unchanged():
        for command in ("edit", "show", "archive", "unarchive", "restore"):
            assert_bad_input(run_cli("application", command, UNKNOWN), "application_id")
        assert_bad_input(run_cli("application", "delete", UNKNOWN, "--yes"), "application_id")


def test_show_prints_the_details_and_the_plan(owner, cli_json, run_cli):
    application = services.add_application(
        owner,
        services.ApplicationInput(
            company="Savanna Mobile", role="Sales Executive", applied="2025-12-01"
        ),
    )
    data = cli_json("application", "show", application.pk)
    assert data["applied_on"] == "2025-12-01"
    assert [fu["kind"] for fu in data["follow_ups"]] == ["application_check_in"]
    assert data["timeline"][0]["kind"] == "application_added"
    text = run_cli("application", "show", application.pk)
    assert text.returncode == 0, text.stderr
    assert "Sales Executive at Savanna Mobile — Applied" in text.stdout
    assert "application-check-in" in text.stdout


def test_archive_and_unarchive(saved, run_cli, cli_json):
    result = run_cli("application", "archive", saved.pk)
    assert result.returncode == 0, result.stderr
    assert f"followup application unarchive {saved.pk}" in result.stdout
    assert cli_json("application", "list") == []
    assert [row["archived"] for row in cli_json("application", "list", "--archived")] == [True]
    assert run_cli("application", "unarchive", saved.pk).returncode == 0
    assert [row["id"] for row in cli_json("application", "list")] == [saved.pk]


def test_delete_asks_first_and_says_how_to_undo(owner, record_interview, run_cli, cli_json):
    application = record_interview().application
    declined = run_cli("application", "delete", application.pk, input="n\n")
    assert declined.returncode == 1
    assert Application.objects.filter(pk=application.pk).exists()
    no_answer = run_cli("application", "delete", application.pk)  # stdin is not a terminal
    assert no_answer.returncode == 1 and "Nothing deleted" in no_answer.stderr
    confirmed = run_cli("application", "delete", application.pk, input="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert f"followup application restore {application.pk}" in confirmed.stdout
    assert not Application.objects.filter(pk=application.pk).exists()
    assert not Interview.objects.filter(application_id=application.pk).exists()
    restored = run_cli("application", "restore", application.pk)
    assert restored.returncode == 0, restored.stderr
    assert Interview.objects.filter(application_id=application.pk).count() == 1
    assert [row["id"] for row in cli_json("application", "list")] == [application.pk]
    gone = run_cli("application", "delete", application.pk, "--yes")
    assert gone.returncode == 0 and not Application.objects.exists()


def test_list_searches_and_filters(owner, record_interview, saved, cli_json, run_cli):
    record_interview()  # Savanna Mobile, interviewer Wanjiku Kamau
    assert [r["company"] for r in cli_json("application", "list", "--search", "WANJIKU")] == [
        "Savanna Mobile"
    ]
    assert [r["company"] for r in cli_json("application", "list", "--status", "saved")] == [
        "Kilima Foods"
    ]
    table = run_cli("application", "list")
    assert table.returncode == 0, table.stderr
    assert "Kilima Foods" in table.stdout and "Savanna Mobile" in table.stdout
    assert_bad_input(run_cli("application", "list", "--status", "hired"), "stage")


def test_interview_add_attaches_to_an_application(saved, run_cli):
    result = run_cli(
        "interview", "add", "--application", saved.pk, "--start", "2025-12-09 10:00",
        "--tz", "Africa/Nairobi", "--interviewer", "Wanjiku Kamau <wanjiku@kilima.example>",
        "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["application_id"] == saved.pk
    saved.refresh_from_db()
    assert saved.status == "interviewing"
    assert saved.applied_on is not None and saved.applied_on <= timezone.localdate(
        timezone.now(), zone("Africa/Nairobi")
    )  # the owner's day
    assert Interview.objects.get().application_id == saved.pk
