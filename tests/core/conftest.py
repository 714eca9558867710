import pytest


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
