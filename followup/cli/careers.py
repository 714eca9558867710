"""`followup careers-url`: the company's careers page, which its careers checks open."""

from __future__ import annotations

import typer

from followup.cli.shell import APPLICATION_ID, JSON_OPTION, owner_scope, print_json


def careers_url(
    application_id: str = APPLICATION_ID,
    url: str = typer.Argument(..., help="The careers page, https://…; an empty string clears it."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Set the careers page of an application's company: its careers checks open it."""
    with owner_scope() as owner:
        from followup.core.services.careers import set_careers_url

        company = set_careers_url(owner, application_id, url)
        if as_json:
            print_json({"company": company.name, "careers_url": company.careers_url})
        elif company.careers_url:
            typer.echo(f"{company.name}'s careers page: {company.careers_url}")
        else:
            typer.echo(f"{company.name}'s careers page cleared.")
