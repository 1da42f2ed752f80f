"""The :class:`Gazetteer`: exact, feature-word and fuzzy lookup over the embedded index.

>>> g = Gazetteer()                                    # doctest: +SKIP
>>> g.resolve("Khankendi").name == g.resolve("Stepanakert").name   # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from . import rank
from .build import SCHEMA_VERSION, _Place, data_digest
from .errors import IndexUnavailable, InvalidQuery
from .normalize import (
    FEATURE_WORDS,
    MAX_NAME_LENGTH,
    name_key,
    spelling,
    split_feature_word,
    strip_article,
)
from .place import Place
from .userplaces import load_user_places

INDEX_NAME = f"gazetteer-v{SCHEMA_VERSION}.sqlite"
_CANDIDATES = 80
#: A trailing word that asks for an airport, as a feature word asks for a kind of unit.
_AIRPORT_WORDS = frozenset({"airport", "airfield", "aerodrome"})
_FUZZY_CUTOFF = 82.0
_SQL = (
    "SELECT n.srank, n.match, p.pid, p.id, p.name, p.kind, p.country, p.admin1, p.admin2, "
    "p.lat, p.lon, p.population, p.source FROM names n JOIN places p ON p.pid = n.pid "
    "WHERE n.key = ? ORDER BY n.srank LIMIT ?"
)


def default_index_path() -> Path:
    """Where ``gazetteer build`` writes and :class:`Gazetteer` looks by default.

    Inside the Python environment (``<prefix>/share/geomap``) when writable, else the user cache.
    """
    env_dir = Path(sys.prefix) / "share" / "geomap"
    user_dir = Path.home() / ".cache" / "geomap"
    for d in (env_dir, user_dir):
        if (d / INDEX_NAME).exists():
            return d / INDEX_NAME
    if os.access(sys.prefix, os.W_OK):
        return env_dir / INDEX_NAME
    return user_dir / INDEX_NAME


@dataclass(frozen=True, slots=True)
class Context:
    """What a caller knows that helps choose among same-named places.

    ``countries``: ISO alpha-2 codes the text is about (the first is the strongest hint);
    ``bbox``: (min_lat, min_lon, max_lat, max_lon); ``near``: (lat, lon) of places already
    resolved nearby; ``kinds``: kinds the caller expects (e.g. from a feature word).
    """

    countries: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    near: tuple[tuple[float, float], ...] = ()
    kinds: tuple[str, ...] = ()

    def key(self) -> tuple[Any, ...]:
        return (self.countries, self.bbox, self.near, self.kinds)


@dataclass(frozen=True, slots=True)
class ReverseResult:
    """The units that contain a point (admin-2 is that of the nearest populated place)."""

    lat: float
    lon: float
    country: Place | None
    admin1: Place | None
    admin2: Place | None
    nearest: Place | None = None
    nearest_km: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country.to_dict(geometry=False) if self.country else None,
            "admin1": self.admin1.to_dict(geometry=False) if self.admin1 else None,
            "admin2": self.admin2.to_dict(geometry=False) if self.admin2 else None,
            "nearest": self.nearest.to_dict(geometry=False) if self.nearest else None,
            "nearest_km": None if self.nearest_km is None else round(self.nearest_km, 2),
        }


_Row = tuple[float, int, int, str, str, str, "str | None", "str | None", "str | None", float, float, int, str]


@dataclass
class _Reverse:
    units: Any  # STRtree of country + admin-1 polygons
    unit_pids: list[int]
    points: Any  # STRtree of populated places
    point_pids: list[int]


@dataclass(slots=True)
class _Ranked:
    """A name's ranked candidates and the places built from the first of them so far."""

    ranked: list[tuple[float, _Row | _Place, int, list[str], str]]
    made: list[Place] = field(default_factory=list)


@dataclass
class _Fuzzy:
    buckets: dict[tuple[str, str, int], list[str]] = field(default_factory=lambda: defaultdict(list))


class Gazetteer:
    """Offline place-name lookup over the embedded index.

    Parameters
    ----------
    path
        The index file; :func:`default_index_path` when None. Build it with ``gazetteer build``.
    user_places
        CSV, YAML or GeoJSON files of places that take precedence over the index.
    cache_size
        How many lookups to remember (a document names the same places again and again).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        user_places: Iterable[str | os.PathLike[str]] = (),
        cache_size: int = 4096,
    ) -> None:
        self.path = Path(path) if path is not None else default_index_path()
        if not self.path.is_file():
            raise IndexUnavailable(
                f"gazetteer index not found at {self.path}; build it with `gazetteer build` "
                "(or `make run`), or pass the path of an existing index"
            )
        try:
            self._con = sqlite3.connect(
                f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            meta = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as err:
            raise IndexUnavailable(
                f"gazetteer index {self.path} is unreadable or corrupt ({err}); rebuild it with `gazetteer build`"
            ) from err
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexUnavailable(
                f"gazetteer index {self.path} has schema {meta.get('schema')!r}, this version needs "
                f"{SCHEMA_VERSION!r}; rebuild it with `gazetteer build`"
            )
        self.meta = meta
        self._cache: OrderedDict[tuple[Any, ...], _Ranked] = OrderedDict()
        self._cache_size = cache_size
        self._shapes: dict[int, BaseGeometry | None] = {}
        try:
            self._shaped = frozenset(pid for (pid,) in self._con.execute("SELECT pid FROM shapes"))
        except sqlite3.DatabaseError as err:
            raise self._damaged(err) from err
        self._reverse: _Reverse | None = None
        self._fuzzy: _Fuzzy | None = None
        self._user: dict[str, list[tuple[_Place, int]]] = defaultdict(list)
        self._user_count = 0
        for up in user_places:
            for p in load_user_places(up):
                self._user_count += 1
                for key, match in p.names.items():
                    self._user[key].append((p, match))

    # -- public API ----------------------------------------------------------------------------
    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        context: Context | None = None,
        limit: int = 10,
        fuzzy: bool = True,
    ) -> list[Place]:
        """Candidates for ``name``, best first (empty when nothing matches).

        ``country`` (ISO alpha-2) is a strong hint, not a filter; ``context`` adds more hints.
        Raises :class:`~gazetteer.InvalidQuery` for a name that is not a usable string.
        """
        key = _check_name(name)
        if not isinstance(limit, int) or limit < 1:
            raise InvalidQuery(f"limit must be a positive integer, got {limit!r}")
        ctx = context or Context()
        if country:
            cc = _check_country(country)
            ctx = Context((cc, *ctx.countries), ctx.bbox, ctx.near, ctx.kinds)
        form = spelling(name)
        # one ranking per name and context, whatever the limit; places are built as far as asked
        ck = (key, form, ctx.key(), fuzzy)
        hit = self._cache.get(ck)
        if hit is not None:
            self._cache.move_to_end(ck)
        else:
            try:
                hit = _Ranked(self._rank(key, ctx, fuzzy, form))
            except sqlite3.DatabaseError as err:
                raise self._damaged(err) from err
            self._cache[ck] = hit
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        made, ranked = hit.made, hit.ranked
        while len(made) < limit and len(made) < len(ranked):
            made.append(self._make(*ranked[len(made)]))
        return made[:limit]

    def resolve(self, name: str, *, context: Context | None = None, country: str | None = None) -> Place | None:
        """The best place for ``name`` in ``context``, or None."""
        found = self.lookup(name, context=context, country=country, limit=1)
        return found[0] if found else None

    def reverse(self, lat: float, lon: float) -> ReverseResult:
        """The country, admin-1 and admin-2 that contain a point, and the nearest populated place."""
        lat, lon = _check_point(lat, lon)
        try:
            return self._reverse_at(lat, lon)
        except sqlite3.DatabaseError as err:
            raise self._damaged(err) from err

    def _damaged(self, err: Exception) -> IndexUnavailable:
        return IndexUnavailable(
            f"gazetteer index {self.path} is damaged ({err}); rebuild it with `gazetteer build`"
        )

    def _reverse_at(self, lat: float, lon: float) -> ReverseResult:
        rv = self._reverse_tree()
        pt = shapely.Point(lon, lat)
        country = admin1 = admin2 = None
        for i in sorted(rv.units.query(pt, predicate="intersects")):
            place = self._place_by_pid(rv.unit_pids[i])
            if place.kind == "country" and country is None:
                country = place
            elif place.kind == "admin1" and admin1 is None:
                admin1 = place
            elif place.kind == "admin2" and admin2 is None:
                admin2 = place
        if admin1 is None and admin2 is not None and admin2.admin1:
            admin1 = self._named(admin2.admin1, "admin1", admin2.country)
        if country is not None and admin1 is not None and admin1.country and admin1.country != country.country:
            # Natural Earth's country and admin-1 layers disagree on a disputed area (Crimea: RU in
            # one, UA in the other): answer with one of them, the admin-1's ISO 3166-2 country
            other = country.name
            country = self._named(self.meta_country_name(admin1.country), "country", admin1.country)
            if country is not None:
                country = country.with_score(country.score, f"{country.reason}; disputed: the country layer "
                                                           f"gives {other}, the first-level unit {admin1.name} is in "
                                                           f"{admin1.country} (ISO 3166-2)")
        if admin2 is not None and country is not None and admin2.country != country.country:
            admin2 = None
        nearest = None
        dist = None
        if rv.point_pids:
            j = int(rv.points.nearest(pt))
            nearest = self._place_by_pid(rv.point_pids[j])
            dist = rank.haversine_km(lat, lon, nearest.lat, nearest.lon)
            if country is None and dist < 25 and nearest.country:
                # coastlines are simplified: a harbour city may fall just outside its polygon
                country = self._named(self.meta_country_name(nearest.country), "country", nearest.country)
            same_country = country is None or nearest.country == country.country
            if admin2 is None and nearest.admin2 and same_country and dist < 50:
                admin2 = self._named(nearest.admin2, "admin2", nearest.country)
            if admin1 is None and nearest.admin1 and same_country and dist < 50:
                admin1 = self._named(nearest.admin1, "admin1", nearest.country)
        return ReverseResult(lat, lon, country, admin1, admin2, nearest, dist)

    def meta_country_name(self, code: str) -> str:
        row = self._con.execute(
            "SELECT name FROM places WHERE kind = 'country' AND country = ? LIMIT 1", (code,)
        ).fetchone()
        return str(row[0]) if row else code

    def _named(self, name: str, kind: str, country: str | None) -> Place | None:
        """The place of a given kind and country called ``name`` (for admin names of a city)."""
        for p in self.lookup(name, limit=50, fuzzy=False, country=country):
            if p.kind == kind and p.country == country:
                return p
        return None

    def name_keys(self, *, min_score: float = 1.3) -> frozenset[str]:
        """Keys of the names whose best static score (match + kind + population) reaches ``min_score``.

        A text matcher uses them to spot place names without asking the index for every word.
        """
        rows = self._con.execute("SELECT DISTINCT key FROM names WHERE srank <= ?", (-min_score,))
        return frozenset(k for (k,) in rows)

    def shape(self, place_id: str) -> BaseGeometry | None:
        """The polygon or line the index holds for the place with this id (None for a point).

        Lets a process that received places without their shapes (to keep them small) put them
        back: ``replace(place, geometry=gaz.shape(place.id))``.
        """
        row = self._con.execute("SELECT pid FROM places WHERE id = ?", (place_id,)).fetchone()
        return None if row is None else self._shape(row[0])

    def info(self) -> dict[str, Any]:
        """Counts, sources, licences and build date of the index."""
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "schema": self.meta.get("schema"),
            "built": self.meta.get("built"),
            "places": json.loads(self.meta.get("counts", "{}")),
            "names": int(self.meta.get("names", 0)),
            "user_places": self._user_count,
            "sources": json.loads(self.meta.get("sources", "[]")),
            # built from the curated places and boundaries this version ships (False: rebuild)
            "data_current": self.meta.get("data_sha256") == data_digest(),
        }

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------------
    def _rows(self, key: str) -> list[_Row]:
        return self._con.execute(_SQL, (key, _CANDIDATES)).fetchall()

    def _rank(self, key: str, ctx: Context, fuzzy: bool,
              form: str | None = None) -> list[tuple[float, _Row | _Place, int, list[str], str]]:
        """Every candidate for ``key`` in ``ctx``, best first: (raw score, row, match, reasons, matched key)."""
        # (raw score, row, how) per place id; the first way a place matched wins
        scored: dict[str, tuple[float, _Row | _Place, int, str]] = {}
        matched: dict[str, str] = {}  # place id → the key it matched
        key = strip_article(key)
        base, feature = split_feature_word(key)
        feature_kinds = FEATURE_WORDS[feature] if feature else ()
        head, _, last = key.rpartition(" ")
        if feature is None and head and last in _AIRPORT_WORDS:
            # "Moscow airport" when no airport has that name: the city, not a fuzzy stranger
            base, feature, feature_kinds = head, last, ("airport",)
        hint_kinds = tuple(ctx.kinds) + feature_kinds
        keys = [key] if base == key else [key, base]
        for k in keys:
            for row in self._rows(k):
                if row[3] not in scored:
                    scored[row[3]] = (-row[0], row, row[1], "")
                    matched[row[3]] = k
            for up, match in self._user.get(k, ()):
                static = rank.static_score(match, up.kind, up.population) + rank.USER_BONUS
                scored[up.id] = (static, up, match, "")
                matched[up.id] = k
        if not scored and fuzzy:
            for k, sim in self._fuzzy_keys(base):
                for row in self._rows(k):
                    if row[3] not in scored:
                        raw = -row[0] - rank.MATCH_WEIGHT[row[1]] + rank.FUZZY_WEIGHT * sim
                        scored[row[3]] = (raw, row, -1, f"fuzzy match '{k}' ({sim:.0%})")
                        matched[row[3]] = k
        if not scored:
            return []
        unit_word = feature is not None and feature not in _AIRPORT_WORDS  # "Tovuz district"
        namesakes = self._city_namesakes(scored) if not unit_word and len(scored) > 1 else {}
        spelled: set[int] = set()
        if form is not None and len(scored) > 1:
            pids = [rec[2] for _, rec, _, _ in scored.values() if not isinstance(rec, _Place)]
            marks = ",".join("?" * len(pids))
            spelled = {r[0] for r in self._con.execute(
                f"SELECT pid FROM forms WHERE form = ? AND pid IN ({marks})", (form, *pids))}
        ranked = []
        for pid, (raw, rec, match, note) in scored.items():
            kind, country, lat, lon, pop = _fields(rec)
            terms: list[str] = [note] if note else []
            if base != key and matched[pid] == key:
                raw += rank.WHOLE_NAME  # "Quebec City" is a name of Québec, "Quebec" of another town
                terms.append("the whole name")
            if hint_kinds:
                if kind in hint_kinds:
                    raw += rank.FEATURE_MATCH
                    terms.append(f"'{feature}' → {kind}" if feature else f"expected {kind}")
                else:
                    raw += rank.FEATURE_MISMATCH
            if ctx.countries:
                if country == ctx.countries[0]:
                    raw += rank.COUNTRY_MATCH
                    terms.append(f"in {country}")
                elif country in ctx.countries:
                    raw += rank.COUNTRY_MATCH / 2
                    terms.append(f"in {country}, named in the text")
                elif kind != "continent":
                    raw += rank.COUNTRY_MISMATCH
            if ctx.bbox and ctx.bbox[0] <= lat <= ctx.bbox[2] and ctx.bbox[1] <= lon <= ctx.bbox[3]:
                raw += rank.BBOX_INSIDE
                terms.append("inside the given area")
            if ctx.near:
                d = min(rank.haversine_km(lat, lon, a, b) for a, b in ctx.near)
                bonus = rank.NEAR_WEIGHT * math.exp(-d / rank.NEAR_SCALE_KM)
                raw += bonus
                if bonus > 0.1:
                    terms.append(f"{d:.0f} km from places nearby")
            if spelled and not isinstance(rec, _Place) and rec[2] in spelled:
                raw += rank.SPELLING_MATCH
                terms.append(f"spelled '{form}'")
            if pid in namesakes:
                raw += rank.CAPITAL_NAMESAKE
                terms.append(f"the city {namesakes[pid]} is meant more often")
            ranked.append((raw, pid, rec, match, terms))
        ranked.sort(key=lambda t: (-t[0], t[1]))
        return [(raw, rec, match, terms, matched[pid]) for raw, pid, rec, match, terms in ranked]

    def _city_namesakes(self, scored: dict[str, tuple[float, _Row | _Place, int, str]]) -> dict[str, str]:
        """Admin units named like a city inside them that holds a quarter of their people: the bare
        name means the city ("Murcia"; not Louisiana for Los Angeles, both "LA")."""
        cities = [(rec[4], rec[6], rec[11], rec[7], rec[8]) for _, rec, m, _ in scored.values()
                  if not isinstance(rec, _Place) and rec[5] == "city" and m >= 0]
        out: dict[str, str] = {}
        if not cities:
            return out
        for pid, (_, rec, _m, _) in scored.items():
            if isinstance(rec, _Place) or rec[5] not in ("admin1", "admin2"):
                continue
            for cname, ccountry, cpop, cadmin1, cadmin2 in cities:
                inside = cadmin1 == rec[4] if rec[5] == "admin1" else (cadmin2 == rec[4] or cadmin1 == rec[7])
                if ccountry == rec[6] and inside and cpop >= 0.25 * rec[11]:
                    out[pid] = cname
                    break
        return out

    def _make(self, raw: float, rec: _Row | _Place, match: int, terms: list[str], matched: str = "") -> Place:
        if isinstance(rec, _Place):
            why = f"{rank.MATCH_WORDS.get(match, 'name')} of user place {rec.name}"
            return Place(
                id=rec.id, name=rec.name, kind=rec.kind, country=rec.country, lat=rec.lat, lon=rec.lon,
                admin1=rec.admin1, admin2=rec.admin2, population=rec.population, source=rec.source,
                score=rank.to_unit(raw), reason="; ".join([why, *terms]), geometry=rec.geometry,
                matched=matched,
            )
        _s, m, pid, ident, name, kind, country, admin1, admin2, lat, lon, pop, source = rec
        fuzzy = match == -1
        what = {"admin1": "admin-1", "admin2": "admin-2"}.get(kind, kind)
        where = f" of {country}" if country and kind in ("admin1", "admin2") else (f", {country}" if country else "")
        why = f"{'fuzzy' if fuzzy else rank.MATCH_WORDS[m]} of {what} {name}{where}"
        if pop:
            why += f" (pop. {pop:,})"
        return Place(
            id=ident, name=name, kind=kind, country=country, lat=lat, lon=lon, admin1=admin1,
            admin2=admin2, population=pop, source=source, score=rank.to_unit(raw),
            reason="; ".join([why, *terms]), geometry=self._shape(pid), fuzzy=fuzzy, matched=matched,
        )

    def _shape(self, pid: int) -> BaseGeometry | None:
        if pid not in self._shaped:
            return None
        if pid not in self._shapes:
            row = self._con.execute("SELECT wkb FROM shapes WHERE pid = ?", (pid,)).fetchone()
            self._shapes[pid] = shapely.from_wkb(row[0]) if row else None
        return self._shapes[pid]

    def _place_by_pid(self, pid: int) -> Place:
        row = self._con.execute(
            "SELECT 0, 0, p.pid, p.id, p.name, p.kind, p.country, p.admin1, p.admin2, p.lat, p.lon, "
            "p.population, p.source FROM places p WHERE p.pid = ?", (pid,)
        ).fetchone()
        return self._make(0.0, row, rank.MATCH_NAME, ["contains the point"])

    def _reverse_tree(self) -> _Reverse:
        if self._reverse is None:
            unit_pids, geoms = [], []
            for pid, wkb in self._con.execute(
                "SELECT s.pid, s.wkb FROM shapes s JOIN places p ON p.pid = s.pid "
                "WHERE p.kind IN ('country', 'admin1', 'admin2') ORDER BY s.pid"
            ):
                unit_pids.append(pid)
                geoms.append(shapely.from_wkb(wkb))
            point_pids, lons, lats = [], [], []
            for pid, lat, lon in self._con.execute(
                "SELECT pid, lat, lon FROM places WHERE kind = 'city' ORDER BY pid"
            ):
                point_pids.append(pid)
                lats.append(lat)
                lons.append(lon)
            self._reverse = _Reverse(
                shapely.STRtree(geoms), unit_pids, shapely.STRtree(shapely.points(lons, lats)), point_pids
            )
        return self._reverse

    def _fuzzy_keys(self, key: str) -> list[tuple[str, float]]:
        """Keys within a small edit distance of ``key`` among the notable names.

        Misspellings mostly keep a name's first and last letters, so keys sharing both (and a
        length within two) are tried first, a few hundred strings; only when none is close enough
        are keys sharing one of them tried, tens of thousands.
        """
        from rapidfuzz import fuzz, process

        if len(key) < 4:
            return []
        fz = self._fuzzy_table()
        lengths = range(len(key) - 2, len(key) + 3)
        tiers = (
            [(key[0], key[-1], n) for n in lengths],
            [(key[0], "", n) for n in lengths] + [("", key[-1], n) for n in lengths],
        )
        for tier in tiers:
            best: dict[str, float] = {}
            for bucket in tier:
                choices = fz.buckets.get(bucket)
                if not choices:
                    continue
                for k, s, _ in process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=5):
                    best[k] = max(best.get(k, 0.0), s)
            if best:
                top = sorted(best.items(), key=lambda ks: (-ks[1], ks[0]))[:5]
                return [(k, s / 100.0) for k, s in top]
        return []

    def _fuzzy_table(self) -> _Fuzzy:
        if self._fuzzy is None:
            fz = _Fuzzy()
            seen: set[str] = set()
            # names and aliases, and alternate names of places with some prominence
            rows = self._con.execute("SELECT key FROM names WHERE match < 2 OR srank < -1.25 ORDER BY key")
            for (k,) in rows:
                if k not in seen:
                    seen.add(k)
                    n = len(k)
                    fz.buckets[(k[0], k[-1], n)].append(k)
                    fz.buckets[(k[0], "", n)].append(k)
                    fz.buckets[("", k[-1], n)].append(k)
            self._fuzzy = fz
        return self._fuzzy


def _fields(rec: _Row | _Place) -> tuple[str, str | None, float, float, int]:
    if isinstance(rec, _Place):
        return rec.kind, rec.country, rec.lat, rec.lon, rec.population
    return rec[5], rec[6], rec[9], rec[10], rec[11]


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise InvalidQuery(f"a place name must be a string, got {type(name).__name__} {name!r:.40}")
    if not name.strip():
        raise InvalidQuery("the place name is empty; give a name such as 'Stepanakert'")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InvalidQuery(
            "the place name holds bytes that are not text (undecodable input); pass UTF-8 text"
        ) from err
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidQuery(
            f"the place name is {len(name):,} characters long; place names are at most "
            f"{MAX_NAME_LENGTH} (pass one name, not a text: use `geomap geoparse` for texts)"
        )
    return name_key(name)


def _check_country(country: object) -> str:
    if not isinstance(country, str) or len(country.strip()) != 2 or not country.strip().isalpha():
        raise InvalidQuery(f"country must be an ISO 3166-1 alpha-2 code such as 'AM' or 'US', got {country!r}")
    return country.strip().upper()


def _check_point(lat: object, lon: object) -> tuple[float, float]:
    try:
        la, lo = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise InvalidQuery(f"coordinates must be numbers, got lat={lat!r}, lon={lon!r}") from err
    if not (math.isfinite(la) and math.isfinite(lo)) or not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise InvalidQuery(
            f"coordinates out of range: lat={lat!r}, lon={lon!r}; lat must be in [-90, 90] and lon in [-180, 180]"
        )
    return la, lo

