"""The HTML map: offline, deterministic, compact, and never executing article text."""

from __future__ import annotations

import copy
import json
import re
import warnings
from pathlib import Path

import folium
import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape as markup_escape

import geomap.render
from geomap.errors import InputError
from geomap.render import read_events, render_cli, render_map, write_map
from geomap.render.payload import script_json

DATA = Path(__file__).parent / "data" / "events"
NO_BOUNDARIES = Path(__file__).parent / "data" / "events" / "no-boundaries"  # missing on purpose
DATA_BLOCK = re.compile(r'<script type="application/json" id="geomap-data">(.*?)</script>', re.DOTALL)


def _html(events: object, **kw: object) -> str:
    return str(render_map(events, **kw).get_root().render())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fixture_html() -> str:
    return _html(DATA / "events.geojson", title="Fixture", description="Twenty invented events.")


def test_all_is_sorted_and_complete() -> None:
    assert geomap.render.__all__ == sorted(geomap.render.__all__)
    public = {n for n in dir(geomap.render) if not n.startswith("_")} - {
        "acled", "basemap", "command", "events_io", "html", "payload", "schema", "static_image",
        "style"}
    assert public == set(geomap.render.__all__)


def test_page_is_self_contained(fixture_html: str) -> None:
    html = fixture_html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrap", "fontawesome",
                "netdna", "sourceMappingURL", "url(images/"):
        assert cdn not in html, cdn
    assert "L.version" in html or 't.version="1.9.3"' in html  # Leaflet is inlined
    assert "Places: GeoNames (CC-BY 4.0) · Boundaries: Natural Earth" in html
    assert '<link rel="icon" href="data:,">' in html  # no favicon request


def test_folium_class_attributes_are_untouched() -> None:
    before = (copy.deepcopy(folium.Map.default_js), copy.deepcopy(folium.Map.default_css))
    _html(DATA / "events.geojson", boundaries=NO_BOUNDARIES)
    assert (folium.Map.default_js, folium.Map.default_css) == before
    assert len(folium.Map.default_js) == 4  # a plain folium map still gets its CDN links
    plain = folium.Map(tiles=None).get_root().render()
    assert "code.jquery.com" in plain


def test_output_is_deterministic(fixture_html: str) -> None:
    again = _html(DATA / "events.geojson", title="Fixture", description="Twenty invented events.")
    assert again == fixture_html
    assert not re.search(r"[0-9a-f]{32}", fixture_html)  # no folium random ids
    assert "map_geomap" in fixture_html


def test_same_events_in_any_format_give_the_same_data() -> None:
    blocks = {DATA_BLOCK.search(_html(DATA / f, boundaries=NO_BOUNDARIES))[1]  # type: ignore[index]
              for f in ("events.geojson", "events.csv")}
    assert len(blocks) == 1


def test_header_escapes_title_and_description() -> None:
    html = _html(DATA / "events.geojson", title="<b>T</b> & co", description="<i>d</i>",
                 boundaries=NO_BOUNDARIES)
    assert "&lt;b&gt;T&lt;/b&gt; &amp; co" in html
    assert "<b>T</b>" not in html and "<i>d</i>" not in html


def test_size(fixture_html: str) -> None:
    assert "width: 100%; height: 100%" in fixture_html
    fixed = _html(DATA / "events.geojson", width=800, height="600px", boundaries=NO_BOUNDARIES)
    assert "body { width: 800px; height: 600px; }" in fixed
    with pytest.raises(InputError, match="not a size"):
        _html(DATA / "events.geojson", width="80px; background: url(x)")


def test_data_block_is_compact_and_parses(fixture_html: str) -> None:
    block = DATA_BLOCK.search(fixture_html)[1]  # type: ignore[index]
    assert "</" not in block and "<!--" not in block
    data = json.loads(block)
    assert data["n"] == 20 and data["nd"] == 19
    assert data["ip"] == "ev-" and data["id"][:2] == ["01", "02"]
    assert len(data["G"]) == 3  # Nagorno-Karabakh, Syunik, the Lachin corridor, stored once


def test_bytes_per_event_beyond_overhead() -> None:
    frame = read_events(DATA / "events.geojson")
    points = frame[frame.geometry.geom_type == "Point"].iloc[:1]
    many = gpd.GeoDataFrame(
        [points.iloc[0]] * 2000, geometry="geometry", crs="EPSG:4326").reset_index(drop=True)
    many["id"] = [f"ev-{i:05d}" for i in range(len(many))]
    many["date_start"] = many["date_end"] = [
        f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(len(many))]
    many["quote"] = [f"Shelling hit the village {i} overnight, officials said." for i in range(len(many))]
    many["lat"] = [39 + (i % 997) / 1000 for i in range(len(many))]
    many["lon"] = [45 + (i % 991) / 1000 for i in range(len(many))]
    many = many.set_geometry(gpd.points_from_xy(many["lon"], many["lat"]), crs="EPSG:4326")
    one = len(_html(many.iloc[:10], boundaries=NO_BOUNDARIES).encode())
    all_ = len(_html(many, boundaries=NO_BOUNDARIES).encode())
    per_event = (all_ - one) / (len(many) - 10)
    assert per_event <= 200, per_event


def test_tiles_are_opt_in() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        html = _html(DATA / "events.geojson", tiles="OpenStreetMap.Mapnik")
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html
    assert 'id="geomap-basemap"' not in html
    with pytest.raises(InputError, match="unknown tiles 'Nowhere.Tiles'"):
        _html(DATA / "events.geojson", tiles="Nowhere.Tiles")


def test_empty_frame_is_an_input_error() -> None:
    frame = read_events(DATA / "events.geojson").iloc[:0]
    with pytest.raises(InputError, match="no event can be drawn"):
        _html(frame)


def test_render_cli(tmp_path: Path) -> None:
    problems = render_cli(DATA / "events.csv", tmp_path / "map.html", facet="month",
                          title="t", width=800, height=600)
    assert (tmp_path / "map.html").stat().st_size > 100_000
    assert problems[-1] == "--facet month applies to images only; ignored for HTML"
    assert "no date; drawn outside the timeline" in problems[0]
    problems = render_cli(DATA / "events.csv", tmp_path / "map.png", description="d")
    assert problems[-1] == "--description apply to HTML only; ignored for .png"
    with pytest.raises(InputError, match="expected a file ending in .html"):
        render_cli(DATA / "events.csv", tmp_path / "map.docx")
    bad = tmp_path / "none.csv"
    bad.write_text("lat,lon,id\n,,a\n")
    with pytest.raises(InputError, match="no event has usable coordinates"):
        render_cli(bad, tmp_path / "x.html")


def test_notebook_repr() -> None:
    m = render_map(DATA / "events.geojson", boundaries=NO_BOUNDARIES)
    assert "srcdoc=" in m._repr_html_()


def test_write_map_returns_path(tmp_path: Path) -> None:
    out = write_map(DATA / "acled.csv", tmp_path / "sub" / "acled.html", boundaries=NO_BOUNDARIES)
    assert out.is_file() and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


HOSTILE = st.text(
    alphabet=st.sampled_from(list("<>/&\"'`=!-{}%# \u2028\u2029\\scriptimgonerr:() \n") + ["é", "\x00"]),
    min_size=1, max_size=40,
) | st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</script><script>x</script>",
    "<!--", "{{ 7*7 }}", "{% if 1 %}x{% endif %}", "]]>", "</SCRIPT >", "\u2028</script\u2029",
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE)
def test_article_text_never_reaches_the_page_unescaped(text: str) -> None:
    frame = read_events(DATA / "xss.geojson").iloc[:1].copy()
    frame["quote"] = [text]
    frame["place_name"] = [text]
    frame["actors"] = [[text]]
    frame["sources"] = [[{"title": text, "url": text, "publisher": text}]]
    frame["date_text"] = [text]
    html = _html(frame, boundaries=NO_BOUNDARIES, title=text, description=text)
    match = DATA_BLOCK.search(html)
    assert match is not None
    block = match[1]
    assert "</" not in block and "<!--" not in block and "<script" not in block.lower()
    outside = html[: match.start(1)] + html[match.end(1):]
    if "<" in text:
        # the page's own markup holds "<" and the like: the text must not appear more often than
        # it does in the same page made from harmless text
        plain = frame.copy()
        for col in ("quote", "place_name", "date_text"):
            plain[col] = ["plain"]
        plain["actors"] = [["plain"]]
        plain["sources"] = [[{"title": "plain", "url": "plain", "publisher": "plain"}]]
        base = _html(plain, boundaries=NO_BOUNDARIES, title="plain", description="plain")
        bm = DATA_BLOCK.search(base)
        assert bm is not None
        base_outside = base[: bm.start(1)] + base[bm.end(1):]
        assert outside.count(text) <= base_outside.count(text)
    if "{{" in text or "{%" in text:  # shown as typed, never evaluated as a template
        assert f"<h1>{markup_escape(text)}</h1>" in outside
    data = json.loads(block)
    assert text in data["q"] or text.strip() in data["q"] or text in data["S"]
    assert json.loads(script_json({"s": text}))["s"] == text
