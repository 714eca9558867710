"""Editing and deleting what a person recorded, on the web: an interview's edit page (its time,
interviewers, notes, promises; the plan re-plans), deleting it with a confirmation and an Undo;
a follow-up's "Move to another time" and delete with Undo (the Draft page's partial).

Deleting is a POST from a confirmation page (works without JavaScript); the page after it
carries the deletion's stamp in a small "Undo" form, so an old Undo cannot undo a later
deletion. Service errors go next to the field they name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from followup.core.errors import InvalidInput, NotFound
from followup.core.models import FollowUp, Interview
from followup.core.queries import get_profile
from followup.core.services import follow_ups as follow_up_service
from followup.core.services.interview_edits import (
    delete_interview,
    edit_interview,
    get_deleted_interview,
    restore_interview,
)
from followup.core.services.interviews import parse_local_datetime
from followup.core.services.owned import get_follow_up, get_interview
from followup.front import forms
from followup.front.edit_forms import LOCAL_INPUT, InterviewEditForm, RescheduleForm
from followup.front.request import AuthenticatedRequest
from followup.lib.vocabulary import format_local, zone_or_utc


def _interview(request: AuthenticatedRequest, interview_id: int) -> Interview:
    try:
        return get_interview(request.user, interview_id)
    except NotFound:
        raise Http404("No such interview") from None


def _follow_up(request: AuthenticatedRequest, follow_up_id: int) -> FollowUp:
    try:
        return get_follow_up(request.user, follow_up_id)
    except NotFound:
        raise Http404("No such follow-up") from None


def _stamp(request: AuthenticatedRequest) -> datetime:
    """The deletion an Undo form names (an ISO instant); a malformed one is a 404, like an id."""
    try:
        return datetime.fromisoformat(str(request.POST.get("stamp", "")))
    except ValueError:
        raise Http404("No such deletion") from None


def _application_url(application_id: int, anchor: str = "") -> str:
    return reverse("application", args=[application_id]) + anchor


# ---------------------------------------------------------------------------------------------
# Interviews


@login_required
def edit(request: AuthenticatedRequest, interview_id: int) -> HttpResponse:
    interview = _interview(request, interview_id)
    if request.method == "POST":
        form = InterviewEditForm(request.POST)
        if form.is_valid():
            try:
                result = edit_interview(request.user, interview.pk, form.to_changes())
            except (InvalidInput, NotFound) as exc:
                forms.add_service_error(form, InvalidInput(exc.field, exc.message))
            else:
                if result.changed:
                    messages.success(
                        request,
                        f"Interview saved ({', '.join(result.changed)} changed). "
                        "The plan below has moved to match.",
                    )
                else:
                    messages.info(request, "Nothing changed.")
                return redirect(_application_url(interview.application_id, "#plan"))
        status = 400
    else:
        form = InterviewEditForm(initial=InterviewEditForm.initial_for(interview))
        status = 200
    return render(
        request,
        "front/interview_edit.html",
        {
            "nav": "pipeline",
            "interview": interview,
            "app": interview.application,
            "form": form,
            "time_zones": forms.time_zone_names(),
            "preview": _promise_line(request, form, interview),
        },
        status=status,
    )


@login_required
def delete(request: AuthenticatedRequest, interview_id: int) -> HttpResponse:
    """GET: are you sure? POST: delete, then the page with Undo."""
    interview = _interview(request, interview_id)
    if request.method == "POST":
        try:
            delete_interview(request.user, interview.pk)
        except InvalidInput as exc:
            messages.error(request, exc.message)
            return redirect(_application_url(interview.application_id))
        return redirect("interview-deleted", interview_id=interview.pk)
    count = FollowUp.objects.filter(owner=request.user, interview=interview).count()
    return render(
        request,
        "front/interview_delete.html",
        {"nav": "pipeline", "interview": interview, "app": interview.application, "count": count},
    )


@login_required
@require_GET
def deleted(request: AuthenticatedRequest, interview_id: int) -> HttpResponse:
    try:
        interview = get_deleted_interview(request.user, interview_id)
    except NotFound:
        raise Http404("No such deleted interview") from None
    assert interview.deleted_at is not None  # a deleted one, by the getter
    return render(
        request,
        "front/deleted.html",
        {
            "nav": "pipeline",
            "what": f"the {interview.round_name.lower()} interview "
            f"({format_local(interview.start, interview.time_zone)}) and its follow-ups",
            "restore_url": reverse("interview-restore", args=[interview.pk]),
            "stamp": interview.deleted_at.isoformat(),
            "back_url": _application_url(interview.application_id),
            "back_label": f"Back to {interview.application.role_title} at "
            f"{interview.application.company.name}",
        },
    )


@login_required
@require_POST
def restore(request: AuthenticatedRequest, interview_id: int) -> HttpResponse:
    stamp = _stamp(request)
    try:
        interview = restore_interview(request.user, interview_id, stamp=stamp)
    except NotFound:
        raise Http404("No such deleted interview") from None
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("pipeline")
    messages.success(request, f"The {interview.round_name} interview is back, with its plan.")
    return redirect(_application_url(interview.application_id, "#plan"))


def _promise_line(
    request: AuthenticatedRequest, form: InterviewEditForm, interview: Interview
) -> str:
    """The promised phrase resolved as the form stands (the record form's preview)."""
    from followup.front import views

    data = form.data if form.is_bound else form.initial
    return views._promise_line(data, get_profile(request.user), interview.application)


# ---------------------------------------------------------------------------------------------
# Follow-ups


def reschedule_form_for(fu: Any, tz: str) -> RescheduleForm:
    """The Draft page's "Move to another time", filled with the due time in the person's zone."""
    local = fu.due.astimezone(zone_or_utc(tz))
    return RescheduleForm(initial={"at": local.strftime(LOCAL_INPUT)}, prefix="move")


@login_required
@require_POST
def reschedule(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    fu = _follow_up(request, follow_up_id)
    tz = get_profile(request.user).time_zone
    form = RescheduleForm(request.POST, prefix="move")
    if form.is_valid():
        try:
            when = parse_local_datetime(form.cleaned_data["at"], tz, "at")
            fu = follow_up_service.reschedule(request.user, fu.pk, when)
        except InvalidInput as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"{fu.get_kind_display()} moved to {format_local(fu.due, fu.due_tz)}. "
                "Re-planning keeps this time.",
            )
            return redirect("draft", follow_up_id=fu.pk)
    # The Draft page again, with the error next to the time.
    from followup.core.services.drafts import draft_warnings
    from followup.front import views

    fu = _follow_up(request, fu.pk)
    draft_form = forms.DraftForm(initial={"subject": fu.subject, "body": fu.body})
    context = views._draft_context(request, fu, draft_form, draft_warnings(request.user, fu))
    context["move_form"] = form
    return render(request, "front/draft.html", context, status=400)


@login_required
def delete_follow_up(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    """GET: are you sure? POST: delete, then the page with Undo."""
    fu = _follow_up(request, follow_up_id)
    if request.method == "POST":
        try:
            follow_up_service.delete_follow_up(request.user, fu.pk)
        except InvalidInput as exc:
            messages.error(request, exc.message)
            return redirect("draft", follow_up_id=fu.pk)
        return redirect("follow-up-deleted", follow_up_id=fu.pk)
    return render(
        request,
        "front/follow_up_delete.html",
        {"nav": "today", "fu": fu, "app": fu.application},
    )


@login_required
@require_GET
def deleted_follow_up(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    try:
        fu = follow_up_service.get_deleted_follow_up(request.user, follow_up_id)
    except NotFound:
        raise Http404("No such deleted follow-up") from None
    assert fu.deleted_at is not None  # a deleted one, by the getter
    return render(
        request,
        "front/deleted.html",
        {
            "nav": "today",
            "what": f"the {fu.get_kind_display().lower()} due {format_local(fu.due, fu.due_tz)}",
            "restore_url": reverse("follow-up-restore", args=[fu.pk]),
            "stamp": fu.deleted_at.isoformat(),
            "back_url": _application_url(fu.application_id),
            "back_label": f"Back to {fu.application.role_title} at {fu.application.company.name}",
        },
    )


@login_required
@require_POST
def restore_follow_up(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    stamp = _stamp(request)
    try:
        fu = follow_up_service.restore_follow_up(request.user, follow_up_id, stamp=stamp)
    except NotFound:
        raise Http404("No such deleted follow-up") from None
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("today")
    messages.success(request, f"The {fu.get_kind_display().lower()} is back.")
    return redirect("draft", follow_up_id=fu.pk)
