"""A send that failed, in a real browser: shown on Today with its error; Retry puts it back in
the outbox; on the Draft page, Un-approve takes it back."""

import pytest
from playwright.sync_api import expect

from followup.core import services
from followup.core.models import FollowUp

pytestmark = pytest.mark.browser
REFUSAL = "550 5.1.1 No such user here"


@pytest.fixture
def failed(owner, record_recent):
    """Data set-up: a thank-you the mail server refused (as the sender leaves it)."""
    fu = next(fu for fu in record_recent().follow_ups if fu.kind == "thank_you")
    services.approve(owner, fu.pk, send_now=True)
    FollowUp.objects.filter(pk=fu.pk).update(status="failed", attempts=3, last_error=REFUSAL)
    return fu


def test_a_failed_send_shows_on_today_and_retry_puts_it_back_in_the_outbox(page, web, failed):
    page.goto(f"{web.base_url}/")
    section = page.get_by_role("region", name="Needs attention")
    expect(section).to_be_visible()
    row = section.locator(f"#attention-{failed.pk}")
    expect(row).to_contain_text("Wanjiku Kamau")
    expect(row.get_by_role("alert")).to_contain_text(REFUSAL)

    row.get_by_role("button", name="Retry").click()

    expect(page).to_have_url(f"{web.base_url}/")
    expect(page.get_by_text("Back in the outbox", exact=False)).to_be_visible()
    expect(page.get_by_role("region", name="Needs attention")).to_have_count(0)
    fu = FollowUp.objects.get(pk=failed.pk)
    assert (fu.status, fu.attempts, fu.last_error) == ("approved", 0, "")


def test_the_draft_page_shows_the_error_and_unapprove_takes_it_back(page, web, failed):
    page.goto(f"{web.base_url}/")
    page.get_by_role("region", name="Needs attention").get_by_role(
        "link", name="Open draft"
    ).click()
    problem = page.get_by_role("region", name="This was not sent")
    expect(problem.get_by_role("alert")).to_have_text(REFUSAL)
    problem.get_by_role("button", name="Un-approve").click()

    expect(page.get_by_text("No longer approved", exact=False)).to_be_visible()
    expect(page.get_by_role("region", name="This was not sent")).to_have_count(0)
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert FollowUp.objects.get(pk=failed.pk).status == "planned"
