"""Sends that failed, where the person looks: a "Needs attention" section on Today and the
error with Retry and Un-approve on the Draft page. Thin shells over
followup.core.services.follow_ups (retry_send, unapprove)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from followup.core import services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import FollowUp
from followup.core.owner import Owner
from followup.core.queries import attention_filter
from followup.front.request import AuthenticatedRequest
from followup.front.views import _safe_next
from followup.mail import accounts

# Today shows at most this many; `followup mail outbox` lists them all.
ATTENTION_LIMIT = 20


def attention_follow_ups(owner: Owner) -> list[FollowUp]:
    """Email follow-ups whose send needs the person, failed ones first: one query, whatever
    the number of applications (Today's query count stays fixed)."""
    rows = list(
        FollowUp.objects.filter(attention_filter(), owner=owner, channel="email")
        .select_related("recipient", "application__company")
        .order_by("due", "id")[:ATTENTION_LIMIT]
    )
    rows.sort(key=lambda fu: fu.status != FollowUp.Status.FAILED)
    return rows


def _owned(request: AuthenticatedRequest, follow_up_id: int) -> FollowUp:
    try:
        return services.get_follow_up(request.user, follow_up_id)
    except NotFound:
        raise Http404("No such follow-up") from None


@login_required
@require_POST
def retry(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    fu = _owned(request, follow_up_id)
    try:
        fu = services.retry_send(request.user, fu.pk)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        if accounts.get_account(request.user) is None:
            messages.warning(
                request,
                "Back in the outbox, but there is no mail account to send it from: open it in "
                "your mail app (or download the .eml) and mark it sent, or add your account in "
                "Settings → Mail.",
            )
        else:
            messages.success(request, "Back in the outbox: it goes out within a minute.")
    return redirect(_safe_next(request, reverse("draft", args=[fu.pk])))


@login_required
@require_POST
def unapprove(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    fu = _owned(request, follow_up_id)
    try:
        fu = services.unapprove(request.user, fu.pk)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "No longer approved: nothing will be sent. Edit it, approve it again, or send it "
            "from your mail app and mark it sent.",
        )
    return redirect(_safe_next(request, reverse("draft", args=[fu.pk])))
