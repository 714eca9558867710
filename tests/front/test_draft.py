"""The draft page: edit, live checker warnings, copy, mailto, .eml, approve."""

import email
from email import policy

from followup.core import services
from followup.core.models import Contact, FollowUp


def test_it_shows_the_draft_with_the_checker(client, thank_you):
    html = client.get(f"/follow-ups/{thank_you.pk}/draft/").content.decode()
    assert 'id="id_subject"' in html and 'id="id_body"' in html
    assert 'id="warnings"' in html
    assert "Wanjiku" in html
    assert 'href="mailto:wanjiku@savanna.example?subject=' in html
    mailto = html.split('href="mailto:', 1)[1].split('"', 1)[0]
    assert "%0D%0A" in mailto and "%0A" not in mailto.replace("%0D%0A", "")
    assert f'href="/follow-ups/{thank_you.pk}/draft.eml"' in html
    assert "Copy to clipboard" in html and "Approve" in html


def test_warnings_update_for_the_text_as_typed_and_nothing_is_saved(client, thank_you):
    url = f"/follow-ups/{thank_you.pk}/draft/check/"
    missing = client.post(url, {"subject": "", "body": thank_you.body}).content.decode()
    assert "has no subject" in missing
    fixed = client.post(
        url, {"subject": "Thank you: Sales Executive", "body": thank_you.body}
    ).content.decode()
    assert "has no subject" not in fixed
    thank_you.refresh_from_db()
    assert not thank_you.edited and thank_you.subject


def test_saving_an_edit_marks_it_edited(client, thank_you):
    response = client.post(
        f"/follow-ups/{thank_you.pk}/draft/",
        {"subject": "My subject", "body": "My words.", "action": "save"},
    )
    assert response.status_code == 302
    thank_you.refresh_from_db()
    assert (thank_you.subject, thank_you.body, thank_you.edited) == (
        "My subject",
        "My words.",
        True,
    )
    assert "Draft saved." in client.get(response["Location"]).content.decode()


def test_approve_saves_and_approves(client, thank_you):
    client.post(
        f"/follow-ups/{thank_you.pk}/draft/",
        {"subject": "Thanks", "body": thank_you.body, "action": "approve"},
    )
    thank_you.refresh_from_db()
    assert thank_you.status == "approved" and thank_you.subject == "Thanks"
    html = client.get(f"/follow-ups/{thank_you.pk}/draft/").content.decode()
    assert "Approved" in html


def test_it_keeps_what_was_typed_on_error(client, thank_you):
    response = client.post(
        f"/follow-ups/{thank_you.pk}/draft/",
        {"subject": "Line one\nLine two", "body": "Kept body text", "action": "save"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_subject-error"' in html and "single line" in html
    assert "Kept body text" in html
    thank_you.refresh_from_db()
    assert "Kept body text" not in thank_you.body


def test_approving_without_an_email_address_explains_why(client, owner, record_recent):
    # Interviewers always have an address now; a recruiter may not.
    recorded = record_recent(interviewers=[], recruiter="Grace Achieng")
    fu = next(f for f in recorded.follow_ups if f.kind == "thank_you")
    response = client.post(
        f"/follow-ups/{fu.pk}/draft/", {"subject": "Hi", "body": "Body", "action": "approve"}
    )
    assert response.status_code == 400
    assert "no email address" in response.content.decode()
    fu.refresh_from_db()
    assert fu.status == "planned"


def test_the_eml_download_is_a_ready_email(client, thank_you):
    response = client.get(f"/follow-ups/{thank_you.pk}/draft.eml")
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert "attachment" in response["Content-Disposition"]
    message = email.message_from_bytes(response.content, policy=policy.default)
    assert message["To"] == "Wanjiku Kamau <wanjiku@savanna.example>"
    assert message["From"] == "Amina Njeri <amina@example.com>"
    assert message["Subject"] == thank_you.subject
    assert message.get_content().strip() == thank_you.body.strip()


def test_the_eml_download_refuses_header_injection(client, thank_you):
    FollowUp.objects.filter(pk=thank_you.pk).update(subject="Hi\r\nBcc: everyone@example.com")
    response = client.get(f"/follow-ups/{thank_you.pk}/draft.eml")
    assert response.status_code == 400
    assert b"Bcc: everyone" not in response.content
    Contact.objects.filter(pk=thank_you.recipient_id).update(name="Eve\nBcc: x@example.com")
    FollowUp.objects.filter(pk=thank_you.pk).update(subject="Fine")
    assert client.get(f"/follow-ups/{thank_you.pk}/draft.eml").status_code == 400


def test_a_phone_follow_up_is_a_call_script_without_mail_buttons(client, owner, record_recent):
    recorded = record_recent(role_type="sales", promised="")
    call = FollowUp.objects.filter(application=recorded.application, channel="phone").first()
    html = client.get(f"/follow-ups/{call.pk}/draft/").content.decode()
    assert "Call script" in html
    assert "mailto:" not in html
    assert client.get(f"/follow-ups/{call.pk}/draft.eml").status_code == 404


def test_a_sent_follow_up_can_be_read_but_not_edited(client, owner, thank_you):
    services.mark_sent(owner, thank_you.pk)
    html = client.get(f"/follow-ups/{thank_you.pk}/draft/").content.decode()
    assert "readonly" in html and "Save draft" not in html
    response = client.post(
        f"/follow-ups/{thank_you.pk}/draft/", {"subject": "x", "body": "y", "action": "save"}
    )
    assert response.status_code == 400
    assert "can no longer be edited" in response.content.decode()


def test_it_checks_ownership(client, someone_elses):
    theirs = someone_elses.follow_ups[0]
    assert client.get(f"/follow-ups/{theirs.pk}/draft/").status_code == 404
    assert (
        client.post(f"/follow-ups/{theirs.pk}/draft/", {"subject": "x", "body": "y"}).status_code
        == 404
    )
    assert (
        client.post(
            f"/follow-ups/{theirs.pk}/draft/check/", {"subject": "x", "body": "y"}
        ).status_code
        == 404
    )
    assert client.get(f"/follow-ups/{theirs.pk}/draft.eml").status_code == 404
    theirs.refresh_from_db()
    assert theirs.subject != "x"


def test_it_enforces_csrf(csrf_client, thank_you):
    assert (
        csrf_client.post(
            f"/follow-ups/{thank_you.pk}/draft/", {"subject": "x", "body": "y"}
        ).status_code
        == 403
    )
    assert (
        csrf_client.post(
            f"/follow-ups/{thank_you.pk}/draft/check/", {"subject": "x", "body": "y"}
        ).status_code
        == 403
    )
    thank_you.refresh_from_db()
    assert thank_you.subject != "x"


def test_a_body_over_the_cap_is_refused_next_to_the_field_and_nothing_is_saved(client, thank_you):
    from followup.drafting import MAX_BODY_CHARS

    before = thank_you.body
    response = client.post(
        f"/follow-ups/{thank_you.pk}/draft/",
        {"subject": thank_you.subject, "body": "word " * (MAX_BODY_CHARS // 5 + 1)},
    )
    assert response.status_code == 400  # the page again, with the message by the field
    html = response.content.decode()
    assert "at most 20000 characters" in html or "at most 20,000 characters" in html
    thank_you.refresh_from_db()
    assert thank_you.body == before and not thank_you.edited


def test_without_a_mail_account_approving_says_nothing_can_be_sent(client, thank_you):
    page = client.get(f"/follow-ups/{thank_you.pk}/draft/").content.decode()
    assert "No mail account yet" in page and 'href="/settings/mail/"' in page
    response = client.post(
        f"/follow-ups/{thank_you.pk}/draft/",
        {"subject": thank_you.subject, "body": thank_you.body, "action": "approve"},
        follow=True,
    )
    html = response.content.decode()
    assert "no mail account to send it from" in html
    assert "followup sends it when it is due" not in html
