"""The address guard for outbound connections (mail servers now; push services and careers
pages later): in hosted mode a user-supplied host must not reach this machine or its private
network, or "Test connection" becomes a port scanner of the hosting network.

One rule, used by every outbound connection: resolve the name, and refuse it if any address it
resolves to is loopback, private, link-local, multicast, reserved or unspecified, unless the
host is named in FOLLOWUP_OUTBOUND_ALLOWED_HOSTS. Connect to the address that was checked, not
to the name again (a second lookup could answer differently).

Pure Python (no Django): callers pass whether the guard is on and the allowed hosts.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(ValueError):
    """A host this installation may not connect to; the message says why, for the user."""


class UnresolvedHost(BlockedAddress):
    """A host name with no address: not a refusal of the guard (anyone can ask the DNS)."""


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


@dataclass(frozen=True)
class Destination:
    host: str  # as the user wrote it (for TLS certificate checks)
    address: str  # the first checked address to connect to
    port: int
    # Every address the name resolved to, all checked, in the resolver's order: a caller tries
    # them in turn as socket.create_connection does (a host with IPv6 and IPv4 addresses).
    addresses: tuple[str, ...] = ()


def resolve_checked(
    host: str, port: int, *, guard: bool, allowed_hosts: Collection[str] = ()
) -> Destination:
    """Resolve `host` and check it. With the guard off (a person's own laptop, where a local
    bridge such as 127.0.0.1:1143 is legitimate) only resolution happens."""
    name = host.strip().rstrip(".").lower()
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvedHost(f"{host!r} cannot be resolved ({exc})") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if guard and name not in {h.strip().rstrip(".").lower() for h in allowed_hosts}:
        for address in addresses:
            if not is_public(address):
                raise BlockedAddress(
                    f"{host!r} is {address}, an address on this machine or a private network; "
                    "this server may not connect there"
                )
    unique = tuple(dict.fromkeys(str(address) for address in addresses))
    return Destination(host=host, address=unique[0], port=port, addresses=unique)
