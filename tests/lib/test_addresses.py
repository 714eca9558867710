import pytest

from followup.lib.addresses import BadAddress, parse_person


def test_a_name_and_an_address_are_read_as_typed():
    assert parse_person("Wanjiku Kamau <Wanjiku@Acme.example>") == (
        "Wanjiku Kamau",
        "wanjiku@acme.example",
    )
    assert parse_person('"Kamau, Wanjiku" <wanjiku@acme.example>') == (
        "Kamau, Wanjiku",
        "wanjiku@acme.example",
    )


def test_a_bare_address_gets_a_name_from_its_local_part():
    assert parse_person("grace.achieng@acme.example") == (
        "Grace Achieng",
        "grace.achieng@acme.example",
    )


def test_a_bare_name_has_no_address():
    assert parse_person("Wanjiku Kamau") == ("Wanjiku Kamau", "")


@pytest.mark.parametrize(
    "text",
    [
        "Ann Bcc: evil@evil.example <ann@acme.example>",
        "Ann, evil@evil.example <ann@acme.example>",
        "Ann <ann@acme.example> evil@evil.example",
        "ann@acme.example <evil@evil.example>",
    ],
)
def test_a_name_that_would_send_the_mail_elsewhere_is_refused(text):
    with pytest.raises(BadAddress, match="Name <name@example.com>"):
        parse_person(text)


def test_two_addresses_are_refused_not_cut_to_the_first():
    with pytest.raises(BadAddress, match="2 addresses"):
        parse_person("a@b.example, c@d.example")


@pytest.mark.parametrize("text", ["Ann <ann@>", "Ann <@acme.example>", "Ann <ann acme.example>"])
def test_a_malformed_address_is_refused(text):
    with pytest.raises(BadAddress):
        parse_person(text)
