from datetime import timedelta

from followup.lib.backoff import PUSH_RETRY, SEND_RETRY, retry_delay


def test_sending_waits_longer_after_each_failure_up_to_six_hours():
    waits = [retry_delay(n, SEND_RETRY) for n in range(1, 15)]
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert waits == sorted(waits)
    assert waits[-1] == timedelta(hours=6)


def test_pushes_follow_their_own_schedule_and_keep_its_last_step():
    assert retry_delay(1, PUSH_RETRY) == timedelta(minutes=1)
    assert retry_delay(3, PUSH_RETRY) == timedelta(minutes=15)
    assert retry_delay(99, PUSH_RETRY) == timedelta(hours=4)
