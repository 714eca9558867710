"""The worker empties the trash: purge_trash is on its explicit list of periodic tasks, once
an hour, and deletes for good only what has been in the trash longer than TRASH_DAYS."""

from __future__ import annotations

import threading
from datetime import timedelta

from django.utils import timezone

from followup import worker
from followup.core import services
from followup.core.models import Application, FollowUp
from followup.core.services.trash import TRASH_DAYS


def test_purge_trash_runs_once_an_hour():
    (task,) = [task for task in worker.tasks() if task.name == "purge_trash"]
    assert task.interval == 3600


def test_the_task_purges_old_deletions_and_keeps_recent_ones(owner, record_interview):
    old = record_interview().application
    recent = record_interview(company="Kilima Foods").application
    long_ago = timezone.now() - timedelta(days=TRASH_DAYS + 1)
    services.delete_application(owner, old.pk)
    Application.all_objects.filter(pk=old.pk).update(deleted_at=long_ago)
    FollowUp.all_objects.filter(application_id=old.pk).update(deleted_at=long_ago)
    services.delete_application(owner, recent.pk)

    (purge,) = [task for task in worker.tasks() if task.name == "purge_trash"]
    purged = purge.fn(threading.Event())  # what the loop calls (run_due_tasks closes the
    # connection first, which a test inside one transaction cannot survive)

    assert isinstance(purged, int) and purged > 0
    assert not Application.all_objects.filter(pk=old.pk).exists()
    assert Application.all_objects.filter(pk=recent.pk).exists()
    services.restore_application(owner, recent.pk)  # a recent deletion can still be undone
    assert Application.objects.filter(pk=recent.pk).exists()
