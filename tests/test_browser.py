"""The HTML map in real Chromium: offline, counts, timeline, popups, hostile text.

Expected counts are computed here in Python from the fixture, independently of the page's code.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from browser_helpers import READY, Watched, browser_fixture, open_page_fixture  # noqa: F401
from matplotlib import image as mpimg

from geomap.render import read_events, write_map

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent / "data" / "events"
XSS_IDS = ["xss-1", "</script><script>window.__xss=1</script>", "xss-3"]
OpenPage = Callable[..., Watched]


@pytest.fixture(scope="module")
def fixture_frame() -> gpd.GeoDataFrame:
    return read_events(DATA / "events.geojson")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("maps")
    write_map(DATA / "events.geojson", root / "map.html", title="Fixture <events>",
              description="Invented events, 2020-2021")
    write_map(DATA / "xss.geojson", root / "xss.html", title="<script>window.__xss=1</script>")
    (root / "host.html").write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
        '<iframe id="f" src="map.html" width="800" height="600"></iframe></body></html>',
        encoding="utf-8")
    return {p.stem: p for p in root.iterdir()}


def expected(frame: gpd.GeoDataFrame, lo: str, hi: str, off: tuple[str, ...] = ()) -> dict[str, int]:
    """What the page must show for [lo, hi]: dated events overlapping it, undated always."""
    on = ~frame["event_type"].isin(off)
    undated = frame["date_start"].isna() & frame["date_end"].isna()
    starts = frame["date_start"].fillna("0000-00-00")
    ends = frame["date_end"].fillna("9999-99-99")
    in_range = ~undated & (starts <= hi) & (ends >= lo) & on
    shown = (in_range | (undated & on)).to_numpy()
    is_point = (frame.geometry.geom_type == "Point").to_numpy()
    shapes = {(g.wkb, t, u) for g, t, u, s, p in zip(
        frame.geometry, frame["event_type"], undated, shown, is_point, strict=True) if s and not p}
    return {"visible": int(in_range.sum()), "undated": int((undated & on).sum()),
            "drawnMarkers": int((shown & is_point).sum()), "drawnShapes": len(shapes)}


def popup_text(w: Watched) -> str:
    """Text of the open popup, once an older one has faded out."""
    w.page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-popup-content').length === 1")
    return str(w.page.inner_text(".leaflet-popup-content"))


def state(w: Watched) -> dict[str, Any]:
    return dict(w.page.evaluate("window.geomap.state()"))


def assert_clean(w: Watched, *allowed: Path) -> None:
    assert w.foreign_requests({p.as_uri() for p in allowed}) == []
    assert w.errors == []


def check_counts(w: Watched, frame: gpd.GeoDataFrame, lo: str, hi: str) -> None:
    s = state(w)
    assert (s["from"], s["to"]) == (lo, hi)
    want = expected(frame, lo, hi)
    assert {k: s[k] for k in want} == want
    count = w.page.inner_text(".gm-count")
    assert count.startswith(f"{want['visible']} of {len(frame) - want['undated']} events")


def test_offline_and_counts(open_page: OpenPage, pages: dict[str, Path],
                            fixture_frame: gpd.GeoDataFrame) -> None:
    w = open_page(pages["map"].as_uri())
    check_counts(w, fixture_frame, "2020-07-12", "2021-12-31")
    assert state(w)["total"] == 19
    assert w.page.inner_text("h1") == "Fixture <events>"
    assert w.page.locator("#gm-list .gm-item").count() == 19
    w.page.click("#gm-undated summary")
    assert w.page.inner_text("#gm-undated summary") == "Undated events ⚑ (1)"
    assert "Jermuk" in w.page.inner_text("#gm-undated-list .gm-item")
    assert "undated" in w.page.inner_text(".gm-count")
    assert_clean(w, pages["map"])


def test_in_an_iframe(open_page: OpenPage, pages: dict[str, Path]) -> None:
    w = open_page(pages["host"].as_uri(), wait=False)
    frame = w.page.wait_for_selector("#f").content_frame()
    assert frame is not None
    frame.wait_for_function(READY, timeout=20_000)
    s = frame.evaluate("window.geomap.state()")
    assert (s["visible"], s["drawnMarkers"], s["drawnShapes"]) == (19, 12, 5)
    size = frame.evaluate("[document.body.clientWidth, document.body.clientHeight]")
    assert size == [800, 600] or (abs(size[0] - 800) < 30 and abs(size[1] - 600) < 30)
    assert_clean(w, pages["host"], pages["map"])


def test_range_by_url_and_keyboard(open_page: OpenPage, pages: dict[str, Path],
                                   fixture_frame: gpd.GeoDataFrame) -> None:
    w = open_page(pages["map"].as_uri() + "#from=2020-09-20&to=2020-10-10&mode=window")
    check_counts(w, fixture_frame, "2020-09-20", "2020-10-10")
    page = w.page
    page.focus(".gm-to")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.geomap.state().to === '2020-10-17'")
    check_counts(w, fixture_frame, "2020-09-20", "2020-10-17")
    page.focus(".gm-from")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => window.geomap.state().from === '2020-09-17'")
    check_counts(w, fixture_frame, "2020-09-17", "2020-10-17")
    assert page.get_attribute(".gm-from", "aria-valuetext") == "17 Sep 2020"
    page.focus(".gm-to")
    page.keyboard.press("End")
    page.wait_for_function("() => window.geomap.state().to === '2021-12-31'")
    check_counts(w, fixture_frame, "2020-09-17", "2021-12-31")
    page.evaluate("location.hash = '#from=2021-05-01&to=2021-05-31'")
    page.wait_for_function("() => window.geomap.state().from === '2021-05-01'")
    check_counts(w, fixture_frame, "2021-05-01", "2021-05-31")
    assert_clean(w, pages["map"])


def test_hash_round_trips(open_page: OpenPage, pages: dict[str, Path],
                          fixture_frame: gpd.GeoDataFrame) -> None:
    w = open_page(pages["map"].as_uri())
    page = w.page
    page.focus(".gm-from")
    page.keyboard.press("PageUp")  # a tenth of the span
    page.focus(".gm-mode")
    page.select_option(".gm-mode", "cumulative")
    page.wait_for_function("() => location.hash.includes('mode=cumulative')")
    s = state(w)
    assert s["from"] > "2020-07-12"
    assert page.evaluate("location.hash") == f"#from={s['from']}&to={s['to']}&mode=cumulative"
    page.reload()
    page.wait_for_function(READY)
    again = state(w)
    assert {k: again[k] for k in ("from", "to", "mode", "visible")} == {
        k: s[k] for k in ("from", "to", "mode", "visible")}
    check_counts(w, fixture_frame, s["from"], s["to"])
    assert_clean(w, pages["map"])


def test_play_moves_the_range(open_page: OpenPage, pages: dict[str, Path]) -> None:
    w = open_page(pages["map"].as_uri() + "#from=2020-07-12&to=2020-07-31")
    page = w.page
    page.select_option(".gm-speed", "91")
    page.click(".gm-play")
    page.wait_for_function("() => window.geomap.state().from > '2020-08-15'")
    page.click(".gm-play")
    s = state(w)
    assert not s["playing"]
    days = np.datetime64(s["to"]) - np.datetime64(s["from"])
    assert days == np.timedelta64(19, "D")  # the window keeps its width
    page.select_option(".gm-mode", "cumulative")
    page.evaluate("window.geomap.setRange('2020-09-01', '2020-09-10')")
    page.click(".gm-play")
    page.wait_for_function("() => window.geomap.state().to > '2020-10-15'")
    page.evaluate("window.geomap.pause()")
    assert state(w)["from"] == "2020-09-01"  # cumulative: the start stays
    assert page.get_attribute(".gm-play", "aria-pressed") == "false"
    assert_clean(w, pages["map"])


def test_popups_show_quote_and_sources(open_page: OpenPage, pages: dict[str, Path]) -> None:
    w = open_page(pages["map"].as_uri())
    page = w.page
    # click the Kapan marker on the canvas
    x, y = page.evaluate("""() => {
        const p = map_geomap.latLngToContainerPoint([39.208, 46.405]);
        const r = map_geomap.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""")
    page.mouse.click(x, y)
    text = popup_text(w)
    assert "The heaviest fighting since the truce" in text
    assert "16 Nov 2021 (day)" in text and "Fatalities" in text
    link = page.locator(".leaflet-popup-content a")
    assert link.get_attribute("href") == "https://news.example.org/caucasus/18"
    assert link.inner_text() == "Heaviest fighting since the truce"
    # the list beside the map opens an event's popup
    page.locator("#gm-list .gm-item", has_text="Syunik").first.click()
    page.wait_for_function("() => window.geomap.state().popup[0] === 'ev-09'")
    text = popup_text(w)
    assert "Oct 2020 (month)" in text
    assert "province: 'Syunik province' beats the village" in text
    assert_clean(w, pages["map"])


def test_type_toggle(open_page: OpenPage, pages: dict[str, Path],
                     fixture_frame: gpd.GeoDataFrame) -> None:
    w = open_page(pages["map"].as_uri())
    w.page.uncheck('.gm-legend input[data-type="armed_clash"]')
    w.page.wait_for_function("() => window.geomap.state().visible < 19")
    s = state(w)
    want = expected(fixture_frame, "2020-07-12", "2021-12-31", off=("armed_clash",))
    assert {k: s[k] for k in want} == want
    assert "off=armed_clash" in w.page.evaluate(
        "new Promise(r => setTimeout(() => r(location.hash), 150))")
    assert_clean(w, pages["map"])


def test_hostile_text_runs_nothing(open_page: OpenPage, pages: dict[str, Path]) -> None:
    w = open_page(pages["xss"].as_uri(), init_script="window.__xss = 0;")
    page = w.page
    for ident in XSS_IDS:
        assert page.evaluate("id => window.geomap.openEvent(id)", ident)
        text = popup_text(w)
        assert "window.__xss=1" in text  # shown as text
        hrefs = page.eval_on_selector_all(".leaflet-popup-content a", "as => as.map(a => a.href)")
        assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    page.click("#gm-undated summary")
    for row in page.locator("#gm-list .gm-item, #gm-undated-list .gm-item").all():
        row.click()
        popup_text(w)
    assert page.evaluate("window.__xss") == 0
    assert page.query_selector('img[src="x"]') is None
    assert page.query_selector("img[onerror]") is None
    assert page.inner_text("h1") == "<script>window.__xss=1</script>"
    assert_clean(w, pages["xss"])


def test_screenshot_is_not_blank(open_page: OpenPage, pages: dict[str, Path]) -> None:
    w = open_page(pages["map"].as_uri())
    png = w.page.screenshot()
    img = mpimg.imread(io.BytesIO(png), format="png")
    rgb = (img[:, :, :3] * 255).astype(np.uint8).reshape(-1, 3)
    colours, counts = np.unique(rgb, axis=0, return_counts=True)
    assert len(colours) > 200
    assert counts.max() / len(rgb) < 0.6  # no single colour covers the page
    vermillion = (np.abs(rgb.astype(int) - [0xD5, 0x5E, 0x00]).sum(axis=1) < 30).sum()
    assert vermillion > 30  # armed clashes are drawn
    assert_clean(w, pages["map"])
