"""The ``geomap`` command: acceptance on the real dispatches, JSON output of ``geoparse``, bad input.

Most runs go through click's CliRunner on ``geomap.cli.cli``; the geoparsers are created once per
configuration and shared (``geomap.pipeline.Geoparser`` is swapped for a cache), everything else
runs as a user runs it. A few runs start the installed ``geomap`` executable to check exit codes
and that no traceback reaches the user.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

import geomap
import geomap.pipeline
from geomap.cli import cli
from geomap.pipeline import Geoparser, GeoparserConfig

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data" / "pipeline"
SEEDS = Path(__file__).parents[2] / "shared" / "seeds"
EXE = Path(sys.executable).parent / "geomap"

# my own sentences, written in Windows-1252 (é, en dash and curly quotes are single bytes there)
CP1252_TEXT = ("date 2021-03-04\n\nShelling hit the café quarter of Ganja on 2 March 2021 – a “terrible” "
               "night for the street, residents told reporters.\n")


# --------------------------------------------------------------------------- shared geoparsers


def _shared(config: GeoparserConfig | None) -> GeoparserConfig:
    """The shared parser for what the CLI asks: it asks for freeze_gc (its process only
    geoparses; the test process does not freeze) and automatic workers (one process for the
    few articles of these tests)."""
    cfg = replace(config or GeoparserConfig(), freeze_gc=False)
    return replace(cfg, n_process=1) if cfg.n_process == 0 else cfg


@pytest.fixture(scope="module")
def parsers() -> dict[GeoparserConfig, Geoparser]:
    spacy = geomap.default_geoparser()  # created before the class is swapped below
    only = Geoparser(GeoparserConfig(use_spacy=False))
    return {spacy.config: spacy, only.config: only}


@pytest.fixture(autouse=True)
def shared_parsers(parsers: dict[GeoparserConfig, Geoparser], monkeypatch: pytest.MonkeyPatch) -> None:
    real = Geoparser

    def cached(config: GeoparserConfig | None = None, **kw: Any) -> Geoparser:
        cfg = _shared(config)
        if cfg not in parsers:
            parsers[cfg] = real(cfg, **kw)
        return parsers[cfg]

    monkeypatch.setattr(geomap.pipeline, "Geoparser", cached)
    monkeypatch.delenv("GEOMAP_GAZETTEER", raising=False)


def run(*args: str | os.PathLike[str]) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash, not an error message
    assert "Traceback" not in result.stderr
    return result


def one_line_error(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("geomap: error: ")
    return lines[0]


def features(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return [f["properties"] | {"geometry_type": f["geometry"]["type"]} for f in data["features"]]


# =========================================================================== acceptance: real dispatches


@pytest.fixture(scope="module")
def seed_outputs(parsers: dict[GeoparserConfig, Geoparser], tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[tuple[Result, Path]]:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip(f"the real dispatches are not available at {SEEDS}")
    out = tmp_path_factory.mktemp("seeds")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(geomap.pipeline, "Geoparser",
                   lambda cfg=None, **kw: parsers[_shared(cfg)])
        result = run("extract", SEEDS, "-o", out / "events.geojson", "-o", out / "events.csv",
                     "--report", out / "report.json")
    assert result.exit_code == 0, result.stderr
    yield result, out


def test_extract_seeds_lists_the_events(seed_outputs: tuple[Result, Path]) -> None:
    result, out = seed_outputs
    got = features(out / "events.geojson")
    rows = {(p["event_type"], p["place_name"], p["date_start"], p["date_precision"]) for p in got}
    assert ("armed_clash", "Tovuz", "2020-07-01", "month") in rows
    assert ("armed_clash", "Nagorno-Karabakh", "2020-09-27", "day") in rows
    assert any(t == "ceasefire" and d == "2020-11-09" for t, _, d, _ in rows)
    assert ("ceasefire", "Nagorno-Karabakh", "2020-11-10", "day") in rows
    assert ("diplomatic_statement", "Stockholm", "2021-11-17", "day") in rows
    syunik = [p for p in got if p["place_name"].startswith("Syunik")]
    assert [(p["event_type"], p["date_start"], p["place_kind"], p["country"]) for p in syunik] == [
        ("armed_clash", "2021-11-16", "admin1", "AM")]
    [lachin] = [p for p in got if p["event_type"] == "troop_deployment" and p["place_name"] == "Lachin corridor"]
    assert lachin["geometry_type"] == "LineString"
    assert "Russian peacekeepers" in lachin["actors"]
    for p in got:
        assert p["quote"]
        assert p["sources"] and all(Path(s["file"]).parent == SEEDS for s in p["sources"])
    assert result.stderr.strip().splitlines()[-1].startswith(f"{len(got)} events from 2 documents")


def test_extract_seeds_csv_matches_geojson(seed_outputs: tuple[Result, Path]) -> None:
    _, out = seed_outputs
    table = pd.read_csv(out / "events.csv", keep_default_na=False)
    assert len(table) == len(features(out / "events.geojson"))
    assert "Lachin corridor" in set(table["location"])


def test_extract_seeds_report(seed_outputs: tuple[Result, Path]) -> None:
    _, out = seed_outputs
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    unresolved = " ".join(u["text"] for u in report["unresolved"]).lower()
    for name in ("syunik", "tovuz", "lachin", "karabakh"):
        assert name not in unresolved
    docs = sorted(report["documents"], key=lambda d: d["id"])
    assert [d["published"] for d in docs] == ["2020-11-20", "2021-11-17"]
    assert "weekday" in docs[1]["published_note"]
    assert {d["recogniser"] for d in docs} == {"spacy+gazetteer"}
    assert (out / "report.txt").is_file()


# =========================================================================== geoparse: JSON lines


def test_geoparse_prints_one_json_object_per_document() -> None:
    path = DATA / "border_report.txt"
    result = run("geoparse", path, DATA / "contradictory_dates.txt", "--date", "2021-11-17")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    docs = [json.loads(line) for line in lines]
    assert [d["id"] for d in docs] == ["border_report", "contradictory_dates"]
    doc = docs[0]
    text = path.read_text(encoding="utf-8")
    assert {"id", "published", "toponyms", "dates"} <= set(doc)
    assert doc["published"] == "2021-11-17"
    assert doc["toponyms"] and doc["dates"]
    for t in doc["toponyms"]:
        assert {"start", "end", "text", "name", "kind", "country", "lat", "lon", "place_id", "score"} <= set(t)
        assert text[t["start"]:t["end"]] == t["text"]
    for d in doc["dates"]:
        assert {"start", "end", "text", "start_date", "end_date", "precision"} <= set(d)
        assert text[d["start"]:d["end"]] == d["text"]
    goris = [t for t in doc["toponyms"] if t["name"] == "Goris"]
    assert goris and goris[0]["country"] == "AM" and goris[0]["kind"] == "city"
    assert goris[0]["lon"] == pytest.approx(46.34, abs=0.05) and goris[0]["lat"] == pytest.approx(39.51, abs=0.05)
    assert {t["name"] for t in doc["toponyms"]} >= {"Goris", "Kapan", "Yerevan", "Baku"}
    tuesday = [d for d in doc["dates"] if d["text"] == "Tuesday"]
    assert tuesday and (tuesday[0]["start_date"], tuesday[0]["precision"]) == ("2021-11-16", "day")


def test_geoparse_gazetteer_only_says_so() -> None:
    result = run("--gazetteer-only", "geoparse", DATA / "markup.txt")
    assert result.exit_code == 0, result.stderr
    [doc] = [json.loads(line) for line in result.stdout.splitlines()]
    assert doc["recogniser"] == "gazetteer-only"
    assert doc["published"] == "2021-04-12"
    assert "Yerevan" in {t["name"] for t in doc["toponyms"]}


# =========================================================================== bad input


def _cp1252(tmp_path: Path) -> Path:
    path = tmp_path / "windows.txt"
    path.write_bytes(CP1252_TEXT.encode("cp1252"))
    return path


def test_binary_and_empty_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_text((DATA / "markup.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("extract", tmp_path, "-o", tmp_path / "out" / "events.geojson")
    assert result.exit_code == 0, result.stderr
    assert "blob.txt: binary file" in result.stderr
    assert "empty.txt: empty file" in result.stderr
    assert [p["event_type"] for p in features(tmp_path / "out" / "events.geojson")] == ["protest"]
    assert "from 1 documents" in result.stderr


@pytest.mark.parametrize("content", [b"\x00\x01\x02\x03binary\xff\xfe", b""], ids=["binary", "empty"])
def test_geoparse_of_only_unreadable_input_fails_clearly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    result = run("geoparse", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no readable document" in result.stderr
    assert ("binary file" if content else "empty file") in result.stderr


def test_extract_of_only_unreadable_input_fails(tmp_path: Path) -> None:
    result = run("extract", tmp_path / "missing.txt", "-o", tmp_path / "events.geojson")
    assert result.exit_code == 1


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    path = _cp1252(tmp_path)
    result = run("extract", path, "-o", tmp_path / "events.geojson", "-o", tmp_path / "events.csv")
    assert result.exit_code == 0, result.stderr
    [ev] = features(tmp_path / "events.geojson")
    assert ev["event_type"] == "shelling" and ev["place_name"] == "Ganja" and ev["date_start"] == "2021-03-02"
    assert "café" in ev["quote"] and "–" in ev["quote"] and "“terrible”" in ev["quote"]
    assert "café" in pd.read_csv(tmp_path / "events.csv")["notes"][0]
    geo = run("geoparse", path)
    [doc] = [json.loads(line) for line in geo.stdout.splitlines()]
    text = CP1252_TEXT
    for t in doc["toponyms"]:
        assert text[t["start"]:t["end"]] == t["text"]


def test_text_without_places_gives_no_events(tmp_path: Path) -> None:
    result = run("extract", DATA / "no_places.txt", "-o", tmp_path / "events.geojson", "-o", tmp_path / "events.csv")
    assert result.exit_code == 0, result.stderr
    assert features(tmp_path / "events.geojson") == []
    assert "0 events from 1 documents" in result.stderr


def test_text_without_dates_keeps_events_undated_and_says_why(tmp_path: Path) -> None:
    result = run("extract", DATA / "no_dates.txt", "-o", tmp_path / "events.geojson", "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.stderr
    assert "no publication date found" in result.stderr
    [ev] = [e for e in features(tmp_path / "events.geojson") if e["place_name"] == "Goris"]
    assert ev["event_type"] == "armed_clash"
    assert ev["date_start"] is None and "no publication date" in ev["date_note"]
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["documents"][0]["published"] is None


def test_text_without_dates_takes_the_month_of_date_option(tmp_path: Path) -> None:
    result = run("extract", DATA / "no_dates.txt", "-o", tmp_path / "events.geojson", "--date", "2021-11-17")
    assert result.exit_code == 0, result.stderr
    [ev] = [e for e in features(tmp_path / "events.geojson") if e["place_name"] == "Goris"]
    assert (ev["date_start"], ev["date_end"], ev["date_precision"]) == ("2021-11-01", "2021-11-30", "month")
    assert "2021-11-17" in ev["date_note"]


def test_contradictory_dates(tmp_path: Path) -> None:
    result = run("geoparse", DATA / "contradictory_dates.txt")
    assert result.exit_code == 0, result.stderr
    [doc] = [json.loads(line) for line in result.stdout.splitlines()]
    assert doc["published"] == "2021-03-04"  # from the header line
    [stated] = [d for d in doc["dates"] if "2 March 2021" in d["text"]]
    assert stated["start_date"] == "2021-03-02"  # the date as written wins over the weekday ...
    assert "Thursday" in stated["note"] and "Tuesday" in stated["note"]  # ... and the conflict is said
    assert [u["text"] for u in doc["unread_dates"]] == ["31 February"]
    override = run("geoparse", DATA / "contradictory_dates.txt", "--date", "2022-01-05")
    [doc2] = [json.loads(line) for line in override.stdout.splitlines()]
    assert doc2["published"] == "2022-01-05" and "explicit" in doc2["published_note"]
    extract = run("extract", DATA / "contradictory_dates.txt", "-o", tmp_path / "e.geojson")
    assert extract.exit_code == 0
    assert "'31 February'" in extract.stderr and "no such date" in extract.stderr
    assert [ev["date_start"] for ev in features(tmp_path / "e.geojson")] == ["2021-03-02"]


def test_markup_in_article_text_stays_text(tmp_path: Path) -> None:
    result = run("extract", DATA / "markup.txt", "-o", tmp_path / "events.geojson", "-o", tmp_path / "events.csv")
    assert result.exit_code == 0, result.stderr
    [ev] = features(tmp_path / "events.geojson")
    assert ev["event_type"] == "protest" and ev["place_name"] == "Yerevan" and ev["date_start"] == "2021-04-11"
    assert '<script>alert("geomap")</script>' in ev["quote"] and "<b>Stop the war</b>" in ev["quote"]
    assert '<script>alert("geomap")</script>' in pd.read_csv(tmp_path / "events.csv")["notes"][0]


def test_unknown_output_suffix_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("extract", DATA / "markup.txt", "-o", tmp_path / "events.xyz")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "events.xyz" in line and ".geojson" in line and ".csv" in line
    assert not (tmp_path / "events.xyz").exists()


@pytest.mark.parametrize("command", ["extract", "geoparse", "build"])
def test_bad_date_option_is_a_one_line_error(tmp_path: Path, command: str) -> None:
    extra = ["-o", str(tmp_path / ("out" if command == "build" else "events.geojson"))] if command != "geoparse" else []
    result = run(command, DATA / "markup.txt", "--date", "2020-13-45", *extra)
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "2020-13-45" in line and "YYYY-MM-DD" in line
    assert result.stdout == ""


def test_missing_input_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_article.txt"
    geo = run("geoparse", missing)
    assert geo.exit_code == 1
    assert f"{missing}: no such file or folder" in geo.stderr
    ext = run("extract", missing, "-o", tmp_path / "events.geojson")
    assert f"{missing}: no such file or folder" in ext.stderr


def test_output_option_is_required() -> None:
    result = CliRunner().invoke(cli, ["extract", str(DATA / "markup.txt")])
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.stderr


def test_build_gazetteer_only_writes_everything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("--gazetteer-only", "build", DATA / "markup.txt", DATA / "no_dates.txt", "-o", out,
                 "--date", "2021-04-12")
    assert result.exit_code == 0, result.stderr
    assert "(gazetteer-only)" in result.stderr
    for name in ("events.geojson", "events.csv", "report.json", "report.txt", "map.html", "map.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {d["recogniser"] for d in report["documents"]} == {"gazetteer-only"}
    assert any("gazetteer-only" in n for n in report["notes"])


# =========================================================================== the installed executable


def _exe(*args: str | os.PathLike[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    if not EXE.is_file():
        pytest.skip(f"{EXE} is not installed")
    return subprocess.run([str(EXE), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          check=False)


def test_executable_reads_a_folder_of_bad_files_without_traceback(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    (inbox / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (inbox / "empty.md").write_bytes(b"")
    _cp1252(inbox)
    (inbox / "markup.txt").write_bytes((DATA / "markup.txt").read_bytes())
    proc = _exe("--gazetteer-only", "extract", inbox, "-o", "events.geojson", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "blob.txt: binary file" in proc.stderr and "empty.md: empty file" in proc.stderr
    assert sorted(p["place_name"] for p in features(tmp_path / "events.geojson")) == ["Ganja", "Yerevan"]


def test_executable_unknown_suffix_exit_2(tmp_path: Path) -> None:
    proc = _exe("--gazetteer-only", "extract", DATA / "markup.txt", "-o", "events.xyz", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("geomap: error: cannot write 'events.xyz'")


@pytest.mark.slow
def test_executable_survives_a_10_mb_article(tmp_path: Path) -> None:
    sentence = ("Officials said patrols moved along the road between Goris and Kapan while talks continued "
                "about border posts on 3 May 2021. ")
    big = tmp_path / "huge.txt"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("date 2021-05-04\n\n")
        written = 0
        while written < 10_000_000:
            para = sentence * 8 + "\n\n"
            fh.write(para)
            written += len(para)
    started = time.monotonic()
    try:
        proc = _exe("extract", big, "-o", "events.geojson", cwd=tmp_path, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail("a 10 MB article took more than 300 s")
    assert time.monotonic() - started < 300
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 0
    assert (tmp_path / "events.geojson").is_file()
    assert "longer than the spaCy model reads" in proc.stderr  # said, not silent
