"""What ``geomap render EVENTS -o OUT`` does, so the click command stays a thin wrapper."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from geomap.errors import InputError
from geomap.render.events_io import read_events
from geomap.render.html import write_map
from geomap.render.static_image import FORMATS, write_image


def render_cli(
    events_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    tiles: str | None = None,
    title: str | None = None,
    description: str | None = None,
    facet: str | None = None,
    width: int | str = "100%",
    height: int | str = "100%",
) -> list[str]:
    """Read events, write ``out_path`` (.html, .png, .svg or .pdf); return the problem lines.

    Problems are what the CLI prints as warnings: events without coordinates, unreadable dates,
    repaired geometries, ignored options. Errors that stop the job raise
    :class:`geomap.errors.InputError` or :class:`geomap.errors.RenderError`.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", *FORMATS):
        raise InputError(
            f"cannot write {out.name!r}: expected a file ending in .html, .png, .svg or .pdf"
        )
    frame = read_events(events_path)
    problems = list(frame.attrs.get("problems", []))
    if len(frame) == 0:
        raise InputError(
            f"{Path(events_path).name}: no event has usable coordinates"
            + (f" ({problems[0]})" if problems else "")
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if suffix in (".html", ".htm"):
            if facet:
                problems.append(f"--facet {facet} applies to images only; ignored for HTML")
            write_map(frame, out, title=title, description=description, tiles=tiles,
                      width=width, height=height)
        else:
            ignored = [name for name, value in (("--tiles", tiles), ("--description", description))
                       if value]
            if width != "100%" or height != "100%":
                ignored.append("--width/--height")
            if ignored:
                problems.append(f"{', '.join(ignored)} apply to HTML only; ignored for {suffix}")
            write_image(frame, out, title=title, facet=facet)
    problems.extend(str(w.message).splitlines()[0] for w in caught)
    return problems
