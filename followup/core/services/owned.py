"""What every service starts from: the owner's rows (another user's id is indistinguishable
from a missing one), the settings that apply to an application, and its timeline."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from followup.core.errors import NotFound
from followup.core.models import Application, Company, Event, FollowUp, Interview
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.planner import default_profile


def get_application(owner: Owner, application_id: int | str) -> Application:
    try:
        application: Application = Application.objects.select_related("company", "recruiter").get(
            owner=owner, pk=int(application_id)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound("application_id", f"no application {application_id}") from None
    return application


def get_interview(owner: Owner, interview_id: int | str) -> Interview:
    try:
        interview: Interview = Interview.objects.select_related("application__company").get(
            owner=owner, pk=int(interview_id)
        )
    except (Interview.DoesNotExist, ValueError, TypeError):
        raise NotFound("interview_id", f"no interview {interview_id}") from None
    return interview


def get_follow_up(owner: Owner, follow_up_id: int | str) -> FollowUp:
    try:
        fu: FollowUp = FollowUp.objects.select_related(
            "application__company", "interview", "recipient"
        ).get(owner=owner, pk=int(follow_up_id))
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise NotFound("followup_id", f"no follow-up {follow_up_id}") from None
    return fu


def effective_country(owner: Owner, company: Company) -> str:
    """The country whose business days and holidays count: the company's, else the owner's."""
    country: str = company.country or get_profile(owner).country
    return country


def profile_for(owner: Owner, application: Application) -> str:
    """The follow-up profile (standard, assertive) of an application: its own, the owner's
    default, else the role type's."""
    if application.profile:
        return str(application.profile)
    user_default = str(get_profile(owner).default_profile or "")
    return user_default or default_profile(application.role_type)


def log_event(
    owner: Owner,
    application: Application,
    kind: str,
    message: str,
    *,
    follow_up: FollowUp | None = None,
    data: dict[str, object] | None = None,
    at: datetime | None = None,
) -> Event:
    """Append to the application's timeline."""
    event: Event = Event.objects.create(
        owner=owner,
        application=application,
        follow_up=follow_up,
        kind=kind,
        message=message,
        data=data or {},
        at=at or timezone.now(),
    )
    return event
