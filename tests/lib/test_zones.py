"""Where this computer is: its zone and the country of a zone, from the IANA database's own
zone.tab (no table of ours)."""

from __future__ import annotations

import pytest

from followup.lib import zones


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Africa/Nairobi", "KE"),
        ("Europe/Paris", "FR"),
        ("America/Sao_Paulo", "BR"),
        ("Asia/Kolkata", "IN"),
        ("Pacific/Auckland", "NZ"),
    ],
)
def test_a_zone_names_its_country(zone, country):
    assert zones.country_for_zone(zone) == country


@pytest.mark.parametrize("zone", ["UTC", "Etc/GMT+3", "Mars/Olympus", "", "  "])
def test_a_zone_of_no_one_country_names_none(zone):
    assert zones.country_for_zone(zone) is None


def test_the_map_is_the_whole_zone_tab():
    assert len(zones.zone_countries()) > 300


def test_the_zone_the_process_started_with_comes_first(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # what Django leaves in the environment
    assert zones.local_zone_name("Asia/Tokyo") == "Asia/Tokyo"
    assert zones.local_zone_name(":Asia/Tokyo") == "Asia/Tokyo"


def test_an_unknown_zone_is_passed_over(monkeypatch):
    monkeypatch.setenv("TZ", "Mars/Olympus")
    assert zones.local_zone_name() != "Mars/Olympus"


@pytest.mark.parametrize(
    ("zone", "place"),
    [("Africa/Nairobi", True), ("UTC", False), ("Etc/UTC", False), ("GMT", False), ("", False)],
)
def test_only_a_zone_that_names_a_place_is_worth_suggesting(zone, place):
    assert zones.is_place_zone(zone) is place
