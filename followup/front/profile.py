"""Settings the web page changes: the profile, message templates and the question bank.

Owner first, validate everything before writing, InvalidInput naming the field (as core.services).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from followup import drafting
from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Application, FollowUp, MessageTemplate, Profile
from followup.core.owner import Owner
from followup.lib.addresses import has_line_break


def template_source(owner: Owner, kind: str) -> tuple[drafting.TemplateSource, bool]:
    """The template in use for `kind` and whether it is the user's own."""
    check_kind(kind)
    own = MessageTemplate.objects.filter(owner=owner, kind=kind).first()
    if own is not None:
        return drafting.TemplateSource(subject=own.subject, body=own.body), True
    return drafting.DEFAULT_TEMPLATES[kind], False


def check_kind(kind: str) -> str:
    if kind not in drafting.TEMPLATE_KEYS:
        raise InvalidInput("kind", f"unknown template {kind!r}")
    return kind


def save_template(owner: Owner, kind: str, subject: str, body: str) -> int:
    """Store the user's template after checking it; re-draft open, unedited follow-ups of that
    kind. Returns how many drafts changed."""
    check_kind(kind)
    source = drafting.TemplateSource(subject=subject, body=body)
    problems = drafting.validate_template(source, kind)
    if problems:
        raise InvalidInput("subject" if "(subject)" in problems[0] else "body", problems[0])
    with transaction.atomic():
        MessageTemplate.objects.update_or_create(
            owner=owner, kind=kind, defaults={"subject": subject, "body": body}
        )
        return _redraft_kind(owner, kind)


def reset_template(owner: Owner, kind: str) -> int:
    check_kind(kind)
    with transaction.atomic():
        MessageTemplate.objects.filter(owner=owner, kind=kind).delete()
        return _redraft_kind(owner, kind)


def _redraft_kind(owner: Owner, kind: str) -> int:
    open_rows = FollowUp.objects.filter(owner=owner, status=FollowUp.Status.PLANNED, edited=False)
    if kind == drafting.CALL_SCRIPT:
        open_rows = open_rows.filter(channel=FollowUp.Channel.PHONE)
    else:
        open_rows = open_rows.filter(kind=kind).exclude(channel=FollowUp.Channel.PHONE)
    by_application: dict[int, list[FollowUp]] = {}
    for fu in open_rows:
        by_application.setdefault(fu.application_id, []).append(fu)
    applications = Application.objects.filter(
        owner=owner, pk__in=list(by_application)
    ).select_related("company")
    for application in applications:
        services.redraft(owner, application, by_application[application.pk])
    return sum(len(rows) for rows in by_application.values())


def save_question_bank(owner: Owner, texts: dict[str, str]) -> Profile:
    """The bank as the user wrote it; an empty text keeps the built-in question for that topic."""
    profile = services.get_profile(owner)
    bank = []
    for question in drafting.DEFAULT_QUESTION_BANK:
        text = (texts.get(question.topic) or "").strip()
        if has_line_break(text):
            raise InvalidInput(question.topic, "must be a single question on one line")
        bank.append({"topic": question.topic, "text": text or question.text})
    defaults = [{"topic": q.topic, "text": q.text} for q in drafting.DEFAULT_QUESTION_BANK]
    profile.question_bank = [] if bank == defaults else bank
    profile.save(update_fields=["question_bank"])
    return profile


def question_texts(profile: Profile) -> dict[str, str]:
    """What the editor shows: the user's text per topic, empty where the built-in one applies."""
    built_in = {q.topic: q.text for q in drafting.DEFAULT_QUESTION_BANK}
    texts = {}
    for entry in profile.question_bank or []:
        topic, text = str(entry.get("topic", "")), str(entry.get("text", ""))
        if topic in built_in and text != built_in[topic]:
            texts[topic] = text
    return texts


def sample_context(
    owner: Owner, kind: str, question_bank: tuple[drafting.Question, ...] | None = None
) -> drafting.DraftContext:
    """A believable context for the live preview, with the user's own name and signature."""
    from followup.planner import types as p

    profile = services.get_profile(owner)
    follow_up_kind = p.CHECK_IN if kind == drafting.CALL_SCRIPT else kind
    return drafting.DraftContext(
        candidate_name=profile.full_name or "Amina Njeri",
        signature=profile.signature or profile.full_name or "Amina Njeri",
        recipient_name="Wanjiku Kamau",
        role_title="Sales Executive",
        company_name="Savanna Mobile",
        interview_date=date(2025, 12, 9),
        round_name="Panel",
        notes="Growing the SME data bundles in Kisumu and Eldoret.",
        unasked_questions=("How is the commission structured in the first quarter?",),
        commitments=("Send my sales figures for 2025 by Friday",),
        commitment="Send my sales figures for 2025 by Friday" if kind == p.DELIVERABLE else None,
        promised_phrase="we'll get back to you by Friday",
        kind=follow_up_kind,
        channel=p.PHONE if kind == drafting.CALL_SCRIPT else p.EMAIL,
        question_bank=question_bank
        if question_bank is not None
        else services.question_bank_for(profile),
        careers_url="https://savanna-mobile.example/careers",
        panel_size=2,
        applied_on=date(2025, 11, 24),
    )
