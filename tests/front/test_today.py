"""The Today page: overdue, due today and this week, with an empty state that says what to do."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from followup.core.models import FollowUp


@pytest.fixture
def tuesday_afternoon(time_machine):
    """A thank-you recorded on a Friday evening is due on Monday, next week: pin a weekday."""
    time_machine.move_to(datetime(2026, 12, 1, 14, 0, tzinfo=ZoneInfo("Africa/Nairobi")))


def test_it_lists_what_is_due_with_recipient_kind_and_reason(client, tuesday_afternoon, thank_you):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thank-you" in html
    assert "Wanjiku Kamau" in html
    assert "Sales Executive · Savanna Mobile" in html
    assert thank_you.reason.split(":")[0] in html
    assert f'action="/follow-ups/{thank_you.pk}/act/"' in html
    assert f'href="/follow-ups/{thank_you.pk}/draft/"' in html
    for label in ("Mark sent", "Done", "Skip", "Snooze 1 day", "Snooze 3 days", "Snooze a week"):
        assert label in html


def test_it_groups_overdue_today_and_this_week(client, owner, recorded, time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Africa/Nairobi")))  # a Wed
    now = timezone.now()
    rows = list(
        FollowUp.objects.filter(application=recorded.application, status="planned").order_by("due")
    )
    FollowUp.objects.filter(pk=rows[0].pk).update(due=now - timedelta(days=3))
    FollowUp.objects.filter(pk=rows[1].pk).update(due=now + timedelta(days=3))
    FollowUp.objects.filter(pk__in=[r.pk for r in rows[2:]]).update(due=now + timedelta(days=30))
    html = client.get("/").content.decode()
    assert "Overdue" in html and "3 days overdue" in html
    assert "This week" in html
    assert html.index("Overdue") < html.index("This week")
    assert f'id="fu-{rows[2].pk}"' not in html  # a month away: not on Today


def test_this_week_ends_on_sunday(client, owner, recorded, time_machine):
    time_machine.move_to(datetime(2026, 12, 4, 9, 0, tzinfo=ZoneInfo("Africa/Nairobi")))  # a Fri
    rows = list(
        FollowUp.objects.filter(application=recorded.application, status="planned").order_by("due")
    )
    sunday = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Africa/Nairobi"))
    FollowUp.objects.filter(pk=rows[0].pk).update(due=sunday)
    FollowUp.objects.filter(pk__in=[r.pk for r in rows[1:]]).update(due=sunday + timedelta(days=1))
    html = client.get("/").content.decode()
    assert f'id="fu-{rows[0].pk}"' in html  # Sunday: still this week
    assert f'id="fu-{rows[1].pk}"' not in html  # Monday: next week


def test_a_fresh_home_says_what_to_do_next(client):
    html = client.get("/").content.decode()
    assert "Start with your last interview" in html
    assert 'href="/interviews/new/"' in html


def test_when_all_is_done_it_says_when_the_next_follow_up_is(client, owner, recorded):
    FollowUp.objects.filter(application=recorded.application).update(
        due=timezone.now() + timedelta(days=40)
    )
    html = client.get("/").content.decode()
    assert "all caught up" in html
    assert "Next up" in html


def test_it_shows_only_my_follow_ups(client, someone_elses):
    html = client.get("/").content.decode()
    assert "Other Co" not in html
    assert "Pat Lee" not in html


def test_it_escapes_what_people_typed(client, owner, record_recent):
    record_recent(company="<script>alert(1)</script> Ltd")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in html


def test_a_long_section_is_bounded_with_a_link_to_the_rest(client, owner, record_recent):
    for n in range(6):
        record_recent(
            company=f"Company {n}",
            interviewers=[f"A{i} Person <a{i}.{n}@c.example>" for i in range(10)],
        )
    FollowUp.objects.filter(owner=owner, kind="thank_you").update(
        due=timezone.now() - timedelta(days=2)
    )
    html = client.get("/").content.decode()
    assert html.count('class="fu ') == 20
    assert "See all 60 (40 more)" in html
    first = client.get("/?show=overdue")
    assert first.content.decode().count('class="fu ') == 50
    more = client.get("/?show=overdue&page=2")
    assert more.status_code == 200
    assert more.content.decode().count('class="fu ') == 10


def test_a_bad_page_number_is_not_an_error(client, recorded):
    assert client.get("/?show=overdue&page=zzz").status_code == 200
    assert client.get("/?show=nonsense").status_code == 200


def test_it_needs_sign_in(owner):
    from django.test import Client

    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_show_more_brings_the_next_rows_of_a_section(client, owner, record_recent, hx):
    for n in range(5):
        record_recent(
            company=f"Company {n}",
            interviewers=[f"A{i} Person <a{i}.{n}@c.example>" for i in range(10)],
        )
    FollowUp.objects.filter(owner=owner, kind="thank_you").update(
        due=timezone.now() - timedelta(days=2)
    )
    html = client.get("/").content.decode()
    assert html.count('class="fu ') == 20
    assert 'href="?more=overdue&amp;page=2"' in html and "Show 20 more" in html
    # With htmx: the next rows and a link for the ones after them, to put in the list.
    second = client.get("/?more=overdue&page=2", **hx)
    fragment = second.content.decode()
    assert "<html" not in fragment
    assert fragment.count('class="fu ') == 20
    assert 'hx-get="?more=overdue&amp;page=3"' in fragment and "Show 10 more" in fragment
    assert "HX-Request" in second["Vary"]
    last = client.get("/?more=overdue&page=3", **hx).content.decode()
    assert last.count('class="fu ') == 10 and "more</a>" not in last
    # Without JavaScript the same link is a page of its own, with a way back.
    page = client.get("/?more=overdue&page=2").content.decode()
    assert "<h1>Overdue" in page and page.count('class="fu ') == 20
    assert 'href="/"' in page and "Show 10 more" in page
    # Nothing was shown twice.
    first_ids = set(re.findall(r'id="fu-(\d+)"', html))
    assert first_ids.isdisjoint(re.findall(r'id="fu-(\d+)"', fragment))
