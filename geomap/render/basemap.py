"""The embedded vector basemap: country and admin-1 outlines from Natural Earth.

The boundaries are the gazetteer's data files (``gazetteer/data/boundaries/countries.geojson.gz``
with ``iso_a2, name``; ``admin1.geojson.gz`` with ``iso_3166_2, gn_id, name_en, iso_a2``). A map
embeds the whole world coarsely (0.3°, small islands dropped) and, inside a box around the events,
the same countries finely (0.01°), stitched along the box edge; admin-1 outlines only for the
countries the events are in and the provinces their bounding box touches.

Rings are written as delta-coded integers in Google's polyline character encoding (about one
byte per coordinate), which ``geomap-main.js`` decodes.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape as geojson_shape
from shapely.geometry.base import BaseGeometry

#: Simplification tolerances, degrees.
FAR_TOLERANCE = 0.3
NEAR_TOLERANCE = 0.01
#: Parts of far countries smaller than this (square degrees) are dropped.
FAR_MIN_AREA = 1.0
#: Degrees added around the events' bounding box: the finely drawn box.
MARGIN = 3.0
#: Coordinate grid of the encoded outlines: 1/FAR_SCALE degree far, 1/NEAR_SCALE near.
FAR_SCALE = 10
NEAR_SCALE = 1000


@dataclass(frozen=True, slots=True)
class Outline:
    """One named outline."""

    name: str
    code: str
    geometry: BaseGeometry


@dataclass(frozen=True, slots=True)
class Basemap:
    """The outlines a map embeds: coarse world, fine box, admin-1, and the fine box."""

    far: tuple[Outline, ...]
    near: tuple[Outline, ...]
    admin1: tuple[Outline, ...]
    box: tuple[float, float, float, float]


def boundaries_dir() -> Path:
    """Where the gazetteer keeps its boundary files."""
    spec = importlib.util.find_spec("gazetteer")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        return Path("gazetteer-not-installed")
    return Path(locations[0]) / "data" / "boundaries"


def _features(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return [f for f in data.get("features", []) if f.get("geometry")]


def _simplify(geoms: list[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """Simplify a coverage keeping shared borders shared; one by one if it is no coverage."""
    if not geoms:
        return []
    arr = np.array(geoms, dtype=object)
    try:
        out = shapely.coverage_simplify(arr, tolerance)
    except shapely.errors.GEOSException:
        out = shapely.simplify(arr, tolerance, preserve_topology=True)
    return list(out)


def _polygons(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


@cache
def _world(folder: str) -> tuple[tuple[str, str, BaseGeometry, BaseGeometry], ...]:
    """(name, iso_a2, full geometry, coarse geometry) of every country, read once per process."""
    feats = _features(_resolve(folder) / "countries.geojson.gz")
    full = [_polygons(shapely.make_valid(geojson_shape(f["geometry"]))) for f in feats]
    coarse = _simplify(full, FAR_TOLERANCE)
    out = []
    for f, g, c in zip(feats, full, coarse, strict=True):
        parts = [p for p in getattr(c, "geoms", [c]) if p.geom_type == "Polygon" and not p.is_empty]
        big = [p for p in parts if p.area >= FAR_MIN_AREA]
        if not big and parts:
            big = [max(parts, key=lambda p: p.area)]
        props = f["properties"]
        out.append((str(props.get("name") or ""), str(props.get("iso_a2") or ""), g,
                    shapely.MultiPolygon(big)))
    return tuple(out)


@cache
def _admin1(folder: str) -> dict[str, tuple[dict[str, Any], ...]]:
    """Admin-1 features by lower-case iso_a2 (geometries still GeoJSON), read once per process."""
    path = _resolve(folder) / "admin1.geojson.gz"
    if not path.is_file():
        return {}
    by_country: dict[str, list[dict[str, Any]]] = {}
    for f in _features(path):
        by_country.setdefault(str(f["properties"].get("iso_a2") or "").lower(), []).append(f)
    return {k: tuple(v) for k, v in by_country.items()}


def _resolve(folder: str) -> Path:
    return boundaries_dir() if folder == "" else Path(folder)


def load(
    bbox: tuple[float, float, float, float],
    countries: set[str],
    *,
    directory: Path | None = None,
) -> Basemap | None:
    """Outlines for a map of events within ``bbox`` (minx, miny, maxx, maxy) in ``countries``.

    ``countries`` holds ISO alpha-2 codes or country names. Returns None when the boundary
    files are not installed.
    """
    key = "" if directory is None else str(directory)
    if not (_resolve(key) / "countries.geojson.gz").is_file():
        return None
    world = _world(key)
    minx, miny, maxx, maxy = bbox
    box = (max(minx - MARGIN, -180.0), max(miny - MARGIN, -85.0),
           min(maxx + MARGIN, 180.0), min(maxy + MARGIN, 85.0))
    area = shapely.box(*box)
    wanted = {c.strip().lower() for c in countries if c and c.strip()}

    near_ix = [k for k, (_, _, full, _) in enumerate(world) if full.intersects(area)]
    clipped = [_polygons(shapely.intersection(world[k][2], area)) for k in near_ix]
    fine = dict(zip(near_ix, _simplify(clipped, NEAR_TOLERANCE), strict=True))
    far: list[Outline] = []
    near: list[Outline] = []
    codes: set[str] = set()
    for k, (name, code, full, coarse) in enumerate(world):
        if name.lower() in wanted or code.lower() in wanted:
            codes.add(code.lower())
        if k in fine:
            outside = _polygons(shapely.difference(coarse, area))
            if not outside.is_empty:
                far.append(Outline(name, code, outside))
            if not fine[k].is_empty:
                near.append(Outline(name, code, fine[k]))
        elif not coarse.is_empty:
            far.append(Outline(name, code, coarse))

    admin: list[Outline] = []
    events_box = shapely.box(*bbox).buffer(0.05)
    by_country = _admin1(key)
    candidates = [f for code in sorted({*codes, *(o.code.lower() for o in near)})
                  for f in by_country.get(code, ())]
    geoms = [_polygons(shapely.make_valid(geojson_shape(f["geometry"]))) for f in candidates]
    keep = [i for i, g in enumerate(geoms)
            if str(candidates[i]["properties"].get("iso_a2") or "").lower() in codes
            or g.intersects(events_box)]
    for i, g in zip(keep, _simplify([geoms[i] for i in keep], NEAR_TOLERANCE), strict=True):
        props = candidates[i]["properties"]
        if not g.is_empty:
            admin.append(Outline(str(props.get("name_en") or props.get("iso_3166_2") or ""),
                                 str(props.get("iso_3166_2") or ""), g))
    far.sort(key=lambda o: (o.code, o.name))
    near.sort(key=lambda o: (o.code, o.name))
    admin.sort(key=lambda o: (o.code, o.name))
    return Basemap(tuple(far), tuple(near), tuple(admin), box)


def _polyline(values: list[int]) -> str:
    """Google's polyline character encoding of signed integers.

    >>> _polyline([0, 1, -1, 16, -1000])
    '?A@_@n}@'
    """
    out = []
    for v in values:
        z = ~(v << 1) if v < 0 else v << 1
        while z >= 0x20:
            out.append(chr((0x20 | (z & 0x1F)) + 63))
            z >>= 5
        out.append(chr(z + 63))
    return "".join(out)


def encode_geometry(geom: BaseGeometry, scale: int) -> list[list[str]]:
    """Polygons (or lines) as lists of rings, each ring a polyline-encoded string.

    A ring holds longitude, latitude pairs times ``scale``: the first pair absolute, the others
    differences; repeated points are dropped.
    """
    parts: list[list[str]] = []
    for part in getattr(geom, "geoms", [geom]):
        if part.is_empty or part.geom_type == "Point":
            continue
        if part.geom_type == "Polygon":
            rings = [part.exterior, *part.interiors]
        elif part.geom_type in ("LineString", "LinearRing"):
            rings = [part]
        else:  # nested collections
            parts.extend(encode_geometry(part, scale))
            continue
        encoded = []
        for ring in rings:
            xy = np.rint(np.asarray(ring.coords)[:, :2] * scale).astype(np.int64)
            keep = np.ones(len(xy), dtype=bool)
            keep[1:] = np.any(xy[1:] != xy[:-1], axis=1)
            xy = xy[keep]
            if len(xy) < 2:
                continue
            deltas = np.vstack([xy[:1], np.diff(xy, axis=0)]).ravel().tolist()
            encoded.append(_polyline(deltas))
        if encoded:
            parts.append(encoded)
    return parts


def to_payload(basemap: Basemap) -> dict[str, Any]:
    """The JSON the page draws: outlines, and labels for countries and provinces in the box."""
    labels = []
    for o in basemap.near:
        p = o.geometry.representative_point()
        labels.append([o.name, round(p.y, 3), round(p.x, 3), 0])
    for o in basemap.admin1:
        p = o.geometry.representative_point()
        labels.append([o.name, round(p.y, 3), round(p.x, 3), 1])
    area = shapely.box(*basemap.box)
    seam = area.exterior.buffer(1e-6)
    far_lines = [shapely.difference(o.geometry.boundary, area) for o in basemap.far]
    near_lines = [shapely.difference(o.geometry.boundary, seam) for o in basemap.near]
    return {
        # land is filled without a stroke; borders are separate lines, so the seam between
        # the coarse world and the fine box is never drawn
        "far": [r for o in basemap.far for r in encode_geometry(o.geometry, FAR_SCALE)],
        "near": [r for o in basemap.near for r in encode_geometry(o.geometry, NEAR_SCALE)],
        "farLines": [r for g in far_lines for r in encode_geometry(g, FAR_SCALE)],
        "nearLines": [r for g in near_lines for r in encode_geometry(g, NEAR_SCALE)],
        "a": [r for o in basemap.admin1 for r in encode_geometry(o.geometry, NEAR_SCALE)],
        "s": [FAR_SCALE, NEAR_SCALE],
        "l": labels,
    }
