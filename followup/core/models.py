"""What followup persists. Every row has an owner; every query in services is scoped by it."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from followup.lib.vocabulary import kind_label
from followup.planner import types as p


class Owned(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


_M = TypeVar("_M", bound=models.Model)


class LiveManager(models.Manager[_M]):
    """Rows not in the trash. The default manager of every model that can be deleted with undo,
    so every query (and every reverse relation) leaves deleted rows out without saying so;
    `Model.all_objects` sees them (undo, purge)."""

    def get_queryset(self) -> models.QuerySet[_M]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Deletable(models.Model):
    """Delete with undo: `deleted_at` is set (to the same instant on the row and on what goes
    with it), undo clears it, the worker purges rows deleted more than TRASH_DAYS ago."""

    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 (a second manager, not a field)

    class Meta:
        abstract = True


class Portable(models.Model):
    """A stable identity across export and import: importing the same file twice changes
    nothing because records are matched by (owner, uuid)."""

    uuid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class Profile(models.Model):
    """The job seeker's own settings: one per user."""

    PROFILE_CHOICES = [("", "By role type"), (p.STANDARD, "Standard"), (p.ASSERTIVE, "Assertive")]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followup_profile"
    )
    full_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    signature = models.TextField(blank=True)
    country = models.CharField(max_length=2, default="US")
    time_zone = models.CharField(max_length=64, default="UTC")
    work_start = models.TimeField(default="08:00")
    work_end = models.TimeField(default="18:00")
    default_profile = models.CharField(max_length=20, blank=True, choices=PROFILE_CHOICES)
    # [{"topic": "feedback", "text": "..."}]; empty list = the built-in bank.
    question_bank = models.JSONField(default=list, blank=True)
    # A message from a contact of an open application after our last message counts as a reply.
    match_replies_by_sender = models.BooleanField(default=True)
    # Daily digest by email at this local hour (None: off).
    digest_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    last_digest_on = models.DateField(null=True, blank=True)
    # Secret token of the iCalendar feed URL; regenerate to revoke.
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)
    # Set once the first-run set-up (name, signature, country, zone) was saved or dismissed.
    set_up_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()


class MessageTemplate(Owned):
    """A user's own version of the template for one follow-up kind."""

    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind"], name="one_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} template"


class Company(Owned, Portable):
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    careers_url = models.URLField(blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code")
    time_zone = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "uuid"], name="company_owner_uuid")]
        verbose_name_plural = "companies"
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


class Contact(Owned, Deletable, Portable):
    class Channel(models.TextChoices):
        EMAIL = p.EMAIL, "Email"
        PHONE = p.PHONE, "Phone"
        WHATSAPP = p.WHATSAPP, "WhatsApp"
        LINKEDIN = p.LINKEDIN, "LinkedIn"

    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    # E.164 ("+254712345678"), normalised with phonenumbers.
    phone = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=200, blank=True)
    linkedin_url = models.URLField(blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    notes = models.TextField(blank=True)
    # "" = the rule's own channel (email for most follow-ups).
    preferred_channel = models.CharField(max_length=10, blank=True, choices=Channel.choices)
    # Set when mail to this address bounced.
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "uuid"], name="contact_owner_uuid")]
        indexes = [
            models.Index(fields=["owner", "email"]),
            # The Contacts page lists by name: read in order from the index, not sorted (a
            # search stops after a page of matches instead of sorting every match).
            models.Index(fields=["owner", "name", "id"], name="contact_owner_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


class Application(Owned, Deletable, Portable):
    class Status(models.TextChoices):
        SAVED = p.SAVED, "Saved"
        APPLIED = p.APPLIED, "Applied"
        INTERVIEWING = p.INTERVIEWING, "Interviewing"
        OFFER = p.OFFER, "Offer"
        ACCEPTED = p.ACCEPTED, "Accepted"
        REJECTED = p.REJECTED, "Rejected"
        WITHDRAWN = p.WITHDRAWN, "Withdrawn"
        NO_RESPONSE = p.NO_RESPONSE, "No response"

    ROLE_TYPES = [
        ("standard", "Standard"),
        ("sales", "Sales"),
        ("engineering", "Engineering"),
        ("management", "Management"),
        ("other", "Other"),
    ]

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="applications")
    role_title = models.CharField(max_length=200)
    job_url = models.URLField(blank=True)
    applied_on = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    salary = models.CharField(max_length=100, blank=True, help_text="Salary range, as written")
    # Where the posting came from: a job board, a referral, a recruiter.
    source = models.CharField(max_length=200, blank=True)
    job_description = models.TextField(blank=True)
    cv_version = models.CharField(max_length=200, blank=True, help_text="Which CV was sent")
    cover_letter_version = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    # Archived applications are hidden from the pipeline and lists, not deleted.
    archived_at = models.DateTimeField(null=True, blank=True)
    role_type = models.CharField(max_length=32, default="standard", choices=ROLE_TYPES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    keep_warm = models.BooleanField(default=True)
    recruiter = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "" = the user's default, else the role type's default.
    profile = models.CharField(max_length=20, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    no_response_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "uuid"], name="application_owner_uuid")
        ]
        # The pipeline's columns: an owner's applications of one status, most recently active
        # first, read from the index in order instead of sorted.
        indexes = [
            models.Index(
                fields=["owner", "status", "-updated_at", "-id"], name="application_pipeline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role_title} at {self.company.name}"


class Interview(Owned, Deletable, Portable):
    class Format(models.TextChoices):
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video"
        ONSITE = "onsite", "On-site"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    round_name = models.CharField(max_length=100, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    start = models.DateTimeField()
    end = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    interviewers = models.ManyToManyField(Contact, blank=True, related_name="interviews")
    notes = models.TextField(blank=True, help_text="What was discussed")
    unasked_questions = models.TextField(blank=True, help_text="One per line")
    promised_phrase = models.CharField(max_length=300, blank=True)
    promised_date = models.DateField(null=True, blank=True)
    commitments = models.TextField(blank=True, help_text="One per line")
    asked_to_check_website = models.BooleanField(default=False)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    went_well = models.TextField(blank=True)
    to_improve = models.TextField(blank=True)
    cancelled = models.BooleanField(default=False)
    # Set when the interview came from an iCalendar invitation (UID and SEQUENCE of the event).
    ical_uid = models.CharField(max_length=255, blank=True, db_index=True)
    ical_sequence = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "uuid"], name="interview_owner_uuid")
        ]
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.round_name or 'Interview'} on {self.start:%Y-%m-%d}"

    def unasked_list(self) -> list[str]:
        return [line.strip() for line in self.unasked_questions.splitlines() if line.strip()]

    def commitment_list(self) -> list[str]:
        return [line.strip() for line in self.commitments.splitlines() if line.strip()]


class FollowUp(Owned, Deletable, Portable):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        APPROVED = "approved", "Approved"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        CANCELLED = "cancelled", "Cancelled"
        # Sending failed for good (e.g. a bounce) or needs the user (a lost lease without IMAP).
        FAILED = "failed", "Needs attention"

    class Channel(models.TextChoices):
        EMAIL = p.EMAIL, "Email"
        PHONE = p.PHONE, "Phone"
        LINKEDIN = p.LINKEDIN, "LinkedIn"
        WEBSITE = p.WEBSITE, "Website"
        WHATSAPP = p.WHATSAPP, "WhatsApp"

    KIND_CHOICES = [(k, kind_label(k)) for k in p.KINDS]
    OPEN = (Status.PLANNED, Status.APPROVED)

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="follow_ups"
    )
    interview = models.ForeignKey(
        Interview, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # Identity of this follow-up within its application's plan: re-planning matches on it.
    slot = models.CharField(max_length=120)
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    recipient = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    due = models.DateTimeField()
    # The zone `due` is shown in (the recipient's); stored so listings need no joins to compute it.
    due_tz = models.CharField(max_length=64, default="UTC")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    reason = models.TextField()
    # A deliverable: the promise it is about, as the person wrote it (from the plan, so drafts
    # need not work it out from the slot).
    commitment = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    edited = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # Outbox state (the row is the outbox): send no earlier than send_after; a worker holding
    # the row in "sending" owns it until lease_until.
    send_after = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Where the current claim's send got to, so lease recovery after a crash knows what can have
    # gone out: handed_at is set just before the row goes to the SMTP server, accepted_at as soon
    # as the server accepted it (both cleared by each claim). Not handed: it was never sent, it
    # goes back to approved. Accepted: it is sent, never resent. Handed, not accepted: it was in
    # flight, the one row whose fate is unknown.
    handed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    in_reply_to = models.CharField(max_length=250, blank=True)
    references = models.TextField(blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "uuid"], name="followup_owner_uuid"),
            models.UniqueConstraint(fields=["application", "slot"], name="one_follow_up_per_slot"),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due"], name="followup_owner_status_due"),
            models.Index(fields=["status", "due"], name="followup_status_due"),
            models.Index(fields=["message_id"], name="followup_message_id"),
            # Re-planning reads an application's last reply (MAX(replied_at)) each time; without
            # it the query walked every follow-up of the owner (bench_mail's first scan).
            models.Index(fields=["application", "replied_at"], name="followup_app_replied"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def user_touched(self) -> bool:
        """Re-planning never changes what the user edited, approved, sent, did, skipped or
        deleted."""
        return (
            self.edited
            or self.deleted_at is not None
            or self.status not in (self.Status.PLANNED, self.Status.CANCELLED)
        )


class Event(Owned, Portable):
    """Append-only timeline of an application."""

    class Kind(models.TextChoices):
        INTERVIEW_RECORDED = "interview_recorded", "Interview recorded"
        INTERVIEW_MOVED = "interview_moved", "Interview moved"
        INTERVIEW_CANCELLED = "interview_cancelled", "Interview cancelled"
        FOLLOW_UP_PLANNED = "follow_up_planned", "Follow-up planned"
        FOLLOW_UP_EDITED = "follow_up_edited", "Follow-up edited"
        FOLLOW_UP_APPROVED = "follow_up_approved", "Follow-up approved"
        FOLLOW_UP_SENT = "follow_up_sent", "Follow-up sent"
        FOLLOW_UP_DONE = "follow_up_done", "Follow-up done"
        FOLLOW_UP_SKIPPED = "follow_up_skipped", "Follow-up skipped"
        FOLLOW_UP_SNOOZED = "follow_up_snoozed", "Follow-up snoozed"
        FOLLOW_UP_CANCELLED = "follow_up_cancelled", "Follow-up cancelled"
        FOLLOW_UP_FAILED = "follow_up_failed", "Follow-up needs attention"
        FOLLOW_UP_BOUNCED = "follow_up_bounced", "Follow-up bounced"
        DRAFT_PUSHED = "draft_pushed", "Draft put in your mailbox"
        REPLY_RECORDED = "reply_recorded", "Reply recorded"
        OUTCOME_SET = "outcome_set", "Outcome set"
        APPLICATION_ADDED = "application_added", "Application added"
        APPLICATION_EDITED = "application_edited", "Application edited"
        APPLICATION_ARCHIVED = "application_archived", "Application archived"
        STAGE_CHANGED = "stage_changed", "Stage changed"
        INTERVIEW_EDITED = "interview_edited", "Interview edited"
        INTERVIEW_DELETED = "interview_deleted", "Interview deleted"
        INTERACTION_LOGGED = "interaction_logged", "Interaction logged"
        RESTORED = "restored", "Restored"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "uuid"], name="event_owner_uuid")]
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"])]

    def __str__(self) -> str:
        return self.message


class Interaction(Owned, Deletable, Portable):
    """Something that happened outside followup's own messages: a call, a meeting, a message
    from them, a note. A call, a meeting or a message from them counts as a reply."""

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        MEETING = "meeting", "Meeting"
        MESSAGE = "message", "Message from them"
        NOTE = "note", "Note"

    COUNTS_AS_REPLY = (Kind.CALL, Kind.MEETING, Kind.MESSAGE)

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interactions"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "uuid"], name="interaction_owner_uuid")
        ]
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="interaction_app_at")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.at:%Y-%m-%d}"

    @property
    def counts_as_reply(self) -> bool:
        return self.kind in self.COUNTS_AS_REPLY
