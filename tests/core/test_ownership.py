"""Every service is scoped by owner: another user's ids look exactly like missing ones."""

import pytest

from followup.core import services
from followup.core.errors import NotFound
from followup.core.models import FollowUp


@pytest.fixture
def someone_elses(record_interview, django_user_model):
    other = django_user_model.objects.create(username="other")
    return record_interview(
        owner=other,
        company="Other Co",
        role="Analyst",
        start="2025-12-01 10:00",
        tz="Europe/London",
        country="GB",
        interviewers=["Pat Lee <pat@other.example>"],
        recruiter="",
        promised="",
        notes="",
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda me, r: services.get_application(me, r.application.pk),
        lambda me, r: services.get_interview(me, r.interview.pk),
        lambda me, r: services.get_follow_up(me, r.follow_ups[0].pk),
        lambda me, r: services.mark_done(me, r.follow_ups[0].pk),
        lambda me, r: services.skip(me, r.follow_ups[0].pk),
        lambda me, r: services.approve(me, r.follow_ups[0].pk),
        lambda me, r: services.unapprove(me, r.follow_ups[0].pk),
        lambda me, r: services.confirm_sent(me, r.follow_ups[0].pk),
        lambda me, r: services.cancel(me, r.follow_ups[0].pk, "not needed"),
        lambda me, r: services.record_reply(me, r.follow_ups[0].pk),
        lambda me, r: services.edit_draft(me, r.follow_ups[0].pk, "Hi", "Body"),
        lambda me, r: services.snooze(me, r.follow_ups[0].pk, 1),
        lambda me, r: services.set_outcome(me, r.application.pk, "rejected"),
        lambda me, r: services.record_interview(
            me,
            services.InterviewInput(
                company="",
                role="",
                start="2025-12-02 10:00",
                tz="UTC",
                application_id=r.application.pk,
            ),
        ),
    ],
)
def test_it_checks_ownership(someone_elses, call):
    me = services.get_local_user()
    before = list(FollowUp.objects.values_list("id", "status", "subject", "due"))
    with pytest.raises(NotFound):
        call(me, someone_elses)
    assert list(FollowUp.objects.values_list("id", "status", "subject", "due")) == before


def test_listings_show_only_my_rows(someone_elses):
    me = services.get_local_user()
    assert list(services.due_follow_ups(me)) == []
    assert list(services.applications(me)) == []
