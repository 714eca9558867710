"""Settings: profile, message templates with a live preview, the question bank."""

from followup.core.models import FollowUp, MessageTemplate, Profile


def profile_data(**overrides):
    data = {
        "full_name": "Amina Njeri",
        "email": "amina@example.com",
        "signature": "Amina Njeri\n+254 712 345 678",
        "country": "KE",
        "time_zone": "Africa/Nairobi",
        "work_start": "08:30",
        "work_end": "17:30",
        "default_profile": "assertive",
    }
    data.update(overrides)
    return data


def test_it_saves_the_profile(client, owner):
    response = client.post("/settings/", profile_data(country="US", time_zone="America/New_York"))
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert (profile.country, profile.time_zone, profile.default_profile) == (
        "US",
        "America/New_York",
        "assertive",
    )
    assert str(profile.work_start) == "08:30:00"
    assert "Settings saved." in client.get("/settings/").content.decode()


def test_it_keeps_what_was_typed_on_error(client, owner):
    response = client.post(
        "/settings/",
        profile_data(time_zone="Mars/Olympus", full_name="Typed Name", work_end="07:00"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_work_end-error"' in html
    assert 'value="Typed Name"' in html
    assert Profile.objects.get(user=owner).full_name == "Amina Njeri"
    response = client.post("/settings/", profile_data(time_zone="Mars/Olympus"))
    assert 'id="id_time_zone-error"' in response.content.decode()
    assert "unknown time zone" in response.content.decode()
    response = client.post("/settings/", profile_data(email="not an email"))
    assert 'id="id_email-error"' in response.content.decode()


def test_the_template_editor_previews_and_saves_and_rewrites_open_drafts(client, owner, thank_you):
    page = client.get("/settings/templates/thank_you/")
    assert page.status_code == 200 and 'id="preview"' in page.content.decode()
    preview = client.post(
        "/settings/templates/thank_you/preview/",
        {"subject": "Thanks, {{ recipient_first_name }}", "body": "Hello {{ greeting_name }}"},
    )
    assert "Thanks, Wanjiku" in preview.content.decode()
    response = client.post(
        "/settings/templates/thank_you/",
        {
            "subject": "Thanks, {{ recipient_first_name }}!",
            "body": "{{ greeting }}\n\nThank you for the {{ role_title }} interview.\n\n{{ signature }}",
        },
    )
    assert response.status_code == 302
    thank_you.refresh_from_db()
    assert thank_you.subject == "Thanks, Wanjiku!"
    assert "yours" in client.get("/settings/").content.decode()


def test_template_errors_show_next_to_the_field_and_keep_the_text(client, owner):
    response = client.post(
        "/settings/templates/check_in/", {"subject": "Hi {{ nope }}", "body": "Body {% for %}"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_subject-error"' in html and "unknown name" in html
    assert 'id="id_body-error"' in html
    assert "Body {% for %}" in html
    assert not MessageTemplate.objects.exists()
    preview = client.post(
        "/settings/templates/check_in/preview/", {"subject": "x", "body": "{{ ''.__class__ }}"}
    )
    assert preview.status_code == 200
    assert "field-error" in preview.content.decode()


def test_resetting_a_template_goes_back_to_the_built_in_one(client, owner, thank_you):
    client.post(
        "/settings/templates/thank_you/",
        {"subject": "Mine {{ role_title }}", "body": "{{ greeting }} mine"},
    )
    client.post("/settings/templates/thank_you/", {"action": "reset"})
    assert not MessageTemplate.objects.filter(owner=owner).exists()
    thank_you.refresh_from_db()
    assert not thank_you.subject.startswith("Mine")


def test_an_unknown_template_is_404(client, owner):
    assert client.get("/settings/templates/nope/").status_code == 404
    assert (
        client.post("/settings/templates/nope/preview/", {"subject": "", "body": ""}).status_code
        == 404
    )


def test_the_question_bank_saves_and_previews(client, owner):
    page = client.get("/settings/questions/")
    assert page.status_code == 200 and "Rejection reply" in page.content.decode()
    preview = client.post(
        "/settings/questions/preview/", {"feedback": "What one thing should I work on?"}
    )
    assert "What one thing should I work on?" in preview.content.decode()
    assert (
        client.post(
            "/settings/questions/", {"feedback": "What one thing should I work on?"}
        ).status_code
        == 302
    )
    bank = Profile.objects.get(user=owner).question_bank
    assert {"topic": "feedback", "text": "What one thing should I work on?"} in bank
    page = client.get("/settings/questions/").content.decode()
    assert "What one thing should I work on?" in page


def test_the_question_bank_keeps_what_was_typed_on_error(client, owner):
    response = client.post(
        "/settings/questions/",
        {"feedback": "Line one\nLine two", "openings": "Typed openings question?"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_feedback-error"' in html and "Typed openings question?" in html
    assert Profile.objects.get(user=owner).question_bank == []


def test_settings_are_mine_alone(client, owner, django_user_model, someone_elses):
    other = django_user_model.objects.get(username="other")
    client.post(
        "/settings/templates/thank_you/",
        {"subject": "Mine {{ role_title }}", "body": "{{ greeting }} mine"},
    )
    assert not MessageTemplate.objects.filter(owner=other).exists()
    theirs = FollowUp.objects.filter(owner=other, kind="thank_you").first()
    assert not theirs.subject.startswith("Mine")


def test_it_enforces_csrf(csrf_client, owner):
    assert csrf_client.post("/settings/", profile_data(full_name="Changed")).status_code == 403
    assert (
        csrf_client.post(
            "/settings/templates/thank_you/", {"subject": "x", "body": "y"}
        ).status_code
        == 403
    )
    assert csrf_client.post("/settings/questions/", {"feedback": "x"}).status_code == 403
    previews = ["/settings/templates/thank_you/preview/", "/settings/questions/preview/"]
    for url in previews:
        assert csrf_client.post(url, {"subject": "x", "body": "y"}).status_code == 403
    assert Profile.objects.get(user=owner).full_name == "Amina Njeri"
