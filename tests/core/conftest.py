import pytest

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
