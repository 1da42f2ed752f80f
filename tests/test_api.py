"""The public Python API: geomap.__all__, gazetteer.__all__, geoparse, resolve_spans, extract_events,
and the gazetteer-only recogniser."""

from __future__ import annotations

import datetime as dt
import importlib
import types
from pathlib import Path

import geopandas as gpd
import pytest

import gazetteer
import geomap
from gazetteer import Place
from geomap.pipeline import Geoparser, GeoparserConfig

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data" / "pipeline"


# --------------------------------------------------------------------------- exported names


@pytest.mark.parametrize("module", [geomap, gazetteer], ids=["geomap", "gazetteer"])
def test_all_is_sorted_unique_and_importable(module: types.ModuleType) -> None:
    names = module.__all__
    assert names == sorted(names)
    assert len(names) == len(set(names))
    fresh = importlib.import_module(module.__name__)
    for name in names:
        assert getattr(fresh, name) is not None, name
        exec(f"from {module.__name__} import {name}", {})  # noqa: S102 - the import statement itself


@pytest.mark.parametrize("module", [geomap, gazetteer], ids=["geomap", "gazetteer"])
def test_public_members_are_exported(module: types.ModuleType) -> None:
    # as httpx's tests/test_exported_members.py: what the package defines publicly is in __all__
    public = {
        name for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
        and str(getattr(value, "__module__", "") or "").split(".")[0] == module.__name__
    }
    assert public <= set(module.__all__), sorted(public - set(module.__all__))


def test_error_hierarchy() -> None:
    assert issubclass(geomap.InputError, geomap.GeomapError) and issubclass(geomap.InputError, ValueError)
    assert issubclass(geomap.ModelUnavailable, ImportError)
    assert issubclass(geomap.RenderError, RuntimeError)


# --------------------------------------------------------------------------- geoparse

TEXT = "Clashes near Goris and Ganja on 3 May 2021 killed two soldiers, the ministry said."


@pytest.fixture(scope="module")
def doc() -> geomap.Document:
    return geomap.geoparse(TEXT, published=dt.date(2021, 5, 4))


def test_geoparse_returns_a_document(doc: geomap.Document) -> None:
    assert isinstance(doc, geomap.Document)
    assert doc.text == TEXT and doc.published == dt.date(2021, 5, 4)
    assert doc.recogniser == "spacy+gazetteer"
    names = {m.place.name for m in doc.toponyms if m.place is not None}
    assert {"Goris", "Ganja"} <= names
    for m in doc.toponyms:
        assert TEXT[m.char_start:m.char_end] == m.text
    [when] = doc.dates
    assert (when.start, when.end, when.precision) == (dt.date(2021, 5, 3), dt.date(2021, 5, 3), "day")
    assert TEXT[when.char_start:when.char_end] == "3 May 2021"
    [ev] = doc.events
    assert isinstance(ev, geomap.Event)
    assert (ev.type, ev.place.name) == ("armed_clash", "Goris")  # fatalities: see test_events (xfail)
    assert ev.quote == TEXT


def test_geoparse_relative_dates_need_the_publication_date() -> None:
    text = "Fighting erupted near the town of Goris on Tuesday."
    dated = geomap.geoparse(text, published=dt.date(2021, 11, 17))
    assert [(d.start, d.precision) for d in dated.dates] == [(dt.date(2021, 11, 16), "day")]
    undated = geomap.geoparse(text)
    assert undated.published is None
    assert all(d.start is None for d in undated.dates)


@pytest.mark.parametrize("text", ["", "   \n\n", "no capital letters and nothing happening"])
def test_geoparse_empty_or_placeless_text(text: str) -> None:
    got = geomap.geoparse(text, published=dt.date(2021, 1, 1))
    assert (got.toponyms, got.events) == ((), ())


@pytest.mark.parametrize("bad", [b"Goris", None, 42])
def test_geoparse_rejects_non_text(bad: object) -> None:
    with pytest.raises(geomap.InputError, match="expects text"):
        geomap.geoparse(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- resolve_spans


def test_resolve_spans_resolves_only_the_given_spans() -> None:
    text = "Clashes near Goris and Ganja on 3 May 2021."
    goris = (text.index("Goris"), text.index("Goris") + 5)
    [place] = geomap.resolve_spans(text, [goris])
    assert isinstance(place, Place)
    assert (place.name, place.country) == ("Goris", "AM")
    assert geomap.resolve_spans(text, []) == []
    ganja = (text.index("Ganja"), text.index("Ganja") + 5)
    got = geomap.resolve_spans(text, [ganja, goris])
    assert [p.name if p else None for p in got] == ["Ganja", "Goris"]  # in the order given


def test_resolve_spans_unknown_name_is_none() -> None:
    text = "Fighting near Qwzxvbn was reported."
    start = text.index("Qwzxvbn")
    assert geomap.resolve_spans(text, [(start, start + 7)]) == [None]


# --------------------------------------------------------------------------- extract_events


def test_extract_events_from_paths_is_a_wgs84_geodataframe() -> None:
    frame = geomap.extract_events([DATA / "no_dates.txt", DATA / "markup.txt"], date=dt.date(2021, 4, 12))
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert {"Goris", "Yerevan"} <= set(frame["place_name"])
    assert frame.geometry.notna().all()
    sources = {Path(s["file"]).name for row in frame["sources"] for s in row}
    assert sources == {"no_dates.txt", "markup.txt"}


def test_extract_events_accepts_a_single_path_and_plain_text() -> None:
    one = geomap.extract_events(str(DATA / "markup.txt"))
    assert list(one["event_type"]) == ["protest"]
    text = geomap.extract_events(["Shelling hit the town of Goris overnight on 3 May 2021."], date=dt.date(2021, 5, 4))
    assert list(text["place_name"]) == ["Goris"]
    assert text.crs is not None and text.crs.to_epsg() == 4326


def test_extract_events_with_nothing_found_is_an_empty_frame() -> None:
    frame = geomap.extract_events([DATA / "no_places.txt"])
    assert isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0
    assert frame.crs is not None and frame.crs.to_epsg() == 4326


# --------------------------------------------------------------------------- gazetteer-only


@pytest.fixture(scope="module")
def gazetteer_only() -> Geoparser:
    return Geoparser(GeoparserConfig(use_spacy=False))


def test_gazetteer_only_geoparser_says_so(gazetteer_only: Geoparser) -> None:
    assert gazetteer_only.mode == "gazetteer-only"
    got = gazetteer_only.geoparse(TEXT, published=dt.date(2021, 5, 4))
    assert got.recogniser == "gazetteer-only"
    assert {"Goris", "Ganja"} <= {m.place.name for m in got.toponyms if m.place is not None}
    assert [(e.type, e.place.name) for e in got.events] == [("armed_clash", "Goris")]


def test_gazetteer_only_extract_reports_it(gazetteer_only: Geoparser) -> None:
    events, docs, report = gazetteer_only.extract([DATA / "markup.txt"])
    assert [d.recogniser for d in docs] == ["gazetteer-only"]
    assert any("gazetteer-only" in note for note in report.notes)
    assert any("gazetteer-only" in line for line in report.lines())
    assert [e.type for e in events] == ["protest"]


def test_gazetteer_only_resolve_spans(gazetteer_only: Geoparser) -> None:
    text = "Clashes near Goris and Ganja on 3 May 2021."
    start = text.index("Ganja")
    [place] = gazetteer_only.resolve_spans(text, [(start, start + 5)])
    assert place is not None and place.name == "Ganja"


def test_default_geoparser_is_shared() -> None:
    assert geomap.default_geoparser() is geomap.default_geoparser()
    assert geomap.default_geoparser().config == GeoparserConfig()
