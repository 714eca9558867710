"""What the contacts partials need on pages whose views are not theirs (the Application page,
the follow-up rows, the Draft page): the log form and interactions, phone links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from followup.core.models import Application, Interaction
from followup.core.services import interactions as interaction_service
from followup.front.contacts import InteractionForm, blank_interaction_form, whatsapp_url
from followup.lib import phones

register = template.Library()


@dataclass
class InteractionsPanel:
    interactions: list[Interaction]
    form: InteractionForm
    undo: Interaction | None  # the one just deleted, to offer Undo


@register.simple_tag(takes_context=True)
def interactions_panel(context: Any, application: Application) -> InteractionsPanel:
    """The Application page's interactions and log form (`?kind=call&contact=ID` fills it in;
    a refused POST brings its own form, `log_form`, with the errors)."""
    request = context["request"]
    owner = request.user
    form = context.get("log_form")
    if form is None:
        form = blank_interaction_form(
            owner,
            application,
            str(request.GET.get("kind", ""))[:10],
            str(request.GET.get("contact", ""))[:18],
            page=context.get("data"),
        )
    undo = None
    undo_id = str(request.GET.get("undo_interaction", ""))
    if undo_id.isascii() and undo_id.isdigit() and len(undo_id) < 18:
        undo = (
            Interaction.all_objects.filter(
                owner=owner, application=application, pk=int(undo_id), deleted_at__isnull=False
            )
            .select_related("contact")
            .first()
        )
    return InteractionsPanel(
        interactions=interaction_service.interactions_of(owner, application),
        form=form,
        undo=undo,
    )


@register.filter
def phone_display(e164: str) -> str:
    """ "+254 712 345678"."""
    return phones.display_phone(e164) if e164 else ""


@register.filter
def is_mobile(e164: str) -> bool:
    return phones.is_mobile(e164 or "")


@register.filter
def wa_link(phone: str, text: str | None) -> str:
    """`{{ phone|wa_link:body }}`: https://wa.me/<digits>?text=<the text, url-encoded>."""
    return whatsapp_url(phone, text or "")


@register.filter
def wa_digits(phone: str) -> str:
    return phones.wa_digits(phone or "")


@register.filter
def describe_interaction(interaction: Interaction) -> str:
    return interaction_service.describe(interaction)
