"""Countries and regions (ISO 3166 alpha-2) named in the reader's language, and their time zones.

The names come from Babel's locale data (CLDR); the list of codes and each country's
zones from the tz database shipped by the `tzdata` package (iso3166.tab and zone.tab, whose
zones of a country come most populous first). No list is kept here by hand.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from babel import Locale

JAPAN = "JP"


def _table(name: str) -> list[list[str]]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166 alpha-2 code the tz database knows."""
    return frozenset(row[0] for row in _table("iso3166.tab"))


@cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """Each country's time zones, the most populous first."""
    found: dict[str, list[str]] = {}
    for row in _table("zone.tab"):
        found.setdefault(row[0], []).append(row[2])
    return {code: tuple(zones) for code, zones in found.items()}


def zones_of(country: str) -> tuple[str, ...]:
    return zones_by_country().get(country, ())


def default_zone(country: str) -> str:
    """The zone a country's organiser is shown beside Japan time (its most populous one)."""
    zones = zones_of(country)
    return zones[0] if zones else "UTC"


def zone_for(country: str, chosen: str | None) -> str:
    """The organiser's zone: the one chosen if it is one of the country's, else the country's main one."""
    return chosen if chosen and chosen in zones_of(country) else default_zone(country)


@cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {code: territories.get(code, code) for code in country_codes()}


def country_name(code: str, language: str) -> str:
    return _names(language).get(code, code)


def country_choices(language: str) -> list[tuple[str, str]]:
    """(code, name) of every country or region, in the reader's alphabetical order (Japan first)."""
    names = _names(language)
    others = sorted((item for item in names.items() if item[0] != JAPAN), key=lambda item: item[1])
    return [(JAPAN, names[JAPAN]), *others]


@cache
def several_zone_countries() -> tuple[str, ...]:
    """The countries with more than one time zone (their organisers may choose theirs)."""
    return tuple(sorted(code for code, zones in zones_by_country().items() if len(zones) > 1))
