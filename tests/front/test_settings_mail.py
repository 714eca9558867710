"""The mail account settings page: SMTP and IMAP, passwords never shown back, a connection test."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from followup.mail.models import MailAccount


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def account_data(**overrides):
    data = {
        "from_address": "amina@example.com",
        "from_name": "Amina Njeri",
        "smtp_host": "smtp.example.com",
        "smtp_port": "587",
        "smtp_security": "starttls",
        "smtp_user": "amina@example.com",
        "smtp_password": "s3cret-app-pass",
        "imap_host": "imap.example.com",
        "imap_port": "",
        "imap_security": "ssl",
        "imap_user": "",
        "imap_password": "",
        "drafts_folder": "Drafts",
        "sent_folder": "Sent",
        "sent_copy": "auto",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_the_app_password_note(client):
    response = client.get("/settings/mail/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="smtp_host"' in html and 'name="imap_host"' in html
    assert 'type="password"' in html
    assert "app password" in html and "Microsoft 365" in html
    assert "Test connection" not in html  # nothing to test before an account is saved


def test_the_settings_page_links_to_the_mail_and_notification_pages(client):
    html = client.get("/settings/").content.decode()
    assert 'href="/settings/mail/"' in html
    assert 'href="/settings/notifications/"' in html


def test_it_saves_and_never_shows_the_password_back(client, owner):
    response = client.post("/settings/mail/", account_data())
    assert response.status_code == 302
    account = MailAccount.objects.get(owner=owner)
    assert account.smtp_host == "smtp.example.com" and account.imap_port == 993
    assert account.smtp_password().reveal() == "s3cret-app-pass"
    assert "s3cret-app-pass" not in account.smtp_password_encrypted
    html = client.get("/settings/mail/").content.decode()
    assert "s3cret-app-pass" not in html
    assert account.smtp_password_encrypted not in html
    assert 'value="smtp.example.com"' in html
    assert "password stored" in html


def test_a_blank_password_keeps_the_stored_one(client, owner):
    client.post("/settings/mail/", account_data())
    response = client.post(
        "/settings/mail/", account_data(smtp_password="", smtp_host="mail.example.com")
    )
    assert response.status_code == 302
    account = MailAccount.objects.get(owner=owner)
    assert account.smtp_host == "mail.example.com"
    assert account.smtp_password().reveal() == "s3cret-app-pass"


def test_it_keeps_what_was_typed_and_shows_the_error_next_to_the_field(client, owner):
    response = client.post(
        "/settings/mail/", account_data(smtp_host="smtp.example.com:587", from_name="Typed Name")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_smtp_host-error"' in html and "is not a host name" in html
    assert 'value="Typed Name"' in html
    assert "s3cret-app-pass" not in html  # not even what was just typed
    assert not MailAccount.objects.filter(owner=owner).exists()

    response = client.post("/settings/mail/", account_data(from_address="not an address"))
    assert 'id="id_from_address-error"' in response.content.decode()
    response = client.post("/settings/mail/", account_data(smtp_port="70000"))
    assert 'id="id_smtp_port-error"' in response.content.decode()


def test_it_requires_login(db):
    anonymous = Client()
    for url in ("/settings/mail/", "/settings/mail/test/"):
        response = anonymous.post(url, account_data())
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not MailAccount.objects.exists()


def test_it_enforces_csrf(csrf_client, owner):
    response = csrf_client.post("/settings/mail/", account_data())
    assert response.status_code == 403
    assert not MailAccount.objects.filter(owner=owner).exists()
    assert csrf_client.post("/settings/mail/test/").status_code == 403


def test_another_users_account_is_not_shown_or_changed(client, owner, django_user_model):
    other = django_user_model.objects.create(username="other")
    MailAccount.objects.create(
        owner=other, from_address="other@example.com", smtp_host="smtp.other.example"
    )
    html = client.get("/settings/mail/").content.decode()
    assert "other@example.com" not in html and "smtp.other.example" not in html
    client.post("/settings/mail/", account_data())
    assert MailAccount.objects.get(owner=other).smtp_host == "smtp.other.example"


def test_the_connection_test_names_an_unreachable_host(client, owner):
    port = free_port()  # nothing listens there
    client.post(
        "/settings/mail/",
        account_data(
            smtp_host="127.0.0.1", smtp_port=str(port), smtp_security="none", imap_host=""
        ),
    )
    response = client.post("/settings/mail/test/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SMTP: host unreachable" in html
    assert "s3cret-app-pass" not in html


class Accept:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


@pytest.fixture
def smtp_server():
    controller = Controller(Accept(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def test_the_connection_test_says_ok_against_a_real_smtp_server(client, owner, smtp_server):
    client.post(
        "/settings/mail/",
        account_data(
            smtp_host="127.0.0.1",
            smtp_port=str(smtp_server.port),
            smtp_security="none",
            smtp_user="",
            smtp_password="",
            imap_host="",
        ),
    )
    html = client.post("/settings/mail/test/").content.decode()
    assert "SMTP: OK" in html


def test_testing_without_an_account_asks_to_save_one_first(client):
    response = client.post("/settings/mail/test/", follow=True)
    assert "Save your mail account first" in response.content.decode()
