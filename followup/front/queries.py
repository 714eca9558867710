"""Read-side queries for the web pages. Every function takes the owner first and filters by it.

Each page runs a fixed number of queries whatever the number of applications: lists are bounded
(a page shows the first rows and a "Show N more" link for the next ones), counts are one
aggregate, and rows carry their related objects (select_related, only the fields they show).
The benchmark that holds them to it: benchmarks/bench_web.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from followup.core.models import Application, Company, Contact, Event, FollowUp, Interview
from followup.core.owner import Owner
from followup.core.queries import attention_filter
from followup.lib.vocabulary import zone_or_utc

TODAY_SECTIONS = ("overdue", "today", "week")
SECTION_TITLES = {"overdue": "Overdue", "today": "Due today", "week": "This week"}


# What a row of a follow-up list shows: loading only these spares parsing ~40 columns a row.
ROW_FIELDS = (
    "id",
    "application_id",
    "kind",
    "recipient_id",
    "channel",
    "due",
    "due_tz",
    "status",
    "reason",
    "sent_at",
    "application__id",
    "application__role_title",
    "application__company_id",
    "application__company__id",
    "application__company__name",
    "recipient__id",
    "recipient__name",
    "recipient_id",
    "recipient__phone",
)


# Approved, but its send failed and waits to be retried: Today shows it once, under "Needs
# attention" with its error (followup.core.services.follow_ups.needs_attention), not again in
# its due section.
# (Written without negations: Django compiles NOT (...) with its NULL handling, which made
# Today's count query cost three times as much to build; last_error is never NULL.)
ON_TODAY = Q(status=FollowUp.Status.PLANNED) | Q(status=FollowUp.Status.APPROVED, last_error="")
# What "Needs attention" lists (front/outbox.py): email sends that failed or wait after an error.
NEEDS_ATTENTION = Q(channel=FollowUp.Channel.EMAIL) & attention_filter()


def open_follow_ups(owner: Owner) -> QuerySet[FollowUp]:
    """Open follow-ups as list rows (only the fields a row shows), earliest first."""
    return (
        FollowUp.objects.filter(ON_TODAY, owner=owner)
        .select_related("application__company", "recipient")
        .only(*ROW_FIELDS)
        .order_by("due", "id")
    )


@dataclass
class DayBounds:
    today: date
    start: datetime  # 00:00 today, the user's zone
    tomorrow: datetime
    week_end: datetime  # 00:00 next Monday: "this week" ends on Sunday

    def section_filter(self, section: str) -> Q:
        if section == "overdue":
            return Q(due__lt=self.start)
        if section == "today":
            return Q(due__gte=self.start, due__lt=self.tomorrow)
        if section == "week":
            return Q(due__gte=self.tomorrow, due__lt=self.week_end)
        raise ValueError(section)

    def section_of(self, due: datetime) -> str:
        """The section a row due at `due` belongs to ("" after this week)."""
        if due < self.start:
            return "overdue"
        if due < self.tomorrow:
            return "today"
        return "week" if due < self.week_end else ""


def day_bounds(tz: str, now: datetime | None = None) -> DayBounds:
    local_zone = zone_or_utc(tz)
    now = (now or timezone.now()).astimezone(local_zone)
    today = now.date()

    def midnight(d: date) -> datetime:
        return datetime.combine(d, time.min, tzinfo=local_zone)

    return DayBounds(
        today=today,
        start=midnight(today),
        tomorrow=midnight(today + timedelta(days=1)),
        week_end=midnight(today + timedelta(days=7 - today.weekday())),
    )


@dataclass
class Section:
    key: str
    title: str
    rows: list[FollowUpRow]
    count: int

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))

    @property
    def next_batch(self) -> int:
        """How many rows "Show N more" adds: a section shows a page's worth when it has more."""
        return min(len(self.rows), self.more)


@dataclass
class TodayPage:
    bounds: DayBounds
    sections: list[Section]
    next_up: FollowUpRow | None = None
    has_applications: bool = False
    attention: int = 0  # sends that need the person (the "Needs attention" section)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


TODAY_LIMIT = 20  # rows per section; the rest is one click away ("Show 20 more", "See all")


def today_page(
    owner: Owner, tz: str, *, now: datetime | None = None, limit: int = TODAY_LIMIT
) -> TodayPage:
    """Overdue, due today and this week: one count query over the index range (owner, status,
    due < end of the week), then one query for the first `limit` rows of every section."""
    bounds = day_bounds(tz, now)
    # The same query counts the sends that need attention, so a Today without any (the usual
    # one) spends no query on them (benchmarks/bench_web.py's Today was 65x with that query).
    counts = FollowUp.objects.filter(
        (ON_TODAY & Q(due__lt=bounds.week_end)) | NEEDS_ATTENTION, owner=owner
    ).aggregate(
        attention=Count("id", filter=NEEDS_ATTENTION),
        **{
            key: Count("id", filter=ON_TODAY & bounds.section_filter(key)) for key in TODAY_SECTIONS
        },
    )
    wheres = [bounds.section_filter(key) for key in TODAY_SECTIONS if counts[key]]
    rows = _first_rows(owner, wheres, limit) if wheres else []
    sections = [
        Section(
            key,
            SECTION_TITLES[key],
            [row for row in rows if bounds.section_of(row.due) == key],
            counts[key],
        )
        for key in TODAY_SECTIONS
    ]
    page = TodayPage(bounds=bounds, sections=sections, attention=counts["attention"])
    if not page.total:
        later = _first_rows(owner, [Q(due__gte=bounds.week_end)], 1)
        page.next_up = later[0] if later else None
        page.has_applications = page.next_up is not None or (
            Application.objects.filter(owner=owner).exists()
        )
    return page


@dataclass(slots=True)
class Named:
    name: str
    pk: int | None = None
    phone: str = ""  # a recipient's, for the row's call and WhatsApp links


@dataclass(slots=True)
class CompanyRef:
    name: str
    careers_url: str = ""  # what a careers check's row opens
    website: str = ""


@dataclass(slots=True)
class ApplicationRef:
    role_title: str
    company: CompanyRef


@dataclass(slots=True)
class FollowUpRow:
    """What a list row shows, read with `.values()`: a tenth of the cost of model instances.
    Attribute names match FollowUp's, so the same row template renders either."""

    pk: int
    application_id: int
    kind: str
    channel: str
    due: datetime
    due_tz: str
    status: str
    reason: str
    sent_at: datetime | None
    application: ApplicationRef
    recipient: Named | None

    @property
    def is_open(self) -> bool:
        return self.status in cast("tuple[str, ...]", FollowUp.OPEN)

    def get_status_display(self) -> str:
        return str(FollowUp.Status(self.status).label)


_ROW_VALUES = (
    "pk",
    "application_id",
    "kind",
    "channel",
    "due",
    "due_tz",
    "status",
    "reason",
    "sent_at",
    "application__role_title",
    "application__company__name",
    "application__company__careers_url",
    "application__company__website",
    "recipient__name",
    "recipient_id",
    "recipient__phone",
)


def _row(v: dict[str, object]) -> FollowUpRow:
    name = v["recipient__name"]
    return FollowUpRow(
        pk=v["pk"],  # type: ignore[arg-type]
        application_id=v["application_id"],  # type: ignore[arg-type]
        kind=v["kind"],  # type: ignore[arg-type]
        channel=v["channel"],  # type: ignore[arg-type]
        due=v["due"],  # type: ignore[arg-type]
        due_tz=v["due_tz"],  # type: ignore[arg-type]
        status=v["status"],  # type: ignore[arg-type]
        reason=v["reason"],  # type: ignore[arg-type]
        sent_at=v["sent_at"],  # type: ignore[arg-type]
        application=ApplicationRef(
            role_title=v["application__role_title"],  # type: ignore[arg-type]
            company=CompanyRef(
                name=v["application__company__name"],  # type: ignore[arg-type]
                careers_url=v["application__company__careers_url"],  # type: ignore[arg-type]
                website=v["application__company__website"],  # type: ignore[arg-type]
            ),
        ),
        recipient=Named(name, v["recipient_id"], v["recipient__phone"])  # type: ignore[arg-type]
        if name is not None
        else None,
    )


def _first_rows(owner: Owner, wheres: list[Q], limit: int) -> list[FollowUpRow]:
    """The first `limit` rows by due date of each of `wheres`, in one query: each section's ids
    are picked on the index alone (a LIMIT subquery) and only those rows are joined to their
    application, company and recipient (joining first would join every match)."""
    picked = Q()
    for where in wheres:
        first_ids = (
            FollowUp.objects.filter(where, ON_TODAY, owner=owner)
            .order_by("due", "id")
            .values("pk")[:limit]
        )
        picked |= Q(pk__in=first_ids)
    rows = FollowUp.objects.filter(picked).order_by("due", "id").values(*_ROW_VALUES)
    return [_row(v) for v in rows]


def section_queryset(owner: Owner, tz: str, section: str) -> QuerySet[FollowUp]:
    return open_follow_ups(owner).filter(day_bounds(tz).section_filter(section))


# ---------------------------------------------------------------------------------------------
# Pipeline

PIPELINE_ORDER = (
    Application.Status.SAVED,
    Application.Status.APPLIED,
    Application.Status.INTERVIEWING,
    Application.Status.OFFER,
    Application.Status.ACCEPTED,
    Application.Status.REJECTED,
    Application.Status.NO_RESPONSE,
    Application.Status.WITHDRAWN,
)

SEARCH_FIELDS = (("", "Anything"), ("company", "Company"), ("role", "Role"), ("contact", "Contact"))
SEARCH_MAX = 200  # what a search box holds


@dataclass(frozen=True)
class PipelineFilter:
    """The Pipeline's search and filters, from the query string: `q` matched (case-insensitive,
    anywhere) against the company, the role or a contact (the recruiter, an interviewer; name
    or email) — `field` narrows it to one of them — and `stage`, one column only."""

    q: str = ""
    field: str = ""
    stage: str = ""

    @classmethod
    def from_query(cls, params: Any) -> PipelineFilter:
        q = _search_term(str(params.get("q", ""))[:SEARCH_MAX])
        field_name = str(params.get("field", ""))
        stage = str(params.get("stage", ""))
        return cls(
            q=q,
            field=field_name if field_name in dict(SEARCH_FIELDS) else "",
            stage=stage if stage in Application.Status.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.stage)

    @property
    def query(self) -> str:
        """The filters as a query string ("" when none), for links that keep them."""
        from urllib.parse import urlencode

        pairs = [(k, v) for k, v in (("q", self.q), ("field", self.field), ("stage", self.stage))]
        return urlencode([(k, v) for k, v in pairs if v])

    def where(self, owner: Owner) -> Q:
        """The owner's applications these filters keep. Each part is an IN list the database
        makes once (the matching companies, contacts, interviews), not a join or an EXISTS
        tested on every application: six times faster at 10,000 applications."""
        where = Q()
        if self.stage:
            where &= Q(status=self.stage)
        if not self.q:
            return where
        term = self.q
        matches = Q()
        if self.field in ("", "company"):
            companies = Company.objects.filter(owner=owner, name__icontains=term)
            matches |= Q(company__in=companies)
        if self.field in ("", "role"):
            matches |= Q(role_title__icontains=term)
        if self.field in ("", "contact"):
            people = Contact.objects.filter(
                Q(name__icontains=term) | Q(email__icontains=term), owner=owner
            )
            interviewed = Interview.objects.filter(owner=owner, interviewers__in=people)
            matches |= Q(recruiter__in=people) | Q(pk__in=interviewed.values("application_id"))
        return where & matches

    def applications(self, owner: Owner) -> QuerySet[Application]:
        return Application.objects.filter(self.where(owner), owner=owner, archived_at__isnull=True)


NO_FILTER = PipelineFilter()


@dataclass
class Column:
    status: str
    title: str
    count: int
    cards: list[dict[str, Any]] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards))

    @property
    def next_batch(self) -> int:
        """How many cards "Show N more" adds: a column shows a page's worth when it has more."""
        return min(len(self.cards), self.more)


PIPELINE_LIMIT = 12  # cards per column; the rest is one click away ("Show 12 more", "See all")


CARD_FIELDS = ("pk", "role_title", "status", "company_name", "next_due", "next_due_tz")


def cards(
    applications: QuerySet[Application], *extra: str
) -> QuerySet[Application, dict[str, Any]]:
    """What a card shows, as dicts (`pk`, `role_title`, `status`, `company_name`, `next_due`,
    `next_due_tz`): its earliest open follow-up is a subquery on the follow-ups' application
    index, so a card costs no query of its own."""
    next_open = FollowUp.objects.filter(
        application=OuterRef("pk"), status__in=FollowUp.OPEN
    ).order_by("due", "id")
    return applications.annotate(
        company_name=F("company__name"),
        next_due=Subquery(next_open.values("due")[:1]),
        next_due_tz=Subquery(next_open.values("due_tz")[:1]),
    ).values(*CARD_FIELDS)


def pipeline(
    owner: Owner, per_column: int = PIPELINE_LIMIT, filters: PipelineFilter = NO_FILTER
) -> list[Column]:
    """Applications by status, the most recently active first: one count query and one query
    for the first cards of every column (each column's ids picked on the pipeline index);
    the same two whatever the size. A search is one query (`_search_board`). A stage filter
    shows its column only."""
    mine = filters.applications(owner)
    statuses = [s for s in PIPELINE_ORDER if not filters.stage or s == filters.stage]
    if filters.q:
        counts, shown = _search_board(mine, per_column)
    else:
        counts = dict(
            mine.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        picked = Q()
        for status in statuses:
            if counts.get(status):
                first_ids = (
                    mine.filter(status=status)
                    .order_by("-updated_at", "-id")
                    .values("pk")[:per_column]
                )
                picked |= Q(pk__in=first_ids)
        # No column has a card: Q() would pick every application.
        shown = (
            list(cards(Application.objects.filter(picked).order_by("-updated_at", "-id")))
            if picked
            else []
        )
    return [
        Column(
            str(status),
            Application.Status(status).label,
            counts.get(status, 0),
            [card for card in shown if card["status"] == status],
        )
        for status in statuses
    ]


def _search_board(
    mine: QuerySet[Application], per_column: int
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """A search's counts and first cards of every column, in one pass over the matches: each is
    numbered within its status and counted with it (window functions), and the first
    `per_column` of each kept; then those cards, by id. Picking them column by column on the index, as the unfiltered
    board does, walks a whole column testing the search on every row when few match (half a
    second for "person 42" at 10,000 applications), and a separate count tests it all again."""
    ranked = mine.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("status")],
            order_by=[F("updated_at").desc(), F("id").desc()],
        ),
        matches=Window(Count("id"), partition_by=[F("status")]),
    ).filter(rank__lte=per_column)
    firsts = list(ranked.values_list("pk", "status", "matches"))
    counts = {status: matches for _, status, matches in firsts}
    if not firsts:
        return counts, []
    # Then only those cards get their next follow-up (a subquery each): not every match.
    shown = Application.objects.filter(pk__in=[pk for pk, _, _ in firsts])
    return counts, list(cards(shown.order_by("-updated_at", "-id")))


def applications_with_status(
    owner: Owner, status: str, filters: PipelineFilter = NO_FILTER
) -> QuerySet[Application, dict[str, Any]]:
    """One column's cards, as the board orders them (pages of it: "Show more", "See all")."""
    return cards(filters.applications(owner).filter(status=status).order_by("-updated_at", "-id"))


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


def application_page(owner: Owner, application: Application) -> ApplicationPage:
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


def _search_term(query: str) -> str:
    # A NUL cannot be in a name, and PostgreSQL refuses it in a query parameter.
    return (query or "").replace("\x00", "").strip()


def company_suggestions(owner: Owner, query: str, limit: int = 10) -> list[Company]:
    query = _search_term(query)
    qs = Company.objects.filter(owner=owner)
    if query:
        qs = qs.filter(name__icontains=query)
    return list(qs.order_by("name", "id")[:limit])


def contact_suggestions(owner: Owner, query: str, limit: int = 10) -> list[Contact]:
    query = _search_term(query)
    # Only the part after the last comma/"<" matters while someone types "Name <email>".
    qs = Contact.objects.filter(owner=owner).select_related("company")
    if query:
        term = query.split("<", 1)[0].strip() or query.strip("<> ")
        qs = qs.filter(Q(name__icontains=term) | Q(email__icontains=term))
    return list(qs.order_by("name", "id")[:limit])
