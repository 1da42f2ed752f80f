"""Read event tables (GeoJSON, CSV, GeoPackage, GeoParquet, ACLED CSV) into one schema.

The schema is what the extraction writes to ``events.geojson``; :data:`COLUMNS` lists it.
Problems (events without coordinates, unreadable dates, repaired geometries, ...) do not stop
reading: they are collected as one-line messages in ``frame.attrs["problems"]``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape as geojson_shape
from shapely.geometry.base import BaseGeometry

from geomap.errors import InputError
from geomap.model import EVENT_TYPES, PRECISIONS, Event
from geomap.render import acled

#: The event schema's columns, in order (plus ``geometry``).
COLUMNS = (
    "id",
    "date_start",
    "date_end",
    "date_precision",
    "date_text",
    "date_note",
    "event_type",
    "place_name",
    "place_id",
    "place_kind",
    "country",
    "resolution",
    "actors",
    "fatalities",
    "quote",
    "sources",
    "confidence",
    "lat",
    "lon",
)

_TEXT = ("date_text", "date_note", "place_name", "place_id", "place_kind", "country",
         "resolution", "quote")
_LAT = ("lat", "latitude", "y")
_LON = ("lon", "lng", "long", "longitude", "x")
_EXPECTED = (
    "expected lat/lon (or latitude/longitude) columns or a geometry, plus any of: "
    + ", ".join(c for c in COLUMNS if c not in ("lat", "lon"))
    + "; or an ACLED export (event_date, event_type, sub_event_type, actor1, actor2, location, "
    "latitude, longitude, fatalities, notes, source, geo_precision, time_precision)"
)
_MAX_LINES = 20  # problem lines of one kind before "... and N more"
_SOURCE_KEYS = ("file", "title", "url", "publisher", "published")


class _Problems:
    """One-line problem messages, grouped by kind and capped per kind."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lines: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}

    def add(self, kind: str, line: str) -> None:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        lines = self._lines.setdefault(kind, [])
        if len(lines) < _MAX_LINES:
            lines.append(f"{self.name}: {line}")

    def lines(self) -> list[str]:
        out: list[str] = []
        for kind, lines in self._lines.items():
            out.extend(lines)
            if self._counts[kind] > len(lines):
                out.append(f"{self.name}: ... and {self._counts[kind] - len(lines)} more ({kind})")
        return out


def read_events(path: str | os.PathLike[str]) -> gpd.GeoDataFrame:
    """Read an event table into the project's schema.

    Parameters
    ----------
    path
        A GeoJSON (``.geojson``/``.json``), CSV (lat/lon, latitude/longitude or a WKT
        ``geometry`` column; ACLED exports are recognised), GeoPackage or GeoParquet file.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per drawable event, columns :data:`COLUMNS` plus ``geometry`` (EPSG:4326),
        sorted by start date (undated last) then id. Events without usable coordinates are
        left out; they and every other problem are listed, one line each, in
        ``frame.attrs["problems"]``.

    Raises
    ------
    geomap.errors.InputError
        The file is missing, empty, unreadable, or has no coordinate columns.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file; expected a GeoJSON, CSV, GeoPackage or GeoParquet file")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty; {_EXPECTED}")
    kind = _sniff(p)
    try:
        if kind == "geojson":
            table, geoms = _read_geojson(p)
        elif kind == "csv":
            table, geoms = _read_csv(p), None
        elif kind == "parquet":
            table, geoms = _split_geometry(_read_parquet(p))
        else:
            table, geoms = _split_geometry(gpd.read_file(p))
    except InputError:
        raise
    except Exception as err:  # each reader fails its own way; say which file and why
        raise InputError(f"{p}: cannot read as {kind}: {err}") from err
    if len(table) == 0:
        raise InputError(f"{p}: no events in the file; {_EXPECTED}")
    return normalise(table, geoms, name=p.name)


def events_frame(events: Iterable[Event]) -> gpd.GeoDataFrame:
    """The schema's frame for :class:`geomap.model.Event` records (what the extraction makes)."""
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for ev in events:
        when = ev.when
        rows.append(
            {
                "id": ev.id,
                "date_start": when.start.isoformat() if when and when.start else None,
                "date_end": when.end.isoformat() if when and when.end else None,
                "date_precision": when.precision if when else None,
                "date_text": when.text if when else "",
                "date_note": ev.date_note or (when.note if when else ""),
                "event_type": ev.type,
                "place_name": ev.place.name,
                "place_id": ev.place.id,
                "place_kind": ev.place.kind,
                "country": ev.place.country or "",
                "resolution": ev.place.reason,
                "actors": list(ev.actors),
                "fatalities": ev.fatalities,
                "quote": ev.quote,
                "sources": [
                    {
                        "file": s.file,
                        "title": s.title,
                        "url": s.url,
                        "publisher": s.publisher,
                        "published": s.published.isoformat() if s.published else None,
                    }
                    for s in ev.sources
                ],
                "confidence": ev.confidence,
                "lat": ev.place.lat,
                "lon": ev.place.lon,
            }
        )
        geoms.append(ev.place.geometry)
    if not rows:
        raise InputError("no events to draw; the extraction found none")
    return normalise(pd.DataFrame(rows), geoms, name="events")


def as_frame(events: gpd.GeoDataFrame | str | os.PathLike[str] | Iterable[Event]) -> gpd.GeoDataFrame:
    """Accept a frame from :func:`read_events`, a path, or :class:`Event` records."""
    if isinstance(events, gpd.GeoDataFrame):
        if "event_type" in events.columns and "date_start" in events.columns:
            return events
        return normalise(pd.DataFrame(events.drop(columns=events.geometry.name)),
                         list(events.geometry), name="frame")
    if isinstance(events, (str, os.PathLike)):
        return read_events(events)
    return events_frame(events)


# --------------------------------------------------------------------------- readers


def _sniff(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith(b"SQLite format 3"):
        return "gpkg"
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"{", b"[")):
        return "geojson"
    if b"\x00" in head:
        raise InputError(
            f"{path}: binary file of unknown format; expected GeoJSON, CSV, GeoPackage or GeoParquet"
        )
    suffix = path.suffix.lower()
    if suffix in (".gpkg", ".parquet", ".geoparquet", ".shp", ".fgb"):
        return "gpkg" if suffix != ".parquet" else "parquet"
    return "csv"


def _read_geojson(path: Path) -> tuple[pd.DataFrame, list[BaseGeometry | None]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not valid JSON ({err}); expected a GeoJSON FeatureCollection") from err
    if isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    elif isinstance(data, dict) and isinstance(data.get("features"), list):
        features = data["features"]
    elif isinstance(data, list):
        features = data
    else:
        raise InputError(f"{path}: JSON but not GeoJSON; expected a FeatureCollection of events")
    props = [f.get("properties") or {} if isinstance(f, dict) else {} for f in features]
    raw = [f.get("geometry") if isinstance(f, dict) else None for f in features]
    geoms: list[BaseGeometry | None] = [None] * len(raw)
    pts = [i for i, g in enumerate(raw) if isinstance(g, dict) and g.get("type") == "Point"
           and isinstance(g.get("coordinates"), list) and len(g["coordinates"]) >= 2]
    if pts:
        try:
            xy = np.array([raw[i]["coordinates"][:2] for i in pts], dtype=float)  # type: ignore[index]
            for i, point in zip(pts, shapely.points(xy), strict=True):
                geoms[i] = point
        except (TypeError, ValueError):
            pts = []
    done = set(pts)
    for i, g in enumerate(raw):
        if i in done or not isinstance(g, dict):
            continue
        try:
            geoms[i] = geojson_shape(g)
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
            geoms[i] = None
    return pd.DataFrame(props, index=range(len(props))), geoms


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError as err:
        raise InputError(f"{path}: no rows; {_EXPECTED}") from err
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise InputError(f"{path}: not a readable UTF-8 CSV ({err}); {_EXPECTED}") from err


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return gpd.read_parquet(path)
    except ValueError:  # plain parquet without geo metadata: lat/lon columns
        return pd.read_parquet(path)


def _split_geometry(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[BaseGeometry | None] | None]:
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        gname = frame.geometry.name
        crs = frame.crs
        if crs is not None and not crs.equals("EPSG:4326"):
            frame = frame.to_crs(4326)
        geoms = [None if g is None or g.is_empty else g for g in frame.geometry]
        return pd.DataFrame(frame.drop(columns=gname)), geoms
    return frame, None


# --------------------------------------------------------------------------- normalising


def normalise(
    table: pd.DataFrame, geoms: Sequence[BaseGeometry | None] | None, *, name: str
) -> gpd.GeoDataFrame:
    """Turn a raw table (and its geometries, if any) into the schema; see :func:`read_events`."""
    problems = _Problems(name)
    table = table.reset_index(drop=True)
    table.columns = [str(c).strip().lower() for c in table.columns]
    columns = list(table.columns)
    if acled.is_acled(columns):
        table = acled.to_schema(table)
        columns = list(table.columns)
    lat_col = next((c for c in _LAT if c in columns), None)
    lon_col = next((c for c in _LON if c in columns), None)
    wkt_col = "geometry" if geoms is None and "geometry" in columns else None
    if geoms is None and wkt_col is None and (lat_col is None or lon_col is None):
        found = ", ".join(repr(c) for c in columns[:12]) + (" ..." if len(columns) > 12 else "")
        raise InputError(f"{name}: no coordinates in columns {found}; {_EXPECTED}")
    known = set(COLUMNS) | set(_LAT) | set(_LON) | {"geometry"}
    unknown = [c for c in columns if c not in known]
    if unknown:
        problems.add("columns", "ignored unknown columns " + ", ".join(unknown[:10]))
    n = len(table)

    def text(col: str) -> list[str]:
        if col not in table.columns:
            return [""] * n
        return [_clean_text(v) for v in table[col].tolist()]

    shapes = list(geoms) if geoms is not None else [None] * n
    if wkt_col is not None:
        shapes = _from_wkt(table[wkt_col].tolist(), problems)
    lats = _floats(table[lat_col].tolist()) if lat_col else [math.nan] * n
    lons = _floats(table[lon_col].tolist()) if lon_col else [math.nan] * n

    ids = text("id")
    out: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    out_geoms: list[BaseGeometry] = []
    types_col, kinds = text("event_type"), text("place_kind")
    starts, ends, precs = text("date_start"), text("date_end"), text("date_precision")
    txt = {c: text(c) for c in _TEXT}
    actors_col = table["actors"].tolist() if "actors" in table.columns else [None] * n
    sources_col = table["sources"].tolist() if "sources" in table.columns else [None] * n
    fat_col = table["fatalities"].tolist() if "fatalities" in table.columns else [None] * n
    conf_col = table["confidence"].tolist() if "confidence" in table.columns else [None] * n
    seen_ids: dict[str, int] = {}
    bad_types: dict[str, int] = {}

    for i in range(n):
        label = f"row {i + 1}" + (f" (id {ids[i]})" if ids[i] else "")
        geom, lat, lon = _place_geometry(shapes[i], lats[i], lons[i], label, problems)
        if geom is None:
            continue
        start, end, prec, why = _dates(starts[i], ends[i], precs[i])
        if why:
            problems.add("dates", f"{label}: {why}")
        if start is None and end is None:
            problems.add("undated", f"{label}: no date; drawn outside the timeline and flagged")
        etype = types_col[i].strip().lower().replace(" ", "_").replace("-", "_") or "other"
        if etype not in EVENT_TYPES:
            bad_types[etype] = bad_types.get(etype, 0) + 1
            etype = "other"
        ident = ids[i] or _stable_id(i, txt, starts[i], lat, lon)
        if ident in seen_ids:
            seen_ids[ident] += 1
            problems.add("ids", f"{label}: duplicate id {ident!r}; renamed {ident}-{seen_ids[ident]}")
            ident = f"{ident}-{seen_ids[ident]}"
        else:
            seen_ids[ident] = 1
        kind = kinds[i].strip().lower()
        if not kind:
            kind = {"Point": "city", "LineString": "corridor", "MultiLineString": "corridor"}.get(
                geom.geom_type, "region"
            )
        out["id"].append(ident)
        out["date_start"].append(start)
        out["date_end"].append(end)
        out["date_precision"].append(prec)
        for c in _TEXT:
            out[c].append(txt[c][i])
        out["place_kind"][-1] = kind
        out["event_type"].append(etype)
        out["actors"].append(_actors(actors_col[i]))
        out["fatalities"].append(_int_or_none(fat_col[i], label, problems))
        out["sources"].append(_sources(sources_col[i], label, problems))
        out["confidence"].append(_confidence(conf_col[i]))
        out["lat"].append(round(lat, 6))
        out["lon"].append(round(lon, 6))
        out_geoms.append(geom)
    for etype, count in sorted(bad_types.items()):
        problems.add(
            "types", f"{count} event(s) of unknown event_type {etype!r} drawn as 'other'; "
            f"expected one of {', '.join(EVENT_TYPES)}"
        )
    frame = gpd.GeoDataFrame(
        {c: pd.Series(out[c], dtype=object) for c in COLUMNS},
        geometry=gpd.GeoSeries(out_geoms, crs="EPSG:4326"),
    )
    frame["fatalities"] = pd.array(out["fatalities"], dtype="Int64")
    frame["confidence"] = pd.array(out["confidence"], dtype="Float64")
    frame["lat"] = np.asarray(out["lat"], dtype=float)
    frame["lon"] = np.asarray(out["lon"], dtype=float)
    order = sorted(
        range(len(frame)),
        key=lambda k: (out["date_start"][k] is None and out["date_end"][k] is None,
                       out["date_start"][k] or "", out["id"][k]),
    )
    frame = frame.iloc[order].reset_index(drop=True)
    frame.attrs["problems"] = problems.lines()
    return frame


def _clean_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _floats(values: list[Any]) -> list[float]:
    out = []
    for v in values:
        try:
            f = float(v) if v is not None and v != "" else math.nan
        except (TypeError, ValueError):
            f = math.nan
        out.append(f)
    return out


def _from_wkt(values: list[Any], problems: _Problems) -> list[BaseGeometry | None]:
    cells = [v if isinstance(v, str) and v.strip() else None for v in values]
    geoms = shapely.from_wkt(np.array(cells, dtype=object), on_invalid="ignore")
    for i, (cell, g) in enumerate(zip(cells, geoms, strict=True)):
        if cell is not None and g is None:
            problems.add("wkt", f"row {i + 1}: unreadable WKT geometry {cell[:40]!r}")
    return [None if g is None or g.is_empty else g for g in geoms]


def _place_geometry(
    geom: BaseGeometry | None, lat: float, lon: float, label: str, problems: _Problems
) -> tuple[BaseGeometry | None, float, float]:
    """(geometry, lat, lon) of an event, or (None, nan, nan) when it cannot be drawn."""
    if geom is not None and not geom.is_valid:
        fixed = shapely.make_valid(geom)
        if fixed.geom_type == "GeometryCollection":  # keep the largest dimension only
            dims = [int(shapely.get_dimensions(p)) for p in fixed.geoms]
            parts = [g for g, d in zip(fixed.geoms, dims, strict=True) if d == max(dims)]
            fixed = shapely.union_all(parts)
        if fixed.is_empty:
            problems.add("geometry", f"{label}: invalid geometry that cannot be repaired")
            geom = None
        else:
            problems.add("geometry", f"{label}: invalid {geom.geom_type} repaired with make_valid")
            geom = fixed
    if geom is not None and geom.geom_type == "Point":
        lon, lat = geom.x, geom.y
        geom = None
    has_point = math.isfinite(lat) and math.isfinite(lon)
    if has_point and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.add("coordinates", f"{label}: coordinates out of range (lat {lat}, lon {lon}); not drawn")
        return None, math.nan, math.nan
    if geom is None:
        if not has_point:
            problems.add("coordinates", f"{label}: no coordinates; not drawn")
            return None, math.nan, math.nan
        return shapely.Point(lon, lat), lat, lon
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        problems.add("coordinates", f"{label}: geometry out of range (is it in EPSG:4326?); not drawn")
        return None, math.nan, math.nan
    if not has_point:
        rep = geom.interpolate(0.5, normalized=True) if shapely.get_dimensions(geom) == 1 else geom.representative_point()
        lat, lon = rep.y, rep.x
    return geom, lat, lon


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _parse_date(text: str) -> tuple[dt.date, dt.date, str] | None:
    """(first day, last day, precision) of 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'."""
    text = text.strip()
    try:
        if m := _DAY.match(text):
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return d, d, "day"
        if m := _MONTH.match(text):
            first = dt.date(int(m[1]), int(m[2]), 1)
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            return first, last, "month"
        if m := _YEAR.match(text):
            return dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31), "year"
    except ValueError:
        return None
    return None


def _dates(start_text: str, end_text: str, prec_text: str) -> tuple[str | None, str | None, str | None, str]:
    """(date_start, date_end, date_precision, problem) from the raw cells.

    A missing end is the start's own span (a day, a month, a year), except with precision
    'interval', where it is open ("since 1988"). A missing start with an end is open too.
    """
    why = []
    start = _parse_date(start_text) if start_text.strip() else None
    end = _parse_date(end_text) if end_text.strip() else None
    if start_text.strip() and start is None:
        why.append(f"unreadable date_start {start_text.strip()[:30]!r}")
    if end_text.strip() and end is None:
        why.append(f"unreadable date_end {end_text.strip()[:30]!r}")
    prec: str | None = prec_text.strip().lower() or None
    if prec is not None and prec not in PRECISIONS:
        why.append(f"unknown date_precision {prec!r} (expected {', '.join(PRECISIONS)})")
        prec = None
    lo = start[0] if start else None
    hi: dt.date | None
    if end:
        hi = end[1]
    elif start and prec == "interval":
        hi = None
    elif start:
        hi = _last_day(start[0], prec) or start[1]
    else:
        hi = None
    if lo and hi and hi < lo:
        why.append("date_end before date_start; swapped")
        lo, hi = hi, lo
    if lo is None and hi is None:
        prec = None
    elif prec is None:
        if start and (end is None or end == start):
            prec = start[2]
        else:
            prec = "day" if lo == hi else "interval"
    return (lo.isoformat() if lo else None, hi.isoformat() if hi else None, prec, "; ".join(why))


def _last_day(day: dt.date, precision: str | None) -> dt.date | None:
    if precision == "month":
        return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if precision == "year":
        return dt.date(day.year, 12, 31)
    return None


def _actors(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(a) for a in value if a is not None and str(a).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, list):
                return [str(a) for a in parsed if a is not None and str(a).strip()]
        except json.JSONDecodeError:
            pass
    return [a.strip() for a in text.split(";") if a.strip()]


def _sources(value: Any, label: str, problems: _Problems) -> list[dict[str, str]]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    items: Any = value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            if text.startswith(("http://", "https://")):
                return [{"url": text}]
            problems.add("sources", f"{label}: sources is not JSON; kept as a title")
            return [{"title": text}]
    if isinstance(items, dict):
        items = [items]
    if isinstance(items, np.ndarray):
        items = list(items)
    if not isinstance(items, list):
        return [{"title": str(items)}]
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append({k: _clean_text(item.get(k)) for k in _SOURCE_KEYS if _clean_text(item.get(k))})
        elif item is not None:
            out.append({"title": str(item)})
    return out


def _int_or_none(value: Any, label: str, problems: _Problems) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        problems.add("fatalities", f"{label}: fatalities {str(value)[:20]!r} is not a number; ignored")
        return None
    if number < 0:
        problems.add("fatalities", f"{label}: negative fatalities {number}; ignored")
        return None
    return number


def _confidence(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return min(max(number, 0.0), 1.0)


def _stable_id(i: int, txt: dict[str, list[str]], start: str, lat: float, lon: float) -> str:
    key = "\x1f".join((start, txt["place_name"][i], f"{lat:.5f}", f"{lon:.5f}", txt["quote"][i]))
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
