"""What every `followup` command shares: Django setup, the bad-input contract, the owner, JSON
and table output, and the option definitions.

Start-up matters (people run `followup due` often, benchmarks/bench_due.py holds it to 2× a bare
`django.setup()`): this module imports neither Django nor Rich at module level, and commands
import models and services only after `setup()` — importing a model before it raises
ImproperlyConfigured in a fresh process.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from followup.core.models import FollowUp
    from followup.core.owner import Owner

JSON_OPTION: Any = typer.Option(
    False, "--json", help="Print JSON with stable keys instead of a table."
)
FOLLOW_UP_ID: Any = typer.Argument(..., help="Follow-up id.")
APPLICATION_ID: Any = typer.Argument(..., help="Application id.")
CHANNEL_ID: Any = typer.Argument(..., help="Channel id.")


USER_ENV = "FOLLOWUP_USER"
# `followup --user NAME …` (the root callback in followup.cli sets it); else FOLLOWUP_USER.
_selected_user: str = ""


def select_user(username: str) -> None:
    global _selected_user
    _selected_user = username.strip()


def group(help: str) -> typer.Typer:
    """A command group (`followup mail …`): `followup mail` alone prints its help."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)


def fail(field: str, message: str) -> NoReturn:
    """Bad input: one line naming the field, exit code 2, nothing changed."""
    typer.echo(f"error: {field}: {message}", err=True)
    raise typer.Exit(2)


def refuse(field: str, message: str) -> NoReturn:
    """A failure that is not bad input (a server said no): one line naming it, exit code 1."""
    typer.echo(f"error: {field}: {message}", err=True)
    raise typer.Exit(1)


def setup() -> None:
    """Configure Django; on a fresh SQLite home, create the database first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followup.settings")
    from followup.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        message = str(exc)
        field, _, rest = message.partition(": ")
        fail(field, rest or message)
    from django.conf import settings

    db = settings.DATABASES["default"]
    if str(db["ENGINE"]).endswith("sqlite3") and not _sqlite_has_schema(Path(str(db["NAME"]))):
        migrate(quiet=True)


def _sqlite_has_schema(path: Path) -> bool:
    """Whether the database was ever migrated. Cheaper than asking the migration loader: a
    fresh home has no file, or an empty one, or (opened once and never migrated) one without
    Django's migration table."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    import sqlite3

    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.Error:
        return True  # let Django open it and say what is wrong
    return row is not None


def migrate(quiet: bool = False) -> None:
    """Create or update the database (after `setup()`)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)


@contextmanager
def owner_scope() -> Iterator[Owner]:
    """Set up Django, yield whose data the command works on, and turn service errors into exit
    code 2. That is the account `--user NAME` or FOLLOWUP_USER names (required in hosted mode,
    where there is no implicit user), else the local user."""
    setup()
    from followup.core.errors import InvalidInput, NotFound
    from followup.core.queries import get_local_user, get_named_user

    try:
        username = _selected_user or os.environ.get(USER_ENV, "").strip()
        owner = get_named_user(username) if username else get_local_user()
    except NotFound as exc:
        fail(exc.field, exc.message)
    from followup.cli.first_run import offer_set_up

    try:
        offer_set_up(owner)  # a person's first command at a terminal asks the set-up first
        yield owner
    except (InvalidInput, NotFound) as exc:
        fail(exc.field, exc.message)


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; one line for a pipe, where the C encoder (which
    indent= turns off) writes 10,000 rows in a third of the time."""
    indent = 2 if sys.stdout.isatty() else None
    typer.echo(json.dumps(data, indent=indent, ensure_ascii=False, default=str))


def console() -> Console:
    from rich.console import Console

    return Console()


def rows_of(follow_ups: list[FollowUp]) -> list[dict[str, Any]]:
    """Model instances as the row dicts of `followup.core.queries` (what the table prints)."""
    from followup.core.queries import follow_up_row

    return [follow_up_row(fu) for fu in follow_ups]


def print_follow_ups(rows: list[dict[str, Any]], title: str) -> None:
    """A table of follow-up rows (the dicts of `followup.core.queries`)."""
    from rich.table import Table

    from followup.lib.vocabulary import format_local

    out = console()
    wide = out.width >= 110
    table = Table(title=title, show_lines=not wide, expand=True)
    table.add_column("id", no_wrap=True, justify="right")
    table.add_column("due", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("to", ratio=1)
    if wide:
        table.add_column("status", no_wrap=True)
    table.add_column("why", ratio=3)
    for row in rows:
        what = row["kind"].replace("_", "-")
        if row["channel"] != "email":
            what += f" ({row['channel']})"
        cells = [
            str(row["id"]),
            format_local(row["due"], row["due_tz"]),
            what,
            row["recipient__name"] or "—",
        ]
        if wide:
            cells.append(row["status"])
        table.add_row(*cells, row["reason"])
    out.print(table)


def read_bytes(file: Path) -> bytes:
    """A file the user named, or exit 2 naming `file`."""
    try:
        return file.read_bytes()
    except OSError as exc:
        fail("file", f"cannot read {str(file)!r}: {exc.strerror or exc}")


def confirm_deletion(question: str, yes: bool) -> None:
    """Deleting asks first: at a terminal a y/N question, elsewhere `--yes` or nothing happens
    (exit 2 naming --yes, as bad input does)."""
    if yes:
        return
    if not sys.stdin.isatty():
        fail("yes", "not at a terminal: add --yes to delete without the question")
    if not typer.confirm(question, default=False):
        typer.echo("Nothing deleted.")
        raise typer.Exit(1)
