"""Hosted behind HTTPS: Secure cookies, HSTS and the proxy header come from the environment,
read by a fresh process importing the settings as the server does."""

import json
import os
import subprocess
import sys

SHOW = (
    "import json; from django.conf import settings; import django; django.setup(); "
    "print(json.dumps({name: getattr(settings, name, None) for name in ("
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
    "'SECURE_PROXY_SSL_HEADER')}))"
)


def settings_with(tmp_path, **variables: str) -> dict[str, object]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FOLLOWUP_HTTPS", "FOLLOWUP_HSTS", "FOLLOWUP_BEHIND"))
    }
    env.update(
        FOLLOWUP_HOME=str(tmp_path), DATABASE_URL="", DJANGO_SETTINGS_MODULE="followup.settings"
    )
    env.update(variables)
    out = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_local_mode_sends_cookies_over_plain_http_and_no_hsts(tmp_path):
    assert settings_with(tmp_path) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_behind_https_cookies_are_secure_and_hsts_lasts_a_year(tmp_path):
    assert settings_with(tmp_path, FOLLOWUP_HOSTED="true", FOLLOWUP_HTTPS="true") == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,  # not trusted unless a proxy is said to set it
    }


def test_behind_a_proxy_its_forwarded_proto_header_is_trusted(tmp_path):
    shown = settings_with(
        tmp_path,
        FOLLOWUP_HTTPS="true",
        FOLLOWUP_HSTS_SECONDS="600",
        FOLLOWUP_BEHIND_PROXY="true",
    )
    assert shown["SECURE_HSTS_SECONDS"] == 600
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_malformed_https_setting_names_the_variable(tmp_path):
    env = dict(os.environ, FOLLOWUP_HOME=str(tmp_path), FOLLOWUP_HTTPS="sometimes")
    out = subprocess.run(
        [sys.executable, "-m", "followup", "due"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "FOLLOWUP_HTTPS" in out.stderr and "Traceback" not in out.stderr
