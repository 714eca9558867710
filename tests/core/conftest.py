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
