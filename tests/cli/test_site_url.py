"""The site's address follows the server actually running: `followup serve` records it in
FOLLOWUP_HOME and `followup digest show` (like the worker) links to it; FOLLOWUP_SITE_URL wins
and a malformed one is refused naming it; `calendar url` says when only this computer can
reach the feed. Real processes."""

from __future__ import annotations

import re
import signal
import urllib.request

from tests.mail.servers import free_port

from .conftest import assert_bad_input

LINK = re.compile(r"https?://[^\s)]+")


def test_serve_records_its_address_and_digest_show_links_to_it(
    start_cli, run_cli, owner, record_interview, tmp_path
):
    record_interview()  # in 2025: its follow-ups are overdue, so the digest has lines
    home = {"FOLLOWUP_HOME": str(tmp_path / "home")}
    port = free_port()
    server = start_cli("serve", "--port", port, "--no-worker", env=home)
    lines = []
    for line in server.stdout:  # each line as serve prints it: the address comes before serving
        lines.append(line)
        if line.startswith("Links in reminders"):
            break
    assert lines and lines[-1].strip() == (
        f"Links in reminders and the calendar feed point to http://127.0.0.1:{port}/."
    ), lines
    assert (tmp_path / "home" / "site-url").read_text().strip() == f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=30) as response:
        assert response.status == 200  # the recorded address is the one answering

    shown = run_cli("digest", "show", env=home)
    assert shown.returncode == 0, shown.stderr
    links = LINK.findall(shown.stdout)
    assert links and all(link.startswith(f"http://127.0.0.1:{port}/") for link in links), links

    server.send_signal(signal.SIGTERM)
    server.communicate(timeout=60)
    assert server.returncode == 0


def test_followup_site_url_wins_over_the_recorded_address(
    run_cli, owner, record_interview, tmp_path
):
    record_interview()
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "site-url").write_text("http://127.0.0.1:8123\n")
    env = {"FOLLOWUP_HOME": str(home), "FOLLOWUP_SITE_URL": "https://followup.example.org/"}
    shown = run_cli("digest", "show", env=env)
    assert shown.returncode == 0, shown.stderr
    links = LINK.findall(shown.stdout)
    assert links and all(link.startswith("https://followup.example.org/") for link in links)


def test_a_malformed_followup_site_url_is_refused_by_name(run_cli, owner, unchanged):
    for bad in ("followup.example.org", "ftp://followup.example.org", "http://x:99999", "http://"):
        with unchanged():
            result = run_cli("digest", "show", env={"FOLLOWUP_SITE_URL": bad})
        assert_bad_input(result, "FOLLOWUP_SITE_URL")


def test_calendar_url_says_plainly_when_only_this_computer_can_reach_it(run_cli, owner):
    result = run_cli("calendar", "url")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("webcal://127.0.0.1:")
    assert "works only on this computer" in result.stderr
    assert "followup calendar export FILE" in result.stderr


def test_calendar_url_on_a_reachable_address_has_no_such_note(run_cli, owner):
    env = {"FOLLOWUP_SITE_URL": "https://followup.example.org"}
    result = run_cli("calendar", "url", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("webcal://followup.example.org/calendar/")
    assert "only on this computer" not in result.stderr
