"""Which folders are read: Gmail's All Mail (\\All) where present, else INBOX; special-use
Drafts and Sent."""

import pytest
from imap_tools import FolderInfo

from followup.mail import imap
from followup.mail.crypto import Secret

pytestmark = pytest.mark.mail

# Gmail's folders as imap-tools reads them from its LIST answer.
GMAIL_FOLDERS = [
    FolderInfo("INBOX", "/", ("\\HasNoChildren",)),
    FolderInfo("[Gmail]", "/", ("\\HasChildren", "\\Noselect")),
    FolderInfo("[Gmail]/All Mail", "/", ("\\All", "\\HasNoChildren")),
    FolderInfo("[Gmail]/Drafts", "/", ("\\Drafts", "\\HasNoChildren")),
    FolderInfo("[Gmail]/Sent Mail", "/", ("\\HasNoChildren", "\\Sent")),
    FolderInfo("[Gmail]/Été", "/", ("\\HasNoChildren",)),
]


def test_gmail_all_mail_is_polled_instead_of_the_inbox():
    folders = [imap.Folder.from_info(info) for info in GMAIL_FOLDERS]
    assert imap.folders_to_poll(folders) == ["[Gmail]/All Mail"]
    assert imap.special_folder(folders, "\\Sent") == "[Gmail]/Sent Mail"
    assert imap.special_folder(folders, "\\Drafts") == "[Gmail]/Drafts"
    assert "[Gmail]/Été" in [f.name for f in folders]


def test_without_all_mail_the_inbox_is_polled(mailbox):
    with imap.ImapClient(
        imap.ImapConfig("127.0.0.1", mailbox.port, "none", mailbox.user, Secret(mailbox.password))
    ) as client:
        folders = client.folders()
        assert imap.folders_to_poll(folders) == ["INBOX"]
        assert client.special_folder("\\Sent") == "Sent"
        assert client.special_folder("\\Drafts") == "Drafts"


def test_a_folder_name_with_spaces_and_accents_round_trips(mailbox):
    with imap.ImapClient(
        imap.ImapConfig("127.0.0.1", mailbox.port, "none", mailbox.user, Secret(mailbox.password))
    ) as client:
        client.append("Envoyés récents", b"Subject: x\r\nMessage-ID: <a@b.example>\r\n\r\nhi\r\n")
        assert client.folder_exists("Envoyés récents") or "Envoyés récents" in [
            f.name for f in client.folders(refresh=True)
        ]
        assert client.search_message_id("Envoyés récents", "<a@b.example>") == [1]


def test_uid_sets_are_compact():
    assert imap.uid_set([5, 1, 2, 3, 7, 9, 10, 11]) == "1:3,5,7,9:11"
