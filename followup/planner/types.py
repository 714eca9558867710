"""Plain data the planner reads and writes. No Django here: the planner is pure Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Follow-up kinds, in the order a plan lists them.
THANK_YOU = "thank_you"
CHECK_IN = "check_in"
CHECK_IN_2 = "check_in_2"
FINAL_CHECK_IN = "final_check_in"
REJECTION_REPLY = "rejection_reply"
KEEP_WARM = "keep_warm"
CAREERS_CHECK = "careers_check"
DELIVERABLE = "deliverable"
# A status check-in on an application that never reached an interview.
APPLICATION_CHECK_IN = "application_check_in"

KINDS: tuple[str, ...] = (
    THANK_YOU,
    CHECK_IN,
    CHECK_IN_2,
    FINAL_CHECK_IN,
    REJECTION_REPLY,
    KEEP_WARM,
    CAREERS_CHECK,
    DELIVERABLE,
    APPLICATION_CHECK_IN,
)
CHECK_IN_KINDS: frozenset[str] = frozenset({CHECK_IN, CHECK_IN_2, FINAL_CHECK_IN})

# Channels
EMAIL = "email"
PHONE = "phone"
LINKEDIN = "linkedin"
WEBSITE = "website"
WHATSAPP = "whatsapp"

# Profiles
STANDARD = "standard"
ASSERTIVE = "assertive"

# Application statuses the planner reacts to
SAVED = "saved"  # a posting on the wishlist, not applied to yet
APPLIED = "applied"
INTERVIEWING = "interviewing"
OFFER = "offer"
ACCEPTED = "accepted"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
NO_RESPONSE = "no_response"


@dataclass(frozen=True)
class Person:
    """Someone a follow-up goes to. `key` is stable across re-plans (e.g. "contact:12") and
    only names the person inside slots; `contact_id` is the stored contact it stands for."""

    key: str
    name: str
    email: str | None = None
    tz: str | None = None  # IANA zone name, the contact's own zone if known
    contact_id: int | None = None
    phone: str | None = None  # E.164, when known
    # How they like to be reached (email, phone, whatsapp, linkedin); None: by the rule's default.
    preferred_channel: str | None = None


@dataclass(frozen=True)
class InterviewFacts:
    key: str  # stable id, e.g. "12"; only names the interview inside slots
    start: datetime  # aware
    end: datetime  # aware
    tz: str  # IANA zone the interview took place in
    interviewers: tuple[Person, ...] = ()
    promised_phrase: str = ""
    commitments: tuple[str, ...] = ()  # "I'll send my portfolio by Tuesday"
    asked_to_check_website: bool = False
    round_name: str = ""
    interview_id: int | None = None  # the stored interview these facts come from


@dataclass(frozen=True)
class ApplicationFacts:
    company_name: str
    country: str  # ISO 3166 alpha-2 used for public holidays
    company_tz: str | None
    role_title: str
    role_type: str  # "standard", "sales", ...
    status: str
    keep_warm: bool = False
    recruiter: Person | None = None
    interviews: tuple[InterviewFacts, ...] = ()  # in chronological order
    rejected_at: datetime | None = None  # when the (human) rejection was recorded
    no_response_at: datetime | None = None  # when the ladder ended with no reply
    last_reply_at: datetime | None = None  # latest reply recorded on any follow-up
    subdivision: str | None = None  # holiday subdivision, e.g. "ENG" for GB, "CA" for US
    applied_on: date | None = None  # the day the application went in (applied and later)
    # The careers-page check is one recurring item: for each check already done or skipped, the
    # later of its due time and when it was closed. The next check comes after the latest.
    careers_checks_closed: tuple[datetime, ...] = ()
    user_tz: str | None = None  # the candidate's own zone: careers checks are their errand


@dataclass(frozen=True)
class PlannedFollowUp:
    """One follow-up of a plan. `slot` identifies it across re-plans (idempotence) and is never
    read back: what a follow-up is about travels in the fields below."""

    slot: str
    kind: str
    due: datetime  # aware, in the recipient's zone
    channel: str
    reason: str
    recipient: Person | None = None
    interview_key: str | None = None
    interview_id: int | None = None  # the stored interview it follows, when there is one
    commitment: str | None = None  # a deliverable: the promise it is about, as written
    extra: dict[str, str] = field(default_factory=dict, compare=False)
