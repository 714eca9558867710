"""Typed helpers that read settings from environment variables and fail loudly."""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting from the environment is malformed. The message names the variable."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def followup_home() -> Path:
    """Where the database and the secret key live: FOLLOWUP_HOME, else the platform's data dir."""
    raw = os.environ.get("FOLLOWUP_HOME")
    if raw:
        home = Path(raw).expanduser()
    else:
        import platformdirs

        home = Path(platformdirs.user_data_dir("followup", appauthor=False))
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"FOLLOWUP_HOME {str(home)!r} cannot be created: {exc.strerror}"
        ) from None
    return home


def secret_key(home: Path) -> str:
    """The SECRET_KEY: FOLLOWUP_SECRET_KEY, else a key generated once into HOME/secret_key (0600)."""
    raw = os.environ.get("FOLLOWUP_SECRET_KEY")
    if raw:
        return raw
    import secrets

    from followup.lib.crypto import key_file

    # 50 characters: Django's deployment check wants at least that many.
    return key_file(home / "secret_key", lambda: secrets.token_urlsafe(50))


def database_config(url: str, home: Path) -> dict[str, object]:
    """Django DATABASES['default'] from DATABASE_URL (sqlite:///path or postgres://...)."""
    if not url:
        return sqlite_config(home / "followup.sqlite3")
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # As dj-database-url: sqlite:///relative/path.db and sqlite:////absolute/path.db
        if not url.lower().startswith("sqlite:///"):
            raise ConfigError("DATABASE_URL: write sqlite:////absolute/path.db")
        path = unquote(url[len("sqlite:///") :].split("?", 1)[0])
        if path in {"", ":memory:"}:
            raise ConfigError(
                "DATABASE_URL: sqlite needs a file path, e.g. sqlite:////abs/followup.db"
            )
        return sqlite_config(Path(path).expanduser().absolute())
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError("DATABASE_URL: a postgres URL needs a database name")
        options: dict[str, object] = {}
        for key, values in parse_qs(parts.query).items():
            options[key] = values[-1]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"NAME": f"test_{name}"},
        }
    raise ConfigError(
        f"DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:/// or postgres://)"
    )


def sqlite_config(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # A web process and a worker write at once: WAL lets readers run beside a writer,
            # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of deadlocking.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
        # Keep each thread's connection: opening one (and its PRAGMAs) costs more than a page.
        "CONN_MAX_AGE": None,
        # A file, not :memory:, so the tests run with WAL exactly as the app does.
        "TEST": {"NAME": str(path.with_name(f"test_{path.name}"))},
    }
