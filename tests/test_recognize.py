"""Toponym recognition (geomap.recognize) on invented sentences, in both modes.

The spaCy tests skip when the model is not installed; the gazetteer-only recogniser is always
tested. Expectations are sets of recognised surface strings.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gazetteer import Gazetteer
from geomap.pipeline import Geoparser, GeoparserConfig
from geomap.recognize import MODE_GAZETTEER, MODE_SPACY, Recogniser


@pytest.fixture(scope="module")
def gaz_only(gaz: Gazetteer) -> Recogniser:
    return Recogniser(gaz, use_spacy=False)


@pytest.fixture(scope="module")
def with_spacy(gaz: Gazetteer) -> Iterator[Recogniser]:
    rec = Recogniser(gaz, use_spacy=True)
    if rec.mode != MODE_SPACY:
        pytest.skip(f"spaCy model not available: {rec.why_no_model}")
    yield rec


def names(rec: Recogniser, text: str) -> set[str]:
    return {sp.text for sp in rec.recognise(text).toponyms}


# (text, must be found, must not be found) — both recognisers
BOTH = [
    ("Azerbaijan's Tovuz district came under fire on Sunday.", {"Azerbaijan", "Tovuz district"}, set()),
    ("Shelling hit the Armenian border region of Syunik overnight.", {"Syunik"}, {"Armenian"}),
    ("Traffic resumed on the Lachin corridor, which links Nagorno-Karabakh to Armenia.",
     {"Lachin corridor", "Nagorno-Karabakh", "Armenia"}, set()),
    ("Stepanakert and Shushi were shelled overnight.", {"Stepanakert", "Shushi"}, set()),
    ("Fighting near Lachin continued, officials in Yerevan said.", {"Lachin", "Yerevan"}, set()),
    ("Reading the statement aloud, the President said a Deal was close.", set(),
     {"Reading", "President", "Deal"}),
    ("Can you confirm it? Residents of Lexington said yes.", {"Lexington"}, {"Can"}),
    ("US and UK officials met in Chad on Friday.", {"US", "UK", "Chad"}, set()),
    # acronyms that are only small places' names elsewhere (Un, India; Nato, the Philippines)
    ("The UN and NATO sent observers to Kosovo; the UAE sent aid.", {"Kosovo", "UAE"}, {"UN", "NATO"}),
]


@pytest.mark.parametrize(("text", "found", "absent"), BOTH, ids=[t[0][:36] for t in BOTH])
def test_gazetteer_only_table(gaz_only: Recogniser, text: str, found: set[str], absent: set[str]) -> None:
    got = names(gaz_only, text)
    assert found <= got, got
    assert not (absent & got), got


@pytest.mark.parametrize(("text", "found", "absent"), BOTH, ids=[t[0][:36] for t in BOTH])
def test_spacy_table(with_spacy: Recogniser, text: str, found: set[str], absent: set[str]) -> None:
    got = names(with_spacy, text)
    assert found <= got, got
    assert not (absent & got), got


def test_spacy_person_labels_are_relabelled(with_spacy: Recogniser) -> None:
    # the small model calls these persons; the gazetteer knows better
    text = "Fighting near Lachin continued, officials in Yerevan said."
    ents = {e.text: e.label_ for e in with_spacy._nlp(text).ents}
    rec = with_spacy.recognise(text)
    assert {"Lachin", "Yerevan"} <= {sp.text for sp in rec.toponyms}
    if ents.get("Yerevan") == "PERSON":
        assert any(sp.text == "Yerevan" and sp.source == "spacy-relabelled" for sp in rec.toponyms)


def test_surname_of_a_person_is_not_a_place(with_spacy: Recogniser) -> None:
    text = "Campbell Paterson was stabbed at a house. Police said Paterson had moved there in 2014."
    assert "Paterson" not in names(with_spacy, text)


def test_an_organisation_the_model_calls_a_person_does_not_hide_its_town(with_spacy: Recogniser) -> None:
    # the model tags "Abuja Chamber of Commerce and Industry" PERSON; its words are not surnames
    text = ("Talks on trade between Ukraine and Nigeria ended on Friday. A memorandum would be signed "
            "between Abuja Chamber of Commerce and Industry and its Ukrainian partner. During its stay "
            "in Abuja, the mission met officials.")
    assert "Abuja" in names(with_spacy, text)


def test_title_makes_a_person(with_spacy: Recogniser) -> None:
    assert "Burton" not in names(with_spacy, "Mr Burton told reporters the plan would go ahead.")


def test_abbreviations_need_their_dot(with_spacy: Recogniser, gaz_only: Recogniser) -> None:
    text = "Residents of Lexington, Ky., and Halifax, N.S., cleared debris."
    for rec in (with_spacy, gaz_only):
        got = names(rec, text)
        assert "Lexington" in got and "Halifax" in got
        assert any(n.startswith("Ky") for n in got) and any(n.startswith("N.S") for n in got), got


def test_common_words_inside_organisations_are_not_places(with_spacy: Recogniser) -> None:
    got = names(with_spacy, "The Federal Reserve Bank and the Human Rights Council met in Geneva.")
    assert "Geneva" in got
    assert not {"Federal", "Bank", "Human"} & got


def test_demonyms_are_context_not_toponyms(gaz_only: Recogniser) -> None:
    rec = gaz_only.recognise("Turkish and Canadian officials met.")
    assert not rec.toponyms
    assert {(d.text, d.country) for d in rec.demonyms} == {("Turkish", "TR"), ("Canadian", "CA")}


def test_gazetteer_only_mode_says_it_is_in_use(gaz: Gazetteer) -> None:
    gp = Geoparser(GeoparserConfig(use_spacy=False), gazetteer=gaz)
    assert gp.mode == MODE_GAZETTEER and gp.recogniser.mode == MODE_GAZETTEER
    assert gp.recogniser.why_no_model
    doc = gp.geoparse("Shelling hit Syunik on Tuesday.")
    assert doc.recogniser == MODE_GAZETTEER
    assert [m.place.name for m in doc.toponyms if m.place] == ["Syunik'"]


def test_spans_show_their_text(gaz_only: Recogniser) -> None:
    text = "Clashes near Goris, in Syunik province, and in Tovuz district."
    for sp in gaz_only.recognise(text).toponyms:
        assert text[sp.start:sp.end] == sp.text


# ------------------------------------------------------------------ merging the model's entities
# (hand-made entities, so the rules are tested whatever the model says)
def ents_of(text: str, *labelled: tuple[str, str]) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for surface, label in labelled:
        s = text.index(surface, pos)
        out.append((s, s + len(surface), label))
        pos = s + len(surface)
    return out


def test_a_one_word_place_no_gazetteer_knows_is_set_aside(gaz: Gazetteer) -> None:
    rec = Recogniser(gaz, use_spacy=False)
    text = "Files stored in Qwzxbox sync to Yerevan servers."
    got = rec._merge(text, ents_of(text, ("Qwzxbox", "GPE"), ("Yerevan", "GPE")), spacy_mode=True)
    assert [sp.text for sp in got.toponyms] == ["Yerevan"]
    assert [sp.text for sp in got.doubtful] == ["Qwzxbox"]


def test_a_town_in_a_dateline_s_capitals_is_the_town_not_an_acronym(with_spacy: Recogniser) -> None:
    for text in ("STEPANAKERT/GANJA, Oct. 18 (Desk) – Shelling resumed overnight.",
                 "GANJA, Azerbaijan (Desk) — Shelling resumed overnight."):
        assert "GANJA" in names(with_spacy, text), text


def test_an_acronym_the_model_calls_a_place_is_set_aside_unless_a_country_or_state(gaz: Gazetteer) -> None:
    rec = Recogniser(gaz, use_spacy=False)
    text = "AI tools and IoT sensors from the MoD were shown in the UAE and NYC."
    got = rec._merge(text, ents_of(text, ("AI", "GPE"), ("IoT", "GPE"), ("MoD", "GPE"), ("UAE", "GPE"),
                                   ("NYC", "GPE")), spacy_mode=True)
    assert [sp.text for sp in got.toponyms] == ["UAE", "NYC"]  # a country; a city of millions
    assert [sp.text for sp in got.doubtful] == ["AI", "IoT", "MoD"]  # reported as not used as places


def test_the_model_s_place_takes_the_whole_gazetteer_name(gaz: Gazetteer) -> None:
    rec = Recogniser(gaz, use_spacy=False)
    text = "Talks with Trinidad and Tobago and with Baja California resumed in Washington, D.C. on Monday."
    ents = ents_of(text, ("Trinidad", "GPE"), ("Tobago", "PERSON"), ("California", "GPE"),
                   ("Washington", "GPE"), ("D.C.", "GPE"))
    got = [sp.text for sp in rec._merge(text, ents, spacy_mode=True).toponyms]
    assert got == ["Trinidad and Tobago", "Baja California", "Washington, D.C."]


def test_a_big_city_opening_an_untagged_name_is_an_embedded_mention(gaz: Gazetteer) -> None:
    rec = Recogniser(gaz, use_spacy=False)
    text = "Fans of the Seattle Seahawks met Ann Goris on Sunday."
    got = rec._merge(text, [], spacy_mode=True).toponyms
    assert [(sp.text, sp.label) for sp in got] == [("Seattle", "EMB")]


def test_set_aside_names_are_reported(gaz: Gazetteer) -> None:
    gp = Geoparser(GeoparserConfig(use_spacy=True), gazetteer=gaz)
    if gp.mode != MODE_SPACY:
        pytest.skip("spaCy model not available")
    doc = gp.geoparse("Qwzxland said on Monday that Armenia and Azerbaijan had agreed to talks in Qwzxland.")
    texts = {m.text for m in doc.set_aside}
    assert texts <= {"Qwzxland"}
    assert all("no place in the gazetteer" in m.why_unresolved for m in doc.set_aside)
