"""Plain Django forms. They check shapes; the services check meaning and raise InvalidInput,
which the views put next to the field it names (`add_service_error`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from followup.core.errors import InvalidInput
from followup.core.models import Application, Interview, Profile
from followup.core.services.interviews import parse_interviewer
from followup.drafting import MAX_BODY_CHARS, MAX_SUBJECT_CHARS

# Field names the services use -> the form field that shows the error.
SERVICE_FIELDS = {
    "interviewer": "interviewers",
    "commitment": "commitments",
    "round": "round_name",
    "duration": "duration",
    "followup_id": None,
    "application_id": None,
    "home": None,
}


def add_service_error(form: forms.Form, exc: InvalidInput) -> None:
    """Put a service's InvalidInput next to the field it names (else at the top of the form)."""
    name = SERVICE_FIELDS.get(exc.field, exc.field)
    if name in form.fields:
        form.add_error(name, exc.message)
    else:
        form.add_error(None, f"{exc.field}: {exc.message}" if name else exc.message)


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    import zoneinfo

    names = {
        n
        for n in zoneinfo.available_timezones()
        if "/" in n and not n.startswith(("Etc/", "posix/", "right/", "SystemV/", "US/"))
    }
    return ("UTC", *sorted(names))


@lru_cache(maxsize=1)
def country_choices() -> tuple[tuple[str, str], ...]:
    import holidays

    from followup.planner.calendar import country_name

    codes = [c for c in holidays.list_supported_countries() if len(c) == 2]
    named = []
    for code in codes:
        name = country_name(code)
        name = name[4:] if name.startswith("the ") else name
        named.append((code, f"{name} ({code})"))
    return tuple(sorted(named, key=lambda pair: pair[1].lower()))


class PeopleWidget(forms.Widget):
    """Repeated one-line inputs, one person each ("Name <email>"): `interviewers=a&interviewers=b`."""

    template_name = "front/widgets/people.html"

    def __init__(self, rows: int = 2, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.rows = rows

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if isinstance(data, MultiValueDict):
            return [v for v in data.getlist(name)]
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [str(value)]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    # Not Widget.format_value, which promises one string: the template reads `widget.values`.
    @staticmethod
    def lines(value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            return [line for line in value.splitlines()]
        return [str(v) for v in value]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        values = self.lines(value)
        blanks = max(self.rows - len([v for v in values if v.strip()]), 0)
        context["widget"]["values"] = [v for v in values if v.strip()] + [""] * max(blanks, 1)
        # The template's own attribute names: "aria-invalid" cannot be read in a template.
        context["widget"]["invalid"] = context["widget"]["attrs"].get("aria-invalid") == "true"
        return context


class PeopleField(forms.Field):
    widget = PeopleWidget

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = value.splitlines()
        return [str(v).strip() for v in value if str(v).strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        for text in value:
            # The services' own check, so the form refuses what the CLI refuses: a name
            # without an address ("Name name-at-x") is an error here, not a contact without
            # an email.
            try:
                parse_interviewer(text)
            except InvalidInput as exc:
                message = exc.message if text.strip() in exc.message else f"{text!r}: {exc.message}"
                raise forms.ValidationError(message) from None


class AccessibleForm(forms.Form):
    """Marks fields with errors `aria-invalid` and points them at their message."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                field_id = self[name].auto_id or f"id_{name}"  # as the templates name them
                described = f"{field_id}-error"
                if self.fields[name].help_text:
                    described = f"{field_id}_helptext {described}"
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = described


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


CONFIDENCE_CHOICES = [("", "Not rated")] + [(str(n), str(n)) for n in range(1, 6)]


class InterviewForm(AccessibleForm):
    company = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "company-options"}),
    )
    role = forms.CharField(label="Role", max_length=200, required=False)
    role_type = forms.ChoiceField(choices=Application.ROLE_TYPES, initial="standard")
    country = forms.ChoiceField(
        label="Company's country",
        required=False,
        help_text="Its public holidays move the dates.",
    )
    job_url = forms.CharField(label="Job advert (link)", required=False, max_length=200)
    start = forms.CharField(
        label="Started at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration = forms.IntegerField(
        label="Length (minutes)", min_value=1, max_value=24 * 60, initial=60, required=False
    )
    tz = forms.CharField(
        label="Time zone",
        max_length=64,
        widget=forms.TextInput(
            attrs={"list": "tz-options", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    format = forms.ChoiceField(choices=Interview.Format.choices, initial="video")
    round_name = forms.CharField(label="Round", max_length=100, required=False)
    interviewers = PeopleField(
        required=False,
        help_text='One person per box, as "Name <email>". Each gets their own thank-you.',
    )
    recruiter = forms.CharField(
        label="Recruiter or coordinator",
        required=False,
        max_length=300,
        help_text='"Name <email>"',
        widget=forms.TextInput(
            attrs={"list": "contact-options", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    notes = forms.CharField(
        label="What was discussed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A line per topic; drafts mention one.",
    )
    promised = forms.CharField(
        label="What did they promise?",
        required=False,
        max_length=300,
        help_text="As they said it: \u201cwe'll get back to you by Friday\u201d.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    commitments = forms.CharField(
        label="What you promised",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: \u201cSend my portfolio by Tuesday\u201d.",
    )
    unasked = forms.CharField(
        label="Questions you did not get to ask",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line; check-ins ask them.",
    )
    check_website = forms.BooleanField(
        label="They asked me to keep an eye on their careers page", required=False
    )
    keep_warm = forms.BooleanField(
        label="Keep in touch if it does not work out", required=False, initial=True
    )
    confidence = forms.TypedChoiceField(
        label="How did it go? (1\u20135)",
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    went_well = forms.CharField(
        label="What went well", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    to_improve = forms.CharField(
        label="What to improve", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, application: Application | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # declared above; narrows for .choices
        country.choices = [("", "Same as mine")] + list(country_choices())
        if application is not None and application.company.country:
            self.fields["country"].initial = application.company.country
        if application is None:
            self.fields["company"].required = True
            self.fields["role"].required = True
            self.fields["company"].widget.attrs.update(
                {
                    "hx-get": reverse("company-options"),
                    "hx-trigger": "input changed delay:200ms, focus once",
                    "hx-target": "#company-options",
                    "hx-swap": "innerHTML",
                }
            )
        else:
            for name in ("company", "role", "role_type", "job_url", "keep_warm"):
                del self.fields[name]
        self.fields["recruiter"].widget.attrs.update(
            {
                "hx-get": reverse("contact-options"),
                "hx-trigger": "input changed delay:200ms",
                "hx-target": "#contact-options",
                "hx-swap": "innerHTML",
            }
        )

    def to_input(self) -> Any:
        from followup.core.services import InterviewInput

        d = self.cleaned_data
        return InterviewInput(
            company=d.get("company", ""),
            role=d.get("role", ""),
            role_type=d.get("role_type") or "standard",
            start=d["start"],
            duration_minutes=d.get("duration") or 60,
            tz=d["tz"].strip(),
            country=d.get("country") or "",
            job_url=(d.get("job_url") or "").strip(),
            interviewers=d.get("interviewers") or [],
            recruiter=d.get("recruiter", ""),
            notes=d.get("notes", ""),
            unasked=_lines(d.get("unasked", "")),
            promised=d.get("promised", ""),
            commitments=_lines(d.get("commitments", "")),
            check_website=bool(d.get("check_website")),
            round_name=d.get("round_name", ""),
            format=d.get("format") or "video",
            application_id=self.application.pk if self.application else None,
            confidence=d.get("confidence"),
            went_well=d.get("went_well", ""),
            to_improve=d.get("to_improve", ""),
            keep_warm=bool(d.get("keep_warm", True)) if self.application is None else True,
        )


class DraftForm(AccessibleForm):
    subject = forms.CharField(max_length=MAX_SUBJECT_CHARS, required=False)
    body = forms.CharField(
        max_length=MAX_BODY_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        strip=False,
    )

    def clean_subject(self) -> str:
        subject: str = self.cleaned_data["subject"]
        if "\r" in subject or "\n" in subject:
            raise forms.ValidationError("must be a single line")
        return subject


OUTCOME_CHOICES = [
    ("rejected", "Rejected"),
    ("offer", "Offer"),
    ("accepted", "Accepted"),
    ("withdrawn", "Withdrawn"),
    ("next-round", "Next round"),
]


class OutcomeForm(AccessibleForm):
    outcome = forms.ChoiceField(choices=[("", "Choose…"), *OUTCOME_CHOICES])


class ProfileForm(AccessibleForm):
    full_name = forms.CharField(label="Your name", max_length=200, required=False)
    email = forms.EmailField(label="Your email", required=False)
    signature = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Ends every draft."
    )
    country = forms.ChoiceField(
        label="Your country", help_text="Its public holidays count unless a company has its own."
    )
    time_zone = forms.CharField(
        label="Your time zone",
        max_length=64,
        widget=forms.TextInput(
            attrs={"list": "tz-options", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    work_start = forms.TimeField(
        label="Working hours from", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    work_end = forms.TimeField(
        label="to", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    default_profile = forms.ChoiceField(
        label="Follow-up style",
        choices=Profile.PROFILE_CHOICES,
        required=False,
        help_text="Assertive checks in sooner and proposes a call (the default for sales roles).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # declared above; narrows for .choices
        country.choices = list(country_choices())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("work_start"), data.get("work_end")
        if start and end and end <= start:
            self.add_error("work_end", "must be after the start of your working day")
        return data


class TemplateForm(AccessibleForm):
    subject = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"spellcheck": "false"}))
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}), strip=False
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self) -> dict[str, Any]:
        from followup import drafting

        data = super().clean() or {}
        if "subject" in data and "body" in data:
            source = drafting.TemplateSource(subject=data["subject"], body=data["body"])
            for problem in drafting.validate_template(source, self.kind):
                field = "subject" if "(subject)" in problem else "body"
                self.add_error(field, problem)
        return data


QUESTION_TOPICS = {
    "next_steps": "Next steps and timeline",
    "openings": "Upcoming openings",
    "cv_retention": "How long they keep your CV",
    "posting_frequency": "How often openings are posted",
    "feedback": "Feedback on what to improve",
}


class QuestionBankForm(AccessibleForm):
    """One question per topic of the built-in bank; an emptied field goes back to the built-in text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from followup import drafting

        built_in = {q.topic: q.text for q in drafting.DEFAULT_QUESTION_BANK}
        for topic, label in QUESTION_TOPICS.items():
            self.fields[topic] = forms.CharField(
                label=label,
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=f"Built in: \u201c{built_in.get(topic, '')}\u201d",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for topic in QUESTION_TOPICS:
            text = data.get(topic, "")
            if "\n" in text.strip() or "\r" in text.strip():
                self.add_error(topic, "must be a single question on one line")
        return data


# ---------------------------------------------------------------------------------------------
# Mail account, notifications, invitation upload

SECURITY_CHOICES = [
    ("ssl", "SSL/TLS"),
    ("starttls", "STARTTLS"),
    ("none", "None (unencrypted; local testing only)"),
]
KEEP_PASSWORD = "Leave blank to keep the stored password."

SERVICE_FIELDS["poll_interval"] = None


class MailAccountForm(AccessibleForm):
    """SMTP and IMAP settings. The password inputs are never filled in: blank keeps the stored one."""

    from_address = forms.CharField(label="Send from (email)", max_length=254)
    from_name = forms.CharField(label="Your name as it appears", max_length=200, required=False)
    smtp_host = forms.CharField(label="SMTP host", max_length=255, help_text="e.g. smtp.gmail.com")
    smtp_port = forms.IntegerField(
        label="SMTP port",
        required=False,
        min_value=1,
        max_value=65535,
        help_text="Blank: 465 for SSL, 587 for STARTTLS.",
    )
    smtp_security = forms.ChoiceField(label="SMTP security", choices=SECURITY_CHOICES)
    smtp_user = forms.CharField(label="SMTP user", max_length=255, required=False)
    smtp_password = forms.CharField(
        label="SMTP password",
        required=False,
        strip=False,
        help_text=KEEP_PASSWORD,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    imap_host = forms.CharField(
        label="IMAP host",
        max_length=255,
        required=False,
        help_text="Optional: to notice replies and keep drafts in your mailbox.",
    )
    imap_port = forms.IntegerField(
        label="IMAP port",
        required=False,
        min_value=1,
        max_value=65535,
        help_text="Blank: 993 for SSL, 143 for STARTTLS.",
    )
    imap_security = forms.ChoiceField(label="IMAP security", choices=SECURITY_CHOICES)
    imap_user = forms.CharField(
        label="IMAP user", max_length=255, required=False, help_text="Blank: the SMTP user."
    )
    imap_password = forms.CharField(
        label="IMAP password",
        required=False,
        strip=False,
        help_text=f"{KEEP_PASSWORD} A new account uses the SMTP password.",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    drafts_folder = forms.CharField(label="Drafts folder", max_length=255, initial="Drafts")
    sent_folder = forms.CharField(label="Sent folder", max_length=255, initial="Sent")
    sent_copy = forms.ChoiceField(
        label="Copy to Sent",
        choices=[
            ("auto", "Unless the server already keeps one"),
            ("always", "Always"),
            ("never", "Never: the server keeps a copy (Gmail, Microsoft 365)"),
        ],
    )


class ChannelForm(AccessibleForm):
    url = forms.CharField(
        label="Apprise URL",
        max_length=2000,
        strip=True,
        help_text="e.g. ntfys://my-topic, tgram://bot-token/chat-id, slack://… It is stored "
        "encrypted and never shown again.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    label = forms.CharField(label="Name (optional)", max_length=100, required=False)


DIGEST_CHOICES = [("off", "Off")] + [(str(h), f"{h:02d}:00") for h in range(24)]


class DigestForm(AccessibleForm):
    hour = forms.ChoiceField(
        label="Daily digest",
        choices=DIGEST_CHOICES,
        help_text="Sent at this hour in your time zone; nothing on a day with nothing to say.",
    )


MAX_INVITATION_BYTES = 1024 * 1024


class InvitationUploadForm(AccessibleForm):
    file = forms.FileField(
        label="Invitation (.ics)",
        widget=forms.FileInput(attrs={"accept": ".ics,text/calendar"}),
        help_text="The calendar file attached to the invitation email.",
    )
    company = forms.CharField(
        label="Invitation's company",
        max_length=200,
        required=False,
        help_text="Only if the invitation does not say.",
    )
    role = forms.CharField(
        label="Invitation's role",
        max_length=200,
        required=False,
        help_text="Only if the invitation does not say.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shares the page with the Record form: its own element ids keep labels unambiguous.
        kwargs.setdefault("auto_id", "invite_%s")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_INVITATION_BYTES:
            raise forms.ValidationError("is larger than 1 MB: not an invitation")
        return upload
