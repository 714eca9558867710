"""Applications on their own: added before any interview (a saved posting, or one applied to),
edited, archived, deleted with undo, and listed with search.

Every function takes the owner first; bad input raises InvalidInput naming the field before
anything is written; every change is on the application's timeline and re-plans it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from followup.core.errors import InvalidInput
from followup.core.models import Application, Company, Event, FollowUp, Interaction, Interview
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services import trash
from followup.core.services.owned import get_application, log_event
from followup.core.services.planning import move_to_stage, replan
from followup.lib.addresses import has_line_break
from followup.lib.vocabulary import long_date, zone

# The stages an application can start in: on the wishlist, or sent.
START_STAGES: tuple[str, ...] = (Application.Status.SAVED, Application.Status.APPLIED)
STAGES: tuple[str, ...] = tuple(Application.Status.values)
URL_MAX = 200  # Application.job_url
TEXT_MAX = 10_000  # notes, the job description
EARLIEST_APPLIED = date(1970, 1, 1)

# name: (model field, the length it holds) for the one-line text fields.
_LINE_FIELDS: dict[str, tuple[str, int]] = {
    "location": ("location", 200),
    "salary": ("salary", 100),
    "source": ("source", 200),
    "cv": ("cv_version", 200),
    "cover_letter": ("cover_letter_version", 200),
}
_TEXT_FIELDS: dict[str, str] = {"notes": "notes", "job_description": "job_description"}
# What `edit_application` accepts, and how the timeline names each change.
EDITABLE: dict[str, str] = {
    "company": "company",
    "role": "role",
    "stage": "stage",
    "applied": "applied date",
    "url": "job URL",
    "location": "location",
    "salary": "salary",
    "source": "source",
    "notes": "notes",
    "job_description": "job description",
    "cv": "CV version",
    "cover_letter": "cover letter version",
    "role_type": "role type",
}


@dataclass
class ApplicationInput:
    """What a person types about an application (the CLI's options, the web form's fields)."""

    company: str
    role: str
    stage: str = Application.Status.APPLIED
    applied: date | str | None = None  # default: today in the user's zone, when applied
    url: str = ""
    location: str = ""
    salary: str = ""
    source: str = ""
    notes: str = ""
    job_description: str = ""
    cv: str = ""
    cover_letter: str = ""
    role_type: str = "standard"


def _line(value: object, field_name: str, max_length: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if "\x00" in text:  # PostgreSQL cannot store it; no one types it
        raise InvalidInput(field_name, "must not contain NUL characters")
    if has_line_break(text):
        raise InvalidInput(field_name, "must be a single line")
    if len(text) > max_length:
        raise InvalidInput(field_name, f"is longer than {max_length} characters")
    if required and not text:
        raise InvalidInput(field_name, "is required")
    return text


def _text(value: object, field_name: str) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise InvalidInput(field_name, "must not contain NUL characters")
    if len(text) > TEXT_MAX:
        raise InvalidInput(field_name, f"is longer than {TEXT_MAX:,} characters")
    return text


def _url(value: object) -> str:
    text = _line(value, "url", URL_MAX)
    if text and not re.match(r"^https?://[^\s/]+", text):
        raise InvalidInput("url", f"{text!r} is not a web address starting with http(s)://")
    return text


def _stage(value: object, allowed: tuple[str, ...]) -> str:
    stage = str(value or "").strip().replace("-", "_").lower()
    if stage not in allowed:
        raise InvalidInput("stage", f"unknown stage {value!r} (one of {', '.join(allowed)})")
    return stage


def _applied(value: date | str | None, today: date) -> date | None:
    """The applied date as typed (YYYY-MM-DD); never in the future."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput("applied", f"{value!r} is not a date like 2026-12-01") from None
    if day < EARLIEST_APPLIED:
        raise InvalidInput("applied", f"must be after {EARLIEST_APPLIED.isoformat()}")
    if day > today:
        raise InvalidInput("applied", f"{day.isoformat()} is in the future (today is {today})")
    return day


def _role_type(value: object) -> str:
    role_type = str(value or "standard").strip().lower()
    if role_type not in dict(Application.ROLE_TYPES):
        choices = ", ".join(dict(Application.ROLE_TYPES))
        raise InvalidInput("role_type", f"unknown role type {value!r} (one of {choices})")
    return role_type


def _today(owner: Owner) -> date:
    return timezone.localdate(timezone.now(), zone(get_profile(owner).time_zone))


def _company(owner: Owner, name: str) -> Company:
    """The owner's company of that name (any case), else a new one: as recording an interview
    finds it (services/interviews.py)."""
    company = Company.objects.filter(owner=owner, name__iexact=name).order_by("id").first()
    if company is None:
        company = Company.objects.create(owner=owner, name=name)
    return company


def add_application(owner: Owner, data: ApplicationInput) -> Application:
    """A new application, saved (a posting to apply to) or applied (the applied date defaults
    to today); an applied one gets its status check-in planned."""
    company_name = _line(data.company, "company", 200, required=True)
    role = _line(data.role, "role", 200, required=True)
    stage = _stage(data.stage, START_STAGES)
    today = _today(owner)
    applied = _applied(data.applied, today)
    if stage == Application.Status.SAVED and applied is not None:
        raise InvalidInput("applied", "a saved application has not been applied to yet")
    if stage == Application.Status.APPLIED and applied is None:
        applied = today
    values: dict[str, Any] = {
        "role_title": role,
        "status": stage,
        "applied_on": applied,
        "job_url": _url(data.url),
        "role_type": _role_type(data.role_type),
        "notes": _text(data.notes, "notes"),
        "job_description": _text(data.job_description, "job_description"),
    }
    for name, (attr, length) in _LINE_FIELDS.items():
        values[attr] = _line(getattr(data, name), name, length)
    with transaction.atomic():
        application = Application.objects.create(
            owner=owner, company=_company(owner, company_name), **values
        )
        log_event(
            owner,
            application,
            Event.Kind.APPLICATION_ADDED,
            f"Application added: applied on {long_date(applied)}"
            if applied
            else "Application added: saved, not applied to yet",
        )
        replan(owner, application)
    return application


def edit_application(
    owner: Owner, application_id: int | str, changes: Mapping[str, object]
) -> Application:
    """Change any of `EDITABLE` (only the keys given); a stage change goes through
    `move_to_stage`. The timeline says what changed; the plan follows."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(unknown[0], "cannot be edited")
    application = get_application(owner, application_id)
    new: dict[str, Any] = {}
    company_name = ""
    if "company" in changes:
        company_name = _line(changes["company"], "company", 200, required=True)
    # Another name moves the application to that company (found or created as on adding),
    # never renames the company its other applications share.
    moves_company = bool(company_name) and company_name.lower() != application.company.name.lower()
    if "role" in changes:
        new["role_title"] = _line(changes["role"], "role", 200, required=True)
    stage = _stage(changes["stage"], STAGES) if "stage" in changes else application.status
    if "applied" in changes:
        today = _today(owner)
        applied = _applied(changes["applied"], today)  # type: ignore[arg-type]
        if applied is not None and stage == Application.Status.SAVED:
            raise InvalidInput("applied", "a saved application has not been applied to yet")
        if applied is None and stage == Application.Status.APPLIED:
            applied = application.applied_on or today  # as on adding: an applied one is dated
        new["applied_on"] = applied
    if "url" in changes:
        new["job_url"] = _url(changes["url"])
    if "role_type" in changes:
        new["role_type"] = _role_type(changes["role_type"])
    for name, (attr, length) in _LINE_FIELDS.items():
        if name in changes:
            new[attr] = _line(changes[name], name, length)
    for name, attr in _TEXT_FIELDS.items():
        if name in changes:
            new[attr] = _text(changes[name], name)
    changed = [attr for attr, value in new.items() if getattr(application, attr) != value]
    if moves_company:
        changed.insert(0, "company")
    with transaction.atomic():
        if changed:
            for attr in changed:
                if attr == "company":
                    application.company = _company(owner, company_name)
                else:
                    setattr(application, attr, new[attr])
            application.save(update_fields=[*changed, "updated_at"])
            names = [_change_name(attr) for attr in changed]
            log_event(
                owner,
                application,
                Event.Kind.APPLICATION_EDITED,
                f"Edited: {', '.join(names)}",
                data={"changed": changed},
            )
        if stage != application.status:
            move_to_stage(owner, application.pk, stage)
        elif changed:
            replan(owner, application)
    return get_application(owner, application.pk)


_ATTR_NAMES = {
    "company": "company",
    "role_title": "role",
    "applied_on": "applied date",
    "job_url": "job URL",
    "cv_version": "CV version",
    "cover_letter_version": "cover letter version",
    "job_description": "job description",
    "role_type": "role type",
}


def _change_name(attr: str) -> str:
    return _ATTR_NAMES.get(attr, attr)


# ---------------------------------------------------------------------------------------------
# Archive


def archive_application(owner: Owner, application_id: int | str) -> Application:
    """Put an application away: it leaves the Pipeline, Today and the lists, and its open
    follow-ups are cancelled (approved ones too, so nothing goes out from an archived
    application); `unarchive_application` brings them back."""
    application = get_application(owner, application_id)
    if application.archived_at is not None:
        return application
    now = timezone.now()
    with transaction.atomic():
        open_ids = list(
            FollowUp.objects.filter(
                owner=owner, application=application, status__in=FollowUp.OPEN
            ).values_list("pk", flat=True)
        )
        # Conditional on the status: a row the sender has just claimed is left to it.
        FollowUp.objects.filter(pk__in=open_ids, status__in=FollowUp.OPEN).update(
            status=FollowUp.Status.CANCELLED, send_after=None, next_attempt_at=None, updated_at=now
        )
        application.archived_at = now
        application.save(update_fields=["archived_at", "updated_at"])
        log_event(
            owner,
            application,
            Event.Kind.APPLICATION_ARCHIVED,
            "Archived: hidden from the Pipeline and Today, its follow-ups put on hold",
            data={"cancelled": open_ids},
            at=now,
        )
        replan(owner, application)
    return application


def unarchive_application(owner: Owner, application_id: int | str) -> Application:
    """Back from the archive: the follow-ups the archive put on hold are planned again (an
    approved one needs approving again), then the plan is brought up to date."""
    application = get_application(owner, application_id)
    if application.archived_at is None:
        return application
    archived = (
        Event.objects.filter(
            owner=owner, application=application, kind=Event.Kind.APPLICATION_ARCHIVED
        )
        .order_by("-at", "-id")
        .first()
    )
    held = [int(i) for i in (archived.data.get("cancelled", []) if archived else [])]
    with transaction.atomic():
        FollowUp.objects.filter(
            owner=owner, application=application, pk__in=held, status=FollowUp.Status.CANCELLED
        ).update(status=FollowUp.Status.PLANNED, updated_at=timezone.now())
        application.archived_at = None
        application.save(update_fields=["archived_at", "updated_at"])
        log_event(owner, application, Event.Kind.APPLICATION_EDITED, "Taken out of the archive")
        replan(owner, application)
    return application


# ---------------------------------------------------------------------------------------------
# Delete with undo


def delete_application(owner: Owner, application_id: int | str) -> datetime:
    """Put the application in the trash with its interviews, follow-ups and interactions (one
    stamp for all); returns the stamp `restore_application` undoes. Purged after
    trash.TRASH_DAYS days."""
    application = get_application(owner, application_id)
    with transaction.atomic():
        return trash.stamp_deleted(
            Interaction.objects.filter(owner=owner, application=application),
            FollowUp.objects.filter(owner=owner, application=application),
            Interview.objects.filter(owner=owner, application=application),
            Application.objects.filter(owner=owner, pk=application.pk),
        )


def restore_application(
    owner: Owner, application_id: int | str, stamp: datetime | None = None
) -> Application:
    """Undo a delete: the application and what went with it come back, then it is re-planned.
    With `stamp`, only that very deletion is undone."""
    deleted = trash.get_deleted(owner, Application, application_id, "application_id", "application")
    deleted_at = deleted.deleted_at
    assert deleted_at is not None  # the query asked for it
    if stamp is not None and deleted_at != stamp:
        raise InvalidInput("stamp", "that deletion was already undone or replaced")
    with transaction.atomic():
        trash.restore_stamped(owner, deleted_at)
        application = get_application(owner, deleted.pk)
        log_event(owner, application, Event.Kind.RESTORED, "Restored from the trash")
        replan(owner, application)
    return application


# ---------------------------------------------------------------------------------------------
# The list

# What a row of the application list shows (dicts: no model instances to build).
LIST_FIELDS = (
    "pk",
    "role_title",
    "status",
    "company_name",
    "applied_on",
    "location",
    "salary",
    "source",
    "archived_at",
    "updated_at",
    "next_due",
    "next_due_tz",
)
SEARCH_MAX = 200


def _matching(
    owner: Owner, status: str | None, search: str | None, include_archived: bool
) -> QuerySet[Application]:
    qs = Application.objects.filter(owner=owner)
    if status:
        qs = qs.filter(status=_stage(status, STAGES))
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    term = _line((search or "").replace("\x00", ""), "search", SEARCH_MAX)
    if term:
        interviewed = Interview.objects.filter(
            owner=owner, interviewers__name__icontains=term
        ).values("application_id")
        talked_to = Interaction.objects.filter(owner=owner, contact__name__icontains=term).values(
            "application_id"
        )
        qs = qs.filter(
            Q(company__name__icontains=term)
            | Q(role_title__icontains=term)
            | Q(recruiter__name__icontains=term)
            | Q(pk__in=interviewed)
            | Q(pk__in=talked_to)
        )
    return qs.order_by("-updated_at", "-id")


def _rows(applications: QuerySet[Application]) -> QuerySet[Application, dict[str, Any]]:
    next_open = FollowUp.objects.filter(
        application=OuterRef("pk"), status__in=FollowUp.OPEN
    ).order_by("due", "id")
    return (
        applications.annotate(
            company_name=F("company__name"),
            next_due=Subquery(next_open.values("due")[:1]),
            next_due_tz=Subquery(next_open.values("due_tz")[:1]),
        )
        .order_by("-updated_at", "-id")
        .values(*LIST_FIELDS)
    )


def list_applications(
    owner: Owner,
    status: str | None = None,
    search: str | None = None,
    include_archived: bool = False,
) -> QuerySet[Application, dict[str, Any]]:
    """The owner's applications as list rows (`LIST_FIELDS`), most recently active first, in
    one query (the next open follow-up is a subquery, contacts are matched by subqueries).
    `search` matches the company, the role and the names of the recruiter, the interviewers
    and the people of logged interactions, in any case. A page of it: `application_page`."""
    return _rows(_matching(owner, status, search, include_archived))


def application_page(
    owner: Owner,
    status: str | None = None,
    search: str | None = None,
    include_archived: bool = False,
    *,
    offset: int = 0,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """`limit` rows of `list_applications` from `offset`, in one query that costs the same at
    10 and at 10,000 applications: the page's ids are picked first (a LIMIT subquery), and
    only those rows are joined and get their next follow-up (annotating first computed the
    subquery for every application before sorting: 70 ms at 10,000, bench_web.py)."""
    ids = _matching(owner, status, search, include_archived).values("pk")[offset : offset + limit]
    return list(_rows(Application.objects.filter(pk__in=ids)))


def application_json(application: Application) -> dict[str, object]:
    """The stable JSON of one application (`application show --json`)."""
    return {
        "id": application.pk,
        "company": application.company.name,
        "role": application.role_title,
        "status": application.status,
        "applied_on": application.applied_on.isoformat() if application.applied_on else None,
        "url": application.job_url,
        "location": application.location,
        "salary": application.salary,
        "source": application.source,
        "cv": application.cv_version,
        "cover_letter": application.cover_letter_version,
        "notes": application.notes,
        "role_type": application.role_type,
        "archived": application.archived_at is not None,
    }


def application_row_json(row: Mapping[str, Any]) -> dict[str, object]:
    """The stable JSON of a list row (`application list --json`)."""
    applied = row["applied_on"]
    due = row["next_due"]
    return {
        "id": row["pk"],
        "company": row["company_name"],
        "role": row["role_title"],
        "status": row["status"],
        "applied_on": applied.isoformat() if applied else None,
        "location": row["location"],
        "archived": row["archived_at"] is not None,
        "next_due": due.astimezone(zone(row["next_due_tz"])).isoformat() if due else None,
    }
