"""Contacts, logging a call and WhatsApp follow-ups in a real browser."""

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from followup.core.models import Contact, FollowUp

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_add_and_edit_a_contact_with_a_phone_number(page, web, owner, record_recent):
    record_recent()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Otieno Odhiambo")
    page.get_by_label("Phone").fill("0722 000 000")
    page.get_by_label("Company").fill("Savanna Mobile")
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_text("Otieno Odhiambo added.")).to_be_visible()
    expect(page.get_by_label("Phone")).to_have_value("+254722000000")

    # A number that is not one: the error is next to the field and nothing changes.
    page.get_by_label("Phone").fill("12")
    page.get_by_role("button", name="Save contact").click()
    error = page.locator("#id_phone-error")
    expect(error).to_contain_text("not a valid phone number")
    expect(page.get_by_label("Phone")).to_have_attribute("aria-invalid", "true")
    assert Contact.objects.get(name="Otieno Odhiambo").phone == "+254722000000"

    page.get_by_label("Phone").fill("+44 7911 123456")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_label("Phone")).to_have_value("+447911123456")

    page.goto(f"{web.base_url}/contacts/")
    page.get_by_label("Search by name, email, company or title").fill("otieno")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page.locator(".contact-row")).to_contain_text("+447911123456")


def test_log_a_call_and_see_the_ladder_stop(page, web, owner, record_recent):
    application = record_recent().application
    page.goto(f"{web.base_url}/applications/{application.pk}/")
    plan = page.locator("#plan")
    expect(plan.locator(".fu", has_text="Check-in").first).to_be_visible()
    form = page.locator("#log-form")
    form.get_by_label("Call").check()
    form.get_by_label("With").select_option(label="Grace Achieng")
    form.get_by_label("What was said or agreed").fill("The panel decides on Friday.")
    form.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("It counts as their reply: the check-ins stop.")).to_be_visible()
    expect(plan.locator(".fu", has_text="Check-in")).to_have_count(0)
    expect(page.locator("#interactions")).to_contain_text("The panel decides on Friday.")
    expect(page.locator(".timeline")).to_contain_text("Grace Achieng called you on")


def test_a_phone_follow_up_offers_the_number_and_log_the_call(page, web, owner, record_recent):
    application = record_recent().application
    grace = application.recruiter
    page.goto(f"{web.base_url}/contacts/{grace.pk}/")
    page.get_by_label("Phone").fill("0712 345 678")
    page.get_by_label("Preferred channel").select_option("phone")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Grace Achieng saved")).to_be_visible()

    page.goto(f"{web.base_url}/applications/{application.pk}/")
    row = page.locator("#plan .fu", has_text="Check-in").first
    expect(row.get_by_role("link", name="Call +254 712 345678")).to_have_attribute(
        "href", "tel:+254712345678"
    )
    row.get_by_role("link", name="Log the call").click()
    form = page.locator("#log-form")
    expect(form.get_by_label("Call")).to_be_checked()
    expect(form.get_by_label("With")).to_have_value(str(grace.pk))


def test_the_whatsapp_link_carries_the_draft(page, web, owner, record_recent):
    application = record_recent().application
    wanjiku = Contact.objects.get(email="wanjiku@savanna.example")
    page.goto(f"{web.base_url}/contacts/{wanjiku.pk}/")
    page.get_by_label("Phone").fill("+254 712 345 678")
    page.get_by_label("Preferred channel").select_option("whatsapp")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Wanjiku Kamau saved")).to_be_visible()

    thank_you = FollowUp.objects.get(application=application, recipient=wanjiku, kind="thank_you")
    assert thank_you.channel == "whatsapp"
    page.goto(f"{web.base_url}/follow-ups/{thank_you.pk}/draft/")
    link = page.get_by_role("link", name="Open in WhatsApp")
    expect(link).to_have_attribute(
        "href", f"https://wa.me/254712345678?text={quote(thank_you.body, safe='')}"
    )
    page.get_by_label("Message").fill("Thank you, Wanjiku!")
    expect(link).to_have_attribute("href", re.compile(r"text=Thank%20you%2C%20Wanjiku!$"))
    page.get_by_role("button", name="Mark sent").click()
    expect(page.get_by_text("Marked sent.")).to_be_visible()
    assert FollowUp.objects.get(pk=thank_you.pk).status == "sent"


@pytest.mark.skipif(
    os.environ.get("FOLLOWUP_SCREENSHOTS") != "1",
    reason="set FOLLOWUP_SCREENSHOTS=1 to refresh docs/screenshots",
)
def test_take_the_contacts_screenshots_from_demo_data(browser, web, owner):
    from followup.core import demo
    from followup.core.services import contacts

    demo.create_demo(owner)
    grace = Contact.objects.filter(owner=owner, name__startswith="Grace").first() or (
        Contact.objects.filter(owner=owner).order_by("id").first()
    )
    contacts.edit_contact(owner, grace.pk, phone="0712 345 678", channel="whatsapp")
    shots = {"contacts.png": "/contacts/", "contact.png": f"/contacts/{grace.pk}/"}
    desktop = browser.new_context(
        viewport={"width": 1280, "height": 860}, locale="en-GB", timezone_id="Africa/Nairobi"
    )
    try:
        tab = desktop.new_page()
        tab.goto(web.sign_in_url)
        for name, url in shots.items():
            tab.goto(f"{web.base_url}{url}")
            tab.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    finally:
        desktop.close()
    assert all((SCREENSHOTS / name).stat().st_size > 10_000 for name in shots)
