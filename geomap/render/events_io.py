"""Read event tables (GeoJSON, CSV, GeoPackage, GeoParquet, ACLED CSV) into one schema.

The schema is what the extraction writes to ``events.geojson``; :data:`COLUMNS` lists it.
Problems (events without coordinates, unreadable dates, repaired geometries, ...) do not stop
reading: they are collected as one-line messages in ``frame.attrs["problems"]``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape as geojson_shape
from shapely.geometry.base import BaseGeometry

from geomap.errors import InputError
from geomap.model import Event
from geomap.render.schema import COLUMNS, EXPECTED, normalise, sort_events

__all__ = ["COLUMNS", "as_frame", "events_frame", "normalise", "read_events"]


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
        raise InputError(f"{p}: the file is empty; {EXPECTED}")
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
        raise InputError(f"{p}: no events in the file; {EXPECTED}")
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
        if events.attrs.get("geomap_schema") == 1 and set(COLUMNS) <= set(events.columns):
            return sort_events(events)
        table, geoms = _split_geometry(events)  # to EPSG:4326 if needed
        return normalise(table, geoms, name="frame")
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
            xy = np.asarray([raw[i]["coordinates"][:2] for i in pts],  # type: ignore[index]
                            dtype=np.float64)
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
        raise InputError(f"{path}: no rows; {EXPECTED}") from err
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise InputError(f"{path}: not a readable UTF-8 CSV ({err}); {EXPECTED}") from err


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


