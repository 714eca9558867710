"""The person's own settings: name, signature, country, zone, working hours, follow-up style.
The web's Settings page and `followup profile set` both save through here."""

from __future__ import annotations

from datetime import time
from typing import Any

from followup.core.errors import InvalidInput
from followup.core.models import Profile
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services.interviews import check_country, check_email_field, check_zone
from followup.lib.addresses import has_line_break

__all__ = ["PROFILE_FIELDS", "profile_json", "save_profile", "update_profile"]

PROFILE_FIELDS = (
    "full_name",
    "email",
    "signature",
    "country",
    "time_zone",
    "work_start",
    "work_end",
    "default_profile",
)


def save_profile(owner: Owner, data: dict[str, Any]) -> Profile:
    profile = get_profile(owner)
    full_name = str(data.get("full_name", "")).strip()
    if has_line_break(full_name):
        raise InvalidInput("full_name", "must be a single line")
    email = str(data.get("email", "")).strip()
    if email:
        check_email_field(email, "email")
    country = check_country(str(data.get("country", "")), "country")
    tz = check_zone(str(data.get("time_zone", "")).strip(), "time_zone")
    work_start, work_end = data.get("work_start"), data.get("work_end")
    if not isinstance(work_start, time):
        raise InvalidInput("work_start", "is required, like 08:00")
    if not isinstance(work_end, time) or work_end <= work_start:
        raise InvalidInput("work_end", "must be after the start of your working day")
    default_profile = str(data.get("default_profile", ""))
    if default_profile not in dict(Profile.PROFILE_CHOICES):
        raise InvalidInput("default_profile", f"unknown profile {default_profile!r}")
    profile.full_name = full_name
    profile.email = email
    profile.signature = str(data.get("signature", "")).strip()
    profile.country = country
    profile.time_zone = tz
    profile.work_start = work_start
    profile.work_end = work_end
    profile.default_profile = default_profile
    profile.save()
    return profile


def update_profile(owner: Owner, **changes: Any) -> Profile:
    """Change some fields and keep the others, with save_profile's checks."""
    profile = get_profile(owner)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "is not a profile setting")
    data = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    for name in ("work_start", "work_end"):  # a fresh profile holds its default as text
        if isinstance(data[name], str):
            data[name] = time.fromisoformat(data[name])
    data.update(changes)
    return save_profile(owner, data)


def profile_json(profile: Profile) -> dict[str, Any]:
    return {
        name: value.strftime("%H:%M") if isinstance(value, time) else value
        for name, value in ((n, getattr(profile, n)) for n in PROFILE_FIELDS)
    }
