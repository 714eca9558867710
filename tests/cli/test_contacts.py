"""`followup contact list|show|edit|delete|restore`, each a real process."""

from __future__ import annotations

import pytest

from followup.core.models import Contact, FollowUp

from .conftest import assert_bad_input


@pytest.fixture
def wanjiku(record_interview):
    record_interview()
    return Contact.objects.get(email="wanjiku@savanna.example")


def test_contact_list_searches_in_any_case(cli_json, wanjiku):
    found = cli_json("contact", "list", "--search", "SAVANNA MOBILE")
    assert {c["name"] for c in found} == {"Wanjiku Kamau", "Grace Achieng"}
    assert cli_json("contact", "list", "--search", "nobody") == []


def test_contact_list_prints_a_table(run_cli, wanjiku):
    result = run_cli("contact", "list")
    assert result.returncode == 0, result.stderr
    assert "Wanjiku Kamau" in result.stdout and "Savanna Mobile" in result.stdout


def test_contact_edit_normalises_the_phone_and_moves_her_follow_ups(cli_json, wanjiku):
    edited = cli_json(
        "contact", "edit", wanjiku.pk, "--phone", "0712 345 678", "--channel", "whatsapp"
    )
    assert edited["phone"] == "+254712345678"
    assert edited["channel"] == "whatsapp"
    open_ones = FollowUp.objects.filter(recipient=wanjiku, status__in=FollowUp.OPEN)
    assert open_ones and {fu.channel for fu in open_ones} == {"whatsapp"}


def test_contact_show_has_her_history(run_cli, cli_json, wanjiku):
    shown = cli_json("contact", "show", wanjiku.pk)
    assert shown["name"] == "Wanjiku Kamau"
    assert [a["company"] for a in shown["applications"]] == ["Savanna Mobile"]
    assert any(item["what"] == "Interview" for item in shown["history"])
    result = run_cli("contact", "show", wanjiku.pk)
    assert result.returncode == 0, result.stderr
    assert "First round" in result.stdout


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--phone", "12", "phone"),
        ("--email", "not-an-address", "email"),
        ("--tz", "Mars/Olympus", "tz"),
        ("--channel", "pigeon", "channel"),
        ("--channel", "whatsapp", "channel"),
        ("--linkedin", "https://example.com/wanjiku", "linkedin"),
        ("--name", "", "name"),
    ],
)
def test_contact_edit_refuses_bad_input_and_changes_nothing(
    run_cli, unchanged, wanjiku, option, value, field
):
    with unchanged():
        result = run_cli("contact", "edit", wanjiku.pk, option, value)
    assert_bad_input(result, field)


def test_another_id_is_not_found(run_cli, unchanged, wanjiku):
    with unchanged():
        result = run_cli("contact", "show", 999_999)
    assert_bad_input(result, "contact_id")


def test_contact_delete_and_restore(run_cli, wanjiku):
    deleted = run_cli("contact", "delete", wanjiku.pk, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert not Contact.objects.filter(pk=wanjiku.pk).exists()
    restored = run_cli("contact", "restore", wanjiku.pk)
    assert restored.returncode == 0, restored.stderr
    assert Contact.objects.filter(pk=wanjiku.pk).exists()


def test_contact_delete_without_a_terminal_asks_for_yes(run_cli, unchanged, wanjiku):
    with unchanged():
        result = run_cli("contact", "delete", wanjiku.pk)
    assert_bad_input(result, "yes")
