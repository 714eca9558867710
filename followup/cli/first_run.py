"""First use in a terminal: the first interactive command asks the four set-up questions (name,
signature, time zone, country) with suggested answers, then goes on with the command.

Interactive means a person at a terminal: standard input and output are terminals and the
command was not asked for JSON. Scripts, pipes, cron, tests and `--json` are never prompted;
`followup profile set` is how they set the same things. Each answer is checked as it is typed,
as `followup profile set` checks it, and asked again when it is wrong, so nothing typed is lost.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from followup.core.owner import Owner

__all__ = ["is_interactive", "offer_set_up"]

# `followup profile show|set` are themselves the way to set these things, and `followup demo`
# is a look around with a made-up job seeker (it names them): never asked first.
NOT_ASKED_BEFORE = ("profile", "demo")


def is_interactive(argv: list[str] | None = None) -> bool:
    """A person at a terminal, not asking for JSON, not already at `followup profile`. Read
    from the command line itself: the options a command declares differ from one to another."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    words = list(sys.argv[1:] if argv is None else argv)
    if "--json" in words:
        return False
    command = [
        w for i, w in enumerate(words) if not w.startswith("-") and not _after_user(words, i)
    ]
    return not (command and command[0] in NOT_ASKED_BEFORE)


def _after_user(words: list[str], index: int) -> bool:
    """The NAME of `followup --user NAME …`, not a command."""
    return index > 0 and words[index - 1] == "--user"


def offer_set_up(owner: Owner) -> None:
    """Ask the set-up questions when this is a person's first interactive command."""
    if not is_interactive():  # first: the services package is slow to import (`followup due`)
        return
    from followup.core.queries import get_profile
    from followup.core.services import profile as profile_service

    profile = get_profile(owner)
    if not profile_service.needs_set_up(profile):
        return
    from django.conf import settings

    from followup.lib.zones import country_for_zone, local_zone_name

    suggested = profile_service.set_up_suggestions(profile, hosted=bool(settings.HOSTED))
    typer.echo(
        "Welcome to followup. Four questions first, so your drafts are signed with your name and "
        "your plans follow your working days (change them later with `followup profile set`)."
    )
    name = _ask("full_name", "Your name (Enter to skip for now)", default="", skip_when_empty=True)
    if not name:
        profile_service.skip_set_up(owner)
        typer.echo('Skipped. Set your name any time: followup profile set --name "Your Name"')
        typer.echo()
        return
    signature = _ask(
        "signature", "Signature, how every draft ends (\\n for a new line)", default=name
    )
    zone_name = _ask(
        "time_zone",
        "Your time zone",
        default=suggested["time_zone"] or local_zone_name(settings.SYSTEM_TZ),
    )
    country = _ask(
        "country",
        "Your country (ISO code, for its public holidays)",
        default=country_for_zone(zone_name) or profile.country,
    )
    profile_service.complete_set_up(
        owner,
        {"full_name": name, "signature": signature, "time_zone": zone_name, "country": country},
    )
    typer.echo(
        f"Saved: drafts are signed {name!r}; your days are counted in {zone_name}, {country}."
    )
    typer.echo()


def _ask(field: str, question: str, default: str, skip_when_empty: bool = False) -> str:
    """Ask until the answer passes the service's check; return the cleaned answer."""
    from followup.core.errors import InvalidInput
    from followup.core.services.profile import check_set_up_answer

    while True:
        answer = str(typer.prompt(question, default=default, show_default=bool(default)))
        if field == "signature":
            answer = answer.replace("\\n", "\n")
        if skip_when_empty and not answer.strip():
            return ""
        try:
            return check_set_up_answer(field, answer)
        except InvalidInput as exc:
            typer.echo(f"  {exc.message}; try again.")
