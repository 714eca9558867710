"""`followup serve` and `followup migrate` as real processes."""

import http.cookiejar
import json
import signal
import urllib.request

from tests.mail.servers import free_port

from .conftest import assert_bad_input


def test_serve_prints_a_sign_in_link_that_opens_today_and_stops_on_sigterm(start_cli, owner):
    port = free_port()
    server = start_cli("serve", "--port", port)
    first = server.stdout.readline()
    assert first.startswith(f"followup is running at http://127.0.0.1:{port}/ ("), first
    url = ""
    for line in server.stdout:
        if "/login/?token=" in line:
            url = line.strip()
            break
    assert url.startswith(f"http://127.0.0.1:{port}/login/?token="), url
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(url, timeout=30) as response:
        assert response.status == 200
        assert "token" not in response.url
        assert b"Today" in response.read()
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert "Traceback" not in err
    assert url.split("token=", 1)[1] not in err  # the token is never logged


def test_serve_refuses_a_public_host_and_a_bad_port(run_cli, owner, unchanged):
    with unchanged():
        assert_bad_input(run_cli("serve", "--host", "0.0.0.0", "--port", "0"), "host")
        assert_bad_input(run_cli("serve", "--port", "70000"), "port")


def test_migrate_creates_a_fresh_home_that_is_then_empty(run_cli, fresh_home):
    result = run_cli("migrate", env=fresh_home)
    assert result.returncode == 0, result.stderr
    listed = run_cli("list", "--json", env=fresh_home)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
