"""Drop the data-version triggers and the DataVersion table (created by 0003).

They kept a rendered-page cache fresh; the pages are now rendered by Django on each visit, so
nothing reads the version any more and every write stops paying for it. Each statement says
IF EXISTS: a database that has the triggers loses them, one that never had them (or lost some
when SQLite rebuilt a table) migrates just the same. Going back to 0004 puts them back.
"""

import importlib
from typing import Any

from django.db import migrations

# The tables 0003 put triggers on; its trigger and function names are built from these.
TRACKED_TABLES = [
    "core_profile",
    "core_messagetemplate",
    "core_company",
    "core_contact",
    "core_application",
    "core_interview",
    "core_followup",
    "core_event",
    "core_interview_interviewers",
]


def drop_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_data_version_{operation}"
            for table in TRACKED_TABLES
            for operation in ("insert", "update", "delete")
        ]
    if vendor == "postgresql":
        statements = []
        for table in TRACKED_TABLES:
            statements.append(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS {table}_data_version()")
        statements.append("DROP FUNCTION IF EXISTS core_bump_data_version(bigint)")
        return statements
    raise RuntimeError(f"followup supports SQLite and PostgreSQL, not {vendor}")


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def recreate_triggers(apps: Any, schema_editor: Any) -> None:
    # Back to 0004: the code of that time expects the triggers, so 0003 makes them again.
    importlib.import_module("followup.core.migrations.0003_data_version").create_triggers(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_pipeline_index"),
    ]

    operations = [
        # Triggers first: on SQLite a trigger left behind would fail every write once its
        # table is gone.
        migrations.RunPython(drop_triggers, recreate_triggers),
        migrations.DeleteModel(name="DataVersion"),
    ]
