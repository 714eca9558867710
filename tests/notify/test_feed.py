"""The calendar feed: read back with the icalendar library and by khal, a real calendar client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from followup.core import services
from followup.core.models import FollowUp, Interview
from followup.notify import feed
from followup.notify import services as notify

from .conftest import NAIROBI, khal_events


def events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def feed_url(owner):
    token = notify.calendar_token(owner)
    return f"/calendar/{token}.ics"


def test_the_feed_has_one_event_per_interview_and_per_open_follow_up(
    owner, client, feed_url, record_interview
):
    recorded = record_interview()
    response = client.get(feed_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.content)
    open_ids = set(
        FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN).values_list("pk", flat=True)
    )
    assert set(found) == {f"interview-{recorded.interview.pk}@followup"} | {
        f"follow-up-{pk}@followup" for pk in open_ids
    }
    interview = found[f"interview-{recorded.interview.pk}@followup"]
    assert str(interview["SUMMARY"]) == "Interview — Savanna Mobile, Sales Executive (First round)"
    assert interview.decoded("DTSTART") == datetime(2025, 12, 9, 7, 0, tzinfo=UTC)
    check_in = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")
    event = found[f"follow-up-{check_in.pk}@followup"]
    assert str(event["SUMMARY"]) == "Check in with Grace — Savanna Mobile, Sales Executive"
    assert event.decoded("DTSTART") == check_in.due
    assert str(event["URL"]).endswith(f"/follow-ups/{check_in.pk}/")
    assert "Jamhuri" in str(event["DESCRIPTION"])
    assert not any(
        c.name in ("VTODO", "VALARM") for c in icalendar.Calendar.from_ical(response.content).walk()
    )


def test_uids_are_stable_and_sequence_is_bumped_only_for_what_changed(
    owner, client, feed_url, record_interview
):
    recorded = record_interview()
    first = events(client.get(feed_url).content)
    assert {int(e["SEQUENCE"]) for e in first.values()} == {0}

    check_in = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")
    services.snooze(owner, check_in.pk, 3)
    second = events(client.get(feed_url).content)

    uid = f"follow-up-{check_in.pk}@followup"
    assert set(second) == set(first)
    assert int(second[uid]["SEQUENCE"]) == 1
    assert second[uid].decoded("DTSTART") > first[uid].decoded("DTSTART")
    assert {int(e["SEQUENCE"]) for u, e in second.items() if u != uid} == {0}
    # Unchanged events keep their DTSTAMP too: the same data gives the same text.
    other = next(u for u in first if u != uid)
    assert second[other].to_ical() == first[other].to_ical()


def test_a_cancelled_interview_stays_in_the_feed_marked_cancelled(
    owner, client, feed_url, record_interview
):
    recorded = record_interview()
    Interview.objects.filter(pk=recorded.interview.pk).update(cancelled=True)
    services.replan(owner, recorded.application)
    found = events(client.get(feed_url).content)
    event = found[f"interview-{recorded.interview.pk}@followup"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: Interview")


def test_a_matching_etag_is_answered_304_without_building_the_feed(
    owner, client, feed_url, django_assert_max_num_queries, record_interview
):
    record_interview()
    first = client.get(feed_url)
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "private, max-age=300"

    # The token lookup and one aggregate query: the feed's rows are not read.
    with django_assert_max_num_queries(3):
        again = client.get(feed_url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(feed_url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


def test_the_etag_changes_when_the_feed_does(owner, client, feed_url, record_interview):
    recorded = record_interview()
    etag = client.get(feed_url)["ETag"]
    fu = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")
    services.skip(owner, fu.pk)

    changed = client.get(feed_url, HTTP_IF_NONE_MATCH=etag)

    assert changed.status_code == 200 and changed["ETag"] != etag
    assert f"follow-up-{fu.pk}@followup" not in events(changed.content)


def test_an_unknown_or_revoked_token_is_404_and_a_regenerated_one_works(owner, client, feed_url):
    assert client.get("/calendar/not-a-real-token-but-long-enough.ics").status_code == 404
    assert client.get("/calendar/x.ics").status_code == 404
    assert client.get(feed_url).status_code == 200

    urls = notify.calendar_urls(owner, regenerate=True)

    assert client.get(feed_url).status_code == 404
    new_path = urls["https"].split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + new_path).status_code == 200
    assert urls["webcal"].startswith("webcal://") and urls["webcal"].endswith(".ics")

    notify.revoke_calendar(owner)
    assert client.get("/" + new_path).status_code == 404


def test_the_feed_needs_no_login_and_shows_only_its_owners_data(
    owner, client, feed_url, record_interview
):
    from django.contrib.auth import get_user_model

    record_interview()
    other = get_user_model().objects.create(username="other")
    record_interview(
        owner=other, company="Other Co", interviewers=["Someone <someone@other.example>"]
    )
    body = client.get(feed_url).content.decode()
    assert "Savanna Mobile" in body and "Other Co" not in body


def test_text_is_escaped_and_long_lines_folded_as_rfc_5545_says(
    owner, client, feed_url, record_interview
):
    record_interview(
        company="Jua Kali; Ltd, Nairobi",
        role="Mhandisi wa Programu — Ngazi ya Juu 🚀 (Backend, Python & Go)",
    )
    data = client.get(feed_url).content
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    summaries = {str(e["SUMMARY"]) for e in events(data).values()}
    assert (
        "Interview — Jua Kali; Ltd, Nairobi, Mhandisi wa Programu — Ngazi ya Juu 🚀 (Backend, Python & Go) (First round)"
        in summaries
    )


def test_khal_shows_the_events_at_the_right_local_times(owner, tmp_path, record_interview):
    recorded = record_interview()
    path = tmp_path / "followup.ics"
    path.write_bytes(feed.build_feed(owner))

    in_nairobi = khal_events(path, tmp_path / "nairobi", "Africa/Nairobi")
    in_new_york = khal_events(path, tmp_path / "ny", "America/New_York")

    assert (
        "2025-12-09 10:00 | Interview — Savanna Mobile, Sales Executive (First round)" in in_nairobi
    )
    assert "2025-12-15 10:00 | Check in with Grace — Savanna Mobile, Sales Executive" in in_nairobi
    assert (
        "2025-12-09 02:00 | Interview — Savanna Mobile, Sales Executive (First round)"
        in in_new_york
    )
    open_count = FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN).count()
    assert len(in_nairobi) == 1 + open_count
    assert recorded.interview.pk


def test_khal_takes_a_rescheduled_follow_up_from_the_new_feed(owner, tmp_path, record_interview):
    recorded = record_interview()
    first = tmp_path / "first.ics"
    first.write_bytes(feed.build_feed(owner))
    check_in = next(fu for fu in recorded.follow_ups if fu.kind == "check_in")
    services.snooze(owner, check_in.pk, 1)  # a later business day, same time
    second = tmp_path / "second.ics"
    second.write_bytes(feed.build_feed(owner, now=datetime.now(UTC) + timedelta(minutes=1)))

    khal_events(first, tmp_path / "k", "Africa/Nairobi")
    listed = khal_events(second, tmp_path / "k", "Africa/Nairobi")

    check_in.refresh_from_db()
    moved_to = check_in.due.astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M")
    titles = [
        line
        for line in listed
        if line.endswith("Check in with Grace — Savanna Mobile, Sales Executive")
    ]
    assert titles == [f"{moved_to} | Check in with Grace — Savanna Mobile, Sales Executive"]
    assert moved_to != "2025-12-15 10:00"


def test_the_etag_changes_when_an_invitation_moves_the_interview(owner, client, feed_url):
    from followup.core import invitation_import

    from .conftest import INVITES

    invitation_import.import_invitation(owner, (INVITES / "google_request.ics").read_bytes())
    etag = client.get(feed_url)["ETag"]
    invitation_import.import_invitation(owner, (INVITES / "google_reschedule.ics").read_bytes())
    moved = client.get(feed_url, HTTP_IF_NONE_MATCH=etag)
    assert moved.status_code == 200
    interview = Interview.objects.get(owner=owner)
    event = events(moved.content)[f"interview-{interview.pk}@followup"]
    assert event.decoded("DTSTART") == datetime(2025, 12, 11, 11, 0, tzinfo=UTC)
    assert int(event["SEQUENCE"]) == 1


def test_a_rebuild_with_nothing_changed_gives_the_same_bytes(owner, record_interview):
    record_interview()
    first = feed.build_feed(owner, now=datetime(2025, 12, 1, 8, 0, tzinfo=UTC))
    later = feed.build_feed(owner, now=datetime(2025, 12, 1, 9, 0, tzinfo=UTC))
    assert later == first  # calendar clients see nothing to update
    assert icalendar.Calendar.from_ical(later)["UID"] == f"calendar-{owner.pk}@followup"
