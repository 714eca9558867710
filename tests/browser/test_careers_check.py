"""The careers check in a real browser: set the careers page, open it from Today, and done
brings the next check onto the plan."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.core.models import FollowUp
from followup.lib.vocabulary import zone

pytestmark = pytest.mark.browser

CAREERS = "https://savanna-mobile.example/careers"


@pytest.fixture
def watched(record_interview):
    """Interviewed 20 days ago and asked to watch their careers page: the first check is due."""
    start = (timezone.now() - timedelta(days=20)).astimezone(zone("Africa/Nairobi"))
    return record_interview(start=start.strftime("%Y-%m-%d %H:%M"), check_website=True)


def test_the_careers_check_opens_the_careers_page_and_done_brings_the_next(
    page, context, web, watched
):
    context.route(
        f"{CAREERS}**",
        lambda route: route.fulfill(
            body="<title>Careers</title><h1>Open roles at Savanna Mobile</h1>",
            content_type="text/html",
        ),
    )
    application = watched.application
    page.goto(f"{web.base_url}/applications/{application.pk}/")
    page.get_by_label("Careers page address").fill(CAREERS)
    page.get_by_role("button", name="Save careers page").click()
    expect(page.get_by_text("Savanna Mobile's careers page saved")).to_be_visible()

    page.goto(f"{web.base_url}/")
    row = page.locator(".fu", has_text="Careers page check")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("every 2 weeks until")
    expect(row.get_by_role("link", name="Open draft")).to_have_count(0)
    with context.expect_page() as opened:
        row.get_by_role("link", name="Open careers page").click()
    careers_tab = opened.value
    expect(careers_tab).to_have_url(CAREERS)
    expect(careers_tab.get_by_role("heading", name="Open roles at Savanna Mobile")).to_be_visible()
    careers_tab.close()

    first = FollowUp.objects.get(application=application, kind="careers_check")
    row.get_by_role("button", name="Done").click()
    expect(page.locator(f"#fu-{first.pk}")).to_contain_text(re.compile(r"The next check: \w{3} "))

    page.goto(f"{web.base_url}/applications/{application.pk}/")
    plan_checks = page.locator("#plan .fu", has_text="Careers page check")
    expect(plan_checks).to_have_count(1)
    expect(plan_checks.get_by_role("link", name="Open careers page")).to_have_attribute(
        "href", CAREERS
    )
    following = FollowUp.objects.get(
        application=application, kind="careers_check", status="planned"
    )
    assert following.pk != first.pk and following.due > timezone.now()


def test_a_refused_careers_address_is_shown_next_to_the_field(page, web, watched):
    page.goto(f"{web.base_url}/applications/{watched.application.pk}/")
    page.get_by_label("Careers page address").fill("not a web page")
    page.get_by_role("button", name="Save careers page").click()
    field = page.get_by_label("Careers page address")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_careers_url-error")).to_contain_text("is not a web address")
    expect(field).to_have_value("not a web page")
