"""What the reminders persist. Every row has an owner; every query is scoped by it.

The database is the queue: a Delivery (push) or a DigestRun (mail) row is claimed with a
conditional UPDATE and a lease, the network I/O happens outside any transaction, and the row is
marked done afterwards. A worker killed in between leaves a row whose lease runs out and which
the next run claims again: nothing is lost.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from followup.core.models import FollowUp, Owned


class NotifyChannel(Owned):
    """An Apprise URL (ntfy, Telegram, Slack, email, SMS...) the user's reminders go to."""

    label = models.CharField(max_length=100, blank=True)
    # The URL's scheme ("ntfy", "tgram", "json"...): the only part of the URL ever shown back.
    scheme = models.CharField(max_length=32)
    # The Apprise URL, encrypted at rest (it carries tokens and passwords).
    url_encrypted = models.TextField()
    # Keyed hash of the URL: refuses adding the same URL twice without storing it in clear.
    url_fingerprint = models.CharField(max_length=64)
    paused = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Consecutive failed attempts; reset by a success.
    failures = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Reminders are pushed for what happens after this (set up, or resumed after a pause).
    active_since = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "url_fingerprint"], name="notify_one_channel_per_url"
            )
        ]

    def __str__(self) -> str:
        return self.label or f"{self.scheme}://…"


class Delivery(Owned):
    """One reminder for one follow-up on one channel. The unique constraint is what makes each
    reminder delivered once."""

    class Kind(models.TextChoices):
        DUE = "due", "Follow-up due"
        REPLY = "reply", "Reply received"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "No longer needed"

    channel = models.ForeignKey(NotifyChannel, on_delete=models.CASCADE, related_name="deliveries")
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker holding the row in "sending" owns it until then.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "follow_up", "kind"], name="notify_one_delivery_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_delivery_queue"),
        ]


class DigestRun(Owned):
    """The daily digest of one local day: claimed like a Delivery, so it is sent once."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        EMPTY = "empty", "Nothing to say"
        RETRY = "retry", "Will retry"
        FAILED = "failed", "Failed"

    day = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "day"], name="notify_one_digest_per_day")
        ]


class FeedItem(Owned):
    """The calendar feed's memory of one VEVENT: a hash of its content and its SEQUENCE, bumped
    when the content changes so calendar clients take the new version, and its text."""

    uid = models.CharField(max_length=100)
    digest = models.CharField(max_length=32)
    sequence = models.PositiveIntegerField(default=0)
    # DTSTAMP of the current version (UTC, 20251209T070000Z): when its content last changed.
    stamp = models.CharField(max_length=16)
    # The VEVENT as the icalendar library wrote it for this digest, sequence and stamp; written
    # again whenever one of them changes ("" = not written yet).
    ical = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "uid"], name="notify_one_feed_item_per_uid")
        ]


class InvitationProposal(Owned):
    """An invitation found in the inbox, waiting for the user's one-click confirmation."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for you"
        APPLIED = "applied", "Applied"
        DISMISSED = "dismissed", "Dismissed"
        FAILED = "failed", "Could not be applied"

    uid = models.CharField(max_length=255)
    sequence = models.IntegerField(default=0)
    method = models.CharField(max_length=20)
    summary = models.CharField(max_length=300, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    # The .ics text as received, so confirming applies exactly what was proposed.
    ics = models.TextField()
    source = models.CharField(max_length=250, blank=True, help_text="Message-ID of the mail")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    result = models.TextField(blank=True)
    interview_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "uid", "sequence", "method"],
                name="notify_one_proposal_per_version",
            )
        ]
