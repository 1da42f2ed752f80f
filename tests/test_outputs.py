"""geomap.outputs: the event frame, GeoJSON/CSV/GeoPackage/GeoParquet writers and the report.

Built from hand-made events (places from the gazetteer index), so no NLP model is needed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from gazetteer import Gazetteer, Place
from geomap.errors import InputError
from geomap.events import ACLED_TYPES
from geomap.model import Document, Event, Mention, Source, TimeSpan, UnreadDate
from geomap.outputs import (
    FORMATS,
    acled_columns,
    events_to_frame,
    report_json,
    write_events,
    write_report,
)
from geomap.pipeline import Report


@pytest.fixture(scope="module")
def places(gaz: Gazetteer) -> dict[str, Place]:
    return {q: gaz.resolve(q) for q in ("Goris", "Syunik province", "Lachin corridor", "Armenia", "Nagorno-Karabakh")}


SRC = Source(file="wire/a.txt", title="Border report", publisher="Test Wire", published=dt.date(2021, 5, 14))


def _ev(place: Place, *, etype: str = "armed_clash", start: dt.date | None = dt.date(2021, 5, 13),
        precision: str = "day", quote: str = "Soldiers clashed.", actors: tuple[str, ...] = (),
        fatalities: int | None = None, sources: tuple[Source, ...] = (SRC,), note: str = "") -> Event:
    when = None if start is None else TimeSpan(start, start, precision, str(start))
    return Event(id=f"ev-{etype}-{place.id}-{start}", type=etype, place=place, when=when, quote=quote,
                 sources=sources, actors=actors, fatalities=fatalities, confidence=0.7, places=(place,),
                 place_note=note)


@pytest.fixture(scope="module")
def events(places: dict[str, Place]) -> list[Event]:
    return [
        _ev(places["Goris"], actors=("Armenian Armed Forces", "Azerbaijani troops"), fatalities=2,
            quote='Protesters read <script>alert("x")</script> & "Stop" – café'),
        _ev(places["Syunik province"], etype="shelling", start=dt.date(2021, 5, 1), precision="month"),
        _ev(places["Lachin corridor"], etype="troop_deployment", start=dt.date(2020, 11, 10),
            actors=("Russian peacekeepers",)),
        _ev(places["Armenia"], etype="diplomatic_statement", start=dt.date(2021, 5, 14),
            note="no place in the sentence: the article's main place, Armenia"),
        _ev(places["Nagorno-Karabakh"], etype="ceasefire", start=None),
    ]


@pytest.fixture(scope="module")
def frame(events: list[Event]) -> gpd.GeoDataFrame:
    return events_to_frame(events)


# --------------------------------------------------------------------------- the frame


def test_frame_is_wgs84_with_one_row_per_event(frame: gpd.GeoDataFrame, events: list[Event]) -> None:
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert sorted(frame["id"]) == sorted(e.id for e in events)
    for col in ("id", "date_start", "date_end", "date_precision", "event_type", "place_name", "place_kind",
                "country", "actors", "fatalities", "quote", "sources", "confidence", "lat", "lon"):
        assert col in frame.columns, col


def test_frame_geometry_follows_the_place_kind(frame: gpd.GeoDataFrame) -> None:
    kinds = dict(zip(frame["place_kind"], frame.geometry.geom_type, strict=True))
    assert kinds["city"] == "Point"
    assert kinds["corridor"] == "LineString"
    assert kinds["admin1"] in ("Polygon", "MultiPolygon")
    assert kinds["country"] in ("Polygon", "MultiPolygon")


def test_frame_keeps_the_place_note_in_resolution(frame: gpd.GeoDataFrame) -> None:
    [res] = frame.loc[frame["event_type"] == "diplomatic_statement", "resolution"]
    assert "article's main place" in res


def test_frame_sorted_by_date_undated_last(frame: gpd.GeoDataFrame) -> None:
    starts = list(frame["date_start"])
    dated = [s for s in starts if isinstance(s, str)]
    assert dated == sorted(dated)
    assert starts[-1] is None or pd.isna(starts[-1])


def test_empty_frame() -> None:
    empty = events_to_frame([])
    assert len(empty) == 0
    assert empty.crs is not None and empty.crs.to_epsg() == 4326


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_is_rfc7946(frame: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = write_events(frame, tmp_path / "deep" / "events.geojson")
    text = path.read_text(encoding="utf-8")
    assert "café" in text and "\\u" not in text  # UTF-8, not escaped
    data = json.loads(text)
    assert set(data) == {"type", "features"}
    assert data["type"] == "FeatureCollection"
    by_kind = {f["properties"]["place_kind"]: f for f in data["features"]}
    goris = by_kind["city"]
    assert goris["geometry"] == {"type": "Point", "coordinates": [pytest.approx(46.34168), pytest.approx(39.51111)]}
    assert goris["properties"]["actors"] == ["Armenian Armed Forces", "Azerbaijani troops"]
    assert goris["properties"]["fatalities"] == 2
    assert goris["properties"]["sources"][0]["file"] == "wire/a.txt"
    assert goris["properties"]["sources"][0]["published"] == "2021-05-14"
    assert by_kind["corridor"]["geometry"]["type"] == "LineString"
    undated = by_kind["region"]["properties"]
    assert undated["date_start"] is None and undated["date_precision"] is None
    for f in data["features"]:
        assert f["id"] == f["properties"]["id"]
        assert "crs" not in f


def test_geojson_keeps_markup_as_text(frame: gpd.GeoDataFrame, tmp_path: Path) -> None:
    data = json.loads(write_events(frame, tmp_path / "events.json").read_text(encoding="utf-8"))
    quotes = [f["properties"]["quote"] for f in data["features"]]
    assert 'Protesters read <script>alert("x")</script> & "Stop" – café' in quotes


def test_geojson_reads_back_with_geopandas(frame: gpd.GeoDataFrame, tmp_path: Path) -> None:
    back = gpd.read_file(write_events(frame, tmp_path / "events.geojson"))
    assert back.crs is not None and back.crs.to_epsg() == 4326
    assert sorted(back["id"]) == sorted(frame["id"])


def test_empty_geojson_is_an_empty_collection(tmp_path: Path) -> None:
    path = write_events(events_to_frame([]), tmp_path / "events.geojson")
    assert json.loads(path.read_text(encoding="utf-8")) == {"type": "FeatureCollection", "features": []}


# --------------------------------------------------------------------------- CSV (ACLED-like)


def test_acled_columns(frame: gpd.GeoDataFrame) -> None:
    table = acled_columns(frame)
    rows = {r["geomap_type"]: r for r in table.to_dict("records")}
    for etype, row in rows.items():
        assert (row["event_type"], row["sub_event_type"]) == ACLED_TYPES[etype]
    clash = rows["armed_clash"]
    assert (clash["actor1"], clash["actor2"]) == ("Armenian Armed Forces", "Azerbaijani troops")
    assert clash["event_date"] == "2021-05-13" and clash["year"] == "2021"
    assert clash["time_precision"] == 1 and clash["geo_precision"] == 1
    assert (clash["latitude"], clash["longitude"]) == (pytest.approx(39.51111), pytest.approx(46.34168))
    assert clash["location"] == "Goris" and clash["country"] == "AM"
    assert clash["fatalities"] == 2
    assert clash["source"] == "Test Wire"
    assert rows["shelling"]["time_precision"] == 2 and rows["shelling"]["geo_precision"] == 2
    assert rows["diplomatic_statement"]["geo_precision"] == 3
    assert rows["ceasefire"]["event_date"] == "" and rows["ceasefire"]["time_precision"] == ""
    assert rows["ceasefire"]["fatalities"] == ""


def test_csv_file(frame: gpd.GeoDataFrame, tmp_path: Path) -> None:
    table = pd.read_csv(write_events(frame, tmp_path / "events.csv"), keep_default_na=False)
    assert len(table) == len(frame)
    assert list(table.columns[:3]) == ["event_id", "event_date", "event_date_end"]
    assert 'Protesters read <script>alert("x")</script> & "Stop" – café' in set(table["notes"])
    assert json.loads(table.loc[0, "sources"])  # every source, as JSON


def test_empty_csv_still_has_the_header(tmp_path: Path) -> None:
    table = pd.read_csv(write_events(events_to_frame([]), tmp_path / "events.csv"))
    assert {"event_date", "event_type", "latitude", "longitude"} <= set(table.columns)


# --------------------------------------------------------------------------- GeoPackage, GeoParquet


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_binary_formats_round_trip(frame: gpd.GeoDataFrame, tmp_path: Path, suffix: str) -> None:
    path = write_events(frame, tmp_path / f"events{suffix}")
    back = gpd.read_file(path) if suffix == ".gpkg" else gpd.read_parquet(path)
    assert back.crs is not None and back.crs.to_epsg() == 4326
    assert list(back["id"]) == list(frame["id"])
    assert list(back.geometry.geom_type) == list(frame.geometry.geom_type)
    assert [json.loads(a) for a in back["actors"]] == [list(a) for a in frame["actors"]]
    assert [json.loads(s) for s in back["sources"]] == list(frame["sources"])


# --------------------------------------------------------------------------- suffixes


@pytest.mark.parametrize("name", ["events.xyz", "events", "events.shp", "events.GEOJSONX"])
def test_unknown_suffix_is_an_input_error(frame: gpd.GeoDataFrame, tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="expected a file ending in"):
        write_events(frame, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_suffix_is_case_insensitive(frame: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = write_events(frame, tmp_path / "EVENTS.GeoJSON")
    assert json.loads(path.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert set(FORMATS) == {".geojson", ".json", ".csv", ".gpkg", ".parquet"}


# --------------------------------------------------------------------------- the report


def _doc(doc_id: str, *, published: dt.date | None, mentions: tuple[Mention, ...] = ()) -> Document:
    return Document(id=doc_id, text="x", published=published, toponyms=mentions, published_note="from a test",
                    recogniser="gazetteer-only")


def test_report_json_and_text(places: dict[str, Place], tmp_path: Path) -> None:
    lost = Mention("Sev Lich", 10, 18, None, "GAZ", "no place named 'Sev Lich' in the gazetteer")
    found = Mention("Goris", 30, 35, places["Goris"], "GPE")
    report = Report(unresolved=[("a", lost)], unread_dates=[("a", UnreadDate("31 February", 40, 51, "no such date"))],
                    skipped=["skipped b.bin: binary file"], notes=["gazetteer-only recogniser in use: asked for"])
    docs = [_doc("a", published=dt.date(2021, 5, 14), mentions=(lost, found))]
    path = write_report(report, docs, tmp_path / "out" / "report.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["documents"] == [{"id": "a", "published": "2021-05-14", "published_note": "from a test",
                                  "toponyms": 2, "resolved": 1, "dates": 0, "events": 0,
                                  "recogniser": "gazetteer-only"}]
    assert data["unresolved"] == [{"doc": "a", "text": "Sev Lich", "start": 10, "end": 18,
                                   "why": "no place named 'Sev Lich' in the gazetteer"}]
    assert data["unread_dates"][0]["text"] == "31 February"
    assert data["skipped"] == ["skipped b.bin: binary file"]
    assert data == report_json(report, docs)
    lines = (tmp_path / "out" / "report.txt").read_text(encoding="utf-8").splitlines()
    assert "a: place not resolved: 'Sev Lich' at 10-18 (no place named 'Sev Lich' in the gazetteer)" in lines
    assert any("31 February" in line for line in lines)
    assert any("gazetteer-only" in line for line in lines)


def test_clean_report_says_so(tmp_path: Path) -> None:
    write_report(Report(), [_doc("a", published=None)], tmp_path / "report.json")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("nothing to report")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["documents"][0]["published"] is None


def test_report_lines_do_not_say_skipped_twice() -> None:
    assert not any("skipped: skipped" in line for line in Report(skipped=["skipped b.bin: binary file"]).lines())


def test_report_lists_approximated_places(places: dict[str, Place], tmp_path: Path) -> None:
    approx = replace(places["Goris"], score=0.2,
                     reason="approximate: 'Goris Qwzx Airfield' is not in the gazetteer; it names 'Goris'")
    m = Mention("Goris Qwzx Airfield", 5, 24, approx, "FAC")
    report = Report(approximate=[("a", m)])
    docs = [_doc("a", published=dt.date(2021, 5, 14), mentions=(m,))]
    data = json.loads(write_report(report, docs, tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["approximate"] == [{"doc": "a", "text": "Goris Qwzx Airfield", "start": 5, "end": 24,
                                    "place": "Goris", "place_id": approx.id, "why": approx.reason}]
    lines = (tmp_path / "report.txt").read_text(encoding="utf-8").splitlines()
    assert lines == ["a: place approximated: 'Goris Qwzx Airfield' at 5-24 "
                     "('Goris Qwzx Airfield' is not in the gazetteer; it names 'Goris')"]
