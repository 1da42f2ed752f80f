"""The ``geomap`` command: geoparse, extract, render, build, evaluate.

Each command parses its options, calls the library and prints. Library errors become one line on
stderr and exit status 2; environment variables are read here only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from gazetteer import GazetteerError

from .errors import GeomapError

ENV_INDEX = "GEOMAP_GAZETTEER"


def _fail(msg: str, code: int = 2) -> NoReturn:
    click.echo(f"geomap: error: {msg}", err=True)
    sys.exit(code)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"--date {value!r} is not a date; write it as YYYY-MM-DD, e.g. --date 2020-11-10")


def _geoparser(ctx: click.Context, *, gazetteer_only: bool = False) -> Any:
    from .pipeline import Geoparser, GeoparserConfig

    online = None
    if ctx.obj["online"]:
        from gazetteer.online import OnlineConfig

        online = OnlineConfig(geocoder=ctx.obj["geocoder"], user_agent=ctx.obj["user_agent"] or "")
    cfg = GeoparserConfig(index=ctx.obj["index"], user_places=ctx.obj["places"],
                          use_spacy=not (gazetteer_only or ctx.obj["gazetteer_only"]), n_process=ctx.obj["jobs"],
                          online=online, freeze_gc=True)  # this process only geoparses
    try:
        return Geoparser(cfg)
    except (GazetteerError, GeomapError) as err:
        _fail(str(err))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", metavar="PATH", help=f"Gazetteer index (default: ${ENV_INDEX} or the built-in path).")
@click.option("--places", multiple=True, metavar="FILE", help="User places (CSV/YAML/GeoJSON) that take precedence.")
@click.option("--gazetteer-only", is_flag=True, help="Do not use the spaCy model (faster, less accurate).")
@click.option("-j", "--jobs", default=0, type=click.IntRange(0, 8),
              help="Worker processes (each loads the model and index). Default 0: every core, up to 4, "
                   "for 64 articles or more; one process for fewer.")
@click.option("--online", is_flag=True, help="Ask an online geocoder (geopy) for names the index lacks.")
@click.option("--geocoder", default="nominatim", show_default=True, help="geopy geocoder name for --online.")
@click.option("--user-agent", default=None, help="Your application's user agent for --online (required).")
@click.option("-v", "--verbose", count=True)
@click.option("-q", "--quiet", is_flag=True)
@click.pass_context
def cli(ctx: click.Context, index: str | None, places: tuple[str, ...], gazetteer_only: bool, jobs: int,
        online: bool, geocoder: str, user_agent: str | None, verbose: int, quiet: bool) -> None:
    """News reports to dated, interactive, offline maps."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
    ctx.obj = {"index": index or os.environ.get(ENV_INDEX), "places": places, "gazetteer_only": gazetteer_only,
               "jobs": jobs, "quiet": quiet, "online": online, "geocoder": geocoder, "user_agent": user_agent}


def _doc_json(doc: Any) -> dict[str, Any]:
    return {
        "id": doc.id,
        "published": doc.published.isoformat() if doc.published else None,
        "published_note": doc.published_note,
        "recogniser": doc.recogniser,
        "toponyms": [
            {"start": m.char_start, "end": m.char_end, "text": m.text,
             "name": m.place.name if m.place else None, "kind": m.place.kind if m.place else None,
             "country": m.place.country if m.place else None,
             "lat": round(m.place.lat, 6) if m.place else None, "lon": round(m.place.lon, 6) if m.place else None,
             "place_id": m.place.id if m.place else None, "score": round(m.place.score, 4) if m.place else None,
             "reason": m.place.reason if m.place else m.why_unresolved, "label": m.label}
            for m in doc.toponyms
        ],
        "dates": [
            {"start": d.char_start, "end": d.char_end, "text": d.text,
             "start_date": d.start.isoformat() if d.start else None, "end_date": d.end.isoformat() if d.end else None,
             "precision": d.precision, "note": d.note}
            for d in doc.dates
        ],
        "unread_dates": [{"start": u.char_start, "end": u.char_end, "text": u.text, "why": u.why} for u in doc.unread_dates],
    }


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="Publication date (overrides what the text says).")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.pass_context
def geoparse(ctx: click.Context, files: tuple[str, ...], date_: str | None, fmt: str) -> None:
    """Print one JSON object per document: toponyms and dates with offsets."""
    from .reader import read_documents
    from .model import Source

    gp = _geoparser(ctx)
    try:
        raw, problems = read_documents(list(files), date=_date(date_))
    except GeomapError as err:
        _fail(str(err))
    for p in problems:
        click.echo(f"geomap: {p}", err=True)
    items = [(d.id, d.text, d.published, Source(d.path, d.title, d.url, d.publisher, d.published), d.published_note)
             for d in raw]
    for doc in gp.geoparse_many(items):
        click.echo(json.dumps(_doc_json(doc), ensure_ascii=False))
    if not raw:
        _fail("no readable document among the inputs", code=1)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", "outputs", multiple=True, required=True, metavar="FILE",
              help="events.geojson | .csv | .gpkg | .parquet; repeatable.")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="Publication date for texts that do not give one.")
@click.option("--report", "report_path", metavar="FILE", help="Write the report of what was not resolved (JSON).")
@click.pass_context
def extract(ctx: click.Context, files: tuple[str, ...], outputs: tuple[str, ...], date_: str | None,
            report_path: str | None) -> None:
    """Extract dated, placed events from articles."""
    from .outputs import check_output, events_to_frame, write_events, write_report

    try:
        for out in outputs:
            check_output(out)
    except GeomapError as err:
        _fail(str(err))
    gp = _geoparser(ctx)
    try:
        events, docs, report = gp.extract(list(files), date=_date(date_), progress=not ctx.obj["quiet"])
        if not docs:
            for line in report.lines():
                click.echo(f"geomap: {line}", err=True)
            _fail("no readable document among the inputs; geomap reads .txt .md .html .json .jsonl files, "
                  "folders and globs", code=1)
        frame = events_to_frame(events)
        for out in outputs:
            write_events(frame, out)
        if report_path:
            write_report(report, docs, report_path)
    except (GeomapError, GazetteerError) as err:
        _fail(str(err))
    for line in report.lines():
        click.echo(f"geomap: {line}", err=True)
    click.echo(f"{len(events)} events from {len(docs)} documents → {', '.join(outputs)}", err=True)


@cli.command()
@click.argument("events")
@click.option("-o", "--output", required=True, metavar="FILE", help="map.html | map.png | map.svg | map.pdf")
@click.option("--tiles", metavar="NAME", help="Online tiles by xyzservices name, e.g. CartoDB.Positron.")
@click.option("--title")
@click.option("--description")
@click.option("--facet", type=click.Choice(["month", "week"]), help="Small multiples (images only).")
@click.option("--width", default="100%", show_default=True, help="Pixels or a percentage.")
@click.option("--height", default="100%", show_default=True)
def render(events: str, output: str, tiles: str | None, title: str | None, description: str | None,
           facet: str | None, width: str, height: str) -> None:
    """Draw EVENTS (GeoJSON, CSV, ACLED export, GeoPackage, GeoParquet) as an HTML map or an image."""
    from .render import render_cli

    def size(v: str) -> int | str:
        return int(v) if v.isdigit() else v

    try:
        problems = render_cli(events, output, tiles=tiles, title=title, description=description, facet=facet,
                              width=size(width), height=size(height))
    except GeomapError as err:
        _fail(str(err))
    for p in problems:
        click.echo(f"geomap: {p}", err=True)
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", default="outputs", show_default=True, metavar="DIR")
@click.option("--date", "date_", metavar="YYYY-MM-DD")
@click.option("--title", default="geomap: events from the news")
@click.option("--tiles", metavar="NAME")
@click.pass_context
def build(ctx: click.Context, files: tuple[str, ...], outdir: str, date_: str | None, title: str,
          tiles: str | None) -> None:
    """The main job: extract events and write events.geojson/.csv, map.html, map.png and report.json."""
    from .outputs import events_to_frame, write_events, write_report
    from .render import write_image, write_map

    gp = _geoparser(ctx)
    out = Path(outdir)
    try:
        events, docs, report = gp.extract(list(files), date=_date(date_), progress=not ctx.obj["quiet"])
        frame = events_to_frame(events)
        write_events(frame, out / "events.geojson")
        write_events(frame, out / "events.csv")
        write_report(report, docs, out / "report.json")
        if len(frame):
            desc = f"{len(events)} events from {len(docs)} articles; places: GeoNames (CC-BY 4.0), Natural Earth."
            write_map(frame, out / "map.html", title=title, description=desc, tiles=tiles)
            write_image(frame, out / "map.png", title=title)
    except (GeomapError, GazetteerError) as err:
        _fail(str(err))
    n_unres = len(report.unresolved)
    n_approx = f" ({len(report.approximate)} more approximated)" if report.approximate else ""
    if report.set_aside:
        n_approx += f", {len(report.set_aside)} one-word names set aside"
    click.echo(f"{len(events)} events from {len(docs)} documents ({gp.mode}); {n_unres} place names not resolved{n_approx}, "
               f"{len(report.unread_dates)} dates not read, {len(report.skipped)} files skipped: see {out / 'report.txt'}",
               err=True)
    click.echo(f"wrote {out / 'events.geojson'}, {out / 'events.csv'}, {out / 'map.html'}, {out / 'map.png'}", err=True)


@cli.command()
@click.argument("path")
@click.option("--limit", type=int, default=None, help="Only the first N documents of each corpus.")
@click.option("--json", "as_json", metavar="FILE", help="Also write the numbers as JSON.")
@click.pass_context
def evaluate(ctx: click.Context, path: str, limit: int | None, as_json: str | None) -> None:
    """Accuracy on annotated corpora read from PATH (never copied into the project)."""
    from .evaluate import run_evaluation

    gp = _geoparser(ctx)
    try:
        text, numbers = run_evaluation(gp, path, limit=limit)
    except GeomapError as err:
        _fail(str(err))
    click.echo(text)
    if as_json:
        Path(as_json).write_text(json.dumps(numbers, indent=1), encoding="utf-8")


def main() -> None:
    """Entry point."""
    try:
        cli(standalone_mode=True)
    except (GeomapError, GazetteerError) as err:
        _fail(str(err))
    except BrokenPipeError:
        sys.exit(0)
