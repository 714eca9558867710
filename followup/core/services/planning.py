"""Planning: an application's facts for the planner, re-planning (the stored follow-ups brought
in line with the plan), outcomes, and the ladder that ends in "no response"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from followup.core.errors import InvalidInput
from followup.core.models import Application, Contact, Event, FollowUp, Interaction, Interview
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services.drafts import redraft
from followup.core.services.owned import (
    effective_country,
    get_application,
    log_event,
    profile_for,
)
from followup.lib.vocabulary import describe_day, format_local, zone
from followup.planner import no_response_deadline, plan_follow_ups
from followup.planner import types as p


def application_facts(owner: Owner, application: Application) -> p.ApplicationFacts:
    company = application.company
    interviews = list(
        Interview.objects.filter(owner=owner, application=application, cancelled=False)
        .prefetch_related("interviewers")
        .order_by("start", "id")
    )
    last_reply = FollowUp.objects.filter(owner=owner, application=application).aggregate(
        at=Max("replied_at")
    )["at"]
    # A call, a meeting or a message from them is a reply too (it stops the ladder).
    last_heard = Interaction.objects.filter(
        owner=owner, application=application, kind__in=Interaction.COUNTS_AS_REPLY
    ).aggregate(at=Max("at"))["at"]
    if last_heard is not None and (last_reply is None or last_heard > last_reply):
        last_reply = last_heard
    # all_objects: a check done and later deleted still happened. (An open check deleted keeps
    # its slot taken, so the series stops there until the delete is undone.)
    careers_checks_closed = tuple(
        max(due, closed_at)
        for due, closed_at in FollowUp.all_objects.filter(
            owner=owner,
            application=application,
            kind=p.CAREERS_CHECK,
            status__in=CAREERS_CHECK_CLOSED,
        ).values_list("due", "updated_at")
    )
    return p.ApplicationFacts(
        company_name=company.name,
        country=effective_country(owner, company),
        company_tz=company.time_zone or None,
        role_title=application.role_title,
        role_type=application.role_type,
        status=application.status,
        keep_warm=application.keep_warm,
        # A forward relation reads past the trash (Django's base manager): a deleted recruiter
        # is asked nothing.
        recruiter=_person(application.recruiter)
        if application.recruiter and application.recruiter.deleted_at is None
        else None,
        interviews=tuple(
            p.InterviewFacts(
                key=str(i.pk),
                interview_id=i.pk,
                start=i.start,
                end=i.end,
                tz=i.time_zone,
                interviewers=tuple(_person(c) for c in i.interviewers.all()),
                promised_phrase=i.promised_phrase,
                commitments=tuple(i.commitment_list()),
                asked_to_check_website=i.asked_to_check_website,
                round_name=i.round_name,
            )
            for i in interviews
        ),
        rejected_at=application.rejected_at,
        no_response_at=application.no_response_at,
        last_reply_at=last_reply,
        applied_on=application.applied_on,
        careers_checks_closed=careers_checks_closed,
        user_tz=get_profile(owner).time_zone or None,
    )


# A careers check done, skipped (or marked sent) is behind the candidate: the next one follows.
CAREERS_CHECK_CLOSED = (FollowUp.Status.DONE, FollowUp.Status.SKIPPED, FollowUp.Status.SENT)


def _person(contact: Contact) -> p.Person:
    return p.Person(
        key=f"contact:{contact.pk}",  # the slot's name for this person; never parsed back
        contact_id=contact.pk,
        name=contact.name,
        email=contact.email or None,
        tz=contact.time_zone or None,
        phone=contact.phone or None,
        preferred_channel=contact.preferred_channel or None,
    )


def replan(owner: Owner, application: Application) -> list[FollowUp]:
    """Bring the stored follow-ups in line with the plan. Idempotent; never touches what the user
    edited, approved, sent, did or skipped. Returns the application's open follow-ups by due."""
    facts = application_facts(owner, application)
    # An archived application is put away: nothing is planned for it until it comes back.
    planned = (
        []
        if application.archived_at is not None
        else plan_follow_ups(facts, profile_for(owner, application))
    )
    # Deleted follow-ups too: their slot stays taken, so re-planning does not bring them back.
    existing = {
        fu.slot: fu for fu in FollowUp.all_objects.filter(owner=owner, application=application)
    }
    contact_ids = {
        item.recipient.contact_id
        for item in planned
        if item.recipient is not None and item.recipient.contact_id is not None
    }
    contacts = Contact.objects.in_bulk(list(contact_ids)) if contact_ids else {}
    wanted = set()
    changed: list[FollowUp] = []
    created: list[FollowUp] = []
    with transaction.atomic():
        for item in planned:
            wanted.add(item.slot)
            recipient = None
            if item.recipient is not None and item.recipient.contact_id is not None:
                recipient = contacts.get(item.recipient.contact_id)
            due_tz = item.due.tzinfo.key if isinstance(item.due.tzinfo, ZoneInfo) else "UTC"
            fu = existing.get(item.slot)
            if fu is None:
                fu = FollowUp.objects.create(
                    owner=owner,
                    application=application,
                    interview_id=item.interview_id,
                    slot=item.slot,
                    kind=item.kind,
                    recipient=recipient,
                    channel=item.channel,
                    due=item.due,
                    due_tz=due_tz,
                    reason=item.reason,
                    commitment=item.commitment or "",
                )
                created.append(fu)
                changed.append(fu)
                continue
            if fu.user_touched:
                continue
            new_values = {
                "interview_id": item.interview_id,
                "kind": item.kind,
                "recipient_id": recipient.pk if recipient else None,
                "channel": item.channel,
                "due": item.due,
                "due_tz": due_tz,
                "reason": item.reason,
                "commitment": item.commitment or "",
                "status": FollowUp.Status.PLANNED,
            }
            if any(getattr(fu, k) != v for k, v in new_values.items()):
                for k, v in new_values.items():
                    setattr(fu, k, v)
                fu.save()
                changed.append(fu)
        cancel_reason = ""  # worked out once, for the first follow-up cancelled
        for slot, fu in existing.items():
            if (
                slot not in wanted
                and fu.status == FollowUp.Status.PLANNED
                and not fu.edited
                and fu.deleted_at is None
            ):
                fu.status = FollowUp.Status.CANCELLED
                fu.save(update_fields=["status", "updated_at"])
                cancel_reason = cancel_reason or _cancel_reason(owner, application, facts)
                log_event(
                    owner,
                    application,
                    Event.Kind.FOLLOW_UP_CANCELLED,
                    f"{fu.get_kind_display()} cancelled: {cancel_reason}",
                    follow_up=fu,
                )
        if created:
            # One line for the timeline, not the plan again line by line: the plan shows each.
            log_event(owner, application, Event.Kind.FOLLOW_UP_PLANNED, _planned_note(created))
        if changed:
            redraft(owner, application, changed)
    return list(
        FollowUp.objects.filter(owner=owner, application=application, status__in=FollowUp.OPEN)
        .select_related("recipient", "interview")
        .order_by("due", "id")
    )


def _planned_note(created: list[FollowUp]) -> str:
    """ "3 follow-ups planned; the first: a thank-you to Wanjiku Kamau, Tue 9 Dec, 12:00 EAT"."""
    first = min(created, key=lambda fu: (fu.due, fu.pk))
    what = first.get_kind_display().lower()
    article = "an" if what[:1] in "aeiou" else "a"
    to = f" to {first.recipient.name}" if first.recipient else ""
    count = "1 follow-up planned" if len(created) == 1 else f"{len(created)} follow-ups planned"
    return f"{count}; the first: {article} {what}{to}, {format_local(first.due, first.due_tz)}"


def _cancel_reason(owner: Owner, application: Application, facts: p.ApplicationFacts) -> str:
    if application.archived_at is not None:
        return "the application is archived"
    if application.status in (p.OFFER, p.ACCEPTED, p.WITHDRAWN, p.REJECTED, p.NO_RESPONSE):
        return f"the application is now {application.get_status_display().lower()}"
    if facts.last_reply_at is not None:
        return _reply_reason(owner, application, facts.last_reply_at)
    return "the plan changed (a new round or new facts)"


# How the timeline says that a logged call, meeting or message stopped the check-ins.
_HEARD_FROM = {
    Interaction.Kind.CALL: "{who} called you on {day}",
    Interaction.Kind.MEETING: "you met {whom} on {day}",
    Interaction.Kind.MESSAGE: "{who} wrote to you on {day}",
}


def _reply_reason(owner: Owner, application: Application, at: datetime) -> str:
    heard = (
        Interaction.objects.filter(
            owner=owner, application=application, kind__in=Interaction.COUNTS_AS_REPLY, at=at
        )
        .select_related("contact")
        .order_by("-id")
        .first()
    )
    if heard is None:
        return "they replied"
    name = heard.contact.name if heard.contact is not None else ""
    day = describe_day(at.astimezone(zone(get_profile(owner).time_zone)).date())
    return _HEARD_FROM[Interaction.Kind(heard.kind)].format(
        who=name or "they", whom=name or "them", day=day
    )


OUTCOMES = {
    "rejected": Application.Status.REJECTED,
    "offer": Application.Status.OFFER,
    "accepted": Application.Status.ACCEPTED,
    "withdrawn": Application.Status.WITHDRAWN,
    "next-round": Application.Status.INTERVIEWING,
    "no-response": Application.Status.NO_RESPONSE,
}


def set_outcome(
    owner: Owner, application_id: int | str, outcome: str, at: datetime | None = None
) -> list[FollowUp]:
    outcome = outcome.replace("_", "-").lower()
    if outcome not in OUTCOMES:
        raise InvalidInput("outcome", f"unknown outcome {outcome!r} (one of {', '.join(OUTCOMES)})")
    application = get_application(owner, application_id)
    at = at or timezone.now()
    status = OUTCOMES[outcome]
    with transaction.atomic():
        application.status = status
        fields = ["status", "updated_at"]
        if status == Application.Status.REJECTED:
            application.rejected_at = at
            fields.append("rejected_at")
        if status == Application.Status.NO_RESPONSE:
            application.no_response_at = at
            fields.append("no_response_at")
        application.save(update_fields=fields)
        label = (
            "next round expected"
            if outcome == "next-round"
            else application.get_status_display().lower()
        )
        log_event(
            owner,
            application,
            Event.Kind.OUTCOME_SET,
            f"Outcome: {label}",
            at=at,
            data={"outcome": outcome},
        )
        return replan(owner, application)


STAGES: tuple[str, ...] = tuple(Application.Status.values)


def move_to_stage(
    owner: Owner, application_id: int | str, stage: str, at: datetime | None = None
) -> list[FollowUp]:
    """Put an application in another pipeline stage (the Pipeline's drag and drop and "Move
    to…", `application edit --stage`), then re-plan. Moving to applied dates the application
    today if it had no applied date; rejected and no response note when."""
    stage = stage.strip().replace("-", "_").lower()
    if stage not in STAGES:
        raise InvalidInput("stage", f"unknown stage {stage!r} (one of {', '.join(STAGES)})")
    application = get_application(owner, application_id)
    if application.status == stage:
        return []
    at = at or timezone.now()
    with transaction.atomic():
        before = application.get_status_display()
        application.status = stage
        fields = ["status", "updated_at"]
        if stage == Application.Status.REJECTED:
            application.rejected_at = at
            fields.append("rejected_at")
        if stage == Application.Status.NO_RESPONSE:
            application.no_response_at = at
            fields.append("no_response_at")
        if stage != Application.Status.SAVED and application.applied_on is None:
            application.applied_on = timezone.localdate(at, zone(get_profile(owner).time_zone))
            fields.append("applied_on")
        application.save(update_fields=fields)
        log_event(
            owner,
            application,
            Event.Kind.STAGE_CHANGED,
            f"Moved from {before} to {application.get_status_display()}",
            at=at,
            data={"from": before, "to": stage},
        )
        return replan(owner, application)


def expire_ladders(owner: Owner | None = None, now: datetime | None = None) -> int:
    """Applications whose final check-in went unanswered for 10 business days become no_response.
    Called by the worker; returns how many changed."""
    now = now or timezone.now()
    qs = Application.objects.filter(status=Application.Status.INTERVIEWING).select_related(
        "company", "owner"
    )
    if owner is not None:
        qs = qs.filter(owner=owner)
    # Only applications whose final check-in is no longer open are candidates.
    qs = qs.filter(
        follow_ups__kind=p.FINAL_CHECK_IN,
        follow_ups__status__in=[FollowUp.Status.SENT, FollowUp.Status.DONE],
    ).distinct()
    changed = 0
    for application in qs:
        facts = application_facts(application.owner, application)
        deadline = no_response_deadline(facts, profile_for(application.owner, application))
        if deadline is not None and deadline <= now:
            set_outcome(application.owner, application.pk, "no-response", at=now)
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------
# Re-planning once per batch

# The applications whose re-planning waits for the end of a batch (`replanning_postponed`);
# None outside one.
_replans_owed: ContextVar[set[int] | None] = ContextVar("replans_owed", default=None)


def replan_applications(owner: Owner, application_ids: Iterable[int]) -> None:
    """`replan` each of these applications once."""
    applications = Application.objects.filter(owner=owner, pk__in=set(application_ids))
    for application in applications.select_related("company", "recruiter").order_by("pk"):
        replan(owner, application)


@contextmanager
def replanning_postponed(owner: Owner) -> Iterator[None]:
    """Inside, `replan_or_postpone` notes its application instead of re-planning it; on the way
    out each noted application is re-planned once. For the mail poller's batches of replies:
    benchmarks/bench_mail.py's first scan spent about 22 ms on each reply, mostly re-planning
    one application at a time, several times over for the same application."""
    owed: set[int] = set()
    token = _replans_owed.set(owed)
    try:
        yield
    finally:
        _replans_owed.reset(token)
        # Also when the batch stops half-way: what it recorded is committed and owed its plan.
        replan_applications(owner, owed)


def replan_owed_now(owner: Owner) -> None:
    """Inside `replanning_postponed`: re-plan now what is owed so far, before acting on the plan
    as it stands (an out-of-office moving the open check-ins)."""
    owed = _replans_owed.get()
    if owed:
        replan_applications(owner, owed)
        owed.clear()


def replan_or_postpone(owner: Owner, application: Application) -> None:
    """Re-plan now, or at the end of the batch this runs in."""
    owed = _replans_owed.get()
    if owed is None:
        replan(owner, application)
    else:
        owed.add(application.pk)
