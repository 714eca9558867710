"""`followup notify …`, `calendar …`, `digest …` and `interview import` as real processes: the
pushes go to a local HTTP receiver (Apprise json://), the digest to a local aiosmtpd."""

from __future__ import annotations

import json
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from followup.core.models import Interview, Profile
from followup.notify.models import NotifyChannel

from .conftest import INVITES, assert_bad_input

UNKNOWN = "99999999"


@pytest.fixture
def owner_email() -> str:
    return "amina.njeri@gmail.com"


def test_notify_add_list_test_and_remove(run_cli, owner, receiver):
    added = run_cli("notify", "add", receiver.url, "--label", "Phone", "--json")
    assert added.returncode == 0, added.stderr
    channel = json.loads(added.stdout)
    assert channel["label"] == "Phone" and channel["service"] == "json"
    assert receiver.url not in added.stdout + added.stderr

    listed = run_cli("notify", "list", "--json")
    assert [c["id"] for c in json.loads(listed.stdout)] == [channel["id"]]
    text = run_cli("notify", "list")
    assert text.stdout == f"{channel['id']} Phone (json://…) active\n"

    tested = run_cli("notify", "test")
    assert tested.returncode == 0 and "Phone: OK" in tested.stdout
    assert receiver.titles() == ["followup: test notification"]

    receiver.statuses = [401]
    failed = run_cli("notify", "test", str(channel["id"]))
    assert failed.returncode == 1 and "401" in failed.stdout

    assert run_cli("notify", "remove", str(channel["id"])).returncode == 0
    assert not NotifyChannel.objects.exists()


def test_notify_add_refuses_a_bad_url_in_one_line_naming_the_field(run_cli, owner, unchanged):
    with unchanged():
        assert_bad_input(run_cli("notify", "add", "nosuchservice://abc"), "url")


@pytest.mark.parametrize("command", ["remove", "resume", "test"])
def test_notify_commands_on_an_unknown_channel_exit_2(run_cli, owner, unchanged, command):
    with unchanged():
        assert_bad_input(run_cli("notify", command, UNKNOWN), "channel_id")


def test_notify_resume_makes_a_paused_channel_active(cli_json, run_cli, owner, receiver):
    channel = cli_json("notify", "add", receiver.url, "--label", "Phone")
    NotifyChannel.objects.filter(pk=channel["id"]).update(paused=True, paused_at=timezone.now())
    assert "paused" in run_cli("notify", "list").stdout
    result = run_cli("notify", "resume", str(channel["id"]))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Channel {channel['id']} (Phone) is active again.\n"
    assert not NotifyChannel.objects.get(pk=channel["id"]).paused


def test_notify_deliver_pushes_what_is_due(cli_json, run_cli, owner, record_interview, receiver):
    channel = cli_json("notify", "add", receiver.url)
    NotifyChannel.objects.filter(pk=channel["id"]).update(
        active_since=timezone.now() - timedelta(days=400)
    )
    record_interview(start="2025-12-09 10:00")
    result = run_cli("notify", "deliver")
    assert result.returncode == 0 and "delivered" in result.stdout
    assert len(receiver.posts) >= 1


def test_calendar_url_prints_a_webcal_url_and_regenerate_revokes_the_old_one(
    run_cli, owner, client
):
    first = run_cli("calendar", "url").stdout.strip()
    assert first.startswith("webcal://127.0.0.1:8000/calendar/") and first.endswith(".ics")
    assert run_cli("calendar", "url").stdout.strip() == first
    second = run_cli("calendar", "url", "--regenerate").stdout.strip()
    assert second != first
    path = lambda url: "/" + url.split("://", 1)[1].split("/", 1)[1]  # noqa: E731
    assert client.get(path(first)).status_code == 404
    assert client.get(path(second)).status_code == 200

    revoked = run_cli("calendar", "revoke")
    assert revoked.returncode == 0 and revoked.stdout.startswith("The calendar feed is off")
    assert client.get(path(second)).status_code == 404


def test_calendar_export_writes_a_file_calendars_read(run_cli, owner, record_interview, tmp_path):
    record_interview()
    target = tmp_path / "mine.ics"
    result = run_cli("calendar", "export", str(target))
    assert result.returncode == 0
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(list(calendar.walk("VEVENT"))) > 1
    assert_bad_input(run_cli("calendar", "export", str(tmp_path / "no" / "such.ics")), "file")


def test_interview_import_records_the_interview_from_the_invitation(run_cli, owner):
    result = run_cli("interview", "import", str(INVITES / "zoom_request.ics"), "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["action"] == "created"
    assert Interview.objects.get(pk=row["interview_id"]).time_zone == "America/New_York"

    again = run_cli("interview", "import", str(INVITES / "zoom_request.ics"))
    assert again.returncode == 0 and again.stdout.startswith("unchanged:")


def test_interview_import_of_an_unreadable_file_exits_2(run_cli, owner, unchanged, tmp_path):
    junk = tmp_path / "junk.ics"
    junk.write_text("hello")
    with unchanged():
        assert_bad_input(run_cli("interview", "import", str(tmp_path / "nope.ics")), "file")
        bad = run_cli("interview", "import", str(junk))
    assert bad.returncode == 2 and "not an iCalendar file" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    assert not Interview.objects.exists()


def test_digest_at_sets_the_hour_and_refuses_a_bad_one(run_cli, owner, unchanged):
    assert "07:00" in run_cli("digest", "at", "7").stdout
    assert Profile.objects.get(user=owner).digest_hour == 7
    with unchanged():
        assert_bad_input(run_cli("digest", "at", "25"), "hour")
    assert "off" in run_cli("digest", "at", "off").stdout
    assert Profile.objects.get(user=owner).digest_hour is None


def test_digest_send_now_sends_todays_digest(
    run_cli, owner, record_interview, mail_account, smtp_sink
):
    from followup.core.services import parse_local_datetime

    start = (timezone.now() - timedelta(days=1)).astimezone().strftime("%Y-%m-%d 10:00")
    record_interview(start=parse_local_datetime(start, "Africa/Nairobi", "start"))
    shown = run_cli("digest", "show")
    assert shown.returncode == 0 and shown.stdout.strip()
    result = run_cli("digest", "send", "--now")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Digest sent") and len(smtp_sink.messages) == 1
    off = run_cli("digest", "send")
    assert "off" in off.stdout


def test_digest_send_names_a_mail_server_that_is_down(run_cli, owner, record_interview):
    from followup.mail import accounts
    from tests.notify.conftest import free_port

    accounts.save_account(
        owner,
        accounts.AccountInput(
            from_address="amina.njeri@gmail.com",
            smtp_host="127.0.0.1",
            smtp_port=free_port(),
            smtp_security="none",
        ),
    )
    start = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%d 10:00")
    record_interview(start=start)
    result = run_cli("digest", "send", "--now")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout.strip()
