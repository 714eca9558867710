"""The reminder commands of `followup`, driven in-process against the real database."""

from __future__ import annotations

import json

import icalendar
import pytest
from typer.testing import CliRunner

from followup.cli import app
from followup.core.models import Interview, Profile
from followup.notify.models import NotifyChannel

from .conftest import INVITES


@pytest.fixture
def cli(db):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_notify_add_list_test_and_remove(cli, owner, receiver):
    added = cli("notify", "add", receiver.url, "--label", "Phone", "--json")
    assert added.exit_code == 0, added.output
    channel = json.loads(added.stdout)
    assert channel["label"] == "Phone" and channel["service"] == "json"
    assert receiver.url not in added.output

    listed = cli("notify", "list", "--json")
    assert [c["id"] for c in json.loads(listed.stdout)] == [channel["id"]]

    tested = cli("notify", "test")
    assert tested.exit_code == 0 and "Phone: OK" in tested.output
    assert receiver.titles() == ["followup: test notification"]

    receiver.statuses = [401]
    failed = cli("notify", "test", str(channel["id"]))
    assert failed.exit_code == 1 and "401" in failed.output

    assert cli("notify", "remove", str(channel["id"])).exit_code == 0
    assert not NotifyChannel.objects.exists()


def test_notify_add_refuses_a_bad_url_in_one_line_naming_the_field(cli, owner):
    result = cli("notify", "add", "nosuchservice://abc")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: url: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_notify_remove_of_an_unknown_channel_exits_2(cli, owner):
    result = cli("notify", "remove", "999")
    assert result.exit_code == 2 and "error: channel_id:" in result.stderr


def test_notify_deliver_pushes_what_is_due(cli, owner, receiver, record_interview):
    from datetime import timedelta

    from django.utils import timezone

    channel = NotifyChannel.objects.get(
        pk=json.loads(cli("notify", "add", receiver.url, "--json").stdout)["id"]
    )
    NotifyChannel.objects.filter(pk=channel.pk).update(
        active_since=timezone.now() - timedelta(days=400)
    )
    record_interview(start="2025-12-09 10:00")
    result = cli("notify", "deliver")
    assert result.exit_code == 0 and "delivered" in result.output
    assert len(receiver.posts) >= 1


def test_calendar_url_prints_a_webcal_url_and_regenerate_revokes_the_old_one(cli, owner, client):
    first = cli("calendar", "url").stdout.strip()
    assert first.startswith("webcal://127.0.0.1:8000/calendar/") and first.endswith(".ics")
    assert cli("calendar", "url").stdout.strip() == first
    second = cli("calendar", "url", "--regenerate").stdout.strip()
    assert second != first
    path = lambda url: "/" + url.split("://", 1)[1].split("/", 1)[1]  # noqa: E731
    assert client.get(path(first)).status_code == 404
    assert client.get(path(second)).status_code == 200


def test_calendar_export_writes_a_file_calendars_read(cli, owner, tmp_path, record_interview):
    record_interview()
    target = tmp_path / "mine.ics"
    result = cli("calendar", "export", str(target))
    assert result.exit_code == 0
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(list(calendar.walk("VEVENT"))) > 1


def test_interview_import_records_the_interview_from_the_invitation(cli, owner):
    result = cli("interview", "import", str(INVITES / "zoom_request.ics"), "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["action"] == "created"
    assert Interview.objects.get(pk=row["interview_id"]).time_zone == "America/New_York"

    again = cli("interview", "import", str(INVITES / "zoom_request.ics"))
    assert again.exit_code == 0 and again.output.startswith("unchanged:")


def test_interview_import_of_an_unreadable_file_exits_2(cli, owner, tmp_path):
    missing = cli("interview", "import", str(tmp_path / "nope.ics"))
    assert missing.exit_code == 2 and missing.stderr.startswith("error: file: ")
    junk = tmp_path / "junk.ics"
    junk.write_text("hello")
    bad = cli("interview", "import", str(junk))
    assert bad.exit_code == 2 and "not an iCalendar file" in bad.stderr
    assert not Interview.objects.exists()


def test_digest_at_sets_the_hour_and_refuses_a_bad_one(cli, owner):
    assert "07:00" in cli("digest", "at", "7").output
    assert Profile.objects.get(user=owner).digest_hour == 7
    bad = cli("digest", "at", "25")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: hour: ")
    assert "off" in cli("digest", "at", "off").output
    assert Profile.objects.get(user=owner).digest_hour is None


def test_digest_send_now_sends_todays_digest(cli, owner, mail_account, smtp_sink, record_interview):
    from datetime import timedelta

    from django.utils import timezone

    from followup.core.services import parse_local_datetime

    start = (timezone.now() - timedelta(days=1)).astimezone().strftime("%Y-%m-%d 10:00")
    record_interview(start=parse_local_datetime(start, "Africa/Nairobi", "start"))
    shown = cli("digest", "show")
    assert shown.exit_code == 0
    result = cli("digest", "send", "--now")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Digest sent") and len(smtp_sink.messages) == 1
    off = cli("digest", "send")
    assert "off" in off.output
