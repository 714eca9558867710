"""The follow-up desk in a real browser: sign in, record, review drafts, act, on a phone too."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.core.models import Application, FollowUp

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_printed_link_signs_in_and_lands_on_today(context, web, owner):
    tab = context.new_page()
    tab.goto(web.sign_in_url)
    expect(tab).to_have_url(f"{web.base_url}/")
    expect(tab.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(tab.get_by_text("Start with your last interview")).to_be_visible()
    assert "token" not in tab.url


def test_record_an_interview_with_a_promised_date_and_see_the_plan(page, web):
    page.get_by_role("link", name="Record an interview").first.click()
    expect(page.get_by_role("heading", name="Record an interview")).to_be_visible()
    page.get_by_role("combobox", name="Company", exact=True).fill("Savanna Mobile")
    page.get_by_role("textbox", name="Role", exact=True).fill("Sales Executive")
    page.get_by_label("Company's country").select_option("KE")
    page.get_by_label("Started at").fill("2025-12-09T10:00")
    page.get_by_label("Interviewers").fill("Wanjiku Kamau <wanjiku@savanna.example>")
    page.get_by_role("button", name="+ Add another interviewer").click()
    rows = page.locator('input[name="interviewers"]')
    expect(rows).to_have_count(3)
    rows.nth(1).fill("Otieno Odhiambo <otieno@savanna.example>")
    page.get_by_label("What did they promise?").press_sequentially(
        "we'll get back to you by Friday"
    )
    expect(page.locator("#promise-preview")).to_have_text(
        "→ check in Mon 15 Dec, 10:00 EAT — Fri 12 Dec is Jamhuri Day"
    )
    page.get_by_label("What was discussed").fill("Growing the SME data bundles in Kisumu.")
    page.get_by_role("button", name="Save and see the plan").click()

    expect(page.get_by_role("heading", name=re.compile("Sales Executive"))).to_be_visible()
    plan = page.locator("#plan")
    expect(plan.get_by_text("Interview recorded.")).to_have_count(
        0
    )  # the message is above the plan
    expect(
        page.get_by_text(re.compile(r"Interview recorded\. \d+ follow-ups planned\."))
    ).to_be_visible()
    expect(
        plan.locator(".fu", has_text="Wanjiku Kamau").filter(has_text="Thank-you")
    ).to_have_count(1)
    expect(
        plan.locator(".fu", has_text="Otieno Odhiambo").filter(has_text="Thank-you")
    ).to_have_count(1)
    expect(plan.locator(".fu", has_text="Check-in").first).to_contain_text("Mon 15 Dec, 10:00 EAT")


def test_edit_a_draft_see_a_warning_go_away_and_approve_it(page, web, owner, record_recent):
    thank_you = next(fu for fu in record_recent().follow_ups if fu.kind == "thank_you")
    page.goto(f"{web.base_url}/follow-ups/{thank_you.pk}/draft/")
    warnings = page.locator("#warnings")
    expect(warnings).not_to_contain_text("has no subject")
    subject = page.get_by_label("Subject")
    subject.fill("")
    expect(warnings).to_contain_text("has no subject")
    subject.fill("Thank you: Sales Executive interview at Savanna Mobile")
    expect(warnings).not_to_contain_text("has no subject")
    expect(page.locator("#mailto-link")).to_have_attribute(
        "href", re.compile(r"subject=Thank%20you%3A%20Sales")
    )
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.", exact=False).first).to_be_visible()
    expect(page.locator(".page-head .badge")).to_have_text("Approved")
    thank_you.refresh_from_db()
    assert thank_you.status == "approved"
    assert thank_you.subject == "Thank you: Sales Executive interview at Savanna Mobile"


def test_mark_a_follow_up_sent_from_today(page, web, owner, record_recent):
    thank_you = next(fu for fu in record_recent().follow_ups if fu.kind == "thank_you")
    page.goto(f"{web.base_url}/")
    row = page.locator(f"#fu-{thank_you.pk}")
    expect(row).to_contain_text("Wanjiku Kamau")
    row.get_by_role("button", name="Mark sent").click()
    expect(row).to_contain_text("Marked sent.")
    expect(row.get_by_role("button", name="Mark sent")).to_have_count(0)
    # The keyboard stays on the row that changed, and a screen reader hears what happened.
    expect(row).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("Marked sent.")
    thank_you.refresh_from_db()
    assert thank_you.status == "sent"


def test_a_reloaded_page_still_takes_its_buttons_and_shows_the_change(
    page, web, owner, record_recent
):
    thank_you = next(fu for fu in record_recent().follow_ups if fu.kind == "thank_you")
    page.goto(f"{web.base_url}/")
    page.reload()  # nothing changed: the same page again, its forms still post
    row = page.locator(f"#fu-{thank_you.pk}")
    row.get_by_role("button", name="Done").click()
    expect(row).to_contain_text("Marked done.")
    page.reload()
    expect(page.locator(f"#fu-{thank_you.pk}")).to_have_count(0)


def test_without_javascript_a_reloaded_page_still_posts_its_forms(
    browser, web, owner, record_recent
):
    thank_you = next(fu for fu in record_recent().follow_ups if fu.kind == "thank_you")
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(web.sign_in_url)
        tab.reload()
        tab.locator(f"#fu-{thank_you.pk}").get_by_role("button", name="Skip").click()
        expect(tab.locator(".message")).to_contain_text("Skipped.")
        expect(tab.locator(f"#fu-{thank_you.pk}")).to_have_count(0)
    finally:
        context.close()
    thank_you.refresh_from_db()
    assert thank_you.status == "skipped"


def test_snooze_a_follow_up_by_a_week(page, web, owner, record_recent):
    thank_you = next(fu for fu in record_recent().follow_ups if fu.kind == "thank_you")
    page.goto(f"{web.base_url}/")
    row = page.locator(f"#fu-{thank_you.pk}")
    row.get_by_role("button", name="Snooze a week").click()
    expect(row).to_contain_text("Snoozed to")
    thank_you.refresh_from_db()
    assert thank_you.due > timezone.now() + timedelta(days=6)


def test_set_the_application_rejected_and_see_the_rejection_reply(page, web, owner, record_recent):
    recorded = record_recent()
    page.goto(f"{web.base_url}/applications/{recorded.application.pk}/")
    expect(page.locator("#plan")).not_to_contain_text("Reply to rejection")
    page.get_by_label("What happened?").select_option("rejected")
    page.get_by_role("button", name="Set outcome").click()
    expect(page.get_by_text("Outcome set: rejected.")).to_be_visible()
    reply = page.locator("#plan .fu", has_text="Reply to rejection")
    expect(reply).to_have_count(1)
    expect(page.locator("#plan")).not_to_contain_text("Second check-in")
    assert Application.objects.get(pk=recorded.application.pk).status == "rejected"


def test_the_keyboard_reaches_the_skip_link_first_and_focus_is_visible(page, web, owner):
    page.goto(f"{web.base_url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


PHONE_PAGES = ["/", "/interviews/new/", "/pipeline/", "/settings/"]


def test_today_and_the_other_pages_fit_a_390_pixel_wide_phone(browser, web, owner, record_recent):
    recorded = record_recent(
        interviewers=[
            "Wanjiku Kamau <wanjiku.kamau.with.a.very.long.address@savanna-mobile-holdings.example>",
            "Otieno Odhiambo <otieno@savanna.example>",
        ],
    )
    FollowUp.objects.filter(application=recorded.application, kind="check_in").update(
        due=timezone.now() - timedelta(days=2)
    )
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        tab = phone.new_page()
        tab.goto(web.sign_in_url)
        expect(tab.get_by_role("heading", name="Today", level=1)).to_be_visible()
        expect(tab.locator(".fu").first).to_be_visible()
        draft = recorded.follow_ups[0].pk
        for path in [
            *PHONE_PAGES,
            f"/applications/{recorded.application.pk}/",
            f"/follow-ups/{draft}/draft/",
        ]:
            tab.goto(f"{web.base_url}{path}")
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways: {width}px wide"
        tab.goto(f"{web.base_url}/")
        button = tab.locator(".fu").first.get_by_role("button", name="Done")
        box = button.bounding_box()
        assert box["height"] >= 32  # a thumb can hit it
    finally:
        phone.close()


@pytest.mark.skipif(
    os.environ.get("FOLLOWUP_SCREENSHOTS") != "1",
    reason="set FOLLOWUP_SCREENSHOTS=1 to refresh docs/screenshots",
)
def test_take_the_readme_screenshots_from_demo_data(browser, web, owner):
    from followup.core import demo

    demo.create_demo(owner)
    sales = Application.objects.get(owner=owner, company__name="Savanna Mobile")
    draft = FollowUp.objects.filter(application=sales, kind="thank_you").order_by("id").first()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {
        "today.png": "/",
        "record-interview.png": "/interviews/new/",
        "application.png": f"/applications/{sales.pk}/",
        "draft.png": f"/follow-ups/{draft.pk}/draft/",
    }
    desktop = browser.new_context(
        viewport={"width": 1280, "height": 860}, locale="en-GB", timezone_id="Africa/Nairobi"
    )
    try:
        tab = desktop.new_page()
        tab.goto(web.sign_in_url)
        for name, path in shots.items():
            tab.goto(f"{web.base_url}{path}")
            if name == "record-interview.png":
                tab.get_by_role("combobox", name="Company", exact=True).fill("Savanna Mobile")
                tab.get_by_role("textbox", name="Role", exact=True).fill("Sales Executive")
                tab.get_by_label("Company's country").select_option("KE")
                tab.get_by_label("Started at").fill("2025-12-09T10:00")
                tab.get_by_label("Interviewers").fill(
                    "Wanjiku Kamau <wanjiku.kamau@savanna-mobile.example>"
                )
                tab.locator('input[name="interviewers"]').nth(1).fill(
                    "Otieno Odhiambo <otieno.odhiambo@savanna-mobile.example>"
                )
                tab.get_by_label("Recruiter or coordinator").fill(
                    "Grace Achieng <grace.achieng@savanna-mobile.example>"
                )
                tab.get_by_label("What did they promise?").press_sequentially(
                    "we'll get back to you by Friday"
                )
                tab.get_by_label("What was discussed").fill(
                    "Growing the SME data bundles in Kisumu and Eldoret."
                )
                tab.get_by_label("What did they promise?").focus()
                expect(tab.locator("#promise-preview")).to_contain_text("Jamhuri Day")
            tab.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    finally:
        desktop.close()
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        tab = phone.new_page()
        tab.goto(web.new_sign_in_url())
        expect(tab.get_by_role("heading", name="Today", level=1)).to_be_visible()
        tab.screenshot(path=str(SCREENSHOTS / "today-phone.png"))
    finally:
        phone.close()
    assert all((SCREENSHOTS / name).stat().st_size > 10_000 for name in [*shots, "today-phone.png"])


def test_the_template_editor_previews_as_you_type_and_saves(page, web, owner):
    page.goto(f"{web.base_url}/settings/")
    page.get_by_role("link", name="Thank-you").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Wanjiku")
    subject = page.get_by_label("Subject")
    subject.fill("Thanks from {{ candidate_name }}: {{ role_title }}")
    expect(preview).to_contain_text("Thanks from Amina Njeri: Sales Executive")
    subject.fill("Thanks {{ nonsense }}")
    expect(preview).to_contain_text("unknown name 'nonsense'")
    subject.fill("Thank you: {{ role_title }} at {{ company_name }}")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text("Template saved")).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value(
        "Thank you: {{ role_title }} at {{ company_name }}"
    )


def test_show_more_adds_the_next_rows_with_and_without_javascript(
    browser, page, web, owner, record_recent
):
    for n in range(3):
        record_recent(
            company=f"Company {n}",
            interviewers=[f"Person{i} Example <p{i}.{n}@company.example>" for i in range(8)],
        )
    FollowUp.objects.filter(owner=owner, kind="thank_you").update(
        due=timezone.now() - timedelta(days=2)
    )
    overdue = page.locator(".section-overdue")
    page.goto(f"{web.base_url}/")
    expect(overdue.locator("li.fu")).to_have_count(20)
    overdue.get_by_role("link", name="Show 4 more").click()
    expect(overdue.locator("li.fu")).to_have_count(24)
    expect(overdue.locator("li.fu").nth(20)).to_be_focused()  # the keyboard is on the first new row
    expect(overdue.get_by_role("link", name=re.compile("^Show"))).to_have_count(0)
    expect(page).to_have_url(f"{web.base_url}/")  # added in place
    # A row that came in this way takes its buttons like the others.
    last = overdue.locator("li.fu").last
    last.get_by_role("button", name="Done").click()
    expect(last).to_contain_text("Marked done.")

    plain = browser.new_context(java_script_enabled=False)
    try:
        tab = plain.new_page()
        tab.goto(web.new_sign_in_url())
        tab.locator(".section-overdue").get_by_role("link", name="Show 3 more").click()
        expect(tab.get_by_role("heading", name=re.compile("^Overdue"), level=1)).to_be_visible()
        expect(tab.locator("li.fu")).to_have_count(3)
    finally:
        plain.close()
