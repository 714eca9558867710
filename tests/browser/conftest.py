"""Real headless Chromium (Debian's package) through Playwright, against the real server:
waitress + whitenoise started by `followup.front.server`, the same code `followup serve` runs."""

import os
import shutil
import threading

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
def owner(transactional_db):
    from followup.core import services

    user = services.get_local_user()
    profile = user.followup_profile
    profile.full_name = "Amina Njeri"
    profile.email = "amina@example.com"
    profile.country = "KE"
    profile.time_zone = "Africa/Nairobi"
    profile.save()
    return user


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
