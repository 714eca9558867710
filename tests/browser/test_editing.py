"""Editing what was recorded, in real Chromium: an interview's time (the plan moves), deleting an
interview and undoing it, a follow-up moved on its Draft page, and a malformed interviewer
shown next to its field."""

import re

from playwright.sync_api import expect

from followup.core.models import Contact, FollowUp, Interview


def far_ahead(record_interview):
    """Tue 5 Mar 2030, 10:00 EAT, nothing promised: its follow-ups are all still to come."""
    return record_interview(start="2030-03-05 10:00", promised="")


def test_edit_an_interviews_time_and_see_the_plan_move(page, web, owner, record_interview):
    recorded = far_ahead(record_interview)
    page.goto(f"{web.base_url}/applications/{recorded.application.pk}/")
    plan = page.locator("#plan")
    thank_you = plan.locator(".fu", has_text="Thank-you")
    expect(thank_you).to_contain_text("Tue 5 Mar, 12:00 EAT")
    page.get_by_role("link", name="Edit the first round interview").click()
    expect(page.get_by_role("heading", name="Edit the first round interview")).to_be_visible()
    page.get_by_label("Started at").fill("2030-03-12T10:00")
    page.get_by_role("button", name="Save and re-plan").click()
    expect(page.get_by_text(re.compile(r"Interview saved \(time changed\)"))).to_be_visible()
    expect(thank_you).to_contain_text("Tue 12 Mar, 12:00 EAT")
    expect(page.locator(".timeline")).to_contain_text(
        "First round interview edited: time (now Tue 12 Mar 2030, 10:00 EAT)"
    )


def test_delete_an_interview_and_undo_it(page, web, owner, record_interview):
    recorded = far_ahead(record_interview)
    count = FollowUp.objects.filter(interview=recorded.interview).count()
    page.goto(f"{web.base_url}/applications/{recorded.application.pk}/")
    page.get_by_role("link", name="Delete the first round interview").click()
    expect(page.get_by_role("heading", name="Delete the first round interview?")).to_be_visible()
    expect(page.get_by_text(f"with its {count} follow-ups")).to_be_visible()
    page.get_by_role("button", name="Delete the interview").click()
    expect(page.get_by_role("heading", name="Deleted")).to_be_visible()
    assert not Interview.objects.exists()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("The First round interview is back, with its plan.")).to_be_visible()
    expect(page.locator("#plan .fu", has_text="Thank-you")).to_have_count(1)
    assert Interview.objects.filter(pk=recorded.interview.pk).exists()
    assert FollowUp.objects.filter(interview=recorded.interview).count() == count


def test_keep_it_on_the_confirmation_deletes_nothing(page, web, owner, record_interview):
    recorded = far_ahead(record_interview)
    page.goto(f"{web.base_url}/interviews/{recorded.interview.pk}/delete/")
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", name=re.compile("Sales Executive"))).to_be_visible()
    assert Interview.objects.filter(pk=recorded.interview.pk).exists()


def test_move_a_follow_up_to_another_time_on_its_draft_page(page, web, owner, record_interview):
    recorded = far_ahead(record_interview)
    thank_you = FollowUp.objects.get(application=recorded.application, kind="thank_you")
    page.goto(f"{web.base_url}/follow-ups/{thank_you.pk}/draft/")
    page.get_by_label("New time").fill("2030-03-06T09:15")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("Thank-you moved to Wed 6 Mar 2030, 09:15 EAT.")).to_be_visible()
    expect(page.locator(".page-head time")).to_contain_text("Wed 6 Mar")
    page.get_by_label("New time").fill("2001-01-01T09:00")
    page.get_by_role("button", name="Move", exact=True).click()
    error = page.locator("#id_move-at-error")
    expect(error).to_contain_text("is in the past")
    expect(page.get_by_label("New time")).to_have_attribute("aria-describedby", "id_move-at-error")


def test_a_malformed_interviewer_shows_its_error_next_to_the_field(page, web, owner):
    page.goto(f"{web.base_url}/interviews/new/")
    page.get_by_role("combobox", name="Company", exact=True).fill("Savanna Mobile")
    page.get_by_role("textbox", name="Role", exact=True).fill("Sales Executive")
    page.get_by_label("Started at").fill("2025-12-09T10:00")
    page.get_by_label("Interviewers").fill("Name name-at-x")
    page.get_by_role("button", name="Save and see the plan").click()
    error = page.locator("#id_interviewers-error")
    expect(error).to_contain_text("'Name name-at-x' has no email address")
    field = page.get_by_label("Interviewers")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("Name name-at-x")  # what was typed is kept
    assert not Contact.objects.exists() and not Interview.objects.exists()


def test_a_new_promise_resolves_as_you_type_and_moves_the_check_in(
    page, web, owner, record_interview
):
    recorded = far_ahead(record_interview)  # Tue 5 Mar 2030
    page.goto(f"{web.base_url}/interviews/{recorded.interview.pk}/edit/")
    page.get_by_label("What did they promise?").press_sequentially("by Friday")
    expect(page.locator("#promise-preview")).to_contain_text("→ check in Mon 11 Mar, 10:00 EAT")
    page.get_by_role("button", name="Save and re-plan").click()
    expect(
        page.get_by_text(re.compile(r"Interview saved \(their promise changed\)"))
    ).to_be_visible()
    expect(page.locator("#plan .fu", has_text="Check-in").first).to_contain_text("Mon 11 Mar")
