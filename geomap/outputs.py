"""Writing events: GeoJSON (RFC 7946), CSV with ACLED-like columns, GeoPackage, GeoParquet; and the report."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from .errors import InputError
from .events import ACLED_TYPES
from .model import Document, Event
from .pipeline import Report

FORMATS = (".geojson", ".json", ".csv", ".gpkg", ".parquet")


def events_to_frame(events: Sequence[Event]) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) of events in the project schema, sorted and with stable ids."""
    from .render.events_io import events_frame

    if not events:
        return gpd.GeoDataFrame(
            {"id": pd.Series([], dtype=str)}, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326"
        )
    frame = events_frame(events)
    notes = {ev.id: ev.place_note for ev in events}
    frame["resolution"] = [
        f"{r}; {notes[i]}" if notes.get(i) else r for i, r in zip(frame["id"], frame["resolution"], strict=True)
    ]
    return frame


CSV_COLUMNS = (
    "event_id", "event_date", "event_date_end", "year", "time_precision", "date_precision", "event_type",
    "sub_event_type", "geomap_type", "actor1", "actor2", "actors", "country", "location", "place_id",
    "place_kind", "latitude", "longitude", "geo_precision", "source", "sources", "notes", "fatalities",
    "confidence", "resolution", "date_note",
)


def acled_columns(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The events as an ACLED-like table (plus geomap's own columns)."""
    rows: list[dict[str, Any]] = []
    for rec in frame.to_dict("records"):
        etype, sub = ACLED_TYPES.get(rec["event_type"], ACLED_TYPES["other"])
        actors = list(rec.get("actors") or [])
        sources = rec.get("sources") or []
        kind = rec.get("place_kind")
        rows.append({
            "event_id": rec["id"],
            "event_date": rec.get("date_start") or "",
            "event_date_end": rec.get("date_end") or "",
            "year": (rec.get("date_start") or "")[:4],
            "time_precision": {"day": 1, "interval": 2, "month": 2, "year": 3}.get(rec.get("date_precision") or "", ""),
            "date_precision": rec.get("date_precision") or "",
            "event_type": etype,
            "sub_event_type": sub,
            "geomap_type": rec["event_type"],
            "actor1": actors[0] if actors else "",
            "actor2": actors[1] if len(actors) > 1 else "",
            "actors": "; ".join(actors),
            "country": rec.get("country") or "",
            "location": rec.get("place_name") or "",
            "place_id": rec.get("place_id") or "",
            "place_kind": kind or "",
            "latitude": rec.get("lat"),
            "longitude": rec.get("lon"),
            "geo_precision": 1 if kind in ("city", "corridor", "feature") else 2 if kind in ("admin2", "admin1") else 3,
            "source": "; ".join(s.get("publisher") or s.get("title") or s.get("file") or "" for s in sources),
            "sources": json.dumps(sources, ensure_ascii=False),
            "notes": rec.get("quote") or "",
            "fatalities": rec.get("fatalities") if rec.get("fatalities") is not None else "",
            "confidence": rec.get("confidence"),
            "resolution": rec.get("resolution") or "",
            "date_note": rec.get("date_note") or "",
        })
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS))


def check_output(path: str | os.PathLike[str]) -> Path:
    """The output path, if its suffix is one geomap writes (checked before any work is done)."""
    out = Path(path)
    if out.suffix.lower() not in FORMATS:
        raise InputError(f"cannot write {out.name!r}: expected a file ending in {', '.join(FORMATS)}")
    return out


def write_events(frame: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> Path:
    """Write events to .geojson, .csv, .gpkg or .parquet (chosen by suffix)."""
    out = check_output(path)
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        acled_columns(frame).to_csv(out, index=False)
        return out
    flat = frame.copy()
    for col in ("actors", "sources"):
        if col in flat.columns:
            flat[col] = [json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in flat[col]]
    if suffix in (".geojson", ".json"):
        out.write_text(_geojson(frame), encoding="utf-8")
    elif suffix == ".gpkg":
        flat.to_file(out, driver="GPKG", layer="events")
    else:
        flat.to_parquet(out)
    return out


def _geojson(frame: gpd.GeoDataFrame) -> str:
    """RFC 7946: WGS84 lon/lat, no crs member, lists kept as JSON arrays."""
    features: list[dict[str, Any]] = []
    props = [c for c in frame.columns if c != frame.geometry.name]
    for rec, geom in zip(frame[props].to_dict("records"), frame.geometry, strict=True):
        clean = {k: (None if _isna(v) else v) for k, v in rec.items()}
        features.append({
            "type": "Feature",
            "id": clean.get("id"),
            "geometry": None if geom is None or geom.is_empty else json.loads(gpd.GeoSeries([geom]).to_json())["features"][0]["geometry"],
            "properties": clean,
        })
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1, default=str)


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v)) if not isinstance(v, (list, dict, tuple)) else False
    except (TypeError, ValueError):
        return False


def report_json(report: Report, docs: Sequence[Document]) -> dict[str, Any]:
    """The report as a JSON-ready dict: documents read, what could not be resolved or read."""
    return {
        "documents": [
            {"id": d.id, "published": d.published.isoformat() if d.published else None,
             "published_note": d.published_note, "toponyms": len(d.toponyms),
             "resolved": sum(1 for m in d.toponyms if m.place is not None), "dates": len(d.dates),
             "events": len(d.events), "recogniser": d.recogniser}
            for d in docs
        ],
        "unresolved": [{"doc": doc, "text": m.text, "start": m.char_start, "end": m.char_end, "why": m.why_unresolved}
                       for doc, m in report.unresolved],
        "approximate": [{"doc": doc, "text": m.text, "start": m.char_start, "end": m.char_end,
                         "place": m.place.name, "place_id": m.place.id, "why": m.place.reason}
                        for doc, m in report.approximate if m.place is not None],
        "set_aside": [{"doc": doc, "text": m.text, "start": m.char_start, "end": m.char_end, "why": m.why_unresolved}
                      for doc, m in report.set_aside],
        "unread_dates": [{"doc": doc, "text": u.text, "start": u.char_start, "end": u.char_end, "why": u.why}
                         for doc, u in report.unread_dates],
        "skipped": report.skipped,
        "notes": report.notes,
    }


def write_report(report: Report, docs: Sequence[Document], path: str | os.PathLike[str]) -> Path:
    """Write report.json (and a readable report.txt beside it)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report_json(report, docs), ensure_ascii=False, indent=1), encoding="utf-8")
    lines = report.lines() or ["nothing to report: every place was resolved and every date read"]
    out.with_suffix(".txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
