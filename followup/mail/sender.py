"""The sender: claim approved rows whose send time has come, send them, mark them sent.

- A claim is a conditional UPDATE (approved -> sending, with a lease) in a short transaction;
  PostgreSQL takes the rows with SELECT ... FOR UPDATE SKIP LOCKED, SQLite's IMMEDIATE
  transactions serialise claims. No transaction is held across SMTP or IMAP.
- One SMTP connection per owner per batch.
- Order per row: mark it handed (one conditional UPDATE) -> SMTP -> record it accepted (one
  UPDATE) -> copy to the Sent folder (when the server keeps none) -> mark sent with its timeline
  event (up to MARK_SENT_EVERY accepted rows at a time, and always before the connection closes).
- So after a crash (a row left "sending" past its lease) only the row in flight is in doubt:
  rows never handed go back to approved; an accepted row is sent, never resent, and only its
  Sent copy is made again if missing; the row in flight is looked up in the Sent folder by
  Message-ID before it is resent, and without IMAP it alone needs the user's attention.
- Retryable errors put the row back to approved with exponential backoff; nothing is lost.
- A stop request is honoured between rows: rows claimed but not started go back to approved.
- Every change of a row's state is one of followup.core.services.follow_ups' transitions; this
  module decides which, and when.

Fault points (followup.lib.faults, for the crash tests):
- "sender.after_claim": nothing handed yet;
- "sender.after_handing": marked in flight, the server not yet reached;
- "sender.after_smtp": the server accepted the row, not yet recorded (the row in flight);
- "sender.after_accepted": recorded accepted, its Sent copy not yet made;
- "recovery.after_sent_copy": lease recovery made an accepted row's Sent copy, not yet marked
  it sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from followup.core.models import FollowUp
from followup.core.services import follow_ups
from followup.env import env_int
from followup.lib.backoff import SEND_RETRY, retry_delay
from followup.lib.faults import fault_point
from followup.mail import compose
from followup.mail.accounts import imap_config, smtp_config
from followup.mail.crypto import SecretError
from followup.mail.imap import ImapClient, MailboxError
from followup.mail.models import MailAccount
from followup.mail.smtp import DeliveryError, SmtpConnection
from followup.planner import types as p

log = logging.getLogger("followup.mail.sender")

S = FollowUp.Status
LEASE_ENV = "FOLLOWUP_SEND_LEASE_SECONDS"
BATCH_SIZE = 100
MAX_ATTEMPTS = 8
# Rows the server accepted are marked sent with their timeline events together, this many at a
# time (and at the end of each SMTP connection): one transaction per message for all of it cost as
# much as the SMTP exchange itself, and benchmarks/bench_mail.py's sending figure needs >= 0.25 of
# raw smtplib. Each row's acceptance is recorded at once (one UPDATE), so a crash before the mark
# leaves nothing in doubt (recovery marks those rows sent); the interval only decides how soon the
# outbox shows them sent.
MARK_SENT_EVERY = 50

NO_IMAP_ATTENTION = (
    "Sending was interrupted after it started, and without an IMAP account followup cannot check "
    "whether it went out. Look in your Sent folder: if it is there, confirm it sent; if not, "
    "approve it again."
)


def lease_seconds() -> int:
    return max(1, env_int(LEASE_ENV, 300))


def batch_size_setting() -> int:
    """Rows per claim (FOLLOWUP_SEND_BATCH_SIZE, default 100): one SMTP connection each."""
    return max(1, env_int("FOLLOWUP_SEND_BATCH_SIZE", BATCH_SIZE))


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed send: 1 min, 2, 4, 8, … at most 6 hours."""
    return retry_delay(attempts, SEND_RETRY)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    recovered: int = 0
    resent: int = 0
    needs_attention: int = 0
    errors: list[str] = field(default_factory=list)

    def merge(self, other: SendReport) -> None:
        for name in (
            "sent",
            "retried",
            "failed",
            "released",
            "recovered",
            "resent",
            "needs_attention",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


@dataclass
class Claim:
    ids: list[int]
    lease_until: datetime
    claimed_at: datetime


# ---------------------------------------------------------------------------------------------
# Scheduling and claiming


def schedule_unscheduled(now: datetime | None = None) -> int:
    """Approved email rows without a send time (approved by a caller that did not schedule) get
    their due time inside the recipient's working hours."""
    now = now or timezone.now()
    changed = 0
    rows = FollowUp.objects.filter(
        status=S.APPROVED, channel=p.EMAIL, send_after__isnull=True
    ).select_related("owner", "application__company")
    for fu in rows[:1000]:
        when = follow_ups.send_time(fu.owner, fu, now)
        changed += FollowUp.objects.filter(
            pk=fu.pk, status=S.APPROVED, send_after__isnull=True
        ).update(send_after=when)
    return changed


def sendable(now: datetime) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(
        status=S.APPROVED,
        channel=p.EMAIL,
        send_after__lte=now,
        owner_id__in=MailAccount.objects.values("owner_id"),
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def claim_batch(
    now: datetime, limit: int = BATCH_SIZE, lease: int | None = None, owner_id: int | None = None
) -> Claim:
    """Take up to `limit` rows: approved -> sending with a lease. Other workers skip them."""
    lease_until = now + timedelta(seconds=lease or lease_seconds())
    with transaction.atomic():
        qs = sendable(now)
        if owner_id is not None:
            qs = qs.filter(owner_id=owner_id)
        qs = qs.order_by("send_after", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        ids = list(qs.values_list("id", flat=True)[:limit])
        if not ids:
            return Claim([], lease_until, now)
        # The claim itself: approved -> sending, conditional on the status still being approved.
        follow_ups.claim_approved(ids, lease_until, now)
        # Under SKIP LOCKED (or SQLite's write lock) every row selected is ours; read back to be sure.
        ids = list(
            FollowUp.objects.filter(pk__in=ids, status=S.SENDING, lease_until=lease_until)
            .order_by("send_after", "id")
            .values_list("id", flat=True)
        )
    return Claim(ids, lease_until, now)


def release(
    ids: Sequence[int],
    lease_until: datetime,
    *,
    error: str = "",
    next_attempt_at: datetime | None = None,
) -> int:
    """Rows claimed but not attempted go back to approved (a stop request, an account error)."""
    return follow_ups.release_claimed(
        ids, lease_until, error=error, next_attempt_at=next_attempt_at
    )


def _retry_or_fail(
    fu: FollowUp,
    lease_until: datetime,
    error: DeliveryError | str,
    now: datetime,
    report: SendReport,
) -> None:
    message = error.message if isinstance(error, DeliveryError) else error
    retry = error.retry if isinstance(error, DeliveryError) else False
    # The account (login, server, network) is the problem, not this message: wait for it to be
    # fixed, backing off, however long it takes. Nothing is lost.
    account_level = isinstance(error, DeliveryError) and error.account_level
    attempts = fu.attempts + 1
    if retry and (attempts < MAX_ATTEMPTS or account_level):
        follow_ups.retry_claimed(fu, lease_until, attempts=attempts, error=message, at=now)
        report.retried += 1
        return
    if retry:
        message = f"gave up after {attempts} attempts: {message}"
    follow_ups.fail_claimed(fu, lease_until, attempts=attempts, error=message, at=now)
    report.failed += 1
    report.errors.append(f"follow-up {fu.pk}: {message}")


def _mark_sent(sent: list[follow_ups.SentMessage], claim_lease: datetime) -> int:
    """Mark what the server accepted as sent, only while our lease holds; empties `sent`."""
    marked = follow_ups.mark_claimed_sent(sent, claim_lease)
    if len(marked) < len(sent):
        lost = sorted({m.follow_up.pk for m in sent} - set(marked))
        log.warning("follow-ups %s were sent but their lease had been taken over", lost)
    sent.clear()
    return len(marked)


# ---------------------------------------------------------------------------------------------
# IMAP helpers shared with recovery


class LazyImap:
    """One IMAP session per owner, opened on first use."""

    def __init__(self, account: MailAccount) -> None:
        self.account = account
        self.client: ImapClient | None = None

    def get(self) -> ImapClient:
        if self.client is None:
            config = imap_config(self.account)
            if config is None:
                raise MailboxError("no IMAP account", retry=False)
            self.client = ImapClient(config).connect()
        return self.client

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None


def sent_folder(client: ImapClient, account: MailAccount) -> str:
    if client.folder_exists(account.sent_folder):
        return account.sent_folder
    return client.special_folder("\\Sent") or account.sent_folder


def drafts_folder(client: ImapClient, account: MailAccount) -> str:
    if client.folder_exists(account.drafts_folder):
        return account.drafts_folder
    return client.special_folder("\\Drafts") or account.drafts_folder


def find_in_sent(client: ImapClient, account: MailAccount, message_id: str) -> bool:
    folders = [sent_folder(client, account)]
    all_mail = client.special_folder("\\All")
    if all_mail and all_mail not in folders:
        folders.append(all_mail)
    for folder in folders:
        if client.folder_exists(folder) and client.search_message_id(folder, message_id):
            return True
    return False


def copy_to_sent(
    imap: LazyImap, account: MailAccount, message_id: str, data: bytes, now: datetime
) -> str:
    """Put a copy in the Sent folder unless the server keeps one. Returns an error text or ""."""
    if not account.has_imap or account.sent_copy == MailAccount.SentCopy.NEVER:
        return ""
    try:
        client = imap.get()
        folder = sent_folder(client, account)
        auto = account.sent_copy == MailAccount.SentCopy.AUTO
        if auto and client.folder_exists(folder) and client.search_message_id(folder, message_id):
            return ""  # the server filed one already
        client.append(folder, data, flags=["\\Seen"], when=now)
    except MailboxError as exc:
        imap.close()
        return f"sent, but the copy to the Sent folder failed: {exc.message}"
    return ""


# ---------------------------------------------------------------------------------------------
# Sending


def send_due(
    now: datetime | None = None,
    *,
    stop_event: threading.Event | None = None,
    batch_size: int | None = None,
    owner_id: int | None = None,
    clock: Callable[[], datetime] | None = None,
) -> SendReport:
    """Send every approved email follow-up whose time has come. Returns what happened."""
    clock = clock or ((lambda: now) if now is not None else timezone.now)
    batch_size = batch_size or batch_size_setting()
    report = SendReport()
    schedule_unscheduled(clock())
    while not (stop_event is not None and stop_event.is_set()):
        claim = claim_batch(clock(), batch_size, owner_id=owner_id)
        if not claim.ids:
            break
        fault_point("sender.after_claim")
        _send_batch(claim, report, stop_event, clock)
    return report


def _renew(claim: Claim, now: datetime) -> None:
    """When a third of the lease has gone, extend it for every row of the claim still waiting
    (every owner's: they all share the claim's lease value)."""
    length = claim.lease_until - claim.claimed_at
    if now - claim.claimed_at < length / 3:
        return
    new_lease = now + length
    follow_ups.renew_claimed(claim.ids, claim.lease_until, new_lease)
    claim.lease_until, claim.claimed_at = new_lease, now


def _send_batch(
    claim: Claim,
    report: SendReport,
    stop_event: threading.Event | None,
    clock: Callable[[], datetime],
) -> None:
    rows = list(
        FollowUp.objects.filter(pk__in=claim.ids, status=S.SENDING, lease_until=claim.lease_until)
        .select_related("owner", "recipient", "application__company")
        .order_by("owner_id", "send_after", "id")
    )
    accounts = {
        a.owner_id: a for a in MailAccount.objects.filter(owner_id__in={r.owner_id for r in rows})
    }
    groups = [
        (owner_id, list(group)) for owner_id, group in groupby(rows, key=lambda r: r.owner_id)
    ]
    for index, (owner_id, group) in enumerate(groups):
        if stop_event is not None and stop_event.is_set():
            report.released += release(
                [fu.pk for _, g in groups[index:] for fu in g], claim.lease_until
            )
            return
        account = accounts.get(owner_id)
        stopped = _send_group(account, group, claim, report, stop_event, clock)
        if stopped:
            report.released += release(
                [fu.pk for _, g in groups[index + 1 :] for fu in g], claim.lease_until
            )
            return


def _send_group(
    account: MailAccount | None,
    group: list[FollowUp],
    claim: Claim,
    report: SendReport,
    stop_event: threading.Event | None,
    clock: Callable[[], datetime],
) -> bool:
    """Send one owner's rows on one SMTP connection. True when a stop was requested."""
    now = clock()
    if account is None:
        report.released += release(
            [fu.pk for fu in group],
            claim.lease_until,
            error="no mail account: add one with `followup mail add`",
        )
        return False
    try:
        smtp = SmtpConnection(smtp_config(account))
    except SecretError as exc:
        report.released += release(
            [fu.pk for fu in group],
            claim.lease_until,
            error=str(exc),
            next_attempt_at=now + backoff(1),
        )
        _account_error(account, str(exc))
        return False
    sender = compose.Sender(address=account.from_address, name=account.from_name)
    imap = LazyImap(account)
    had_error = False
    accepted: list[follow_ups.SentMessage] = []  # sent, not yet marked
    try:
        for i, fu in enumerate(group):
            if stop_event is not None and stop_event.is_set():
                report.released += release([r.pk for r in group[i:]], claim.lease_until)
                return True
            now = clock()
            _renew(claim, now)
            try:
                thread = compose.thread_for(fu)
                rendered = compose.render(fu, sender, thread=thread, now=now)
            except compose.ComposeError as exc:
                _retry_or_fail(fu, claim.lease_until, f"{exc.field}: {exc.message}", now, report)
                continue
            data = rendered.data
            # In flight from here until the server's answer is recorded.
            if not follow_ups.hand_claimed(fu.pk, claim.lease_until, now):
                log.warning("follow-up %s: lease taken over before sending; not sent", fu.pk)
                continue
            fault_point("sender.after_handing")
            try:
                smtp.send_bytes(account.from_address, list(rendered.to_addrs), data)
            except DeliveryError as exc:
                _retry_or_fail(fu, claim.lease_until, exc, now, report)
                if exc.account_level:
                    had_error = True
                    _account_error(account, exc.message)
                    rest = [r.pk for r in group[i + 1 :]]
                    report.released += release(
                        rest,
                        claim.lease_until,
                        error=exc.message,
                        next_attempt_at=now + backoff(fu.attempts + 1),
                    )
                    return False
                continue
            fault_point("sender.after_smtp")
            message = follow_ups.SentMessage(
                fu,
                at=now,
                subject=rendered.subject if thread is not None else None,
                in_reply_to=thread.in_reply_to if thread is not None else "",
                references=thread.references if thread is not None else (),
            )
            if follow_ups.accept_claimed(message, claim.lease_until):
                accepted.append(message)
            else:
                log.warning("follow-up %s was sent but its lease had been taken over", fu.pk)
            fault_point("sender.after_accepted")
            copy_error = copy_to_sent(imap, account, fu.message_id, data, now)
            if len(accepted) >= MARK_SENT_EVERY:
                report.sent += _mark_sent(accepted, claim.lease_until)
            if copy_error:
                had_error = True
                _account_error(account, copy_error)
    finally:
        # Also on a stop or an account error: what the server accepted is marked sent.
        report.sent += _mark_sent(accepted, claim.lease_until)
        smtp.close()
        imap.close()
    if not had_error and account.last_send_error:
        MailAccount.objects.filter(pk=account.pk).update(last_send_error="")
        account.last_send_error = ""
    return False


def _account_error(account: MailAccount, message: str) -> None:
    MailAccount.objects.filter(pk=account.pk).update(last_send_error=message)
    account.last_send_error = message


# ---------------------------------------------------------------------------------------------
# Lease recovery


def recover_expired(
    now: datetime | None = None, *, stop_event: threading.Event | None = None
) -> SendReport:
    """Rows left in "sending" past their lease (a worker died mid-batch):
    - never handed to the mail server -> approved again, to go out with the next batch;
    - accepted by the server -> sent, never resent; its Sent copy is made if it is missing;
    - in flight (handed, no answer recorded) -> looked up in the Sent folder by Message-ID:
      found -> sent, not found -> approved again (resent); no IMAP -> needs the user's
      attention, that row alone."""
    now = now or timezone.now()
    report = SendReport()
    report.released += follow_ups.release_never_handed(now)
    expired = list(
        FollowUp.objects.filter(status=S.SENDING, lease_until__lt=now)
        .order_by("owner_id", "id")
        .values_list("pk", "lease_until")[:500]
    )
    sessions: dict[int, LazyImap] = {}
    try:
        for pk, old_lease in expired:
            if stop_event is not None and stop_event.is_set():
                break
            new_lease = now + timedelta(seconds=lease_seconds())
            if old_lease is None or not follow_ups.take_over_expired(pk, old_lease, new_lease):
                continue  # another worker is recovering it
            fu = FollowUp.objects.select_related("owner", "recipient", "application__company").get(
                pk=pk
            )
            account = MailAccount.objects.filter(owner_id=fu.owner_id).first()
            if fu.accepted_at is not None:
                _recover_accepted(fu, account, new_lease, sessions, now, report)
            else:
                _recover_in_flight(fu, account, new_lease, sessions, now, report)
    finally:
        for session in sessions.values():
            session.close()
    return report


def _session(sessions: dict[int, LazyImap], account: MailAccount | None) -> LazyImap | None:
    if account is None or not account.has_imap:
        return None
    return sessions.setdefault(account.owner_id, LazyImap(account))


def _stored_thread(fu: FollowUp) -> compose.Thread | None:
    """The thread an accepted row went out in, as accept_claimed stored it."""
    if not fu.in_reply_to:
        return None
    return compose.Thread(
        in_reply_to=fu.in_reply_to,
        references=tuple(compose.split_ids(fu.references)),
        parent_subject="",
    )


def _recover_accepted(
    fu: FollowUp,
    account: MailAccount | None,
    lease_until: datetime,
    sessions: dict[int, LazyImap],
    now: datetime,
    report: SendReport,
) -> None:
    """The server accepted it before the worker died: it is sent. What may be missing is the copy
    in the Sent folder we make ourselves: looked up by Message-ID first, made only if absent."""
    assert fu.accepted_at is not None
    session = _session(sessions, account)
    if session is not None and account is not None and account.sent_copy != account.SentCopy.NEVER:
        try:
            if not find_in_sent(session.get(), account, fu.message_id):
                sender = compose.Sender(address=account.from_address, name=account.from_name)
                rendered = compose.render(fu, sender, thread=_stored_thread(fu), now=fu.accepted_at)
                client = session.get()
                client.append(
                    sent_folder(client, account),
                    rendered.data,
                    flags=["\\Seen"],
                    when=fu.accepted_at,
                )
        except (MailboxError, SecretError, compose.ComposeError) as exc:
            session.close()
            sessions.pop(account.owner_id, None)
            message = f"sent, but the copy to the Sent folder failed: {exc}"
            _account_error(account, message)
            report.errors.append(f"follow-up {fu.pk}: {message}")
        fault_point("recovery.after_sent_copy")
    report.recovered += len(
        follow_ups.mark_claimed_sent([follow_ups.SentMessage(fu, at=fu.accepted_at)], lease_until)
    )


def _recover_in_flight(
    fu: FollowUp,
    account: MailAccount | None,
    lease_until: datetime,
    sessions: dict[int, LazyImap],
    now: datetime,
    report: SendReport,
) -> None:
    """It was being handed to the server when the worker died: it may or may not have gone out.
    The Sent folder says (whether the server files sent mail or we copy it there); without one
    to look in, the person is asked."""
    session = _session(sessions, account)
    if session is None or account is None:
        follow_ups.claimed_needs_attention(
            fu,
            lease_until,
            error=NO_IMAP_ATTENTION,
            note=f"{fu.get_kind_display()}: sending was interrupted; check your Sent folder",
            at=now,
        )
        report.needs_attention += 1
        return
    try:
        found = find_in_sent(session.get(), account, fu.message_id)
    except (MailboxError, SecretError) as exc:
        session.close()
        sessions.pop(account.owner_id, None)
        follow_ups.note_claimed_error(
            fu.pk,
            lease_until,
            f"sending was interrupted; could not check the Sent folder yet: {exc}",
        )
        report.errors.append(f"follow-up {fu.pk}: {exc}")
        return
    if not found:
        follow_ups.resend_claimed(fu.pk, lease_until, at=now)
        report.resent += 1
        return
    note = f"{fu.get_kind_display()} found in your Sent folder after an interrupted send"
    message = follow_ups.SentMessage(fu, at=now, note=note)
    if follow_ups.accept_claimed(message, lease_until):
        report.recovered += len(follow_ups.mark_claimed_sent([message], lease_until))
