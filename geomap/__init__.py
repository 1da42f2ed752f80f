"""geomap: news reports to dated, interactive, offline maps.

>>> import geomap                                              # doctest: +SKIP
>>> doc = geomap.geoparse("Fighting erupted in Syunik on Tuesday.", published=datetime.date(2021, 11, 17))
>>> [m.place.name for m in doc.toponyms], doc.dates[0].start   # doctest: +SKIP
(["Syunik'"], datetime.date(2021, 11, 16))
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import GeomapError, InputError, ModelUnavailable, RenderError
from .model import Document, Event, Mention, Source, TimeSpan, UnreadDate

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from gazetteer import Place

    from .pipeline import Geoparser

__all__ = [
    "Document",
    "Event",
    "GeomapError",
    "InputError",
    "Mention",
    "ModelUnavailable",
    "RenderError",
    "Source",
    "TimeSpan",
    "UnreadDate",
    "default_geoparser",
    "extract_events",
    "geoparse",
    "render_map",
    "resolve_spans",
]


@lru_cache(maxsize=1)
def default_geoparser() -> Geoparser:
    """The geoparser the module-level functions share (created on first use)."""
    from .pipeline import Geoparser

    return Geoparser()


def geoparse(text: str, *, published: dt.date | None = None) -> Document:
    """Places, dates and events of one text; ``published`` anchors relative dates."""
    if not isinstance(text, str):
        raise InputError(f"geoparse expects text (str), got {type(text).__name__}")
    return default_geoparser().geoparse(text, published=published)


def extract_events(paths_or_texts: Sequence[str | os.PathLike[str]] | str, *, date: dt.date | None = None) -> gpd.GeoDataFrame:
    """Events of files, folders or globs (or of texts, when an item is not a path) as a GeoDataFrame."""
    from .outputs import events_to_frame
    from .events import merge_events

    items = [paths_or_texts] if isinstance(paths_or_texts, (str, os.PathLike)) else list(paths_or_texts)
    gp = default_geoparser()
    paths = [p for p in items if _is_path(p)]
    texts = [str(p) for p in items if not _is_path(p)]
    events: list[Event] = []
    if paths:
        events += gp.extract(paths, date=date)[0]
    for i, text in enumerate(texts):
        events += gp.geoparse(text, published=date, doc_id=f"text{i}", source=Source(file=f"text{i}", published=date)).events
    return events_to_frame(merge_events(events))


def resolve_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[Place | None]:
    """Resolve only the given (start, end) spans of ``text`` (as gold-span evaluations do)."""
    return default_geoparser().resolve_spans(text, spans)


def render_map(events: Any, **options: Any) -> folium.Map:
    """An interactive, offline :class:`folium.Map` of events (a GeoDataFrame, a path, or Events)."""
    from .render import render_map as _render

    return _render(events, **options)


def _is_path(item: str | os.PathLike[str]) -> bool:
    if isinstance(item, os.PathLike):
        return True
    if "\n" in item or len(item) > 1024:
        return False
    import glob

    return item == "-" or os.path.exists(item) or bool(glob.has_magic(item) and glob.glob(item))
