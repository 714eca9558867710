"""Moving a card on the Pipeline: drag and drop (front/static/front/pipeline.js submits the
board's move form) and a card's "Move to…" page post here; both go through
`core.services.planning.move_to_stage`, then back to the board as it was filtered."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application
from followup.core.services.owned import get_application
from followup.core.services.planning import move_to_stage
from followup.front.queries import PIPELINE_ORDER
from followup.front.request import AuthenticatedRequest


def _back(request: AuthenticatedRequest) -> str:
    """Where the card was: `next` when it is a path on this site, else the board."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return reverse("pipeline")


@login_required
@require_GET
def move_page(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """A card's "Move to…": its stage as a select and a button, for the keyboard and without
    JavaScript (the board's cards carry only this link: a select on each of up to 96 cards
    cost the board its page target)."""
    try:
        application = get_application(request.user, application_id)
    except NotFound:
        raise Http404("No such application") from None
    return render(
        request,
        "front/pipeline_move.html",
        {
            "nav": "pipeline",
            "app": application,
            "stages": [(str(s), str(Application.Status(s).label)) for s in PIPELINE_ORDER],
            "next_url": _back(request),
        },
    )


@login_required
@require_POST
def move(request: AuthenticatedRequest) -> HttpResponse:
    """POST `application=<id>` and `stage` (the move page's form, or the board's, which
    drag and drop fills in)."""
    application_id = str(request.POST.get("application", ""))
    if not (application_id.isascii() and application_id.isdigit()) or len(application_id) > 18:
        raise Http404("No such application")
    try:
        application = get_application(request.user, application_id)
    except NotFound:
        raise Http404("No such application") from None
    stage = str(request.POST.get("stage") or "")
    if not stage:
        messages.error(request, f"Choose the stage to move {application} to.")
        return redirect(_back(request))
    try:
        move_to_stage(request.user, application.pk, stage)
    except InvalidInput as exc:
        messages.error(request, f"Could not move {application}: {exc.message}")
    else:
        label = Application.Status(stage.strip().replace("-", "_").lower()).label
        messages.success(request, f"{application} moved to {label}.")
    return redirect(_back(request))
