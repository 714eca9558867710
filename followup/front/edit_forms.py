"""The forms of the edit pages: an interview's edit form, a follow-up's "Move to another time".
They check shapes; the services check meaning (`forms.add_service_error` puts their errors
next to the field)."""

from __future__ import annotations

from typing import Any

from django import forms

from followup.core.models import Interview
from followup.core.services.interview_edits import InterviewChanges
from followup.front.forms import AccessibleForm, PeopleField
from followup.lib.addresses import format_person
from followup.lib.vocabulary import zone_or_utc

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> holds


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class InterviewEditForm(AccessibleForm):
    start = forms.CharField(
        label="Started at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    duration = forms.IntegerField(label="Length (minutes)", min_value=1, max_value=24 * 60)
    tz = forms.CharField(
        label="Time zone",
        max_length=64,
        widget=forms.TextInput(
            attrs={"list": "tz-options", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    format = forms.ChoiceField(choices=Interview.Format.choices)
    round_name = forms.CharField(label="Round", max_length=100)
    interviewers = PeopleField(
        required=False,
        help_text='One person per box, as "Name <email>". Each gets their own thank-you.',
    )
    promised = forms.CharField(
        label="What did they promise?",
        required=False,
        max_length=300,
        help_text="As they said it: \u201cwe'll get back to you by Friday\u201d.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    notes = forms.CharField(
        label="What was discussed", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    commitments = forms.CharField(
        label="What you promised",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    unasked = forms.CharField(
        label="Questions you did not get to ask",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line; check-ins ask them.",
    )

    @classmethod
    def initial_for(cls, interview: Interview) -> dict[str, Any]:
        local = interview.start.astimezone(zone_or_utc(interview.time_zone))
        return {
            "start": local.strftime(LOCAL_INPUT),
            "duration": int((interview.end - interview.start).total_seconds() // 60),
            "tz": interview.time_zone,
            "format": interview.format,
            "round_name": interview.round_name,
            "interviewers": [format_person(c.name, c.email) for c in interview.interviewers.all()],
            "promised": interview.promised_phrase,
            "notes": interview.notes,
            "commitments": interview.commitments,
            "unasked": interview.unasked_questions,
        }

    def to_changes(self) -> InterviewChanges:
        d = self.cleaned_data
        return InterviewChanges(
            start=d["start"],
            duration_minutes=d["duration"],
            tz=d["tz"].strip(),
            format=d["format"],
            round_name=d["round_name"],
            interviewers=d.get("interviewers") or [],
            promised=d.get("promised", ""),
            notes=d.get("notes", ""),
            commitments=_lines(d.get("commitments", "")),
            unasked=_lines(d.get("unasked", "")),
        )


class RescheduleForm(AccessibleForm):
    at = forms.CharField(
        label="New time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
