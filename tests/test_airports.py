"""Airports in the gazetteer (from the airportsdata package): names, ranking, and what they leave alone."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from gazetteer import Context, Gazetteer, Place
from gazetteer.build import _bare_airport_name, airport_name_parts
from gazetteer.cli import cli
from gazetteer.rank import MATCH_ALIAS, MATCH_NAME, haversine_km, static_score
from geomap.recognize import Recogniser


def first(gaz: Gazetteer, name: str, **kw: object) -> Place:
    found = gaz.lookup(name, **kw)  # type: ignore[arg-type]
    assert found, f"nothing found for {name!r}"
    return found[0]


def names_of(gaz: Gazetteer, place_id: str) -> dict[str, int]:
    """The index keys of one place, with their match types."""
    con = sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT n.key, n.match FROM names n JOIN places p ON p.pid = n.pid WHERE p.id = ?", (place_id,)
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


# -- lookups ---------------------------------------------------------------------------------------
def test_heathrow_is_londons_airport_not_the_florida_town(gaz: Gazetteer) -> None:
    p = first(gaz, "Heathrow")
    assert (p.kind, p.country) == ("airport", "GB"), p.reason
    assert haversine_km(p.lat, p.lon, 51.47, -0.46) < 5
    assert p.population == 0 and p.source == "airportsdata"
    assert any(q.kind == "city" and q.country == "US" for q in gaz.lookup("Heathrow"))  # still there


@pytest.mark.parametrize(("query", "country"), [
    ("Gatwick", "GB"),
    ("Heathrow Airport", "GB"),
    ("London Heathrow Airport", "GB"),
    ("Toronto Pearson International Airport", "CA"),
    ("Pearson International Airport", "CA"),
    ("Ganja Airport", "AZ"),
    ("Ganja airport", "AZ"),
    ("Zvartnots", "AM"),
    ("Zvartnots International Airport", "AM"),
    ("Yerevan airport", "AM"),  # a city's only IATA airport
    ("Baku airport", "AZ"),
    ("Schiphol", "NL"),
])
def test_airport_names(gaz: Gazetteer, query: str, country: str) -> None:
    p = first(gaz, query)
    assert (p.kind, p.country) == ("airport", country), p.reason


@pytest.mark.parametrize(("query", "name", "country"), [
    ("Ganja", "Ganja", "AZ"),
    ("Paris", "Paris", "FR"),
    ("London", "London", "GB"),
    ("Moscow", "Moscow", "RU"),
    ("Tovuz", "Tovuz", "AZ"),
    ("Stepanakert", "Khankendi", "AZ"),
    ("Yerevan", "Yerevan", "AM"),
    ("Baku", "Baku", "AZ"),
    ("Orly", "Orly", "FR"),  # the town the airport is named after keeps its name
    ("Domodedovo", "Domodedovo", "RU"),
])
def test_cities_keep_their_names(gaz: Gazetteer, query: str, name: str, country: str) -> None:
    p = first(gaz, query)
    assert (p.kind, p.name, p.country) == ("city", name, country), p.reason


def test_a_town_is_not_displaced_by_a_small_airports_name(gaz: Gazetteer) -> None:
    # Croydon Airport (Queensland) serves a hamlet: "Croydon" stays the London borough town
    assert any(q.kind == "airport" for q in gaz.lookup("Croydon", limit=20))
    p = first(gaz, "Croydon")
    assert (p.kind, p.country) == ("city", "GB"), p.reason
    # Phoenix: the city of 1.6 M, not Sanya Phoenix International Airport
    assert (first(gaz, "Phoenix").kind, first(gaz, "Phoenix").country) == ("city", "US")


def test_city_airport_without_an_airport_of_that_name_is_the_city(gaz: Gazetteer) -> None:
    # Moscow has four international airports, so "Moscow airport" names none: the city, not a fuzzy match
    p = first(gaz, "Moscow airport")
    assert (p.kind, p.name, p.country) == ("city", "Moscow", "RU"), p.reason
    assert not p.fuzzy
    assert first(gaz, "Tovuz airport").kind == "city"  # the city-namesake rule still holds


def test_context_still_counts(gaz: Gazetteer) -> None:
    p = first(gaz, "Heathrow", context=Context(countries=("US",)))
    assert (p.kind, p.country) == ("city", "US"), p.reason


def test_derived_names_of_ganja_airport_leave_the_city_alone(gaz: Gazetteer) -> None:
    p = first(gaz, "Ganja Airport")
    keys = names_of(gaz, p.id)
    assert p.id.startswith("airport:") and keys["ganja airport"] == MATCH_NAME
    assert "ganja" not in keys


def test_derived_names_of_heathrow(gaz: Gazetteer) -> None:
    p = first(gaz, "Heathrow")
    assert p.id == "airport:EGLL"
    keys = names_of(gaz, p.id)
    assert keys == {"london heathrow airport": MATCH_NAME, "heathrow airport": MATCH_ALIAS,
                    "heathrow": MATCH_ALIAS}  # no "london airport": London has six
    assert p.admin1 == "England"


def test_reverse_does_not_return_airports(gaz: Gazetteer) -> None:
    r = gaz.reverse(51.4706, -0.4619)
    assert r.nearest is not None and r.nearest.kind == "city"
    assert r.country is not None and r.country.country == "GB"


def test_info_counts_airports(gaz: Gazetteer) -> None:
    info = gaz.info()
    assert 5_000 < info["places"]["airport"] < 12_000
    assert any("airportsdata" in s["name"] and "MIT" in s["licence"] for s in info["sources"])


def test_cli_lookup_json_and_info(gaz: Gazetteer) -> None:
    res = CliRunner().invoke(cli, ["--index", str(gaz.path), "lookup", "Heathrow", "--json"])
    assert res.exit_code == 0, res.stderr
    best = json.loads(res.stdout)[0]
    assert (best["kind"], best["country"], best["name"]) == ("airport", "GB", "London Heathrow Airport")
    res = CliRunner().invoke(cli, ["--index", str(gaz.path), "info"])
    assert res.exit_code == 0 and "airport " in res.stdout and "airportsdata" in res.stdout


def test_the_text_matcher_takes_airport_names_that_say_airport(gaz: Gazetteer) -> None:
    rec = Recogniser(gaz, use_spacy=False)
    text = ("Passengers waited at Zvartnots International Airport, and a drone fell near Ganja Airport. "
            "The plane landed at Toronto Pearson International Airport. Heydar Aliyev was president.")
    got = {sp.text for sp in rec.recognise(text).toponyms}
    assert {"Zvartnots International Airport", "Ganja Airport", "Toronto Pearson International Airport"} <= got
    assert not any("Aliyev" in t for t in got)  # a person's name, though Baku's airport bears it


# -- the rules, without the index ------------------------------------------------------------------
def test_airport_name_parts() -> None:
    def city(*keys: str) -> Callable[[str], bool]:
        return lambda k: k in keys

    assert airport_name_parts("London Heathrow Airport", city("london")) == ("London", "Heathrow Airport", "Heathrow")
    assert airport_name_parts("Paris-Orly Airport", city("paris")) == ("Paris", "Orly Airport", "Orly")
    assert airport_name_parts("Toronto Pearson International Airport", city("toronto")) == (
        "Toronto", "Pearson International Airport", "Pearson")
    assert airport_name_parts("Amsterdam Airport Schiphol", city("amsterdam")) == (
        "Amsterdam", "Airport Schiphol", "Schiphol")
    assert airport_name_parts("Ganja Airport", city("ganja")) == ("Ganja", "", "")
    assert airport_name_parts("Zvartnots International Airport", city("yerevan")) == ("", "", "Zvartnots")
    assert airport_name_parts("Heydar Aliyev International Airport", city("baku")) == ("", "", "Heydar Aliyev")
    # the longest leading city wins, even when nothing distinctive is left
    assert airport_name_parts("Frankfurt am Main International Airport",
                              city("frankfurt", "frankfurt am main")) == ("Frankfurt am Main", "", "")
    assert airport_name_parts("Airport", city()) == ("", "", "")


@pytest.mark.parametrize(("core", "ok"), [
    ("Heathrow", True), ("Gatwick", True), ("O'Hare", True), ("Zvartnots", True),
    ("Heydar Aliyev", False),  # two words: mostly a person
    ("Central", False), ("Liberty", False), ("Field", False),  # ordinary words
    ("Ivo", False),  # under four letters
    ("KLIA", False),  # an abbreviation
])
def test_bare_airport_name(core: str, ok: bool) -> None:
    assert _bare_airport_name(core) is ok


def test_served_city_prior() -> None:
    """A bare airport alias beats a same-named town only when the town is under a hundredth of
    the city the airport serves."""
    heathrow = static_score(MATCH_ALIAS, "airport", 0, served=8_961_989)  # London
    assert heathrow > static_score(MATCH_NAME, "city", 5_896)  # Heathrow, Florida
    assert heathrow < static_score(MATCH_NAME, "city", 100_000)
    small = static_score(MATCH_ALIAS, "airport", 0, served=20_000)
    assert small < static_score(MATCH_NAME, "city", 250)
    # the airport of a big city never outranks the city itself on the city's name
    assert static_score(MATCH_NAME, "airport", 0, served=330_663) < static_score(MATCH_NAME, "city", 330_663)
