"""The outbox records where a send got to (FollowUp.handed_at, FollowUp.accepted_at), so lease
recovery after a crash leaves only the row in flight ambiguous.

Rows "sending" when this migration runs were claimed by a sender that kept no such marks: any of
them may have gone out, so they are marked handed, and recovery treats them as it did before
(looked up in the Sent folder, or the person is asked).
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.models import F


def mark_sending_as_handed(apps, schema_editor):  # type: ignore[no-untyped-def]
    follow_up_model = apps.get_model("core", "FollowUp")
    follow_up_model.objects.filter(status="sending").update(handed_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [("core", "0006_follow_up_commitment")]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="handed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="followup",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_sending_as_handed, migrations.RunPython.noop),
    ]
