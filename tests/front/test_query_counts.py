"""Each page runs the same number of queries with 10 and with 1,000 applications."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.core.models import Application, Company, Contact, Event, FollowUp, Interview


def populate(owner, n):
    """n more applications, each with an interview, an interviewer, five follow-ups and an event."""
    now = timezone.now()
    companies = Company.objects.bulk_create(
        [
            Company(owner=owner, name=f"Company {i}", country="KE", time_zone="Africa/Nairobi")
            for i in range(n)
        ]
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(owner=owner, company=c, name=f"Person {i}", email=f"p{i}@example.com")
            for i, c in enumerate(companies)
        ]
    )
    statuses = ["interviewing", "rejected", "offer", "applied", "no_response"]
    applications = Application.objects.bulk_create(
        [
            Application(
                owner=owner,
                company=c,
                role_title=f"Role {i}",
                status=statuses[i % 5],
                recruiter=contacts[i],
            )
            for i, c in enumerate(companies)
        ]
    )
    interviews = Interview.objects.bulk_create(
        [
            Interview(
                owner=owner,
                application=a,
                round_name="First round",
                start=now - timedelta(days=3),
                end=now - timedelta(days=3, hours=-1),
                time_zone="Africa/Nairobi",
                notes="Topic.",
            )
            for a in applications
        ]
    )
    Interview.interviewers.through.objects.bulk_create(
        [
            Interview.interviewers.through(interview_id=iv.pk, contact_id=contacts[i].pk)
            for i, iv in enumerate(interviews)
        ]
    )
    offsets = {
        "thank_you": -timedelta(days=2),
        "check_in": timedelta(minutes=30),
        "check_in_2": timedelta(days=3),
        "final_check_in": timedelta(days=30),
    }
    rows = []
    for i, a in enumerate(applications):
        for kind, offset in offsets.items():
            rows.append(
                FollowUp(
                    owner=owner,
                    application=a,
                    interview=interviews[i],
                    slot=kind,
                    kind=kind,
                    recipient=contacts[i],
                    due=now + offset,
                    due_tz="Africa/Nairobi",
                    reason=f"Because {kind}.",
                    subject="Subject",
                    body="Body",
                )
            )
        rows.append(
            FollowUp(
                owner=owner,
                application=a,
                interview=interviews[i],
                slot="sent",
                kind="thank_you",
                recipient=contacts[i],
                due=now - timedelta(days=5),
                status="sent",
                reason="Sent.",
            )
        )
    FollowUp.objects.bulk_create(rows)
    Event.objects.bulk_create(
        [
            Event(
                owner=owner, application=a, kind="interview_recorded", message="Interview recorded"
            )
            for a in applications
        ]
    )
    return applications[0]


def queries_for(client, url, **headers):
    client.get(url, **headers)  # a first visit may set things up once (the calendar feed's token)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(captured)


def _check_in(first):
    return FollowUp.objects.filter(application=first, kind="check_in").get()


PAGES = {
    "today": lambda first: "/",
    "today overdue": lambda first: "/?show=overdue",
    "today this week": lambda first: "/?show=week&page=2",
    "today show more": lambda first: "/?more=today&page=2",
    "pipeline": lambda first: "/pipeline/",
    "pipeline column": lambda first: "/pipeline/?status=interviewing",
    "pipeline show more": lambda first: "/pipeline/?more=interviewing&page=2",
    "pipeline search": lambda first: "/pipeline/?q=person",
    "pipeline search in a stage": lambda first: "/pipeline/?q=role&field=role&stage=offer",
    "pipeline search show more": lambda first: "/pipeline/?more=interviewing&page=2&q=company",
    "edit an interview": lambda first: f"/interviews/{first.interviews.get().pk}/edit/",
    "application": lambda first: f"/applications/{first.pk}/",
    "draft": lambda first: f"/follow-ups/{_check_in(first).pk}/draft/",
    "draft.eml": lambda first: f"/follow-ups/{_check_in(first).pk}/draft.eml",
    "record an interview": lambda first: "/interviews/new/",
    "record the next round": lambda first: f"/interviews/new/?application={first.pk}",
    "promise preview": lambda first: (
        "/interviews/promise-preview/?promised=by+Friday&start=2025-12-09T10:00&tz=Africa/Nairobi"
    ),
    "company suggestions": lambda first: "/autocomplete/companies/?q=Company",
    "contact suggestions": lambda first: "/autocomplete/contacts/?q=Person",
    "settings": lambda first: "/settings/",
    "question bank": lambda first: "/settings/questions/",
    "template editor": lambda first: "/settings/templates/check_in/",
    "mail account": lambda first: "/settings/mail/",
    "notifications": lambda first: "/settings/notifications/",
}


# "Show N more" as htmx asks for it: the next rows only.
HTMX = {"today show more", "pipeline show more", "pipeline search show more"}


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_number_of_applications(client, owner, page, hx):
    url = PAGES[page]
    headers = hx if page in HTMX else {}
    first = populate(owner, 10)
    small = queries_for(client, url(first), **headers)
    populate(owner, 990)
    assert Application.objects.filter(owner=owner).count() == 1000
    large = queries_for(client, url(first), **headers)
    assert small == large, f"{page}: {small} queries with 10 applications, {large} with 1,000"
