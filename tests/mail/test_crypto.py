"""Passwords are encrypted at rest, never in a repr, never shown back."""

import os
import stat

import pytest
from cryptography.fernet import Fernet

from followup.mail import crypto
from followup.mail.accounts import smtp_config
from followup.mail.models import MailAccount

from .conftest import add_account

pytestmark = pytest.mark.mail


def test_passwords_are_stored_encrypted(owner):
    add_account(owner, None, None, smtp_password="s3cret-app-password")
    row = MailAccount.objects.values().get(owner=owner)
    assert "s3cret-app-password" not in str(row)
    account = MailAccount.objects.get(owner=owner)
    assert account.smtp_password().reveal() == "s3cret-app-password"


def test_secrets_stay_out_of_reprs(owner):
    account = add_account(owner, None, None, smtp_password="s3cret-app-password")
    config = smtp_config(account)
    for text in (
        repr(config),
        str(config),
        repr(account),
        str(account),
        repr(account.smtp_password()),
    ):
        assert "s3cret-app-password" not in text


def test_the_key_file_is_created_once_with_mode_0600(tmp_path, settings, monkeypatch):
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    settings.HOME = tmp_path
    token = crypto.encrypt("hello")
    key_file = tmp_path / crypto.KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    first_key = key_file.read_bytes()
    assert crypto.decrypt(token) == "hello"
    crypto.encrypt("again")
    assert key_file.read_bytes() == first_key


def test_the_key_can_come_from_the_environment(tmp_path, settings, monkeypatch):
    settings.HOME = tmp_path
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.KEY_ENV, key)
    token = crypto.encrypt("hello")
    assert Fernet(key.encode()).decrypt(token.encode()) == b"hello"
    assert not (tmp_path / crypto.KEY_FILE).exists()


def test_a_changed_key_is_a_clear_error(tmp_path, settings, monkeypatch):
    settings.HOME = tmp_path
    monkeypatch.setenv(crypto.KEY_ENV, Fernet.generate_key().decode())
    token = crypto.encrypt("hello")
    monkeypatch.setenv(crypto.KEY_ENV, Fernet.generate_key().decode())
    with pytest.raises(crypto.SecretError) as exc:
        crypto.decrypt(token)
    assert "followup mail add" in str(exc.value)
