"""The person's own settings: name, signature, country, zone, working hours, follow-up style.
The web's Settings page and `followup profile set` both save through here."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from followup.core.errors import InvalidInput
from followup.core.models import Profile
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services.interviews import check_country, check_email_field, check_zone
from followup.lib.addresses import has_line_break
from followup.lib.zones import country_for_zone, is_place_zone, local_zone_name

__all__ = [
    "PROFILE_FIELDS",
    "SET_UP_FIELDS",
    "check_set_up_answer",
    "complete_set_up",
    "needs_set_up",
    "profile_json",
    "save_profile",
    "set_up_suggestions",
    "skip_set_up",
    "update_profile",
]

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
    full_name = _check_name(str(data.get("full_name", "")))
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
    profile.signature = _check_signature(str(data.get("signature", "")))
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


NAME_MAX = 200  # Profile.full_name's column
SIGNATURE_MAX = 1000


def _check_name(value: str) -> str:
    value = value.strip()
    if has_line_break(value):
        raise InvalidInput("full_name", "must be a single line")
    if "\x00" in value:
        raise InvalidInput("full_name", "must not contain NUL characters")
    if len(value) > NAME_MAX:
        raise InvalidInput("full_name", f"is longer than {NAME_MAX} characters")
    return value


def _check_signature(value: str) -> str:
    value = value.strip()
    if "\x00" in value:
        raise InvalidInput("signature", "must not contain NUL characters")
    if len(value) > SIGNATURE_MAX:
        raise InvalidInput("signature", f"is longer than {SIGNATURE_MAX} characters")
    return value


# ---------------------------------------------------------------------------------------------
# First use: the four things a draft and a plan cannot do without, asked once (web and terminal)

SET_UP_FIELDS = ("full_name", "signature", "time_zone", "country")


def needs_set_up(profile: Profile) -> bool:
    """Never asked and never named: the first visit or the first interactive command."""
    return profile.set_up_at is None and not profile.full_name.strip()


def check_set_up_answer(field: str, value: str) -> str:
    """One answer of the set-up, checked as `followup profile set` checks it: the cleaned value,
    or InvalidInput naming the field (the terminal asks again, the web shows it by the field)."""
    if field == "full_name":
        name = _check_name(value)
        if not name:
            raise InvalidInput("full_name", "is needed: every draft is signed with it")
        return name
    if field == "signature":
        return _check_signature(value)
    if field == "country":
        if not value.strip():
            raise InvalidInput("country", "is needed: its public holidays are not business days")
        return check_country(value.strip().upper(), "country")
    if field == "time_zone":
        if not value.strip():
            raise InvalidInput("time_zone", "is needed, like Africa/Nairobi")
        return check_zone(value.strip(), "time_zone")
    raise InvalidInput(field, "is not a set-up question")


def complete_set_up(owner: Owner, answers: dict[str, str], at: datetime | None = None) -> Profile:
    """Save the four answers (all checked before any is written) and mark the set-up done."""
    cleaned = {field: check_set_up_answer(field, answers.get(field, "")) for field in SET_UP_FIELDS}
    with transaction.atomic():
        profile = update_profile(owner, **cleaned)
        profile.set_up_at = at or timezone.now()
        profile.save(update_fields=["set_up_at"])
    return profile


def skip_set_up(owner: Owner, at: datetime | None = None) -> Profile:
    """ "Skip for now": not asked again; Settings and `followup profile set` remain."""
    profile = get_profile(owner)
    profile.set_up_at = at or timezone.now()
    profile.save(update_fields=["set_up_at"])
    return profile


def set_up_suggestions(profile: Profile, *, hosted: bool) -> dict[str, str]:
    """What the set-up form starts with: the zone this computer is in and that zone's country.
    Not on a hosted server (its zone is not its users'), and not a zone that names no place
    (UTC): then the zone is left empty and the browser offers its own."""
    zone_name = ""
    if not hosted:
        for candidate in (profile.time_zone, local_zone_name(settings.SYSTEM_TZ)):
            if is_place_zone(candidate):
                zone_name = candidate
                break
    return {
        "full_name": profile.full_name,
        "signature": profile.signature,
        "time_zone": zone_name,
        "country": country_for_zone(zone_name) or "",
    }
