"""geomap.evaluate on the tiny invented corpora in tests/data/corpora, and a smoke run on the
real development corpora when they are present (GEOMAP_EVAL_DATA or /work/shared/eval/data)."""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gazetteer import Gazetteer
from geomap.errors import InputError
from geomap.evaluate import WIKTOR_STRIDE, run_evaluation
from geomap.pipeline import Geoparser, GeoparserConfig

FIX = Path(__file__).parent / "data" / "corpora"
REAL = Path(os.environ.get("GEOMAP_EVAL_DATA", "/work/shared/eval/data"))


@pytest.fixture(scope="module")
def gp(gaz: Gazetteer) -> Iterator[Geoparser]:
    yield Geoparser(GeoparserConfig(), gazetteer=gaz)  # spaCy when installed, else gazetteer-only


@pytest.fixture(scope="module")
def fixture_run(gp: Geoparser) -> tuple[str, dict]:
    return run_evaluation(gp, FIX)


def unit(x: float | None) -> bool:
    return x is None or (0.0 <= x <= 1.0 and not math.isnan(x))


def test_every_task_has_a_table_and_the_command(fixture_run: tuple[str, dict], gp: Geoparser) -> None:
    text, numbers = fixture_run
    for heading in ("## Toponym recognition, end to end", "## Toponym resolution with gold spans",
                    "## Dates (TimeML, DCT as publication date)"):
        assert heading in text
    assert f"geomap{' --gazetteer-only' if gp.mode != 'spacy+gazetteer' else ''} evaluate {FIX}" in text
    assert numbers["command"] in text and numbers["mode"] == gp.mode
    json.dumps(numbers)  # JSON-ready


def test_corpora_found_and_counted(fixture_run: tuple[str, dict]) -> None:
    _, numbers = fixture_run
    assert set(numbers["recognition"]) == {"tr-news", "gwn", "geocorpora"}
    assert {"tr-news", "gwn", "wiktor", "geocorpora"} <= set(numbers["resolution"])
    assert set(numbers["dates"]) == {"timebank", "aquaint"}
    # the fixtures: TR-News 8 toponyms with coordinates (9 for recognition), WikToR 2 of text 0
    assert numbers["resolution"]["tr-news"]["n"] == 8
    assert numbers["recognition"]["tr-news"]["gold"] == 9
    assert numbers["resolution"]["wiktor"]["docs"] == 1  # every 5th document: text 0 only
    assert WIKTOR_STRIDE == 5


def test_geowebnews_also_scored_on_its_geonames_linked_annotations(fixture_run: tuple[str, dict]) -> None:
    # the published GeoWebNews geocoding set (Gritta's gwn_full.txt) is the annotations with a
    # GeoNames id; the fixture's street with hand-set coordinates is in the full row only
    text, numbers = fixture_run
    full, linked = numbers["resolution"]["gwn"], numbers["resolution"]["gwn-geonames"]
    assert linked["n"] == full["n"] - 1
    assert f"GeoWebNews, {linked['n']:,} linked to GeoNames" in text


def test_the_ceiling_says_what_no_choice_among_the_candidates_could_reach(gp: Geoparser, tmp_path: Path) -> None:
    # one article, three gold names: Lyon where it is; "Paris" annotated as Paris, Texas (a
    # candidate the resolver passes over for France: an error within reach); "Lyon" annotated in
    # the Pacific (no place of that name there: out of reach)
    text = "Fans in Lyon cheered. Paris answered. Lyon slept."
    def top(name: str, start: int, lat: float, lon: float) -> str:
        return (f"<toponym><extractedName>{name}</extractedName><normalisedName>{name}</normalisedName>"
                "<type>Literal</type><modifierType></modifierType><nonLocational>No</nonLocational>"
                f"<start>{start}</start><end>{start + len(name)}</end><geonamesID>1</geonamesID>"
                f"<latitude>{lat}</latitude><longitude>{lon}</longitude></toponym>")
    xml = ('<?xml version="1.0" ?><articles><article file="1"><title>t</title><link>http://example.invalid</link>'
           f"<text>{text}</text><toponyms>"
           + top("Lyon", text.index("Lyon"), 45.75, 4.85) + top("Paris", text.index("Paris"), 33.66, -95.56)
           + top("Lyon", text.rindex("Lyon"), 0.0, -140.0) + "</toponyms></article></articles>")
    (tmp_path / "GeoWebNews").mkdir()
    (tmp_path / "GeoWebNews" / "GWN.xml").write_text(xml, encoding="utf-8")
    report, numbers = run_evaluation(gp, tmp_path)
    res = numbers["resolution"]["gwn"]
    assert res["acc@161"] == pytest.approx(1 / 3, abs=1e-3)
    assert res["ceiling@161"] == pytest.approx(2 / 3, abs=1e-3)
    assert "ceiling@161" in report


def test_scores_are_in_range(fixture_run: tuple[str, dict]) -> None:
    _, numbers = fixture_run
    for r in numbers["recognition"].values():
        assert r["tp"] + r["fn"] == r["gold"] and r["tp"] + r["fp"] == r["predicted"]
        for k in ("precision", "recall", "f1", "e2e_acc@161"):
            assert unit(r[k])
        assert unit(r["with_adjectives"]["f1"])
    for s in numbers["resolution"].values():
        assert unit(s["acc@161"]) and unit(s["auc"]) and s["mean_km"] >= 0 and s["median_km"] >= 0
        assert s["ceiling@161"] >= s["acc@161"]
    for d in numbers["dates"].values():
        assert unit(d["all"]["f1"]) and unit(d["date_time"]["value_accuracy"])


def test_fixture_numbers_are_sensible(fixture_run: tuple[str, dict]) -> None:
    _, numbers = fixture_run
    # invented Canadian ferry and similar stories: every toponym resolves within 161 km
    assert numbers["resolution"]["tr-news"]["acc@161"] == 1.0
    assert numbers["recognition"]["tr-news"]["f1"] >= 0.8
    tb = numbers["dates"]["timebank"]["date_time"]
    assert tb["compared"] >= 2 and tb["value_accuracy"] == 1.0


def test_errors_are_listed_with_a_reason(fixture_run: tuple[str, dict]) -> None:
    text, numbers = fixture_run
    for errs in numbers["errors"].values():
        for e in errs["list"]:
            assert e["class"] in ("no candidate", "wrong country") or e["class"].startswith("right country")
            assert e["km"] is None or e["km"] > 161
    if any(e["list"] for e in numbers["errors"].values()):
        assert "## Largest resolution errors" in text


def test_limit_keeps_the_first_documents(gp: Geoparser) -> None:
    _, numbers = run_evaluation(gp, FIX / "TR-News", limit=1)
    assert numbers["resolution"]["tr-news"]["docs"] == 1
    assert numbers["recognition"]["tr-news"]["docs"] == 1
    assert numbers["limit"] == 1


def test_no_corpus_is_a_clear_error(gp: Geoparser, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no annotated corpus"):
        run_evaluation(gp, tmp_path)
    with pytest.raises(InputError, match="--limit"):
        run_evaluation(gp, FIX, limit=0)


def test_single_corpus_folder(gp: Geoparser, tmp_path: Path) -> None:
    shutil.copytree(FIX / "temporal" / "TimeBank", tmp_path / "TimeBank")
    text, numbers = run_evaluation(gp, tmp_path)
    assert set(numbers["dates"]) == {"timebank"} and not numbers["resolution"]
    assert "## Toponym resolution" not in text


def test_cli_evaluate_with_the_model_and_the_default_jobs(tmp_path: Path) -> None:
    """What `make evaluate` runs: the spaCy path, -j left to its automatic default."""
    from geomap.cli import cli

    res = CliRunner().invoke(cli, ["evaluate", str(FIX / "TR-News")])
    assert res.exit_code == 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "TR-News" in res.output and "acc@161" in res.output


def test_cli_evaluate_writes_json(tmp_path: Path) -> None:
    from geomap.cli import cli

    out = tmp_path / "numbers.json"
    res = CliRunner().invoke(cli, ["--gazetteer-only", "evaluate", str(FIX / "TR-News"), "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "geomap --gazetteer-only evaluate" in res.output
    assert json.loads(out.read_text())["resolution"]["tr-news"]["n"] == 8


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "CORPORA.md").is_file(),
                    reason=f"development corpora not found at {REAL} (set GEOMAP_EVAL_DATA)")
def test_smoke_on_the_real_corpora(gp: Geoparser) -> None:
    text, numbers = run_evaluation(gp, REAL, limit=3)
    assert {"tr-news", "gwn", "wiktor", "geocorpora"} <= set(numbers["resolution"])
    assert {"timebank", "aquaint"} <= set(numbers["dates"])
    assert numbers["resolution"]["tr-news"]["docs"] == 3
    assert all(unit(s["acc@161"]) for s in numbers["resolution"].values())
    assert "--limit 3" in text
