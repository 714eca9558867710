"""Pages the links sent out by reminders open (the digest, pushes, the calendar feed).

`/follow-ups/<id>/` is the follow-up's own address, the one every reminder carries: a message
to write opens its draft; a careers-page check (nothing to write) opens its application's plan.
The address stays the same if where it leads changes, so old digests and calendar events keep
working.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from followup.core.errors import NotFound
from followup.core.services import get_follow_up
from followup.front.request import AuthenticatedRequest
from followup.planner import types as p

__all__ = ["follow_up_page"]


@login_required
@require_GET
def follow_up_page(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    try:
        fu = get_follow_up(request.user, follow_up_id)
    except NotFound:
        raise Http404("No such follow-up") from None
    if fu.kind == p.CAREERS_CHECK:
        target = reverse("application", args=[fu.application_id])
        return redirect(f"{target}#fu-{fu.pk}")
    return redirect("draft", follow_up_id=fu.pk)
