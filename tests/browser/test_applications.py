"""Applications in a real browser: add one before any interview and find it on the Pipeline and
in the list, edit it, search, show more, delete it and undo."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.core.models import Application, Company

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_add_an_application_without_an_interview_and_find_it_everywhere(page, web):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    expect(page.get_by_role("heading", name="Applications", level=1)).to_be_visible()
    page.get_by_role("link", name="Add an application").first.click()
    page.get_by_role("combobox", name="Company").fill("Savanna Mobile")
    page.get_by_role("textbox", name="Role", exact=True).fill("Sales Executive")
    page.get_by_label("Job advert (link)").fill("savanna.example/jobs")  # no scheme: refused
    page.get_by_role("button", name="Add the application").click()
    url = page.get_by_label("Job advert (link)")
    expect(url).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_url-error")).to_contain_text("not a web address")
    assert not Application.objects.exists()
    url.fill("https://savanna.example/jobs/12")
    page.get_by_label("Location").fill("Nairobi")
    page.get_by_role("button", name="Add the application").click()

    expect(page.get_by_role("heading", name=re.compile("Sales Executive"))).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Application added")
    expect(page.locator("#plan")).to_contain_text("Application check-in")
    expect(page.locator(".application-details")).to_contain_text("Nairobi")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pipeline").click()
    expect(page.locator("section.column-applied")).to_contain_text("Sales Executive")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    expect(page.locator("#application-rows")).to_contain_text("Savanna Mobile")


def test_a_saved_posting_sits_in_the_saved_column(page, web):
    page.goto(f"{web.base_url}/applications/new/")
    page.get_by_role("combobox", name="Company").fill("Kilima Foods")
    page.get_by_role("textbox", name="Role", exact=True).fill("Buyer")
    page.get_by_label("Stage").select_option("saved")
    page.get_by_role("button", name="Add the application").click()
    expect(page.locator(".application-details")).to_contain_text("Not yet (saved)")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pipeline").click()
    expect(page.locator("section.column-saved")).to_contain_text("Buyer")


def test_edit_an_application(page, web, owner):
    from followup.core import services

    application = services.add_application(
        owner, services.ApplicationInput(company="Savanna Mobile", role="Sales Executive")
    )
    page.goto(f"{web.base_url}/applications/{application.pk}/")
    page.get_by_role("link", name="Edit", exact=True).click()
    role = page.get_by_role("textbox", name="Role", exact=True)
    expect(role).to_have_value("Sales Executive")
    role.fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_role-error")).to_contain_text("is required")
    page.get_by_role("textbox", name="Role", exact=True).fill("Senior Sales Executive")
    page.get_by_label("Salary range").fill("KES 200-250k")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Senior Sales Executive"))).to_be_visible()
    expect(page.locator(".application-details")).to_contain_text("KES 200-250k")
    expect(page.locator(".timeline")).to_contain_text("Edited: role, salary")


def test_delete_and_undo(page, web, owner, record_interview):
    application = record_interview().application
    page.goto(f"{web.base_url}/applications/{application.pk}/")
    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name="Delete this application?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted: Sales Executive at Savanna Mobile")).to_be_visible()
    assert not Application.objects.filter(pk=application.pk).exists()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Restored: Sales Executive at Savanna Mobile")).to_be_visible()
    expect(page.locator("#plan")).to_contain_text("Thank-you")
    assert Application.objects.filter(pk=application.pk).exists()


def test_search_and_show_more_in_place(page, web, owner):
    company = Company.objects.create(owner=owner, name="Acme")
    Application.objects.bulk_create(
        Application(owner=owner, company=company, role_title=f"Analyst {i:03}") for i in range(60)
    )
    Application.objects.create(owner=owner, company=company, role_title="Lighthouse keeper")
    page.goto(f"{web.base_url}/applications/")
    rows = page.locator("#application-rows tr")
    expect(rows).to_have_count(50)
    page.get_by_role("link", name="Show more").click()
    expect(rows).to_have_count(61)
    expect(page.get_by_role("link", name="Show more")).to_have_count(0)
    assert page.url == f"{web.base_url}/applications/"  # htmx added them in place
    page.get_by_role("searchbox", name="Search").fill("LIGHTHOUSE")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Lighthouse keeper")


@pytest.mark.skipif(
    os.environ.get("FOLLOWUP_SCREENSHOTS") != "1",
    reason="set FOLLOWUP_SCREENSHOTS=1 to refresh docs/screenshots",
)
def test_take_the_applications_screenshots_from_demo_data(browser, web, owner):
    from followup.core import demo, services

    demo.create_demo(owner)
    applied = services.add_application(
        owner,
        services.ApplicationInput(
            company="Nyota Bank",
            role="Relationship Manager, SME Banking",
            applied=(timezone.localdate() - timedelta(days=3)).isoformat(),
            url="https://nyota-bank.example/careers/rm-sme",
            location="Nairobi, hybrid",
            salary="KES 180,000-220,000 a month",
            source="Referral from a former colleague",
            cv="CV 2025, banking",
        ),
    )
    services.add_application(
        owner,
        services.ApplicationInput(
            company="Kilima Foods", role="Key Account Manager", stage="saved", source="LinkedIn"
        ),
    )
    shots = {
        "applications.png": "/applications/",
        "application-without-interview.png": f"/applications/{applied.pk}/",
    }
    desktop = browser.new_context(
        viewport={"width": 1280, "height": 860}, locale="en-GB", timezone_id="Africa/Nairobi"
    )
    try:
        tab = desktop.new_page()
        tab.goto(web.sign_in_url)
        for name, path in shots.items():
            tab.goto(f"{web.base_url}{path}")
            tab.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    finally:
        desktop.close()
    assert all((SCREENSHOTS / name).stat().st_size > 10_000 for name in shots)
