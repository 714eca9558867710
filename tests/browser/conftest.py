"""Real headless Chromium (Debian's package) through Playwright, against the real server:
waitress + whitenoise started by `followup.front.server`, the same code `followup serve` runs.

`owner` and `record_interview` come from tests/conftest.py; the server's threads must see what
a test writes, so `database` is a transactional one here."""

import os
import shutil
import threading
from datetime import timedelta

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are plain synchronous code and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FOLLOWUP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM} (make system-deps installs the Debian package)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def web(transactional_db):
    """The app on a free loopback port; `web.sign_in_url` carries a fresh one-time token."""
    from django.db import connections

    from followup.front import server

    # Server threads close their connection after each request, so the test database can be
    # dropped afterwards (PostgreSQL refuses while sessions are open).
    conf = connections.settings["default"]
    before = conf.get("CONN_MAX_AGE", 0)
    conf["CONN_MAX_AGE"] = 0
    srv = server.create("127.0.0.1", 0, worker=False)
    thread = threading.Thread(target=srv.run, name="followup-web", daemon=True)
    thread.start()
    yield srv
    srv.close()
    thread.join(timeout=10)
    conf["CONN_MAX_AGE"] = before


@pytest.fixture
def database(transactional_db):
    """Committed rows: the server answers from its own threads and connections."""
    return transactional_db


@pytest.fixture
def record_recent(record_interview, time_machine):
    """record_recent(**overrides): an interview that started three hours ago (its thank-you is
    due today), recorded through the real service. The clock is pinned to a Tuesday afternoon
    in Nairobi (and keeps ticking): on a Friday evening the thank-you would be due on Monday,
    outside Today's week."""
    from datetime import datetime

    from django.utils import timezone

    from followup.lib.vocabulary import zone

    time_machine.move_to(datetime(2026, 12, 1, 14, 0, tzinfo=zone("Africa/Nairobi")), tick=True)

    def record(**overrides):
        start = (timezone.now() - timedelta(hours=3)).astimezone(zone("Africa/Nairobi"))
        data = {
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "notes": "Growing the SME data bundles in Kisumu and Eldoret.",
            "promised": "we'll get back to you within two weeks",
            **overrides,
        }
        return record_interview(**data)

    return record


@pytest.fixture
def context(browser):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Africa/Nairobi"
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, web, owner):
    """A browser tab signed in through the printed link."""
    tab = context.new_page()
    tab.goto(web.sign_in_url)
    return tab
