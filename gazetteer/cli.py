"""The ``gazetteer`` command: lookup, reverse, build, info.

Library errors become one-line messages on stderr with exit status 2; "nothing found" is status 1.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from .errors import GazetteerError
from .index import Context, Gazetteer, default_index_path
from .place import Place

ENV_INDEX = "GEOMAP_GAZETTEER"


def _fail(msg: str, code: int = 2) -> NoReturn:
    click.echo(f"gazetteer: error: {msg}", err=True)
    sys.exit(code)


def _index_path(value: str | None) -> Path:
    if value:
        return Path(value)
    env = os.environ.get(ENV_INDEX)
    return Path(env) if env else default_index_path()


def _open(ctx: click.Context) -> Gazetteer:
    try:
        return Gazetteer(ctx.obj["index"], user_places=ctx.obj["places"])
    except GazetteerError as err:
        _fail(str(err))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index", metavar="PATH", help=f"Index file (default: ${ENV_INDEX} or {default_index_path()}).")
@click.option("--places", "places", multiple=True, metavar="FILE",
              help="User places (CSV, YAML or GeoJSON) that take precedence; repeatable.")
@click.option("-v", "--verbose", count=True, help="More logging.")
@click.option("-q", "--quiet", is_flag=True, help="Errors only.")
@click.pass_context
def cli(ctx: click.Context, index: str | None, places: tuple[str, ...], verbose: int, quiet: bool) -> None:
    """Offline place-name lookup (GeoNames, Natural Earth, airportsdata and a curated file)."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
    ctx.obj = {"index": _index_path(index), "places": places}


def _line(p: Place) -> str:
    shape = f" [{p.geometry.geom_type}]" if p.geometry is not None else ""
    return (f"{p.name}\t{p.kind}\t{p.country or '-'}\t{p.lat:.4f},{p.lon:.4f}\t"
            f"score {p.score:.3f}{shape}\t{p.reason}")


@cli.command()
@click.argument("name")
@click.option("--country", metavar="CC", help="ISO 3166-1 alpha-2 code of the country the text is about.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("--near", metavar="LAT,LON", multiple=True, help="A place already resolved nearby; repeatable.")
@click.option("--online", is_flag=True, help="Ask an online geocoder (geopy) when the index has nothing.")
@click.option("--geocoder", default="nominatim", show_default=True, help="geopy geocoder name for --online.")
@click.option("--user-agent", default=None, help="User agent for --online (required by Nominatim).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, best first.")
@click.pass_context
def lookup(ctx: click.Context, name: str, country: str | None, limit: int, near: tuple[str, ...],
           online: bool, geocoder: str, user_agent: str | None, as_json: bool) -> None:
    """Look up NAME; print candidates best first."""
    near_pts = []
    for item in near:
        try:
            a, b = (float(x) for x in item.split(","))
        except ValueError:
            _fail(f"--near {item!r} is not LAT,LON; write it like 39.82,46.75")
        near_pts.append((a, b))
    g = _open(ctx)
    try:
        found = g.lookup(name, country=country, limit=limit, context=Context(near=tuple(near_pts)))
        if not found and online:
            from .online import OnlineConfig, OnlineGeocoder

            cache = Path(g.path).with_name("online-cache.sqlite")
            found = OnlineGeocoder(OnlineConfig(geocoder=geocoder, user_agent=user_agent or "",
                                                cache_path=cache)).lookup(name, country=country, limit=limit)
    except GazetteerError as err:
        _fail(str(err))
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in found], ensure_ascii=False, indent=1))
    else:
        for p in found:
            click.echo(_line(p))
    if not found:
        click.echo(f"gazetteer: no place named {name!r}; check the spelling, add it with --places FILE, "
                   "or try --online", err=True)
        sys.exit(1)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("lat", type=str)
@click.argument("lon", type=str)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def reverse(ctx: click.Context, lat: str, lon: str, as_json: bool) -> None:
    """The country, admin-1 and admin-2 containing LAT LON."""
    g = _open(ctx)
    try:
        r = g.reverse(lat, lon)  # type: ignore[arg-type]  # validated inside
    except GazetteerError as err:
        _fail(str(err))
    if as_json:
        click.echo(json.dumps(r.to_dict(), ensure_ascii=False, indent=1))
        return
    for label, p in (("country", r.country), ("admin1", r.admin1), ("admin2", r.admin2), ("nearest", r.nearest)):
        extra = f" ({r.nearest_km:.1f} km)" if label == "nearest" and r.nearest_km is not None else ""
        click.echo(f"{label}\t{p.name + ' (' + (p.country or '-') + ')' if p else '-'}{extra}")


@cli.command()
@click.option("--output", "-o", metavar="PATH", help="Where to write the index (default: the --index path).")
@click.pass_context
def build(ctx: click.Context, output: str | None) -> None:
    """(Re)build the index from GeoNames, Natural Earth, airportsdata and the curated file."""
    from .build import build_index

    try:
        report = build_index(output or ctx.obj["index"])
    except GazetteerError as err:
        _fail(str(err))
    except OSError as err:
        _fail(f"cannot write the index: {err}; choose a writable path with --output")
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(report.counts.items()))
    click.echo(f"built {report.path} in {report.seconds:.1f} s: {counts}; {report.names:,} names; "
               f"{report.size_bytes / 1e6:.1f} MB")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--check", is_flag=True,
              help="Exit with status 1 when the index was built from other curated data than this version ships.")
@click.pass_context
def info(ctx: click.Context, as_json: bool, check: bool) -> None:
    """Counts, sources, licences and build date of the index."""
    data: dict[str, Any] = _open(ctx).info()
    if check and not data["data_current"]:
        _fail(f"index {data['path']} was built from other curated places or boundaries than this version "
              "ships; rebuild it with `gazetteer build`", 1)
    if as_json:
        click.echo(json.dumps(data, indent=1))
        return
    click.echo(f"index   {data['path']} ({data['size_bytes'] / 1e6:.1f} MB), schema {data['schema']}, built {data['built']}")
    click.echo("places  " + ", ".join(f"{k} {v:,}" for k, v in sorted(data["places"].items())))
    click.echo(f"names   {data['names']:,}; user places {data['user_places']}")
    for s in data["sources"]:
        click.echo(f"source  {s['name']} — {s['licence']}")


def main() -> None:
    """Entry point: run the CLI, turning stray library errors into one line."""
    try:
        cli(standalone_mode=True)
    except GazetteerError as err:
        _fail(str(err))
