"""Owner look-ups and listings that must start fast (`followup due` runs often).

Imports only the models: no planner, no drafting, no template engine.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from followup.core.errors import NotFound
from followup.core.models import FollowUp, Profile
from followup.core.owner import Owner
from followup.lib.vocabulary import zone
from followup.lib.zones import country_for_zone, local_zone_name

__all__ = [
    "LOCAL_USERNAME",
    "ROW_FIELDS",
    "attention_rows",
    "country_for_zone",
    "due_rows",
    "end_of_day",
    "follow_up_row",
    "get_local_user",
    "get_named_user",
    "get_profile",
    "guess_local_zone",
    "row_json",
    "zone",  # re-exported: the CLI imports it from here
]

LOCAL_USERNAME = "local"


def get_local_user() -> Owner:
    """The single user of a local install, created on first use with sensible defaults.

    Hosted mode has real accounts and no implicit one: a caller that lands here there (a CLI
    command without --user) is refused, instead of quietly writing into a new `local` account."""
    if settings.HOSTED:
        raise NotFound(
            "user",
            "hosted mode has no implicit local user: name an existing account with "
            "--user NAME or FOLLOWUP_USER",
        )
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=LOCAL_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    get_profile(user)
    return user


def get_named_user(username: str) -> Owner:
    """An existing, active account by user name (hosted CLI: `--user NAME`, FOLLOWUP_USER)."""
    user: Owner | None = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound("user", f"no active account named {username!r}")
    get_profile(user)
    return user


def get_profile(owner: Owner) -> Profile:
    try:
        return owner.followup_profile
    except Profile.DoesNotExist:
        tz = guess_local_zone()
        profile, _ = Profile.objects.get_or_create(
            user=owner,
            defaults={"time_zone": tz, "country": country_for_zone(tz) or "US"},
        )
        return profile


def guess_local_zone() -> str:
    """The machine's IANA zone (TZ, tzlocal, /etc/timezone, /etc/localtime), else UTC."""
    return local_zone_name(settings.SYSTEM_TZ)


def end_of_day(d: date, tz: str) -> datetime:
    return datetime.combine(d, time(23, 59, 59), tzinfo=zone(tz))


# The columns a follow-up listing needs. Rows come back as dicts (`.values()`), not model
# instances: building 10,000 instances costs five times the query itself.
ROW_FIELDS = (
    "id",
    "application_id",
    "interview_id",
    "kind",
    "due",
    "due_tz",
    "channel",
    "status",
    "reason",
    "subject",
    "body",
    "recipient__name",
    "recipient__email",
)


def due_rows(owner: Owner, until: datetime | None = None) -> list[dict[str, Any]]:
    """Open follow-ups (planned or approved) due by `until` (all when None), earliest first."""
    qs = FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN)
    if until is not None:
        qs = qs.filter(due__lte=until)
    return list(qs.order_by("due", "id").values(*ROW_FIELDS))


def attention_filter() -> Q:
    """Sends that need the person: failed (a bounce, a refusal, an interrupted send nobody can
    check), or approved and waiting to be tried again after an error."""
    # `> ""`: any error text; no NOT (...), which Django builds with NULL checks.
    return Q(status=FollowUp.Status.FAILED) | Q(status=FollowUp.Status.APPROVED, last_error__gt="")


def attention_rows(owner: Owner) -> list[dict[str, Any]]:
    """Follow-ups whose send needs attention (see `attention_filter`), each with its error,
    failed ones first, then by due time."""
    qs = FollowUp.objects.filter(attention_filter(), owner=owner, channel="email")
    rows = list(qs.order_by("due", "id").values(*ROW_FIELDS, "last_error", "next_attempt_at"))
    rows.sort(key=lambda row: row["status"] != FollowUp.Status.FAILED)
    return rows


def follow_up_row(fu: FollowUp) -> dict[str, Any]:
    """The same row shape as `due_rows`, from a model instance."""
    recipient = fu.recipient
    return {
        "id": fu.pk,
        "application_id": fu.application_id,
        "interview_id": fu.interview_id,
        "kind": fu.kind,
        "due": fu.due,
        "due_tz": fu.due_tz,
        "channel": fu.channel,
        "status": fu.status,
        "reason": fu.reason,
        "subject": fu.subject,
        "body": fu.body,
        "recipient__name": recipient.name if recipient else None,
        "recipient__email": recipient.email if recipient else None,
    }


def row_json(row: dict[str, Any]) -> dict[str, Any]:
    """JSON of a follow-up (stable keys): due in ISO 8601 with the recipient zone's offset."""
    name, email = row["recipient__name"], row["recipient__email"]
    recipient = (f"{name} <{email}>" if email else name) if name else None
    data: dict[str, Any] = {
        "id": row["id"],
        "application_id": row["application_id"],
        "interview_id": row["interview_id"],
        "kind": row["kind"],
        "due": row["due"].astimezone(zone(row["due_tz"])).isoformat(),
        "recipient": recipient,
        "channel": row["channel"],
        "status": row["status"],
        "reason": row["reason"],
    }
    if row["subject"] or row["body"]:
        data["subject"] = row["subject"]
        data["body"] = row["body"]
    if "last_error" in row:  # an attention row: why the send failed, and when it is tried next
        data["last_error"] = row["last_error"]
        retry = row.get("next_attempt_at")
        data["next_attempt_at"] = retry.isoformat() if retry else None
    return data
