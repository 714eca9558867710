"""Service functions for reminders: the CLI calls these, and so can the web app (settings page for
notifications, the digest hour and the calendar feed). Invitations are imported by
followup.core.invitation_import. Every function takes the owner first and every query is filtered by it. Bad input
raises followup.core.errors.InvalidInput naming the field; nothing is changed then.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from followup.core import services as core
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Profile
from followup.core.site import site_url
from followup.lib.addresses import has_line_break
from followup.notify import crypto, push
from followup.notify.models import Delivery, NotifyChannel

# ---------------------------------------------------------------------------------------------
# Push channels


def _fingerprint(url: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), url.encode(), hashlib.sha256).hexdigest()


def add_channel(owner: Any, url: str, label: str = "") -> NotifyChannel:
    """Add an Apprise URL (ntfys://topic, tgram://token/chat, slack://…, mailtos://…,
    atalk://…). Refuses an invalid URL, one already added, and in hosted mode one pointing at a
    private or local network. The URL is stored encrypted and never shown back."""
    url = (url or "").strip()
    label = (label or "").strip()
    if has_line_break(label) or len(label) > 100:
        raise InvalidInput("label", "must be one line of at most 100 characters")
    plugin = push.check_url(url)
    fingerprint = _fingerprint(url)
    if NotifyChannel.objects.filter(owner=owner, url_fingerprint=fingerprint).exists():
        raise InvalidInput("url", "this URL is already one of your channels")
    scheme = url.split("://", 1)[0].lower()[:32]
    try:
        with transaction.atomic():
            return NotifyChannel.objects.create(
                owner=owner,
                label=label or getattr(plugin, "service_name", "") or scheme,
                scheme=scheme,
                url_encrypted=crypto.encrypt(url),
                url_fingerprint=fingerprint,
            )
    except IntegrityError:
        raise InvalidInput("url", "this URL is already one of your channels") from None


def channels(owner: Any) -> QuerySet[NotifyChannel]:
    return NotifyChannel.objects.filter(owner=owner).order_by("id")


def get_channel(owner: Any, channel_id: int | str) -> NotifyChannel:
    try:
        return NotifyChannel.objects.get(owner=owner, pk=int(channel_id))
    except (NotifyChannel.DoesNotExist, ValueError, TypeError):
        raise NotFound("channel_id", f"no notification channel {channel_id}") from None


def remove_channel(owner: Any, channel_id: int | str) -> None:
    get_channel(owner, channel_id).delete()


def resume_channel(owner: Any, channel_id: int | str, now: datetime | None = None) -> NotifyChannel:
    """Un-pause a channel (after fixing what made it fail). Reminders queued before the pause are
    delivered; what fell due while paused is not pushed (the digest listed it)."""
    channel = get_channel(owner, channel_id)
    now = now or timezone.now()
    NotifyChannel.objects.filter(owner=owner, pk=channel.pk).update(
        paused=False, paused_at=None, failures=0, active_since=now, updated_at=now
    )
    # Deliveries that failed because of the pause get another chance.
    Delivery.objects.filter(owner=owner, channel=channel, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now
    )
    channel.refresh_from_db()
    return channel


def channel_json(channel: NotifyChannel) -> dict[str, object]:
    """What may be shown about a channel: never the URL (it holds tokens)."""
    return {
        "id": channel.pk,
        "label": channel.label,
        "service": channel.scheme,
        "paused": channel.paused,
        "paused_at": channel.paused_at.isoformat() if channel.paused_at else None,
        "last_error": channel.last_error or None,
        "failures": channel.failures,
        "last_success_at": channel.last_success_at.isoformat() if channel.last_success_at else None,
        "created_at": channel.created_at.isoformat(),
    }


@dataclass
class ChannelTest:
    channel: NotifyChannel
    ok: bool
    error: str


def test_channels(owner: Any, channel_id: int | str | None = None) -> list[ChannelTest]:
    """Send a test message to one channel or to all; record success or the error on each."""
    selected = [get_channel(owner, channel_id)] if channel_id is not None else list(channels(owner))
    results = []
    for channel in selected:
        try:
            url = crypto.decrypt(channel.url_encrypted)
        except crypto.DecryptionFailed as exc:
            result = push.SendResult(ok=False, error=str(exc), permanent=True)
        else:
            result = push.send(
                url,
                "followup: test notification",
                "Your follow-up reminders will arrive here.",
            )
        now = timezone.now()
        if result.ok:
            NotifyChannel.objects.filter(owner=owner, pk=channel.pk).update(
                failures=0, last_error="", last_success_at=now
            )
        else:
            NotifyChannel.objects.filter(owner=owner, pk=channel.pk).update(last_error=result.error)
        channel.refresh_from_db()
        results.append(ChannelTest(channel=channel, ok=result.ok, error=result.error))
    return results


def deliveries(owner: Any, channel_id: int | str | None = None) -> QuerySet[Delivery]:
    """Recent deliveries, newest first, with their errors (for the settings page)."""
    qs = Delivery.objects.filter(owner=owner).select_related("channel", "follow_up")
    if channel_id is not None:
        qs = qs.filter(channel=get_channel(owner, channel_id))
    return qs.order_by("-created_at", "-id")


# ---------------------------------------------------------------------------------------------
# Digest settings


def set_digest_hour(owner: Any, hour: int | str | None) -> Profile:
    """The local hour (0–23) of the daily digest email, or None/"off" to turn it off."""
    profile = core.get_profile(owner)
    if hour is None or (isinstance(hour, str) and hour.strip().lower() in ("", "off", "none")):
        value = None
    else:
        try:
            value = int(str(hour).strip().split(":", 1)[0])
        except ValueError:
            raise InvalidInput("hour", f"{hour!r} is not an hour from 0 to 23 (or off)") from None
        if not 0 <= value <= 23:
            raise InvalidInput("hour", f"{hour!r} is not an hour from 0 to 23 (or off)")
    profile.digest_hour = value
    profile.save(update_fields=["digest_hour"])
    return profile


# ---------------------------------------------------------------------------------------------
# Calendar feed


def owner_for_calendar_token(token: str) -> Any:
    """The user whose feed this token opens, or None (unknown or revoked)."""
    if not token:
        return None
    profile = (
        Profile.objects.filter(calendar_token=token)
        .exclude(calendar_token="")
        .select_related("user")
        .first()
    )
    if profile is None or not hmac.compare_digest(profile.calendar_token, token):
        return None
    return profile.user


def calendar_token(owner: Any, regenerate: bool = False) -> str:
    """The feed's secret token, created on first use; `regenerate` revokes the old one."""
    profile = core.get_profile(owner)
    old = profile.calendar_token
    if old and not regenerate:
        return old
    new = secrets.token_urlsafe(32)
    updated = Profile.objects.filter(pk=profile.pk, calendar_token=old).update(calendar_token=new)
    if not updated:  # someone else set it at the same moment: use theirs
        profile.refresh_from_db()
        return calendar_token(owner, regenerate=False)
    profile.calendar_token = new
    return new


def revoke_calendar(owner: Any) -> None:
    """Turn the feed off: the old URL answers 404 until a new one is made."""
    Profile.objects.filter(user=owner).update(calendar_token="")


def calendar_urls(owner: Any, regenerate: bool = False) -> dict[str, str]:
    """{'webcal': 'webcal://host/calendar/TOKEN.ics', 'https': 'http(s)://host/...'}."""
    token = calendar_token(owner, regenerate)
    web = f"{site_url()}/calendar/{token}.ics"
    scheme, _, rest = web.partition("://")
    return {"webcal": f"webcal://{rest}", "https": web}
