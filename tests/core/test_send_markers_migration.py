"""Upgrading with rows left "sending" by a version that kept no handed/accepted marks: any of
them may have gone out, so recovery still treats them as in flight (looked up in the Sent
folder, or the person is asked), never as "never handed" (which would resend them unchecked)."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from followup.core.models import FollowUp
from followup.mail import sender

migration = importlib.import_module("followup.core.migrations.0007_follow_up_send_markers")


def test_rows_sending_at_the_upgrade_are_in_flight_not_released(owner, record_interview):
    recorded = record_interview()
    fu = next(f for f in recorded.follow_ups if f.kind == "thank_you")
    planned = next(f for f in recorded.follow_ups if f.pk != fu.pk)
    expired = timezone.now() - timedelta(minutes=1)
    FollowUp.objects.filter(pk=fu.pk).update(
        status=FollowUp.Status.SENDING, lease_until=expired, message_id="<old@followup.local>"
    )

    migration.mark_sending_as_handed(apps, None)
    report = sender.recover_expired()

    fu.refresh_from_db()
    assert fu.handed_at is not None and report.released == 0
    # No mail account to look in: the person is asked, as before the upgrade.
    assert fu.status == FollowUp.Status.FAILED and report.needs_attention == 1
    assert FollowUp.objects.get(pk=planned.pk).handed_at is None
