"""The CLI in hosted mode works on a named, existing account (`--user NAME` or FOLLOWUP_USER)
and never invents a `local` one; its mail test passes the address guard. Plus the small
start-up and output failures, each one line naming what to fix, exit code 2. Real processes."""

from __future__ import annotations

import json
import socket

import pytest
from django.contrib.auth import get_user_model

from followup.core.models import Application
from tests.mail.conftest import add_account

from .conftest import assert_bad_input, make_application

HOSTED = {"FOLLOWUP_HOSTED": "true"}


@pytest.fixture
def wanjiru(database):
    from followup.core.queries import get_profile

    user = get_user_model().objects.create_user("wanjiru", password="a long pass phrase")
    get_profile(user)
    return user


def local_users() -> int:
    return get_user_model().objects.filter(username="local").count()


def test_hosted_a_command_without_a_user_is_refused_and_makes_no_local_user(run_cli, wanjiru):
    result = run_cli("list", env=HOSTED)
    assert_bad_input(result, "user")
    assert "--user NAME or FOLLOWUP_USER" in result.stderr
    assert local_users() == 0


def test_hosted_an_unknown_user_is_named(run_cli, wanjiru):
    result = run_cli("--user", "otieno", "list", env=HOSTED)
    assert_bad_input(result, "user")
    assert "'otieno'" in result.stderr
    assert local_users() == 0


@pytest.mark.parametrize("how", ["option", "environment"])
def test_hosted_the_named_account_is_the_one_worked_on(run_cli, wanjiru, how):
    mine, _ = make_application(wanjiru, company="Savanna Mobile")
    other = get_user_model().objects.create_user("otieno", password="another pass phrase")
    make_application(other, company="Rift Valley Tea")
    if how == "option":
        result = run_cli("--user", "wanjiru", "list", "--json", env=HOSTED)
    else:
        result = run_cli("list", "--json", env={**HOSTED, "FOLLOWUP_USER": "wanjiru"})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert [row["id"] for row in shown] == [mine.pk]
    assert local_users() == 0
    assert Application.objects.filter(owner=wanjiru).count() == 1


def test_local_mode_still_needs_no_user(run_cli, owner):
    result = run_cli("list")
    assert result.returncode == 0, result.stderr


def test_hosted_mail_test_refuses_a_loopback_server_without_connecting(run_cli, wanjiru):
    with socket.socket() as sink:
        sink.bind(("127.0.0.1", 0))
        sink.listen(4)
        sink.setblocking(False)
        port = sink.getsockname()[1]
        add_account(wanjiru, None, None, smtp_host="localhost", smtp_port=port)
        result = run_cli("--user", "wanjiru", "mail", "test", "--json", env=HOSTED)
        with pytest.raises(BlockingIOError):
            sink.accept()  # nobody connected
    assert result.returncode == 1
    (smtp,) = json.loads(result.stdout)
    assert smtp["kind"] == "blocked"
    assert smtp["message"].startswith("blocked: smtp_host:")


@pytest.mark.parametrize("key", ["not-a-key", "c2hvcnQ=", "ключ"])
def test_a_malformed_encryption_key_is_one_line_naming_it(run_cli, owner, key):
    result = run_cli(
        "notify", "add", "ntfy://ntfy.example/amina", env={"FOLLOWUP_ENCRYPTION_KEY": key}
    )
    assert_bad_input(result, "FOLLOWUP_ENCRYPTION_KEY")
    assert "Traceback" not in result.stderr


def test_export_into_a_missing_folder_names_the_output(run_cli, owner, tmp_path):
    target = tmp_path / "missing" / "dir" / "file.json"
    result = run_cli("export", "-o", target)
    assert_bad_input(result, "output")
    assert "missing" in result.stderr
    assert not target.parent.exists()


def test_export_onto_a_folder_names_the_output(run_cli, owner, tmp_path):
    result = run_cli("export", "-o", tmp_path)
    assert_bad_input(result, "output")
