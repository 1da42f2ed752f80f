"""Accuracy on the annotated development corpora (``geomap evaluate PATH``).

The corpora are read at run time from ``PATH`` (never copied into the project) with
:mod:`geomap.corpora`; every corpus found under ``PATH`` is scored with :mod:`geomap.metrics`:

* **Recognition, end to end** (TR-News with all its toponyms, GeoWebNews with its recognition
  set, GeoCorpora): the full pipeline (:meth:`Geoparser.geoparse_many`) runs on each text and
  its mentions are matched to the gold spans by overlap (:func:`~geomap.metrics.recognition_prf`,
  as the naive baseline in BASELINE.md was scored). For matched spans that have gold
  coordinates, the end-to-end resolution accuracy@161 km is given too.
* **Resolution with gold spans** (TR-News, GeoWebNews, WikToR, GeoCorpora): the gold spans
  are resolved with :meth:`Geoparser.resolve_spans` in the context of the whole text;
  accuracy@161 km, AUC, mean and median error (an unresolved name counts as 20,039 km), and
  the ceiling: the share of names with a gazetteer candidate within 161 km of the gold point
  (what a perfect choice among the index's places could reach).
  WikToR is large and not news: a deterministic sample (every 5th document) is used.
  GeoWebNews gets a second row over its annotations linked to GeoNames, the set of Gritta's
  geocoding gold file (``gwn_full.txt``) that published figures use; the rest are streets,
  buildings and venues with hand-set coordinates.
  TR-News annotates some adjectives ("Turkish" → Turkey); they are resolved to their country
  like any span, and a second row leaves them out.
* **Dates** (TimeML: TimeBank, AQUAINT): the pipeline's :class:`~geomap.model.TimeSpan` list
  against the gold ``TIMEX3`` (recognition by overlap, value accuracy on the matched pairs whose
  gold value is a date, :func:`~geomap.metrics.timex_scores`), with the TimeML DCT as the
  publication date. One row over every TIMEX3, one over DATE/TIME only (durations and sets are
  not dates: predictions overlapping them are left out of that row).

Publication dates: only the TimeML DCT is used; TR-News and GeoWebNews carry none that is
reliable, so their texts are read with ``published=None``.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .corpora import GoldDoc, TimeDoc, find_corpora, read_corpus
from .errors import InputError
from .metrics import (
    ACC_KM,
    Counts,
    TimexCounts,
    format_table,
    haversine_km,
    match_spans,
    resolution_summary,
    timex_scores,
)
from .model import Source
from .resolve import candidate_places

if TYPE_CHECKING:
    from gazetteer import Place

    from .pipeline import Geoparser

__all__ = ["GEO_KINDS", "TIME_KINDS", "WIKTOR_STRIDE", "run_evaluation"]

GEO_KINDS = ("tr-news", "lgl", "gwn", "wiktor", "geocorpora")
TIME_KINDS = ("timebank", "aquaint", "timeml")
#: WikToR (5,000 Wikipedia articles) is sampled: every WIKTOR_STRIDE-th document.
WIKTOR_STRIDE = 5
#: Corpora scored for recognition end to end (WikToR marks one target name only).
RECOGNITION_KINDS = ("tr-news", "lgl", "gwn", "geocorpora")
LABELS = {"tr-news": "TR-News", "lgl": "LGL", "gwn": "GeoWebNews", "wiktor": "WikToR",
          "geocorpora": "GeoCorpora", "timebank": "TimeBank", "aquaint": "AQUAINT",
          "timeml": "TimeML"}
_WORST = 12


def run_evaluation(gp: Geoparser, path: str | Path, *, limit: int | None = None,
                   worst: int = _WORST) -> tuple[str, dict[str, Any]]:
    """Score ``gp`` on every corpus under ``path``: (Markdown report, numbers).

    ``limit`` keeps the first N documents of each corpus (of the sample, for WikToR).
    ``worst`` is how many of the largest resolution errors the report lists per corpus.
    Raises :class:`~geomap.errors.InputError` when ``path`` holds no corpus.
    """
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be a positive number of documents, got {limit}")
    corpora = find_corpora(path)
    if not corpora:
        raise InputError(f"{path}: no annotated corpus found (TR-News, GeoWebNews, WikToR, "
                         "GeoCorpora or TimeML folders)")
    command = _command(gp, path, limit)
    numbers: dict[str, Any] = {"command": command, "mode": gp.mode, "limit": limit,
                               "recognition": {}, "resolution": {}, "dates": {}, "errors": {}}
    rec_rows: list[dict[str, Any]] = []
    res_rows: list[dict[str, Any]] = []
    date_rows: list[dict[str, Any]] = []
    worst_lines: list[str] = []
    demonyms = gp.recogniser.demonyms
    for kind, target in corpora:
        label = LABELS.get(kind, kind)
        if kind in GEO_KINDS:
            _, res_docs, _ = read_corpus(target)
            res_docs = [d for d in _select(kind, res_docs, limit) if isinstance(d, GoldDoc)]
            t0 = time.perf_counter()
            records = _resolve_gold(gp, res_docs)
            secs = time.perf_counter() - t0
            summary = _summary(records, len(res_docs), secs)
            numbers["resolution"][kind] = summary
            res_rows.append({"corpus": label, **_res_cells(summary)})
            if kind == "gwn":
                # the annotations linked to GeoNames: the set of Gritta's geocoding gold file
                # (gwn_full.txt), which published GeoWebNews figures use; the others are
                # streets, buildings and venues with hand-set coordinates
                linked = [r for r in records if r.get("gold_geonameid")]
                sub = _summary(linked, len(res_docs), secs)
                numbers["resolution"][f"{kind}-geonames"] = sub
                res_rows.append({"corpus": f"{label}, {len(linked):,} linked to GeoNames", **_res_cells(sub)})
            adjectival = [r for r in records if r["gold_name"].lower() in demonyms]
            if adjectival:
                rest = [r for r in records if r["gold_name"].lower() not in demonyms]
                sub = _summary(rest, len(res_docs), secs)
                sub["left_out_adjectival"] = len(adjectival)
                numbers["resolution"][f"{kind}-no-adjectival"] = sub
                res_rows.append({"corpus": f"{label} without {len(adjectival)} adjectival",
                                 **_res_cells(sub)})
            errors = sorted((r for r in records if r["km"] is None or r["km"] > ACC_KM),
                            key=lambda r: (-(r["km"] if r["km"] is not None else math.inf),
                                           r["doc"], r["start"]))
            _classify(gp, errors)
            numbers["errors"][kind] = {"classes": dict(Counter(e["class"] for e in errors)),
                                       "list": errors}
            worst_lines += _worst_table(label, errors, worst)
            if kind in RECOGNITION_KINDS:
                _, rec_docs, _ = read_corpus(target, recognition=True)
                rec_docs = [d for d in _select(kind, rec_docs, limit) if isinstance(d, GoldDoc)]
                rec = _recognise(gp, rec_docs, kind)
                numbers["recognition"][kind] = rec
                rec_rows.append({"corpus": label, "counts": "toponyms", **_rec_cells(rec)})
                rec_rows.append({"corpus": label, "counts": "+ adjectives", "docs": rec["docs"],
                                 "gold": rec["gold"],
                                 **_rec_cells({**rec, **rec["with_adjectives"]}, short=True)})
        elif kind in TIME_KINDS:
            _, tdocs, _ = read_corpus(target)
            tdocs = [d for d in _select(kind, tdocs, limit) if isinstance(d, TimeDoc)]
            result = _dates(gp, tdocs)
            numbers["dates"][kind] = result
            for scope, counts in (("all TIMEX3", result["all"]), ("DATE+TIME", result["date_time"])):
                date_rows.append({"corpus": label, "gold": scope, "docs": result["docs"],
                                  "n gold": counts["tp"] + counts["fn"], "P": counts["precision"],
                                  "R": counts["recall"], "F1": counts["f1"],
                                  "value acc": counts["value_accuracy"],
                                  "compared": counts["compared"]})
    text = _report(command, gp.mode, rec_rows, res_rows, date_rows, worst_lines)
    return text, numbers


# ------------------------------------------------------------------------------ selection
def _command(gp: Geoparser, path: str | Path, limit: int | None) -> str:
    parts = ["geomap"]
    if gp.mode != "spacy+gazetteer":
        parts.append("--gazetteer-only")
    parts += ["evaluate", str(path)]
    if limit is not None:
        parts += ["--limit", str(limit)]
    return " ".join(parts)


def _select(kind: str, docs: Sequence[Any], limit: int | None) -> list[Any]:
    chosen = list(docs)
    if kind == "wiktor":
        chosen = chosen[::WIKTOR_STRIDE]
    return chosen[:limit] if limit is not None else chosen


# ------------------------------------------------------------------------------ resolution
def _error_km(place: Place | None, lat: float | None, lon: float | None) -> float | None:
    if place is None or lat is None or lon is None:
        return None
    return haversine_km(place.lat, place.lon, lat, lon)


def _resolve_gold(gp: Geoparser, docs: Sequence[GoldDoc]) -> list[dict[str, Any]]:
    """One record per gold toponym with coordinates: what the gold spans resolved to."""
    out: list[dict[str, Any]] = []
    for doc in docs:
        tops = [t for t in doc.toponyms if t.lat is not None and t.lon is not None]
        if not tops:
            continue
        places = gp.resolve_spans(doc.text, [(t.start, t.end) for t in tops])
        for t, p in zip(tops, places, strict=True):
            rec = _record(doc, t.start, t.end, t.text, t.lat, t.lon, t.kind, p)
            rec["gold_geonameid"] = t.geonameid
            # within reach: right, or one of the gazetteer's candidates for the name is (what a
            # perfect choice in context would score; the rest needs places the index lacks)
            rec["in_reach"] = (rec["km"] is not None and rec["km"] <= ACC_KM) or any(
                (_error_km(c, t.lat, t.lon) or 0.0) <= ACC_KM
                for c in candidate_places(gp.gazetteer, doc.text[t.start:t.end]))
            out.append(rec)
    return out


def _record(doc: GoldDoc, start: int, end: int, name: str, lat: float | None, lon: float | None,
            kind: str, p: Place | None) -> dict[str, Any]:
    km = _error_km(p, lat, lon)
    return {
        "doc": doc.id, "start": start, "end": end, "gold_name": name, "gold_kind": kind,
        "gold_lat": lat, "gold_lon": lon,
        "place": None if p is None else p.name, "place_kind": None if p is None else p.kind,
        "place_country": None if p is None else p.country,
        "lat": None if p is None else round(p.lat, 5), "lon": None if p is None else round(p.lon, 5),
        "km": None if km is None else round(km, 1), "reason": "" if p is None else p.reason,
    }


def _summary(records: Sequence[dict[str, Any]], docs: int, secs: float) -> dict[str, Any]:
    s = resolution_summary([r["km"] for r in records])
    if records and all("in_reach" in r for r in records):
        s["ceiling@161"] = sum(bool(r["in_reach"]) for r in records) / len(records)
    s["docs"] = docs
    s["seconds"] = round(secs, 2)
    return s


def _res_cells(s: dict[str, Any]) -> dict[str, Any]:
    return {"docs": s["docs"], "n": s["n"], "acc@161": s["acc@161"], "AUC": s["auc"],
            "mean km": s["mean_km"], "median km": s["median_km"], "unresolved": s["unresolved"],
            "ceiling@161": s.get("ceiling@161", "")}


def _classify(gp: Geoparser, errors: list[dict[str, Any]]) -> None:
    """Label each error: no candidate, right country but far, or wrong country."""
    for e in errors:
        if e["place"] is None:
            e["class"] = "no candidate"
            continue
        try:
            where = gp.gazetteer.reverse(e["gold_lat"], e["gold_lon"])
            gold_cc = where.country.country if where.country else None
        except Exception:  # noqa: BLE001 - analysis only; never fail the evaluation on it
            gold_cc = None
        e["gold_country"] = gold_cc
        if gold_cc is not None and gold_cc == e["place_country"]:
            e["class"] = f"right country, {e['place_kind']} too far"
        else:
            e["class"] = "wrong country"


def _worst_table(label: str, errors: Sequence[dict[str, Any]], n: int) -> list[str]:
    """The ``n`` largest wrong resolutions (gold name, our place, km off, why), then the names
    that found no candidate, most frequent first."""
    if not errors or n <= 0:
        return []
    classes = Counter(e["class"] for e in errors)
    wrong = [e for e in errors if e["place"] is not None]
    rows = [{"gold name": e["gold_name"], "doc": e["doc"], "our place": _place_cell(e),
             "km off": e["km"], "why": e["reason"]} for e in wrong[:n]]
    head = f"### {label}: {len(errors)} errors > {ACC_KM:.0f} km (" + ", ".join(
        f"{k} {v}" for k, v in classes.most_common()) + ")"
    out = [head, ""]
    if rows:
        out += [format_table(rows, ["gold name", "doc", "our place", "km off", "why"]), ""]
    missing = Counter(e["gold_name"] for e in errors if e["place"] is None)
    if missing:
        out += ["No candidate: " + ", ".join(f"{name} ({k})" if k > 1 else name
                                             for name, k in missing.most_common(3 * n))
                + (", …" if len(missing) > 3 * n else ""), ""]
    return out


def _place_cell(e: dict[str, Any]) -> str:
    if e["place"] is None:
        return "(none)"
    return f"{e['place']} ({e['place_kind']}, {e['place_country'] or '-'})"


# ------------------------------------------------------------------------------ recognition
def _recognise(gp: Geoparser, docs: Sequence[GoldDoc], kind: str) -> dict[str, Any]:
    """End-to-end recognition counts, and resolution accuracy over the matched spans.

    Recognition and resolution run as in :meth:`Geoparser.geoparse_many` (dates and events are
    not needed here). Two conventions are scored: toponyms only (geomap's: a nationality
    adjective is context, not a place) and toponyms plus the adjectives and demonyms geomap
    finds ("Turkish", "Canadian"), which TR-News and GeoWebNews annotate as place mentions.
    """
    from .resolve import resolve_mentions

    t0 = time.perf_counter()
    counts, with_adj = Counts(), Counts()
    errs: list[float | None] = []
    errs_adj: list[float | None] = []
    predicted = 0
    recognised = gp.recogniser.recognise_many([d.text for d in docs], n_process=gp.workers(len(docs)))
    for gold, rec in zip(docs, recognised, strict=True):
        mentions = resolve_mentions(gp.gazetteer, gold.text, rec.toponyms, demonyms=rec.demonyms)
        g = [(t.start, t.end) for t in gold.toponyms]
        p = [(m.char_start, m.char_end) for m in mentions]
        predicted += len(p)
        pairs = match_spans(g, p)
        counts = counts + Counts(len(pairs), len(p) - len(pairs), len(g) - len(pairs))
        for gi, pi in pairs:
            t = gold.toponyms[gi]
            if t.lat is not None and t.lon is not None:
                errs.append(_error_km(mentions[pi].place, t.lat, t.lon))
        adj = resolve_mentions(gp.gazetteer, gold.text, rec.demonyms, demonyms=rec.demonyms)
        both = sorted([*mentions, *adj], key=lambda m: (m.char_start, m.char_end))
        p2 = [(m.char_start, m.char_end) for m in both]
        pairs2 = match_spans(g, p2)
        with_adj = with_adj + Counts(len(pairs2), len(p2) - len(pairs2), len(g) - len(pairs2))
        for gi, pi in pairs2:
            t = gold.toponyms[gi]
            if t.lat is not None and t.lon is not None:
                errs_adj.append(_error_km(both[pi].place, t.lat, t.lon))
    secs = time.perf_counter() - t0
    e2e = resolution_summary(errs)
    e2e_adj = resolution_summary(errs_adj)
    return {"docs": len(docs), "gold": counts.tp + counts.fn, "predicted": predicted,
            "tp": counts.tp, "fp": counts.fp, "fn": counts.fn, "precision": counts.precision,
            "recall": counts.recall, "f1": counts.f1, "e2e_acc@161": e2e["acc@161"],
            "e2e_n": e2e["n"],
            "with_adjectives": {"tp": with_adj.tp, "fp": with_adj.fp, "fn": with_adj.fn,
                                "precision": with_adj.precision, "recall": with_adj.recall,
                                "f1": with_adj.f1, "e2e_acc@161": e2e_adj["acc@161"],
                                "e2e_n": e2e_adj["n"]},
            "seconds": round(secs, 2), "docs_per_s": round(len(docs) / secs, 1) if secs else None}


def _rec_cells(r: dict[str, Any], *, short: bool = False) -> dict[str, Any]:
    cells = {"P": r["precision"], "R": r["recall"], "F1": r["f1"], "e2e acc@161": r["e2e_acc@161"],
             "matched with coords": r["e2e_n"]}
    if short:
        return {"predicted": r["tp"] + r["fp"], **cells}
    return {"docs": r["docs"], "gold": r["gold"], "predicted": r["predicted"], **cells}


# ------------------------------------------------------------------------------ dates
def _dates(gp: Geoparser, docs: Sequence[TimeDoc]) -> dict[str, Any]:
    t0 = time.perf_counter()
    items = [(d.id, d.text, d.dct, Source(published=d.dct), "") for d in docs]
    every = TimexCounts()
    dated = TimexCounts()
    for gold, out in zip(docs, gp.geoparse_many(items), strict=True):
        spans = list(out.dates)
        every = every + timex_scores(gold.timexes, spans, dct=gold.dct)
        keep = [t for t in gold.timexes if t.type in ("DATE", "TIME")]
        other = [(t.start, t.end) for t in gold.timexes if t.type not in ("DATE", "TIME")]
        preds = [s for s in spans
                 if not any(a < s.char_end and s.char_start < b for a, b in other)]
        dated = dated + timex_scores(keep, preds, dct=gold.dct)
    return {"docs": len(docs), "all": every.as_dict(), "date_time": dated.as_dict(),
            "seconds": round(time.perf_counter() - t0, 2)}


# ------------------------------------------------------------------------------ report
def _report(command: str, mode: str, rec_rows: list[dict[str, Any]], res_rows: list[dict[str, Any]],
            date_rows: list[dict[str, Any]], worst_lines: list[str]) -> str:
    out = ["# geomap evaluation", "", "```", command, "```", "", f"recogniser: {mode}", ""]
    if rec_rows:
        out += ["## Toponym recognition, end to end (overlap matching)", "",
                format_table(rec_rows, ["corpus", "counts", "docs", "gold", "predicted", "P", "R",
                                        "F1", "e2e acc@161", "matched with coords"]), "",
                ("\"+ adjectives\" also counts the nationality adjectives geomap finds (\"Turkish\" → "
                 "Turkey), which TR-News and GeoWebNews annotate as place mentions; geomap itself "
                 "treats them as context, not places."), ""]
    if res_rows:
        out += ["## Toponym resolution with gold spans", "",
                format_table(res_rows, ["corpus", "docs", "n", "acc@161", "AUC", "mean km",
                                        "median km", "unresolved", "ceiling@161"]), "",
                ("ceiling@161: the share of names for which the gazetteer offers a place within 161 km "
                 "of the gold point among the candidates the resolver chooses from (or the fallback "
                 "got it right): no choice in context can score above it."), ""]
    if date_rows:
        out += ["## Dates (TimeML, DCT as publication date)", "",
                format_table(date_rows, ["corpus", "gold", "docs", "n gold", "P", "R", "F1",
                                         "value acc", "compared"]), ""]
    if worst_lines:
        out += ["## Largest resolution errors (gold spans)", "", *worst_lines]
    return "\n".join(out).rstrip() + "\n"
