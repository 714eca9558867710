"""Drafts in the user's own mailbox: APPEND a follow-up's draft to the Drafts folder with its
Message-ID recorded on the row, so a reply is matched even when it is sent from the user's usual
mail client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from followup.core import services
from followup.core.errors import InvalidInput
from followup.core.models import FollowUp
from followup.core.owner import Owner
from followup.mail import compose
from followup.mail.accounts import imap_config, require_account
from followup.mail.imap import ImapClient
from followup.mail.sender import drafts_folder

EVENT_DRAFT_PUSHED = "draft_pushed"


@dataclass(frozen=True)
class PushedDraft:
    follow_up_id: int
    folder: str
    message_id: str
    uid: int | None
    replaced: int


def push_draft(owner: Owner, follow_up_id: int | str, now: datetime | None = None) -> PushedDraft:
    """Put the draft in the Drafts folder (replacing an earlier copy of the same follow-up).
    Raises InvalidInput for what the user must fix, imap.MailboxError when the server fails."""
    now = now or timezone.now()
    fu = services.get_follow_up(owner, follow_up_id)
    account = require_account(owner)
    config = imap_config(account)
    if config is None:
        raise InvalidInput(
            "mail_account", "no IMAP settings: add them with `followup mail add --imap-host ...`"
        )
    if fu.status not in FollowUp.OPEN:
        raise InvalidInput(
            "followup_id",
            f"follow-up {fu.pk} is {fu.status}; only a planned or approved one has a draft to push",
        )
    if not fu.message_id:
        # Recorded now, before the APPEND: the same id is kept at approval, so replies match.
        FollowUp.objects.filter(owner=owner, pk=fu.pk, message_id="").update(
            message_id=services.new_message_id(owner)
        )
        fu.refresh_from_db(fields=["message_id"])
    sender = compose.Sender(address=account.from_address, name=account.from_name)
    try:
        rendered = compose.render(fu, sender, thread=compose.thread_for(fu), now=now)
    except compose.ComposeError as exc:
        raise InvalidInput(exc.field, exc.message) from None
    data = rendered.data
    with ImapClient(config) as client:
        folder = drafts_folder(client, account)
        old = (
            client.search_message_id(folder, fu.message_id) if client.folder_exists(folder) else []
        )
        appended = client.append(folder, data, flags=["\\Draft"], when=now)
        if old:
            client.delete_uids(folder, old)
    services.log_event(
        owner,
        fu.application,
        EVENT_DRAFT_PUSHED,
        f"{fu.get_kind_display()} draft placed in your {folder} folder",
        follow_up=fu,
        at=now,
    )
    return PushedDraft(fu.pk, folder, fu.message_id, appended[1] if appended else None, len(old))
