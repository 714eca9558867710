"""Where a follow-up reaches its recipient: the way they prefer to be reached (email, phone,
WhatsApp, LinkedIn) when they have said so and it can be used, else the rule's own channel."""

from __future__ import annotations

from dataclasses import replace

from .types import EMAIL, LINKEDIN, PHONE, WEBSITE, WHATSAPP, Person, PlannedFollowUp

# What the reason adds when the person's preference changed the channel.
_NOTES = {
    EMAIL: "By email, the way {name} prefers to be reached.",
    PHONE: "A phone call, the way {name} prefers to be reached.",
    WHATSAPP: "On WhatsApp, the way {name} prefers to be reached.",
    LINKEDIN: "On LinkedIn, the way {name} prefers to be reached.",
}


def channel_for(recipient: Person | None, rule_channel: str) -> str:
    """The recipient's preferred channel when it can reach them (phone and WhatsApp need a
    number, email an address); else the rule's. A careers-page check is the website's."""
    if rule_channel == WEBSITE or recipient is None or not recipient.preferred_channel:
        return rule_channel
    wanted = recipient.preferred_channel
    if wanted in (PHONE, WHATSAPP) and recipient.phone:
        return wanted
    if wanted == EMAIL and recipient.email:
        return EMAIL
    if wanted == LINKEDIN:
        return LINKEDIN
    return rule_channel


def reach_them_where_they_are(follow_up: PlannedFollowUp) -> PlannedFollowUp:
    """The follow-up on its recipient's channel, its reason saying why when that changed it."""
    channel = channel_for(follow_up.recipient, follow_up.channel)
    if channel == follow_up.channel or follow_up.recipient is None:
        return follow_up
    note = _NOTES[channel].format(name=follow_up.recipient.name)
    return replace(follow_up, channel=channel, reason=f"{follow_up.reason} {note}")
