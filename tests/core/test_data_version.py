"""The owner's data version: database triggers change it on every write to the owner's rows in
core, whoever writes, so the web pages' cache can never show stale data."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from followup.core.models import FollowUp, MessageTemplate
from followup.front.pagecache import data_version

pytestmark = pytest.mark.django_db(transaction=True)
TRACKED = importlib.import_module("followup.core.migrations.0003_data_version").TRACKED


def owned_tables():
    """Every core table that holds an owner's rows, and the through tables of its links."""
    tables = set()
    for model in apps.get_app_config("core").get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL:
                tables.add(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            tables.add(field.remote_field.through._meta.db_table)
    return tables


def trigger_tables():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal OR t.tgconstraint <> 0"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_of_an_owners_rows_is_tracked():
    assert owned_tables() == {table for table, _ in TRACKED}
    assert owned_tables() <= trigger_tables()


@pytest.fixture
def template(owner):
    return MessageTemplate.objects.create(owner=owner, kind="thank_you", subject="Hi", body="Hi")


@pytest.mark.parametrize("table, owner_column", TRACKED)
def test_an_update_to_any_tracked_table_changes_the_version(
    owner, recorded, template, table, owner_column
):
    before = data_version(owner.pk)
    with connection.cursor() as cursor:
        if owner_column == "interview":
            cursor.execute(
                f"UPDATE {table} SET contact_id = contact_id WHERE interview_id = %s",
                [recorded.interview.pk],
            )
        else:
            cursor.execute(f"UPDATE {table} SET id = id WHERE {owner_column} = %s", [owner.pk])
        assert cursor.rowcount >= 1, f"no row of {table} to update"
    assert data_version(owner.pk) != before


def test_deleting_rows_changes_the_version(owner, recorded):
    before = data_version(owner.pk)
    FollowUp.objects.filter(owner=owner, kind="thank_you").delete()
    assert data_version(owner.pk) != before


def test_a_rolled_back_write_leaves_the_version_alone(owner, recorded):
    before = data_version(owner.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        FollowUp.objects.filter(owner=owner).update(reason="changed")
        raise RuntimeError("roll back")
    assert data_version(owner.pk) == before


def test_a_user_with_rows_can_still_be_deleted(owner, recorded):
    owner.delete()
    assert not FollowUp.objects.exists()
