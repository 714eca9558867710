"""Nothing in FOLLOWUP_HOME can be read by another user of the machine: the folder is 0700, the
database and its WAL/SHM files 0600 (they hold sessions, contacts and mail)."""

import os
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import os, django
    django.setup()
    from django.db import connection
    with connection.cursor() as cursor:  # a write: SQLite now has its -wal and -shm files
        cursor.execute("CREATE TABLE probe (x INTEGER)")
        cursor.execute("INSERT INTO probe VALUES (1)")
        home = os.environ["FOLLOWUP_HOME"]
        for name in sorted(os.listdir(home)) + ["."]:
            print(name, oct(os.stat(os.path.join(home, name)).st_mode & 0o777))
    """
)


def _modes(home):
    env = {**os.environ, "FOLLOWUP_HOME": str(home), "DATABASE_URL": ""}
    env["DJANGO_SETTINGS_MODULE"] = "followup.settings"
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split() for line in out.splitlines())


def test_a_new_home_and_its_database_are_private(tmp_path):
    modes = _modes(tmp_path / "home")
    assert modes["."] == "0o700"
    for name in ("followup.sqlite3", "followup.sqlite3-wal", "followup.sqlite3-shm"):
        assert modes[name] == "0o600", modes


def test_an_older_world_readable_home_is_made_private(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    (home / "followup.sqlite3").touch()
    (home / "followup.sqlite3").chmod(0o644)
    modes = _modes(home)
    assert modes["."] == "0o700"
    assert modes["followup.sqlite3"] == "0o600"
