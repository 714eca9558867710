"""IMAP protocol code: connect, list folders (special-use), read headers by UID in batches with
BODY.PEEK (nothing is marked read), APPEND to Drafts/Sent, search by Message-ID.

No processing here: the poller hands the bytes to `followup.mail.replies.process_message`.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from imap_tools.imap_utf7 import utf7_decode, utf7_encode

from followup.mail.smtp import (
    AUTHENTICATION,
    SERVER,
    TIMEOUT,
    TLS,
    UNREACHABLE,
    ServerConfig,
    tls_context,
)

# The header fields the poller reads for every new message: enough to match and classify.
HEADER_FIELDS = (
    "MESSAGE-ID",
    "IN-REPLY-TO",
    "REFERENCES",
    "FROM",
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


class MailboxError(Exception):
    """An IMAP failure; `kind` names it plainly, `retry` says whether trying later may help."""

    def __init__(self, message: str, retry: bool = True, kind: str = SERVER) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.kind = kind

    def __str__(self) -> str:
        return self.message


ImapConfig = ServerConfig


@dataclass(frozen=True)
class Folder:
    name: str
    flags: frozenset[str]
    delimiter: str

    @property
    def selectable(self) -> bool:
        return "\\noselect" not in self.flags and "\\nonexistent" not in self.flags


@dataclass(frozen=True)
class FolderStatus:
    name: str
    uidvalidity: int
    uidnext: int | None
    exists: int


def encode_folder(name: str) -> str:
    """A folder name as an IMAP astring: modified UTF-7, quoted."""
    encoded = utf7_encode(name).decode("ascii")
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


_LIST_RE = re.compile(
    rb'^\((?P<flags>[^)]*)\)\s+(?P<delim>"(?:[^"\\]|\\.)*"|NIL)\s*(?P<name>.*)$', re.I
)


def _unquote(raw: bytes) -> bytes:
    raw = raw.strip()
    if len(raw) >= 2 and raw[:1] == b'"' and raw[-1:] == b'"':
        return re.sub(rb"\\(.)", rb"\1", raw[1:-1])
    return raw


def parse_list_response(lines: Sequence[bytes | tuple[bytes, bytes] | None]) -> list[Folder]:
    """Parse imaplib's LIST answer (atoms, quoted strings and literals)."""
    folders = []
    for item in lines:
        if item is None:
            continue
        if isinstance(item, tuple):
            head, literal = item
            match = _LIST_RE.match(head.strip())
            name_raw = literal
        else:
            match = _LIST_RE.match(item.strip())
            name_raw = _unquote(match.group("name")) if match else b""
        if not match:
            continue
        flags = frozenset(
            f.lower() for f in match.group("flags").decode("ascii", "replace").split()
        )
        delim_raw = match.group("delim")
        delimiter = (
            "" if delim_raw.upper() == b"NIL" else _unquote(delim_raw).decode("ascii", "replace")
        )
        folders.append(Folder(name=utf7_decode(name_raw), flags=flags, delimiter=delimiter))
    return folders


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


_UID_RE = re.compile(rb"\bUID (\d+)", re.I)


def _describe(exc: BaseException, config: ImapConfig, stage: str) -> MailboxError:
    where = f"{config.host}:{config.port}"
    if isinstance(exc, MailboxError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailboxError(
            f"TLS failed at {where}: the server's certificate could not be verified "
            f"({exc.verify_message or exc.reason})",
            kind=TLS,
        )
    if isinstance(exc, ssl.SSLError):
        return MailboxError(
            f"TLS failed at {where}: {exc.reason or exc} (is the security setting right for "
            f"port {config.port}? 993 is SSL, 143 is STARTTLS)",
            kind=TLS,
        )
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return MailboxError(f"timeout: {where} did not answer in time", kind=TIMEOUT)
    if isinstance(exc, socket.gaierror):
        return MailboxError(
            f"host unreachable: {config.host!r} was not found ({exc.strerror or exc})",
            kind=UNREACHABLE,
        )
    if isinstance(exc, ConnectionRefusedError):
        return MailboxError(
            f"host unreachable: {where} refused the connection (is the port right?)",
            kind=UNREACHABLE,
        )
    if isinstance(exc, imaplib.IMAP4.abort):
        return MailboxError(f"{where} closed the connection ({exc})", kind=SERVER)
    if isinstance(exc, imaplib.IMAP4.error):
        text = str(exc)
        if stage == "login":
            return MailboxError(
                f"authentication failed at {where}: the server refused the user name or password "
                "(Gmail and Microsoft 365 need an app password)",
                kind=AUTHENTICATION,
            )
        if stage == "starttls":
            return MailboxError(f"TLS failed at {where}: {text}", kind=TLS)
        return MailboxError(f"IMAP error at {where}: {text}", kind=SERVER)
    if isinstance(exc, OSError):
        return MailboxError(f"host unreachable: {where} ({exc.strerror or exc})", kind=UNREACHABLE)
    raise exc


class ImapClient:
    """A logged-in IMAP session. Use as a context manager."""

    def __init__(self, config: ImapConfig) -> None:
        self.config = config
        self._imap: imaplib.IMAP4 | None = None
        self._folders: list[Folder] | None = None
        self.selected: FolderStatus | None = None

    def __repr__(self) -> str:
        return f"<ImapClient {self.config.host}:{self.config.port}>"

    # -- session ---------------------------------------------------------------------------

    def connect(self) -> ImapClient:
        if self._imap is not None:
            return self
        c = self.config
        stage = "connect"
        imap: imaplib.IMAP4 | None = None
        try:
            if c.security == "ssl":
                imap = imaplib.IMAP4_SSL(
                    c.host, c.port, ssl_context=tls_context(), timeout=c.timeout
                )
            else:
                imap = imaplib.IMAP4(c.host, c.port, timeout=c.timeout)
                if c.security == "starttls":
                    stage = "starttls"
                    imap.starttls(ssl_context=tls_context())
            stage = "login"
            imap.login(c.user, c.password.reveal())
        except BaseException as exc:
            if imap is not None:
                with contextlib.suppress(Exception):  # already failing: the first error counts
                    imap.shutdown()
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise _describe(exc, c, stage) from None
        self._imap = imap
        return self

    def close(self) -> None:
        if self._imap is None:
            return
        imap, self._imap = self._imap, None
        try:
            imap.logout()
        except Exception:
            with contextlib.suppress(Exception):  # the connection is gone either way
                imap.shutdown()

    def __enter__(self) -> ImapClient:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def imap(self) -> imaplib.IMAP4:
        if self._imap is None:
            self.connect()
        assert self._imap is not None
        return self._imap

    def _call(self, name: str, *args: object) -> list[object]:
        try:
            method = getattr(self.imap, name)
            typ, data = method(*args)
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise _describe(exc, self.config, name) from None
        if typ != "OK":
            detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
            raise MailboxError(f"IMAP {name.upper()} failed: {detail}", kind=SERVER)
        return list(data)

    def _uid(self, command: str, *args: object) -> list[object]:
        try:
            typ, data = self.imap.uid(command, *args)
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise _describe(exc, self.config, command.lower()) from None
        if typ != "OK":
            detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
            raise MailboxError(f"IMAP UID {command} failed: {detail}", kind=SERVER)
        return list(data)

    # -- folders ---------------------------------------------------------------------------

    def folders(self, refresh: bool = False) -> list[Folder]:
        if self._folders is None or refresh:
            data = self._call("list", '""', '"*"')
            self._folders = parse_list_response(data)  # type: ignore[arg-type]
        return self._folders

    def special_folder(self, flag: str) -> str | None:
        return special_folder(self.folders(), flag)

    def folder_exists(self, name: str) -> bool:
        return any(f.name == name for f in self.folders())

    def ensure_folder(self, name: str) -> None:
        if self.folder_exists(name):
            return
        try:
            self._call("create", encode_folder(name))
        except MailboxError:
            if not self.folder_exists(name) and not any(
                f.name == name for f in self.folders(refresh=True)
            ):
                raise
        self._folders = None

    def select(self, name: str, readonly: bool = True) -> FolderStatus:
        """EXAMINE (read-only, the default: nothing can be marked read) or SELECT a folder."""
        data = self._call("select", encode_folder(name), readonly)
        exists = int(data[0]) if data and isinstance(data[0], bytes) and data[0].isdigit() else 0
        uidvalidity = self._response_int("UIDVALIDITY")
        uidnext = self._response_int("UIDNEXT")
        if uidvalidity is None:
            raise MailboxError(f"the server gave no UIDVALIDITY for {name!r}", kind=SERVER)
        self.selected = FolderStatus(
            name=name, uidvalidity=uidvalidity, uidnext=uidnext, exists=exists
        )
        return self.selected

    def _response_int(self, code: str) -> int | None:
        _, values = self.imap.response(code)
        for value in reversed(values or []):
            if isinstance(value, bytes) and value.strip().isdigit():
                return int(value.strip())
        return None

    # -- reading ---------------------------------------------------------------------------

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs in the selected folder greater than `last_uid`, ascending."""
        data = self._uid("SEARCH", f"UID {last_uid + 1}:*")
        uids = sorted({int(x) for chunk in data if isinstance(chunk, bytes) for x in chunk.split()})
        # "n:*" always includes the highest UID, even when it is below n.
        return [u for u in uids if u > last_uid]

    def fetch_headers(
        self, uids: Sequence[int], fields: Sequence[str] = HEADER_FIELDS
    ) -> Iterator[tuple[int, bytes]]:
        """(uid, header bytes) for the given UIDs, in one UID FETCH; BODY.PEEK marks nothing read."""
        if not uids:
            return
        spec = f"(UID BODY.PEEK[HEADER.FIELDS ({' '.join(fields)})])"
        data = self._uid("FETCH", uid_set(uids), spec)
        yield from parse_fetch(data)

    def fetch_message(self, uid: int, max_bytes: int = MAX_MESSAGE_BYTES) -> bytes | None:
        """The message (its first `max_bytes`), without marking it read."""
        data = self._uid("FETCH", str(uid), f"(UID BODY.PEEK[]<0.{max_bytes}>)")
        for _, body in parse_fetch(data):
            return body
        return None

    def search_message_id(self, folder: str, message_id: str) -> list[int]:
        """UIDs in `folder` whose Message-ID header contains `message_id`."""
        self.select(folder)
        needle = message_id.strip()
        if not needle or any(ch in needle for ch in '"\\\r\n'):
            return []
        data = self._uid("SEARCH", "HEADER", "Message-ID", f'"{needle}"')
        return sorted({int(x) for chunk in data if isinstance(chunk, bytes) for x in chunk.split()})

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
        flag_text = "(" + " ".join(flags) + ")" if flags else None
        date_text = imaplib.Time2Internaldate(when) if when is not None else None
        data = self._call("append", encode_folder(folder), flag_text, date_text, message)
        for chunk in data:
            if isinstance(chunk, bytes):
                match = re.search(rb"APPENDUID (\d+) (\d+)", chunk)
                if match:
                    return int(match.group(1)), int(match.group(2))
        return None

    def delete_uids(self, folder: str, uids: Sequence[int]) -> None:
        if not uids:
            return
        self.select(folder, readonly=False)
        self._uid("STORE", uid_set(uids), "+FLAGS.SILENT", "(\\Deleted)")
        caps = self.imap.capabilities
        if "UIDPLUS" in caps:
            self._uid("EXPUNGE", uid_set(uids))
        else:
            self._call("expunge")


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


def parse_fetch(data: Sequence[object]) -> Iterator[tuple[int, bytes]]:
    """imaplib's FETCH answer -> (uid, literal) pairs. The UID may come before or after the
    literal in the response, so both places are looked at."""
    items = list(data)
    for i, item in enumerate(items):
        if not isinstance(item, tuple) or len(item) < 2:
            continue
        head, body = item[0], item[1]
        match = _UID_RE.search(head) if isinstance(head, bytes) else None
        if match is None and i + 1 < len(items) and isinstance(items[i + 1], bytes):
            match = _UID_RE.search(items[i + 1])  # type: ignore[arg-type]
        if match is None or not isinstance(body, bytes):
            continue
        yield int(match.group(1)), body


def test_connection(config: ImapConfig) -> tuple[bool, str, str]:
    """(ok, kind, message): connect, secure, log in and list folders."""
    try:
        with ImapClient(config) as client:
            names = [f.name for f in client.folders()]
    except MailboxError as exc:
        return False, exc.kind, exc.message
    return True, "ok", f"IMAP at {config.host}:{config.port}: logged in, {len(names)} folders"


test_connection.__test__ = False  # type: ignore[attr-defined]
