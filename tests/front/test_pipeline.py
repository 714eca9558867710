"""The pipeline: applications by status, as columns."""

from followup.core import services
from followup.core.models import Application


def test_it_shows_applications_in_columns_by_status(client, owner, recorded, record_recent):
    rejected = record_recent(company="Jenga Fintech", role="Engineer")
    services.set_outcome(owner, rejected.application.pk, "rejected")
    html = client.get("/pipeline/").content.decode()
    for title in (
        "Applied",
        "Interviewing",
        "Offer",
        "Accepted",
        "Rejected",
        "No response",
        "Withdrawn",
    ):
        assert f'>{title} <span class="count">' in html
    interviewing = html[html.index('id="col-interviewing"') : html.index('id="col-offer"')]
    assert "Savanna Mobile" in interviewing and "Jenga Fintech" not in interviewing
    rejected_column = html[html.index('id="col-rejected"') : html.index('id="col-no_response"')]
    assert "Jenga Fintech" in rejected_column
    assert f'href="/applications/{recorded.application.pk}/"' in html


def test_a_full_column_links_to_all_of_its_applications(client, owner, record_recent):
    for n in range(35):
        record_recent(company=f"Company {n}", interviewers=[])
    html = client.get("/pipeline/").content.decode()
    assert "See all 35" in html
    listing = client.get("/pipeline/?status=interviewing")
    assert listing.status_code == 200
    assert listing.content.decode().count('class="app-card"') == 35


def test_it_shows_only_my_applications(client, someone_elses):
    assert "Other Co" not in client.get("/pipeline/").content.decode()
    assert "Other Co" not in client.get("/pipeline/?status=interviewing").content.decode()
    assert Application.objects.count() == 1


def test_an_unknown_status_shows_the_board(client, owner):
    response = client.get("/pipeline/?status=<b>&page=-1")
    assert response.status_code == 200
    assert "<b>" not in response.content.decode()


def test_show_more_brings_the_next_cards_of_a_column(client, record_recent, hx):
    for n in range(30):
        record_recent(company=f"Company {n}", interviewers=[])
    board = client.get("/pipeline/").content.decode()
    interviewing = board[board.index('id="col-interviewing"') : board.index('id="col-offer"')]
    assert interviewing.count('class="app-card"') == 12
    assert 'href="?more=interviewing&amp;page=2"' in interviewing and "Show 12 more" in interviewing
    fragment = client.get("/pipeline/?more=interviewing&page=2", **hx).content.decode()
    assert "<html" not in fragment and fragment.count('class="app-card"') == 12
    assert "Show 6 more" in fragment
    page = client.get("/pipeline/?more=interviewing&page=3").content.decode()
    assert "<h1>Interviewing" in page and page.count('class="app-card"') == 6
    assert "more</a>" not in page
