import os
import stat

import pytest

from followup.env import ConfigError, database_config, env_bool, env_int, secret_key


def test_a_secret_key_is_generated_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("FOLLOWUP_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) > 40
    assert secret_key(tmp_path) == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_database_url_selects_postgres(tmp_path):
    config = database_config("postgres://postgres:pw@db.example:5433/followup", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("followup", "postgres", "pw")
    assert (config["HOST"], config["PORT"]) == ("db.example", "5433")


def test_database_url_selects_an_sqlite_file(tmp_path):
    config = database_config(f"sqlite:///{tmp_path}/x.db", tmp_path)
    assert config["NAME"] == f"{tmp_path}/x.db"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_default_database_lives_in_followup_home(tmp_path):
    assert database_config("", tmp_path)["NAME"] == str(tmp_path / "followup.sqlite3")


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://", "postgres://host/"])
def test_a_malformed_database_url_names_the_variable(tmp_path, url):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        database_config(url, tmp_path)


def test_typed_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_X", "maybe")
    with pytest.raises(ConfigError, match="FOLLOWUP_X"):
        env_bool("FOLLOWUP_X")
    monkeypatch.setenv("FOLLOWUP_N", "ten")
    with pytest.raises(ConfigError, match="FOLLOWUP_N"):
        env_int("FOLLOWUP_N", 1)
