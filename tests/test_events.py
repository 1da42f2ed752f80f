"""geomap.events: sentence splitting, event typing, fatalities, actors, assembly and merging.

Table-driven on sentences written for these tests. ``assemble`` and ``merge_events`` are fed
hand-built mentions and dates (places come from the gazetteer index), so no NLP model is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from gazetteer import Gazetteer, Place
from geomap.events import (
    ACLED_TYPES,
    Sentence,
    actors,
    assemble,
    classify,
    fatalities,
    merge_events,
    sentences,
)
from geomap.model import EVENT_TYPES, Event, Mention, Source, TimeSpan
from geomap.recognize import Span

# --------------------------------------------------------------------------- classify

CLASSIFY = [
    # armed clashes
    ("Troops from both sides clashed near the village overnight.", "armed_clash"),
    ("Heavy fighting continued along the northern front line.", "armed_clash"),
    ("Both sides accused each other of violating the truce.", "armed_clash"),
    ("Government units launched an offensive at dawn.", "armed_clash"),
    # shelling / remote violence
    ("Artillery shells landed on the outskirts of the town.", "shelling"),
    ("The army shelled the district centre for two hours.", "shelling"),
    ("Rockets struck an industrial zone east of the city.", "shelling"),
    ("A drone strike destroyed two tanks.", "shelling"),
    # attacks on civilians
    ("Two civilians were killed when a market was hit.", "attack_on_civilians"),
    ("The strike hit residential buildings in the old quarter.", "attack_on_civilians"),
    # ceasefires and agreements
    ("The two governments signed a ceasefire agreement in the capital.", "ceasefire"),
    ("A truce was declared at midnight after talks in the capital.", "ceasefire"),
    ("The humanitarian truce came into force on Saturday morning.", "ceasefire"),
    ("The sides agreed to a humanitarian truce.", "ceasefire"),
    # statements
    ("The foreign minister said the talks had been constructive.", "diplomatic_statement"),
    ("The ministry condemned the decision and urged restraint.", "diplomatic_statement"),
    ("The president warned of further escalation.", "diplomatic_statement"),
    # deployments
    ("Additional units were deployed to the border villages.", "troop_deployment"),
    ("Peacekeepers arrived in the town on Monday.", "troop_deployment"),
    # territorial change
    ("Government forces captured the hilltop town after a week.", "territorial_change"),
    ("The rebels withdrew from three villages under the deal.", "territorial_change"),
    ("The army retook the village.", "territorial_change"),
    # protests
    ("Thousands of people rallied outside parliament demanding new elections.", "protest"),
    ("Protesters blocked the main road into the capital.", "protest"),
    ("Hundreds of demonstrators gathered outside the embassy.", "protest"),
    # background and non-events
    ("The conflict began in 1988.", None),
    ("The region has been disputed for decades.", None),
    ("The weather was mild and the markets were open.", None),
    ("", None),
    # the absence of an event, and a request for one
    ("The front line was largely quiet on Wednesday after a week of clashes.", None),
    ("Guns along the border were silent overnight.", None),
    ("No fighting was reported from the northern sector.", None),
    ("The prime minister said on Tuesday that the fighting in the province had stopped.", None),
    ("The shelling ceased around midnight, residents said.", None),
    ("The clashes ended with four soldiers killed on each side.", "armed_clash"),
    ("Fighting stopped after both sides signed a ceasefire agreement.", "ceasefire"),
    ("The ministry called for an immediate halt to the fighting.", "diplomatic_statement"),
    ("Both leaders urged a stop to the shelling of towns.", "diplomatic_statement"),
    ("The sides agreed to a halt to all hostilities from midnight.", "ceasefire"),
]


@pytest.mark.parametrize(("sentence", "expected"), CLASSIFY, ids=[s[:40] or "empty" for s, _ in CLASSIFY])
def test_classify(sentence: str, expected: str | None) -> None:
    got = classify(sentence)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        etype, confidence = got
        assert etype == expected
        assert 0.0 < confidence <= 1.0


@pytest.mark.parametrize(
    "sentence",
    [
        "Troops exchanged fire near the border.",
        "Border guards opened fire on a patrol.",
        "Gunfire was heard across the valley overnight.",
        "The town came under heavy fire on Monday.",
    ],
)
def test_classify_gunfire_wording_is_a_clash(sentence: str) -> None:
    assert classify(sentence) == ("armed_clash", 0.7)


def test_every_type_maps_to_acled() -> None:
    assert set(ACLED_TYPES) == set(EVENT_TYPES)


# --------------------------------------------------------------------------- fatalities

FATALITIES = [
    ("Shelling hit the village, killing 12 soldiers.", 12),
    ("Seven servicemen were killed in the attack.", 7),
    ("The attack killed three people.", 3),
    ("The death toll rose to 45 by evening.", 45),
    ("At least 1,200 soldiers died in the offensive.", 1200),
    ("One soldier was killed and two were wounded.", 1),
    ("Heavy fighting was reported near the border.", None),
    ("Two people were wounded.", None),
    ("The ministry said 20 years of talks had failed.", None),
    ("", None),
]


@pytest.mark.parametrize(("sentence", "expected"), FATALITIES, ids=[s[:40] or "empty" for s, _ in FATALITIES])
def test_fatalities(sentence: str, expected: int | None) -> None:
    assert fatalities(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Clashes on July 12 killed four soldiers.", 4),
        ("Clashes near Goris on 3 May 2021 killed two soldiers.", 2),
        ("Shelling in 2021 killed three civilians.", 3),
    ],
)
def test_fatalities_ignores_dates_before_the_verb(sentence: str, expected: int) -> None:
    assert fatalities(sentence) == expected


def test_fatalities_none_died_is_not_one() -> None:
    assert fatalities("Twelve people were injured and none died.") in (None, 0)


# --------------------------------------------------------------------------- sentences


def test_sentences_keep_abbreviated_months_and_titles() -> None:
    text = "Fighting resumed on Nov. 19 near the town. Gen. Petrosyan said the line held."
    got = sentences(text)
    assert [s.text for s in got] == ["Fighting resumed on Nov. 19 near the town.", "Gen. Petrosyan said the line held."]
    for s in got:
        assert text[s.start:s.end] == s.text


def test_sentences_other_abbreviations_and_initials() -> None:
    text = "Mr. Aliyev spoke first. Then U.S. officials replied on Sept. 27 at dawn. A. B. Smith disagreed!"
    assert [s.text for s in sentences(text)] == [
        "Mr. Aliyev spoke first.",
        "Then U.S. officials replied on Sept. 27 at dawn.",
        "A. B. Smith disagreed!",
    ]


def test_sentences_split_after_a_date_that_ends_a_sentence() -> None:
    got = sentences("The talks ended on Nov. 19. The next round is planned.")
    assert [s.text for s in got] == ["The talks ended on Nov. 19.", "The next round is planned."]


def test_sentences_number_paragraphs_and_skip_blank_lines() -> None:
    text = "  First paragraph here. Still the first.\n\n\nSecond paragraph\ncontinues on a new line.\n"
    got = sentences(text)
    assert [(s.text, s.paragraph) for s in got] == [
        ("First paragraph here.", 0),
        ("Still the first.", 0),
        ("Second paragraph\ncontinues on a new line.", 1),
    ]
    assert sentences("") == []
    assert sentences("\n\n   \n") == []


# --------------------------------------------------------------------------- actors


def _sent(text: str) -> Sentence:
    return Sentence(0, len(text), text, 0)


def _span(text: str, word: str, label: str, country: str | None = None) -> Span:
    start = text.index(word)
    return Span(start, start + len(word), word, label, "test", country)


def test_actors_armed_forces_is_capitalised() -> None:
    text = "Armenian armed forces shelled positions near the border."
    assert actors(_sent(text), [_span(text, "Armenian", "NORP", "AM")], []) == ("Armenian Armed Forces",)


def test_actors_peacekeepers_and_named_organisations() -> None:
    text = "Russian peacekeepers escorted a convoy, the Red Cross said."
    got = actors(_sent(text), [_span(text, "Russian", "NORP", "RU")], [_span(text, "the Red Cross", "ORG")])
    assert got == ("Russian peacekeepers", "Red Cross")


def test_actors_ignore_demonyms_that_qualify_no_force() -> None:
    text = "Armenian officials visited an Azerbaijani village."
    demonyms = [_span(text, "Armenian", "NORP", "AM"), _span(text, "Azerbaijani", "NORP", "AZ")]
    assert actors(_sent(text), demonyms, []) == ()


def test_actors_only_within_the_sentence() -> None:
    text = "Nothing happened. Azerbaijani troops moved up."
    sent = sentences(text)[0]
    assert actors(sent, [_span(text, "Azerbaijani", "NORP", "AZ")], []) == ()


def test_actors_are_deduplicated() -> None:
    text = "Armenian troops and later Armenian troops again."
    first = _span(text, "Armenian", "NORP", "AM")
    second_at = text.index("Armenian", first.end)
    second = Span(second_at, second_at + 8, "Armenian", "NORP", "test", "AM")
    assert actors(_sent(text), [first, second], []) == ("Armenian troops",)


# --------------------------------------------------------------------------- assemble


@pytest.fixture(scope="module")
def places(gaz: Gazetteer) -> dict[str, Place]:
    return {n: gaz.resolve(q) for n, q in {"Goris": "Goris", "Kapan": "Kapan", "Syunik": "Syunik province",
                                           "Armenia": "Armenia"}.items()}


def _mention(text: str, word: str, place: Place, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Mention(word, start, start + len(word), place, "GPE")


def _date(text: str, phrase: str, start: dt.date, end: dt.date | None = None, precision: str = "day") -> TimeSpan:
    at = text.index(phrase)
    return TimeSpan(start, end or start, precision, phrase, at, at + len(phrase))


SRC = Source(file="a.txt", published=dt.date(2021, 5, 20))


def _assemble(text: str, mentions: list[Mention], dates: list[TimeSpan], *, published: dt.date | None = None,
              demonyms: tuple[Span, ...] = (), source: Source = SRC) -> list[Event]:
    return assemble(doc_id="a", text=text, mentions=mentions, dates=dates, demonyms=demonyms, entities=(),
                    source=source, published=published)


def test_assemble_undated_sentence_inherits_the_month_and_says_so(places: dict[str, Place]) -> None:
    text = "Fighting broke out near Goris on 5 May 2021. Shelling later hit Kapan."
    events = _assemble(text, [_mention(text, "Goris", places["Goris"]), _mention(text, "Kapan", places["Kapan"])],
                       [_date(text, "5 May 2021", dt.date(2021, 5, 5))], published=dt.date(2021, 5, 20))
    by_type = {e.type: e for e in events}
    assert set(by_type) == {"armed_clash", "shelling"}
    clash, shelling = by_type["armed_clash"], by_type["shelling"]
    assert clash.place.name == "Goris"
    assert clash.when is not None and (clash.when.start, clash.when.precision) == (dt.date(2021, 5, 5), "day")
    assert clash.date_note == ""
    assert shelling.place.name == "Kapan"
    assert shelling.when is not None
    assert (shelling.when.start, shelling.when.end, shelling.when.precision) == (
        dt.date(2021, 5, 1), dt.date(2021, 5, 31), "month")
    assert "5 May 2021" in shelling.date_note
    assert shelling.confidence < clash.confidence
    assert clash.quote == "Fighting broke out near Goris on 5 May 2021."
    assert shelling.quote == "Shelling later hit Kapan."


def test_assemble_without_any_date_falls_back_to_the_publication_month(places: dict[str, Place]) -> None:
    text = "Shelling hit Kapan overnight."
    [ev] = _assemble(text, [_mention(text, "Kapan", places["Kapan"])], [], published=dt.date(2021, 2, 14))
    assert ev.when is not None
    assert (ev.when.start, ev.when.end, ev.when.precision) == (dt.date(2021, 2, 1), dt.date(2021, 2, 28), "month")
    assert "publication" in ev.date_note


def test_assemble_without_any_date_nor_publication_date_keeps_the_event_undated(places: dict[str, Place]) -> None:
    text = "Shelling hit Kapan overnight."
    [ev] = _assemble(text, [_mention(text, "Kapan", places["Kapan"])], [])
    assert ev.when is None
    assert "no publication date" in ev.date_note


def test_assemble_picks_the_most_specific_place(places: dict[str, Place]) -> None:
    text = "Clashes in Armenia's Syunik province near Goris were reported on 3 May 2021."
    mentions = [_mention(text, "Armenia", places["Armenia"]), _mention(text, "Syunik", places["Syunik"]),
                _mention(text, "Goris", places["Goris"])]
    [ev] = _assemble(text, mentions, [_date(text, "3 May 2021", dt.date(2021, 5, 3))])
    assert ev.place.name == "Goris"
    assert {p.name for p in ev.places} == {"Goris", "Syunik'"}  # "Armenia's" qualifies, it is not a venue


def test_assemble_background_and_placeless_sentences_make_no_event(places: dict[str, Place]) -> None:
    text = "The conflict began in 1988. The weather near Goris was mild on 3 May 2021."
    mentions = [_mention(text, "Goris", places["Goris"])]
    assert _assemble(text, mentions, [_date(text, "3 May 2021", dt.date(2021, 5, 3))]) == []


def test_assemble_records_actors_and_fatalities(places: dict[str, Place]) -> None:
    text = "Azerbaijani troops shelled Kapan on 4 May 2021, killing two civilians."
    demonym = _span(text, "Azerbaijani", "NORP", "AZ")
    [ev] = _assemble(text, [_mention(text, "Kapan", places["Kapan"])], [_date(text, "4 May 2021", dt.date(2021, 5, 4))],
                     demonyms=(demonym,))
    assert ev.type == "shelling"  # as ACLED codes it: remote violence, even when civilians die
    assert ev.actors == ("Azerbaijani troops",)
    assert ev.fatalities == 2
    assert ev.sources == (SRC,)
    assert ev.id.startswith("ev-")


def test_assemble_is_deterministic(places: dict[str, Place]) -> None:
    text = "Fighting broke out near Goris on 5 May 2021. Shelling later hit Kapan."
    args = ([_mention(text, "Goris", places["Goris"]), _mention(text, "Kapan", places["Kapan"])],
            [_date(text, "5 May 2021", dt.date(2021, 5, 5))])
    assert _assemble(text, *args) == _assemble(text, *args)


# --------------------------------------------------------------------------- merge_events


def _event(place: Place, start: dt.date, end: dt.date, source: Source, *, etype: str = "armed_clash",
           quote: str = "Soldiers clashed.", precision: str = "day") -> Event:
    return Event(id=f"ev-{place.id}-{start}-{source.file}-{quote[:5]}", type=etype, place=place,
                 when=TimeSpan(start, end, precision, str(start)), quote=quote, sources=(source,), confidence=0.6,
                 places=(place,))


A = Source(file="a.txt")
B = Source(file="b.txt")


def test_merge_same_clash_from_two_sources(places: dict[str, Place]) -> None:
    day = dt.date(2021, 5, 13)
    one = _event(places["Goris"], day, day, A, quote="Soldiers clashed near Goris.")
    other = _event(places["Goris"], dt.date(2021, 5, 1), dt.date(2021, 5, 31), B, quote="Fighting near Goris.",
                   precision="month")
    [merged] = merge_events([other, one])
    assert set(merged.sources) == {A, B}
    assert merged.when is not None and merged.when.start == day and merged.when.precision == "day"  # the narrower
    assert "Soldiers clashed near Goris." in merged.quote and "Fighting near Goris." in merged.quote
    assert merged.confidence > 0.6


@pytest.mark.parametrize(
    "change",
    [
        {"place": "Kapan"},
        {"etype": "shelling"},
        {"start": dt.date(2021, 6, 1), "end": dt.date(2021, 6, 1)},
    ],
    ids=["other place", "other type", "dates apart"],
)
def test_merge_keeps_different_events_apart(places: dict[str, Place], change: dict[str, object]) -> None:
    day = dt.date(2021, 5, 13)
    one = _event(places["Goris"], day, day, A)
    kw: dict[str, object] = {"etype": "armed_clash", "start": day, "end": day}
    kw.update({k: v for k, v in change.items() if k != "place"})
    place = places[str(change.get("place", "Goris"))]
    other = _event(place, kw["start"], kw["end"], B, etype=str(kw["etype"]))  # type: ignore[arg-type]
    assert len(merge_events([one, other])) == 2


def test_merge_keeps_two_sentences_of_one_source_apart(places: dict[str, Place]) -> None:
    day = dt.date(2021, 5, 13)
    one = _event(places["Goris"], day, day, A, quote="Soldiers clashed near Goris.")
    two = _event(places["Goris"], day, day, A, quote="A second clash near Goris followed.")
    assert len(merge_events([one, two])) == 2


def test_merge_is_sorted_and_order_independent(places: dict[str, Place]) -> None:
    evs = [
        _event(places["Kapan"], dt.date(2021, 5, 20), dt.date(2021, 5, 20), A),
        _event(places["Goris"], dt.date(2021, 5, 13), dt.date(2021, 5, 13), A),
        _event(places["Goris"], dt.date(2021, 5, 13), dt.date(2021, 5, 13), B, quote="Other words."),
    ]
    forward, backward = merge_events(evs), merge_events(list(reversed(evs)))
    assert [e.id for e in forward] == [e.id for e in backward]
    assert [e.when.start for e in forward if e.when] == sorted(e.when.start for e in forward if e.when)
    assert len(forward) == 2


def test_merge_undated_events_only_with_undated_ones(places: dict[str, Place]) -> None:
    dated = _event(places["Goris"], dt.date(2021, 5, 13), dt.date(2021, 5, 13), A)
    undated = replace(_event(places["Goris"], dt.date(2021, 5, 13), dt.date(2021, 5, 13), B), when=None)
    assert len(merge_events([dated, undated])) == 2
    assert len(merge_events([undated, replace(undated, sources=(A,), id="x")])) == 1
    assert merge_events([]) == []


def test_a_country_s_statement_is_placed_at_its_capital(gaz: Gazetteer) -> None:
    from geomap.resolve import capital_of

    text = "Qwzx's leadership said on 3 May 2021 that it stood with its ally. Armenia's defence ministry said talks would go on."
    armenia = gaz.resolve("Armenia")
    events = assemble(doc_id="a", text=text, mentions=[_mention(text, "Armenia", armenia)],
                      dates=[_date(text, "3 May 2021", dt.date(2021, 5, 3))], demonyms=(), entities=(),
                      source=SRC, published=dt.date(2021, 5, 4), capital=lambda cc: capital_of(gaz, cc))
    [ev] = events
    assert ev.type == "diplomatic_statement" and ev.place.name == "Yerevan"
    assert "Armenia speaks, from its capital Yerevan" in ev.place_note


def test_speaker_before_a_relative_clause_still_speaks(gaz: Gazetteer) -> None:
    text = "Moscow, which keeps a base in the region, called for an end to the fighting on 3 May 2021."
    moscow = gaz.resolve("Moscow")
    [ev] = _assemble(text, [_mention(text, "Moscow", moscow)], [_date(text, "3 May 2021", dt.date(2021, 5, 3))],
                     published=dt.date(2021, 5, 4))
    assert ev.type == "diplomatic_statement" and ev.place.name == "Moscow"
    assert "speaks" in ev.place_note
