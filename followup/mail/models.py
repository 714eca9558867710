"""Mail accounts, per-folder poll state, processed messages and reply suggestions.

Every row has an owner. Passwords are stored encrypted (followup.mail.crypto) and never leave
this module in clear except through `MailAccount.smtp_password()` / `imap_password()`, which
return a `Secret` whose repr hides the value.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from followup.core.models import Application, Contact, FollowUp, Owned
from followup.mail.crypto import Secret, decrypt, encrypt


class Security(models.TextChoices):
    SSL = "ssl", "SSL/TLS"
    STARTTLS = "starttls", "STARTTLS"
    NONE = "none", "None (unencrypted; local testing only)"


class MailAccount(Owned):
    """One per user: where follow-ups are sent from (SMTP) and replies read (IMAP, optional)."""

    class SentCopy(models.TextChoices):
        AUTO = "auto", "Copy to Sent unless the server already keeps one"
        ALWAYS = "always", "Always copy to Sent"
        NEVER = "never", "Never: the server keeps a copy (Gmail, Microsoft 365)"

    from_address = models.EmailField()
    from_name = models.CharField(max_length=200, blank=True)

    smtp_host = models.CharField(max_length=255)
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(
        max_length=10, choices=Security.choices, default=Security.STARTTLS
    )
    smtp_user = models.CharField(max_length=255, blank=True)
    smtp_password_encrypted = models.TextField(blank=True)

    # Blank imap_host: no IMAP (no reply detection, no Drafts, no Sent lookups).
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    imap_user = models.CharField(max_length=255, blank=True)
    imap_password_encrypted = models.TextField(blank=True)

    drafts_folder = models.CharField(max_length=255, default="Drafts")
    sent_folder = models.CharField(max_length=255, default="Sent")
    sent_copy = models.CharField(max_length=10, choices=SentCopy.choices, default=SentCopy.AUTO)

    poll_interval_seconds = models.PositiveIntegerField(default=120)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.TextField(blank=True)
    last_send_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner"], name="one_mail_account_per_user")]

    def __str__(self) -> str:
        return self.from_address

    def __repr__(self) -> str:
        return f"<MailAccount {self.pk} {self.from_address}>"

    @property
    def has_imap(self) -> bool:
        return bool(self.imap_host)

    def set_smtp_password(self, password: str) -> None:
        self.smtp_password_encrypted = encrypt(password) if password else ""

    def set_imap_password(self, password: str) -> None:
        self.imap_password_encrypted = encrypt(password) if password else ""

    def smtp_password(self) -> Secret:
        return Secret(decrypt(self.smtp_password_encrypted) if self.smtp_password_encrypted else "")

    def imap_password(self) -> Secret:
        return Secret(decrypt(self.imap_password_encrypted) if self.imap_password_encrypted else "")


class MailboxState(Owned):
    """How far a folder has been read: UIDVALIDITY and the last UID processed."""

    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="mailboxes")
    folder = models.CharField(max_length=500)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    resyncs = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "folder"], name="one_state_per_folder")
        ]


class ProcessedMessage(Owned):
    """A message that mattered (a reply, auto-reply, bounce), by Message-ID: never processed twice,
    even when a folder's UIDVALIDITY changes and everything is read again."""

    message_key = models.CharField(max_length=255)
    folder = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20)
    # Why a message could not be processed ("failed"): it is skipped, not retried for ever.
    detail = models.CharField(max_length=300, blank=True)
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "message_key"], name="one_processed_per_key")
        ]


class PendingStatusChange(Owned):
    """What a reply suggests (rejection, next step, offer, other) and the phrase that matched.
    The application's status changes only when the user confirms."""

    class Classification(models.TextChoices):
        REJECTION = "rejection", "Rejection"
        NEXT_STEP = "next_step", "Next step or interview invitation"
        OFFER = "offer", "Offer"
        OTHER = "other", "Other"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for you"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    classification = models.CharField(max_length=12, choices=Classification.choices)
    # A key of followup.core.services.OUTCOMES ("rejected", "next-round", "offer"), "" for other.
    suggested_outcome = models.CharField(max_length=20, blank=True)
    matched_phrase = models.CharField(max_length=300, blank=True)
    rule = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "state"], name="mail_pending_owner_state")]
