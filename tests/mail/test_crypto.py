"""Passwords are encrypted at rest, never in a repr, never shown back."""

import os
import stat
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from followup import env
from followup.mail import crypto
from followup.mail.accounts import smtp_config
from followup.mail.models import MailAccount
from followup.notify import crypto as notify_crypto

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


def test_the_secret_key_file_is_created_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("FOLLOWUP_SECRET_KEY", raising=False)
    key = env.secret_key(tmp_path)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(key) >= 50 and path.read_text() == key
    assert env.secret_key(tmp_path) == key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no temporary left


def test_a_secret_key_from_the_environment_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_SECRET_KEY", "k" * 60)
    assert env.secret_key(tmp_path) == "k" * 60
    assert list(tmp_path.iterdir()) == []


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    path = tmp_path / "encryption.key"
    script = (
        "import sys; from pathlib import Path; from followup.lib.crypto import key_file; "
        "print('ready', flush=True); sys.stdin.read(); print(key_file(Path(sys.argv[1])))"
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for worker in workers:  # every process has imported and waits...
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:  # ...and all are released together
        worker.stdin.close()
    keys = {worker.stdout.read().strip() for worker in workers}
    assert [worker.wait() for worker in workers] == [0] * len(workers)
    assert keys == {path.read_text()}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["encryption.key"]
    Fernet(path.read_bytes())  # a usable key


def test_notification_urls_and_mail_passwords_share_one_key(tmp_path, settings, monkeypatch):
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    settings.HOME = tmp_path
    token = notify_crypto.encrypt("https://ntfy.example/topic?auth=secret")
    assert crypto.decrypt(token) == "https://ntfy.example/topic?auth=secret"
    assert [p.name for p in tmp_path.iterdir()] == [crypto.KEY_FILE]

    monkeypatch.setenv(crypto.KEY_ENV, Fernet.generate_key().decode())
    with pytest.raises(notify_crypto.DecryptionFailed) as exc:
        notify_crypto.decrypt(token)
    assert "remove the channel and add it again" in str(exc.value)
