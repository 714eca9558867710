"""Migration 0005 takes the data-version triggers (made by 0003 for a page cache that is gone)
out of a database that has them: no trigger is left, the table is gone, and writes work."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from followup.core.models import FollowUp

pytestmark = pytest.mark.django_db(transaction=True)


def trigger_names():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall() if "data_version" in row[0]}


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_an_existing_database_loses_the_triggers_and_still_takes_writes(record_interview):
    migrate([("core", "0004_pipeline_index")])  # a database as 0004 left it
    try:
        assert trigger_names(), "0004 should have the triggers"
        assert "core_dataversion" in connection.introspection.table_names()
    finally:
        migrate(latest())
    assert trigger_names() == set()
    assert "core_dataversion" not in connection.introspection.table_names()
    recorded = record_interview()
    FollowUp.objects.filter(application=recorded.application).update(status="skipped")
    assert not FollowUp.objects.filter(application=recorded.application, status="planned").exists()
