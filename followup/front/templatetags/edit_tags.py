"""What the edit partials need that a view of someone else's page does not pass them."""

from __future__ import annotations

from typing import Any

from django import template

from followup.core.models import Application

register = template.Library()


@register.simple_tag
def move_form_for(fu: Any, user: Any, bound: Any = None) -> Any:
    """The Draft page's "Move to another time" form: `bound` (with its errors) when the view
    has one, else one filled with the due time in the person's zone."""
    from followup.core.queries import get_profile
    from followup.front.edit_forms import RescheduleForm
    from followup.front.interview_edits import reschedule_form_for

    if isinstance(bound, RescheduleForm):  # a missing context variable comes in as ""
        return bound

    return reschedule_form_for(fu, get_profile(user).time_zone)


@register.simple_tag
def pipeline_stages() -> list[tuple[str, str]]:
    """The stages of the board, in its order (the search's stage filter)."""
    from followup.front.queries import PIPELINE_ORDER

    return [(str(s), str(Application.Status(s).label)) for s in PIPELINE_ORDER]
