"""`followup demo`: a realistic job search relative to today, so a newcomer sees the product at once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import Application, Contact, FollowUp
from followup.core.owner import Owner
from followup.planner import BusinessCalendar
from followup.planner.calendar import zone

NAIROBI = "Africa/Nairobi"


def _next_weekday_holiday(calendar: BusinessCalendar, after: date) -> date:
    day = after + timedelta(days=3)
    for _ in range(400):
        if day.weekday() < 5 and calendar.holiday_name(day):
            return day
        day += timedelta(days=1)
    return after + timedelta(days=10)


def _business_days_before(calendar: BusinessCalendar, day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_business_day(day):
            n -= 1
    return day


def _at(day: date, hour: int, tz: str = NAIROBI) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=zone(tz))


def create_demo(owner: Owner, today: date | None = None) -> str:
    if Application.objects.filter(owner=owner).exists():
        raise InvalidInput(
            "home",
            "already has applications; the demo fills a fresh home (set FOLLOWUP_HOME to another folder)",
        )
    today = today or timezone.now().astimezone(zone(NAIROBI)).date()
    kenya = BusinessCalendar("KE")
    with transaction.atomic():
        profile = services.get_profile(owner)
        if not profile.full_name:
            profile.full_name = "Amina Njeri"
            profile.email = "amina.njeri@example.com"
            profile.signature = "Amina Njeri\n+254 712 345 678"
            profile.country = "KE"
            profile.time_zone = NAIROBI
            profile.save()

        # 1. A sales panel whose promised answer falls on a public holiday.
        holiday = _next_weekday_holiday(kenya, today)
        panel_day = _business_days_before(kenya, min(holiday, today + timedelta(days=1)), 1)
        panel_day = min(panel_day, today)
        sales = services.record_interview(
            owner,
            services.InterviewInput(
                company="Savanna Mobile",
                role="Sales Executive",
                role_type="sales",
                country="KE",
                company_tz=NAIROBI,
                company_website="https://savanna-mobile.example",
                careers_url="https://savanna-mobile.example/careers",
                start=_at(panel_day, 10),
                end=_at(panel_day, 11),
                tz=NAIROBI,
                interviewers=[
                    "Wanjiku Kamau <wanjiku.kamau@savanna-mobile.example>",
                    "Otieno Odhiambo <otieno.odhiambo@savanna-mobile.example>",
                ],
                recruiter="Grace Achieng <grace.achieng@savanna-mobile.example>",
                notes=(
                    "Growing the SME data bundles in Kisumu and Eldoret.\n"
                    "How the team runs weekly pipeline reviews with the regional managers.\n"
                    "My results selling M-Pesa till numbers to small shops in Nakuru."
                ),
                unasked=["How is the commission structured in the first quarter?"],
                promised=f"We'll get back to you by {holiday.day} {holiday:%B}",
                commitments=["Send my sales figures for 2025 by Friday"],
                round_name="Panel",
                format="onsite",
                confidence=4,
                went_well="Clear examples with numbers.",
                to_improve="Shorter answer on why I left my last job.",
            ),
        )

        # 2. A US company that said "within two weeks"; the thank-you went out.
        us_day = _business_days_before(kenya, today, 6)
        acme = services.record_interview(
            owner,
            services.InterviewInput(
                company="Acme Logistics",
                role="Operations Analyst",
                country="US",
                company_tz="America/New_York",
                start=datetime.combine(us_day, time(9, 0), tzinfo=zone("America/New_York")),
                duration_minutes=45,
                tz="America/New_York",
                interviewers=["Dana Whitfield <dana.whitfield@acme-logistics.example>"],
                notes="Route planning for the East Africa corridor; their move from spreadsheets to a dashboard.",
                unasked=["What would success look like in the first 90 days?"],
                promised="you should hear from us within two weeks",
                format="video",
            ),
        )
        for fu in acme.follow_ups:
            if fu.kind == "thank_you":
                services.mark_sent(owner, fu.pk, at=fu.due)

        # 3. A rejection after a first round: a gracious reply and keep-warm notes.
        jenga_day = _business_days_before(kenya, today, 15)
        jenga = services.record_interview(
            owner,
            services.InterviewInput(
                company="Jenga Fintech",
                role="Software Engineer",
                role_type="engineering",
                country="KE",
                start=_at(jenga_day, 14),
                duration_minutes=60,
                tz=NAIROBI,
                interviewers=["Brian Mwangi <brian.mwangi@jenga-fintech.example>"],
                recruiter="Faith Wambui <faith.wambui@jenga-fintech.example>",
                notes="Their loan-scoring service in Django; how they test payment callbacks.",
                promised="in a week",
                check_website=True,
            ),
        )
        for fu in jenga.follow_ups:
            if fu.kind == "thank_you":
                services.mark_sent(owner, fu.pk, at=fu.due)
        services.set_outcome(
            owner,
            jenga.application.pk,
            "rejected",
            at=_at(_business_days_before(kenya, today, 1), 16),
        )

        # 4. A first round that went well, a reply, and a second round just done.
        baobab_first = _business_days_before(kenya, today, 10)
        baobab = services.record_interview(
            owner,
            services.InterviewInput(
                company="Baobab Health",
                role="Product Manager",
                role_type="management",
                country="KE",
                start=_at(baobab_first, 11),
                duration_minutes=60,
                tz=NAIROBI,
                interviewers=["Njoki Mutua <njoki.mutua@baobab-health.example>"],
                notes="Their clinic appointment app and the drop-off at the booking step.",
                promised="a couple of days",
            ),
        )
        for fu in baobab.follow_ups:
            if fu.kind == "thank_you":
                services.mark_sent(owner, fu.pk, at=fu.due)
                services.record_reply(
                    owner, fu.pk, at=fu.due + timedelta(days=2), summary="invited to a second round"
                )
        services.record_interview(
            owner,
            services.InterviewInput(
                company="Baobab Health",
                role="Product Manager",
                application_id=baobab.application.pk,
                start=_at(
                    today - timedelta(days=1)
                    if today.weekday() != 0
                    else today - timedelta(days=3),
                    15,
                ),
                duration_minutes=90,
                tz=NAIROBI,
                interviewers=[
                    "Njoki Mutua <njoki.mutua@baobab-health.example>",
                    "Samuel Kiprop <samuel.kiprop@baobab-health.example>",
                ],
                notes="Case study: cutting no-shows with SMS reminders; the roadmap for Q1.",
                unasked=["Who would I work with most closely in engineering?"],
                promised="early next week",
                commitments=["Share the one-page case study write-up tomorrow"],
                round_name="Case study",
            ),
        )

        # 5. Before any interview: a posting saved for later, and one applied to last week
        # (its status check-in comes on the 10th business day).
        services.add_application(
            owner,
            services.ApplicationInput(
                company="Twiga Foods",
                role="Supply Chain Analyst",
                stage="saved",
                location="Nairobi",
                source="BrighterMonday",
                url="https://twiga-foods.example/careers/supply-chain-analyst",
            ),
        )
        services.add_application(
            owner,
            services.ApplicationInput(
                company="Sendy Logistics",
                role="Operations Lead",
                stage="applied",
                applied=_business_days_before(kenya, today, 5),
                location="Nairobi (hybrid)",
                salary="KES 250,000-300,000 a month",
                source="Referral from a former colleague",
                cv="CV 2026, operations version",
            ),
        )

    open_count = FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN).count()
    contacts = Contact.objects.filter(owner=owner).count()
    applications = Application.objects.filter(owner=owner).count()
    return (
        f"Demo ready: {applications} applications, {contacts} contacts, {open_count} open follow-ups "
        f"(Savanna Mobile's answer is promised for {holiday:%a %d %b}, a public holiday). "
        f"Try `followup due` or `followup show {sales.application.pk}`."
    )
