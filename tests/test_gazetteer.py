"""Lookup, ranking, matching and reverse lookup on the built index."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point, box

from gazetteer import Context, Gazetteer, GazetteerError, InvalidQuery, Place
from gazetteer.build import _Builder, _Place, inverted_head


def first(gaz: Gazetteer, name: str, **kw: object) -> Place:
    found = gaz.lookup(name, **kw)  # type: ignore[arg-type]
    assert found, f"nothing found for {name!r}"
    return found[0]


# name → (expected name, kind, country): the places conflict reports name
TABLE = [
    ("Tovuz", "Tovuz", ("city", "admin1"), "AZ"),
    ("Tovuz district", "Tovuz", ("admin1",), "AZ"),
    ("Azerbaijan's Tovuz district", None, (), None),  # not a name: handled by the geoparser
    ("Syunik", "Syunik'", ("admin1",), "AM"),
    ("Syunik province", "Syunik'", ("admin1",), "AM"),
    ("Syunik'", "Syunik'", ("admin1",), "AM"),
    ("Goris", "Goris", ("city",), "AM"),
    ("Kapan", "Kapan", ("city",), "AM"),
    ("Jermuk", "Jermuk", ("city",), "AM"),
    ("Baku", "Baku", ("city",), "AZ"),
    ("Yerevan", "Yerevan", ("city",), "AM"),
    ("Stockholm", "Stockholm", ("city",), "SE"),
    ("Moscow", "Moscow", ("city",), "RU"),
    ("Paris", "Paris", ("city",), "FR"),
    ("Armenia", "Armenia", ("country",), "AM"),
    ("Azerbaijan", "Azerbaijan", ("country",), "AZ"),
    ("U.S.", "United States", ("country",), "US"),
    ("UK", "United Kingdom", ("country",), "GB"),
    ("Russia", "Russia", ("country",), "RU"),
]


@pytest.mark.parametrize(("query", "name", "kinds", "country"), [t for t in TABLE if t[1]])
def test_first_candidate(gaz: Gazetteer, query: str, name: str, kinds: tuple[str, ...], country: str) -> None:
    p = first(gaz, query)
    assert (p.name, p.country) == (name, country), p.reason
    assert p.kind in kinds


def test_syunik_is_the_province_with_its_polygon(gaz: Gazetteer) -> None:
    p = first(gaz, "Syunik")
    assert p.kind == "admin1" and p.geometry is not None
    assert p.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert p.geometry.contains(Point(46.342, 39.511))  # Goris lies in Syunik
    assert "admin-1" in p.reason


def test_lachin_corridor_is_a_line(gaz: Gazetteer) -> None:
    for q in ("Lachin corridor", "the Lachin corridor", "Lachin Corridor"):
        p = first(gaz, q)
        assert p.kind == "corridor" and p.geometry is not None and p.geometry.geom_type == "LineString"


@pytest.mark.parametrize("q", ["Nagorno-Karabakh", "Nagorno Karabakh", "Karabakh", "Artsakh", "Nagorny Karabakh"])
def test_karabakh_names_give_a_polygon_containing_stepanakert(gaz: Gazetteer, q: str) -> None:
    p = first(gaz, q)
    stepanakert = first(gaz, "Stepanakert")
    assert p.name == "Nagorno-Karabakh" and p.geometry is not None
    assert p.geometry.contains(Point(stepanakert.lon, stepanakert.lat))
    assert not p.geometry.contains(Point(46.342, 39.511))  # Goris is in Armenia


@pytest.mark.parametrize(
    ("a", "b"),
    [("Stepanakert", "Khankendi"), ("Xankəndi", "Khankendi"), ("Shushi", "Shusha"), ("Şuşa", "Shusha"),
     ("Laçın", "Lachin"), ("Lachin", "Berdzor"), ("Nagorno Karabakh", "Nagorno-Karabakh"), ("SYUNIK", "Syunik'")],
)
def test_spellings_meet_on_one_place(gaz: Gazetteer, a: str, b: str) -> None:
    assert first(gaz, a).id == first(gaz, b).id


def test_shushi_resolves_to_shusha(gaz: Gazetteer) -> None:
    p = first(gaz, "Shushi")
    assert p.name == "Shusha" and p.country == "AZ"
    assert "alternate name" in p.reason or "alias" in p.reason


def test_country_hint_changes_paris(gaz: Gazetteer) -> None:
    assert first(gaz, "Paris").country == "FR"
    p = first(gaz, "Paris", country="US")
    assert p.country == "US" and "in US" in p.reason


def test_near_context_prefers_close_places(gaz: Gazetteer) -> None:
    # "Gori" near Tbilisi is the Georgian town whatever else is called Gori
    p = first(gaz, "Gori", context=Context(near=((41.72, 44.79),)))
    assert p.country == "GE"


def test_feature_word_beats_same_named_city(gaz: Gazetteer) -> None:
    assert first(gaz, "Tovuz district").kind == "admin1"
    assert "'district'" in first(gaz, "Tovuz district").reason


def test_fuzzy_fallback_says_so(gaz: Gazetteer) -> None:
    p = first(gaz, "Stepanakertt")
    assert p.name == "Khankendi" and p.fuzzy and "fuzzy" in p.reason
    assert not first(gaz, "Stepanakert").fuzzy


def test_no_fuzzy_when_disabled(gaz: Gazetteer) -> None:
    assert gaz.lookup("Stepanakertt", fuzzy=False) == []


def test_results_are_scored_best_first(gaz: Gazetteer) -> None:
    found = gaz.lookup("Paris", limit=10)
    assert len(found) > 3
    scores = [p.score for p in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s < 1 for s in scores) and all(p.reason for p in found)


def test_exact_name_outranks_village_alternate_name(gaz: Gazetteer) -> None:
    # "Baku" is an alternate name of Burke, Texas; "Paris" of small US places
    assert first(gaz, "Baku").country == "AZ"


@pytest.mark.parametrize(
    ("lat", "lon", "country", "admin1"),
    [(39.511, 46.342, "AM", "Syunik'"), (40.18, 44.51, "AM", None), (48.85, 2.35, "FR", "Île-de-France"),
     (40.99, 45.63, "AZ", "Tovuz")],
)
def test_reverse(gaz: Gazetteer, lat: float, lon: float, country: str, admin1: str | None) -> None:
    r = gaz.reverse(lat, lon)
    assert r.country is not None and r.country.country == country
    if admin1:
        assert r.admin1 is not None and r.admin1.name == admin1


def test_reverse_admin2_and_sea(gaz: Gazetteer) -> None:
    assert gaz.reverse(39.511, 46.342).admin2 is not None
    sea = gaz.reverse(0.0, -30.0)
    assert sea.country is None and sea.admin1 is None


@pytest.mark.parametrize("bad", ["", "   ", "x" * 10_240, None, 42, b"Baku"])
def test_bad_names_are_clear_errors(gaz: Gazetteer, bad: object) -> None:
    with pytest.raises(InvalidQuery) as err:
        gaz.lookup(bad)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (0, 181), (float("nan"), 0), (0, float("inf")), ("x", 0)])
def test_bad_coordinates_are_clear_errors(gaz: Gazetteer, lat: object, lon: object) -> None:
    with pytest.raises(InvalidQuery, match="coordinates"):
        gaz.reverse(lat, lon)  # type: ignore[arg-type]


def test_bad_country_code(gaz: Gazetteer) -> None:
    with pytest.raises(InvalidQuery, match="alpha-2"):
        gaz.lookup("Paris", country="France")


def test_control_characters_are_ignored(gaz: Gazetteer) -> None:
    assert first(gaz, "Go\x00ris\u200b").name == "Goris"


def test_info_reports_counts_and_sources(gaz: Gazetteer) -> None:
    info = gaz.info()
    assert info["places"]["city"] > 200_000 and info["places"]["admin1"] > 3000
    assert any("GeoNames" in s["credit"] for s in info["sources"])


def test_reverse_in_a_disputed_area_answers_consistently(gaz: Gazetteer) -> None:
    # Crimea: Natural Earth's country layer and its admin-1 layer disagree; the answer must not
    # mix them (a Ukrainian province inside Russia), and it says so
    r = gaz.reverse(45.0, 34.0)
    assert r.country is not None and r.admin1 is not None
    assert r.admin1.country == r.country.country == "UA"
    assert "disputed" in r.country.reason


@pytest.mark.parametrize(("name", "expected", "country"), [
    ("Caucasus", "Caucasus", None), ("South Caucasus", "South Caucasus", None), ("Transcaucasia", "South Caucasus", None),
    ("Donbass", "Donbas", "UA"), ("Darfur", "Darfur", "SD"), ("Iraqi Kurdistan", "Kurdistan Region", "IQ"),
    ("Eastern Ghouta", "Eastern Ghouta", "SY"), ("Ghouta", "Eastern Ghouta", "SY"), ("Golan Heights", "Golan Heights", "SY"),
    ("Sinai", "Sinai Peninsula", "EG"), ("South Ossetia", "South Ossetia", "GE"), ("Waziristan", "Waziristan", "PK"),
    ("Sahel", "Sahel", None),  # the belt, not Burkina Faso's province of that name
])
def test_regions_news_names_are_curated(gaz: Gazetteer, name: str, expected: str, country: str | None) -> None:
    p = gaz.resolve(name)
    assert p is not None and (p.name, p.kind, p.country) == (expected, "region", country), p


@pytest.mark.parametrize(("name", "country"), [("Korea", "KR"), ("Holland", "NL"), ("Soviet Union", "RU"),
                                               ("USSR", "RU"), ("T&T", "TT")])
def test_news_names_of_countries(gaz: Gazetteer, name: str, country: str) -> None:
    p = gaz.resolve(name)
    assert p is not None and (p.kind, p.country) == ("country", country), p


def test_an_inverted_official_name_is_found_by_its_head(gaz: Gazetteer) -> None:
    # the source names the unit "Dagestan, Respublika"; news says "Dagestan"
    p = gaz.resolve("Dagestan")
    assert p is not None and (p.kind, p.country) == ("admin1", "RU"), p
    assert gaz.resolve("Murcia, Región de") is not None


@pytest.mark.parametrize(("name", "town"), [("Berkshire", "Newbury"), ("West Yorkshire", "Huddersfield"),
                                            ("Greater Manchester", "Bolton"), ("Merseyside", "Birkenhead")])
def test_british_counties_made_of_present_units(gaz: Gazetteer, name: str, town: str) -> None:
    # ceremonial and metropolitan counties the admin-2 source no longer has: the union of their
    # unitary authorities, with the polygon (a town inside it) and their summed population
    p = gaz.resolve(name)
    assert p is not None and (p.name, p.country) == (name, "GB") and p.population > 500_000, p
    t = gaz.resolve(town, country="GB")
    assert t is not None and p.geometry is not None and p.geometry.contains(Point(t.lon, t.lat)), (p, t)


def test_a_county_whose_parts_have_no_polygon_sits_between_them(gaz: Gazetteer) -> None:
    p = gaz.resolve("Northamptonshire")
    north, west = gaz.resolve("North Northamptonshire"), gaz.resolve("West Northamptonshire")
    assert p is not None and north is not None and west is not None
    assert p.lat == pytest.approx((north.lat + west.lat) / 2) and p.population == north.population + west.population


def test_the_west_coast_is_the_us_pacific_states_not_western_australia(gaz: Gazetteer) -> None:
    p = gaz.resolve("West Coast")
    la = gaz.resolve("Los Angeles")
    assert p is not None and la is not None and (p.kind, p.country) == ("region", "US"), p
    assert p.geometry is not None and p.geometry.contains(Point(la.lon, la.lat))


def test_yorkshire_is_the_english_region_not_a_virginia_town(gaz: Gazetteer) -> None:
    p = gaz.resolve("Yorkshire")
    assert p is not None and (p.kind, p.country) == ("region", "GB"), p


@pytest.mark.parametrize(("country", "admin1"), [("AU", "Western Australia"), ("US", "Washington")])
def test_wa_is_the_state_of_the_country_in_context(gaz: Gazetteer, country: str, admin1: str) -> None:
    p = gaz.resolve("WA", context=Context(countries=(country,)))
    assert p is not None and (p.kind, p.name) == ("admin1", admin1), p


def _builder_with_units(tmp_path: Path, yaml_text: str) -> _Builder:
    (tmp_path / "curated.yaml").write_text(yaml_text, "utf-8")
    b = _Builder(tmp_path, tmp_path / "curated.yaml")
    b.add(_Place("gn:1", "East Shire", "admin2", "GB", 51.0, -1.5, population=100, geometry=box(-2, 50.5, -1, 51.5)))
    b.add(_Place("gn:2", "West Shire", "admin2", "GB", 51.0, -2.5, population=50, geometry=box(-3, 50.5, -2, 51.5)))
    b.add(_Place("gn:3", "New Shire", "admin2", "GB", 53.0, -1.0, population=10))
    return b


def test_curated_parts_make_one_unit_and_a_missing_part_is_one_clear_error(tmp_path: Path) -> None:
    b = _builder_with_units(tmp_path, "places:\n  - {id: both, name: Old Shire, kind: admin2, country: GB,"
                                      " parts: [GB/East Shire, GB/West Shire], sources: [test]}\n")
    b.curated_file()
    p = b.places["cur:both"]
    assert p.population == 150 and p.geometry is not None and p.geometry.area == pytest.approx(2.0)
    b = _builder_with_units(tmp_path, "places:\n  - {id: mixed, name: Mixed Shire, kind: admin2, country: GB,"
                                      " parts: [GB/East Shire, GB/New Shire], sources: [test]}\n")
    b.curated_file()
    p = b.places["cur:mixed"]
    assert p.geometry is None and (p.lat, p.lon) == (52.0, -1.25)  # a part without polygon: the mean point
    b = _builder_with_units(tmp_path, "places:\n  - {id: bad, name: Bad Shire, kind: admin2, country: GB,"
                                      " parts: [GB/Nowhere Shire], sources: [test]}\n")
    with pytest.raises(GazetteerError, match=r"part 'GB/Nowhere Shire' is not an admin-1 or admin-2 unit") as err:
        b.curated_file()
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("name", "head"), [("Dagestan, Respublika", "Dagestan"), ("Bristol, City of", "Bristol"),
                                            ("Murcia, Región de", "Murcia"), ("Newry, Mourne and Down", None),
                                            ("Norwood, Payneham & St Peters", None), ("Kent", None)])
def test_inverted_head(name: str, head: str | None) -> None:
    assert inverted_head(name) == head


@pytest.mark.parametrize(("name", "city"), [("LA", "Los Angeles"), ("L.A.", "Los Angeles"), ("NYC", "New York City")])
def test_city_abbreviations(gaz: Gazetteer, name: str, city: str) -> None:
    p = gaz.resolve(name)
    assert p is not None and (p.name, p.kind, p.country) == (city, "city", "US"), p


def test_a_unit_yields_only_to_a_namesake_city_inside_it(gaz: Gazetteer) -> None:
    # "Murcia" the region gives way to its capital; Louisiana ("LA") is not named after Los Angeles
    murcia = [p for p in gaz.lookup("Murcia", limit=10) if p.kind == "admin1" and p.country == "ES"]
    assert murcia and "the city Murcia is meant more often" in murcia[0].reason
    la = [p for p in gaz.lookup("LA", limit=10) if p.kind == "admin1"]
    assert la and la[0].name == "Louisiana" and "meant more often" not in la[0].reason


def test_the_bay_area_sits_among_its_counties(gaz: Gazetteer) -> None:
    p, sf = gaz.resolve("Bay Area"), gaz.resolve("San Francisco")
    assert p is not None and sf is not None and (p.kind, p.country) == ("region", "US"), p
    assert abs(p.lat - sf.lat) < 0.5 and abs(p.lon - sf.lon) < 0.5


def test_a_name_written_with_its_feature_word_prefers_places_named_so(gaz: Gazetteer) -> None:
    # "Bedford County" is the name of three American counties; "Bedford" alone, a borough in
    # England: the whole name, as written, is the better match
    top = gaz.lookup("Bedford County", limit=3, fuzzy=False)
    assert all(p.kind == "admin2" and p.country == "US" and p.name == "Bedford County" for p in top)


def test_the_city_form_of_a_town_s_name_is_an_alias(gaz: Gazetteer) -> None:
    # GeoNames lists "Quebec City" among Québec's many alternate names (and "Quebec" among a
    # Connecticut town's): the name with "City" is an alias of the town, not a noisy alternate
    p = gaz.lookup("Quebec City", limit=1, fuzzy=False)[0]
    assert p.name == "Québec" and p.country == "CA" and p.reason.startswith("alias")
