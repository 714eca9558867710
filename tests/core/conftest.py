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


# `owner` and `record_interview` come from tests/conftest.py.


@pytest.fixture
def recorded(record_interview):
    """An analyst's first interview at Acme Kenya: one interviewer, nothing promised."""
    return record_interview(
        company="Acme Kenya",
        role="Analyst",
        start="2025-12-01 10:00",
        interviewers=["Wanjiku Kamau <wanjiku@acme.example>"],
        recruiter="",
        promised="",
        notes="The new dashboard for field agents.",
    )
