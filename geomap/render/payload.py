"""Events as the compact columnar JSON the page embeds.

One array per field instead of one object per event; dates as day numbers (days since
1970-01-01), start days delta-coded; coordinates as integers (1e-5 degree); every repeated
string (places, actors, sources, date notes) stored once in a table and referred to by index;
shapes (regions, corridors) stored once and shared by their events. ``geomap-data.js`` decodes it.

The JSON is made safe to sit inside ``<script type="application/json">``: ``<``, ``>``, ``&``
and the two JavaScript line separators are written as ``\\uXXXX`` escapes, so the block can
never contain ``</script>`` or ``<!--``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geomap.model import EVENT_TYPES, PRECISIONS
from geomap.render.basemap import encode_geometry
from geomap.render.style import TYPE_COLOURS, TYPE_LABELS

_EPOCH = dt.date(1970, 1, 1)
_SHAPE_SCALE = 10_000
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def day_number(iso: str) -> int:
    """Days since 1970-01-01 of a 'YYYY-MM-DD' string.

    >>> day_number("1970-01-02"), day_number("2020-09-27")
    (1, 18532)
    """
    return (dt.date.fromisoformat(iso) - _EPOCH).days


def script_json(value: Any) -> str:
    """Compact JSON that is safe inside an HTML ``<script>`` element.

    >>> script_json({"q": "</script><!--"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in _ESCAPES.items():
        text = text.replace(raw, esc)
    return text


class _Table:
    """Values stored once; ``index`` gives a value's position."""

    def __init__(self, first: Any = None) -> None:
        self.values: list[Any] = []
        self._pos: dict[Any, int] = {}
        if first is not None:
            self.index(first)

    def index(self, value: Any) -> int:
        pos = self._pos.get(value)
        if pos is None:
            pos = self._pos[value] = len(self.values)
            self.values.append(value)
        return pos


def _common_prefix(ids: list[str]) -> str:
    if not ids:
        return ""
    prefix = os.path.commonprefix(ids)
    # keep a shared prefix like "ev-" but never eat into a run of digits
    while prefix and prefix[-1].isdigit():
        prefix = prefix[:-1]
    return prefix


def build(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """The page's event payload for a frame from :func:`geomap.render.read_events`."""
    n = len(frame)
    strings = _Table("")
    places, actor_lists, source_lists, sources, shapes = _Table(), _Table(), _Table(), _Table(), _Table()
    shape_data: list[Any] = []
    type_index = {t: k for k, t in enumerate(EVENT_TYPES)}
    prec_index = {p: k for k, p in enumerate(PRECISIONS)}

    starts = frame["date_start"].tolist()
    ends = frame["date_end"].tolist()
    dated = [s is not None or e is not None for s, e in zip(starts, ends, strict=True)]
    nd = sum(dated)
    if any(not d for d in dated[:nd]) or any(dated[nd:]):
        raise ValueError("events must be sorted with the undated last (use read_events)")

    d_delta: list[int] = []
    width: list[int] = []
    open_start: list[list[int]] = []
    open_end: list[int] = []
    prev = None
    lo_day: int | None = None
    hi_day: int | None = None
    for i in range(nd):
        s = day_number(starts[i]) if starts[i] else None
        e = day_number(ends[i]) if ends[i] else None
        if s is None:
            assert e is not None
            open_start.append([i, e])
            d_delta.append(0)
            width.append(0)
        else:
            d_delta.append(s - (prev if prev is not None else 0))
            prev = s
            width.append(0 if e is None else e - s)
            if e is None:
                open_end.append(i)
        for day in (s, e):
            if day is not None:
                lo_day = day if lo_day is None else min(lo_day, day)
                hi_day = day if hi_day is None else max(hi_day, day)

    geoms = np.asarray(frame.geometry.array, dtype=object)
    is_shape = shapely.get_type_id(geoms) > 0  # not a Point (0) nor missing (-1)
    place_col: list[int] = []
    place_memo: dict[tuple[Any, ...], int] = {}
    for name, pid, kind, country, resolution, geom, has_shape in zip(
        frame["place_name"].tolist(), frame["place_id"].tolist(), frame["place_kind"].tolist(),
        frame["country"].tolist(), frame["resolution"].tolist(), geoms, is_shape, strict=True,
    ):
        shape = -1
        if has_shape:
            shape = shapes.index(geom.wkb)
            if shape == len(shape_data):
                kind_code = 1 if shapely.get_dimensions(geom) == 1 else 0
                shape_data.append([kind_code, encode_geometry(geom, _SHAPE_SCALE)])
        key = (name, pid, kind, country, resolution, shape)
        got = place_memo.get(key)
        if got is None:
            got = place_memo[key] = places.index((
                strings.index(name), strings.index(kind), strings.index(country),
                strings.index(resolution), strings.index(pid), shape,
            ))
        place_col.append(got)

    # equal lists are often the same object (the reader memoises cells): look them up by id
    # first, by content second; every list stays alive in the frame while this runs
    actor_memo: dict[int, int] = {}
    actor_col = []
    for acts in frame["actors"].tolist():
        got = actor_memo.get(id(acts))
        if got is None:
            got = actor_memo[id(acts)] = actor_lists.index(tuple(strings.index(a) for a in acts))
        actor_col.append(got)
    source_memo: dict[int, int] = {}
    source_col = []
    for srcs in frame["sources"].tolist():
        got = source_memo.get(id(srcs))
        if got is None:
            keys = tuple(
                sources.index(tuple(strings.index(s.get(k, "") or "") for k in
                                    ("title", "url", "publisher", "published", "file")))
                for s in srcs
            )
            got = source_memo[id(srcs)] = source_lists.index(keys)
        source_col.append(got)

    ids = [str(i) for i in frame["id"]]
    prefix = _common_prefix(ids)
    fat = frame["fatalities"].to_numpy(dtype="float64", na_value=np.nan)
    conf = frame["confidence"].to_numpy(dtype="float64", na_value=np.nan)
    lat, lon = frame["lat"].to_numpy(dtype=float), frame["lon"].to_numpy(dtype=float)
    bounds = frame.total_bounds  # minx, miny, maxx, maxy over all geometries
    return {
        "v": 1,
        "n": n,
        "nd": nd,
        "types": list(EVENT_TYPES),
        "labels": [TYPE_LABELS[t] for t in EVENT_TYPES],
        "colours": [TYPE_COLOURS[t] for t in EVENT_TYPES],
        "precisions": list(PRECISIONS),
        "d0min": lo_day if lo_day is not None else 0,
        "d1max": hi_day if hi_day is not None else 0,
        "bb": [round(float(b), 5) for b in bounds],
        "t": [type_index[t] for t in frame["event_type"]],
        "y": np.rint(lat * 1e5).astype(np.int64).tolist(),
        "x": np.rint(lon * 1e5).astype(np.int64).tolist(),
        "d": d_delta,
        "w": width,
        "os": open_start,
        "oe": open_end,
        "p": [prec_index.get(p, -1) if p else -1 for p in frame["date_precision"]],
        "pl": place_col,
        "a": actor_col,
        "f": np.where(np.isnan(fat), -1, fat).astype(np.int64).tolist(),
        "s": source_col,
        "c": np.where(np.isnan(conf), -1, np.rint(conf * 100)).astype(np.int64).tolist(),
        "dt": [strings.index(v) for v in frame["date_text"]],
        "dn": [strings.index(v) for v in frame["date_note"]],
        "ip": prefix,
        "id": [i[len(prefix):] for i in ids],
        "q": [str(q) for q in frame["quote"]],
        "S": strings.values,
        "P": [list(p) for p in places.values],
        "A": [list(a) for a in actor_lists.values],
        "SL": [list(s) for s in source_lists.values],
        "SR": [list(s) for s in sources.values],
        "G": shape_data,
        "gs": _SHAPE_SCALE,
    }
