"""The due query at scale: 100,000 applications, ~1,000,000 follow-ups, ~1% of them due.

Prints, measured in the same run:
  1. the ORM due query against the same SQL run through raw sqlite3 on the same file (target ≤ 3×);
  2. a whole `followup due --json` process against a bare `python -c "import django;
     django.setup()"` process with the same settings (target ≤ 2×).

    .venv/bin/python benchmarks/bench_due.py [--applications 100000] [--per-application 10]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
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


def populate(db_path: Path, applications: int, per_application: int, now: datetime) -> int:
    """Fill the migrated database with raw inserts (fast); returns how many follow-ups are due."""
    rng = random.Random(42)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA synchronous=OFF")
    owner_id = con.execute("SELECT id FROM auth_user WHERE username='local'").fetchone()[0]
    stamp = now.isoformat(sep=" ")
    companies = max(1, applications // 100)
    insert_rows(
        con,
        "core_company",
        ("id", "owner_id", "name", "country", "time_zone", "created_at"),
        [
            (i, owner_id, f"Company {i}", "KE", "Africa/Nairobi", stamp)
            for i in range(1, companies + 1)
        ],
    )
    insert_rows(
        con,
        "core_contact",
        ("id", "owner_id", "company_id", "name", "email"),
        [
            (i, owner_id, (i % companies) + 1, f"Contact {i}", f"c{i}@example.com")
            for i in range(1, applications + 1)
        ],
    )
    insert_rows(
        con,
        "core_application",
        ("id", "owner_id", "company_id", "role_title", "role_type", "status", "keep_warm",
         "recruiter_id", "created_at", "updated_at"),
        [
            (i, owner_id, (i % companies) + 1, f"Role {i}", "standard", "interviewing", 1, i, stamp, stamp)
            for i in range(1, applications + 1)
        ],
    )  # fmt: skip
    due_count = 0
    rows = []
    fid = 0
    kinds = ["thank_you", "check_in", "check_in_2", "final_check_in", "keep_warm", "careers_check"]
    for app_id in range(1, applications + 1):
        for k in range(per_application):
            fid += 1
            roll = rng.random()
            if roll < 0.01:
                status, due = "planned", now - timedelta(hours=rng.randint(1, 24 * 20))
                due_count += 1
            elif roll < 0.40:
                status, due = "planned", now + timedelta(days=rng.randint(2, 180))
            else:
                status, due = (
                    rng.choice(["sent", "done", "cancelled", "skipped"]),
                    now - timedelta(days=rng.randint(1, 300)),
                )
            rows.append(
                (
                    fid,
                    owner_id,
                    app_id,
                    f"{kinds[k % len(kinds)]}:{k}",
                    kinds[k % len(kinds)],
                    app_id,
                    due.isoformat(sep=" "),
                    status,
                    f"Reason {fid}",
                    f"Subject {fid}",
                    f"Body of follow-up {fid}.",
                    stamp,
                    stamp,
                )
            )
        if len(rows) >= 50_000:
            insert_follow_ups(con, rows)
            rows = []
    insert_follow_ups(con, rows)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return due_count


GIVEN_COLUMNS = (
    "id", "owner_id", "application_id", "slot", "kind", "recipient_id", "due", "status", "reason",
    "subject", "body", "created_at", "updated_at",
)  # fmt: skip


def insert_follow_ups(con: sqlite3.Connection, rows: list[tuple]) -> None:
    insert_rows(
        con, "core_followup", GIVEN_COLUMNS, rows, {"due_tz": "Africa/Nairobi", "channel": "email"}
    )


def insert_rows(
    con: sqlite3.Connection,
    table: str,
    given: tuple[str, ...],
    rows: list[tuple],
    fixed: dict[str, object] | None = None,
) -> None:
    """Rows of the `given` columns; a `uuid` column gets a new uuid per row, and every other NOT
    NULL column an empty value of its type, so a migration that adds a column does not break
    the benchmark."""
    fixed = dict(fixed or {})
    has_uuid = False
    for _, name, kind, notnull, _, _ in con.execute(f"PRAGMA table_info({table})"):
        if name == "uuid":
            has_uuid = True
        elif name not in given and name not in fixed and notnull:
            fixed[name] = 0 if "int" in kind.lower() or kind.lower() == "bool" else ""
    columns = [*given, *fixed, *(["uuid"] if has_uuid else [])]
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    extra = tuple(fixed.values())
    con.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({marks})",
        [row + extra + ((uuid.uuid4().hex,) if has_uuid else ()) for row in rows],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--per-application", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--home", type=Path, help="Reuse a home populated by an earlier run (skips populating)."
    )
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="followup-bench-due-"))
    reuse = args.home is not None and (home / "followup.sqlite3").exists()
    env = {
        **os.environ,
        "FOLLOWUP_HOME": str(home),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "followup.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from followup.core import queries, services
    from followup.core.models import FollowUp

    call_command("migrate", verbosity=0)
    owner = services.get_local_user()
    connection.close()
    now = datetime.now(UTC)
    db_path = home / "followup.sqlite3"
    if reuse:
        with sqlite3.connect(db_path) as con:
            due_count = con.execute(
                "SELECT count(*) FROM core_followup WHERE status IN ('planned', 'approved') AND due <= ?",
                (now.isoformat(sep=" "),),
            ).fetchone()[0]
        print(f"reusing {home} ({due_count:,} due)")
    else:
        started = time.perf_counter()
        due_count = populate(db_path, args.applications, args.per_application, now)
        print(
            f"populated {args.applications:,} applications, {args.applications * args.per_application:,} "
            f"follow-ups ({due_count:,} due) in {time.perf_counter() - started:.1f}s in {home}"
        )

    # 1. ORM vs raw sqlite3, same SQL, same file.
    qs = FollowUp.objects.filter(owner=owner, status__in=FollowUp.OPEN, due__lte=now)
    qs = qs.order_by("due", "id").values(*queries.ROW_FIELDS)
    sql, params = qs.query.sql_with_params()
    sql = sql.replace("%s", "?")  # what Django's sqlite backend does before executing
    list(qs)  # warm the connection and the page cache
    orm = median_time(lambda: queries.due_rows(owner, now), args.runs)
    raw_con = sqlite3.connect(db_path)
    raw_params = [p.isoformat(sep=" ") if isinstance(p, datetime) else p for p in params]
    raw_con.execute(sql, raw_params).fetchall()
    raw = median_time(lambda: raw_con.execute(sql, raw_params).fetchall(), args.runs)
    rows = len(raw_con.execute(sql, raw_params).fetchall())
    assert rows == due_count, (rows, due_count)
    print(
        f"due query, {rows:,} rows: ORM {orm * 1000:.1f} ms, raw sqlite3 {raw * 1000:.1f} ms, ratio {orm / raw:.2f}x (target <= 3x)"
    )

    # 2. A whole `followup due --json` process vs bare django.setup().
    python = sys.executable
    bare = [python, "-c", "import django; django.setup()"]
    due_cmd = [python, "-m", "followup", "due", "--json"]
    subprocess.run(due_cmd, env=env, check=True, capture_output=True, cwd=ROOT)
    out = subprocess.run(due_cmd, env=env, check=True, capture_output=True, cwd=ROOT).stdout
    assert out.count(b'"kind"') == due_count
    t_bare = median_time(
        lambda: subprocess.run(bare, env=env, check=True, capture_output=True, cwd=ROOT), args.runs
    )
    t_due = median_time(
        lambda: subprocess.run(due_cmd, env=env, check=True, capture_output=True, cwd=ROOT),
        args.runs,
    )
    print(
        f"process: followup due --json {t_due * 1000:.0f} ms, bare django.setup() {t_bare * 1000:.0f} ms, "
        f"ratio {t_due / t_bare:.2f}x (target <= 2x)"
    )


if __name__ == "__main__":
    main()
