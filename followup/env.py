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


def site_url_problem(raw: str) -> str | None:
    """Why `raw` cannot be the site's address (an http(s) URL with a host, an optional port and
    path, nothing else), or None when it can."""
    from urllib.parse import urlsplit

    if any(ch.isspace() for ch in raw):
        return f"{raw!r} contains a space or line break"
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number in range)
    except ValueError as exc:
        return f"{raw!r} is not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"{raw!r} must start with http:// or https://"
    if not parts.hostname:
        return f"{raw!r} has no host name"
    if parts.query or parts.fragment or parts.username or parts.password:
        return f"{raw!r} must be the site's address only (no user, query or #fragment)"
    return None


def env_site_url(name: str) -> str:
    """An http(s) URL without its trailing slash, or "" when unset; malformed: ConfigError."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    problem = site_url_problem(raw)
    if problem is not None:
        raise ConfigError(f"{name}: {problem}")
    return raw.rstrip("/")


def followup_home() -> Path:
    """Where the database and the secret key live: FOLLOWUP_HOME, else the platform's data dir."""
    raw = os.environ.get("FOLLOWUP_HOME")
    if raw:
        home = Path(raw).expanduser()
    else:
        import platformdirs

        home = Path(platformdirs.user_data_dir("followup", appauthor=False))
    # Everything followup writes is private: the database (sessions, mail, contacts), its WAL and
    # SHM files, keys and exports. The umask covers files SQLite creates later, too.
    os.umask(0o077)
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"FOLLOWUP_HOME {str(home)!r} cannot be created: {exc.strerror}"
        ) from None
    _make_private(home)
    return home


def _make_private(home: Path) -> None:
    """Tighten a home made by an older version (0755 folder, 0644 database)."""
    for path in (home, *(home / f"followup.sqlite3{suffix}" for suffix in ("", "-wal", "-shm"))):
        try:
            mode = path.stat().st_mode & 0o777
            private = 0o700 if path.is_dir() else 0o600
            if mode & 0o077 and path.stat().st_uid == os.getuid():
                path.chmod(private)
        except FileNotFoundError:
            continue


def secret_key(home: Path) -> str:
    """The SECRET_KEY: FOLLOWUP_SECRET_KEY, else a key generated once into HOME/secret_key (0600)."""
    raw = os.environ.get("FOLLOWUP_SECRET_KEY")
    if raw:
        return raw
    import secrets

    from followup.lib.crypto import key_file

    # 50 characters: Django's deployment check wants at least that many.
    return key_file(home / "secret_key", lambda: secrets.token_urlsafe(50))


def check_encryption_key() -> None:
    """A malformed FOLLOWUP_ENCRYPTION_KEY stops start-up with one line naming it, instead of a
    traceback at the first secret stored."""
    from followup.lib.crypto import KEY_ENV, environment_key_problem

    problem = environment_key_problem()
    if problem is not None:
        raise ConfigError(f"{KEY_ENV}: {problem}")


def database_config(url: str, home: Path) -> dict[str, object]:
    """Django DATABASES['default'] from DATABASE_URL (sqlite:////abs/path.db or postgres://…),
    parsed by dj-database-url; SQLite always gets the WAL/IMMEDIATE options below."""
    if not url:
        return sqlite_config(home / "followup.sqlite3")
    import dj_database_url

    try:
        config: dict[str, object] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
    except ValueError as exc:  # an unknown scheme, a malformed port
        raise ConfigError(
            f"DATABASE_URL: {exc} (use sqlite:////abs/path.db or postgres://user@host/name)"
        ) from exc
    engine = str(config.get("ENGINE", ""))
    name = str(config.get("NAME") or "")
    if engine.endswith("sqlite3"):
        if name in {"", ":memory:"}:
            raise ConfigError(
                "DATABASE_URL: sqlite needs a file path, e.g. sqlite:////abs/followup.db"
            )
        return sqlite_config(Path(name).expanduser().absolute())
    if engine.endswith("postgresql"):
        if not name:
            raise ConfigError("DATABASE_URL: a postgres URL needs a database name")
        config["PORT"] = str(config.get("PORT") or "")  # as Django's own settings write it
        config["TEST"] = {"NAME": f"test_{name}"}
        return config
    raise ConfigError(
        f"DATABASE_URL: unsupported database {engine!r} (use sqlite:/// or postgres://)"
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
