"""A raw event table → the project's event schema, column by column.

Column-wise passes (numpy, shapely's vectorised functions, memoised cell parsers) keep 100k
events to a second or two; per-row Python would take tens of seconds. Problems are collected as
one-line messages, capped per kind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geomap.errors import InputError
from geomap.model import EVENT_TYPES, PRECISIONS
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

TEXT_COLUMNS = ("date_text", "date_note", "place_name", "place_id", "place_kind", "country",
                "resolution", "quote")
_LAT = ("lat", "latitude", "y")
_LON = ("lon", "lng", "long", "longitude", "x")
EXPECTED = (
    "expected lat/lon (or latitude/longitude) columns or a geometry, plus any of: "
    + ", ".join(c for c in COLUMNS if c not in ("lat", "lon"))
    + "; or an ACLED export (event_date, event_type, sub_event_type, actor1, actor2, location, "
    "latitude, longitude, fatalities, notes, source, geo_precision, time_precision)"
)
_MAX_LINES = 20  # problem lines of one kind before "... and N more"
_SOURCE_KEYS = ("file", "title", "url", "publisher", "published")
_KIND_BY_TYPE = {0: "city", 1: "corridor", 5: "corridor"}  # shapely type ids: Point, Line, MultiLine


class Problems:
    """One-line problem messages, grouped by kind and capped per kind."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lines: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}

    def add(self, kind: str, line: str) -> None:
        """Record a problem of a kind; past the cap it is only counted."""
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


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(table: pd.DataFrame, col: str) -> list[str]:
    if col not in table.columns:
        return [""] * len(table)
    series = table[col]
    return [("" if _blank(v) else str(v)) if not isinstance(v, str) else v for v in series.tolist()]


def _floats(table: pd.DataFrame, col: str | None) -> np.ndarray:
    if col is None:
        return np.full(len(table), np.nan)
    values = pd.to_numeric(table[col], errors="coerce")
    return np.asarray(values.to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)


def normalise(
    table: pd.DataFrame, geoms: Sequence[BaseGeometry | None] | None, *, name: str
) -> gpd.GeoDataFrame:
    """Turn a raw table (and its geometries, if any) into the schema; see ``read_events``."""
    problems = Problems(name)
    table = table.reset_index(drop=True)
    table.columns = [str(c).strip().lower() for c in table.columns]
    if acled.is_acled(list(table.columns)):
        table = acled.to_schema(table)
    columns = list(table.columns)
    lat_col = next((c for c in _LAT if c in columns), None)
    lon_col = next((c for c in _LON if c in columns), None)
    wkt = geoms is None and "geometry" in columns
    if geoms is None and not wkt and (lat_col is None or lon_col is None):
        found = ", ".join(repr(c) for c in columns[:12]) + (" ..." if len(columns) > 12 else "")
        raise InputError(f"{name}: no coordinates in columns {found}; {EXPECTED}")
    known = set(COLUMNS) | set(_LAT) | set(_LON) | {"geometry"}
    unknown = [c for c in columns if c not in known]
    if unknown:
        problems.add("columns", "ignored unknown columns " + ", ".join(unknown[:10]))
    n = len(table)
    ids = _text(table, "id")

    def label(i: int | np.integer[Any]) -> str:
        return f"row {i + 1}" + (f" (id {ids[int(i)]})" if ids[int(i)] else "")

    if wkt:
        shapes = _from_wkt(_text(table, "geometry"), problems)
    else:
        shapes = np.array(list(geoms) if geoms is not None else [None] * n, dtype=object)
    geometry, lat, lon, keep = _geometry(shapes, _floats(table, lat_col), _floats(table, lon_col),
                                         label, problems)

    starts, ends, precs = _text(table, "date_start"), _text(table, "date_end"), _text(table, "date_precision")
    date_memo: dict[tuple[str, str, str], tuple[str | None, str | None, str | None, str]] = {}
    d_start: list[str | None] = []
    d_end: list[str | None] = []
    d_prec: list[str | None] = []
    for i in range(n):
        key = (starts[i], ends[i], precs[i])
        got = date_memo.get(key)
        if got is None:
            got = date_memo[key] = _dates(*key)
        if not keep[i]:
            d_start.append(None)
            d_end.append(None)
            d_prec.append(None)
            continue
        lo, hi, prec, why = got
        if why:
            problems.add("dates", f"{label(i)}: {why}")
        if lo is None and hi is None:
            problems.add("undated", f"{label(i)}: no date; drawn outside the timeline and flagged")
        d_start.append(lo)
        d_end.append(hi)
        d_prec.append(prec)

    types = _event_types(_text(table, "event_type"), keep, problems)
    kinds = [k.strip().lower() for k in _text(table, "place_kind")]
    type_ids = shapely.get_type_id(geometry)
    kinds = [k or _KIND_BY_TYPE.get(int(t), "region") for k, t in zip(kinds, type_ids, strict=True)]
    txt = {c: _text(table, c) for c in TEXT_COLUMNS if c != "place_kind"}
    txt["place_kind"] = kinds
    ids = _ids(ids, keep, d_start, txt, lat, lon, label, problems)

    actors = _memo_column(table, "actors", _actors)
    sources = _memo_column(table, "sources", _sources)
    for i, (_, why) in enumerate(sources):
        if why and keep[i]:
            problems.add("sources", f"{label(i)}: {why}")
    fatalities = _memo_column(table, "fatalities", _int_or_none)
    for i, (_, why) in enumerate(fatalities):
        if why and keep[i]:
            problems.add("fatalities", f"{label(i)}: {why}")
    confidence = _memo_column(table, "confidence", _confidence)

    rows = np.flatnonzero(keep)
    index: list[int] = rows.tolist()

    def pick(col: Sequence[Any]) -> list[Any]:
        return [col[i] for i in index]

    data: dict[str, Any] = {
        "id": pick(ids),
        "date_start": pick(d_start),
        "date_end": pick(d_end),
        "date_precision": pick(d_prec),
        **{c: pick(txt[c]) for c in ("date_text", "date_note")},
        "event_type": pick(types),
        **{c: pick(txt[c]) for c in ("place_name", "place_id", "place_kind", "country", "resolution")},
        "actors": [actors[i][0] for i in index],
        "fatalities": pd.array([fatalities[i][0] for i in index], dtype="Int64"),
        "quote": pick(txt["quote"]),
        "sources": [sources[i][0] for i in index],
        "confidence": pd.array([confidence[i][0] for i in index], dtype="Float64"),
        "lat": np.round(lat[rows], 6),
        "lon": np.round(lon[rows], 6),
    }
    frame = gpd.GeoDataFrame(
        {c: (pd.Series(v, dtype=object) if isinstance(v, list) else v) for c, v in data.items()},
        geometry=gpd.GeoSeries(geometry[rows], crs="EPSG:4326"),
    )
    frame = sort_events(frame)
    frame.attrs["problems"] = problems.lines()
    frame.attrs["geomap_schema"] = 1  # as_frame trusts such frames instead of re-reading them
    return frame


def sort_events(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Events by start day (open starts first), undated last, then id: a stable order."""
    starts, ends, ids = frame["date_start"].tolist(), frame["date_end"].tolist(), frame["id"].tolist()
    order = sorted(range(len(frame)), key=lambda k: (
        starts[k] is None and ends[k] is None, starts[k] or "", str(ids[k])))
    out = frame.iloc[order].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


# --------------------------------------------------------------------------- geometry


def _from_wkt(cells: list[str], problems: Problems) -> np.ndarray:
    values = np.array([c if c.strip() else None for c in cells], dtype=object)
    geoms = shapely.from_wkt(values, on_invalid="ignore")
    for i in np.flatnonzero((values != None) & pd.isna(geoms)):
        problems.add("wkt", f"row {i + 1}: unreadable WKT geometry {str(values[i])[:40]!r}")
    return np.asarray(geoms, dtype=object)


def _geometry(
    shapes: np.ndarray, lat: np.ndarray, lon: np.ndarray, label: Callable[[Any], str],
    problems: Problems,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(geometry, lat, lon, keep) per row; points come from lat/lon or Point geometries."""
    shapes = np.array([None if g is None or (hasattr(g, "is_empty") and g.is_empty) else g
                       for g in shapes], dtype=object)
    tid = shapely.get_type_id(shapes)
    is_point = tid == 0
    if is_point.any():  # Point geometries win over lat/lon columns
        lon = lon.copy()
        lat = lat.copy()
        lon[is_point] = shapely.get_x(shapes[is_point])
        lat[is_point] = shapely.get_y(shapes[is_point])
        shapes[is_point] = None
        tid[is_point] = -1
    has_shape = tid >= 0
    for i in np.flatnonzero(has_shape & ~shapely.is_valid(shapes)):
        g = shapes[i]
        fixed = shapely.make_valid(g)
        if fixed.geom_type == "GeometryCollection":  # keep the largest dimension only
            dims = [int(shapely.get_dimensions(p)) for p in fixed.geoms]
            fixed = shapely.union_all([p for p, d in zip(fixed.geoms, dims, strict=True) if d == max(dims)])
        if fixed.is_empty:
            problems.add("geometry", f"{label(i)}: invalid geometry that cannot be repaired")
            shapes[i] = None
            has_shape[i] = False
        else:
            problems.add("geometry", f"{label(i)}: invalid {g.geom_type} repaired with make_valid")
            shapes[i] = fixed
    bounds = shapely.bounds(shapes)
    with np.errstate(invalid="ignore"):
        bad_shape = has_shape & ~((bounds[:, 0] >= -180) & (bounds[:, 2] <= 180)
                                  & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90))
    for i in np.flatnonzero(bad_shape):
        problems.add("coordinates", f"{label(i)}: geometry out of range (is it in EPSG:4326?); not drawn")
    has_shape &= ~bad_shape
    shapes[bad_shape] = None
    has_point = np.isfinite(lat) & np.isfinite(lon)
    with np.errstate(invalid="ignore"):
        out_of_range = has_point & ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    for i in np.flatnonzero(out_of_range & ~has_shape):
        problems.add("coordinates", (
            f"{label(i)}: coordinates out of range (lat {lat[i]}, lon {lon[i]}); not drawn"))
    has_point &= ~out_of_range
    missing = ~has_shape & ~has_point & ~bad_shape
    for i in np.flatnonzero(missing & ~out_of_range):
        problems.add("coordinates", f"{label(i)}: no coordinates; not drawn")
    keep = has_shape | has_point
    # a shape without its own point gets one: mid-line for corridors, an inner point for areas
    for i in np.flatnonzero(has_shape & ~has_point):
        g = shapes[i]
        rep = g.interpolate(0.5, normalized=True) if shapely.get_dimensions(g) == 1 else g.representative_point()
        lat[i], lon[i] = rep.y, rep.x
    geometry = shapes.copy()
    only_point = keep & ~has_shape
    geometry[only_point] = shapely.points(np.column_stack([lon[only_point], lat[only_point]]))
    return geometry, lat, lon, keep


# --------------------------------------------------------------------------- cells


def _event_types(raw: list[str], keep: np.ndarray, problems: Problems) -> list[str]:
    valid = set(EVENT_TYPES)
    memo: dict[str, str] = {}
    bad: dict[str, int] = {}
    out = []
    for value, kept in zip(raw, keep, strict=True):
        t = memo.get(value)
        if t is None:
            t = memo[value] = value.strip().lower().replace(" ", "_").replace("-", "_") or "other"
        if t not in valid:
            if kept:
                bad[t] = bad.get(t, 0) + 1
            t = "other"
        out.append(t)
    for t, count in sorted(bad.items()):
        problems.add("types", f"{count} event(s) of unknown event_type {t!r} drawn as 'other'; "
                     f"expected one of {', '.join(EVENT_TYPES)}")
    return out


def _ids(
    ids: list[str], keep: np.ndarray, starts: list[str | None], txt: dict[str, list[str]],
    lat: np.ndarray, lon: np.ndarray, label: Callable[[Any], str], problems: Problems,
) -> list[str]:
    out = list(ids)
    seen: dict[str, int] = {}
    for i in np.flatnonzero(keep):
        ident = out[i].strip()
        if not ident:
            key = "\x1f".join((starts[i] or "", txt["place_name"][i], f"{lat[i]:.5f}",
                               f"{lon[i]:.5f}", txt["quote"][i]))
            ident = "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        if ident in seen:
            seen[ident] += 1
            new = f"{ident}-{seen[ident]}"
            problems.add("ids", f"{label(i)}: duplicate id {ident!r}; renamed {new}")
            ident = new
        else:
            seen[ident] = 1
        out[i] = ident
    return out


def _memo_column(table: pd.DataFrame, col: str, parse: Callable[[Any], tuple[Any, str]]) -> list[tuple[Any, str]]:
    """parse() of each cell, computed once per distinct (hashable) value."""
    if col not in table.columns:
        return [parse(None)] * len(table)
    memo: dict[Any, tuple[Any, str]] = {}
    out = []
    for v in table[col].tolist():
        try:
            got = memo.get(v)
            if got is None:
                got = memo[v] = parse(v)
        except TypeError:  # unhashable: lists and arrays from GeoJSON or parquet
            got = parse(v)
        out.append(got)
    return out


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
            return first, _last_day(first, "month") or first, "month"
        if m := _YEAR.match(text):
            return dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31), "year"
    except ValueError:
        return None
    return None


def _last_day(day: dt.date, precision: str | None) -> dt.date | None:
    if precision == "month":
        return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if precision == "year":
        return dt.date(day.year, 12, 31)
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


def _actors(value: Any) -> tuple[list[str], str]:
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(a) for a in value if a is not None and str(a).strip()], ""
    if _blank(value):
        return [], ""
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, list):
                return [str(a) for a in parsed if a is not None and str(a).strip()], ""
        except json.JSONDecodeError:
            pass
    return [a.strip() for a in text.split(";") if a.strip()], ""


def _sources(value: Any) -> tuple[list[dict[str, str]], str]:
    items: Any = value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return [], ""
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            if text.startswith(("http://", "https://")):
                return [{"url": text}], ""
            return [{"title": text}], "sources is not JSON; kept as a title"
    elif not isinstance(value, (list, tuple, dict, np.ndarray)) and _blank(value):
        return [], ""
    if isinstance(items, dict):
        items = [items]
    if isinstance(items, (np.ndarray, tuple)):
        items = list(items)
    if not isinstance(items, list):
        return [{"title": str(items)}], ""
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append({k: str(item[k]) for k in _SOURCE_KEYS
                        if k in item and not _blank(item[k])})
        elif item is not None:
            out.append({"title": str(item)})
    return out, ""


def _int_or_none(value: Any) -> tuple[int | None, str]:
    if _blank(value):
        return None, ""
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None, f"fatalities {str(value)[:20]!r} is not a number; ignored"
    if number < 0:
        return None, f"negative fatalities {number}; ignored"
    return number, ""


def _confidence(value: Any) -> tuple[float | None, str]:
    if _blank(value):
        return None, ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, ""
    if math.isnan(number):
        return None, ""
    return min(max(number, 0.0), 1.0), ""
