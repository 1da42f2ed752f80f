"""User places (CSV, YAML, GeoJSON): they win over the index, their aliases work, and a malformed
file is one clear :class:`UserPlacesError` naming the file and the fix."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from shapely.geometry import Point

from gazetteer import Gazetteer, GazetteerError, Place, UserPlacesError, default_index_path
from gazetteer.cli import cli
from gazetteer.userplaces import load_user_places

DATA = Path(__file__).parent / "data" / "places"
CSV, YAML, YAML_MAPPING, GEOJSON = (DATA / n for n in ("places.csv", "places.yaml", "places_mapping.yml",
                                                         "places.geojson"))
INDEX_GORIS = (39.5111, 46.3417)

# file → where its own "Goris" lies (lat, lon), and the aliases it gives that Goris
GORIS = {
    CSV: ((40.0, 45.0), ["Gorisville", "Goris Test Spot"]),
    YAML: ((40.1, 45.1), ["Yaml Goris"]),
    GEOJSON: ((40.2, 45.2), ["GeoJSON Goris"]),
}


def first(g: Gazetteer, name: str, **kw: object) -> Place:
    found = g.lookup(name, **kw)  # type: ignore[arg-type]
    assert found, f"nothing found for {name!r}"
    return found[0]


@pytest.fixture(scope="module")
def opened() -> Iterator[dict[Path, Gazetteer]]:
    """One Gazetteer per fixture file (opening is cheap: the index is read lazily)."""
    out = {p: Gazetteer(user_places=[p]) for p in (CSV, YAML, YAML_MAPPING, GEOJSON)}
    yield out
    for g in out.values():
        g.close()


# -- precedence and aliases ------------------------------------------------------------------------
@pytest.mark.parametrize("path", GORIS, ids=lambda p: p.name)
def test_user_goris_wins_over_the_index(opened: dict[Path, Gazetteer], path: Path) -> None:
    (lat, lon), _ = GORIS[path]
    found = opened[path].lookup("Goris")
    best = found[0]
    assert (best.lat, best.lon) == (lat, lon)
    assert best.source == "user" and best.id.startswith("user:")
    assert "user place" in best.reason
    assert best.score > found[1].score
    # the index's Goris is still a candidate, just not the first
    assert any(p.country == "AM" and (round(p.lat, 4), round(p.lon, 4)) == INDEX_GORIS for p in found[1:])


@pytest.mark.parametrize("path", GORIS, ids=lambda p: p.name)
def test_user_place_aliases(opened: dict[Path, Gazetteer], path: Path) -> None:
    (lat, lon), aliases = GORIS[path]
    for alias in aliases:
        best = first(opened[path], alias)
        assert (best.name, best.lat, best.lon) == ("Goris", lat, lon)
        assert "alias of user place Goris" in best.reason


@pytest.mark.parametrize("query", ["GORIS", "goris", " Goris ", "Goris city", "the Goris"])
def test_user_place_matches_like_any_name(opened: dict[Path, Gazetteer], query: str) -> None:
    best = first(opened[CSV], query)
    assert (best.lat, best.lon) == (40.0, 45.0)


def test_without_user_places_the_index_goris_is_first(gaz: Gazetteer) -> None:
    best = first(gaz, "Goris")
    assert best.source != "user" and (round(best.lat, 4), round(best.lon, 4)) == INDEX_GORIS


def test_csv_fields_and_both_alias_separators(opened: dict[Path, Gazetteer]) -> None:
    g = opened[CSV]
    goris = first(g, "Goris")
    assert (goris.kind, goris.country) == ("city", "AM")
    for q in ("Camp Alpha", "Alpha Camp", "CampA"):  # aliases separated by ';'
        p = first(g, q)
        assert (p.name, p.kind, p.country, p.lat, p.lon) == ("Camp Alpha", "feature", "AZ", 39.9, 46.1)


def test_yaml_list_with_an_inline_linestring(opened: dict[Path, Gazetteer]) -> None:
    g = opened[YAML]
    for q in ("Tegh road", "Tegh-Kornidzor road", "Tegh Kornidzor road"):
        p = first(g, q)
        assert (p.name, p.kind, p.country) == ("Tegh road", "corridor", "AM")
        assert p.geometry is not None and p.geometry.geom_type == "LineString"
        assert p.to_geojson()["type"] == "LineString"
        minx, miny, maxx, maxy = p.geometry.bounds
        assert minx <= p.lon <= maxx and miny <= p.lat <= maxy  # the point is taken from the line


def test_yaml_places_mapping(opened: dict[Path, Gazetteer]) -> None:
    g = opened[YAML_MAPPING]
    for q in ("Checkpoint Zulu", "Zulu checkpoint"):
        p = first(g, q)
        assert (p.name, p.kind, p.country, p.lat, p.lon) == ("Checkpoint Zulu", "feature", "AZ", 39.7, 46.6)
    assert g.info()["user_places"] == 1


def test_geojson_point_keeps_lat_lon_order(opened: dict[Path, Gazetteer]) -> None:
    p = first(opened[GEOJSON], "Goris")
    assert (p.lat, p.lon) == (40.2, 45.2)  # GeoJSON [45.2, 40.2] is (lon, lat)
    assert p.to_geojson() == {"type": "Point", "coordinates": [45.2, 40.2]}


def test_geojson_polygon(opened: dict[Path, Gazetteer]) -> None:
    for q in ("Test Zone", "Zone T"):
        p = first(opened[GEOJSON], q)
        assert p.name == "Test Zone" and p.geometry is not None and p.geometry.geom_type == "Polygon"
        assert p.geometry.contains(Point(p.lon, p.lat))
        assert p.to_dict()["geometry"]["type"] == "Polygon"


def test_several_files_at_once() -> None:
    with Gazetteer(user_places=[CSV, YAML_MAPPING, GEOJSON]) as g:
        assert g.info()["user_places"] == 2 + 1 + 2
        assert first(g, "Camp Alpha").source == "user"
        assert first(g, "Checkpoint Zulu").source == "user"
        assert first(g, "Test Zone").source == "user"
        assert first(g, "Goris").source == "user"


def test_user_places_do_not_touch_other_names(opened: dict[Path, Gazetteer], gaz: Gazetteer) -> None:
    assert first(opened[CSV], "Kapan").id == first(gaz, "Kapan").id


# -- the CLI's --places ----------------------------------------------------------------------------
def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--index", str(default_index_path()), *args])


@pytest.mark.parametrize("path", GORIS, ids=lambda p: p.name)
def test_cli_places_option(path: Path) -> None:
    (lat, lon), aliases = GORIS[path]
    res = run("--places", str(path), "lookup", "Goris", "--json")
    assert res.exit_code == 0, res.output
    best = json.loads(res.stdout)[0]
    assert (best["lat"], best["lon"]) == (lat, lon) and "user place" in best["reason"]
    res = run("--places", str(path), "lookup", aliases[0], "--json")
    assert json.loads(res.stdout)[0]["name"] == "Goris"


def test_cli_places_repeatable_and_counted_by_info() -> None:
    res = run("--places", str(CSV), "--places", str(YAML), "info", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["user_places"] == 4
    res = run("--places", str(CSV), "--places", str(YAML), "lookup", "Tegh road", "--json")
    assert json.loads(res.stdout)[0]["geometry"]["type"] == "LineString"


def test_cli_malformed_places_is_one_line_and_status_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lon\nX,1\n", encoding="utf-8")
    res = run("--places", str(bad), "lookup", "Goris")
    assert res.exit_code == 2 and "Traceback" not in res.stderr
    err = res.stderr.strip()
    assert "\n" not in err and str(bad) in err and "lat" in err


# -- malformed files -------------------------------------------------------------------------------
# case → (file name, content, fragments the message must hold besides the file name)
MALFORMED: dict[str, tuple[str, bytes, tuple[str, ...]]] = {
    "csv missing lat column": ("a.csv", b"name,lon\nX,1\n", ("lat", "expected header: name,lat,lon")),
    "csv without header": ("a.csv", b"", ("name, lat, lon", "expected header")),
    "csv non-numeric lat": ("a.csv", b"name,lat,lon\nX,north,1\n", ("line 2", "not numbers", "decimal degrees")),
    "csv empty lat": ("a.csv", b"name,lat,lon\nX,,1\n", ("line 2", "not numbers")),
    "csv short row": ("a.csv", b"name,lat,lon\nX,10\n", ("line 2", "not numbers")),
    "csv lat 200": ("a.csv", b"name,lat,lon\nX,200,1\n", ("out of range", "200")),
    "csv lon -181": ("a.csv", b"name,lat,lon\nX,0,-181\n", ("out of range",)),
    "csv lat nan": ("a.csv", b"name,lat,lon\nX,nan,1\n", ("out of range",)),
    "csv empty name": ("a.csv", b"name,lat,lon\n,10,1\n", ("name",)),
    "invalid yaml": ("a.yaml", b"- name: [unclosed\n", ("not valid YAML",)),
    "yaml a string": ("a.yaml", b"just a string\n", ("must hold a list",)),
    "yaml empty": ("a.yml", b"", ("must hold a list",)),
    "yaml places not a list": ("a.yaml", b"places: 3\n", ("must hold a list", "places:")),
    "yaml list of numbers": ("a.yaml", b"- 1\n- 2\n", ("must hold a list",)),
    "yaml no coordinates": ("a.yaml", b"- name: X\n", ("lat/lon or geometry",)),
    "yaml lat 200": ("a.yaml", b"- {name: X, lat: 200, lon: 0}\n", ("out of range",)),
    "geojson a Feature": ("a.geojson", b'{"type": "Feature", "properties": {"name": "X"}, "geometry": null}',
                          ("must be a FeatureCollection",)),
    "geojson a list": ("a.geojson", b"[1, 2]", ("must be a FeatureCollection",)),
    "geojson invalid json": ("a.geojson", b"{bad", ("not valid JSON",)),
    "geojson feature without name": (
        "a.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"title": "X"},'
        b' "geometry": {"type": "Point", "coordinates": [45, 40]}}]}',
        ("feature 0", "no 'name' property"),
    ),
    "geojson feature without geometry": (
        "a.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "X"},'
        b' "geometry": null}]}',
        ("lat/lon or geometry",),
    ),
    "unknown suffix": ("a.txt", b"name,lat,lon\nX,1,2\n", ("'.txt'", "expected .csv, .yaml/.yml or .geojson")),
    "no suffix": ("places", b"name,lat,lon\nX,1,2\n", ("expected .csv",)),
    "latin-1 csv": ("a.csv", "name,lat,lon\nGéris,1,2\n".encode("latin-1"), ("save it as UTF-8",)),
    "utf-16 yaml": ("a.yaml", "- name: X\n  lat: 1\n  lon: 2\n".encode("utf-16"), ("save it as UTF-8",)),
}


def _check_message(err: UserPlacesError, path: Path, fragments: tuple[str, ...]) -> None:
    msg = str(err)
    assert "\n" not in msg, msg
    assert path.name in msg, msg
    for fragment in fragments:
        assert fragment in msg, (fragment, msg)


@pytest.mark.parametrize(("filename", "content", "fragments"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_is_a_user_places_error(tmp_path: Path, filename: str, content: bytes,
                                               fragments: tuple[str, ...]) -> None:
    path = tmp_path / filename
    path.write_bytes(content)
    with pytest.raises(UserPlacesError) as err:
        load_user_places(path)
    _check_message(err.value, path, fragments)
    assert isinstance(err.value, ValueError) and isinstance(err.value, GazetteerError)
    with pytest.raises(UserPlacesError):  # the same through the Gazetteer
        Gazetteer(user_places=[path])


@pytest.mark.parametrize("make", [lambda p: p, lambda p: p.mkdir() or p], ids=["missing", "a directory"])
def test_missing_file(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "places.csv")
    with pytest.raises(UserPlacesError) as err:
        Gazetteer(user_places=[path])
    _check_message(err.value, path, ("does not exist",))


def test_header_only_csv_is_no_places(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name,lat,lon,kind,country,aliases\n", encoding="utf-8")
    assert load_user_places(path) == []


def test_csv_header_case_spaces_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("\ufeffName , LAT, Lon\nPlace Q,1.5,2.5\n", encoding="utf-8")
    [p] = load_user_places(path)
    assert (p.name, p.lat, p.lon) == ("Place Q", 1.5, 2.5)


# Values of the right shape but the wrong type (until f56a58c these escaped as bare Python errors).
BAD_VALUES: dict[str, tuple[str, bytes]] = {
    "csv population not an integer": ("a.csv", b"name,lat,lon,population\nX,40,45,12500.0\n"),
    "csv population a word": ("a.csv", b"name,lat,lon,population\nX,40,45,many\n"),
    "yaml aliases a number": ("a.yaml", b"- {name: X, lat: 40, lon: 45, aliases: 5}\n"),
    "yaml unknown geometry type": ("a.yaml", b"- {name: X, geometry: {type: Blob, coordinates: [1, 2]}}\n"),
    "geojson feature not an object": ("a.geojson", b'{"type": "FeatureCollection", "features": [1]}'),
    "geojson point with one coordinate": (
        "a.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "X"},'
        b' "geometry": {"type": "Point", "coordinates": [45]}}]}',
    ),
}


@pytest.mark.parametrize(("filename", "content"), BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_bad_value_is_a_user_places_error(tmp_path: Path, filename: str, content: bytes) -> None:
    path = tmp_path / filename
    path.write_bytes(content)
    with pytest.raises(UserPlacesError) as err:
        load_user_places(path)
    _check_message(err.value, path, ())


@pytest.mark.parametrize(("filename", "content"), BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_cli_bad_value_is_one_line_and_status_2(tmp_path: Path, filename: str, content: bytes) -> None:
    path = tmp_path / filename
    path.write_bytes(content)
    res = run("--places", str(path), "lookup", "X")
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == 2 and "Traceback" not in res.stderr
    err = res.stderr.strip()
    assert "\n" not in err and path.name in err


def test_yaml_single_alias_as_a_string(tmp_path: Path) -> None:
    """``aliases: Testburg`` is one alias (until f56a58c it was iterated letter by letter and lost)."""
    path = tmp_path / "a.yaml"
    path.write_text("- {name: Fort Test, lat: 40, lon: 45, aliases: Testburg}\n", encoding="utf-8")
    with Gazetteer(user_places=[path]) as g:
        assert first(g, "Testburg", fuzzy=False).name == "Fort Test"
