"""Real mail servers on loopback for the tests and the benchmark: a throwaway Dovecot (IMAP) and
aiosmtpd (SMTP) with AUTH and STARTTLS, and a self-signed certificate made with `cryptography`.

No pytest here (benchmarks/bench_mail.py uses it too): problems raise ServerUnavailable with a
message saying why; the fixtures in conftest.py turn that into a failure.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import imaplib
import ipaddress
import itertools
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

DOVECOT_PASSWORD = "secret"
SMTP_USER = "amina@example.com"
SMTP_PASSWORD = "smtp-app-password"


class ServerUnavailable(RuntimeError):
    """A test server cannot be started here; the message says why and what to install."""


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.02, message: str = "condition"):
    """Poll observable state until `predicate()` is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# TLS


@dataclass(frozen=True)
class Cert:
    cert_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context


def make_cert(directory: Path) -> Cert:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "followup test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return Cert(cert_path, key_path)


# ---------------------------------------------------------------------------------------------
# Dovecot

DOVECOT_CONF = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
instance_name = followup-test-{tag}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={base}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""


def find_dovecot() -> tuple[str, str]:
    dovecot = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    doveadm = shutil.which("doveadm") or (
        "/usr/bin/doveadm" if Path("/usr/bin/doveadm").exists() else None
    )
    if not dovecot or not doveadm:
        raise ServerUnavailable(
            "Dovecot is not installed: the mail tests need a real IMAP server. "
            "Install the Debian package dovecot-imapd (`make system-deps`, or "
            "`sudo apt-get install dovecot-imapd`)."
        )
    version = subprocess.run([dovecot, "--version"], capture_output=True, text=True).stdout.strip()
    if not version.startswith("2.3."):
        raise ServerUnavailable(
            f"Dovecot {version or '(unknown version)'} found; the test fixture is written for "
            "Dovecot 2.3 (Debian 12) configuration syntax."
        )
    for user in ("dovecot", "dovenull"):
        try:
            import pwd

            pwd.getpwnam(user)
        except KeyError:
            raise ServerUnavailable(
                f"the system user {user!r} is missing (it comes with the dovecot-core package)",
                pytrace=False,
            )
    return dovecot, doveadm


@dataclass
class Dovecot:
    base: Path
    conf: Path
    port: int
    ssl_port: int
    doveadm: str
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def log(self) -> str:
        try:
            return (self.base / "dovecot.log").read_text()[-4000:]
        except OSError:
            return ""


def start_dovecot(cert: Cert) -> Dovecot:
    """A throwaway Dovecot on free loopback ports (IMAP and IMAPS). Raises ServerUnavailable."""
    dovecot_bin, doveadm = find_dovecot()
    if os.geteuid() != 0:
        raise ServerUnavailable(
            "the throwaway Dovecot must be started as root (it switches to the dovecot/dovenull "
            "users itself); run the mail tests as root, as CI does"
        )
    base = Path(tempfile.mkdtemp(prefix="followup-dovecot-"))
    base.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (base / sub).mkdir()
    shutil.chown(base / "mail", "dovecot", "dovecot")
    # Dovecot reads the certificate as root at start-up; copy it where it is readable.
    cert_dir = base / "tls"
    cert_dir.mkdir()
    shutil.copy(cert.cert_path, cert_dir / "cert.pem")
    shutil.copy(cert.key_path, cert_dir / "key.pem")
    port, ssl_port = free_port(), free_port()
    conf = base / "dovecot.conf"
    conf.write_text(
        DOVECOT_CONF.format(
            base=base,
            tag=uuid.uuid4().hex[:8],
            cert=cert_dir / "cert.pem",
            key=cert_dir / "key.pem",
            password=DOVECOT_PASSWORD,
            port=port,
            ssl_port=ssl_port,
        )
    )
    # Dovecot daemonises and its children inherit stdout/stderr: a file, not a pipe, or we
    # would wait for an end-of-file that never comes.
    with open(base / "start.out", "w") as out:
        started = subprocess.run(
            [dovecot_bin, "-c", str(conf)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Dovecot(base=base, conf=conf, port=port, ssl_port=ssl_port, doveadm=doveadm)
    if started.returncode != 0:
        raise ServerUnavailable(
            f"Dovecot did not start: {(base / 'start.out').read_text().strip()}\n{server.log()}"
        )
    try:
        wait_for(
            lambda: port_open(port) and port_open(ssl_port),
            timeout=20,
            message=f"Dovecot on port {port}",
        )
    except AssertionError:
        stop_dovecot(server)
        raise ServerUnavailable(
            f"Dovecot did not listen on 127.0.0.1:{port}\n{server.log()}"
        ) from None
    return server


def stop_dovecot(server: Dovecot) -> None:
    subprocess.run(
        [server.doveadm, "-c", str(server.conf), "stop"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid_file = server.base / "run" / "master.pid"
    with contextlib.suppress(AssertionError):  # leave it to the OS; the run is over
        wait_for(lambda: not pid_file.exists(), timeout=10, message="Dovecot to stop")
    shutil.rmtree(server.base, ignore_errors=True)


@dataclass
class Mailbox:
    """One test's own IMAP user in the throwaway Dovecot."""

    server: Dovecot
    user: str
    password: str = DOVECOT_PASSWORD

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.server.port

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.server.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def deliver(self, raw: bytes | str, folder: str = "INBOX", flags: str | None = None) -> int:
        """Put a message in a folder (as delivery would); returns its UID."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        imap = self.connect()
        try:
            if folder != "INBOX":
                imap.create(_quote(folder))
            typ, data = imap.append(_quote(folder), flags, None, raw)
            assert typ == "OK", data
            return int(data[0].split(b"APPENDUID ")[1].split()[1].rstrip(b"]"))
        finally:
            imap.logout()

    def messages(self, folder: str = "INBOX") -> list[email.message.EmailMessage]:
        imap = self.connect()
        try:
            typ, _ = imap.select(_quote(folder), readonly=True)
            if typ != "OK":
                return []
            _, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[])")
            return [
                email.message_from_bytes(item[1], policy=policy.default)
                for item in data
                if isinstance(item, tuple)
            ]
        finally:
            imap.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        imap = self.connect()
        try:
            imap.select(_quote(folder), readonly=True)
            _, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            return [d.decode() for d in data if isinstance(d, bytes)]
        finally:
            imap.logout()

    def uidvalidity(self, folder: str = "INBOX") -> int:
        imap = self.connect()
        try:
            return self.uidvalidity_of(imap, folder)
        finally:
            imap.logout()

    @staticmethod
    def uidvalidity_of(imap: imaplib.IMAP4, folder: str) -> int:
        _, data = imap.status(_quote(folder), "(UIDVALIDITY)")
        return int(data[0].split(b"UIDVALIDITY ")[1].rstrip(b")"))

    def recreate(self, folder: str, messages: list[bytes]) -> None:
        """Delete and recreate a folder with the given messages: a new UIDVALIDITY."""
        imap = self.connect()
        try:
            if folder == "INBOX":
                # INBOX can be neither deleted nor renamed here: empty it, then give it a new
                # UIDVALIDITY with doveadm, as a server restore or migration would.
                imap.select("INBOX")
                imap.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                imap.expunge()
                old = self.uidvalidity_of(imap, "INBOX")
                done = subprocess.run(
                    [
                        self.server.doveadm,
                        "-c",
                        str(self.server.conf),
                        "mailbox",
                        "update",
                        "-u",
                        self.user,
                        "--uid-validity",
                        str(old + 1000),
                        "INBOX",
                    ],
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                )
                assert done.returncode == 0, done.stderr
            else:
                imap.delete(_quote(folder))
                imap.create(_quote(folder))
        finally:
            imap.logout()
        for raw in messages:
            self.deliver(raw, folder)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------------------------
# aiosmtpd


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"]).strip()


class Handler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.save_to_sent: Mailbox | None = None
        self.refuse: dict[str, str] = {}  # recipient -> SMTP reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.save_to_sent is not None:
            # Like Gmail and Microsoft 365: the submission server files a copy in Sent.
            self.save_to_sent.deliver(data, "Sent", r"(\Seen)")
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    controller: object
    handler: Handler
    port: int
    user: str = SMTP_USER
    password: str = SMTP_PASSWORD
    security: str = "starttls"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]


def _authenticator(user: str, password: str):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


def start_smtp(cert: Cert, *, implicit_tls: bool = False) -> SmtpServer:
    import logging

    from aiosmtpd.controller import Controller

    # aiosmtpd warns about its own deprecated attribute on every login.
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    handler = Handler()
    port = free_port()
    kwargs = dict(
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator(SMTP_USER, SMTP_PASSWORD),
        auth_required=True,
        server_hostname="localhost",
    )
    if implicit_tls:
        kwargs.update(ssl_context=cert.server_context(), auth_require_tls=False)
    else:
        kwargs.update(
            tls_context=cert.server_context(), require_starttls=True, auth_require_tls=True
        )
    controller = Controller(handler, **kwargs)
    controller.start()
    return SmtpServer(controller, handler, port, security="ssl" if implicit_tls else "starttls")


class CountingHandler:
    """A sink that only counts (the benchmark: no parsing, no storing)."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def start_sink() -> tuple[object, CountingHandler, int]:
    """A plain SMTP sink on loopback (no TLS, no AUTH): (controller, handler, port)."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler, port
