"""Maps of events: read event tables, draw the interactive HTML map and the static image.

``read_events`` → a GeoDataFrame in the project's event schema (problems in
``frame.attrs["problems"]``); ``render_map``/``write_map`` → the offline HTML map;
``write_image`` → PNG, SVG or PDF; ``render_cli`` → what ``geomap render`` runs.
"""

from geomap.render.command import render_cli
from geomap.render.events_io import COLUMNS, events_frame, read_events
from geomap.render.html import render_map, write_map
from geomap.render.static_image import write_image

__all__ = [
    "COLUMNS",
    "events_frame",
    "read_events",
    "render_cli",
    "render_map",
    "write_image",
    "write_map",
]
