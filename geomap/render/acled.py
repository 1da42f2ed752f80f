"""ACLED export columns → the project's event schema.

ACLED's codebook: ``time_precision`` 1 = the day is known, 2 = the week, 3 = the month;
``geo_precision`` 1 = the named town, 2 = near it or a part of a region, 3 = a larger
region (the province). ``sub_event_type`` is finer than ``event_type`` and decides first.

geomap's own ``events.csv`` is an ACLED-like table with extra columns (``event_id``,
``event_date_end``, ``date_precision``, ``geomap_type``, ``actors``, ``sources`` as JSON,
``place_id``, ``place_kind``, ``confidence``, ``resolution``, ``date_note``); when present they
win over what the ACLED columns imply, so the file reads back without loss.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

#: Columns that mark a table as an ACLED export.
ACLED_MARKERS = frozenset({"event_date", "sub_event_type", "latitude", "longitude"})

#: ACLED sub-event type (lower case) → project event type.
SUB_EVENT_TYPES: dict[str, str] = {
    "armed clash": "armed_clash",
    "government regains territory": "territorial_change",
    "non-state actor overtakes territory": "territorial_change",
    "non-violent transfer of territory": "territorial_change",
    "shelling/artillery/missile attack": "shelling",
    "air/drone strike": "shelling",
    "remote explosive/landmine/ied": "shelling",
    "grenade": "shelling",
    "suicide bomb": "attack_on_civilians",
    "attack": "attack_on_civilians",
    "abduction/forced disappearance": "attack_on_civilians",
    "sexual violence": "attack_on_civilians",
    "peaceful protest": "protest",
    "protest with intervention": "protest",
    "excessive force against protesters": "protest",
    "violent demonstration": "protest",
    "mob violence": "protest",
    "agreement": "ceasefire",
    "headquarters or base established": "troop_deployment",
    "change to group/activity": "troop_deployment",  # as geomap.events.ACLED_TYPES writes it
}

#: ACLED event type (lower case) → project event type, when the sub-event type says nothing.
EVENT_TYPES: dict[str, str] = {
    "battles": "armed_clash",
    "explosions/remote violence": "shelling",
    "violence against civilians": "attack_on_civilians",
    "protests": "protest",
    "riots": "protest",
    "strategic developments": "other",
}

_GEO_PRECISION = {
    "1": ("city", "ACLED geo_precision 1: the named town"),
    "2": ("admin2", "ACLED geo_precision 2: near the named place or part of a region"),
    "3": ("admin1", "ACLED geo_precision 3: a larger region (province)"),
}


def is_acled(columns: list[str]) -> bool:
    """True when the (lower-cased) columns look like an ACLED export."""
    return ACLED_MARKERS <= set(columns)


def event_type(acled_type: str, sub_event_type: str) -> str:
    """The project's event type for an ACLED (event_type, sub_event_type) pair.

    >>> event_type("Explosions/Remote violence", "Shelling/artillery/missile attack")
    'shelling'
    >>> event_type("Strategic developments", "Looting/property destruction")
    'other'
    """
    sub = SUB_EVENT_TYPES.get(sub_event_type.strip().lower())
    if sub is not None:
        return sub
    return EVENT_TYPES.get(acled_type.strip().lower(), "other")


def _parse_day(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%m/%d/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _span(day: dt.date, precision: str) -> tuple[dt.date, dt.date, str, str]:
    """(start, end, precision, note) for an ACLED date and its time_precision."""
    if precision == "2":
        start, end = day - dt.timedelta(days=3), day + dt.timedelta(days=3)
        return start, end, "interval", "ACLED time_precision 2: the week around the date"
    if precision == "3":
        start = day.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return start, nxt - dt.timedelta(days=1), "month", "ACLED time_precision 3: the month"
    return day, day, "day", ""


def to_schema(frame: pd.DataFrame) -> pd.DataFrame:
    """Map an ACLED table (lower-cased columns, string cells) onto the project's columns.

    Cells stay strings where the schema reader parses them later (coordinates,
    fatalities); lists (actors, sources) are built here.
    """

    def col(name: str) -> list[str]:
        if name in frame.columns:
            return [str(v) for v in frame[name].fillna("").tolist()]
        return [""] * len(frame)

    dates, tprec = col("event_date"), col("time_precision")
    starts: list[str | None] = []
    ends: list[str | None] = []
    precisions: list[str | None] = []
    notes: list[str] = []
    for text, prec in zip(dates, tprec, strict=True):
        day = _parse_day(text)
        if day is None:
            starts.append(None)
            ends.append(None)
            precisions.append(None)
            notes.append(f"unreadable ACLED event_date {text!r}" if text.strip() else "")
            continue
        start, end, precision, note = _span(day, prec.strip())
        starts.append(start.isoformat())
        ends.append(end.isoformat())
        precisions.append(precision)
        notes.append(note)

    kinds, resolutions = [], []
    for gp in col("geo_precision"):
        kind, why = _GEO_PRECISION.get(gp.strip(), ("city", "ACLED coordinates"))
        kinds.append(kind)
        resolutions.append(why)

    actors: list[list[str]] = []
    for row in zip(
        col("actor1"), col("assoc_actor_1"), col("actor2"), col("assoc_actor_2"), strict=True
    ):
        names: list[str] = []
        for cell in row:
            for name in cell.split(";"):
                if name.strip() and name.strip() not in names:
                    names.append(name.strip())
        actors.append(names)

    sources: list[Any] = [
        [{"publisher": s.strip()} for s in cell.split(";") if s.strip()] for cell in col("source")
    ]
    ids = col("event_id_cnty") if "event_id_cnty" in frame.columns else col("event_id")
    types = [event_type(t, s) for t, s in zip(col("event_type"), col("sub_event_type"), strict=True)]
    # geomap's own extra columns, when the file is a geomap events.csv
    if "geomap_type" in frame.columns:
        types = [g.strip() or t for g, t in zip(col("geomap_type"), types, strict=True)]
    if "event_date_end" in frame.columns:
        ends = [e.strip() or None for e in col("event_date_end")]  # blank: one day, or open
    if "date_precision" in frame.columns:  # geomap's own precision: the date is the start as is
        own = [p.strip() for p in col("date_precision")]
        days = [_parse_day(d) for d in dates]
        starts = [d.isoformat() if p and d else s
                  for p, d, s in zip(own, days, starts, strict=True)]
        precisions = [p or q for p, q in zip(own, precisions, strict=True)]
    if "actors" in frame.columns:
        actors = [[a.strip() for a in cell.split(";") if a.strip()] or acts
                  for cell, acts in zip(col("actors"), actors, strict=True)]
    if "sources" in frame.columns:  # JSON: the schema reader parses it
        sources = [cell if cell.strip() else s for cell, s in zip(col("sources"), sources, strict=True)]
    extra = {c: col(c) for c in ("place_id", "confidence", "date_note") if c in frame.columns}
    if "place_kind" in frame.columns:
        kinds = [k.strip() or kind for k, kind in zip(col("place_kind"), kinds, strict=True)]
    if "resolution" in frame.columns:
        resolutions = [r.strip() or why for r, why in zip(col("resolution"), resolutions, strict=True)]
    if "date_note" in extra:
        notes = [n.strip() or note for n, note in zip(extra.pop("date_note"), notes, strict=True)]
    out = pd.DataFrame(
        {
            "id": [i.strip() or None for i in ids],
            "date_start": starts,
            "date_end": ends,
            "date_precision": precisions,
            "date_text": dates,
            "date_note": notes,
            "event_type": types,
            "place_name": col("location"),
            "place_kind": kinds,
            "country": col("country"),
            "resolution": resolutions,
            "actors": actors,
            "fatalities": col("fatalities"),
            "quote": col("notes"),
            "sources": sources,
            "lat": col("latitude"),
            "lon": col("longitude"),
            **extra,
        },
        index=frame.index,
    )
    return out
