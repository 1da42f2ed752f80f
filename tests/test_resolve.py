"""Resolution in document context (geomap.resolve), on invented sentences.

Spans are given by hand (as a corpus or a caller would), so these tests do not depend on the
spaCy model; ``Geoparser.resolve_spans`` is tested in the gazetteer-only mode for the same reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from gazetteer import Gazetteer, Place
from geomap.pipeline import Geoparser, GeoparserConfig
from geomap.recognize import Span
from geomap.resolve import _clean, resolve_mentions


def spans_of(text: str, *names: str, source: str = "test") -> list[Span]:
    """A span for the first occurrence (after the previous one) of each name."""
    out: list[Span] = []
    pos = 0
    for name in names:
        m = re.compile(re.escape(name)).search(text, pos)
        assert m, f"{name!r} not in {text!r}"
        out.append(Span(m.start(), m.end(), name, "GPE", source))
        pos = m.end()
    return out


def resolve(gaz: Gazetteer, text: str, *names: str, demonyms: tuple[Span, ...] = ()) -> dict[str, Place | None]:
    mentions = resolve_mentions(gaz, text, spans_of(text, *names), demonyms=demonyms)
    return {m.text: m.place for m in mentions}


@pytest.fixture(scope="module")
def gp(gaz: Gazetteer) -> Iterator[Geoparser]:
    yield Geoparser(GeoparserConfig(use_spacy=False), gazetteer=gaz)


# (text, names given as spans, name → (expected place name, kind, country))
TABLE = [
    ("The festival in Paris, Texas, drew visitors from Dallas.", ("Paris", "Texas", "Dallas"),
     {"Paris": ("Paris", "city", "US"), "Texas": ("Texas", "admin1", "US")}),
    ("Shelling hit Azerbaijan's Tovuz district overnight.", ("Azerbaijan", "Tovuz district"),
     {"Tovuz district": ("Tovuz", "admin1", "AZ")}),
    ("Traffic resumed on the Lachin corridor, which links Nagorno-Karabakh to Armenia.",
     ("Lachin corridor", "Nagorno-Karabakh", "Armenia"),
     {"Lachin corridor": ("Lachin corridor", "corridor", "AZ"),
      "Nagorno-Karabakh": ("Nagorno-Karabakh", "region", "AZ"), "Armenia": ("Armenia", "country", "AM")}),
    ("Stepanakert and Shushi were shelled, officials in Yerevan said.", ("Stepanakert", "Shushi", "Yerevan"),
     {"Stepanakert": ("Khankendi", "city", "AZ"), "Shushi": ("Shusha", "city", "AZ"),
      "Yerevan": ("Yerevan", "city", "AM")}),
    ("Residents of Lexington, Ky., and Charleston, W.Va., cleared debris.",
     ("Lexington", "Ky.", "Charleston", "W.Va."),
     {"Ky.": ("Kentucky", "admin1", "US"), "W.Va.": ("West Virginia", "admin1", "US"),
      "Lexington": ("Lexington", "city", "US"), "Charleston": ("Charleston", "city", "US")}),
    ("Officials in Washington said the EU and the U.S. would answer.", ("Washington", "EU", "U.S."),
     {"Washington": ("Washington", "city", "US"), "EU": ("European Union", "region", None),
      "U.S.": ("United States", "country", "US")}),
    ("Crews from Dallas and Houston, Texas, flew to China for the fair.", ("Dallas", "Houston", "Texas", "China"),
     {"China": ("China", "country", "CN")}),
    ("A storm over the Atlantic moved toward Halifax, N.S., on Friday.", ("Atlantic", "Halifax", "N.S."),
     {"Atlantic": ("Atlantic Ocean", "region", None), "N.S.": ("Nova Scotia", "admin1", "CA"),
      "Halifax": ("Halifax", "city", "CA")}),
    ("The White House said talks with the Kremlin would go on.", ("White House", "Kremlin"),
     {"White House": ("White House", "feature", "US"), "Kremlin": ("Kremlin", "feature", "RU")}),
]


@pytest.mark.parametrize(("text", "names", "expected"), TABLE, ids=[t[0][:40] for t in TABLE])
def test_resolution_table(gaz: Gazetteer, text: str, names: tuple[str, ...],
                          expected: dict[str, tuple[str, str, str | None]]) -> None:
    got = resolve(gaz, text, *names)
    for name, (pname, kind, country) in expected.items():
        p = got[name]
        assert p is not None, f"{name!r} unresolved in {text!r}"
        assert (p.name, p.kind, p.country) == (pname, kind, country), p.reason


def test_demonym_before_the_name_puts_it_in_that_country(gaz: Gazetteer) -> None:
    text = "Troops shelled the Armenian border region of Syunik."
    dem = (Span(text.index("Armenian"), text.index("Armenian") + 8, "Armenian", "NORP", "demonym", "AM"),)
    p = resolve(gaz, text, "Syunik", demonyms=dem)["Syunik"]
    assert p is not None and p.country == "AM" and p.kind == "admin1"
    assert "the text says it is in AM" in p.reason


def test_possessive_country_is_stated_in_the_reason(gaz: Gazetteer) -> None:
    p = resolve(gaz, "Shelling hit Azerbaijan's Tovuz district.", "Tovuz district")["Tovuz district"]
    assert p is not None and "the text says it is in AZ" in p.reason


def test_qualifier_state_beats_a_bigger_namesake(gaz: Gazetteer) -> None:
    bare = resolve(gaz, "She flew to Paris last week.", "Paris")["Paris"]
    assert bare is not None and bare.country == "FR"
    texan = resolve(gaz, "She drove to Paris, Texas, last week.", "Paris")["Paris"]
    assert texan is not None and texan.country == "US" and texan.admin1 == "Texas"
    assert "followed by Texas" in texan.reason


def test_one_town_does_not_move_a_name_to_its_country(gaz: Gazetteer) -> None:
    # Berd (Armenia) has "Tovuz" as an alternate name; one Armenian town is not enough to prefer it
    text = "Clashes erupted in Goris on Monday and in Tovuz on Friday."
    got = resolve(gaz, text, "Goris", "Tovuz")
    assert (got["Goris"].country, got["Tovuz"].country, got["Tovuz"].name) == ("AM", "AZ", "Tovuz")  # type: ignore[union-attr]


def test_a_state_guard_is_the_us_state_not_the_country(gaz: Gazetteer) -> None:
    text = "Troops from the Georgia National Guard joined the exercise in Texas and Ohio."
    p = resolve(gaz, text, "Georgia", "Texas", "Ohio")["Georgia"]
    assert p is not None and (p.kind, p.country) == ("admin1", "US"), p.reason
    bare = resolve(gaz, "Troops from Georgia joined the exercise.", "Georgia")["Georgia"]
    assert bare is not None and bare.kind == "country"


def test_a_name_does_not_vote_for_itself(gaz: Gazetteer) -> None:
    # London alone is the English capital; with Canada and Ontario around it is London, Ontario
    text = "A rally in London thanked Canada; the Ontario city has hosted several."
    p = resolve(gaz, text, "London", "Canada", "Ontario")["London"]
    assert p is not None and p.country == "CA", p.reason


def test_a_world_city_is_not_given_away_for_the_country_the_text_is_about(gaz: Gazetteer) -> None:
    # an American article: that the U.S. is named does not make "London" a town of 10,000 in Ohio
    text = ("The U.S. firm hired a London-based consultancy; officials in Washington and Texas "
            "praised the London boroughs that protect murals.")
    p = resolve(gaz, text, "U.S.", "London", "Washington", "Texas")["London"]
    assert p is not None and (p.name, p.country) == ("London", "GB"), p.reason


def test_a_dwarfed_namesake_still_wins_with_its_state_named_or_a_qualifier(gaz: Gazetteer) -> None:
    text = "Flooding closed roads in London, Ky., on Monday."
    p = resolve(gaz, text, "London", "Ky.")["London"]
    assert p is not None and (p.country, p.admin1) == ("US", "Kentucky"), p.reason
    text = "Kentucky officials said flooding closed roads in London and Corbin on Monday."
    got = resolve(gaz, text, "Kentucky", "London", "Corbin")
    assert got["London"] is not None and got["London"].admin1 == "Kentucky", got["London"].reason  # type: ignore[union-attr]


def test_a_state_implied_by_another_town_does_not_pull_a_dwarfed_namesake(gaz: Gazetteer) -> None:
    # "New York City" implies New York State, where a village Boston (8,000) lies: still Boston, Mass.
    text = "The analyst grew up in Boston, then worked for banks in New York City, Mexico and Brazil."
    p = resolve(gaz, text, "Boston", "New York City", "Mexico", "Brazil")["Boston"]
    assert p is not None and (p.country, p.admin1) == ("US", "Massachusetts"), p.reason


def test_county_named_in_the_text_picks_the_town(gaz: Gazetteer) -> None:
    text = "The fair returns to Paris this week; the Henry County town expects crowds."
    p = resolve(gaz, text, "Paris", "Henry County")["Paris"]
    assert p is not None and (p.country, p.admin1) == ("US", "Tennessee"), p.reason
    assert "in Henry County, named in the text" in p.reason


@pytest.mark.parametrize(("adj", "country"), [("Turkish", "TR"), ("Canadian", "CA"), ("Russian", "RU"),
                                            ("Salvadoran", "SV"), ("Serb", "RS"), ("Trinidadian", "TT")])
def test_an_adjective_span_is_its_country(gaz: Gazetteer, adj: str, country: str) -> None:
    text = f"The {adj} delegation arrived on Monday."
    p = resolve(gaz, text, adj)[adj]
    assert p is not None and p.kind == "country" and p.country == country
    assert "adjective" in p.reason


def test_regional_adjective_is_its_region(gaz: Gazetteer) -> None:
    p = resolve(gaz, "European ministers met on Monday.", "European")["European"]
    assert p is not None and p.name == "Europe"


@pytest.mark.parametrize(("adj", "region"), [("Kurdish", "Kurdistan"), ("Siberian", "Siberia"), ("Arab", "Arab world")])
def test_adjective_of_a_people_or_land_without_a_state_is_that_region(gaz: Gazetteer, adj: str, region: str) -> None:
    # "Kurdish" is Iraq's for the demonym table (context), but the place it names is Kurdistan;
    # "Arab" is not Arab, Alabama
    p = resolve(gaz, f"{adj} fighters crossed the river at dawn.", adj)[adj]
    assert p is not None and (p.name, p.kind) == (region, "region"), p


@pytest.mark.parametrize(("adj", "part", "country"), [("English", "England", "GB"), ("Scottish", "Scotland", "GB"),
                                                     ("Texan", "Texas", "US")])
def test_adjective_of_a_constituent_part_is_that_part_not_the_whole_country(
        gaz: Gazetteer, adj: str, part: str, country: str) -> None:
    text = f"{adj} farmers protested outside the ministry on Monday."
    p = resolve(gaz, text, adj)[adj]
    assert p is not None and (p.name, p.kind, p.country) == (part, "admin1", country), p
    assert "adjective" in p.reason


def test_unknown_name_says_why_and_fuzzy_garbage_is_refused(gaz: Gazetteer) -> None:
    text = "Water was released from the Qwzxvbn dam."
    m = resolve_mentions(gaz, text, spans_of(text, "Qwzxvbn"))[0]
    assert m.place is None and "no place named" in m.why_unresolved


def test_close_misspelling_still_resolves(gaz: Gazetteer) -> None:
    p = resolve(gaz, "Sirens sounded in Stepanakertt overnight.", "Stepanakertt")["Stepanakertt"]
    assert p is not None and p.name == "Khankendi" and p.fuzzy


def test_every_reason_explains_the_choice(gaz: Gazetteer) -> None:
    got = resolve(gaz, "Clashes near Goris in Syunik province, Armenia.", "Goris", "Syunik province", "Armenia")
    for p in got.values():
        assert p is not None and p.reason and 0 < p.score < 1


@pytest.mark.parametrize(("raw", "clean"), [("the Lachin corridor", "Lachin corridor"), ("Armenia's", "Armenia"),
                                            ("PLYMOUTH CO.", "PLYMOUTH County"), ("Ky.", "Ky.")])
def test_clean(raw: str, clean: str) -> None:
    assert _clean(raw) == clean


def test_resolve_spans_uses_the_rest_of_the_text(gp: Geoparser) -> None:
    # only "Aurora" is given (as in a disambiguation corpus); the county and state are context
    text = "Aurora is a small city in Sevier County, Utah. Aurora has a school."
    spans = [(m.start(), m.end()) for m in re.finditer("Aurora", text)]
    places = gp.resolve_spans(text, spans)
    assert all(p is not None and p.country == "US" and p.admin1 == "Utah" for p in places), places


def test_resolve_spans_in_gazetteer_only_mode(gp: Geoparser) -> None:
    assert gp.mode == "gazetteer-only"
    text = "Azerbaijan's Tovuz district and the Armenian border region of Syunik."
    places = gp.resolve_spans(text, [(text.index("Tovuz"), text.index("Tovuz") + 14),
                                     (text.index("Syunik"), text.index("Syunik") + 6)])
    assert [(p.name, p.country) for p in places if p] == [("Tovuz", "AZ"), ("Syunik'", "AM")]


def test_no_spans_no_mentions(gaz: Gazetteer) -> None:
    assert resolve_mentions(gaz, "Nothing here.", []) == []


# ------------------------------------------------------------------ names the gazetteer lacks
def test_unknown_facility_is_placed_at_the_town_named_inside_it(gaz: Gazetteer) -> None:
    text = "Drones struck near Ganja. Flights from Ganja Municipal Airfield were halted."
    got = resolve(gaz, text, "Ganja", "Ganja Municipal Airfield")
    p = got["Ganja Municipal Airfield"]
    assert p is not None and p.name == "Ganja" and p.country == "AZ"
    assert p.reason.startswith("approximate:") and p.score < got["Ganja"].score  # type: ignore[union-attr]


def test_a_town_inside_an_unknown_name_must_be_where_the_text_is(gaz: Gazetteer) -> None:
    # "Bank" is a village somewhere; the text is about Yerevan: no guess by default
    text = "Protesters gathered in Yerevan outside the Qwzx Bank of Armenia branch."
    m = resolve_mentions(gaz, text, spans_of(text, "Yerevan", "Qwzx Bank"))[1]
    assert m.place is None and "no place named" in m.why_unresolved


def test_resolve_spans_places_a_given_unknown_name_at_the_text_s_main_place(gp: Geoparser) -> None:
    filler = " Officials gave no further details about the damage or the people hurt." * 3
    text = ("Shelling hit Goris on Tuesday. Goris had been quiet." + filler +
            " The Qwzxvbn Hall was damaged." + filler + " Later the Qwzxvbn Depot in Kapan burned. Goris mourned.")
    names = ("Goris", "Goris", "Qwzxvbn Hall", "Qwzxvbn Depot", "Kapan", "Goris")
    spans = [(s.start, s.end) for s in spans_of(text, *names)]
    places = gp.resolve_spans(text, spans)
    hall, depot = places[2], places[3]
    # nothing named near the hall: the place the text is mostly about
    assert hall is not None and hall.name == "Goris" and hall.reason.startswith("approximate:")
    assert "mostly about" in hall.reason and hall.score < 0.3
    # the depot is "in Kapan": the town named next to it
    assert depot is not None and depot.name == "Kapan" and "named next to it" in depot.reason


def test_a_given_unknown_name_goes_to_the_country_or_state_it_names(gp: Geoparser) -> None:
    filler = " Officials gave no further details about the meeting or its outcome." * 3
    text = ("Talks opened in Goris on Monday." + filler + " A delegate of the Qwzx Bank of Armenia spoke."
            + filler + " Economists at Arizona Qwzx State University agreed." + filler
            + " The Qwzx Federal Reserve of the US and the European Qwzx Commission were silent."
            + filler + " The Armenian Qwzx Embassy issued a statement. Goris waited.")
    names = ("Goris", "Qwzx Bank of Armenia", "Arizona Qwzx State University", "Qwzx Federal Reserve of the US",
             "European Qwzx Commission", "Armenian Qwzx Embassy", "Goris")
    places = gp.resolve_spans(text, [(s.start, s.end) for s in spans_of(text, *names)])
    bank, univ, fed, commission, embassy = places[1:6]
    assert bank is not None and bank.kind == "country" and bank.country == "AM"
    assert bank.reason.startswith("approximate:") and bank.score < 0.6
    assert univ is not None and univ.name == "Arizona" and univ.country == "US"
    assert fed is not None and fed.kind == "country" and fed.country == "US"  # an all-capitals alias
    assert commission is not None and commission.name == "Europe"  # by its adjective
    # an embassy is abroad: not placed in the country it names, but where the text is
    assert embassy is not None and embassy.name == "Goris" and embassy.kind == "city"


def test_a_river_or_street_is_not_placed_in_the_state_it_is_named_after(gp: Geoparser) -> None:
    filler = " Officials gave no further details about the flooding or the damage." * 3
    text = "Rain fell on Goris." + filler + " The Qwzx Mississippi River rose." + filler + " Goris waited."
    places = gp.resolve_spans(text, [(s.start, s.end) for s in spans_of(text, "Goris", "Qwzx Mississippi River")])
    river = places[1]
    assert river is not None and river.name == "Goris" and "mostly about" in river.reason


def test_the_capital_named_by_its_adjective_is_the_capital(gp: Geoparser) -> None:
    filler = " Officials gave no further details about the strikes or the damage." * 3
    text = ("Fighting spread in Yemen." + filler + " Air raids hit the Yemeni capital overnight." + filler
            + " The Armenian Qwzx Ministry protested." + filler)
    names = ("Yemen", "Yemeni capital", "Armenian Qwzx Ministry")
    places = gp.resolve_spans(text, [(s.start, s.end) for s in spans_of(text, *names)])
    cap, ministry = places[1], places[2]
    assert cap is not None and cap.country == "YE" and cap.kind == "city" and "capital of Yemen" in cap.reason
    # a national ministry sits in the capital
    assert ministry is not None and ministry.name == "Yerevan"


def test_resolve_mentions_rejects_an_unknown_fallback(gaz: Gazetteer) -> None:
    with pytest.raises(ValueError, match="fallback"):
        resolve_mentions(gaz, "Goris.", spans_of("Goris.", "Goris"), fallback="guess")


# ------------------------------------------------------------------ words around the name
def test_dateline_in_capitals_is_the_capital_despite_local_context(gaz: Gazetteer) -> None:
    # without the dateline rule, the North Carolina town of Washington (in Beaufort County) wins
    text = ("WASHINGTON (RNS) — Pastors from Greenville, North Carolina, and Beaufort County, "
            "North Carolina, met Chocowinity officials.")
    names = ("WASHINGTON", "Greenville", "North Carolina", "Beaufort County", "North Carolina", "Chocowinity")
    p = resolve_mentions(gaz, text, spans_of(text, *names))[0].place
    assert p is not None and p.admin1 == "District of Columbia", p
    assert "dateline" in p.reason
    # the same name in running text keeps its local reading
    text = text.replace("WASHINGTON (RNS) — Pastors", "Pastors from Washington")
    p = resolve_mentions(gaz, text, spans_of(text, "Washington", *names[1:]))[0].place
    assert p is not None and p.admin1 == "North Carolina", p


def test_governor_title_makes_the_name_a_state(gaz: Gazetteer) -> None:
    text = "Former New York Gov. Ray Qwzx spoke in Albany."
    p = resolve(gaz, text, "New York", "Albany")["New York"]
    assert p is not None and p.kind == "admin1" and p.country == "US"


def test_name_after_a_town_and_comma_is_its_state(gaz: Gazetteer) -> None:
    text = "The firm opened an office in Atlanta, Georgia, last year."
    got = resolve(gaz, text, "Atlanta", "Georgia")
    p = got["Georgia"]
    assert p is not None and p.kind == "admin1" and p.country == "US", p
    # a list of countries is not a town and its state
    got = resolve(gaz, "Talks between Armenia, Georgia and Azerbaijan resumed.", "Armenia", "Georgia", "Azerbaijan")
    assert got["Georgia"] is not None and got["Georgia"].kind == "country"


def test_an_outlier_town_does_not_pull_others_to_its_country(gaz: Gazetteer) -> None:
    # "Central Coast" is a large Australian city and a region of British Columbia; the article
    # is Canadian: it must not make Toronto the Australian hamlet 51 km from it
    text = ("Canada's airlines cut flights. Travellers in Vancouver, Ottawa and Toronto waited, "
            "and ferries on the Central Coast of British Columbia stopped. Toronto was worst hit.")
    got = resolve_mentions(gaz, text, spans_of(text, "Canada", "Vancouver", "Ottawa", "Toronto", "Central Coast",
                                                "British Columbia", "Toronto"))
    assert [m.place.country for m in got if m.text == "Toronto" and m.place] == ["CA", "CA"]


def test_a_direction_before_an_area_is_its_part(gaz: Gazetteer) -> None:
    text = "Wildfires spread across Southern California and Eastern Ukraine saw shelling."
    got = resolve(gaz, text, "Southern California", "Eastern Ukraine")
    south, east = got["Southern California"], got["Eastern Ukraine"]
    assert south is not None and south.kind == "region" and south.country == "US"
    whole = gaz.lookup("California", limit=1)[0]
    assert south.lat < whole.lat and south.geometry is not None
    assert south.geometry.bounds[3] <= whole.geometry.bounds[3] - 4  # type: ignore[union-attr]
    assert east is not None and east.country == "UA" and east.lon > 32
    # a name the gazetteer holds is that place, not a part
    assert resolve(gaz, "Rain fell in Northern Ireland.", "Northern Ireland")["Northern Ireland"].kind == "admin1"  # type: ignore[union-attr]


def test_given_name_whose_namesakes_are_foreign_villages_goes_to_the_text_s_place(gp: Geoparser) -> None:
    text = ("Egyptian police in Cairo said crowds gathered in Haram on Friday. Egypt's interior ministry "
            "said Cairo and Giza were calm.")
    spans = [(s.start, s.end) for s in spans_of(text, "Cairo", "Haram", "Egypt", "Cairo", "Giza")]
    place = gp.resolve_spans(text, spans)[1]
    assert place is not None and place.country == "EG" and place.reason.startswith("approximate:")


def test_short_form_of_a_long_official_name_is_an_alias(gaz: Gazetteer) -> None:
    text = "Doctors in Newcastle and Leeds, England, reported the first cases."
    p = resolve(gaz, text, "Newcastle", "Leeds", "England")["Newcastle"]
    assert p is not None and p.name == "Newcastle upon Tyne", p


def test_the_text_s_main_place_is_its_most_central_town(gp: Geoparser) -> None:
    filler = " Nothing else was said about it at the meeting that evening." * 3
    text = ("Buyers from Charleston and Charleston-area firms toured homes in Manassas, Haymarket, "
            "Gainesville and Centreville, Virginia." + filler + " The Qwzxvbn Golf Club opened a new course.")
    names = ("Charleston", "Manassas", "Haymarket", "Gainesville", "Centreville", "Virginia", "Qwzxvbn Golf Club")
    spans = [(s.start, s.end) for s in spans_of(text, *names)]
    club = gp.resolve_spans(text, spans)[-1]
    assert club is not None and club.admin1 == "Virginia" and "mostly about" in club.reason, club


def test_quebec_city_in_an_american_article_is_quebec(gaz: Gazetteer) -> None:
    # a Connecticut town has "Quebec" among its GeoNames alternate names; "Quebec City" is Québec's
    text = "The governor flew from Albany, New York, and Boston to Quebec City for the summit."
    p = resolve(gaz, text, "Albany", "New York", "Boston", "Quebec City")["Quebec City"]
    assert p is not None and p.name == "Québec" and p.country == "CA", p


def test_names_that_may_mean_neighbours_mean_them(gaz: Gazetteer) -> None:
    # alone, "Edmonton" is the Canadian city and "Enfield" a Connecticut town; together they are
    # the two north London neighbours, 3 km apart
    text = "Burglaries rose in Edmonton and Enfield last month, the police said."
    got = resolve(gaz, text, "Edmonton", "Enfield")
    assert all(p is not None and p.country == "GB" for p in got.values()), got
    assert "another name in the text may mean" in got["Edmonton"].reason  # type: ignore[union-attr]
    alone = resolve(gaz, "Burglaries rose in Edmonton last month.", "Edmonton")["Edmonton"]
    assert alone is not None and alone.country == "CA"


def test_a_postal_code_after_the_town_names_its_state(gp: Geoparser) -> None:
    doc = gp.geoparse("Storms hit Paris, TX and Memphis, TN on Monday, officials said.")
    got = {m.text: m.place for m in doc.toponyms}
    assert got["Paris"] is not None and got["Paris"].admin1 == "Texas"
    assert got["Memphis"] is not None and got["Memphis"].admin1 == "Tennessee"
    # "NV" is also the Dutch company form: not taken for Nevada
    assert not gp.geoparse("Shares of Cimpress NV fell on Monday.").toponyms


def test_a_bare_name_is_the_place_the_text_first_qualified(gaz: Gazetteer) -> None:
    # news style: "Parkland, Florida" at first mention, then "Parkland"; the later mention sits
    # among Washington State names, where another Parkland is, but means the same town
    text = ("A gunman opened fire at a school in Parkland, Florida, on Wednesday. Vigils were held in "
            "Seattle and Tacoma, where students said Parkland was on everyone's mind.")
    ms = resolve_mentions(gaz, text, spans_of(text, "Parkland", "Florida", "Seattle", "Tacoma", "Parkland"))
    first, later = ms[0].place, ms[4].place
    assert first is not None and first.admin1 == "Florida"
    assert later is not None and later.id == first.id and "elsewhere" in later.reason


def test_a_region_abroad_gives_way_to_its_namesake_in_the_country_the_text_is_about(gaz: Gazetteer) -> None:
    # alone, "West Coast" is the American one; in a New Zealand story, New Zealand's region
    nz = "Heavy rain closed roads on the West Coast on Tuesday, New Zealand officials said."
    p = resolve(gaz, nz, "West Coast", "New Zealand")["West Coast"]
    assert p is not None and p.country == "NZ" and "not the country the text is about" not in p.reason, p
    us = "Wildfires spread along the West Coast, the governor of California said."
    q = resolve(gaz, us, "West Coast", "California")["West Coast"]
    assert q is not None and q.country == "US"


@pytest.mark.parametrize("text", [
    "Storms hit Ohio, Indiana and Georgia on Sunday.",
    "Officials from Texas, Oklahoma and Kansas met in Wichita.",
])
def test_a_list_of_states_is_states_not_a_county_qualified_by_the_next(gp: Geoparser, text: str) -> None:
    # "Ohio, Indiana" reads like "Paris, Texas" (Ohio County is in Indiana), but it opens a list
    got = [m.place for m in gp.geoparse(text).toponyms]
    assert got and all(p is not None and p.kind == "admin1" for p in got[:3]), got


def test_the_last_of_a_list_of_states_is_a_state(gp: Geoparser) -> None:
    places = {m.text: m.place for m in gp.geoparse(
        "Wildfires spread from California to Oregon and Washington.").toponyms}
    assert places["Washington"] is not None and places["Washington"].kind == "admin1"
    alone = {m.text: m.place for m in gp.geoparse("Lawmakers in Washington disagreed.").toponyms}
    assert alone["Washington"] is not None and alone["Washington"].kind == "city"  # the capital


def test_a_town_qualified_by_its_state_still_is(gp: Geoparser) -> None:
    places = {m.text: m.place for m in gp.geoparse(
        "The plant in Washington, Pennsylvania, closed. He grew up in Paris, Texas, and Dallas.").toponyms}
    assert places["Washington"] is not None and places["Washington"].admin1 == "Pennsylvania"
    assert places["Paris"] is not None and places["Paris"].admin1 == "Texas"
