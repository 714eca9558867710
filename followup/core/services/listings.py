"""What the shells list: open follow-ups by due, applications, an application's timeline, and
the JSON shape of a follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import QuerySet

from followup import drafting
from followup.core.models import Application, Event, FollowUp
from followup.core.owner import Owner
from followup.core.queries import follow_up_row, row_json


def due_follow_ups(owner: Owner, until: datetime | None = None) -> QuerySet[FollowUp]:
    qs = (
        FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN)
        .select_related("application__company", "recipient")
        .order_by("due", "id")
    )
    if until is not None:
        qs = qs.filter(due__lte=until)
    return qs


def follow_up_json(
    fu: FollowUp, warnings: Sequence[drafting.DraftWarning] | None = None
) -> dict[str, object]:
    data: dict[str, object] = row_json(follow_up_row(fu))
    if warnings is not None and "subject" in data:
        data["warnings"] = [{"code": w.code, "message": w.message} for w in warnings]
    return data


def applications(owner: Owner) -> QuerySet[Application]:
    return (
        Application.objects.filter(owner=owner, archived_at__isnull=True)
        .select_related("company")
        .order_by("-updated_at", "-id")
    )


def timeline(owner: Owner, application: Application) -> QuerySet[Event]:
    return Event.objects.filter(owner=owner, application=application).order_by("at", "id")
