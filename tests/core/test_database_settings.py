from django.db import connection


def test_sqlite_runs_in_wal_with_immediate_transactions_and_a_busy_timeout(db):
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_transaction_takes_the_write_lock_at_begin(transactional_db):
    """IMMEDIATE: transactions begin with BEGIN IMMEDIATE, so a second writer queues behind the
    first (busy timeout) instead of failing with "database is locked" half-way through."""
    if connection.vendor != "sqlite":
        return
    import sqlite3

    from django.db import transaction

    assert connection.transaction_mode == "IMMEDIATE"
    with transaction.atomic():
        # Another connection to the same file cannot start writing while we hold the lock.
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            locked = False
        except sqlite3.OperationalError as exc:
            locked = "locked" in str(exc)
        finally:
            other.close()
    assert locked
