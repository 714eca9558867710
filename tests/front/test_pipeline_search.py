"""The Pipeline's search and filters, its Saved column, and moving a card ("Move to…", the
form drag and drop submits too)."""

from followup.core.models import Application, Company, Event


def column(html, status, next_status):
    return html[html.index(f'id="col-{status}"') : html.index(f'id="col-{next_status}"')]


def test_the_saved_column_comes_first(client, owner):
    company = Company.objects.create(owner=owner, name="Baobab Bank")
    Application.objects.create(owner=owner, company=company, role_title="Analyst", status="saved")
    html = client.get("/pipeline/").content.decode()
    assert html.index('id="col-saved"') < html.index('id="col-applied"')
    assert "Baobab Bank" in column(html, "saved", "applied")


def test_search_matches_company_role_and_contact(client, record_recent):
    record_recent(company="Savanna Mobile", role="Sales Executive")
    record_recent(
        company="Jenga Fintech",
        role="Engineer",
        interviewers=["Brian Mwangi <brian@jenga.example>"],
        recruiter="",
    )
    for q, shown, hidden in (
        ("savanna", "Savanna Mobile", "Jenga Fintech"),
        ("engineer", "Jenga Fintech", "Savanna Mobile"),
        ("brian", "Jenga Fintech", "Savanna Mobile"),  # an interviewer
        ("grace@savanna", "Savanna Mobile", "Jenga Fintech"),  # the recruiter's email
    ):
        html = client.get("/pipeline/", {"q": q}).content.decode()
        board = html[html.index('id="board"') :]
        assert shown in board and hidden not in board, q


def test_a_field_narrows_the_search(client, record_recent):
    record_recent(company="Savanna Mobile", role="Sales Executive")
    html = client.get("/pipeline/", {"q": "savanna", "field": "role"}).content.decode()
    assert "Savanna Mobile" not in html[html.index('id="board"') :]


def test_a_stage_filter_shows_that_column_only(client, record_recent):
    record_recent()
    html = client.get("/pipeline/", {"stage": "interviewing"}).content.decode()
    assert 'id="col-interviewing"' in html and 'id="col-applied"' not in html


def test_show_more_and_see_all_keep_the_search(client, record_recent):
    for n in range(14):
        record_recent(company=f"Savanna {n}", interviewers=[])
    html = client.get("/pipeline/", {"q": "savanna"}).content.decode()
    assert 'href="?more=interviewing&amp;page=2&amp;q=savanna"' in html
    assert 'href="?status=interviewing&amp;q=savanna"' in html


def test_unknown_filters_are_ignored(client, record_recent):
    record_recent()
    response = client.get("/pipeline/", {"stage": "<b>", "field": "x", "q": "\x00"})
    assert response.status_code == 200
    assert "<b>" not in response.content.decode()


def test_move_to_changes_the_stage_and_logs_it(client, recorded):
    pk = recorded.application.pk
    response = client.post(
        "/pipeline/move/", {"application": pk, "stage": "offer", "next": "/pipeline/?q=sa"}
    )
    assert response.status_code == 302 and response["Location"] == "/pipeline/?q=sa"
    assert Application.objects.get(pk=pk).status == "offer"
    assert Event.objects.filter(kind=Event.Kind.STAGE_CHANGED, application_id=pk).exists()


def test_move_to_an_unknown_stage_changes_nothing(client, recorded):
    pk = recorded.application.pk
    response = client.post(
        "/pipeline/move/", {"application": pk, "stage": "moon", "next": "//evil.example"}
    )
    assert response["Location"] == "/pipeline/"
    assert Application.objects.get(pk=pk).status == "interviewing"
    assert "unknown stage" in client.get("/pipeline/").content.decode()


def test_move_needs_the_csrf_token(csrf_client, recorded):
    response = csrf_client.post(
        "/pipeline/move/", {"application": recorded.application.pk, "stage": "offer"}
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=recorded.application.pk).status == "interviewing"


def test_another_users_card_cannot_be_moved(client, someone_elses):
    pk = someone_elses.application.pk
    assert client.post("/pipeline/move/", {"application": pk, "stage": "offer"}).status_code == 404
    assert client.post("/pipeline/move/", {"application": "²", "stage": "offer"}).status_code == 404
    assert Application.objects.get(pk=pk).status == "interviewing"


def test_every_card_links_to_its_move_to_form(client, recorded):
    pk = recorded.application.pk
    html = client.get("/pipeline/").content.decode()
    assert html.count('id="pipeline-move"') == 1 and 'action="/pipeline/move/"' in html
    assert f'<a class="move-link small" href="/pipeline/{pk}/move/">Move to…' in html
    searched = client.get("/pipeline/", {"q": "savanna"}).content.decode()
    assert f'href="/pipeline/{pk}/move/?next=%2Fpipeline%2F%3Fq%3Dsavanna"' in searched
    page = client.get(f"/pipeline/{pk}/move/?next=%2Fpipeline%2F%3Fq%3Dsavanna").content.decode()
    assert '<label for="id_stage">Move to</label>' in page
    assert '<option value="interviewing" selected>Interviewing</option>' in page
    assert 'name="next" value="/pipeline/?q=savanna"' in page


def test_move_without_a_stage_changes_nothing(client, recorded):
    pk = recorded.application.pk
    client.post("/pipeline/move/", {"application": pk, "stage": ""})
    assert Application.objects.get(pk=pk).status == "interviewing"
