"""Delete with undo. A deletion stamps `deleted_at` with one instant on a row and on the rows
that go with it; undo clears that instant again; the worker purges what has been in the trash
for longer than TRASH_DAYS. The models' default managers hide stamped rows, so nothing else
has to remember them (`core.models.Deletable`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from followup.core.errors import NotFound
from followup.core.models import Application, Contact, FollowUp, Interaction, Interview
from followup.core.owner import Owner

_M = TypeVar("_M", bound=models.Model)

TRASH_DAYS = 30

# Children before parents, so a purge never trips over a protected reference.
DELETABLE: tuple[type[models.Model], ...] = (Interaction, FollowUp, Interview, Contact, Application)


def stamp_deleted(*querysets: models.QuerySet[Any], at: datetime | None = None) -> datetime:
    """Put these rows in the trash together; returns the stamp that undoes them."""
    at = at or timezone.now()
    with transaction.atomic():
        for queryset in querysets:
            queryset.filter(deleted_at__isnull=True).update(deleted_at=at)
    return at


def get_deleted(
    owner: Owner,
    model: type[_M],
    object_id: int | str,
    field_name: str,
    what: str,
    *related: str,
) -> _M:
    """The owner's row of `model` in the trash, for its undo; NotFound(field_name) otherwise
    (someone else's id, a row not deleted and a malformed id alike)."""
    manager = model.all_objects  # type: ignore[attr-defined]
    try:
        row: _M = manager.select_related(*related).get(
            owner=owner, pk=int(object_id), deleted_at__isnull=False
        )
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise NotFound(field_name, f"no deleted {what} {object_id}") from None
    return row


def restore_stamped(owner: Owner, at: datetime) -> int:
    """Take every row of the owner deleted at this instant out of the trash; returns how many."""
    restored = 0
    with transaction.atomic():
        for model in DELETABLE:
            manager = model.all_objects  # type: ignore[attr-defined]
            restored += manager.filter(owner=owner, deleted_at=at).update(deleted_at=None)
    return restored


def purge_trash(now: datetime | None = None) -> int:
    """Delete for good what was put in the trash more than TRASH_DAYS ago (all owners: a worker
    task); returns how many rows went."""
    cutoff = (now or timezone.now()) - timedelta(days=TRASH_DAYS)
    purged = 0
    for model in DELETABLE:
        manager = model.all_objects  # type: ignore[attr-defined]
        purged += manager.filter(deleted_at__lt=cutoff).delete()[0]
    return purged
