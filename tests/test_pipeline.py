"""geomap.pipeline end to end: the real dispatches, the bundled examples, and merging across articles.

The spaCy path is used (``geomap.default_geoparser()``, shared with the other test modules of the
session). The two real dispatches are read at run time from ../shared/seeds and never copied here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

import geomap
from geomap.model import EVENT_TYPES, Document, Event, Source
from geomap.outputs import events_to_frame, write_events
from geomap.pipeline import Geoparser, GeoparserConfig, Report

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = Path(__file__).parents[2] / "shared" / "seeds"

Run = tuple[list[Event], list[Document], Report]


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    gp = geomap.default_geoparser()
    assert gp.mode == "spacy+gazetteer", "the spaCy model is a project dependency (geomap[nlp])"
    return gp


# =========================================================================== acceptance: real dispatches


@pytest.fixture(scope="module")
def seeds() -> Path:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip(f"the real dispatches are not available at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="module")
def seed_run(parser: Geoparser, seeds: Path) -> Run:
    return parser.extract([seeds])


@pytest.fixture(scope="module")
def seed_geojson(seed_run: Run, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = write_events(events_to_frame(seed_run[0]), tmp_path_factory.mktemp("seeds") / "events.geojson")
    return json.loads(out.read_text(encoding="utf-8"))


def _when(ev: Event) -> tuple[dt.date | None, dt.date | None, str | None]:
    return (ev.when.start, ev.when.end, ev.when.precision) if ev.when else (None, None, None)


def _is_nk(ev: Event) -> bool:
    return ev.place.name == "Nagorno-Karabakh"


EXPECTED: dict[str, Callable[[Event], bool]] = {
    "July 2020 clashes toward Tovuz": lambda e: (
        e.type == "armed_clash" and e.place.name == "Tovuz" and e.place.country == "AZ"
        and _when(e) == (dt.date(2020, 7, 1), dt.date(2020, 7, 31), "month")),
    "27 September 2020 fighting in Nagorno-Karabakh": lambda e: (
        e.type == "armed_clash" and _is_nk(e) and _when(e) == (dt.date(2020, 9, 27), dt.date(2020, 9, 27), "day")),
    "9 November 2020 trilateral statement": lambda e: (
        e.type == "ceasefire" and _when(e)[:2] == (dt.date(2020, 11, 9), dt.date(2020, 11, 9))),
    "full ceasefire in Nagorno-Karabakh from 10 November 2020": lambda e: (
        e.type == "ceasefire" and _is_nk(e) and _when(e)[0] == dt.date(2020, 11, 10)),
    "Russian peacekeepers to the Lachin corridor": lambda e: (
        e.type == "troop_deployment" and e.place.name == "Lachin corridor" and e.place.kind == "corridor"),
    "fighting in Syunik on 16 November 2021": lambda e: (
        e.type == "armed_clash" and e.place.kind == "admin1" and e.place.country == "AM"
        and e.place.name.startswith("Syunik") and _when(e) == (dt.date(2021, 11, 16), dt.date(2021, 11, 16), "day")),
    "OSCE chair's statement of 17 November 2021": lambda e: (
        e.type == "diplomatic_statement" and e.place.name == "Stockholm"
        and _when(e) == (dt.date(2021, 11, 17), dt.date(2021, 11, 17), "day")),
}


@pytest.mark.parametrize("what", list(EXPECTED))
def test_seed_dispatches_yield_the_events_a_reader_would_list(seed_run: Run, seeds: Path, what: str) -> None:
    events = seed_run[0]
    found = [e for e in events if EXPECTED[what](e)]
    assert found, f"missing: {what}; got {[(e.type, e.place.name, _when(e)) for e in events]}"
    for ev in found:
        assert ev.quote.strip(), "every event keeps its source sentence"
        assert ev.sources and all(Path(s.file).parent == seeds and Path(s.file).is_file() for s in ev.sources)


def test_seed_peacekeepers_carry_the_russian_actor(seed_run: Run) -> None:
    [ev] = [e for e in seed_run[0] if EXPECTED["Russian peacekeepers to the Lachin corridor"](e)]
    assert "Russian peacekeepers" in ev.actors
    assert ev.when is not None and ev.when.start is not None and ev.when.start.year == 2020


def test_seed_statement_ceasefire_is_in_nagorno_karabakh(seed_run: Run) -> None:
    nine = [e for e in seed_run[0] if EXPECTED["9 November 2020 trilateral statement"](e)]
    assert any(_is_nk(e) for e in nine)


def test_seed_lachin_corridor_is_a_line_in_the_geojson(seed_geojson: dict[str, Any]) -> None:
    lachin = [f for f in seed_geojson["features"] if f["properties"]["place_name"] == "Lachin corridor"]
    assert lachin
    for f in lachin:
        assert f["geometry"]["type"] == "LineString"
        line = shape(f["geometry"])
        assert line.length > 0
        minx, miny, maxx, maxy = line.bounds
        assert 45.5 < minx <= maxx < 47.5 and 39.0 < miny <= maxy < 40.5  # lon/lat order, in the South Caucasus


def test_seed_important_places_are_resolved(seed_run: Run) -> None:
    _, docs, report = seed_run
    unresolved = " ".join(m.text for _, m in report.unresolved).lower()
    for name in ("syunik", "tovuz", "lachin", "karabakh", "stockholm", "yerevan", "baku"):
        assert name not in unresolved
    resolved = {m.place.name for d in docs for m in d.toponyms if m.place is not None}
    assert {"Tovuz", "Lachin corridor", "Nagorno-Karabakh", "Stockholm"} <= resolved
    assert any(n.startswith("Syunik") for n in resolved)


def test_seed_second_dispatch_year_comes_from_weekday_consistency(seed_run: Run) -> None:
    docs = sorted(seed_run[1], key=lambda d: d.id)
    assert len(docs) == 2
    first, second = docs
    assert first.published == dt.date(2020, 11, 20)
    assert second.published == dt.date(2021, 11, 17)
    assert "weekday" in second.published_note
    assert all(d.recogniser == "spacy+gazetteer" for d in docs)


def test_seed_report_has_no_skipped_files(seed_run: Run) -> None:
    report = seed_run[2]
    assert report.skipped == []
    assert not any("gazetteer-only" in n for n in report.notes)


def test_seed_only_the_july_clash_is_placed_in_tovuz(seed_run: Run) -> None:
    # the placeless 27 Sept offensive and the 1994 ceasefire must not borrow Tovuz from the July paragraph
    tovuz = [(e.type, _when(e)) for e in seed_run[0] if e.place.name == "Tovuz"]
    assert tovuz == [("armed_clash", (dt.date(2020, 7, 1), dt.date(2020, 7, 31), "month"))]


def test_seed_first_dispatch_offensive_joins_the_27_september_event(seed_run: Run, seeds: Path) -> None:
    [ev] = [e for e in seed_run[0] if EXPECTED["27 September 2020 fighting in Nagorno-Karabakh"](e)]
    assert {Path(s.file).name for s in ev.sources} == {p.name for p in seeds.glob("*.txt")}
    assert "Armenian Armed Forces" in ev.actors


def test_seed_actors_are_not_place_names(seed_run: Run) -> None:
    for ev in seed_run[0]:
        names = {p.name for p in (ev.place, *ev.places)} | {"Lachin", "Tovuz"}
        assert not set(ev.actors) & names, (ev.quote, ev.actors)


# =========================================================================== bundled examples


@pytest.fixture(scope="module")
def examples_run(parser: Geoparser) -> Run:
    return parser.extract([str(EXAMPLES)])


@pytest.fixture(scope="module")
def example_files(examples_run: Run, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("examples")
    frame = events_to_frame(examples_run[0])
    return {suffix: write_events(frame, out / f"events.{suffix}") for suffix in ("geojson", "csv", "gpkg", "parquet")}


def test_examples_read_every_article(examples_run: Run) -> None:
    events, docs, report = examples_run
    assert all("README" in line for line in report.skipped), report.skipped  # a README is not an article
    assert len(docs) >= 8  # eight files, the feed holds several articles
    assert all(d.published is not None for d in docs)
    assert len(events) >= 10
    assert {e.type for e in events} <= set(EVENT_TYPES)


def test_examples_geojson_is_rfc7946(example_files: dict[str, Path]) -> None:
    data = json.loads(example_files["geojson"].read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    assert data["features"]
    ids = [f["id"] for f in data["features"]]
    assert len(ids) == len(set(ids))
    for f in data["features"]:
        assert f["type"] == "Feature" and "crs" not in f
        props, geom = f["properties"], f["geometry"]
        assert geom["type"] in ("Point", "Polygon", "MultiPolygon", "LineString")
        for key in ("id", "date_start", "date_precision", "event_type", "place_name", "quote", "sources"):
            assert key in props, key
        assert props["id"] == f["id"]
        assert props["event_type"] in EVENT_TYPES
        assert props["quote"]
        assert isinstance(props["sources"], list) and props["sources"]
        assert all(isinstance(s, dict) and s.get("file") for s in props["sources"])
        assert isinstance(props["actors"], list)
        dt.date.fromisoformat(props["date_start"])
        g = shape(geom)
        assert g.is_valid and not g.is_empty
        minx, miny, maxx, maxy = g.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
        if geom["type"] == "Point":
            assert geom["coordinates"] == pytest.approx([props["lon"], props["lat"]])  # lon first
        if geom["type"] in ("Polygon", "MultiPolygon"):
            polys = [g] if geom["type"] == "Polygon" else list(g.geoms)
            assert all(p.exterior.is_ccw for p in polys), "RFC 7946: exterior rings counterclockwise"
            assert all(not r.is_ccw for p in polys for r in p.interiors), "RFC 7946: holes clockwise"
            assert minx - 0.5 <= props["lon"] <= maxx + 0.5 and miny - 0.5 <= props["lat"] <= maxy + 0.5
        if props["country"] in ("AM", "AZ"):  # in the South Caucasus longitude (44-51) > latitude (38-42)
            assert 43 < props["lon"] < 51 and 38 < props["lat"] < 42


def test_examples_csv_has_acled_columns(example_files: dict[str, Path], examples_run: Run) -> None:
    table = pd.read_csv(example_files["csv"], keep_default_na=False)
    acled = ["event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "location", "latitude",
             "longitude", "geo_precision", "time_precision", "source", "notes", "fatalities"]
    assert set(acled) <= set(table.columns)
    assert len(table) == len(events_to_frame(examples_run[0]))
    assert set(table["event_type"]) <= {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                        "Strategic developments", "Protests", "Riots"}
    assert set(table["time_precision"]) <= {1, 2, 3}
    assert set(table["geo_precision"]) <= {1, 2, 3}
    for value in table["event_date"]:
        dt.date.fromisoformat(value)
    assert pd.to_numeric(table["latitude"]).between(-90, 90).all()
    assert pd.to_numeric(table["longitude"]).between(-180, 180).all()
    assert (table["notes"].str.len() > 0).all()  # the quote
    assert (table["source"].str.len() > 0).all()


@pytest.mark.parametrize("suffix", ["gpkg", "parquet"])
def test_examples_round_trip_through_geopandas(example_files: dict[str, Path], examples_run: Run, suffix: str) -> None:
    frame = events_to_frame(examples_run[0])
    back = gpd.read_file(example_files[suffix]) if suffix == "gpkg" else gpd.read_parquet(example_files[suffix])
    assert back.crs is not None and back.crs.to_epsg() == 4326
    assert list(back["id"]) == list(frame["id"])
    assert list(back["event_type"]) == list(frame["event_type"])
    assert list(back["quote"]) == list(frame["quote"])
    assert list(back["date_start"].astype(str)) == list(frame["date_start"].astype(str))
    for a, b in zip(back.geometry, frame.geometry, strict=True):
        assert a.geom_type == b.geom_type
        assert shapely.equals_exact(a, b, tolerance=1e-6) or a.equals(b)
    for a, b in zip(back["sources"], frame["sources"], strict=True):
        assert json.loads(a) == b  # lists are stored as JSON text
    for a, b in zip(back["actors"], frame["actors"], strict=True):
        assert json.loads(a) == list(b)


def test_examples_output_is_deterministic(parser: Geoparser, example_files: dict[str, Path], tmp_path: Path) -> None:
    again = write_events(events_to_frame(parser.extract([str(EXAMPLES)])[0]), tmp_path / "events.geojson")
    assert again.read_bytes() == example_files["geojson"].read_bytes()


# =========================================================================== merging across articles


def test_same_clash_in_two_articles_is_one_event_with_two_sources(parser: Geoparser, tmp_path: Path) -> None:
    (tmp_path / "wire_a.txt").write_text(
        "date 2021-05-14\n\nSoldiers of the two armies clashed near the town of Goris late on 13 May 2021, "
        "the regional governor said.\n\nNo casualties were reported.\n", encoding="utf-8")
    (tmp_path / "wire_b.txt").write_text(
        "date 2021-05-15\n\nHeavy fighting broke out near Goris on the night of 13 May 2021 and went on "
        "for several hours.\n", encoding="utf-8")
    events, docs, report = parser.extract([tmp_path])
    assert len(docs) == 2 and report.skipped == []
    clashes = [e for e in events if e.type == "armed_clash" and e.place.name == "Goris"]
    assert len(clashes) == 1, [(e.type, e.place.name, _when(e)) for e in events]
    [ev] = clashes
    assert {Path(s.file).name for s in ev.sources} == {"wire_a.txt", "wire_b.txt"}
    assert _when(ev) == (dt.date(2021, 5, 13), dt.date(2021, 5, 13), "day")
    assert "clashed near the town of Goris" in ev.quote and "Heavy fighting broke out" in ev.quote
    frame = events_to_frame(events)
    [row] = frame[frame["id"] == ev.id].to_dict("records")
    assert len(row["sources"]) == 2


# =========================================================================== regressions


def test_dateline_after_a_header_line_is_not_the_venue(parser: Geoparser, tmp_path: Path) -> None:
    (tmp_path / "dispatch.txt").write_text(
        "date 2021-05-14\n\nYEREVAN, May 14 (Test Wire) - Armenian and Azerbaijani soldiers clashed near Goris "
        "on 13 May 2021.\n", encoding="utf-8")
    events, _, _ = parser.extract([tmp_path])
    assert [(e.type, e.place.name) for e in events] == [("armed_clash", "Goris")]


def test_dateline_date_is_not_the_event_date(parser: Geoparser) -> None:
    doc = parser.geoparse("YEREVAN, May 14 (Test Wire) - Armenian and Azerbaijani soldiers clashed near Goris "
                          "on 13 May 2021.", published=dt.date(2021, 5, 14))
    assert [(e.place.name, _when(e)[0]) for e in doc.events] == [("Goris", dt.date(2021, 5, 13))]


def test_opening_sentence_with_a_comma_is_not_a_dateline(parser: Geoparser) -> None:
    doc = parser.geoparse("Shelling hit Ganja and Barda, killing four civilians.", published=dt.date(2021, 3, 4))
    assert {e.place.name for e in doc.events} & {"Ganja", "Barda"}


def test_place_of_a_local_witness_is_not_a_speaking_capital(parser: Geoparser) -> None:
    doc = parser.geoparse("A shop owner in Ganja said shelling hit the town on 2 March 2021.",
                          published=dt.date(2021, 3, 4))
    assert [(e.type, e.place.name) for e in doc.events] == [("shelling", "Ganja")]


@pytest.fixture(scope="module")
def gazetteer_only() -> Geoparser:
    return Geoparser(GeoparserConfig(use_spacy=False))


@pytest.mark.parametrize(
    ("mode", "text", "place"),
    [
        ("gazetteer-only", "Clashes erupted in Syunik on Tuesday.", "Syunik"),
        ("spacy+gazetteer", "Clashes erupted in Goris on Monday and in Tovuz on Friday.", "Tovuz"),
    ],
)
def test_place_followed_by_on_weekday_is_recognised(parser: Geoparser, gazetteer_only: Geoparser, mode: str,
                                                    text: str, place: str) -> None:
    gp = parser if mode == parser.mode else gazetteer_only
    assert gp.mode == mode
    doc = gp.geoparse(text, published=dt.date(2021, 3, 6))
    assert any(m.place is not None and m.place.name.startswith(place) for m in doc.toponyms)


def test_automatic_workers_only_for_many_documents(gaz: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """n_process=0 (the CLI's default): one process for a few articles, every core for many."""
    from geomap import pipeline

    monkeypatch.setattr(pipeline, "AUTO_MIN_DOCUMENTS", 20)
    monkeypatch.setattr(pipeline.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    text = (Path(__file__).parent.parent / "examples").glob("*.txt").__next__().read_text(encoding="utf-8")
    gp = Geoparser(GeoparserConfig(use_spacy=False, n_process=0), gazetteer=gaz)
    try:
        few = list(gp.geoparse_many([(f"d{i}", text, None, Source(), "") for i in range(19)]))
        assert gp._pool is None and len(few) == 19  # below the threshold: this process
        many = list(gp.geoparse_many([(f"d{i}", text, None, Source(), "") for i in range(24)]))
        assert gp._pool is not None and len(many) == 24  # two workers
        assert [d.toponyms for d in many[:19]] == [d.toponyms for d in few]
    finally:
        gp.close()


def test_two_worker_processes_give_the_same_documents_in_order(gaz: Any) -> None:
    examples = sorted(p for p in (Path(__file__).parent.parent / "examples").iterdir() if p.suffix == ".txt")
    texts = [p.read_text(encoding="utf-8") for p in examples]
    items = [(f"d{i}", texts[i % len(texts)], dt.date(2021, 5, 14), Source(), "") for i in range(24)]
    one = list(Geoparser(GeoparserConfig(use_spacy=False), gazetteer=gaz).geoparse_many(items))
    gp2 = Geoparser(GeoparserConfig(use_spacy=False, n_process=2), gazetteer=gaz)
    try:
        two = list(gp2.geoparse_many(items))
        assert gp2._pool is not None  # the workers did the work
    finally:
        gp2.close()
    assert [d.id for d in two] == [d.id for d in one]
    assert two == one  # places (shapes put back by the parent), dates and events alike
    shaped = [m.place for d in two for m in d.toponyms if m.place is not None and m.place.kind == "country"]
    assert shaped and all(p.geometry is not None for p in shaped)

    def shapes(docs: list[Any]) -> list[Any]:
        places = [m.place for d in docs for m in d.toponyms if m.place is not None]
        places += [p for d in docs for e in d.events for p in (e.place, *e.places)]
        return [None if p.geometry is None else p.geometry.wkb for p in places]

    assert shapes(two) == shapes(one)  # every mention's and event's polygon, not only countries'
    assert any(e.place.geometry is not None for d in two for e in d.events)
