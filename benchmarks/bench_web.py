"""The web pages at scale: 10,000 applications and 50,000 follow-ups in a throwaway SQLite home.

Prints, measured in the same run, the median server time of the Today page, an Application page
and the Pipeline (direct WSGI calls through the whole middleware stack, signed in), each against a
trivial view returning prebuilt bytes of the same size through the same stack (target <= 5x).
The page and the trivial view are timed in alternation, so both see the same machine.

Two figures per page: "served" is what a visitor gets while nothing changed (the rendered-page
cache, followup.front.pagecache, keyed on the owner's data version); "rendered" is the first
visit after a change, the page built from the database (the cache is emptied before each run).

    .venv/bin/python benchmarks/bench_web.py [--applications 10000] [--per-application 5] [--runs 300]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import types
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def populate(owner, applications: int, per_application: int) -> int:
    """bulk_create a realistic spread: overdue, today, this week, later and closed follow-ups."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from followup.core.models import Application, Company, Contact, Event, FollowUp, Interview

    rng = random.Random(42)
    now = timezone.now()
    kinds = ["thank_you", "check_in", "check_in_2", "final_check_in", "keep_warm", "careers_check"]
    statuses = ["interviewing"] * 6 + [
        "rejected",
        "offer",
        "applied",
        "no_response",
        "withdrawn",
        "accepted",
    ]
    batch = 2_000
    with transaction.atomic():
        companies = Company.objects.bulk_create(
            [
                Company(owner=owner, name=f"Company {i}", country="KE", time_zone="Africa/Nairobi")
                for i in range(max(1, applications // 10))
            ],
            batch_size=batch,
        )
        contacts = Contact.objects.bulk_create(
            [
                Contact(
                    owner=owner,
                    company=companies[i % len(companies)],
                    name=f"Person {i}",
                    email=f"p{i}@example.com",
                )
                for i in range(applications)
            ],
            batch_size=batch,
        )
        apps = Application.objects.bulk_create(
            [
                Application(
                    owner=owner,
                    company=companies[i % len(companies)],
                    role_title=f"Role {i}",
                    status=rng.choice(statuses),
                    recruiter=contacts[i],
                )
                for i in range(applications)
            ],
            batch_size=batch,
        )
        interviews = Interview.objects.bulk_create(
            [
                Interview(
                    owner=owner,
                    application=a,
                    round_name="First round",
                    start=now - timedelta(days=rng.randint(1, 60)),
                    end=now - timedelta(days=1),
                    time_zone="Africa/Nairobi",
                    notes="We discussed the data platform and the team's roadmap.",
                    promised_phrase="we'll get back to you by Friday",
                )
                for a in apps
            ],
            batch_size=batch,
        )
        through = Interview.interviewers.through
        through.objects.bulk_create(
            [
                through(interview_id=iv.pk, contact_id=contacts[i].pk)
                for i, iv in enumerate(interviews)
            ],
            batch_size=batch,
        )
        rows = []
        for i, a in enumerate(apps):
            for k in range(per_application):
                roll = rng.random()
                if roll < 0.01:
                    status, due = "planned", now - timedelta(hours=rng.randint(1, 24 * 20))
                elif roll < 0.03:
                    status, due = "planned", now + timedelta(hours=rng.randint(0, 24 * 7))
                elif roll < 0.45:
                    status, due = "planned", now + timedelta(days=rng.randint(8, 180))
                else:
                    status = rng.choice(["sent", "done", "cancelled", "skipped"])
                    due = now - timedelta(days=rng.randint(1, 300))
                kind = kinds[k % len(kinds)]
                rows.append(
                    FollowUp(
                        owner=owner,
                        application=a,
                        interview=interviews[i],
                        slot=f"{kind}:{k}",
                        kind=kind,
                        recipient=contacts[i],
                        due=due,
                        due_tz="Africa/Nairobi",
                        status=status,
                        reason=f"They said 'by Friday': checking in the next business day ({k}).",
                        subject=f"Following up: Role {i}",
                        body="Dear Person,\n\nThank you for your time.\n\nBest regards,\nAmina",
                    )
                )
        FollowUp.objects.bulk_create(rows, batch_size=batch)
        Event.objects.bulk_create(
            [
                Event(
                    owner=owner,
                    application=a,
                    kind="interview_recorded",
                    message="First round interview recorded",
                )
                for a in apps
                for _ in range(3)
            ],
            batch_size=batch,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(rows)


def paired_medians_ms(page, trivial, runs: int, before=None) -> tuple[float, float]:
    """Median milliseconds of `page` and of `trivial`, timed in turn; `before` runs untimed
    before each page call."""
    page_samples, trivial_samples = [], []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        page()
        page_samples.append(time.perf_counter() - started)
        started = time.perf_counter()
        trivial()
        trivial_samples.append(time.perf_counter() - started)
    return statistics.median(page_samples) * 1000, statistics.median(trivial_samples) * 1000


def main() -> None:
    home = run()
    if home is not None:
        import shutil

        shutil.rmtree(home, ignore_errors=True)


def run() -> Path | None:
    """Returns the throwaway home to delete (None when --home was given)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--per-application", type=int, default=5)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--home", type=Path, help="Reuse a home populated by an earlier run.")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="followup-bench-web-"))
    reuse = args.home is not None and (home / "followup.sqlite3").exists()
    os.environ.update(
        {
            "FOLLOWUP_HOME": str(home),
            "DATABASE_URL": "",
            "DJANGO_SETTINGS_MODULE": "followup.settings",
            "FOLLOWUP_DEBUG": "false",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.urls import include, path
    from django.utils import timezone

    from followup.core import services
    from followup.core.models import Application, FollowUp
    from followup.front import pagecache

    call_command("migrate", verbosity=0)
    owner = services.get_local_user()
    profile = services.get_profile(owner)
    profile.time_zone, profile.country = "Africa/Nairobi", "KE"
    profile.save()
    if reuse:
        print(
            f"reusing {home}: {Application.objects.count():,} applications, {FollowUp.objects.count():,} follow-ups"
        )
    else:
        started = time.perf_counter()
        total = populate(owner, args.applications, args.per_application)
        print(
            f"populated {args.applications:,} applications and {total:,} follow-ups "
            f"in {time.perf_counter() - started:.1f}s ({home})"
        )

    # The trivial view: prebuilt bytes, through the same URL resolver and middleware.
    prebuilt: dict[str, bytes] = {}

    def trivial(request, key):
        return HttpResponse(prebuilt[key], content_type="text/html; charset=utf-8")

    urls = types.ModuleType("bench_web_urls")
    urls.urlpatterns = [
        path("__bytes__/<str:key>/", trivial),
        path("", include("followup.front.urls")),
    ]
    sys.modules["bench_web_urls"] = urls
    settings.ROOT_URLCONF = "bench_web_urls"

    # Sign in as a browser would: a session cookie, and the CSRF cookie once a page has set it.
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(owner.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
    session.create()
    cookies = {settings.SESSION_COOKIE_NAME: session.session_key}
    handler = WSGIHandler()

    def get(url: str) -> bytes:
        path_info, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        status: list[str] = []
        headers: list[tuple[str, str]] = []

        def start_response(s, h, exc_info=None):
            status.append(s)
            headers.extend(h)

        body = b"".join(handler(environ, start_response))
        for name, value in headers:
            morsel = value.strip().split(";", 1)[0]
            if name.lower() == "set-cookie" and morsel.startswith(f"{settings.CSRF_COOKIE_NAME}="):
                cookies[settings.CSRF_COOKIE_NAME] = morsel.split("=", 1)[1]
        assert status[0].startswith("200"), (url, status[0])
        return body

    application = (
        Application.objects.filter(owner=owner, status="interviewing", follow_ups__status="planned")
        .order_by("id")
        .first()
    )
    pages = {
        "Today": "/",
        "Application": f"/applications/{application.pk}/",
        "Pipeline": "/pipeline/",
    }
    open_now = FollowUp.objects.filter(
        owner=owner, status__in=FollowUp.OPEN, due__lt=timezone.now() + timedelta(days=8)
    ).count()
    print(f"{open_now:,} open follow-ups due by the end of this week; runs per page: {args.runs}")
    for name, url in pages.items():
        body = get(url)
        for _ in range(3):
            get(url)  # warm caches, templates, the connection
        prebuilt[name] = body
        get(f"/__bytes__/{name}/")

        def page(url=url):
            get(url)

        def trivial(name=name):
            get(f"/__bytes__/{name}/")

        served_ms, trivial_ms = paired_medians_ms(page, trivial, args.runs)
        print(
            f"{name:<12} {len(body) / 1024:6.1f} KiB served:   median {served_ms:6.2f} ms; "
            f"trivial view, same bytes {trivial_ms:5.2f} ms; ratio {served_ms / trivial_ms:5.1f}x "
            "(target <= 5x)"
        )
        rendered_ms, trivial_ms = paired_medians_ms(
            page, trivial, max(10, args.runs // 5), before=pagecache.clear
        )
        print(
            f"{'':<12} {'':6}      rendered: median {rendered_ms:6.2f} ms; "
            f"trivial view, same bytes {trivial_ms:5.2f} ms; ratio {rendered_ms / trivial_ms:5.1f}x "
            "(the first visit after a change)"
        )
    from django.db import connections

    connections.close_all()
    return None if args.home else home


if __name__ == "__main__":
    main()
