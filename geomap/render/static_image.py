"""A static map for reports (PNG, SVG, PDF) drawn with matplotlib over the embedded outlines.

Same colours, sizes and shapes as the HTML map; ``facet="month"|"week"`` draws one small map
per period. matplotlib's object API with the Agg canvas is used directly (no pyplot, no global
state, no display); file metadata that carries dates is dropped so output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry.polygon import orient

from geomap.errors import InputError, RenderError
from geomap.model import EVENT_TYPES
from geomap.render import basemap as basemap_mod
from geomap.render.events_io import as_frame
from geomap.render.style import ATTRIBUTION, TYPE_COLOURS, TYPE_LABELS, marker_radius

FORMATS = (".png", ".svg", ".pdf")
FACETS = ("month", "week")
MAX_PANELS = 48
SEA, LAND, BORDER, ADMIN = "#dce8f1", "#f3f0e8", "#8d8d8d", "#b3aa9f"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _fmt(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _periods(lo: dt.date, hi: dt.date, facet: str) -> list[tuple[dt.date, dt.date, str]]:
    out = []
    if facet == "month":
        cur = lo.replace(day=1)
        while cur <= hi:
            nxt = (cur + dt.timedelta(days=32)).replace(day=1)
            out.append((cur, nxt - dt.timedelta(days=1), f"{_MONTHS[cur.month - 1]} {cur.year}"))
            cur = nxt
    else:
        cur = lo - dt.timedelta(days=lo.weekday())
        while cur <= hi:
            end = cur + dt.timedelta(days=6)
            iso = cur.isocalendar()
            out.append((cur, end, f"{iso.year}-W{iso.week:02d} ({cur.day} {_MONTHS[cur.month - 1]})"))
            cur = end + dt.timedelta(days=1)
    return out


def _extent(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """Events' bounds padded, then widened or heightened to a landscape-ish shape."""
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    padx = max((maxx - minx) * 0.12, 0.4)
    pady = max((maxy - miny) * 0.12, 0.3)
    x0, y0, x1, y1 = minx - padx, miny - pady, maxx + padx, maxy + pady
    aspect = 1 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    ratio = (y1 - y0) * aspect / (x1 - x0)  # height / width on paper
    if ratio > 0.8:
        grow = ((y1 - y0) * aspect / 0.8 - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    elif ratio < 0.45:
        grow = ((x1 - x0) * 0.45 / aspect - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    return max(x0, -180.0), max(y0, -85.0), min(x1, 180.0), min(y1, 85.0)


def _lines(geoms: list[Any]) -> list[np.ndarray]:
    out = []
    for g in geoms:
        for part in getattr(g, "geoms", [g]):
            if part.geom_type in ("LineString", "LinearRing") and not part.is_empty:
                out.append(np.asarray(part.coords)[:, :2])
            elif hasattr(part, "geoms"):
                out.extend(_lines([part]))
    return out


def _land_path(geoms: list[Any]) -> MplPath | None:
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for g in geoms:
        for poly in getattr(g, "geoms", [g]):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            poly = orient(poly, 1.0)  # exterior counter-clockwise, holes clockwise
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


class _Base:
    """The basemap's land, borders and provinces for one extent, as matplotlib paths."""

    def __init__(self, bm: basemap_mod.Basemap | None, extent: tuple[float, float, float, float]) -> None:
        self.land: MplPath | None = None
        self.borders: list[np.ndarray] = []
        self.admin: list[np.ndarray] = []
        self.labels: list[tuple[str, float, float]] = []
        if bm is None:
            return
        view = shapely.box(*extent).buffer(1.0)
        far = [shapely.intersection(o.geometry, view) for o in bm.far if o.geometry.intersects(view)]
        near = [shapely.intersection(o.geometry, view) for o in bm.near if o.geometry.intersects(view)]
        self.land = _land_path(far + near)
        area = shapely.box(*bm.box)
        seam = area.exterior.buffer(1e-6)
        self.borders = _lines(
            [shapely.difference(g.boundary, shapely.union(area, view.exterior.buffer(1e-6))) for g in far]
            + [shapely.difference(g.boundary, shapely.union(seam, view.exterior.buffer(1e-6))) for g in near]
        )
        for o in bm.near:
            p = o.geometry.representative_point()
            if extent[0] < p.x < extent[2] and extent[1] < p.y < extent[3]:
                self.labels.append((o.name, p.x, p.y))
        self.admin = _lines([shapely.intersection(o.geometry.boundary, view)
                             for o in bm.admin1 if o.geometry.intersects(view)])

    def draw(self, ax: Any) -> None:
        ax.set_facecolor(SEA)
        if self.land is not None:
            ax.add_artist(PathPatch(self.land, facecolor=LAND, edgecolor="none", zorder=1))
        if self.borders:
            ax.add_collection(LineCollection(self.borders, colors=BORDER, linewidths=0.7, zorder=2))
        if self.admin:
            ax.add_collection(LineCollection(self.admin, colors=ADMIN, linewidths=0.4,
                                             linestyles=(0, (3, 3)), zorder=2))
        for name, x, y in self.labels:
            ax.text(x, y, name.upper(), fontsize=7, color="#6d6658", ha="center", va="center",
                    zorder=2.5, clip_on=True)


def _draw_events(ax: Any, frame: gpd.GeoDataFrame, scale: float) -> None:
    """Events as plain matplotlib artists (geopandas' plot redraws the whole figure per call)."""
    if len(frame) == 0:
        return
    kinds = frame.geometry.geom_type
    undated = frame["date_start"].isna() & frame["date_end"].isna()
    for t in EVENT_TYPES:
        colour = TYPE_COLOURS[t]
        sel = frame["event_type"] == t
        polys = list(frame.geometry[sel & kinds.isin(["Polygon", "MultiPolygon"])])
        path = _land_path(polys)
        if path is not None:
            ax.add_artist(PathPatch(path, facecolor=colour, alpha=0.18, edgecolor="none", zorder=3))
            ax.add_collection(LineCollection(_lines([g.boundary for g in polys]), colors=colour,
                                             linewidths=1.4, zorder=4))
        lines = _lines(list(frame.geometry[sel & kinds.isin(["LineString", "MultiLineString"])]))
        if lines:
            ax.add_collection(LineCollection(lines, colors=colour, linewidths=3.0 * scale,
                                             alpha=0.85, zorder=4, capstyle="round"))
        for flag in (False, True):
            pts = frame[sel & (kinds == "Point") & (undated == flag)]
            if not len(pts):
                continue
            sizes = [
                (1.5 * marker_radius(None if pd.isna(f) else int(f), len(s)) * scale) ** 2
                for f, s in zip(pts["fatalities"], pts["sources"], strict=True)
            ]
            if flag:
                ax.scatter(pts["lon"], pts["lat"], s=sizes, facecolors="white", edgecolors=colour,
                           linewidths=1.6, linestyle="--", zorder=5)
            else:
                ax.scatter(pts["lon"], pts["lat"], s=sizes, c=colour, edgecolors="#222222",
                           linewidths=0.5, alpha=0.9, zorder=6)


def _dated_range(frame: gpd.GeoDataFrame) -> tuple[dt.date, dt.date] | None:
    days = [d for col in ("date_start", "date_end") for d in map(_day, frame[col]) if d]
    return (min(days), max(days)) if days else None


def _overlaps(frame: gpd.GeoDataFrame, lo: dt.date, hi: dt.date) -> gpd.GeoDataFrame:
    starts = [(_day(s) or dt.date.min) for s in frame["date_start"]]
    ends = [(_day(e) or dt.date.max) for e in frame["date_end"]]
    dated = [s is not None or e is not None for s, e in zip(frame["date_start"], frame["date_end"], strict=True)]
    mask = [d and s <= hi and e >= lo for d, s, e in zip(dated, starts, ends, strict=True)]
    return frame[mask]


def write_image(
    events: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    facet: str | None = None,
    boundaries: str | os.PathLike[str] | None = None,
) -> Path:
    """Draw the events as a static map: ``.png``, ``.svg`` or ``.pdf`` (by the file suffix).

    Parameters
    ----------
    events
        A frame from :func:`geomap.render.read_events`, a path, or Event records.
    path
        Output file; its suffix picks the format.
    title
        Printed above the map; the date range and counts go below it.
    facet
        ``"month"`` or ``"week"``: one small map per period (events overlapping it); undated
        events are left out of the panels.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot write {out.name!r}: expected a file ending in .html, .png, .svg or .pdf")
    if facet is not None and facet not in FACETS:
        raise InputError(f"unknown facet {facet!r}; expected 'month' or 'week'")
    frame = as_frame(events)
    if len(frame) == 0:
        raise InputError("no event can be drawn")
    extent = _extent(frame)
    countries = {str(c) for c in frame["country"] if c}
    bm = basemap_mod.load(tuple(float(v) for v in frame.total_bounds),  # type: ignore[arg-type]
                          countries, directory=Path(boundaries) if boundaries else None)
    span = _dated_range(frame)
    n_undated = int((frame["date_start"].isna() & frame["date_end"].isna()).sum())
    subtitle = (f"{_fmt(span[0])} – {_fmt(span[1])} · " if span else "") + \
        f"{len(frame) - n_undated} dated events" + (f", {n_undated} undated" if n_undated else "")

    aspect = 1 / max(math.cos(math.radians((extent[1] + extent[3]) / 2)), 0.2)
    panels: list[tuple[gpd.GeoDataFrame, str | None]]
    if facet is None:
        panels = [(frame, None)]
        cols = rows = 1
        width = 10.0
    else:
        if span is None:
            raise InputError("no dated events to facet by " + facet)
        periods = _periods(span[0], span[1], facet)
        if len(periods) > MAX_PANELS:
            raise InputError(
                f"--facet {facet} gives {len(periods)} panels, more than {MAX_PANELS}; "
                + ("use --facet month" if facet == "week" else "narrow the events' date range")
            )
        panels = [(_overlaps(frame, lo, hi), label) for lo, hi, label in periods]
        cols = min(4, math.ceil(math.sqrt(len(panels))))
        rows = math.ceil(len(panels) / cols)
        width = 3.2 * cols + 0.4
    ratio = (extent[3] - extent[1]) * aspect / (extent[2] - extent[0])
    panel_w = (width - 0.4) / cols
    height = rows * panel_w * ratio + 1.3 + (0.25 * rows if facet else 0)

    with matplotlib.rc_context({"svg.hashsalt": "geomap", "svg.fonttype": "path",
                                "font.family": "DejaVu Sans"}):
        base = _Base(bm, extent)
        fig = Figure(figsize=(width, height), dpi=150)
        FigureCanvasAgg(fig)
        top = 1 - (1.0 if facet else 0.75) / height
        bottom = 0.55 / height
        grid = fig.add_gridspec(rows, cols, left=0.02, right=0.98, top=top, bottom=bottom,
                                wspace=0.04, hspace=0.18 if facet else 0.02)
        for k, (sub, label) in enumerate(panels):
            ax = fig.add_subplot(grid[k // cols, k % cols])
            base.draw(ax)
            _draw_events(ax, sub, 1.0 if facet is None else 0.6)
            ax.set_xlim(extent[0], extent[2])
            ax.set_ylim(extent[1], extent[3])
            ax.set_aspect(aspect)
            ax.set_xticks([])
            ax.set_yticks([])
            if label is not None:
                ax.set_title(f"{label} · {len(sub)}", fontsize=8, pad=2)
        present = [t for t in EVENT_TYPES if (frame["event_type"] == t).any()]
        handles = [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=TYPE_COLOURS[t],
                          markeredgecolor="#222222", label=TYPE_LABELS[t]) for t in present]
        if n_undated:
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor="white",
                                  markeredgecolor="#555555", label="undated"))
        fig.legend(handles=handles, loc="lower left", ncol=min(len(handles), 5), fontsize=7,
                   frameon=False, bbox_to_anchor=(0.02, 0.0))
        fig.text(0.02, 1 - 0.3 / height, title or "Events", fontsize=13, weight="bold", va="center")
        fig.text(0.02, 1 - 0.58 / height, subtitle + " · point size: fatalities (else sources); "
                 "shapes: regions and corridors", fontsize=8, color="#444444", va="center")
        fig.text(0.98, 0.01, ATTRIBUTION, fontsize=6, color="#666666", ha="right", va="bottom")
        metadata: dict[str, Any] = {
            ".png": {"Software": None},
            ".svg": {"Date": None, "Creator": None},
            ".pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
        }[suffix]
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(out, format=suffix[1:], metadata=metadata, facecolor="white")
        except OSError as err:
            raise RenderError(f"cannot write {out}: {err}") from err
    return out
