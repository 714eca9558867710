"""The follow-up planner: pure Python, deterministic, explainable. No Django in here.

Give it an application's facts (`ApplicationFacts`), get back every follow-up with its
due time, recipient, channel and a reason a person can read.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .types import (
    ACCEPTED,
    APPLIED,
    ASSERTIVE,
    CAREERS_CHECK,
    CHECK_IN,
    CHECK_IN_2,
    CHECK_IN_KINDS,
    DELIVERABLE,
    EMAIL,
    FINAL_CHECK_IN,
    INTERVIEWING,
    KEEP_WARM,
    KINDS,
    LINKEDIN,
    NO_RESPONSE,
    OFFER,
    PHONE,
    REJECTED,
    REJECTION_REPLY,
    STANDARD,
    THANK_YOU,
    WEBSITE,
    WITHDRAWN,
    ApplicationFacts,
    InterviewFacts,
    Person,
    PlannedFollowUp,
)

if TYPE_CHECKING:
    from .calendar import (
        BusinessCalendar,
        UnknownCountry,
        UnknownSubdivision,
        UnknownZone,
        add_months,
        country_name,
        describe_day,
        describe_time,
        local_datetime,
        ordinal,
        validate_country,
        zone,
    )
    from .phrases import NO_DATE_PROMISED, Resolution, resolve_phrase
    from .rules import (
        PROFILES,
        default_profile,
        no_response_deadline,
        plan_follow_ups,
        preview_promise,
    )

# holidays and dateparser take ~150 ms to import; Django loads the models (which need only the
# constants above) on every start, so the heavy modules load on first use instead.
_LAZY = {
    "BusinessCalendar": "calendar",
    "UnknownCountry": "calendar",
    "UnknownSubdivision": "calendar",
    "UnknownZone": "calendar",
    "add_months": "calendar",
    "country_name": "calendar",
    "describe_day": "calendar",
    "describe_time": "calendar",
    "local_datetime": "calendar",
    "ordinal": "calendar",
    "validate_country": "calendar",
    "zone": "calendar",
    "NO_DATE_PROMISED": "phrases",
    "Resolution": "phrases",
    "resolve_phrase": "phrases",
    "PROFILES": "rules",
    "default_profile": "rules",
    "no_response_deadline": "rules",
    "plan_follow_ups": "rules",
    "preview_promise": "rules",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "ACCEPTED",
    "APPLIED",
    "ASSERTIVE",
    "CAREERS_CHECK",
    "CHECK_IN",
    "CHECK_IN_2",
    "CHECK_IN_KINDS",
    "DELIVERABLE",
    "EMAIL",
    "FINAL_CHECK_IN",
    "INTERVIEWING",
    "KEEP_WARM",
    "KINDS",
    "LINKEDIN",
    "NO_DATE_PROMISED",
    "NO_RESPONSE",
    "OFFER",
    "PHONE",
    "PROFILES",
    "REJECTED",
    "REJECTION_REPLY",
    "STANDARD",
    "THANK_YOU",
    "WEBSITE",
    "WITHDRAWN",
    "ApplicationFacts",
    "BusinessCalendar",
    "InterviewFacts",
    "Person",
    "PlannedFollowUp",
    "Resolution",
    "UnknownCountry",
    "UnknownSubdivision",
    "UnknownZone",
    "add_months",
    "country_name",
    "default_profile",
    "describe_day",
    "describe_time",
    "local_datetime",
    "no_response_deadline",
    "ordinal",
    "plan_follow_ups",
    "preview_promise",
    "resolve_phrase",
    "validate_country",
    "zone",
]
