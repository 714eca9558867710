"""Short words shared by the digest, the pushes and the calendar feed: titles for a glance and
links to a follow-up's page. Zones, local times and first names come from
followup.lib.vocabulary, as everywhere else."""

from __future__ import annotations

from followup.lib.vocabulary import first_name
from followup.planner import types as p


def where(company: str, role: str) -> str:
    """'Acme, Sales Executive'."""
    company, role = company.strip(), role.strip()
    if company and role:
        return f"{company}, {role}"
    return company or role


def follow_up_action(kind: str, channel: str, recipient_name: str | None) -> str:
    """What to do, in a few words: 'Check in with Wanjiku'."""
    who = first_name(recipient_name)
    if channel == p.PHONE and kind in p.CHECK_IN_KINDS:
        return f"Call {who}" if who else "Call them"
    if kind == p.THANK_YOU:
        return f"Thank {who}" if who else "Send a thank-you"
    if kind == p.CHECK_IN:
        return f"Check in with {who}" if who else "Check in"
    if kind == p.CHECK_IN_2:
        return f"Check in again with {who}" if who else "Check in again"
    if kind == p.FINAL_CHECK_IN:
        return f"Last check-in with {who}" if who else "Last check-in"
    if kind == p.REJECTION_REPLY:
        return f"Ask {who} for feedback" if who else "Reply to the rejection"
    if kind == p.KEEP_WARM:
        return f"Keep in touch with {who}" if who else "Keep in touch"
    if kind == p.CAREERS_CHECK:
        return "Look at their careers page"
    if kind == p.DELIVERABLE:
        return f"Send {who} what you promised" if who else "Send what you promised"
    return kind.replace("_", " ").capitalize()


def follow_up_title(
    kind: str, channel: str, recipient_name: str | None, company: str, role: str
) -> str:
    """'Check in with Wanjiku — Acme, Sales Executive'."""
    context = where(company, role)
    action = follow_up_action(kind, channel, recipient_name)
    return f"{action} — {context}" if context else action


def interview_title(company: str, role: str, round_name: str = "", cancelled: bool = False) -> str:
    """'Interview — Acme, Sales Executive (Second round)'."""
    title = f"Interview — {where(company, role)}"
    if round_name:
        title += f" ({round_name})"
    return f"Cancelled: {title}" if cancelled else title


def site_url() -> str:
    """The site's address (followup.core.site: FOLLOWUP_SITE_URL, else the running server)."""
    from followup.core.site import site_url as current

    return current()


def follow_up_url(follow_up_id: int) -> str:
    """The follow-up's own page in the web app."""
    return f"{site_url()}/follow-ups/{follow_up_id}/"


def application_url(application_id: int) -> str:
    return f"{site_url()}/applications/{application_id}/"
