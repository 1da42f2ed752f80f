"""Measure the HTML map at 1k, 10k and 100k events in headless Chromium.

    python benchmarks/bench_map.py            # 1k, 10k, 100k
    python benchmarks/bench_map.py --quick    # 1k, 10k

For each size: HTML size and bytes per event beyond a fixed overhead; time to first render
(navigation start to the page's ready flag, median of fresh page loads); time per range change
(median of many, measured in the page with performance.now(): the synchronous filter + redraw
work, and the time until the next frame has been produced); and folium's TimestampedGeoJson on
the same events. Synthetic events: one day each, 2020-07-01 … 2021-12-31, uniformly over the
Caucasus, short popups, sources drawn from a pool of articles, fixed seed.

TimestampedGeoJson loads jQuery, jQuery UI, leaflet-timedimension, iso8601-js-period and moment
from CDNs; no installed Python package ships those files, so here it can only be measured with
its requests blocked (Leaflet itself is served from xstatic). Its full numbers, measured with
local copies, are in shared/MAP-ANCHOR.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geomap.model import EVENT_TYPES
from geomap.render import render_map
from geomap.render.events_io import normalise

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter"]
FIRST_DAY, LAST_DAY = dt.date(2020, 7, 1), dt.date(2021, 12, 31)
BBOX = (43.5, 38.5, 48.5, 42.0)  # the Caucasus: minx, miny, maxx, maxy
WORDS = ["shelling", "reported", "near", "the", "village", "overnight,", "residents", "fled", "to", "shelters;", "officials", "said", "clashes", "continued", "along", "the", "line", "of", "contact", "with", "casualties"]


def synthetic(n: int, seed: int = 7) -> gpd.GeoDataFrame:
    """n point events in the schema, deterministic."""
    rng = np.random.default_rng(seed)
    days = (LAST_DAY - FIRST_DAY).days + 1
    start = [(FIRST_DAY + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, days, n)]
    lon = rng.uniform(BBOX[0], BBOX[2], n).round(5)
    lat = rng.uniform(BBOX[1], BBOX[3], n).round(5)
    n_places = max(50, n // 20)
    n_articles = max(20, n // 50)
    place = rng.integers(0, n_places, n)
    article = rng.integers(0, n_articles, n)
    types = rng.integers(0, len(EVENT_TYPES), n)
    fat = rng.integers(-8, 12, n)
    quote_len = rng.integers(6, 12, n)
    word_ix = rng.integers(0, len(WORDS), (n, 12))
    table = pd.DataFrame({
        "id": [f"ev-{i:06d}" for i in range(n)],
        "date_start": start,
        "date_end": start,
        "date_precision": "day",
        "date_text": ["on Sunday"] * n,
        "date_note": [""] * n,
        "event_type": [EVENT_TYPES[t] for t in types],
        "place_name": [f"Place {p}" for p in place],
        "place_id": [f"gn:{100000 + p}" for p in place],
        "place_kind": "city",
        "country": ["AZ" if x > 46 else "AM" for x in lon],
        "resolution": "GeoNames city, exact name",
        "actors": [["Armenian forces", "Azerbaijani forces"][: 1 + (i % 2)] for i in range(n)],
        "fatalities": [int(f) if f >= 0 else None for f in fat],
        "quote": [" ".join(WORDS[k] for k in word_ix[i, : quote_len[i]]).capitalize() + "."
                  for i in range(n)],
        "sources": [[{"title": f"Report {a}", "url": f"https://news.example.org/a/{a}",
                      "publisher": "Example News"}] for a in article],
        "confidence": 0.8,
        "lat": lat,
        "lon": lon,
    })
    return normalise(table, list(shapely.points(np.column_stack([lon, lat]))), name="synthetic")


def timestamped(frame: gpd.GeoDataFrame) -> str:
    """folium's TimestampedGeoJson page for the same events (pins, a short popup each)."""
    import folium
    from folium.plugins import TimestampedGeoJson

    feats = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lo, la]},
        "properties": {"time": d, "popup": q},
    } for lo, la, d, q in zip(frame["lon"], frame["lat"], frame["date_start"], frame["quote"],
                              strict=True)]
    m = folium.Map(location=[40.2, 46.0], zoom_start=7)
    TimestampedGeoJson({"type": "FeatureCollection", "features": feats}, period="P1D",
                       add_last_point=False, duration="P1D").add_to(m)
    return str(m.get_root().render())


def launch(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)


MEASURE_JS = """async (ranges) => {
  const g = window.geomap, sync = [], frame = [];
  const nextFrame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  await nextFrame();
  const idle = [];  // the same wait with nothing changed: the page's own frame cost
  for (let k = 0; k < 8; k++) { const t = performance.now(); await nextFrame(); idle.push(performance.now() - t); }
  for (const [a, b] of ranges) {
    const t0 = performance.now();
    g.setRange(a, b);
    const t1 = performance.now();
    await nextFrame();
    sync.push(t1 - t0);
    frame.push(performance.now() - t0);
  }
  return {sync, frame, idle, state: g.state()};
}"""


def ranges(seed: int = 3) -> list[tuple[str, str]]:
    """Range changes a user makes: drag a 30-day window, jump, widen to everything."""
    rng = np.random.default_rng(seed)
    out = []
    days = (LAST_DAY - FIRST_DAY).days
    for _ in range(8):  # window moves by a week
        a = int(rng.integers(0, days - 37))
        out.append((a, a + 30))
        out.append((a + 7, a + 37))
    for _ in range(4):  # big jumps
        a = int(rng.integers(0, days // 2))
        out.append((a, a + int(rng.integers(60, days // 2))))
    out.append((0, days))
    out.append((days // 2, days // 2 + 30))
    return [((FIRST_DAY + dt.timedelta(days=a)).isoformat(),
             (FIRST_DAY + dt.timedelta(days=b)).isoformat()) for a, b in out]


def measure_geomap(browser: Any, path: Path, loads: int) -> dict[str, Any]:
    ready = []
    result: dict[str, Any] = {}
    for k in range(loads):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        def on_error(err: Any, errors: list[str] = errors) -> None:
            errors.append(str(err))

        page.on("pageerror", on_error)
        page.goto(path.as_uri(), wait_until="commit", timeout=120_000)
        page.wait_for_function("window.geomap && window.geomap.ready", timeout=120_000, polling=20)
        ready.append(page.evaluate("window.geomap.readyAt"))
        if k == loads - 1:
            res = page.evaluate(MEASURE_JS, ranges())
            page.evaluate("window.geomap.setRange('2021-03-01', '2021-03-31')")
            page.focus(".gm-to")
            slider = []
            for _ in range(15):  # keyboard on the slider: one day per key press
                before = page.evaluate("window.geomap.state().to")
                page.keyboard.press("ArrowRight")
                page.wait_for_function("b => window.geomap.state().to !== b", arg=before,
                                       polling="raf")
                slider.append(page.evaluate("window.geomap.state().lastUpdateMs"))
            result.update(sync=res["sync"], frame=res["frame"], idle=res["idle"], slider=slider)
        if errors:
            raise RuntimeError(f"page errors: {errors[:3]}")
        page.close()
    result["ready"] = ready
    return result


def measure_timestamped(browser: Any, path: Path) -> dict[str, Any]:
    """Load folium's page with CDN requests blocked except Leaflet, served from xstatic."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    served, blocked = [], []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
        elif url.endswith("leaflet@1.9.3/dist/leaflet.js"):
            served.append(url)
            r.fulfill(path=str(base / "leaflet.js"), content_type="application/javascript")
        elif url.endswith("leaflet@1.9.3/dist/leaflet.css"):
            served.append(url)
            r.fulfill(path=str(base / "leaflet.css"), content_type="text/css")
        else:
            blocked.append(url)
            r.abort()

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load", timeout=120_000)
    load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    page.close()
    return {"load": load, "served": len(served), "blocked": len(blocked), "errors": errors[:2]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1k and 10k only")
    ap.add_argument("--loads", type=int, default=3, help="fresh page loads per size")
    ap.add_argument("--sizes", type=lambda t: [int(x) for x in t.split(",")],
                    help="comma-separated event counts instead of the defaults")
    args = ap.parse_args(argv)
    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="geomap-bench-"))
    small = synthetic(10, seed=1)
    base_path = tmp / "base.html"
    base_path.write_text(render_map(small).get_root().render(), encoding="utf-8")
    base_size = base_path.stat().st_size
    rows = []
    with sync_playwright() as pw:
        browser = launch(pw)
        for n in sizes:
            frame = synthetic(n)
            t0 = time.perf_counter()
            html = render_map(frame).get_root().render()
            py_s = time.perf_counter() - t0
            path = tmp / f"geomap-{n}.html"
            path.write_text(html, encoding="utf-8")
            size = path.stat().st_size
            g = measure_geomap(browser, path, args.loads)
            ts_html = timestamped(frame)
            ts_path = tmp / f"timestamped-{n}.html"
            ts_path.write_text(ts_html, encoding="utf-8")
            ts = measure_timestamped(browser, ts_path)
            rows.append({
                "n": n, "size": size, "bpe": (size - base_size) / (n - 10), "py": py_s,
                "ready": statistics.median(g["ready"]),
                "sync": statistics.median(g["sync"]), "sync_max": max(g["sync"]),
                "frame": statistics.median(g["frame"]), "idle": statistics.median(g["idle"]),
                "slider": statistics.median(g["slider"]),
                "ts_size": ts_path.stat().st_size, "ts_load": ts["load"], "ts": ts,
            })
            print(f"measured {n:,}", file=sys.stderr)
        browser.close()

    print(f"\nFixed overhead (10-event page, same basemap): {base_size / 1e3:.0f} kB\n")
    print("| events | HTML MB | bytes/event | Python render | first render | range change "
          "(JS, median / max) | range change to next frame (idle frame) | slider key press |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | {r['size'] / 1e6:.2f} | {r['bpe']:.0f} | {r['py']:.2f} s | "
              f"{r['ready'] / 1000:.2f} s | {r['sync']:.1f} / {r['sync_max']:.1f} ms | "
              f"{r['frame']:.1f} ms ({r['idle']:.1f} ms) | {r['slider']:.1f} ms |")
    print("\nfolium TimestampedGeoJson, same events (its CDN plugins blocked: not in any "
          "installed Python package; Leaflet served from xstatic):\n")
    print("| events | HTML MB | bytes/event | load event, plugins blocked | what ran |")
    print("|---|---|---|---|---|")
    for r in rows:
        ts = r["ts"]
        ran = f"{ts['blocked']} requests blocked; page error: {ts['errors'][0][:60] if ts['errors'] else 'none'}"
        print(f"| {r['n']:,} | {r['ts_size'] / 1e6:.2f} | {r['ts_size'] / r['n']:.0f} | "
              f"{r['ts_load'] / 1000:.2f} s | {ran} |")
    print("\nAnchor with the plugins served locally (shared/MAP-ANCHOR.md): first render 0.48 / 0.77 / "
          "2.3 s and one time step 110 ms / 18 s / > 120 s at 1k / 10k / 100k.")
    json.dump(rows, (tmp / "results.json").open("w"), default=str, indent=1)


if __name__ == "__main__":
    main()
