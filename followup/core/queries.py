"""Read-side queries for the web pages. Every function takes the owner first and filters by it.

Each page runs a fixed number of queries whatever the number of applications: lists are bounded
(`limit`), counts are one aggregate, and rows carry their related objects (select_related).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from followup.core.models import Application, Company, Contact, Event, FollowUp, Interview
from followup.planner.calendar import zone

TODAY_SECTIONS = ("overdue", "today", "week")
SECTION_TITLES = {"overdue": "Overdue", "today": "Due today", "week": "This week"}


def open_follow_ups(owner: AbstractBaseUser) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN)
        .select_related("application__company", "recipient")
        .order_by("due", "id")
    )


@dataclass
class DayBounds:
    today: date
    start: datetime  # 00:00 today, the user's zone
    tomorrow: datetime
    week_end: datetime  # 00:00 eight days from now: "this week" is the next seven days

    def section_filter(self, section: str) -> Q:
        if section == "overdue":
            return Q(due__lt=self.start)
        if section == "today":
            return Q(due__gte=self.start, due__lt=self.tomorrow)
        if section == "week":
            return Q(due__gte=self.tomorrow, due__lt=self.week_end)
        raise ValueError(section)


def day_bounds(tz: str, now: datetime | None = None) -> DayBounds:
    local_zone = zone(tz)
    now = (now or timezone.now()).astimezone(local_zone)
    today = now.date()

    def midnight(d: date) -> datetime:
        return datetime.combine(d, time.min, tzinfo=local_zone)

    return DayBounds(
        today=today,
        start=midnight(today),
        tomorrow=midnight(today + timedelta(days=1)),
        week_end=midnight(today + timedelta(days=8)),
    )


@dataclass
class Section:
    key: str
    title: str
    rows: list[FollowUp]
    count: int

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


@dataclass
class TodayPage:
    bounds: DayBounds
    sections: list[Section]
    next_up: FollowUp | None = None
    has_applications: bool = False

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


def today_page(
    owner: AbstractBaseUser, tz: str, *, now: datetime | None = None, limit: int = 50
) -> TodayPage:
    """Overdue, due today and this week: one count query, one bounded query per section."""
    bounds = day_bounds(tz, now)
    base = open_follow_ups(owner)
    counts = FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN).aggregate(
        **{key: Count("id", filter=bounds.section_filter(key)) for key in TODAY_SECTIONS},
        later=Count("id", filter=Q(due__gte=bounds.week_end)),
    )
    sections = []
    for key in TODAY_SECTIONS:
        rows = list(base.filter(bounds.section_filter(key))[:limit]) if counts[key] else []
        sections.append(Section(key, SECTION_TITLES[key], rows, counts[key]))
    page = TodayPage(bounds=bounds, sections=sections)
    if not page.total:
        if counts["later"]:
            page.next_up = base.filter(due__gte=bounds.week_end).first()
            page.has_applications = True
        else:
            page.has_applications = Application.objects.filter(owner=owner).exists()
    return page


def section_queryset(owner: AbstractBaseUser, tz: str, section: str) -> QuerySet[FollowUp]:
    return open_follow_ups(owner).filter(day_bounds(tz).section_filter(section))


# ---------------------------------------------------------------------------------------------
# Pipeline

PIPELINE_ORDER = (
    Application.Status.APPLIED,
    Application.Status.INTERVIEWING,
    Application.Status.OFFER,
    Application.Status.ACCEPTED,
    Application.Status.REJECTED,
    Application.Status.NO_RESPONSE,
    Application.Status.WITHDRAWN,
)


@dataclass
class Column:
    status: str
    title: str
    count: int
    cards: list[Application] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards))


def _next_due_subquery() -> Subquery:
    return Subquery(
        FollowUp.objects.filter(application=OuterRef("pk"), status__in=FollowUp.OPEN)
        .order_by("due")
        .values("due")[:1]
    )


def _next_due_tz_subquery() -> Subquery:
    return Subquery(
        FollowUp.objects.filter(application=OuterRef("pk"), status__in=FollowUp.OPEN)
        .order_by("due")
        .values("due_tz")[:1]
    )


def pipeline(owner: AbstractBaseUser, per_column: int = 30) -> list[Column]:
    """Applications by status, the most recently active first: two queries in all."""
    counts = dict(
        Application.objects.filter(owner=owner)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    ranked = (
        Application.objects.filter(owner=owner)
        .select_related("company")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[F("updated_at").desc(), F("id").desc()],
            ),
            next_due=_next_due_subquery(),
            next_due_tz=_next_due_tz_subquery(),
        )
        .filter(rank__lte=per_column)
        .order_by("status", "rank")
    )
    columns = {s: Column(s, Application.Status(s).label, counts.get(s, 0)) for s in PIPELINE_ORDER}
    for application in ranked:
        columns[application.status].cards.append(application)
    return list(columns.values())


def applications_with_status(owner: AbstractBaseUser, status: str) -> QuerySet[Application]:
    return (
        Application.objects.filter(owner=owner, status=status)
        .select_related("company")
        .annotate(next_due=_next_due_subquery(), next_due_tz=_next_due_tz_subquery())
        .order_by("-updated_at", "-id")
    )


# ---------------------------------------------------------------------------------------------
# One application


@dataclass
class ApplicationPage:
    application: Application
    interviews: list[Interview]
    plan: list[FollowUp]  # open follow-ups, by due
    history: list[FollowUp]  # sent, done, skipped, failed
    events: list[Event]
    contacts: list[Contact]


def application_page(owner: AbstractBaseUser, application: Application) -> ApplicationPage:
    interviews = list(
        Interview.objects.filter(owner=owner, application=application)
        .prefetch_related(Prefetch("interviewers", queryset=Contact.objects.order_by("name", "id")))
        .order_by("start", "id")
    )
    follow_ups = list(
        FollowUp.objects.filter(owner=owner, application=application)
        .exclude(status=FollowUp.Status.CANCELLED)
        .select_related("recipient")
        .order_by("due", "id")
    )
    for fu in follow_ups:  # the page shows these; spare a query per row
        fu.application = application
    events = list(Event.objects.filter(owner=owner, application=application).order_by("-at", "-id"))
    contacts: dict[int, Contact] = {}
    if application.recruiter is not None:
        contacts[application.recruiter.pk] = application.recruiter
    for interview in interviews:
        for contact in interview.interviewers.all():
            contacts.setdefault(contact.pk, contact)
    return ApplicationPage(
        application=application,
        interviews=interviews,
        plan=[fu for fu in follow_ups if fu.status in FollowUp.OPEN],
        history=[fu for fu in follow_ups if fu.status not in FollowUp.OPEN],
        events=events,
        contacts=list(contacts.values()),
    )


# ---------------------------------------------------------------------------------------------
# Autocomplete


def company_suggestions(owner: AbstractBaseUser, query: str, limit: int = 10) -> list[Company]:
    query = (query or "").strip()
    qs = Company.objects.filter(owner=owner)
    if query:
        qs = qs.filter(name__icontains=query)
    return list(qs.order_by("name", "id")[:limit])


def contact_suggestions(owner: AbstractBaseUser, query: str, limit: int = 10) -> list[Contact]:
    query = (query or "").strip()
    # Only the part after the last comma/"<" matters while someone types "Name <email>".
    qs = Contact.objects.filter(owner=owner).select_related("company")
    if query:
        term = query.split("<", 1)[0].strip() or query.strip("<> ")
        qs = qs.filter(Q(name__icontains=term) | Q(email__icontains=term))
    return list(qs.order_by("name", "id")[:limit])
