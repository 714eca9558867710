"""The calendar feed for a user with 5,000 interviews and 5,000 open follow-ups (10,000 events).

Prints, measured in the same run:
  1. the feed build (`feed.build_feed`: read the rows, titles, the SEQUENCE bookkeeping, the
     iCalendar text written by the icalendar library) — the first build, which writes every
     event through icalendar and records its hash and text, and a rebuild, which writes again
     only the events whose content changed (none here) and reuses the stored text of the rest;
  2. the baseline: the same events as VEVENT text pre-formatted by the database (one raw sqlite3
     query concatenating the text), joined in Python — and the bare join of that text already in
     memory; the build's ratio to the baseline (target <= 10x);
  3. a conditional GET answered 304 through the real view: its time, and that the feed builder was
     not called.

    .venv/bin/python benchmarks/bench_calendar.py [--interviews 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def populate(owner, interviews: int) -> None:
    """One application and one interview per round, an interviewer each, one open follow-up per
    interview and one closed (not in the feed)."""
    from followup.core.models import Application, Company, Contact, FollowUp, Interview

    rng = random.Random(5)
    now = datetime.now(UTC)
    companies = Company.objects.bulk_create(
        [Company(owner=owner, name=f"Company {i}", country="KE") for i in range(100)]
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                owner=owner,
                name=f"Person {i} Surname",
                email=f"p{i}@example.com",
                company=companies[i % 100],
            )
            for i in range(interviews)
        ]
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                owner=owner,
                company=companies[i % 100],
                role_title=f"Role {i}",
                status="interviewing",
            )
            for i in range(interviews)
        ]
    )
    rows = []
    for i in range(interviews):
        start = now + timedelta(days=rng.randint(-300, 60), hours=rng.randint(0, 8))
        rows.append(
            Interview(
                owner=owner,
                application=apps[i],
                round_name="First round",
                start=start,
                end=start + timedelta(hours=1),
                time_zone="Africa/Nairobi",
            )
        )
    ivs = Interview.objects.bulk_create(rows)
    Interview.interviewers.through.objects.bulk_create(
        [
            Interview.interviewers.through(interview_id=iv.pk, contact_id=contacts[i].pk)
            for i, iv in enumerate(ivs)
        ]
    )
    fus = []
    for i, iv in enumerate(ivs):
        for slot, status in (("check_in", "planned"), ("thank_you", "sent")):
            fus.append(
                FollowUp(
                    owner=owner,
                    application=apps[i],
                    interview=iv,
                    slot=f"{slot}:{iv.pk}",
                    kind=slot,
                    recipient=contacts[i],
                    due=iv.end + timedelta(days=rng.randint(1, 14)),
                    due_tz="Africa/Nairobi",
                    status=status,
                    reason="They said 'by Friday': checking in the next business day.",
                )
            )
    FollowUp.objects.bulk_create(fus, batch_size=2000)


PREFORMATTED_SQL = """
SELECT 'BEGIN:VEVENT' || char(13, 10) || 'UID:interview-' || i.id || '@followup' || char(13, 10)
  || 'DTSTART:' || strftime('%Y%m%dT%H%M%SZ', i.start) || char(13, 10)
  || 'DTEND:' || strftime('%Y%m%dT%H%M%SZ', i."end") || char(13, 10)
  || 'SUMMARY:Interview — ' || c.name || '\\, ' || a.role_title || char(13, 10)
  || 'END:VEVENT'
FROM core_interview i JOIN core_application a ON a.id = i.application_id
JOIN core_company c ON c.id = a.company_id WHERE i.owner_id = ?
UNION ALL
SELECT 'BEGIN:VEVENT' || char(13, 10) || 'UID:follow-up-' || f.id || '@followup' || char(13, 10)
  || 'DTSTART:' || strftime('%Y%m%dT%H%M%SZ', f.due) || char(13, 10)
  || 'SUMMARY:Check in with ' || coalesce(p.name, '') || ' — ' || c.name || '\\, ' || a.role_title
  || char(13, 10) || 'DESCRIPTION:' || f.reason || char(13, 10) || 'END:VEVENT'
FROM core_followup f JOIN core_application a ON a.id = f.application_id
JOIN core_company c ON c.id = a.company_id LEFT JOIN core_contact p ON p.id = f.recipient_id
WHERE f.owner_id = ? AND f.status IN ('planned', 'approved')
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="followup-bench-calendar-"))
    os.environ.update(
        {
            "FOLLOWUP_HOME": str(home),
            "DATABASE_URL": "",
            "DJANGO_SETTINGS_MODULE": "followup.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from followup.core import services
    from followup.notify import feed
    from followup.notify import services as notify
    from followup.notify.models import FeedItem

    call_command("migrate", verbosity=0)
    owner = services.get_local_user()
    started = time.perf_counter()
    populate(owner, args.interviews)
    print(
        f"populated {args.interviews:,} interviews and {args.interviews:,} open follow-ups "
        f"(+{args.interviews:,} closed) in {time.perf_counter() - started:.1f}s in {home}"
    )

    # 1. The feed build.
    started = time.perf_counter()
    data = feed.build_feed(owner)
    first = time.perf_counter() - started
    events = data.count(b"BEGIN:VEVENT")
    assert events == 2 * args.interviews, events
    assert FeedItem.objects.filter(owner=owner).count() == events
    build = median_time(lambda: feed.build_feed(owner), args.runs)
    print(
        f"feed build, {events:,} events, {len(data) / 1e6:.1f} MB: first {first * 1000:.0f} ms "
        f"(records {events:,} hashes), rebuild {build * 1000:.0f} ms (median of {args.runs})"
    )

    # 2. The baseline: VEVENT text pre-formatted by the database, joined.
    db_path = home / "followup.sqlite3"
    con = sqlite3.connect(db_path)

    def preformatted() -> bytes:
        rows = con.execute(PREFORMATTED_SQL, (owner.pk, owner.pk)).fetchall()
        return ("\r\n".join(r[0] for r in rows) + "\r\n").encode()

    assert preformatted().count(b"BEGIN:VEVENT") == events
    baseline = median_time(preformatted, args.runs)
    texts = [r[0] for r in con.execute(PREFORMATTED_SQL, (owner.pk, owner.pk)).fetchall()]
    join_only = median_time(lambda: ("\r\n".join(texts) + "\r\n").encode(), args.runs)
    print(
        f"baseline: pre-formatted VEVENT text from one raw sqlite3 query, joined: {baseline * 1000:.1f} ms; "
        f"the join alone (text already in memory): {join_only * 1000:.2f} ms"
    )
    print(
        f"ratio: feed build / pre-formatted text joined = {build / baseline:.1f}x (target <= 10x); "
        f"feed build / join alone = {build / join_only:.0f}x"
    )
    print(
        f"first build (every event written through icalendar) / pre-formatted text joined = "
        f"{first / baseline:.0f}x (no target: once per event change)"
    )

    # 3. 304 through the real view, without building.
    token = notify.calendar_token(owner)
    client = Client()
    path = f"/calendar/{token}.ics"
    first_response = client.get(path)
    etag = first_response["ETag"]
    calls = 0
    real_build = feed.build_feed

    def counting_build(*a, **k):
        nonlocal calls
        calls += 1
        return real_build(*a, **k)

    feed.build_feed = counting_build  # count calls from the view; the real builder still runs
    try:
        status = client.get(path, HTTP_IF_NONE_MATCH=etag).status_code
        assert status == 304, status
        not_modified = median_time(lambda: client.get(path, HTTP_IF_NONE_MATCH=etag), args.runs)
        assert calls == 0
        full = median_time(lambda: client.get(path), 3)
        assert calls == 3
    finally:
        feed.build_feed = real_build
    print(
        f"304 Not Modified via the view: {not_modified * 1000:.1f} ms, feed builder called 0 times "
        f"(a 200 with the whole feed: {full * 1000:.0f} ms; {full / not_modified:.0f}x)"
    )


if __name__ == "__main__":
    main()
