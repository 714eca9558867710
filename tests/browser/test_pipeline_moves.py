"""The Pipeline in real Chromium: a card moves between stages by drag and drop and by the
keyboard's "Move to…", and the search filters the board (with htmx and without JavaScript)."""

from playwright.sync_api import expect

from followup.core.models import Application, Event


def test_drag_a_card_to_another_stage(page, web, owner, record_recent):
    recorded = record_recent()
    page.goto(f"{web.base_url}/pipeline/")
    card = page.locator(f"#card-{recorded.application.pk}")
    expect(page.locator("#col-interviewing").locator("xpath=..")).to_contain_text("Savanna Mobile")
    card.drag_to(page.locator("section.column-offer"))
    expect(page.get_by_text("Sales Executive at Savanna Mobile moved to Offer.")).to_be_visible()
    expect(page.locator("section.column-offer")).to_contain_text("Savanna Mobile")
    expect(page.locator("section.column-interviewing")).not_to_contain_text("Savanna Mobile")
    assert Application.objects.get(pk=recorded.application.pk).status == "offer"
    assert Event.objects.filter(kind=Event.Kind.STAGE_CHANGED).count() == 1


def test_move_a_card_with_the_keyboard(page, web, owner, record_recent):
    recorded = record_recent()
    page.goto(f"{web.base_url}/pipeline/")
    card = page.locator(f"#card-{recorded.application.pk}")
    card.get_by_role("link", name="Sales Executive Savanna Mobile").focus()
    page.keyboard.press("Tab")  # the card's next stop: its "Move to…"
    move = card.get_by_role("link", name="Move to… (Sales Executive at Savanna Mobile)")
    expect(move).to_be_focused()
    page.keyboard.press("Enter")
    stage = page.get_by_label("Move to")
    expect(stage).to_be_focused()  # the page opens on the choice
    expect(stage).to_have_value("interviewing")
    stage.select_option("rejected")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("moved to Rejected.")).to_be_visible()
    expect(page.locator("section.column-rejected")).to_contain_text("Savanna Mobile")
    assert Application.objects.get(pk=recorded.application.pk).status == "rejected"


def test_search_filters_the_board_as_you_type(page, web, owner, record_recent):
    record_recent(company="Savanna Mobile")
    record_recent(company="Jenga Fintech", interviewers=["Brian Mwangi <brian@jenga.example>"])
    page.goto(f"{web.base_url}/pipeline/")
    board = page.locator("#board")
    expect(board).to_contain_text("Jenga Fintech")
    page.get_by_role("searchbox", name="Search").fill("brian")
    expect(board).not_to_contain_text("Savanna Mobile")
    expect(board).to_contain_text("Jenga Fintech")
    expect(page).to_have_url(f"{web.base_url}/pipeline/?q=brian&field=&stage=")


def test_search_and_move_work_without_javascript(browser, web, owner, record_recent):
    recorded = record_recent(company="Savanna Mobile")
    # Nobody at Jenga has a savanna.example address (the default people do).
    record_recent(
        company="Jenga Fintech", interviewers=["Brian Mwangi <brian@jenga.example>"], recruiter=""
    )
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(web.sign_in_url)
        tab.goto(f"{web.base_url}/pipeline/")
        tab.get_by_role("searchbox", name="Search").fill("savanna")
        tab.get_by_role("button", name="Search").click()
        board = tab.locator("#board")
        expect(board).not_to_contain_text("Jenga Fintech")
        card = tab.locator(f"#card-{recorded.application.pk}")
        card.get_by_role("link", name="Move to…").click()
        tab.get_by_label("Move to").select_option("offer")
        tab.get_by_role("button", name="Move").click()
        expect(tab.locator(".message")).to_contain_text("moved to Offer.")
        assert tab.url.endswith("/pipeline/?q=savanna")  # the board as it was filtered
        expect(tab.locator("section.column-offer")).to_contain_text("Savanna Mobile")
    finally:
        context.close()
    assert Application.objects.get(pk=recorded.application.pk).status == "offer"
