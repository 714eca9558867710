"""A deliverable carries the promise it is about (FollowUp.commitment), so drafts no longer work
it out from the slot string.

Rows planned before this migration get theirs here, the one time the old slot format
"deliverable:<interview>:<n>" is read: n counted the interview's commitments from 1.
"""

from __future__ import annotations

from django.db import migrations, models


def _column() -> models.CharField[str, str]:
    field: models.CharField[str, str] = models.CharField(max_length=300, blank=True)
    field.set_attributes_from_name("commitment")
    return field


def add_column(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        # Django's SQLite AddField rebuilds the table, which would drop the data-version triggers
        # on it (0003); ADD COLUMN keeps them. The DEFAULT fills existing rows.
        schema_editor.execute(
            "ALTER TABLE core_followup ADD COLUMN commitment varchar(300) NOT NULL DEFAULT ''"
        )
    else:
        schema_editor.add_field(apps.get_model("core", "FollowUp"), _column())


def drop_column(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ALTER TABLE core_followup DROP COLUMN commitment")
    else:
        schema_editor.remove_field(apps.get_model("core", "FollowUp"), _column())


def fill_commitments(apps, schema_editor):  # type: ignore[no-untyped-def]
    follow_up_model = apps.get_model("core", "FollowUp")
    rows = follow_up_model.objects.filter(kind="deliverable", interview__isnull=False)
    for fu in rows.select_related("interview").iterator():
        number = fu.slot.rsplit(":", 1)[-1]
        lines = [line.strip() for line in fu.interview.commitments.splitlines() if line.strip()]
        if number.isdigit() and 1 <= int(number) <= len(lines):
            fu.commitment = lines[int(number) - 1][:300]
            fu.save(update_fields=["commitment"])


class Migration(migrations.Migration):
    # The lead renumbers this dependency at merge (another branch adds 0005).
    dependencies = [("core", "0004_pipeline_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="followup",
                    name="commitment",
                    field=models.CharField(blank=True, max_length=300),
                )
            ],
        ),
        migrations.RunPython(fill_commitments, migrations.RunPython.noop),
    ]
