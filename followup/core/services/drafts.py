"""Drafts: the owner's templates and question bank, what a draft knows about its follow-up,
(re)writing the drafts the user has not edited, the checker's warnings, and editing a draft."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db.models import Q

from followup import drafting
from followup.core.errors import InvalidInput
from followup.core.models import (
    Application,
    Contact,
    Event,
    FollowUp,
    Interview,
    MessageTemplate,
    Profile,
)
from followup.core.owner import Owner
from followup.core.queries import get_profile
from followup.core.services.owned import get_follow_up, log_event, profile_for
from followup.lib.addresses import has_line_break
from followup.lib.vocabulary import zone
from followup.planner import types as p


def templates_for(owner: Owner) -> dict[str, drafting.TemplateSource]:
    overrides = {
        t.kind: drafting.TemplateSource(subject=t.subject, body=t.body)
        for t in MessageTemplate.objects.filter(owner=owner)
    }
    return {**drafting.DEFAULT_TEMPLATES, **overrides}


def question_bank_for(profile: Profile) -> tuple[drafting.Question, ...]:
    if profile.question_bank:
        return tuple(
            drafting.Question(topic=str(q.get("topic", "")), text=str(q.get("text", "")))
            for q in profile.question_bank
            if q.get("text")
        )
    return drafting.DEFAULT_QUESTION_BANK


# Channels whose follow-ups are not messages a person reads (a careers page, a call script).
_NOT_MESSAGES = (p.WEBSITE, p.PHONE)


def messages_around(
    owner: Owner, application: Application, recipient_ids: Iterable[int | None]
) -> list[FollowUp]:
    """The application's follow-ups and every other message to these recipients: what the
    earlier messages of a draft are picked from (`earlier_messages`)."""
    wanted = Q(application=application)
    ids = sorted({i for i in recipient_ids if i is not None})
    if ids:
        wanted |= Q(recipient_id__in=ids)
    return list(
        FollowUp.objects.filter(wanted, owner=owner)
        .select_related("recipient", "interview", "application__company")
        # draft_context reads each interview's panel: one query, not one per follow-up
        .prefetch_related("interview__interviewers")
    )


def _goes_out(fu: FollowUp) -> tuple[object, int]:
    return (fu.sent_at or fu.due, fu.pk or 0)


def earlier_messages(fu: FollowUp, pool: Iterable[FollowUp]) -> tuple[drafting.EarlierMessage, ...]:
    """The messages to the same person that go (or went) out before `fu`, oldest first: sent
    or planned, never cancelled, never a careers check or a call script."""
    if fu.channel in _NOT_MESSAGES:
        return ()
    same_person = [
        m
        for m in pool
        if m.pk != fu.pk
        and m.recipient_id == fu.recipient_id
        and (fu.recipient_id is not None or m.application_id == fu.application_id)
        and m.channel not in _NOT_MESSAGES
        and m.status != FollowUp.Status.CANCELLED
        and m.body.strip()
        and _goes_out(m) < _goes_out(fu)
    ]
    return tuple(
        drafting.EarlierMessage(
            kind=m.kind,
            subject=m.subject,
            body=m.body,
            on=(m.sent_at or m.due).astimezone(zone(m.due_tz)).date(),
            recipient_name=m.recipient.name if m.recipient else None,
        )
        for m in sorted(same_person, key=_goes_out)
    )


def draft_context(
    owner: Owner,
    fu: FollowUp,
    *,
    profile: Profile | None = None,
    previous_subject: str = "",
    pool: Sequence[FollowUp] | None = None,
) -> drafting.DraftContext:
    """What a draft knows. `pool`: the follow-ups its earlier messages are picked from
    (`messages_around`); read here when not given."""
    profile = profile or get_profile(owner)
    if pool is None:
        pool = messages_around(owner, fu.application, [fu.recipient_id])
    application = fu.application
    interview = fu.interview
    if interview is None:
        interview = (
            Interview.objects.filter(owner=owner, application=application, cancelled=False)
            .order_by("-start")
            .first()
        )
    interviewer_ids: list[int] = []
    if interview is not None:
        interviewer_ids = [c.pk for c in interview.interviewers.all()]
    index = interviewer_ids.index(fu.recipient_id) if fu.recipient_id in interviewer_ids else 0
    notes = interview.notes if interview else ""
    # A deliverable carries the promise it is about (stored from the plan).
    commitment = (fu.commitment or None) if fu.kind == p.DELIVERABLE else None
    earlier = earlier_messages(fu, pool)
    return drafting.DraftContext(
        # Never the login name ("local"): unsigned until the person sets a name; the checker
        # says so.
        candidate_name=profile.full_name.strip(),
        signature=profile.signature or profile.full_name or "",
        recipient_name=fu.recipient.name if fu.recipient else None,
        role_title=application.role_title,
        company_name=application.company.name,
        interview_date=interview.start.astimezone(zone(interview.time_zone)).date()
        if interview
        else None,
        round_name=interview.round_name if interview else "",
        discussed_topic=drafting.choose_topic(notes, fu.kind, index, earlier),
        notes=notes,
        unasked_questions=tuple(interview.unasked_list()) if interview else (),
        commitments=tuple(interview.commitment_list()) if interview else (),
        promised_phrase=interview.promised_phrase if interview else "",
        profile=profile_for(owner, application),
        kind=fu.kind,
        channel=fu.channel,
        previous_subject=previous_subject or None,
        interviewer_index=index,
        panel_size=len(interviewer_ids),
        question_bank=question_bank_for(profile),
        commitment=commitment,
        careers_url=application.company.careers_url or None,
        company_website=application.company.website or None,
        sent_on=fu.due.astimezone(zone(fu.due_tz)).date() if fu.due else None,
        applied_on=application.applied_on,
        earlier_messages=earlier,
    )


def _previous_subject(fu: FollowUp, siblings: Sequence[FollowUp]) -> str:
    if fu.kind not in p.CHECK_IN_KINDS:
        return ""
    earlier = [
        s
        for s in siblings
        if s.pk != fu.pk
        and s.channel == p.EMAIL
        and s.subject
        and s.status != FollowUp.Status.CANCELLED
        and s.due < fu.due
        and s.kind in (p.THANK_YOU, *p.CHECK_IN_KINDS)
        and (fu.recipient_id is None or s.recipient_id == fu.recipient_id)
    ]
    if not earlier:
        return ""
    subject = max(earlier, key=lambda s: s.due).subject
    return re.sub(r"^(re:\s*)+", "", subject, flags=re.I)


def redraft(owner: Owner, application: Application, follow_ups: Sequence[FollowUp]) -> None:
    """(Re)write the drafts of follow-ups the user has not edited, in due order so check-ins
    can thread under the message before them. The open drafts after the first of them are
    rewritten too: each draft depends on the messages before it (topics used, questions asked)."""
    if not follow_ups:
        return
    profile = get_profile(owner)
    templates = templates_for(owner)
    siblings = [s for s in messages_around(owner, application, []) if s.deleted_at is None]
    recipients = {s.recipient_id for s in siblings}
    pool = siblings
    if any(r is not None for r in recipients):
        pool = siblings + [
            m
            for m in messages_around(owner, application, recipients)
            if m.application_id != application.pk
        ]
    by_id = {s.pk: s for s in siblings}
    first = min(_goes_out(fu) for fu in follow_ups)
    wanted = {fu.pk for fu in follow_ups}
    wanted |= {s.pk for s in siblings if s.status in FollowUp.OPEN and _goes_out(s) >= first}
    for fu in sorted((by_id[pk] for pk in wanted if pk in by_id), key=_goes_out):
        if fu.edited or fu.status not in FollowUp.OPEN:
            continue
        ctx = draft_context(
            owner,
            fu,
            profile=profile,
            previous_subject=_previous_subject(fu, siblings),
            pool=pool,
        )
        try:
            draft = drafting.render_draft(fu.kind, ctx, templates)
        except drafting.TemplateProblem:
            # A broken user template must not block planning: fall back to the built-in one.
            draft = drafting.render_draft(fu.kind, ctx, drafting.DEFAULT_TEMPLATES)
        if (fu.subject, fu.body) == (draft.subject, draft.body):
            continue
        fu.subject, fu.body = draft.subject, draft.body
        FollowUp.objects.filter(pk=fu.pk, owner=owner, edited=False).update(
            subject=draft.subject, body=draft.body
        )


def draft_warnings(owner: Owner, fu: FollowUp) -> list[drafting.DraftWarning]:
    if fu.channel != p.EMAIL:
        return []
    ctx = draft_context(owner, fu)
    # The rest of a panel: the same kind to other people. Earlier messages to this same person
    # are the context's `earlier_messages` (a repeat is named as such).
    others = [
        drafting.Draft(subject=o.subject, body=o.body)
        for o in FollowUp.objects.filter(
            owner=owner, application=fu.application, interview=fu.interview, kind=fu.kind
        )
        .exclude(pk=fu.pk)
        .exclude(recipient_id=fu.recipient_id)
        .exclude(status=FollowUp.Status.CANCELLED)
    ]
    names = [fu.application.company.name, fu.application.role_title]
    names += [c.name for c in Contact.objects.filter(owner=owner, company=fu.application.company)]
    return drafting.check_draft(
        drafting.Draft(subject=fu.subject, body=fu.body),
        ctx,
        other_drafts=others,
        extra_words=names,
    )


def edit_draft(owner: Owner, follow_up_id: int | str, subject: str, body: str) -> FollowUp:
    fu = get_follow_up(owner, follow_up_id)
    subject = subject.strip()
    if has_line_break(subject):
        raise InvalidInput("subject", "must be a single line")
    if len(subject) > drafting.MAX_SUBJECT_CHARS:
        raise InvalidInput("subject", f"is longer than {drafting.MAX_SUBJECT_CHARS} characters")
    if len(body) > drafting.MAX_BODY_CHARS:
        raise InvalidInput("body", f"is longer than {drafting.MAX_BODY_CHARS:,} characters")
    if "\x00" in subject or "\x00" in body:
        raise InvalidInput("body" if "\x00" in body else "subject", "contains a NUL character")
    if fu.status not in FollowUp.OPEN:
        raise InvalidInput(
            "followup_id", f"follow-up {fu.pk} is {fu.status}; it can no longer be edited"
        )
    if subject == fu.subject and body == fu.body:
        return fu
    fu.subject, fu.body, fu.edited = subject, body, True
    fu.save(update_fields=["subject", "body", "edited", "updated_at"])
    log_event(
        owner,
        fu.application,
        Event.Kind.FOLLOW_UP_EDITED,
        f"{fu.get_kind_display()} draft edited",
        follow_up=fu,
    )
    return fu
