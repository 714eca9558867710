"""`followup serve`: waitress on loopback, a fresh sign-in link each start, no token in logs."""

import http.cookiejar
import logging
import threading
import urllib.request

import pytest
from typer.testing import CliRunner

from followup.cli import app
from followup.core.errors import InvalidInput
from followup.front import server


@pytest.fixture
def short_connections():
    """Server threads close their database connection after each request, so the test
    database can be dropped afterwards (PostgreSQL refuses while sessions are open)."""
    from django.db import connections

    conf = connections.settings["default"]
    before = conf.get("CONN_MAX_AGE", 0)
    conf["CONN_MAX_AGE"] = 0
    yield
    conf["CONN_MAX_AGE"] = before


@pytest.fixture
def running(transactional_db, short_connections):
    srv = server.create("127.0.0.1", 0, worker=False)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield srv
    srv.close()
    thread.join(timeout=10)
    assert not thread.is_alive()


def opener():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def test_the_printed_link_signs_in_and_redirects_to_a_url_without_the_token(running, caplog):
    caplog.set_level(logging.DEBUG)
    assert running.sign_in_url.startswith(f"http://127.0.0.1:{running.port}/login/?token=")
    token = running.sign_in_url.split("token=", 1)[1]
    browser = opener()
    with browser.open(running.sign_in_url, timeout=10) as response:
        assert response.status == 200
        # Signed in; a new user's first visit to Today shows the first-run set-up.
        assert response.url == f"{running.base_url}/set-up/"
        assert b"Welcome to followup" in response.read()
    assert token not in caplog.text


def test_each_start_prints_a_fresh_token(transactional_db):
    first = server.create("127.0.0.1", 0, worker=False)
    second = server.create("127.0.0.1", 0, worker=False)
    try:
        assert first.sign_in_url.split("token=")[1] != second.sign_in_url.split("token=")[1]
    finally:
        first.wsgi_server.close()
        second.wsgi_server.close()


def test_static_files_are_served_offline_by_whitenoise(running):
    with urllib.request.urlopen(
        f"{running.base_url}/static/front/vendor/htmx-2.0.11.min.js", timeout=10
    ) as r:
        assert r.status == 200
        assert b"htmx" in r.read(2000)


def test_a_stranger_without_the_link_is_sent_to_the_sign_in_page(running):
    with urllib.request.urlopen(f"{running.base_url}/", timeout=10) as response:
        assert response.url.startswith(f"{running.base_url}/login/")
        assert b"Open your sign-in link" in response.read()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com"])
def test_it_refuses_a_non_loopback_host_unless_hosted(host):
    with pytest.raises(InvalidInput) as caught:
        server.check_host(host, hosted=False)
    assert caught.value.field == "host"
    assert server.check_host(host, hosted=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_are_fine(host):
    assert server.is_loopback(host)


def test_the_command_refuses_a_public_host_with_one_line_and_exit_code_2(db):
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: host:")


def test_the_command_refuses_a_bad_port(db):
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: port:")


def test_without_a_worker_module_it_says_so_in_one_line(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "followup.worker" else real(name, *a),
    )
    worker, notice = server.start_worker(threading.Event())
    assert worker is None
    assert "\n" not in notice and "worker" in notice


def test_followup_serve_prints_a_link_that_signs_in_and_never_logs_the_token(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    env = {
        **os.environ,
        "FOLLOWUP_HOME": str(tmp_path),
        "DATABASE_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "followup", "serve", "--port", "0", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = ""
        for line in proc.stdout:
            if "/login/?token=" in line:
                url = line.strip()
                break
        assert url.startswith("http://127.0.0.1:"), url
        with opener().open(url, timeout=20) as response:
            assert response.status == 200
            assert "token" not in response.url
            assert b"Welcome to followup" in response.read()  # a fresh home: the set-up
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    token = url.split("token=", 1)[1]
    assert token not in err and token not in out
    assert proc.returncode == 0, err


def test_followup_serve_with_the_worker_stops_cleanly_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    env = {
        **os.environ,
        "FOLLOWUP_HOME": str(tmp_path),
        "DATABASE_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "followup", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        assert "followup is running at http://127.0.0.1:" in first
        assert "worker" in first
        for line in proc.stdout:
            if "Ctrl-C" in line:
                break
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
