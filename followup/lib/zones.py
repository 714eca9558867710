"""Where this computer is: its IANA time zone, and the country a zone belongs to.

Pure Python (no Django): the first-run set-up (web and terminal) and a new profile's defaults
suggest from here. The zone → country map is the IANA database's own zone.tab, read from the
tzdata package when it is installed and else from the system's zoneinfo folder, never a table
written by hand.
"""

from __future__ import annotations

import contextlib
import os
import zoneinfo
from functools import lru_cache
from pathlib import Path

__all__ = ["country_for_zone", "is_place_zone", "local_zone_name", "zone_countries"]

# Zones that name no place: a suggestion of "UTC" says the machine does not know where it is.
_PLACELESS = ("UTC", "GMT", "Etc/", "Universal", "Zulu", "Factory")


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_zone_name(environment_tz: str | None = None) -> str:
    """This machine's IANA zone: TZ, /etc/timezone, /etc/localtime, then tzlocal (which knows
    macOS and Windows too); UTC when none names a known zone.

    Under Django pass `environment_tz`, the TZ the process started with (settings.SYSTEM_TZ):
    Django overwrites os.environ["TZ"] with its own TIME_ZONE ("UTC") at start-up."""
    started_with = os.environ.get("TZ", "") if environment_tz is None else environment_tz
    candidates = [started_with.lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    with contextlib.suppress(OSError):
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    # tzlocal (it comes with dateparser) reads TZ itself: only when that is still the original.
    # On an odd system it raises its own errors; the candidates above stand.
    if os.environ.get("TZ", "") == started_with:
        with contextlib.suppress(Exception):
            import tzlocal

            candidates.append(tzlocal.get_localzone_name() or "")
    for name in candidates:
        if name and _is_zone(name):
            return name
    return "UTC"


def is_place_zone(name: str) -> bool:
    """True for a zone that names a place (Africa/Nairobi), false for UTC, Etc/GMT+3 and the
    like: only a place is worth suggesting."""
    return bool(name) and not name.startswith(_PLACELESS) and _is_zone(name)


def _zone_tab_text() -> str:
    with contextlib.suppress(ImportError, OSError):
        from importlib.resources import files

        return files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    for folder in zoneinfo.TZPATH:
        with contextlib.suppress(OSError):
            return (Path(folder) / "zone.tab").read_text(encoding="utf-8")
    return ""


@lru_cache(maxsize=1)
def zone_countries() -> dict[str, str]:
    """{'Africa/Nairobi': 'KE', …} from zone.tab (tab-separated: code, coordinates, zone)."""
    mapping: dict[str, str] = {}
    for line in _zone_tab_text().splitlines():
        if not line or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            mapping[columns[2]] = columns[0]
    return mapping


def country_for_zone(name: str) -> str | None:
    """The ISO 3166 code of the country a zone belongs to ('Africa/Nairobi' → 'KE'), or None
    for a zone of no one country (UTC) or an unknown name."""
    return zone_countries().get((name or "").strip())
