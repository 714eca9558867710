"""Hosted mode: the account page's "Test connection" refuses a mail server on this machine or a
private network before connecting, naming the field, and answers the same whether a port there
is open or closed: it cannot be used to scan the hosting network."""

import re
import socket

from .test_settings_mail import account_data


def test_the_connection_test_names_the_blocked_field_and_is_no_port_scanner(client, settings):
    settings.HOSTED = True
    settings.FOLLOWUP_OUTBOUND_ALLOWED_HOSTS = []
    with socket.socket() as open_port, socket.socket() as closed_port:
        open_port.bind(("127.0.0.1", 0))
        open_port.listen(4)
        open_port.setblocking(False)
        closed_port.bind(("127.0.0.1", 0))  # bound, not listening
        pages = []
        for sock in (open_port, closed_port):
            port = str(sock.getsockname()[1])
            client.post(
                "/settings/mail/",
                account_data(
                    smtp_host="127.0.0.1",
                    smtp_port=port,
                    imap_host="localhost",
                    imap_port=port,
                ),
            )
            response = client.post("/settings/mail/test/")
            assert response.status_code == 200
            html = response.content.decode().replace(port, "PORT")
            pages.append(re.sub(r"[A-Za-z0-9]{64}", "CSRF", html))  # the per-response token
        try:
            open_port.accept()
            raise AssertionError("the connection test connected to a loopback port")
        except BlockingIOError:
            pass
    assert "SMTP: address not allowed" in pages[0]
    assert "blocked: smtp_host:" in pages[0] and "blocked: imap_host:" in pages[0]
    assert pages[0] == pages[1]
