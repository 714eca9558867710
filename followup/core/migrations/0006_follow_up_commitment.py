"""A deliverable carries the promise it is about (FollowUp.commitment), so drafts no longer work
it out from the slot string.

Rows planned before this migration get theirs here, the one time the old slot format
"deliverable:<interview>:<n>" is read: n counted the interview's commitments from 1.
"""

from __future__ import annotations

from django.db import migrations, models


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
    dependencies = [("core", "0005_drop_data_version")]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="commitment",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(fill_commitments, migrations.RunPython.noop),
    ]
