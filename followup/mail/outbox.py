"""The outbox as the person sees it: email follow-ups approved, being sent, or needing
attention. Listings only; every change of a follow-up's state (approve, unapprove, confirm sent…)
lives in followup.core.services.follow_ups.

The FollowUp row is the outbox; followup.mail.sender works it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from followup.core.models import FollowUp
from followup.core.owner import Owner
from followup.core.services.listings import follow_up_json
from followup.planner import types as p

S = FollowUp.Status


def outbox(owner: Owner) -> QuerySet[FollowUp]:
    """Email follow-ups approved, being sent, or needing attention, soonest first."""
    return (
        FollowUp.objects.filter(
            owner=owner, channel=p.EMAIL, status__in=[S.APPROVED, S.SENDING, S.FAILED]
        )
        .select_related("recipient", "application__company")
        .order_by("send_after", "id")
    )


def outbox_json(fu: FollowUp) -> dict[str, object]:
    data = follow_up_json(fu)
    data.update(
        {
            "send_after": fu.send_after.isoformat() if fu.send_after else None,
            "attempts": fu.attempts,
            "next_attempt_at": fu.next_attempt_at.isoformat() if fu.next_attempt_at else None,
            "last_error": fu.last_error,
            "message_id": fu.message_id,
            "sent_at": fu.sent_at.isoformat() if fu.sent_at else None,
            "bounced_at": fu.bounced_at.isoformat() if fu.bounced_at else None,
        }
    )
    return data
