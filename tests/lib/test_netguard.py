import ipaddress

import pytest

from followup.lib.netguard import BlockedAddress, is_public, resolve_checked


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_addresses_on_this_machine_or_a_private_network_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888"])
def test_internet_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST.", "::1"])
def test_the_guard_refuses_loopback_hosts_by_name_or_number(host):
    with pytest.raises(BlockedAddress, match="private network"):
        resolve_checked(host, 25, guard=True)


def test_a_host_the_settings_allow_passes_the_guard():
    destination = resolve_checked("localhost", 1025, guard=True, allowed_hosts=["localhost"])
    assert ipaddress.ip_address(destination.address).is_loopback


def test_without_the_guard_a_local_bridge_is_fine():
    assert resolve_checked("127.0.0.1", 1143, guard=False).address == "127.0.0.1"


def test_a_name_that_does_not_resolve_is_named():
    with pytest.raises(BlockedAddress, match="cannot be resolved"):
        resolve_checked("no-such-host.invalid", 25, guard=True)
