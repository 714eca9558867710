"""`followup profile show|set`: your name, signature, country and time zone, as drafts sign
and plans count them."""

from __future__ import annotations

import typer

from followup.cli.shell import JSON_OPTION, owner_scope, print_json


def profile_show(as_json: bool = JSON_OPTION) -> None:
    """Show your name, signature, country, time zone, working hours and follow-up style."""
    with owner_scope() as owner:
        from followup.core import services

        data = services.profile_json(services.get_profile(owner))
        if as_json:
            print_json(data)
            return
        for name, value in data.items():
            shown = str(value).replace("\n", " / ") if value not in ("", None) else "—"
            typer.echo(f"{name.replace('_', ' ')}: {shown}")


def profile_set(
    name: str = typer.Option(None, "--name", help="Your name, as recipients read it."),
    signature: str = typer.Option(
        None, "--signature", help="How every draft ends; use \\n for a new line."
    ),
    country: str = typer.Option(None, "--country", help="ISO 3166 code, e.g. KE: its holidays."),
    tz: str = typer.Option(None, "--tz", help="IANA time zone, e.g. Africa/Nairobi."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Change your name, signature, country or time zone (the others stay as they are)."""
    changes: dict[str, str] = {}
    if name is not None:
        changes["full_name"] = name
    if signature is not None:
        changes["signature"] = signature.replace("\\n", "\n")
    if country is not None:
        changes["country"] = country.upper()
    if tz is not None:
        changes["time_zone"] = tz
    with owner_scope() as owner:
        from followup.core import services

        profile = services.update_profile(owner, **changes)
        if as_json:
            print_json(services.profile_json(profile))
        else:
            typer.echo("Profile saved." if changes else "Nothing to change.")
