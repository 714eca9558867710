"""Two worker processes on one database: each row is sent exactly once."""

from collections import Counter

import pytest

from followup.core.models import FollowUp

from .conftest import add_account, approve_now, make_application, start_worker

pytestmark = [pytest.mark.mail, pytest.mark.django_db(transaction=True)]


def test_two_workers_send_every_row_exactly_once(owner, smtp_server):
    add_account(owner, smtp_server, None)
    follow_ups = []
    for _ in range(4):
        follow_ups += make_application(owner, people=15)[1]
    approved = approve_now(owner, follow_ups)

    workers = [start_worker("--once", FOLLOWUP_SEND_BATCH_SIZE="3") for _ in range(2)]
    results = [w.communicate(timeout=120) for w in workers]

    assert [w.returncode for w in workers] == [0, 0], results
    sent = Counter(smtp_server.message_ids())
    assert set(sent) == {fu.message_id for fu in approved}
    assert set(sent.values()) == {1}
    assert FollowUp.objects.filter(owner=owner, status=FollowUp.Status.SENT).count() == 60
