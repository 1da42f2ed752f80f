"""Scoring functions for geoparsing and date resolution (pure, standard library only).

Recognition is scored by span overlap: a predicted span is a true positive when it overlaps a
gold span that no earlier prediction matched (greedy in text order); unmatched predictions are
false positives, unmatched gold spans false negatives. :class:`Counts` add up across
documents, and :func:`prf` turns them into precision, recall and F1 (micro-averaged).

Resolution is scored from the error distance of each gold toponym (:func:`haversine_km`), with
"no answer" counted as the largest possible error, :data:`MAX_ERROR_KM` (20,039 km, half the
equatorial circumference, as in Gritta et al.). :func:`resolution_summary` gives accuracy@161 km,
mean and median error and the AUC of Gritta et al. (see there for the formula).

Dates are scored by :func:`timex_scores` against TimeML ``TIMEX3`` annotations, whose values are
turned into day intervals by :func:`timeml_value_to_span`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gazetteer.rank import EARTH_RADIUS_KM  # mean Earth radius (IUGG), as geopy's great circle uses

__all__ = [
    "ACC_KM",
    "EARTH_RADIUS_KM",
    "MAX_ERROR_KM",
    "Counts",
    "TimexCounts",
    "auc",
    "format_table",
    "haversine_km",
    "match_spans",
    "prf",
    "recognition_prf",
    "resolution_summary",
    "timeml_value_to_span",
    "timex_scores",
]

#: Error charged for an unresolved toponym, and the cap on any error (Gritta et al.).
MAX_ERROR_KM = 20039.0
#: The k of accuracy@k: 161 km = 100 miles.
ACC_KM = 161.0

Span = tuple[int, int]


# ----------------------------------------------------------------------------------------
# Recognition
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives; ``a + b`` adds them up."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return prf(self)[0]

    @property
    def recall(self) -> float:
        return prf(self)[1]

    @property
    def f1(self) -> float:
        return prf(self)[2]


def prf(counts: Counts) -> tuple[float, float, float]:
    """(precision, recall, F1); a ratio with a zero denominator is 0.0."""
    p = counts.tp / (counts.tp + counts.fp) if counts.tp + counts.fp else 0.0
    r = counts.tp / (counts.tp + counts.fn) if counts.tp + counts.fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _overlaps(a: Span, b: Span) -> bool:
    """A non-empty intersection (touching or empty spans do not overlap)."""
    return max(a[0], b[0]) < min(a[1], b[1])


def match_spans(gold: Sequence[Span], predicted: Sequence[Span]) -> list[tuple[int, int]]:
    """Greedy overlap matching in text order: ``(gold index, predicted index)`` pairs.

    Predictions are visited by (start, end); each takes the first gold span, by (start, end),
    that it overlaps and that is still free. Empty spans overlap nothing.
    """
    g_order = sorted(range(len(gold)), key=lambda i: (gold[i][0], gold[i][1]))
    p_order = sorted(range(len(predicted)), key=lambda i: (predicted[i][0], predicted[i][1]))
    free = [True] * len(gold)
    pairs: list[tuple[int, int]] = []
    lo = 0  # every gold span before g_order[lo] is matched or ends before all later starts
    for pi in p_order:
        p = (predicted[pi][0], predicted[pi][1])
        while lo < len(g_order) and (not free[g_order[lo]] or gold[g_order[lo]][1] <= p[0]):
            lo += 1
        for k in range(lo, len(g_order)):
            gi = g_order[k]
            g = (gold[gi][0], gold[gi][1])
            if g[0] >= p[1]:
                break
            if free[gi] and _overlaps(g, p):
                free[gi] = False
                pairs.append((gi, pi))
                break
    return pairs


def recognition_prf(gold: Sequence[Span], predicted: Sequence[Span]) -> Counts:
    """Overlap-matched counts for one document (see :func:`match_spans`)."""
    tp = len(match_spans(gold, predicted))
    return Counts(tp, len(predicted) - tp, len(gold) - tp)


# ----------------------------------------------------------------------------------------
# Resolution
# ----------------------------------------------------------------------------------------
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius :data:`EARTH_RADIUS_KM`
    (at most pi * R = 20,015 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, h))))


def _clean_errors(errors_km: Sequence[float | None]) -> list[float]:
    out: list[float] = []
    for e in errors_km:
        if e is None or math.isnan(e):
            out.append(MAX_ERROR_KM)
        elif e < 0:
            raise ValueError(f"negative error distance: {e}")
        else:
            out.append(min(float(e), MAX_ERROR_KM))
    return out


def auc(errors_km: Sequence[float | None]) -> float | None:
    """Area under the curve of sorted log errors, normalised to [0, 1]; lower is better.

    Following Gritta et al. (2018, "Which Melbourne?" / CamCoder; 2019, "A pragmatic guide to
    geoparsing evaluation"): sort the errors ascending, ``e_1 <= ... <= e_n`` (None and NaN
    count as :data:`MAX_ERROR_KM`, larger errors are capped there), scale each to
    ``y_i = ln(1 + e_i) / ln(1 + 20039)`` and integrate with the trapezoidal rule over
    ``x`` evenly spaced on [0, 1]::

        AUC = 1/(n-1) * sum_{i=1}^{n-1} (y_i + y_{i+1}) / 2        (n >= 2)
        AUC = y_1                                                (n == 1)

    0 when every error is 0 km, 1 when every toponym failed. Gritta's published code computes
    ``numpy.trapz(log(1 + e)) / (log(20039) * (n - 1))``; the denominator here is
    ``ln(1 + 20039)`` so that the maximum is exactly 1 (a relative difference below 5e-6).
    None for no errors.
    """
    errs = sorted(_clean_errors(errors_km))
    if not errs:
        return None
    norm = math.log1p(MAX_ERROR_KM)
    ys = [math.log1p(e) / norm for e in errs]
    if len(ys) == 1:
        return ys[0]
    area = sum((a + b) / 2 for a, b in zip(ys, ys[1:]))
    return min(1.0, max(0.0, area / (len(ys) - 1)))


def resolution_summary(errors_km: Sequence[float | None]) -> dict[str, Any]:
    """Summary of error distances, one per gold toponym (None = not resolved).

    Keys: ``n`` (toponyms), ``unresolved`` (None count), ``acc@161`` (share with error <= 161
    km; None counts as a failure), ``mean_km`` and ``median_km`` (None counted as 20,039 km),
    ``auc`` (:func:`auc`). With no errors the scores are None.
    """
    errs = _clean_errors(errors_km)
    n = len(errs)
    unresolved = sum(1 for e in errors_km if e is None or math.isnan(e))
    if not n:
        return {"n": 0, "unresolved": 0, "acc@161": None, "mean_km": None, "median_km": None,
                "auc": None}
    return {
        "n": n,
        "unresolved": unresolved,
        "acc@161": sum(1 for e in errs if e <= ACC_KM) / n,
        "mean_km": statistics.fmean(errs),
        "median_km": statistics.median(errs),
        "auc": auc(errs),
    }


# ----------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------
_SEASONS = {  # meteorological seasons: (first month, last month, year offset of the start)
    "SP": (3, 5, 0), "SU": (6, 8, 0), "FA": (9, 11, 0), "AU": (9, 11, 0), "WI": (12, 2, -1),
}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def timeml_value_to_span(value: str, dct: dt.date | None) -> tuple[dt.date, dt.date, str] | None:
    """A TimeML ``TIMEX3`` value as an inclusive day interval ``(start, end, precision)``.

    ==========================  ==========================================  ==========
    value                       interval                                    precision
    ==========================  ==========================================  ==========
    ``1998-02-06`` (``T...``)   that day (a time of day keeps the day)      day
    ``1998-02``                 that month                                  month
    ``1998``                    that year                                   year
    ``199`` / ``19``            that decade / century (1990-1999, 1900-99)  interval
    ``1998-W06`` (``-WE``)      ISO week Monday-Sunday (weekend Sat-Sun)    interval
    ``1998-Q1`` / ``1998-H2``   quarter / half year                         interval
    ``1998-SU`` (SP, FA, WI)    meteorological season; WI = Dec 1997-Feb 98 interval
    ``PRESENT_REF``             the DCT day (None without a DCT)            day
    ==========================  ==========================================  ==========

    Everything else is not a date and gives None: durations (``P1M``, ``PT2H``), sets,
    ``PAST_REF``/``FUTURE_REF``, values with unspecified digits (``1998-XX``, ``XXXX-WXX-1``),
    invalid dates.
    """
    v = value.strip().upper()
    try:
        if v == "PRESENT_REF":
            return (dct, dct, "day") if dct is not None else None
        if "X" in v or v.startswith("P") or not v[:1].isdigit():
            return None
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T.*)?", v)
        if m:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return d, d, "day"
        m = re.fullmatch(r"(\d{4})-(\d{2})", v)
        if m:
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, 1), _month_end(y, mo), "month"
        m = re.fullmatch(r"(\d{4})", v)
        if m:
            y = int(m[1])
            return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
        m = re.fullmatch(r"(\d{3})", v)
        if m:
            y = int(m[1]) * 10
            return dt.date(y, 1, 1), dt.date(y + 9, 12, 31), "interval"
        m = re.fullmatch(r"(\d{2})", v)
        if m:
            y = int(m[1]) * 100
            return dt.date(max(y, 1), 1, 1), dt.date(y + 99, 12, 31), "interval"
        m = re.fullmatch(r"(\d{4})-W(\d{1,2})(-WE)?", v)
        if m:
            y, w = int(m[1]), int(m[2])
            if m[3]:
                return (dt.date.fromisocalendar(y, w, 6), dt.date.fromisocalendar(y, w, 7),
                        "interval")
            return dt.date.fromisocalendar(y, w, 1), dt.date.fromisocalendar(y, w, 7), "interval"
        m = re.fullmatch(r"(\d{4})-Q([1-4])", v)
        if m:
            y, q = int(m[1]), int(m[2])
            return dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "interval"
        m = re.fullmatch(r"(\d{4})-H([12])", v)
        if m:
            y, h = int(m[1]), int(m[2])
            return dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h), "interval"
        m = re.fullmatch(r"(\d{4})-(SP|SU|FA|AU|WI)", v)
        if m:
            y = int(m[1])
            first, last, offset = _SEASONS[m[2]]
            return (dt.date(y + offset, first, 1), _month_end(y, last), "interval")
    except ValueError:  # invalid day, week 53 of a 52-week year, ...
        return None
    return None


@dataclass(frozen=True, slots=True)
class TimexCounts:
    """Date scoring counts; ``a + b`` adds them up across documents.

    ``tp``/``fp``/``fn`` score recognition by overlap (:func:`match_spans`). ``compared`` counts
    the matched pairs whose gold value is a date (:func:`timeml_value_to_span` is not None);
    ``agreed`` those whose predicted interval has the same start and end day.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    compared: int = 0
    agreed: int = 0

    def __add__(self, other: TimexCounts) -> TimexCounts:
        return TimexCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn,
                           self.compared + other.compared, self.agreed + other.agreed)

    @property
    def recognition(self) -> Counts:
        return Counts(self.tp, self.fp, self.fn)

    @property
    def precision(self) -> float:
        return prf(self.recognition)[0]

    @property
    def recall(self) -> float:
        return prf(self.recognition)[1]

    @property
    def f1(self) -> float:
        return prf(self.recognition)[2]

    @property
    def value_accuracy(self) -> float | None:
        """``agreed / compared``; None when nothing could be compared."""
        return self.agreed / self.compared if self.compared else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1, "compared": self.compared,
                "agreed": self.agreed, "value_accuracy": self.value_accuracy}


def _triple(item: Any) -> tuple[int, int, Any]:
    """(start, end, value) from a tuple, a GoldTimex-like object (start, end, value) or a
    TimeSpan-like object (char_start, char_end; the object itself is the value)."""
    if isinstance(item, (tuple, list)):
        return int(item[0]), int(item[1]), item[2] if len(item) > 2 else None
    if hasattr(item, "char_start") and hasattr(item, "char_end"):
        return int(item.char_start), int(item.char_end), item
    return int(item.start), int(item.end), getattr(item, "value", None)


def _as_day(d: Any) -> dt.date | None:
    if isinstance(d, dt.datetime):
        return d.date()
    return d if isinstance(d, dt.date) else None


def _interval(value: Any, dct: dt.date | None) -> tuple[dt.date | None, dt.date | None] | None:
    """A value as (start day, end day): TimeML string, (start, end, ...) tuple, or an object
    with ``start``/``end`` dates (e.g. geomap.model.TimeSpan). None when not a date."""
    if value is None:
        return None
    if isinstance(value, str):
        span = timeml_value_to_span(value, dct)
        return None if span is None else (span[0], span[1])
    if isinstance(value, dt.date):
        d = _as_day(value)
        return d, d
    if isinstance(value, (tuple, list)) and len(value) >= 2:
        return _as_day(value[0]), _as_day(value[1])
    if hasattr(value, "start") and hasattr(value, "end"):
        return _as_day(value.start), _as_day(value.end)
    return None


def timex_scores(gold: Sequence[Any], predicted: Sequence[Any], *,
                 dct: dt.date | None = None) -> TimexCounts:
    """Score date expressions of one document.

    ``gold``: :class:`~geomap.corpora.GoldTimex` objects or ``(start, end, value)`` tuples with
    TimeML values. ``predicted``: ``(start, end, value)`` tuples or ``TimeSpan``-like objects;
    a value may be a TimeML string, a ``(start_date, end_date, precision)`` tuple, a date, or
    an object with ``start``/``end`` dates. ``dct`` resolves ``PRESENT_REF``.

    Recognition: overlap matching (:func:`match_spans`). Value accuracy: over matched pairs whose
    gold value is a date interval (durations, sets, PAST_REF and underspecified values are
    left out), a prediction agrees when its start and end days equal the gold's (precision
    labels are not compared; a prediction without a value disagrees).
    """
    g = [_triple(x) for x in gold]
    p = [_triple(x) for x in predicted]
    pairs = match_spans([(s, e) for s, e, _ in g], [(s, e) for s, e, _ in p])
    compared = agreed = 0
    for gi, pi in pairs:
        want = _interval(g[gi][2], dct)
        if want is None:
            continue
        compared += 1
        got = _interval(p[pi][2], dct)
        agreed += got is not None and got == want
    tp = len(pairs)
    return TimexCounts(tp, len(p) - tp, len(g) - tp, compared, agreed)


# ----------------------------------------------------------------------------------------
# Presentation
# ----------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A Markdown table of ``rows`` (dicts) in ``columns`` order.

    Floats print with 3 decimals (from 1,000 on: 1 decimal and thousands separators), missing
    values and None as "–"; columns whose values are all numbers are right-aligned.
    """
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    numeric = [
        all(isinstance(row.get(c), (int, float)) and not isinstance(row.get(c), bool)
            for row in rows if row.get(c) is not None) and any(row.get(c) is not None
                                                               for row in rows)
        for c in columns
    ]
    header = [str(c).replace("|", "\\|") for c in columns]
    widths = [max([len(h), 3, *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        out = []
        for i, v in enumerate(values):
            out.append(v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]))
        return "| " + " | ".join(out) + " |"

    sep = "| " + " | ".join(("-" * (w - 1) + ":") if numeric[i] else "-" * w
                            for i, w in enumerate(widths)) + " |"
    return "\n".join([line(header), sep, *(line(r) for r in cells)])
