"""Reading event tables: every format, ACLED, bad input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gazetteer import Place
from geomap.errors import InputError
from geomap.model import EVENT_TYPES, Event, Source, TimeSpan
from geomap.render import COLUMNS, events_frame, read_events
from geomap.render.acled import event_type as acled_type

DATA = Path(__file__).parent / "data" / "events"


def _core(frame: gpd.GeoDataFrame) -> list[tuple[object, ...]]:
    cols = ["id", "date_start", "date_end", "date_precision", "event_type", "place_name",
            "place_kind", "country"]
    return [tuple(r) for r in frame[cols].itertuples(index=False)]


def test_geojson_fixture_reads_into_schema() -> None:
    frame = read_events(DATA / "events.geojson")
    assert list(frame.columns) == [*COLUMNS, "geometry"]
    assert len(frame) == 20
    assert frame.crs.to_epsg() == 4326
    assert set(frame["event_type"]) <= set(EVENT_TYPES)
    assert frame.geometry.geom_type.value_counts().to_dict() == {
        "Point": 12, "Polygon": 6, "LineString": 2}
    first = frame.iloc[0]
    assert first["id"] == "ev-01" and first["actors"] == ["Armenian forces", "Azerbaijani forces"]
    assert first["sources"][0]["url"] == "https://news.example.org/caucasus/01"
    assert first["fatalities"] == 4
    # sorted by start day, the undated event last and flagged as a problem
    assert frame.iloc[-1]["id"] == "ev-20" and frame.iloc[-1]["date_start"] is None
    assert frame.attrs["problems"] == [
        "events.geojson: row 20 (id ev-20): no date; drawn outside the timeline and flagged"]


def test_csv_fixture_matches_geojson() -> None:
    gj, csv = read_events(DATA / "events.geojson"), read_events(DATA / "events.csv")
    assert _core(csv) == _core(gj)
    assert list(csv["actors"]) == list(gj["actors"])
    assert list(csv["sources"]) == list(gj["sources"])
    assert all(a.equals_exact(b, 1e-9) for a, b in zip(csv.geometry, gj.geometry, strict=True))


def test_geopackage_and_geoparquet_round_trip(tmp_path: Path) -> None:
    frame = read_events(DATA / "events.geojson")
    out = frame.copy()
    out["actors"] = out["actors"].map("; ".join)
    out["sources"] = out["sources"].map(json.dumps)
    out.to_file(tmp_path / "events.gpkg", driver="GPKG")
    out.to_parquet(tmp_path / "events.parquet")
    for name in ("events.gpkg", "events.parquet"):
        back = read_events(tmp_path / name)
        assert _core(back) == _core(frame), name
        assert list(back["actors"]) == list(frame["actors"]), name
        assert list(back["sources"]) == list(frame["sources"]), name


def test_acled_export_is_mapped() -> None:
    frame = read_events(DATA / "acled.csv")
    assert len(frame) == 19  # ACLED has no undated events
    row = frame.set_index("id").loc["AZE1004"]
    assert row["event_type"] == "shelling"
    assert row["actors"] == ["Azerbaijani forces"]
    assert row["quote"].startswith("Sirens sounded")
    assert row["sources"] == [{"publisher": "Example News"}]
    assert row["place_kind"] == "city" and "geo_precision 1" in row["resolution"]
    month = frame.set_index("id").loc["AZE1008"]  # time_precision 3: the whole month
    assert (month["date_start"], month["date_end"], month["date_precision"]) == (
        "2020-10-01", "2020-10-31", "month")
    week = frame.set_index("id").loc["AZE1013"]  # time_precision 2: the week around the date
    assert (week["date_start"], week["date_end"], week["date_precision"]) == (
        "2020-11-07", "2020-11-13", "interval")


@pytest.mark.parametrize(("acled", "sub", "expected"), [
    ("Battles", "Armed clash", "armed_clash"),
    ("Battles", "Non-state actor overtakes territory", "territorial_change"),
    ("Explosions/Remote violence", "Air/drone strike", "shelling"),
    ("Violence against civilians", "Abduction/forced disappearance", "attack_on_civilians"),
    ("Protests", "Excessive force against protesters", "protest"),
    ("Riots", "Mob violence", "protest"),
    ("Strategic developments", "Agreement", "ceasefire"),
    ("Strategic developments", "Headquarters or base established", "troop_deployment"),
    ("Strategic developments", "Arrests", "other"),
    ("Something new", "", "other"),
])
def test_acled_types(acled: str, sub: str, expected: str) -> None:
    assert acled_type(acled, sub) == expected


def test_acled_textual_dates(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_date,event_type,sub_event_type,actor1,location,latitude,longitude,notes,"
        "time_precision\n27 September 2020,Battles,Armed clash,X,Tovuz,40.99,45.63,n,1\n",
        encoding="utf-8",
    )
    assert read_events(path).iloc[0]["date_start"] == "2020-09-27"


def test_latitude_longitude_and_wkt_columns(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("latitude,longitude,event_type,date_start\n40.99,45.63,shelling,2020-07-14\n")
    b = tmp_path / "b.csv"
    b.write_text('geometry,event_type\n"POLYGON ((46 39, 47 39, 47 40, 46 39))",ceasefire\n')
    fa, fb = read_events(a), read_events(b)
    assert (fa.iloc[0]["lat"], fa.iloc[0]["lon"]) == (40.99, 45.63)
    assert fb.geometry.iloc[0].geom_type == "Polygon"
    assert fb.iloc[0]["place_kind"] == "region"
    assert fb.geometry.iloc[0].contains(shapely.Point(fb.iloc[0]["lon"], fb.iloc[0]["lat"]))


def test_partial_dates_become_spans(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "id,lat,lon,date_start,date_end,date_precision\n"
        "m,40,45,2020-11,,\n"
        "y,40,45,2021,,\n"
        "open,40,45,1988-02-20,,interval\n"
        "swap,40,45,2020-10-10,2020-10-01,\n"
        "bad,40,45,yesterday,,\n"
    )
    frame = read_events(path).set_index("id")
    assert tuple(frame.loc["m", ["date_start", "date_end", "date_precision"]]) == (
        "2020-11-01", "2020-11-30", "month")
    assert tuple(frame.loc["y", ["date_start", "date_end"]]) == ("2021-01-01", "2021-12-31")
    assert frame.loc["open", "date_end"] is None
    assert tuple(frame.loc["swap", ["date_start", "date_end"]]) == ("2020-10-01", "2020-10-10")
    assert frame.loc["bad", "date_start"] is None
    problems = "\n".join(frame.attrs["problems"])
    assert "swapped" in problems and "unreadable date_start 'yesterday'" in problems


def test_events_without_coordinates_are_reported_not_drawn(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("id,lat,lon,event_type\nok,40,45,shelling\nnope,,,shelling\nfar,95,45,other\n")
    frame = read_events(path)
    assert list(frame["id"]) == ["ok"]
    problems = frame.attrs["problems"]
    assert "e.csv: row 2 (id nope): no coordinates; not drawn" in problems
    assert "e.csv: row 3 (id far): coordinates out of range (lat 95.0, lon 45.0); not drawn" in problems


def test_invalid_geometry_is_repaired(tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[46, 39], [47, 40], [47, 39], [46, 40], [46, 39]]]}
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": bowtie, "properties": {"id": "b", "event_type": "other"}}]}
    path = tmp_path / "bowtie.geojson"
    path.write_text(json.dumps(fc))
    frame = read_events(path)
    assert frame.geometry.iloc[0].is_valid
    assert frame.geometry.iloc[0].geom_type == "MultiPolygon"
    assert "repaired with make_valid" in frame.attrs["problems"][0]


def test_unknown_type_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,lat,lon,event_type,extra\nx,40,45,bombing,1\nx,40,45,Armed Clash,2\n,41,44,,\n")
    frame = read_events(path)
    assert sorted(frame["event_type"]) == ["armed_clash", "other", "other"]
    assert "x-2" in set(frame["id"])
    assert any(i.startswith("ev-") for i in frame["id"])  # stable generated id
    problems = "\n".join(frame.attrs["problems"])
    assert "ignored unknown columns extra" in problems
    assert "unknown event_type 'bombing'" in problems
    assert read_events(path)["id"].tolist() == frame["id"].tolist()


@pytest.mark.parametrize(("content", "message"), [
    ("", "the file is empty"),
    ("foo,bar\n1,2\n", "no coordinates in columns 'foo', 'bar'; expected lat/lon"),
    ("lat,lon\n", "no events in the file"),
    ('{"type": "FeatureCollection", "features": []}', "no events in the file"),
    ('{"hello": 1}', "JSON but not GeoJSON"),
    ("{not json", "not valid JSON"),
])
def test_bad_input_raises_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        read_events(path)
    assert "\n" not in str(err.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_events(tmp_path / "missing.csv")
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(InputError, match="binary file"):
        read_events(binary)


def test_events_frame_from_model_records() -> None:
    import datetime as dt

    place = Place(id="gn:174875", name="Stepanakert", kind="city", country="AZ",
                  lat=39.815, lon=46.752, reason="alternate name")
    region = Place(id="cur:nk", name="Nagorno-Karabakh", kind="region", country="AZ", lat=39.8,
                   lon=46.8, geometry=shapely.box(46.4, 39.4, 47.2, 40.2))
    events = [
        Event(id="a", type="shelling", place=place,
              when=TimeSpan(dt.date(2020, 9, 27), dt.date(2020, 9, 27), "day", text="on Sunday"),
              quote="q", sources=(Source(title="t", url="https://x.example/1"),), actors=("A",)),
        Event(id="b", type="ceasefire", place=region, when=None, quote="q2", sources=()),
    ]
    frame = events_frame(events)
    assert list(frame["id"]) == ["a", "b"]
    assert frame.iloc[0]["date_text"] == "on Sunday"
    assert frame.iloc[0]["sources"] == [{"title": "t", "url": "https://x.example/1"}]
    assert frame.geometry.iloc[1].geom_type == "Polygon"


@pytest.mark.slow
def test_100k_csv_reads_quickly(tmp_path: Path) -> None:
    n = 100_000
    rng = np.random.default_rng(1)
    table = pd.DataFrame({
        "id": [f"e{i}" for i in range(n)],
        "date_start": pd.date_range("2020-07-01", periods=n, freq="7min").strftime("%Y-%m-%d"),
        "event_type": rng.choice(list(EVENT_TYPES), n),
        "lat": rng.uniform(38.5, 42, n).round(5),
        "lon": rng.uniform(43.5, 48.5, n).round(5),
        "actors": "A; B",
        "quote": "Shelling was reported near the village overnight.",
        "sources": json.dumps([{"title": "t", "url": "https://news.example.org/a"}]),
    })
    path = tmp_path / "big.csv"
    table.to_csv(path, index=False)
    t0 = time.perf_counter()
    frame = read_events(path)
    elapsed = time.perf_counter() - t0
    assert len(frame) == n
    assert elapsed < 10, f"reading 100k events took {elapsed:.1f} s"


def test_geomap_events_csv_reads_back(tmp_path: Path) -> None:
    """`geomap build` writes an ACLED-like events.csv with extra columns; render reads it back."""
    from geomap.outputs import write_events

    frame = read_events(DATA / "events.geojson")
    write_events(frame, tmp_path / "events.csv")
    back = read_events(tmp_path / "events.csv")
    cols = ["id", "date_start", "date_end", "date_precision", "event_type", "place_name",
            "place_id", "place_kind", "country", "fatalities", "quote", "confidence"]
    assert back[cols].astype(str).values.tolist() == frame[cols].astype(str).values.tolist()
    assert list(back["actors"]) == list(frame["actors"])
    assert list(back["sources"]) == list(frame["sources"])
