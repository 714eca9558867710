"""The company's careers page: the address a careers check opens, set by the user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from followup.core.errors import InvalidInput
from followup.core.models import Application, Company, Event, FollowUp
from followup.core.owner import Owner
from followup.core.services.drafts import redraft
from followup.core.services.owned import get_application, log_event
from followup.planner import types as p

URL_MAX = 200  # what Company.careers_url holds
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def check_careers_url(value: str) -> str:
    """The address stripped, or InvalidInput naming `careers_url`. Empty clears it."""
    url = (value or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX:
        raise InvalidInput("careers_url", f"is longer than {URL_MAX} characters")
    try:
        _WEB_ADDRESS(url)
    except ValidationError:
        raise InvalidInput(
            "careers_url", f"{url!r} is not a web address starting with http(s)://"
        ) from None
    return url


def set_careers_url(owner: Owner, application_id: int | str, url: str) -> Company:
    """Set (or, empty, clear) the careers page of an application's company. The open careers
    checks of the company's applications are re-drafted to open it."""
    application = get_application(owner, application_id)
    clean = check_careers_url(url)
    company = application.company
    if clean == company.careers_url:
        return company
    with transaction.atomic():
        company.careers_url = clean
        company.save(update_fields=["careers_url"])
        log_event(
            owner,
            application,
            Event.Kind.APPLICATION_EDITED,
            f"Careers page set to {clean}" if clean else "Careers page cleared",
            data={"careers_url": clean},
        )
        for other in Application.objects.filter(owner=owner, company=company):
            open_checks = FollowUp.objects.filter(
                owner=owner,
                application=other,
                kind=p.CAREERS_CHECK,
                status__in=FollowUp.OPEN,
            )
            redraft(owner, other, list(open_checks))
    return company
