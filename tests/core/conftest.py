import json

import pytest
from typer.testing import CliRunner

from followup.cli import app


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli(db):
    return Cli()


@pytest.fixture
def owner(db):
    from followup.core.services import get_local_user

    user = get_local_user()
    profile = user.followup_profile
    profile.full_name = "Amina Njeri"
    profile.country = "KE"
    profile.time_zone = "Africa/Nairobi"
    profile.save()
    return user


@pytest.fixture
def recorded(owner):
    from followup.core import services

    return services.record_interview(
        owner,
        services.InterviewInput(
            company="Acme Kenya",
            role="Analyst",
            start="2025-12-01 10:00",
            tz="Africa/Nairobi",
            country="KE",
            interviewers=["Wanjiku Kamau <wanjiku@acme.example>"],
            notes="The new dashboard for field agents.",
        ),
    )
