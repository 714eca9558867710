"""Start the web app on waitress (works on Linux, macOS and Windows), plus the worker thread.

`followup serve` and the browser tests both use `create()`:

    server = create("127.0.0.1", 0, worker=False)
    thread = threading.Thread(target=server.run); thread.start()
    ... server.sign_in_url ...
    server.close(); thread.join()
"""

from __future__ import annotations

import importlib
import importlib.util
import ipaddress
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from followup.core.errors import InvalidInput
from followup.front import auth

LOOPBACK_NAMES = {"localhost": "127.0.0.1", "ip6-localhost": "::1"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, hosted: bool) -> str:
    """The address to bind: loopback only, unless hosted mode (real accounts) is on."""
    host = (host or "").strip()
    if not host:
        raise InvalidInput("host", "is required (e.g. 127.0.0.1)")
    if not hosted and not is_loopback(host):
        raise InvalidInput(
            "host",
            f"{host!r} is not a loopback address; local mode signs you in without a password, "
            "so it only listens on 127.0.0.1 (set FOLLOWUP_HOSTED=true for real accounts)",
        )
    # One listening socket, so the server can be stopped cleanly from another thread.
    return LOOPBACK_NAMES.get(host.lower(), host.strip("[]"))


def check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise InvalidInput("port", f"{port} is not a port number (1-65535)")
    return port


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@dataclass
class Server:
    """A bound waitress server; `run()` serves until `close()` (or Ctrl-C)."""

    wsgi_server: Any
    host: str
    port: int
    sign_in_url: str
    stop_event: threading.Event = field(default_factory=threading.Event)
    worker: Any = None
    worker_notice: str = ""

    @property
    def base_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}"

    def new_sign_in_url(self) -> str:
        """Another one-time sign-in link for the same server (e.g. a second browser)."""
        return f"{self.base_url}/login/?{auth.TOKEN_PARAM}={auth.issue_token()}"

    def run(self) -> None:
        try:
            self.wsgi_server.run()
        finally:
            self.stop_worker()

    def close(self) -> None:
        """Stop serving (from any thread): the listening socket closes inside the server's loop."""
        from waitress import wasyncore

        server = self.wsgi_server
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        self.stop_worker()

    def stop_worker(self) -> None:
        self.stop_event.set()
        join = getattr(self.worker, "join", None)
        if callable(join):
            join(timeout=10)


def start_worker(stop_event: threading.Event) -> tuple[Any, str]:
    """`followup.worker.run_in_thread(stop_event)` when that module exists."""
    if importlib.util.find_spec("followup.worker") is None:
        return None, "No background worker in this version: scheduled sending is off."
    try:
        worker = importlib.import_module("followup.worker")
    except ImportError as exc:
        return None, f"The background worker could not start ({exc}); scheduled sending is off."
    return worker.run_in_thread(stop_event), "Background worker started."


def create(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    worker: bool = True,
    threads: int = 8,
    hosted: bool | None = None,
    application: Callable[..., Any] | None = None,
) -> Server:
    """Bind the server and issue a fresh sign-in token. Raises InvalidInput naming host or port."""
    from django.conf import settings

    hosted = settings.HOSTED if hosted is None else hosted
    bind_host = check_host(host, hosted)
    check_port(port)
    if application is None:
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
    # waitress re-exports create_server at the top, but its stubs declare it in waitress.server only.
    from waitress.server import BaseWSGIServer, create_server

    auth.install_log_redaction()
    try:
        wsgi_server = create_server(
            application, host=bind_host, port=port, threads=threads, ident="followup"
        )
    except OSError as exc:
        raise InvalidInput(
            "port", f"cannot listen on {url_host(bind_host)}:{port}: {exc.strerror or exc}"
        ) from None
    # One checked address and one port: waitress returns that one server, not a MultiSocketServer.
    assert isinstance(wsgi_server, BaseWSGIServer)
    # getsockname() gives the numeric port as text (effective_port holds the same, unstubbed).
    bound_port = int(wsgi_server.getsockname()[1])
    base = f"http://{url_host(bind_host)}:{bound_port}"
    if hosted:
        sign_in_url = f"{base}/login/"
    else:
        sign_in_url = f"{base}/login/?{auth.TOKEN_PARAM}={auth.issue_token()}"
    server = Server(
        wsgi_server=wsgi_server, host=bind_host, port=bound_port, sign_in_url=sign_in_url
    )
    if worker:
        server.worker, server.worker_notice = start_worker(server.stop_event)
    else:
        server.worker_notice = "Background worker off (--no-worker)."
    return server
