"""One function for the site's address (followup.core.site): FOLLOWUP_SITE_URL, else what
`followup serve` recorded, else the default; the setting is checked at start-up."""

from __future__ import annotations

import pytest

from followup.core import site
from followup.env import ConfigError, env_site_url


def test_without_anything_the_default_address(settings):
    settings.SITE_URL = ""
    assert site.site_url() == "http://127.0.0.1:8000"


def test_the_recorded_address_is_used_and_written_whole(settings):
    settings.SITE_URL = ""
    path = site.record_site_url("http://127.0.0.1:8123/")
    assert path.read_text() == "http://127.0.0.1:8123\n"
    assert site.site_url() == "http://127.0.0.1:8123"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".site-url.")]


def test_the_setting_wins(settings):
    site.record_site_url("http://127.0.0.1:8123")
    settings.SITE_URL = "https://followup.example.org"
    assert site.site_url() == "https://followup.example.org"


def test_a_damaged_recorded_file_is_ignored(settings):
    settings.SITE_URL = ""
    (settings.HOME / site.SITE_URL_FILE).write_text("not a url\n")
    assert site.site_url() == site.DEFAULT_SITE_URL


@pytest.mark.parametrize(
    "raw",
    [
        "followup.example.org",
        "ftp://x.example",
        "http://",
        "http://x:99999",
        "http://a b",
        "https://x.example/?q=1",
        "https://user:pw@x.example",
    ],
)
def test_a_malformed_setting_fails_loudly_naming_it(monkeypatch, raw):
    monkeypatch.setenv("FOLLOWUP_SITE_URL", raw)
    with pytest.raises(ConfigError, match="^FOLLOWUP_SITE_URL: "):
        env_site_url("FOLLOWUP_SITE_URL")


def test_a_good_setting_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_SITE_URL", " https://followup.example.org/app/ ")
    assert env_site_url("FOLLOWUP_SITE_URL") == "https://followup.example.org/app"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000", True),
        ("webcal://localhost:8000/calendar/x.ics", True),
        ("http://[::1]:8000", True),
        ("https://followup.example.org", False),
        ("http://192.168.1.20:8000", False),
    ],
)
def test_loopback_addresses_are_this_computer_only(url, local):
    assert site.is_local_only(url) is local
