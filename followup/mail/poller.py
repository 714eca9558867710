"""Poll an account's mailbox incrementally and hand candidate messages to `replies.process_messages`.

A thin protocol shell: it fetches bytes (`followup.mail.imap`), screens header fields with the
pure reader, and hands each batch's candidates to the plain functions that act on them.

Per folder: UIDVALIDITY and the last UID processed (MailboxState). Only the header fields needed
are fetched, in batches, with BODY.PEEK on a read-only EXAMINE, so nothing is marked read; a
message is fetched whole only when its headers make it a candidate (it references one of our
Message-IDs, comes from a contact, or is a delivery report). Gmail's All Mail (\\All) is read
where present, else INBOX.

A UIDVALIDITY change re-reads the folder from the start: processed Message-IDs keep anything from
counting twice, and reading everything again means nothing is missed.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from followup.core.invitation_import import UnreadableInvitation, propose_from_message_bytes
from followup.core.owner import Owner
from followup.lib.faults import fault_point
from followup.mail.accounts import imap_config
from followup.mail.crypto import SecretError
from followup.mail.imap import ImapClient, MailboxError, folders_to_poll
from followup.mail.models import MailAccount, MailboxState
from followup.mail.reader import HeaderFields, parse_headers
from followup.mail.replies import Outcome, ReplyIndex, process_messages

BATCH_SIZE = 500  # header fields of this many messages in one FETCH
# Candidates fetched whole, then processed and committed together; they are held in memory
# meanwhile (each at most imap.MAX_MESSAGE_BYTES).
CANDIDATES_PER_BATCH = 200
log = logging.getLogger("followup.mail.poller")

Progress = Callable[[str, int, int], None]  # (folder, done, total)


@dataclass
class PollReport:
    folders: list[str] = field(default_factory=list)
    scanned: int = 0
    candidates: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    resynced: list[str] = field(default_factory=list)
    results: list[Outcome] = field(default_factory=list)
    error: str = ""
    error_kind: str = ""
    # Time spent fetching candidates whole and processing them (the rest is reading headers).
    processing_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error


class LazyIndex:
    """The owner's ReplyIndex, loaded the first time a folder has new mail."""

    def __init__(self, account: MailAccount) -> None:
        self.account = account
        self.index: ReplyIndex | None = None

    def get(self) -> ReplyIndex:
        if self.index is None:
            self.index = ReplyIndex.load(self.account.owner, self.account)
        return self.index


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def poll_account(
    account: MailAccount,
    *,
    progress: Progress | None = None,
    stop_event: threading.Event | None = None,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> PollReport:
    """One poll of one account. Errors are recorded on the account and in the report."""
    report = PollReport()
    started = now or timezone.now()
    try:
        config = imap_config(account)
    except SecretError as exc:
        return _finish(account, report, started, str(exc), "authentication")
    if config is None:
        report.error, report.error_kind = (
            "no IMAP settings: add them with `followup mail add --imap-host ...`",
            "config",
        )
        return report
    index = LazyIndex(account)
    try:
        with ImapClient(config) as client:
            for folder in folders_to_poll(client.folders()):
                if stop_event is not None and stop_event.is_set():
                    break
                report.folders.append(folder)
                _poll_folder(
                    client, account, folder, index, report, progress, stop_event, batch_size, now
                )
    except MailboxError as exc:
        return _finish(account, report, started, exc.message, exc.kind)
    return _finish(account, report, started, "", "")


def _poll_folder(
    client: ImapClient,
    account: MailAccount,
    folder: str,
    lazy: LazyIndex,
    report: PollReport,
    progress: Progress | None,
    stop_event: threading.Event | None,
    batch_size: int,
    now: datetime | None,
) -> None:
    status = client.select(folder, readonly=True)
    state, _ = MailboxState.objects.get_or_create(
        owner_id=account.owner_id, account=account, folder=folder
    )
    state_fields = ["uidvalidity", "last_uid", "resyncs", "updated_at"]
    changed = state.uidvalidity != status.uidvalidity
    if state.uidvalidity is not None and changed:
        state.last_uid = 0
        state.resyncs += 1
        report.resynced.append(folder)
    state.uidvalidity = status.uidvalidity
    uids: list[int] = []
    if status.uidnext is None or status.uidnext - 1 > state.last_uid:
        uids = client.uids_after(state.last_uid)
    if not uids:  # nothing new: no FETCH, no write unless the folder was renumbered
        if changed:
            state.save(update_fields=state_fields)
        if progress:
            progress(folder, 0, 0)
        return
    total, done = len(uids), 0
    if progress:
        progress(folder, 0, total)
    index = lazy.get()  # only now: a poll with no new mail loads nothing
    owner = account.owner
    wanted: list[tuple[int, bool]] = []  # (uid, may be a reply or a bounce) not yet processed
    screened = state.last_uid  # the headers up to here are read; their candidates are in wanted

    def process_wanted() -> None:
        """Fetch the wanted messages whole and process them as one batch (each application its
        replies touch is re-planned once, at the end), then move the position past them."""
        started = time.perf_counter()
        messages = _whole_messages(client, owner, folder, wanted, report)
        for outcome in process_messages(owner, messages, index=index, now=now):
            report.outcomes[outcome.kind] += 1
            report.results.append(outcome)
        report.processing_seconds += time.perf_counter() - started
        fault_point("poller.batch_committed")  # the crash tests: killed before the position moves
        wanted.clear()
        state.last_uid = screened
        state.save(update_fields=state_fields)

    for chunk in _chunks(uids, batch_size):
        if stop_event is not None and stop_event.is_set():
            break
        # The chunk's headers in one FETCH; the candidates of several chunks are fetched whole
        # and processed together (benchmarks/bench_mail.py's first scan: 20 batches of 5 replies
        # cost 20 re-plannings of the same applications).
        for uid, header in client.fetch_headers(chunk):
            report.scanned += 1
            headers = parse_headers(header)
            candidate = index.is_candidate(headers)
            if candidate or looks_like_invitation(headers):
                wanted.append((uid, candidate))
                report.candidates += 1
        screened = max(chunk)
        if len(wanted) >= CANDIDATES_PER_BATCH or not wanted:
            process_wanted()  # nothing wanted: only the position moves
        done += len(chunk)
        if progress:
            progress(folder, done, total)
    if wanted:
        process_wanted()


def _whole_messages(
    client: ImapClient,
    owner: Owner,
    folder: str,
    wanted: list[tuple[int, bool]],
    report: PollReport,
) -> Iterator[tuple[bytes, str]]:
    """Each wanted message fetched whole when its turn comes; its invitations proposed; the
    (bytes, folder) of those that may be replies or bounces."""
    for uid, candidate in wanted:
        raw = client.fetch_message(uid)
        if raw is None:
            continue
        if b"text/calendar" in raw.lower():
            found = propose_invitations(owner, raw, folder)
            if found:
                report.outcomes["invitation"] += found
        if candidate:
            yield raw, folder


_INVITATION_SUBJECT = re.compile(
    r"^\s*(?:updated invitation|invitation|invitation updated|canceled event|cancelled event)\s*(?:\(\w+\)\s*)?:",
    re.I,
)


def looks_like_invitation(fields: HeaderFields) -> bool:
    """A calendar invitation, from the headers: a text/calendar body, Outlook's calendar message
    class, or Google-style "Invitation: …" subjects."""
    ctype = (fields.get("content-type") or "").lower()
    if "text/calendar" in ctype:
        return True
    if "calendarmessage" in (fields.get("content-class") or "").lower():
        return True
    return "multipart" in ctype and bool(_INVITATION_SUBJECT.match(fields.get("subject") or ""))


def propose_invitations(owner: Owner, raw: bytes, folder: str) -> int:
    """Hand a message with a calendar part to the invitation import: each invitation becomes a
    proposal the user confirms. Returns how many it held; an unreadable one is logged and
    skipped, the poll goes on."""
    try:
        return propose_from_message_bytes(owner, raw, source=f"imap:{folder}")
    except UnreadableInvitation as exc:
        log.warning("skipped an unreadable invitation in %s: %s", folder, exc.message)
        return 0


def _finish(
    account: MailAccount, report: PollReport, started: datetime, error: str, kind: str
) -> PollReport:
    report.error, report.error_kind = error, kind
    interval = timedelta(seconds=account.poll_interval_seconds)
    values: dict[str, object] = {"last_poll_error": error}
    if error:
        # back off a little on failure, never past the normal interval times four
        values["next_poll_at"] = started + min(interval * 4, interval + timedelta(minutes=5))
    else:
        values["last_poll_at"] = started
        values["next_poll_at"] = started + interval
    MailAccount.objects.filter(pk=account.pk).update(**values)
    for key, value in values.items():
        setattr(account, key, value)
    return report


def poll_due(
    now: datetime | None = None, *, stop_event: threading.Event | None = None
) -> list[PollReport]:
    """The worker's task: poll every account with IMAP whose next poll time has come."""
    from django.db.models import Q

    now = now or timezone.now()
    reports = []
    due = (
        MailAccount.objects.exclude(imap_host="")
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .select_related("owner")
        .order_by("next_poll_at", "id")
    )
    for account in due:
        if stop_event is not None and stop_event.is_set():
            break
        # Claim the poll for this round so a second worker does not poll the same account at once.
        claimed = MailAccount.objects.filter(
            pk=account.pk, next_poll_at=account.next_poll_at
        ).update(next_poll_at=now + timedelta(seconds=account.poll_interval_seconds))
        if not claimed:
            continue
        reports.append(poll_account(account, stop_event=stop_event))
    return reports
