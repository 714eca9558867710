"""The Contacts page at scale: 20,000 contacts (and 10,000 applications), rendered by Django.

A throwaway SQLite home holds one person with 20,000 contacts across 1,000 companies and
10,000 applications, and another with 20 contacts. For the Contacts page, a search on it and
one contact's page it prints, measured as bench_web.py measures its pages (CPU time of the
serving thread, through the whole middleware stack, signed in, in alternation with a trivial
view returning the same bytes):

- the page's median time at 20,000 contacts, the trivial view's, their ratio (target <= 60x,
  bench_web.py's);
- the number of queries at 20 and at 20,000 contacts (must be equal).

It exits with status 1 when a ratio is over 60 or a page's query counts differ.

    .venv/bin/python benchmarks/bench_contacts.py [--contacts 20000] [--runs 200]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import types
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import TARGET_RATIO, paired_medians_ms  # noqa: E402  (beside this file)


def populate(owner, contacts: int) -> None:
    """Contacts of companies, half of them recruiters of an application with an interview."""
    from django.db import transaction
    from django.utils import timezone

    from followup.core.models import Application, Company, Contact, Interview

    now = timezone.now()
    batch = 2_000
    with transaction.atomic():
        companies = Company.objects.bulk_create(
            [
                Company(owner=owner, name=f"Company {i}", country="KE")
                for i in range(max(1, contacts // 20))
            ],
            batch_size=batch,
        )
        people = Contact.objects.bulk_create(
            [
                Contact(
                    owner=owner,
                    company=companies[i % len(companies)],
                    name=f"Person {i:05d}",
                    email=f"p{i}@example.com",
                    title="Recruiter" if i % 2 else "Engineering Manager",
                    phone=f"+2547{i:08d}"[:13],
                )
                for i in range(contacts)
            ],
            batch_size=batch,
        )
        apps = Application.objects.bulk_create(
            [
                Application(
                    owner=owner,
                    company=people[i].company,
                    role_title=f"Role {i}",
                    status="interviewing",
                    recruiter=people[i],
                )
                for i in range(0, contacts, 2)
            ],
            batch_size=batch,
        )
        interviews = Interview.objects.bulk_create(
            [
                Interview(
                    owner=owner,
                    application=a,
                    start=now - timedelta(days=3),
                    end=now - timedelta(days=3, hours=-1),
                    time_zone="Africa/Nairobi",
                )
                for a in apps
            ],
            batch_size=batch,
        )
        through = Interview.interviewers.through
        through.objects.bulk_create(
            [
                through(interview_id=iv.pk, contact_id=people[2 * i + 1].pk)
                for i, iv in enumerate(interviews)
            ],
            batch_size=batch,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="followup-bench-contacts-"))
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
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection, connections
    from django.http import HttpResponse
    from django.test.utils import CaptureQueriesContext
    from django.urls import include, path

    from followup.core import services
    from followup.core.models import Contact
    from followup.front import auth

    call_command("migrate", verbosity=0)
    people = {
        args.contacts: services.get_local_user(),
        args.small: get_user_model().objects.get_or_create(username="bench-small")[0],
    }
    for size, person in people.items():
        profile = services.get_profile(person)
        profile.time_zone, profile.country = "Africa/Nairobi", "KE"
        profile.save()
        started = time.perf_counter()
        populate(person, size)
        print(f"populated {size:,} contacts in {time.perf_counter() - started:.1f}s ({home})")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    prebuilt: dict[str, bytes] = {}

    def trivial_view(request, key):
        return HttpResponse(prebuilt[key], content_type="text/html; charset=utf-8")

    urls = types.ModuleType("bench_contacts_urls")
    urls.urlpatterns = [
        path("__bytes__/<str:key>/", trivial_view),
        path("", include("followup.front.urls")),
    ]
    sys.modules["bench_contacts_urls"] = urls
    settings.ROOT_URLCONF = "bench_contacts_urls"
    handler = WSGIHandler()

    def browser_for(person) -> dict[str, str]:
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = auth.LOCAL_SIGN_IN_BACKEND
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        return {settings.SESSION_COOKIE_NAME: session.session_key}

    def get(cookies: dict[str, str], url: str) -> bytes:
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

        def start_response(s, h, exc_info=None):
            status.append(s)

        body = b"".join(handler(environ, start_response))
        assert status[0].startswith("200"), (url, status[0])
        return body

    def pages_of(person) -> dict[str, str]:
        # A recruiter: an application, its interview's interviewer and follow-ups around them.
        contact = Contact.objects.filter(owner=person, title="Engineering Manager").first()
        return {
            "Contacts": "/contacts/",
            "Search": "/contacts/?q=engineering",
            "Search-rare": "/contacts/?q=person+00017",
            "Contact": f"/contacts/{contact.pk}/",
        }

    def query_count(cookies: dict[str, str], url: str) -> int:
        get(cookies, url)
        with CaptureQueriesContext(connection) as captured:
            get(cookies, url)
        return len(captured)

    large, small = people[args.contacts], people[args.small]
    large_browser, small_browser = browser_for(large), browser_for(small)
    large_pages, small_pages = pages_of(large), pages_of(small)
    failures = []
    for name, url in large_pages.items():
        body = get(large_browser, url)
        for _ in range(3):
            get(large_browser, url)
        prebuilt[name] = body
        trivial_url = f"/__bytes__/{name}/"
        get(large_browser, trivial_url)
        rendered_ms, trivial_ms = paired_medians_ms(
            lambda url=url: get(large_browser, url),
            lambda trivial_url=trivial_url: get(large_browser, trivial_url),
            args.runs,
        )
        ratio = rendered_ms / trivial_ms
        queries_small = query_count(small_browser, small_pages[name])
        queries_large = query_count(large_browser, url)
        print(
            f"{name:<12} {len(body) / 1024:6.1f} KiB rendered: median {rendered_ms:6.2f} ms; "
            f"trivial view, same bytes {trivial_ms:5.2f} ms; ratio {ratio:5.1f}x "
            f"(target <= {TARGET_RATIO}x); queries {queries_small} at {args.small:,} and "
            f"{queries_large} at {args.contacts:,} contacts"
        )
        if ratio > TARGET_RATIO:
            failures.append(f"{name}: {ratio:.1f}x the trivial view (target <= {TARGET_RATIO}x)")
        if queries_small != queries_large:
            failures.append(
                f"{name}: {queries_small} queries at {args.small:,} contacts, "
                f"{queries_large} at {args.contacts:,}"
            )
    connections.close_all()
    import shutil

    shutil.rmtree(home, ignore_errors=True)
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
