"""The interactive HTML map: folium's page skeleton, our own JS/CSS, everything inlined.

folium gives the page and the Leaflet map object (so :func:`render_map` returns a
``folium.Map`` that works in a notebook); everything else is ours. The page loads nothing from
the network unless ``tiles`` names a tile provider: folium's CDN links are dropped per instance
(``default_js``/``default_css`` set on the instance, never on the class) and Leaflet comes from
the ``xstatic`` packages. Element ids are fixed, so the same events give the same bytes.

Our HTML and JSON never pass through folium's templates: branca re-parses a MacroElement's output
as a Jinja template, which would evaluate ``{{ ... }}`` in an article's text. :class:`_Raw` hands
finished text to the page instead.
"""

from __future__ import annotations

import base64
import os
import re
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

import folium
import geopandas as gpd
import jinja2
from branca.element import Element, Figure
from markupsafe import Markup, escape

from geomap.errors import InputError, RenderError
from geomap.model import Event
from geomap.render import basemap as basemap_mod
from geomap.render import payload
from geomap.render.events_io import as_frame
from geomap.render.style import ATTRIBUTION

#: Our scripts, inlined in this order.
JS_FILES = ("geomap-data.js", "geomap-filter.js", "geomap-points.js", "geomap-panel.js",
            "geomap-timeline.js", "geomap-main.js")
CSS_FILES = ("geomap.css",)
MAP_NAME = "geomap"  # the Leaflet map variable is map_geomap

_SIZE = re.compile(r"^\d+(\.\d+)?(px|%|vh|vw|em|rem)?$")
_UNSAFE_IN_SCRIPT = re.compile(r"</script|<!--|<script", re.IGNORECASE)

Events: TypeAlias = gpd.GeoDataFrame | str | os.PathLike[str] | list[Event] | tuple[Event, ...]


class _Raw(Element):
    """Finished text placed in the page as is (no Jinja pass over it)."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__()
        self._name = "raw"
        self._id = name
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _App(Element):
    """Adds the head assets, the controls and data, and the init script to the figure."""

    def __init__(self, head: str, body: str, script: str) -> None:
        super().__init__()
        self._name = "geomap_app"
        self._id = "0"
        self._parts = (head, body, script)

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise RenderError("the geomap layer must be inside a folium Map with a Figure")
        head, body, script = self._parts
        figure.header.add_child(_Raw(head, "head"), name="geomap_head")
        figure.html.add_child(_Raw(body, "body"), name="geomap_body")
        figure.script.add_child(_Raw(script, "script"), name="geomap_script")
        return ""


_PACKAGE = Path(__file__).resolve().parent.parent  # geomap/: static/ and templates/ live there


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_PACKAGE / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _static(name: str) -> str:
    return (_PACKAGE / "static" / name).read_text(encoding="utf-8")


def _script_safe(text: str, name: str) -> str:
    """Drop source-map comments (DevTools would fetch them) and refuse text that ends a script."""
    text = re.sub(r"^//# sourceMappingURL=.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", text)
    if _UNSAFE_IN_SCRIPT.search(text) or re.search(r"</style", text, re.IGNORECASE):
        raise RenderError(f"{name} contains text that would end its <script> or <style> element")
    return text


@cache
def _leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from xstatic, its images as data: URIs."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = (base / "images" / match[1]).read_bytes()
        return "url(data:image/png;base64," + base64.b64encode(data).decode("ascii") + ")"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    return _script_safe(js, "leaflet.js"), _script_safe(css, "leaflet.css")


@cache
def _app_assets() -> tuple[str, str]:
    js = "\n".join(_script_safe(_static(f), f) for f in JS_FILES)
    css = "\n".join(_script_safe(_static(f), f) for f in CSS_FILES)
    return js, css


def _css_size(value: float | str, what: str) -> str:
    text = str(value).strip()
    if not _SIZE.match(text):
        raise InputError(f"{what} {value!r} is not a size; expected pixels (800), '800px' or '100%'")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        text += "px"
    return text


def _tile_layer(tiles: str) -> folium.TileLayer:
    import xyzservices.providers as xyz

    try:
        provider = xyz.query_name(tiles)
    except ValueError as err:
        close = [n for n in xyz.flatten() if tiles.lower().split(".")[0] in n.lower()][:5]
        raise InputError(
            f"unknown tiles {tiles!r}; expected an xyzservices name such as 'CartoDB.Positron' or "
            f"'OpenStreetMap.Mapnik'" + (f"; close: {', '.join(close)}" if close else "")
        ) from err
    layer = folium.TileLayer(tiles=provider, attr=provider.html_attribution)
    layer._id = "tiles"
    return layer


def render_map(
    events: Events,
    *,
    title: str | None = None,
    description: str | None = None,
    tiles: str | None = None,
    width: int | str = "100%",
    height: int | str = "100%",
    boundaries: str | os.PathLike[str] | None = None,
) -> folium.Map:
    """An interactive, offline map of events with a timeline.

    Parameters
    ----------
    events
        A frame from :func:`geomap.render.read_events`, a path to an events file, or
        :class:`geomap.model.Event` records.
    title, description
        Shown in a header above the map (as text, never as HTML).
    tiles
        An xyzservices provider name ("CartoDB.Positron", "OpenStreetMap.Mapnik"). The map then
        loads tiles from the network; without it the map draws its embedded outlines only.
    width, height
        Size of the whole page: pixels (``800``, ``"800px"``) or ``"100%"`` to fill the window
        or iframe.
    boundaries
        Folder with ``countries.geojson.gz``/``admin1.geojson.gz``; default: the gazetteer's.

    Returns
    -------
    folium.Map
        Save it with ``.save(path)`` or :func:`write_map`; shows itself in a notebook.
    """
    frame = as_frame(events)
    if len(frame) == 0:
        problems = "; ".join(frame.attrs.get("problems", [])[:3])
        raise InputError("no event can be drawn" + (f": {problems}" if problems else ""))
    size_css = (
        f"html {{ height: {'100%' if str(height).strip() == '100%' else 'auto'}; }}\n"
        f"body {{ width: {_css_size(width, 'width')}; height: {_css_size(height, 'height')}; }}\n"
    )

    minx, miny, maxx, maxy = (float(b) for b in frame.total_bounds)
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=6,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    # per instance: folium's class-level CDN lists stay untouched for other maps
    m.default_js = []
    m.default_css = []
    m._id = MAP_NAME
    figure = m.get_root()
    assert isinstance(figure, Figure)
    figure._id = "figure"
    figure.title = str(escape(title or "Events map"))
    m.global_switches._id = "switches"

    attribution = ATTRIBUTION
    base_json = None
    if tiles:
        m.add_child(_tile_layer(tiles), name="tiles")
    else:
        countries = {str(c) for c in frame["country"] if c}
        folder = Path(boundaries) if boundaries is not None else None
        bm = basemap_mod.load((minx, miny, maxx, maxy), countries, directory=folder)
        if bm is not None:
            base_json = payload.script_json(basemap_mod.to_payload(bm))

    env = _env()
    leaflet_js, leaflet_css = _leaflet_assets()
    app_js, app_css = _app_assets()
    head = env.get_template("head.html").render(
        leaflet_js=Markup(leaflet_js), leaflet_css=Markup(leaflet_css),
        app_js=Markup(app_js), app_css=Markup(app_css), size_css=Markup(size_css),
    )
    body = env.get_template("body.html").render(
        title=title or "", description=description or "",
        data=Markup(payload.script_json(payload.build(frame))),
        basemap=Markup(base_json) if base_json else "",
    )
    script = env.get_template("init.js").render(
        map_name=m.get_name(),
        basemap_id=payload.script_json("geomap-basemap" if base_json else None),
        attribution=payload.script_json(attribution),
    )
    m.add_child(_App(head, body, script), name="geomap_app")
    return m


def write_map(events: Events, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the map of :func:`render_map` to an HTML file; returns the path."""
    out = Path(path)
    html = render_map(events, **options).get_root().render()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as err:
        raise RenderError(f"cannot write {out}: {err}") from err
    return out
