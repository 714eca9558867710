"""IMAP on imap-tools: connect, list folders (special-use), read headers by UID in batches with
BODY.PEEK (nothing is marked read), APPEND to Drafts/Sent, search by Message-ID.

imap-tools' `MailBox` / `MailBoxStartTls` / `MailBoxUnencrypted` hold the session; its folder
manager lists, selects and creates folders, its `uids()` searches and its `append()` appends.
Three things imap-tools has no call for are done on its underlying imaplib client (`.client`),
each in one small function below: fetching only some header fields or the first bytes of a
message (`_uid_fetch`: its `fetch()` always takes the whole header or message and parses it into
a `MailMessage`, which for a first scan of 10,000 messages costs several times the fetch itself,
see benchmarks/bench_mail.py), reading APPENDUID from the APPEND answer (`_append_uid`), and
deleting only our own UIDs (`delete_uids`: its `delete()` expunges the whole folder).

No processing here: the poller hands the bytes to `followup.mail.replies.process_message`.
"""

from __future__ import annotations

import contextlib
import imaplib
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from imap_tools import AND, BaseMailBox, FolderInfo, H, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.consts import UID_PATTERN
from imap_tools.errors import MailboxLoginError, MailboxStarttlsError, UnexpectedCommandStatusError
from imap_tools.query import UidRange
from imap_tools.utils import check_command_status

from followup.lib.netguard import Destination
from followup.mail.connection import (
    SERVER,
    TLS,
    CheckResult,
    MailServerError,
    ServerConfig,
    authentication_failed,
    checked_destination,
    describe_network_failure,
    open_socket,
    tls_context,
)

# The header fields the poller reads for every new message: enough to match and classify.
HEADER_FIELDS = (
    "MESSAGE-ID",
    "IN-REPLY-TO",
    "REFERENCES",
    "FROM",
    "RETURN-PATH",
    "DATE",
    "SUBJECT",
    "AUTO-SUBMITTED",
    "PRECEDENCE",
    "CONTENT-TYPE",
    "X-AUTOREPLY",
    "X-AUTORESPOND",
    "CONTENT-CLASS",
)

# Largest part of a message fetched for processing (a reply's text, a bounce report).
MAX_MESSAGE_BYTES = 256 * 1024


class MailboxError(MailServerError):
    """An IMAP failure; `kind` names it plainly, `retry` says whether trying later may help."""


ImapConfig = ServerConfig


@dataclass(frozen=True)
class Folder:
    name: str
    flags: frozenset[str]  # lower case: "\\all", "\\noselect"
    delimiter: str

    @property
    def selectable(self) -> bool:
        return "\\noselect" not in self.flags and "\\nonexistent" not in self.flags

    @classmethod
    def from_info(cls, info: FolderInfo) -> Folder:
        """A folder as imap-tools' LIST answer describes it ("NIL": a flat name)."""
        return cls(
            name=info.name,
            flags=frozenset(flag.lower() for flag in info.flags),
            delimiter="" if info.delim.upper() == "NIL" else info.delim,
        )


@dataclass(frozen=True)
class FolderStatus:
    name: str
    uidvalidity: int
    uidnext: int | None
    exists: int


def special_folder(folders: Sequence[Folder], flag: str) -> str | None:
    """The folder carrying a special-use flag (RFC 6154) such as \\All, \\Sent, \\Drafts."""
    flag = flag.lower()
    for folder in folders:
        if flag in folder.flags and folder.selectable:
            return folder.name
    return None


def folders_to_poll(folders: Sequence[Folder]) -> list[str]:
    """Gmail's All Mail (the \\All special-use folder) where present: it holds the inbox and every
    label, so a reply filtered away from the inbox is still seen. Else INBOX."""
    all_mail = special_folder(folders, "\\All")
    return [all_mail] if all_mail else ["INBOX"]


def uid_set(uids: Sequence[int]) -> str:
    """Compact a list of UIDs into an IMAP sequence set: 1:5,7,9:12."""
    ordered = sorted(set(uids))
    parts: list[str] = []
    start = prev = ordered[0]
    for uid in ordered[1:]:
        if uid == prev + 1:
            prev = uid
            continue
        parts.append(f"{start}:{prev}" if start != prev else str(start))
        start = prev = uid
    parts.append(f"{start}:{prev}" if start != prev else str(start))
    return ",".join(parts)


def _describe(exc: BaseException, config: ServerConfig, stage: str) -> MailboxError:
    """Any exception from imap-tools, imaplib, socket or ssl as a MailboxError with a plain name."""
    if isinstance(exc, MailboxError):
        return exc
    if isinstance(exc, MailboxLoginError) or (
        stage == "login" and isinstance(exc, imaplib.IMAP4.error | UnexpectedCommandStatusError)
    ):
        kind, message = authentication_failed(config)
        return MailboxError(message, kind=kind)
    if isinstance(exc, MailboxStarttlsError) or (
        # MailBoxStartTls says STARTTLS while it connects: imaplib raises IMAP4.error when the
        # server does not offer it.
        stage == "connect"
        and config.security == "starttls"
        and isinstance(exc, imaplib.IMAP4.error)
        and not isinstance(exc, imaplib.IMAP4.abort)
    ):
        return MailboxError(f"TLS failed at {config.where}: {exc}", kind=TLS)
    if isinstance(exc, imaplib.IMAP4.abort):
        return MailboxError(f"{config.where} closed the connection ({exc})", kind=SERVER)
    if isinstance(exc, UnexpectedCommandStatusError):
        typ, data = exc.command_result[0], exc.command_result[1]
        detail = b" ".join(d for d in data or [] if isinstance(d, bytes)).decode("utf-8", "replace")
        return MailboxError(f"IMAP {stage.upper()} failed: {typ} {detail}".strip(), kind=SERVER)
    if isinstance(exc, imaplib.IMAP4.error):
        return MailboxError(f"IMAP error at {config.where}: {exc}", kind=SERVER)
    named = describe_network_failure(exc, config, "imap")
    if named is not None:
        kind, message = named
        return MailboxError(message, kind=kind)
    raise exc


class _CheckedIMAP4(imaplib.IMAP4):
    """imaplib.IMAP4 connected to the address the guard checked. imaplib keeps the host name in
    `host`, which STARTTLS passes as `server_hostname`: the certificate is still verified
    against the name the user gave."""

    def __init__(self, destination: Destination, timeout: float | None) -> None:
        self._destination = destination  # before IMAP4.__init__, which connects
        super().__init__(destination.host, destination.port, timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return open_socket(self._destination, timeout)


class _CheckedIMAP4_SSL(imaplib.IMAP4_SSL):  # noqa: N801 (imaplib's own spelling)
    """imaplib.IMAP4_SSL connected to the checked address, TLS verified against the host name
    (what IMAP4_SSL._create_socket does, on our socket)."""

    def __init__(
        self, destination: Destination, ssl_context: ssl.SSLContext, timeout: float | None
    ) -> None:
        self._destination = destination
        super().__init__(
            destination.host, destination.port, ssl_context=ssl_context, timeout=timeout
        )

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = open_socket(self._destination, timeout)
        context: ssl.SSLContext = self.ssl_context
        return context.wrap_socket(sock, server_hostname=self.host)


# imap-tools builds its imaplib client in `_get_mailbox_client`: these three build ours.


class _CheckedMailBox(MailBox):
    def __init__(self, destination: Destination, timeout: float, ssl_context: ssl.SSLContext):
        self._destination = destination
        super().__init__(destination.host, destination.port, timeout, ssl_context=ssl_context)

    def _get_mailbox_client(self) -> imaplib.IMAP4:
        return _CheckedIMAP4_SSL(self._destination, self._ssl_context, self._timeout)


class _CheckedMailBoxStartTls(MailBoxStartTls):
    def __init__(self, destination: Destination, timeout: float, ssl_context: ssl.SSLContext):
        self._destination = destination
        super().__init__(destination.host, destination.port, timeout, ssl_context=ssl_context)

    def _get_mailbox_client(self) -> imaplib.IMAP4:
        client = _CheckedIMAP4(self._destination, self._timeout)
        check_command_status(client.starttls(self._ssl_context), MailboxStarttlsError)
        return client


class _CheckedMailBoxUnencrypted(MailBoxUnencrypted):
    def __init__(self, destination: Destination, timeout: float):
        self._destination = destination
        super().__init__(destination.host, destination.port, timeout)

    def _get_mailbox_client(self) -> imaplib.IMAP4:
        return _CheckedIMAP4(self._destination, self._timeout)


def _open_mailbox(config: ServerConfig) -> BaseMailBox:
    """Connect (and, for STARTTLS, secure) with the certificate always verified; in hosted mode
    to the address the guard checked."""
    destination = checked_destination(config)
    if destination is not None:
        if config.security == "ssl":
            return _CheckedMailBox(destination, config.timeout, tls_context())
        if config.security == "starttls":
            return _CheckedMailBoxStartTls(destination, config.timeout, tls_context())
        return _CheckedMailBoxUnencrypted(destination, config.timeout)
    if config.security == "ssl":
        return MailBox(config.host, config.port, timeout=config.timeout, ssl_context=tls_context())
    if config.security == "starttls":
        return MailBoxStartTls(
            config.host, config.port, timeout=config.timeout, ssl_context=tls_context()
        )
    return MailBoxUnencrypted(config.host, config.port, timeout=config.timeout)


class ImapClient:
    """A logged-in IMAP session. Use as a context manager."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._mailbox: BaseMailBox | None = None
        self._folders: list[Folder] | None = None
        self.selected: FolderStatus | None = None

    def __repr__(self) -> str:
        return f"<ImapClient {self.config.where}>"

    # -- session ---------------------------------------------------------------------------

    def connect(self) -> ImapClient:
        if self._mailbox is not None:
            return self
        stage = "connect"
        mailbox: BaseMailBox | None = None
        try:
            mailbox = _open_mailbox(self.config)
            stage = "login"
            user, password = self.config.user, self.config.password.reveal()
            # No initial folder: imap-tools would SELECT (read-write) INBOX; we EXAMINE later.
            if user.isascii() and password.isascii():
                mailbox.login(user, password, initial_folder=None)
            else:  # LOGIN takes ASCII only; AUTHENTICATE PLAIN carries UTF-8 (RFC 4616)
                mailbox.login_utf8(user, password, initial_folder=None)
        except BaseException as exc:
            if mailbox is not None:
                with contextlib.suppress(Exception):  # already failing: the first error counts
                    mailbox.client.shutdown()
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise _describe(exc, self.config, stage) from None
        self._mailbox = mailbox
        return self

    def close(self) -> None:
        if self._mailbox is None:
            return
        mailbox, self._mailbox = self._mailbox, None
        try:
            mailbox.logout()
        except Exception:
            with contextlib.suppress(Exception):  # the connection is gone either way
                mailbox.client.shutdown()

    def __enter__(self) -> ImapClient:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def mailbox(self) -> BaseMailBox:
        """The imap-tools session (connected on first use)."""
        if self._mailbox is None:
            self.connect()
        assert self._mailbox is not None
        return self._mailbox

    @contextlib.contextmanager
    def _command(self, stage: str) -> Iterator[BaseMailBox]:
        """Run IMAP calls; any failure leaves as a MailboxError with a plain name."""
        try:
            yield self.mailbox
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            raise _describe(exc, self.config, stage) from None

    # -- folders ---------------------------------------------------------------------------

    def folders(self, refresh: bool = False) -> list[Folder]:
        if self._folders is None or refresh:
            with self._command("list") as mailbox:
                self._folders = [Folder.from_info(info) for info in mailbox.folder.list()]
        return self._folders

    def special_folder(self, flag: str) -> str | None:
        return special_folder(self.folders(), flag)

    def folder_exists(self, name: str) -> bool:
        return any(f.name == name for f in self.folders())

    def ensure_folder(self, name: str) -> None:
        if self.folder_exists(name):
            return
        try:
            with self._command("create") as mailbox:
                mailbox.folder.create(name)
        except MailboxError:
            # Created meanwhile by someone else (another client, a second worker): fine.
            if not any(f.name == name for f in self.folders(refresh=True)):
                raise
        self._folders = None

    def select(self, name: str, readonly: bool = True) -> FolderStatus:
        """EXAMINE (read-only, the default: nothing can be marked read) or SELECT a folder."""
        with self._command("select") as mailbox:
            _, data = mailbox.folder.set(name, readonly=readonly)
            # The SELECT answer's response codes, as imaplib keeps them (RFC 3501 7.1).
            uidvalidity = _response_number(mailbox.client, "UIDVALIDITY")
            uidnext = _response_number(mailbox.client, "UIDNEXT")
        first = data[0] if data else b""
        exists = int(first) if isinstance(first, bytes) and first.isdigit() else 0
        if uidvalidity is None:
            raise MailboxError(f"the server gave no UIDVALIDITY for {name!r}", kind=SERVER)
        self.selected = FolderStatus(
            name=name, uidvalidity=uidvalidity, uidnext=uidnext, exists=exists
        )
        return self.selected

    # -- reading ---------------------------------------------------------------------------

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs in the selected folder greater than `last_uid`, ascending."""
        with self._command("search") as mailbox:
            found = mailbox.uids(AND(uid=UidRange(str(last_uid + 1), "*")), charset=None)
        # "n:*" always includes the highest UID, even when it is below n.
        return sorted({int(uid) for uid in found if int(uid) > last_uid})

    def fetch_headers(
        self, uids: Sequence[int], fields: Sequence[str] = HEADER_FIELDS
    ) -> Iterator[tuple[int, bytes]]:
        """(uid, header bytes) for the given UIDs, in one UID FETCH; BODY.PEEK marks nothing read."""
        if not uids:
            return
        item = f"BODY.PEEK[HEADER.FIELDS ({' '.join(fields)})]"
        with self._command("fetch") as mailbox:
            pairs = list(_uid_fetch(mailbox, uid_set(uids), item))
        yield from pairs

    def fetch_message(self, uid: int, max_bytes: int = MAX_MESSAGE_BYTES) -> bytes | None:
        """The message (its first `max_bytes`), without marking it read."""
        with self._command("fetch") as mailbox:
            for _, body in _uid_fetch(mailbox, str(uid), f"BODY.PEEK[]<0.{max_bytes}>"):
                return body
        return None

    def search_message_id(self, folder: str, message_id: str) -> list[int]:
        """UIDs in `folder` whose Message-ID header contains `message_id`."""
        self.select(folder)
        needle = message_id.strip()
        if not needle or "\r" in needle or "\n" in needle:
            return []
        with self._command("search") as mailbox:
            found = mailbox.uids(AND(header=H("Message-ID", needle)), charset=None)
        return sorted({int(uid) for uid in found})

    # -- writing ---------------------------------------------------------------------------

    def append(
        self,
        folder: str,
        message: bytes,
        flags: Sequence[str] = (),
        when: datetime | None = None,
    ) -> tuple[int, int] | None:
        """APPEND a message; returns (uidvalidity, uid) when the server says (UIDPLUS)."""
        self.ensure_folder(folder)
        with self._command("append") as mailbox:
            _, data = mailbox.append(message, folder, dt=when, flag_set=list(flags))
        return _append_uid(data)

    def delete_uids(self, folder: str, uids: Sequence[int]) -> None:
        """Delete these messages only. imap-tools' `delete()` would EXPUNGE the whole folder,
        removing messages the user marked deleted in their own client too: with UIDPLUS only our
        UIDs are expunged (RFC 4315 UID EXPUNGE)."""
        if not uids:
            return
        self.select(folder, readonly=False)
        with self._command("store") as mailbox:
            client = mailbox.client
            _ok(client.uid("STORE", uid_set(uids), "+FLAGS.SILENT", "(\\Deleted)"), "store")
            if "UIDPLUS" in client.capabilities:
                _ok(client.uid("EXPUNGE", uid_set(uids)), "expunge")
            else:
                mailbox.expunge()


# ---------------------------------------------------------------------------------------------
# On imaplib directly: what imap-tools has no call for (see the module's docstring)


def _ok(result: tuple[str, list[object]], command: str) -> list[object]:
    typ, data = result
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise MailboxError(f"IMAP {command.upper()} failed: {detail}", kind=SERVER)
    return data


def _response_number(client: imaplib.IMAP4, code: str) -> int | None:
    """A numeric response code of the last command (UIDVALIDITY, UIDNEXT), from imaplib."""
    _, values = client.response(code)
    for value in reversed(values or []):
        if isinstance(value, bytes) and value.strip().isdigit():
            return int(value.strip())
    return None


def _uid_fetch(mailbox: BaseMailBox, uids: str, item: str) -> Iterator[tuple[int, bytes]]:
    """UID FETCH one literal `item` (e.g. BODY.PEEK[HEADER.FIELDS (...)]) -> (uid, bytes).

    imaplib answers each message as a (prefix, literal) tuple followed by the rest of its line;
    the UID sits in either, so both are read with imap-tools' own UID pattern. Other lines (an
    unsolicited FLAGS update) carry no literal and are skipped."""
    data = _ok(mailbox.client.uid("FETCH", uids, f"(UID {item})"), "fetch")
    for index, part in enumerate(data):
        if not isinstance(part, tuple) or len(part) < 2 or not isinstance(part[1], bytes):
            continue
        prefix = part[0].decode("ascii", "replace") if isinstance(part[0], bytes) else ""
        match = UID_PATTERN.search(prefix)
        if match is None and index + 1 < len(data):
            rest = data[index + 1]
            if isinstance(rest, bytes):
                match = UID_PATTERN.search(rest.decode("ascii", "replace"))
        if match is not None:
            yield int(match.group("uid")), part[1]


def _append_uid(data: Sequence[object]) -> tuple[int, int] | None:
    """(uidvalidity, uid) from an APPEND answer's response code "[APPENDUID 38505 3955]"
    (RFC 4315); None when the server does not say."""
    for line in data:
        if not isinstance(line, bytes) or not line.upper().startswith(b"[APPENDUID "):
            continue
        words = line[1 : line.find(b"]")].split()
        if len(words) == 3 and words[1].isdigit() and words[2].isdigit():
            return int(words[1]), int(words[2])
    return None


def test_connection(config: ServerConfig) -> CheckResult:
    """Connect, secure, log in and list folders: name the failure plainly."""
    try:
        with ImapClient(config) as client:
            names = [f.name for f in client.folders()]
    except MailboxError as exc:
        return CheckResult("imap", False, exc.kind, exc.message)
    return CheckResult(
        "imap", True, "ok", f"IMAP at {config.where}: logged in, {len(names)} folders"
    )


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
