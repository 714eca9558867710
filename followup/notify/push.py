"""Push notifications through Apprise: a reminder when a follow-up falls due, and when a reply
arrives, on every channel the user configured.

The database is the queue. `enqueue` inserts one Delivery per (channel, follow-up, kind) —
the unique constraint makes a second insert a no-op, so each reminder exists once. `deliver`
claims a row with a conditional UPDATE (pending → sending, with a lease), calls Apprise outside
any transaction, then marks the row delivered, or schedules a retry with backoff. A worker killed
after the claim leaves a row whose lease runs out; the next run claims it again, so nothing is
lost. The one window that can repeat a message is a kill between the receiver's "200 OK" and the
UPDATE that records it (milliseconds): without an idempotency key at the receiver, a repeat is
preferred to a loss.

A permanent failure (the receiver says 4xx other than 408/429, the URL no longer decrypts or is
refused) or MAX_ATTEMPTS failed attempts pause the channel, with the error kept for the user
(`followup notify list`, the settings page, the daily digest).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from followup.core.errors import InvalidInput
from followup.core.models import FollowUp
from followup.lib.backoff import PUSH_RETRY, retry_delay
from followup.lib.faults import fault_point
from followup.lib.vocabulary import first_name, format_local
from followup.notify import crypto, text
from followup.notify.models import Delivery, NotifyChannel

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# One attempt, then one retry per step of the schedule; after that the channel is paused.
MAX_ATTEMPTS = len(PUSH_RETRY) + 1
BATCH = 200
MAX_URL_LENGTH = 2000


# ---------------------------------------------------------------------------------------------
# Checking a URL


def _apprise() -> Any:
    import apprise

    # Apprise's own log lines can quote the URL (tokens, passwords): they never reach our logs.
    # Failures are read through apprise.LogCapture, scrubbed, and kept on the channel.
    logger = logging.getLogger("apprise")
    logger.propagate = False
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    return apprise


def instantiate(url: str) -> Any:
    """The Apprise plugin for `url`, or InvalidInput('url', ...) saying why not."""
    url = (url or "").strip()
    if not url:
        raise InvalidInput("url", "is required (an Apprise URL such as ntfys://my-topic)")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput("url", f"is longer than {MAX_URL_LENGTH} characters")
    if any(ch in url for ch in "\r\n\t ") or "://" not in url:
        raise InvalidInput(
            "url",
            "is not an Apprise URL (scheme://…, e.g. ntfys://my-topic, tgram://token/chat, "
            "json://host/path)",
        )
    apprise = _apprise()
    with apprise.LogCapture(level=logging.WARNING):
        plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        scheme = url.split("://", 1)[0].lower()
        if scheme in _schemes():
            raise InvalidInput(
                "url", f"this {scheme}:// URL is missing a part or has a malformed one"
            )
        raise InvalidInput(
            "url", f"{scheme}:// is not a service Apprise knows (e.g. ntfys://, tgram://, json://)"
        )
    return plugin


def _schemes() -> set[str]:
    schemes: set[str] = set()
    for service in _apprise().Apprise().details().get("schemas", []):
        for key in ("protocols", "secure_protocols"):
            value = service.get(key) or ()
            schemes.update([value] if isinstance(value, str) else value)
    return schemes


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    host = host.strip("[]")
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return bool(address.is_global) and not address.is_multicast


def check_destination(plugin: Any, hosted: bool | None = None) -> None:
    """Hosted mode: refuse a URL whose server is on a private, loopback, link-local or other
    non-public network (SSRF). Local mode: the user's own machine and network are fine."""
    hosted = settings.HOSTED if hosted is None else hosted
    if not hosted:
        return
    # A redirect could lead to an internal address after the check.
    plugin.redirects = False
    if plugin.__class__.__name__ == "NotifyNtfy" and getattr(plugin, "mode", "") == "cloud":
        return  # ntfy.sh; the "host" is the topic
    templates = " ".join(getattr(plugin, "templates", ()) or ())
    hosts = []
    if "{host}" in templates and getattr(plugin, "host", None):
        hosts.append(str(plugin.host))
    if getattr(plugin, "smtp_host", None):
        hosts.append(str(plugin.smtp_host))
    for host in hosts:
        addresses = _addresses(host)
        if not addresses:
            raise InvalidInput("url", f"the server {host!r} cannot be resolved")
        if not all(_public(a) for a in addresses):
            raise InvalidInput(
                "url",
                f"the server {host!r} is on a private or local network, which a hosted "
                "followup does not connect to",
            )


def check_url(url: str, hosted: bool | None = None) -> Any:
    plugin = instantiate(url)
    check_destination(plugin, hosted)
    return plugin


# ---------------------------------------------------------------------------------------------
# Sending (network I/O; no database here)


@dataclass
class SendResult:
    ok: bool
    error: str = ""
    permanent: bool = False


_STATUS = re.compile(r"error[=: ]+(\d{3})\b", re.IGNORECASE)


def _scrub(message: str, url: str) -> str:
    """Keep the warning lines, drop timestamps and anything from the URL that could be secret."""
    lines = []
    for line in message.splitlines():
        line = re.sub(r"^[\d\-: ,]+- (WARNING|ERROR|INFO|DEBUG) - ", "", line).strip()
        if line:
            lines.append(line)
    cleaned = " ".join(lines)[:500]
    for part in re.split(r"[/:@?&=#]+", url.split("://", 1)[-1]):
        if len(part) >= 6 and not re.fullmatch(r"[\d.]+", part):
            cleaned = cleaned.replace(part, "…")
    return cleaned


def send(url: str, title: str, body: str, hosted: bool | None = None) -> SendResult:
    """Deliver one message to one Apprise URL."""
    apprise = _apprise()
    try:
        plugin = check_url(url, hosted)
    except InvalidInput as exc:
        return SendResult(ok=False, error=exc.message, permanent=True)
    notifier = apprise.Apprise()
    notifier.add(plugin)
    with apprise.LogCapture(level=logging.WARNING) as captured:
        try:
            ok = bool(notifier.notify(title=title, body=body))
        except Exception as exc:  # a plugin bug must not stop the worker
            ok = False
            log.warning("apprise raised %s", type(exc).__name__)
    if ok:
        return SendResult(ok=True)
    error = _scrub(captured.getvalue(), url) or "the service did not accept the message"
    status = _STATUS.search(error)
    code = status.group(1) if status else ""
    # 4xx: the receiver refuses this message for good, except "timeout" and "too many requests".
    permanent = code.startswith("4") and code not in {"408", "429"}
    return SendResult(ok=False, error=error, permanent=permanent)


# ---------------------------------------------------------------------------------------------
# The queue


def enqueue(now: datetime, owner: Any = None) -> int:
    """Create the Delivery rows for what happened since each active channel was set up:
    follow-ups that fell due, replies that arrived. Returns how many were added."""
    channels = NotifyChannel.objects.filter(paused=False)
    if owner is not None:
        channels = channels.filter(owner=owner)
    added = 0
    for channel in channels:
        since = channel.active_since
        due = (
            FollowUp.objects.filter(
                owner_id=channel.owner_id,
                status__in=FollowUp.OPEN,
                due__lte=now,
                due__gt=since,
            )
            .exclude(
                pk__in=Delivery.objects.filter(channel=channel, kind=Delivery.Kind.DUE).values(
                    "follow_up_id"
                )
            )
            .values_list("pk", flat=True)
        )
        replies = (
            FollowUp.objects.filter(
                owner_id=channel.owner_id, replied_at__lte=now, replied_at__gt=since
            )
            .exclude(
                pk__in=Delivery.objects.filter(channel=channel, kind=Delivery.Kind.REPLY).values(
                    "follow_up_id"
                )
            )
            .values_list("pk", flat=True)
        )
        rows = [
            Delivery(
                owner_id=channel.owner_id,
                channel=channel,
                follow_up_id=pk,
                kind=kind,
                next_attempt_at=now,
                created_at=now,
            )
            for kind, pks in ((Delivery.Kind.DUE, due), (Delivery.Kind.REPLY, replies))
            for pk in pks
        ]
        if rows:
            # Two workers enqueueing at once: the unique constraint keeps one row per reminder.
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            added += len(rows)
    return added


def _claimable(now: datetime) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Delivery.Status.SENDING, lease_until__lt=now
    )


def claim(delivery_id: int, now: datetime) -> bool:
    """Take one row for this worker: a conditional UPDATE, true if we got it."""
    return (
        Delivery.objects.filter(pk=delivery_id)
        .filter(_claimable(now), channel__paused=False)
        .update(status=Delivery.Status.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1)
        == 1
    )


def message_for(delivery: Delivery, now: datetime | None = None) -> tuple[str, str]:
    fu = delivery.follow_up
    application = fu.application
    recipient = fu.recipient.name if fu.recipient else None
    link = text.follow_up_url(fu.pk)
    if delivery.kind == Delivery.Kind.REPLY:
        who = first_name(recipient) or "They"
        title = f"{who} replied — {text.where(application.company.name, application.role_title)}"
        body = f"A reply to your {fu.get_kind_display().lower()} arrived. Open it: {link}"
        return title, body
    title = text.follow_up_title(
        fu.kind, fu.channel, recipient, application.company.name, application.role_title
    )
    body = f"Due {format_local(fu.due, fu.due_tz, now=now)}. {fu.reason}\n{link}"
    return title, body


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    paused_channels: list[int] = field(default_factory=list)


def _pause(channel_id: int, now: datetime, error: str) -> bool:
    paused = (
        NotifyChannel.objects.filter(pk=channel_id, paused=False).update(
            paused=True, paused_at=now, last_error=error, updated_at=now
        )
        == 1
    )
    if paused:
        log.warning("notification channel %s paused: %s", channel_id, error)
    return paused


def _deliver_one(delivery: Delivery, now: datetime, report: DeliveryReport) -> None:
    fu = delivery.follow_up
    lease = Q(pk=delivery.pk, status=Delivery.Status.SENDING)
    if delivery.kind == Delivery.Kind.DUE and fu.status not in FollowUp.OPEN:
        # Done, sent or skipped before we got to it: nothing to remind.
        Delivery.objects.filter(lease).update(
            status=Delivery.Status.SKIPPED, last_error="no longer due", lease_until=None
        )
        report.skipped += 1
        return
    channel = delivery.channel
    title, body = message_for(delivery, now)
    try:
        url = crypto.decrypt(channel.url_encrypted)
    except crypto.DecryptionFailed as exc:
        result = SendResult(ok=False, error=str(exc), permanent=True)
    else:
        result = send(url, title, body)
    if result.ok:
        fault_point("push.after_delivery")
        done = timezone.now()
        Delivery.objects.filter(lease).update(
            status=Delivery.Status.DELIVERED, delivered_at=done, lease_until=None, last_error=""
        )
        NotifyChannel.objects.filter(pk=channel.pk).update(
            failures=0, last_success_at=done, last_error=""
        )
        report.delivered += 1
        return
    NotifyChannel.objects.filter(pk=channel.pk).update(
        failures=F("failures") + 1, last_error=result.error
    )
    attempts = delivery.attempts
    if result.permanent or attempts >= MAX_ATTEMPTS:
        Delivery.objects.filter(lease).update(
            status=Delivery.Status.FAILED, last_error=result.error, lease_until=None
        )
        reason = result.error if result.permanent else f"{attempts} attempts failed: {result.error}"
        if _pause(channel.pk, now, reason):
            report.paused_channels.append(channel.pk)
        report.failed += 1
        return
    Delivery.objects.filter(lease).update(
        status=Delivery.Status.PENDING,
        next_attempt_at=now + retry_delay(attempts, PUSH_RETRY),
        last_error=result.error,
        lease_until=None,
    )
    report.retried += 1


def deliver(
    now: datetime, owner: Any = None, limit: int = BATCH, stop_event: Any = None
) -> DeliveryReport:
    """Claim and deliver what is due for delivery, one row at a time (stopping between rows
    when `stop_event` is set)."""
    report = DeliveryReport()
    candidates = Delivery.objects.filter(_claimable(now), channel__paused=False)
    if owner is not None:
        candidates = candidates.filter(owner=owner)
    ids = list(candidates.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    for delivery_id in ids:
        if stop_event is not None and stop_event.is_set():
            break
        if not claim(delivery_id, now):
            continue  # another worker took it
        fault_point("push.after_claim")
        delivery = Delivery.objects.select_related(
            "channel", "follow_up__application__company", "follow_up__recipient"
        ).get(pk=delivery_id)
        _deliver_one(delivery, now, report)
    return report


def deliver_reminders(
    now: datetime | None = None, owner: Any = None, stop_event: Any = None
) -> DeliveryReport:
    """The worker's periodic task: enqueue what happened, then deliver."""
    now = now or timezone.now()
    enqueue(now, owner)
    return deliver(now, owner, stop_event=stop_event)
