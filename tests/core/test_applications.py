"""Applications on their own (services/applications.py): added before any interview, edited,
archived, deleted with undo, listed with search."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followup.core import services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, Company, Event, FollowUp, Interaction, Interview
from followup.core.services.trash import purge_trash
from followup.planner.types import APPLICATION_CHECK_IN

NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture
def monday_morning(time_machine):
    """Mon 1 Dec 2025, 09:00 in Nairobi (the owner's zone)."""
    time_machine.move_to(datetime(2025, 12, 1, 9, 0, tzinfo=NAIROBI))


def add(owner, **overrides):
    data = {"company": "Savanna Mobile", "role": "Sales Executive", **overrides}
    return services.add_application(owner, services.ApplicationInput(**data))


def check_ins(application):
    return list(
        FollowUp.objects.filter(
            application=application, kind=APPLICATION_CHECK_IN, status="planned"
        )
    )


def test_an_applied_application_is_dated_today_and_gets_one_check_in(owner, monday_morning):
    application = add(owner, url="https://savanna.example/jobs/12", salary="KES 150-200k")
    assert application.status == "applied"
    assert application.applied_on == date(2025, 12, 1)
    assert application.job_url == "https://savanna.example/jobs/12"
    (check_in,) = check_ins(application)
    # Ten business days after Mon 1 Dec, Fri 12 Dec (Jamhuri Day) not counted: Tue 16 Dec.
    assert check_in.due == datetime(2025, 12, 16, 10, 0, tzinfo=NAIROBI)
    assert check_in.recipient is None
    assert "Monday 1 December" in check_in.body
    kinds = list(Event.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds[0] == Event.Kind.APPLICATION_ADDED


def test_a_saved_application_plans_nothing(owner, monday_morning):
    application = add(owner, stage="saved")
    assert application.applied_on is None
    assert not FollowUp.objects.filter(application=application).exists()


def test_it_finds_the_company_whatever_its_case(owner, monday_morning):
    first = add(owner)
    second = add(owner, company="savanna mobile", role="Account Manager")
    assert first.company_id == second.company_id
    assert Company.objects.filter(owner=owner).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"company": " "}, "company"),
        ({"role": ""}, "role"),
        ({"role": "x" * 201}, "role"),
        ({"stage": "interviewing"}, "stage"),
        ({"stage": "wishlist"}, "stage"),
        ({"applied": "1 Dec"}, "applied"),
        ({"applied": "2025-12-02"}, "applied"),  # tomorrow
        ({"stage": "saved", "applied": "2025-11-20"}, "applied"),
        ({"url": "savanna.example/jobs"}, "url"),
        ({"url": "https://savanna.example/" + "a" * 200}, "url"),
        ({"location": "Nairobi\nKisumu"}, "location"),
        ({"salary": "x" * 101}, "salary"),
        ({"source": "bad\x00"}, "source"),
        ({"notes": "x" * 10_001}, "notes"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(owner, monday_morning, overrides, field):
    with pytest.raises(InvalidInput) as caught:
        add(owner, **overrides)
    assert caught.value.field == field
    assert not Application.objects.exists()
    assert not Company.objects.exists()


def test_editing_logs_what_changed_and_re_plans(owner, monday_morning):
    application = add(owner)
    edited = services.edit_application(
        owner, application.pk, {"role": "Senior Sales Executive", "applied": "2025-11-24"}
    )
    assert edited.role_title == "Senior Sales Executive"
    event = Event.objects.filter(application=application, kind=Event.Kind.APPLICATION_EDITED).get()
    assert event.message == "Edited: role, applied date"
    (check_in,) = check_ins(application)
    assert check_in.due.date() == date(2025, 12, 8)  # ten business days after Mon 24 Nov
    assert "Senior Sales Executive" in check_in.body


def test_an_edit_that_changes_nothing_logs_nothing(owner, monday_morning):
    application = add(owner, location="Nairobi")
    services.edit_application(
        owner, application.pk, {"location": "Nairobi", "company": "SAVANNA MOBILE"}
    )
    assert not Event.objects.filter(kind=Event.Kind.APPLICATION_EDITED).exists()


def test_a_new_company_name_moves_the_application_not_the_company(owner, monday_morning):
    application = add(owner)
    other = add(owner, role="Account Manager")
    services.edit_application(owner, application.pk, {"company": "Kilima Foods"})
    application.refresh_from_db()
    other.refresh_from_db()
    assert application.company.name == "Kilima Foods"
    assert other.company.name == "Savanna Mobile"


def test_a_stage_change_goes_through_move_to_stage(owner, monday_morning):
    application = add(owner, stage="saved")
    services.edit_application(owner, application.pk, {"stage": "applied"})
    application.refresh_from_db()
    assert application.status == "applied"
    assert application.applied_on == date(2025, 12, 1)
    assert Event.objects.filter(application=application, kind=Event.Kind.STAGE_CHANGED).exists()
    assert len(check_ins(application)) == 1


def test_bad_edits_name_the_field_and_change_nothing(owner, monday_morning):
    application = add(owner)
    for changes, field in (
        ({"stage": "hired"}, "stage"),
        ({"url": "ftp://x"}, "url"),
        ({"applied": "tomorrow"}, "applied"),
        ({"role": " "}, "role"),
        ({"colour": "blue"}, "colour"),
    ):
        with pytest.raises(InvalidInput) as caught:
            services.edit_application(owner, application.pk, changes)
        assert caught.value.field == field
    application.refresh_from_db()
    assert (application.status, application.role_title) == ("applied", "Sales Executive")


def test_recording_an_interview_on_an_application_moves_it_to_interviewing(
    owner, monday_morning, record_interview
):
    application = add(owner, stage="saved")
    recorded = record_interview(
        application_id=application.pk, company="", role="", start="2025-12-01 08:00"
    )
    assert recorded.application.pk == application.pk
    application.refresh_from_db()
    assert application.status == "interviewing"
    assert application.role_title == "Sales Executive"
    assert Event.objects.filter(application=application, kind=Event.Kind.STAGE_CHANGED).exists()
    assert not check_ins(application)


def test_archiving_puts_the_plan_on_hold_and_unarchiving_brings_it_back(owner, monday_morning):
    application = add(owner)
    (check_in,) = check_ins(application)
    FollowUp.objects.filter(pk=check_in.pk).update(status="approved")  # as if approved
    services.archive_application(owner, application.pk)
    check_in.refresh_from_db()
    assert check_in.status == "cancelled"
    assert not services.list_applications(owner).exists()
    assert services.list_applications(owner, include_archived=True).count() == 1
    services.unarchive_application(owner, application.pk)
    check_in.refresh_from_db()
    assert check_in.status == "planned"  # approving again is the person's call
    assert services.list_applications(owner).count() == 1


def test_delete_takes_everything_with_it_and_restore_brings_it_back(
    owner, monday_morning, record_interview
):
    recorded = record_interview(start="2025-12-01 08:00")
    application = recorded.application
    Interaction.objects.create(owner=owner, application=application, kind="note", text="Called")
    stamp = services.delete_application(owner, application.pk)
    with pytest.raises(NotFound):
        services.get_application(owner, application.pk)
    assert not Interview.objects.filter(application_id=application.pk).exists()
    assert not FollowUp.objects.filter(application_id=application.pk).exists()
    assert not Interaction.objects.filter(application_id=application.pk).exists()
    restored = services.restore_application(owner, application.pk, stamp)
    assert restored.pk == application.pk
    assert Interview.objects.filter(application=application).count() == 1
    assert Interaction.objects.filter(application=application).count() == 1
    assert FollowUp.objects.filter(application=application, status="planned").exists()
    assert Event.objects.filter(application=application, kind=Event.Kind.RESTORED).exists()


def test_restore_needs_a_deleted_application_of_ones_own(owner, monday_morning):
    application = add(owner)
    with pytest.raises(NotFound):
        services.restore_application(owner, application.pk)
    stranger = get_user_model().objects.create(username="stranger")
    services.delete_application(owner, application.pk)
    with pytest.raises(NotFound):
        services.restore_application(stranger, application.pk)
    with pytest.raises(NotFound):
        services.delete_application(stranger, application.pk)


def test_the_trash_is_purged_after_thirty_days(owner, monday_morning, time_machine):
    application = add(owner)
    services.delete_application(owner, application.pk)
    assert purge_trash() == 0
    time_machine.move_to(datetime(2026, 1, 5, 9, 0, tzinfo=NAIROBI))
    assert purge_trash() >= 2  # the application and its check-in
    assert not Application.all_objects.filter(pk=application.pk).exists()


def test_the_list_searches_company_role_and_contact_names_in_any_case(
    owner, monday_morning, record_interview
):
    add(owner, company="Kilima Foods", role="Buyer")
    add(owner, company="Nyota Bank", role="Teller", stage="saved")
    record_interview(start="2025-12-01 08:00")  # Wanjiku Kamau interviewed, Grace recruits

    def found(**kwargs):
        return sorted(row["company_name"] for row in services.list_applications(owner, **kwargs))

    assert found(search="KILIMA") == ["Kilima Foods"]
    assert found(search="teller") == ["Nyota Bank"]
    assert found(search="wanjiku") == ["Savanna Mobile"]
    assert found(search="achieng") == ["Savanna Mobile"]
    assert found(status="saved") == ["Nyota Bank"]
    assert found() == ["Kilima Foods", "Nyota Bank", "Savanna Mobile"]
    with pytest.raises(InvalidInput) as caught:
        found(status="hired")
    assert caught.value.field == "stage"


def test_the_list_runs_one_query_for_a_page_at_any_size(owner, monday_morning):
    company = Company.objects.create(owner=owner, name="Acme")

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            list(services.list_applications(owner, search="acme")[:50])
        return len(captured)

    Application.objects.bulk_create(
        Application(owner=owner, company=company, role_title=f"Role {i}") for i in range(10)
    )
    small = page_queries()
    Application.objects.bulk_create(
        Application(owner=owner, company=company, role_title=f"Role {i}") for i in range(1000)
    )
    assert page_queries() == small == 1


def test_a_page_of_the_list_is_one_query_in_the_lists_order(owner, monday_morning):
    company = Company.objects.create(owner=owner, name="Acme")
    Application.objects.bulk_create(
        Application(owner=owner, company=company, role_title=f"Role {i}") for i in range(30)
    )
    everything = [row["pk"] for row in services.list_applications(owner)]
    with CaptureQueriesContext(connection) as captured:
        second = services.application_page(owner, offset=10, limit=10)
    assert len(captured) == 1
    assert [row["pk"] for row in second] == everything[10:20]
    assert services.application_page(owner, search="nobody") == []
