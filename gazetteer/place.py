"""The :class:`Place` record every lookup returns."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from shapely.geometry.base import BaseGeometry

#: Kinds of place, from largest to smallest.
KINDS = (
    "continent",
    "country",
    "region",  # a historical or disputed region (Nagorno-Karabakh)
    "admin1",  # province, oblast, marz, rayon of AZ, state
    "admin2",  # district, county, municipality
    "city",  # populated place
    "corridor",  # a road or corridor (Lachin corridor)
    "airport",  # an airport with an IATA code (airportsdata)
    "feature",  # anything else a user or the curated file adds
)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place.

    Coordinates are WGS84 degrees, named ``lat``/``lon``; :meth:`to_geojson`
    is the one place that turns them into GeoJSON's (lon, lat) order.
    """

    id: str
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    admin1: str | None = None
    admin2: str | None = None
    population: int = 0
    source: str = ""
    score: float = 0.0
    reason: str = ""
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)
    matched: str = ""  # the name form that matched the query
    fuzzy: bool = False

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # positional fields: pickles five times faster than the default for slotted dataclasses
        # (places travel from geoparsing worker processes by the thousand)
        return (self.__class__, tuple(getattr(self, n) for n in self.__dataclass_fields__))

    def with_score(self, score: float, reason: str) -> Place:
        """Copy with another score and reason."""
        return replace(self, score=score, reason=reason)

    def geometry_geojson(self) -> dict[str, Any] | None:
        """The polygon or line of the place as a GeoJSON geometry, or None for a point."""
        if self.geometry is None or self.geometry.geom_type == "Point":
            return None
        from shapely.geometry import mapping

        return dict(mapping(self.geometry))

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON geometry: the shape when there is one, else the point."""
        shape = self.geometry_geojson()
        if shape is not None:
            return shape
        return {"type": "Point", "coordinates": [self.lon, self.lat]}

    def to_dict(self, *, geometry: bool = True) -> dict[str, Any]:
        """Plain JSON-ready dict (what ``gazetteer lookup --json`` prints)."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "population": self.population,
            "source": self.source,
            "score": round(self.score, 4),
            "reason": self.reason,
            "matched": self.matched,
            "fuzzy": self.fuzzy,
        }
        shape = self.geometry_geojson() if geometry else None
        if shape is not None:
            out["geometry"] = json.loads(json.dumps(shape))
        return out
