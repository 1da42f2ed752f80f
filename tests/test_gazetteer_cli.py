"""The ``gazetteer`` command as a user runs it: lookup, reverse, info, build, and how it fails.

Most tests drive ``gazetteer.cli.cli`` in-process with click's CliRunner; a few run the installed
``gazetteer`` script to see real exit statuses and that no traceback reaches the terminal.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from shapely.geometry import Point, shape

import gazetteer.cli as cli_module
from gazetteer import Gazetteer, default_index_path
from gazetteer.build import SCHEMA, SCHEMA_VERSION
from gazetteer.cli import ENV_INDEX, cli

INDEX = default_index_path()
EXE = Path(sys.executable).with_name("gazetteer")
KEYS = {"id", "name", "kind", "country", "lat", "lon", "population", "source", "score", "reason"}


@pytest.fixture(autouse=True)
def _reuse_the_session_index(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI opens the default index through the session's Gazetteer (its reverse tree and fuzzy
    table take seconds to load); any other path or user places open a fresh one."""
    real = cli_module.Gazetteer

    def open_index(path: object = None, *, user_places: Sequence[str] = ()) -> Gazetteer:
        if path is not None and Path(path) == INDEX and not tuple(user_places):  # type: ignore[arg-type]
            return gaz
        return real(path, user_places=user_places)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_module, "Gazetteer", open_index)


def run(*args: str, index: str | os.PathLike[str] | None = INDEX, env: dict[str, str] | None = None) -> Result:
    """Invoke the CLI in-process; the index is the one the `gaz` fixture opens unless told otherwise."""
    argv = (["--index", str(index)] if index is not None else []) + list(args)
    return CliRunner().invoke(cli, argv, env=env)


def lookup_json(*args: str, **kw: object) -> list[dict[str, object]]:
    res = run("lookup", *args, "--json", **kw)  # type: ignore[arg-type]
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert isinstance(data, list)
    return data


def assert_clean_error(res: Result, code: int = 2) -> str:
    """Exit status ``code``, one line on stderr, no traceback; returns that line."""
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == code, (res.exit_code, res.stdout, res.stderr)
    err = res.stderr.strip()
    assert err and "\n" not in err, err
    assert "Traceback" not in res.stderr
    return err


# -- lookup ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Tovuz", "Syunik", "Stepanakert", "Paris", "Lachin corridor", "Artsakh"])
def test_lookup_json_is_a_list_best_first_with_all_fields(name: str) -> None:
    found = lookup_json(name, "--limit", "10")
    assert found
    for p in found:
        assert KEYS <= p.keys(), KEYS - p.keys()
        assert 0 < p["score"] < 1 and p["reason"]  # type: ignore[operator]
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180  # type: ignore[operator]
    scores = [p["score"] for p in found]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]


# query → (name or None, kind or None, country): the acceptance list
FIRST = [
    ("Tovuz", None, None, "AZ"),
    ("Syunik", None, "admin1", "AM"),
    ("Shushi", "Shusha", None, "AZ"),
    ("Goris", "Goris", "city", "AM"),
    ("Kapan", "Kapan", "city", "AM"),
    ("Jermuk", "Jermuk", "city", "AM"),
    ("Baku", "Baku", "city", "AZ"),
    ("Yerevan", "Yerevan", "city", "AM"),
    ("Stockholm", "Stockholm", "city", "SE"),
    ("Moscow", "Moscow", "city", "RU"),
    ("Paris", "Paris", "city", "FR"),
]


@pytest.mark.parametrize(("query", "name", "kind", "country"), FIRST)
def test_first_candidate(query: str, name: str | None, kind: str | None, country: str) -> None:
    best = lookup_json(query)[0]
    assert best["country"] == country, best["reason"]
    if name:
        assert best["name"] == name
    if kind:
        assert best["kind"] == kind


def test_stepanakert_and_khankendi_are_one_place() -> None:
    assert lookup_json("Stepanakert")[0]["id"] == lookup_json("Khankendi")[0]["id"]


def test_country_hint_gives_a_us_paris() -> None:
    best = lookup_json("Paris", "--country", "US")[0]
    assert (best["name"], best["country"]) == ("Paris", "US")
    assert "in US" in best["reason"]  # type: ignore[operator]
    assert lookup_json("Paris", "--country", "us")[0]["country"] == "US"  # case does not matter


def test_near_points_to_the_georgian_gori() -> None:
    plain = lookup_json("Gori")[0]
    near = lookup_json("Gori", "--near", "41.7,44.8")[0]
    assert near["country"] == "GE" and near["name"] == "Gori"
    assert "km from places nearby" in near["reason"]  # type: ignore[operator]
    assert near["score"] > plain["score"]  # type: ignore[operator]


def test_syunik_has_a_polygon() -> None:
    best = lookup_json("Syunik")[0]
    assert best["geometry"]["type"] in ("Polygon", "MultiPolygon")  # type: ignore[index]
    assert shape(best["geometry"]).contains(Point(46.342, 39.511))  # Goris  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["Lachin corridor", "the Lachin corridor"])
def test_lachin_corridor_is_a_linestring(name: str) -> None:
    best = lookup_json(name)[0]
    assert best["kind"] == "corridor"
    assert best["geometry"]["type"] == "LineString"  # type: ignore[index]


@pytest.mark.parametrize("name", ["Nagorno-Karabakh", "Karabakh", "Artsakh"])
def test_karabakh_polygon_contains_stepanakert(name: str) -> None:
    step = lookup_json("Stepanakert")[0]
    best = lookup_json(name)[0]
    assert best["name"] == "Nagorno-Karabakh"
    geom = shape(best["geometry"])  # type: ignore[arg-type]
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    assert geom.contains(Point(step["lon"], step["lat"]))  # GeoJSON is (lon, lat)


def test_points_have_no_geometry_key() -> None:
    assert "geometry" not in lookup_json("Goris")[0]


@pytest.mark.parametrize("n", [1, 3])
def test_limit(n: int) -> None:
    assert len(lookup_json("Paris", "--limit", str(n))) == n


def test_limit_zero_is_a_usage_error() -> None:
    res = run("lookup", "Paris", "--limit", "0")
    assert res.exit_code == 2 and "--limit" in res.stderr and "Traceback" not in res.stderr


def test_text_output_one_line_per_candidate() -> None:
    res = run("lookup", "Syunik", "--limit", "2")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert len(lines) == 2
    name, kind, country, latlon, score, reason = lines[0].split("\t")
    assert (name, kind, country) == ("Syunik'", "admin1", "AM")
    assert score.startswith("score 0.") and ("[Polygon]" in score or "[MultiPolygon]" in score)
    assert "admin-1" in reason


def test_not_found_is_status_1_with_a_hint() -> None:
    res = run("lookup", "Qwzxqvblorp")
    err = assert_clean_error(res, code=1)
    assert "Qwzxqvblorp" in err and "--places" in err
    assert res.stdout == ""


def test_not_found_json_prints_an_empty_list() -> None:
    res = run("lookup", "Qwzxqvblorp", "--json")
    assert res.exit_code == 1 and json.loads(res.stdout) == []


@pytest.mark.parametrize("name", ["Go\x00ris", "Goris\u200b", "\ufeffGoris", " Goris\n", "Goris\t", "Goris\x07"])
def test_control_and_invisible_characters_around_a_name_still_work(name: str) -> None:
    best = lookup_json(name)[0]
    assert (best["name"], best["country"]) == ("Goris", "AM")


# (until f56a58c these became a space: "Go\x01ris" was fuzzy-matched and Gori, GE, came first)
@pytest.mark.parametrize("name", ["Go\x01ris", "Go\x1bris", "Go\x7fris", "Go\u200eris"])
def test_control_character_inside_a_name_is_dropped(name: str) -> None:
    best = lookup_json(name)[0]
    assert (best["name"], best["country"]) == ("Goris", "AM")


# -- reverse ---------------------------------------------------------------------------------------
def reverse_json(lat: str, lon: str) -> dict[str, object]:
    res = run("reverse", lat, lon, "--json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("lat", "lon", "country", "admin1"),
    [("39.511", "46.342", "AM", "Syunik'"), ("40.71", "-74.0", "US", "New York"),
     ("-33.9", "151.2", "AU", "New South Wales"), ("-22.9", "-43.2", "BR", None), ("48.85", "2.35", "FR", None)],
)
def test_reverse_json(lat: str, lon: str, country: str, admin1: str | None) -> None:
    r = reverse_json(lat, lon)
    assert (r["lat"], r["lon"]) == (float(lat), float(lon))
    assert r["country"]["country"] == country  # type: ignore[index]
    if admin1:
        assert r["admin1"]["name"] == admin1  # type: ignore[index]
    assert r["nearest"] is not None and r["nearest_km"] is not None and r["nearest_km"] < 100  # type: ignore[operator]


def test_reverse_at_sea_is_not_an_error() -> None:
    r = reverse_json("0", "-30")
    assert r["country"] is None and r["admin1"] is None


def test_reverse_text_output() -> None:
    res = run("reverse", "40.71", "-74.0")
    assert res.exit_code == 0
    rows = dict(line.split("\t", 1) for line in res.stdout.splitlines())
    assert rows.keys() == {"country", "admin1", "admin2", "nearest"}
    assert rows["country"] == "United States (US)"
    assert rows["nearest"].endswith(" km)")


# -- info ------------------------------------------------------------------------------------------
def test_info_json() -> None:
    res = run("info", "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["schema"] == SCHEMA_VERSION and Path(data["path"]) == INDEX
    assert data["places"]["city"] > 200_000 and data["places"]["country"] > 200
    assert data["places"]["corridor"] >= 1 and data["places"]["region"] >= 1
    assert data["names"] > data["places"]["city"]
    assert data["user_places"] == 0
    assert data["built"][:2] == "20" and "T" in data["built"]
    assert all(s["name"] and s["licence"] for s in data["sources"])
    licences = " ".join(s["licence"] for s in data["sources"])
    assert "CC-BY 4.0" in licences and "public domain" in licences


def test_info_text() -> None:
    res = run("info")
    assert res.exit_code == 0
    out = res.stdout
    assert out.startswith("index ") and f"schema {SCHEMA_VERSION}, built 20" in out
    assert "city " in out and "names " in out
    assert sum(line.startswith("source ") for line in out.splitlines()) >= 3


def test_info_check_says_when_the_index_predates_the_curated_data(tmp_path: Path) -> None:
    """`make index` rebuilds an index built from other curated places (`info --check` fails)."""
    assert run("info", "--check").exit_code == 0  # the session's index is current
    stale = tmp_path / "stale.sqlite"
    stale.write_bytes(INDEX.read_bytes())
    with sqlite3.connect(stale) as con:
        con.execute("UPDATE meta SET value = 'an older curated file' WHERE key = 'data_sha256'")
    res = run("info", "--check", index=stale)
    assert res.exit_code == 1
    assert "built from other curated places or boundaries" in res.output and "gazetteer build" in res.output
    assert run("info", index=stale).exit_code == 0  # without --check it still answers


def test_index_from_environment_variable(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    err = assert_clean_error(run("info", index=None, env={ENV_INDEX: str(missing)}))
    assert str(missing) in err and "gazetteer build" in err
    assert run("info", "--json", index=None, env={ENV_INDEX: str(INDEX)}).exit_code == 0


# -- bad input: one line on stderr, status 2 -------------------------------------------------------
BAD_ARGS = {
    "empty name": (["lookup", ""], "empty"),
    "whitespace name": (["lookup", "  \t "], "empty"),
    "10 kB name": (["lookup", "x" * 10_240], "at most 200"),
    "country not a code": (["lookup", "Paris", "--country", "France"], "alpha-2"),
    "country too short": (["lookup", "Paris", "--country", "F"], "alpha-2"),
    "near not lat,lon": (["lookup", "Gori", "--near", "Tbilisi"], "LAT,LON"),
    "near three numbers": (["lookup", "Gori", "--near", "41,44,1"], "LAT,LON"),
    "lat 91": (["reverse", "91", "0"], "out of range"),
    "lat -91": (["reverse", "-91", "0"], "out of range"),
    "lon 181": (["reverse", "0", "181"], "out of range"),
    "lat nan": (["reverse", "nan", "0"], "out of range"),
    "lon inf": (["reverse", "0", "inf"], "out of range"),
    "lat abc": (["reverse", "abc", "0"], "must be numbers"),
    "lon empty": (["reverse", "0", ""], "must be numbers"),
}


@pytest.mark.parametrize(("args", "fragment"), BAD_ARGS.values(), ids=BAD_ARGS.keys())
def test_bad_input_is_one_line_and_status_2(args: list[str], fragment: str) -> None:
    err = assert_clean_error(run(*args))
    assert err.startswith("gazetteer: error: ") and fragment in err


@pytest.mark.parametrize("command", [["lookup", "Baku"], ["reverse", "40", "45"], ["info"]])
def test_missing_index_names_the_build_command(command: list[str]) -> None:
    err = assert_clean_error(run(*command, index="/nonexistent"))
    assert "/nonexistent" in err and "gazetteer build" in err


def _random_bytes(path: Path) -> Path:
    path.write_bytes(random.Random(0).randbytes(8192))
    return path


def _truncated_copy(path: Path) -> Path:
    with open(INDEX, "rb") as f:
        path.write_bytes(f.read(4096))
    return path


def _empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _other_sqlite(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (text TEXT)")
    con.commit()
    con.close()
    return path


def _old_schema(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.execute("INSERT INTO meta VALUES ('schema', '1')")
    con.commit()
    con.close()
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


BROKEN = {
    "random bytes": (_random_bytes, "corrupt"),
    "first 4 KB of the index": (_truncated_copy, "corrupt"),
    "empty file": (_empty_file, "gazetteer build"),
    "sqlite without our tables": (_other_sqlite, "gazetteer build"),
    "older schema": (_old_schema, "schema"),
    "a directory": (_directory, "gazetteer build"),
}


@pytest.mark.parametrize("command", [["lookup", "Baku"], ["reverse", "40", "45"], ["info"]])
@pytest.mark.parametrize(("make", "fragment"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_index_is_one_line_and_status_2(
    tmp_path: Path, make: Callable[[Path], Path], fragment: str, command: list[str]
) -> None:
    path = make(tmp_path / "index.sqlite")
    err = assert_clean_error(run(*command, index=path))
    assert fragment in err and "gazetteer build" in err


def _meta_only(path: Path) -> Path:
    """Looks like an index (schema matches) but has none of the data tables."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    con.commit()
    con.close()
    return path


def _damaged_pages(path: Path) -> Path:
    """A small index whose header and meta table survive but whose other pages are zeroed."""
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(i, f"x:{i}", f"Place {i}", "city", "AM", None, None, 40.0, 45.0, 0, "t", None)
                     for i in range(1, 2000)])
    con.executemany("INSERT INTO names VALUES (?,?,?,?)", [(f"baku {i}", -1.0, i, 0) for i in range(1, 2000)]
                    + [("baku", -1.0, 1, 0)])
    con.commit()
    page = con.execute("PRAGMA page_size").fetchone()[0]
    meta_pages = {r[0] for r in con.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'meta'")}
    con.close()
    data = bytearray(path.read_bytes())
    for n in range(2, len(data) // page + 1):  # page 1 holds the schema
        if n not in meta_pages:
            data[(n - 1) * page:n * page] = bytes(page)
    path.write_bytes(bytes(data))
    return path


# (until f56a58c the sqlite3.DatabaseError of the first query escaped: a traceback and status 1)
@pytest.mark.parametrize("command", [["lookup", "Baku"], ["reverse", "40", "45"]])
@pytest.mark.parametrize("make", [_meta_only, _damaged_pages], ids=["meta table only", "damaged data pages"])
def test_index_damaged_beyond_its_header_is_a_clean_error(
    tmp_path: Path, make: Callable[[Path], Path], command: list[str]
) -> None:
    path = make(tmp_path / "index.sqlite")
    err = assert_clean_error(run(*command, index=path))
    assert "gazetteer build" in err


# -- the installed script: real exit statuses, nothing but one line on stderr ----------------------
# name → (argv after the script name, expected exit status); all run at once by one fixture
# (each run costs ~1 s of imports, so only a few: the in-process tests cover the rest)
SCRIPT_RUNS: dict[str, tuple[list[bytes], int]] = {
    "lookup json": ([b"lookup", b"Goris", b"--json", b"--limit", b"2"], 0),
    "empty name": ([b"lookup", b""], 2),
    "not found": ([b"lookup", b"Qzx"], 1),
    "corrupt index": ([b"--index", b"<random>", b"lookup", b"Baku"], 2),
    "undecodable name": ([b"lookup", b"Go\xffris"], 2),
}


@pytest.fixture(scope="module")
def script_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, bytes, bytes]]:
    """Run the installed `gazetteer` for every case of SCRIPT_RUNS in parallel."""
    rnd = os.fsencode(_random_bytes(tmp_path_factory.mktemp("script") / "random.sqlite"))
    env = {k: v for k, v in os.environ.items() if k != ENV_INDEX}
    procs = {}
    for name, (args, _) in SCRIPT_RUNS.items():
        argv = [b"--index", os.fsencode(INDEX)] + [rnd if a == b"<random>" else a for a in args]
        procs[name] = subprocess.Popen([os.fsencode(EXE), *argv], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, env=env)
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[name] = (proc.returncode, stdout, stderr)
    return out


def test_script_lookup_json(script_runs: dict[str, tuple[int, bytes, bytes]]) -> None:
    code, stdout, stderr = script_runs["lookup json"]
    assert code == 0 and stderr == b""
    found = json.loads(stdout)
    assert len(found) == 2 and (found[0]["name"], found[0]["country"]) == ("Goris", "AM")


_ERRORS = [k for k, (_, code) in SCRIPT_RUNS.items() if code and k != "undecodable name"]


@pytest.mark.parametrize("case", _ERRORS)
def test_script_errors(script_runs: dict[str, tuple[int, bytes, bytes]], case: str) -> None:
    code, stdout, stderr = script_runs[case]
    err = stderr.decode()
    assert code == SCRIPT_RUNS[case][1], err
    assert err.count("\n") == 1 and err.startswith("gazetteer: ") and "Traceback" not in err
    if "index" in case:
        assert "gazetteer build" in err


def test_script_undecodable_name_bytes(script_runs: dict[str, tuple[int, bytes, bytes]]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates (until f56a58c: UnicodeEncodeError traceback)."""
    code, _, stderr = script_runs["undecodable name"]
    err = stderr.decode(errors="replace")
    assert "Traceback" not in err
    assert code == 2 and err.count("\n") == 1 and err.startswith("gazetteer: error: ")


# -- build (slow) ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_build_then_lookup_in_the_new_index(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "new.sqlite"
    res = run("build", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.is_file() and not out.with_name(out.name + ".tmp").exists()
    assert res.stdout.startswith(f"built {out} in ") and "names" in res.stdout
    best = lookup_json("Goris", index=out)[0]
    assert (best["name"], best["kind"], best["country"]) == ("Goris", "city", "AM")
    info = json.loads(run("info", "--json", index=out).stdout)
    assert info["schema"] == SCHEMA_VERSION and info["places"]["city"] > 200_000
