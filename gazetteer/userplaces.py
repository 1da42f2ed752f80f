"""User places: CSV, YAML or GeoJSON files whose entries take precedence over the index.

CSV columns: ``name, lat, lon`` (required), ``kind, country, aliases, id, population``
(optional; aliases separated by ``|`` or ``;``). YAML: a list, or ``places:`` holding a list, of
mappings with the same fields plus an optional GeoJSON ``geometry``. GeoJSON: a FeatureCollection
whose features carry ``name`` (and optionally the other fields) in their properties.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import yaml

from .build import _Place, curated_place
from .errors import GazetteerError, UserPlacesError

REQUIRED = ("name", "lat", "lon")


def load_user_places(path: str | os.PathLike[str]) -> list[_Place]:
    """Read one user places file; raise :class:`UserPlacesError` with the fix when malformed."""
    p = Path(path)
    if not p.is_file():
        raise UserPlacesError(f"user places file {str(p)!r} does not exist; give a CSV, YAML or GeoJSON file")
    suffix = p.suffix.lower()
    try:
        text = p.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise UserPlacesError(f"cannot read user places file {str(p)!r}: {err}; save it as UTF-8") from err
    try:
        if suffix == ".csv":
            entries = _csv_entries(text, p)
        elif suffix in (".yaml", ".yml"):
            entries = _yaml_entries(text, p)
        elif suffix in (".geojson", ".json"):
            entries = _geojson_entries(text, p)
        else:
            raise UserPlacesError(
                f"user places file {str(p)!r} has suffix {suffix!r}; expected .csv, .yaml/.yml or .geojson"
            )
        return [curated_place(e, base=p.parent, prefix="user") for e in entries]
    except UserPlacesError:
        raise
    except GazetteerError as err:
        raise UserPlacesError(f"{p}: {err}") from err
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as err:  # shapely's errors are ValueErrors
        raise UserPlacesError(
            f"user places file {str(p)!r} has a bad value ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else err!r}); "
            "check the name, lat/lon, population, aliases and geometry fields"
        ) from err


def _csv_entries(text: str, p: Path) -> list[dict[str, Any]]:
    reader = csv.DictReader(text.splitlines())
    cols = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise UserPlacesError(
            f"user places CSV {str(p)!r} lacks column(s) {', '.join(missing)}; "
            f"expected header: name,lat,lon[,kind,country,aliases,id,population] (found: {', '.join(cols) or 'none'})"
        )
    out = []
    for lineno, row in enumerate(reader, start=2):
        entry = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            entry["lat"], entry["lon"] = float(entry["lat"]), float(entry["lon"])
        except ValueError as err:
            raise UserPlacesError(
                f"user places CSV {str(p)!r} line {lineno}: lat/lon {entry.get('lat')!r}, "
                f"{entry.get('lon')!r} are not numbers; write decimal degrees like 39.51,46.34"
            ) from err
        aliases = entry.get("aliases", "")
        entry["aliases"] = [a.strip() for a in aliases.replace(";", "|").split("|") if a.strip()]
        out.append({k: v for k, v in entry.items() if v not in ("", None)})
    return out


def _yaml_entries(text: str, p: Path) -> list[dict[str, Any]]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise UserPlacesError(f"user places YAML {str(p)!r} is not valid YAML: {str(err).splitlines()[0]}") from err
    if isinstance(doc, dict):
        doc = doc.get("places")
    if not isinstance(doc, list) or not all(isinstance(e, dict) for e in doc):
        raise UserPlacesError(
            f"user places YAML {str(p)!r} must hold a list of places (or 'places:' with a list), "
            "each with name and lat/lon or geometry"
        )
    return doc


def _geojson_entries(text: str, p: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise UserPlacesError(f"user places GeoJSON {str(p)!r} is not valid JSON: {err}") from err
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list):
        raise UserPlacesError(f"user places GeoJSON {str(p)!r} must be a FeatureCollection")
    out = []
    for i, f in enumerate(feats):
        props = dict((f or {}).get("properties") or {})
        if "name" not in props:
            raise UserPlacesError(f"user places GeoJSON {str(p)!r} feature {i} has no 'name' property")
        props["geometry"] = f.get("geometry")
        if props["geometry"] and props["geometry"].get("type") == "Point":
            lon, lat = props["geometry"]["coordinates"][:2]
            props.setdefault("lat", lat)
            props.setdefault("lon", lon)
        out.append(props)
    return out
