"""DataVersion and the triggers that keep it: one number per owner that changes with any of the
owner's rows in core. They kept a rendered-page cache fresh; the cache, the model and (in
migration 0005) the triggers and the table are gone. Kept as history: 0005 reuses
`create_triggers` when migrating back."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# (table, how a changed row names its owner). The interviewers link has no owner column of its
# own: its interview's owner is the owner.
TRACKED = [
    ("core_profile", "user_id"),
    ("core_messagetemplate", "owner_id"),
    ("core_company", "owner_id"),
    ("core_contact", "owner_id"),
    ("core_application", "owner_id"),
    ("core_interview", "owner_id"),
    ("core_followup", "owner_id"),
    ("core_event", "owner_id"),
    ("core_interview_interviewers", "interview"),
]
OPERATIONS = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}


def sqlite_sql() -> tuple[list[str], list[str]]:
    # SQLite has one writer at a time, so a row trigger that bumps at once can neither deadlock
    # nor contend with another writer.
    start = "abs(random() % 1000000000000)"
    create, drop = [], []
    for table, owner in TRACKED:
        for operation, row in OPERATIONS.items():
            name = f"{table}_data_version_{operation.lower()}"
            # Built from this file's own table and column names only: no input reaches it.
            if owner == "interview":
                select = (
                    f"SELECT owner_id, {start} FROM core_interview WHERE id = {row}.interview_id"  # noqa: S608
                )
            else:
                select = f"SELECT {row}.{owner}, {start} WHERE {row}.{owner} IS NOT NULL"
            create.append(
                f"CREATE TRIGGER {name} AFTER {operation} ON {table} FOR EACH ROW BEGIN "
                f"INSERT INTO core_dataversion (owner_id, version) {select} "
                "ON CONFLICT (owner_id) DO UPDATE SET version = version + 1; END"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name}")
    return create, drop


def postgresql_sql() -> tuple[list[str], list[str]]:
    # Deferred constraint triggers run at COMMIT, after everything else the transaction did, so
    # the lock on the owner's version row is the last one a transaction takes and is held only
    # while it commits: two transactions can never wait on each other through it. A transaction
    # bumps each owner once (a transaction-local setting remembers it), however many rows it
    # wrote.
    bump = """
CREATE OR REPLACE FUNCTION core_bump_data_version(owner_key bigint) RETURNS void AS $$
BEGIN
    IF owner_key IS NULL OR current_setting('followup.bumped_' || owner_key, true) = '1' THEN
        RETURN;
    END IF;
    PERFORM set_config('followup.bumped_' || owner_key, '1', true);
    INSERT INTO core_dataversion (owner_id, version)
    VALUES (owner_key, floor(random() * 1e12)::bigint)
    ON CONFLICT (owner_id) DO UPDATE SET version = core_dataversion.version + 1;
END;
$$ LANGUAGE plpgsql"""
    create, drop = [bump], []
    for table, owner in TRACKED:
        function = f"{table}_data_version"
        if owner == "interview":
            expression = (
                "(SELECT owner_id FROM core_interview WHERE id = "
                "CASE WHEN TG_OP = 'DELETE' THEN OLD.interview_id ELSE NEW.interview_id END)"
            )
        else:
            expression = f"CASE WHEN TG_OP = 'DELETE' THEN OLD.{owner} ELSE NEW.{owner} END"
        create.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"PERFORM core_bump_data_version({expression}); RETURN NULL; END; "
            "$$ LANGUAGE plpgsql"
        )
        create.append(
            f"CREATE CONSTRAINT TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        drop.append(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        drop.append(f"DROP FUNCTION IF EXISTS {function}()")
    drop.append("DROP FUNCTION IF EXISTS core_bump_data_version(bigint)")
    return create, drop


def _statements(vendor: str, which: int) -> list[str]:
    if vendor == "sqlite":
        return sqlite_sql()[which]
    if vendor == "postgresql":
        return postgresql_sql()[which]
    raise RuntimeError(f"followup supports SQLite and PostgreSQL, not {vendor}")


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in _statements(schema_editor.connection.vendor, 0):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in _statements(schema_editor.connection.vendor, 1):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_more_event_kinds"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("owner_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
