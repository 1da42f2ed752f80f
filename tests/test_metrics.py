"""Tests for geomap.metrics: recognition counts, distances, resolution summary, dates, tables."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.metrics import (
    ACC_KM,
    MAX_ERROR_KM,
    Counts,
    TimexCounts,
    auc,
    format_table,
    haversine_km,
    match_spans,
    prf,
    recognition_prf,
    resolution_summary,
    timeml_value_to_span,
    timex_scores,
)

D = dt.date


# ----------------------------------------------------------------------------------------
# Recognition
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ([], [], Counts(0, 0, 0)),
        ([(0, 5)], [], Counts(0, 0, 1)),
        ([], [(0, 5)], Counts(0, 1, 0)),
        ([(0, 5)], [(0, 5)], Counts(1, 0, 0)),
        ([(0, 5)], [(4, 9)], Counts(1, 0, 0)),  # partial overlap counts
        ([(0, 5)], [(5, 9)], Counts(0, 1, 1)),  # touching is not overlapping
        ([(0, 5)], [(1, 2), (3, 4)], Counts(1, 1, 0)),  # a gold span matches once
        ([(0, 5), (6, 10)], [(0, 10)], Counts(1, 0, 1)),  # a prediction matches once
        ([(6, 10), (0, 5)], [(8, 9), (2, 3)], Counts(2, 0, 0)),  # order of input irrelevant
        ([(0, 5), (0, 5)], [(0, 5)], Counts(1, 0, 1)),  # duplicated gold span
        # greedy, not optimal: (3, 4) takes (0, 20) first, so (10, 12) finds nothing free
        ([(0, 20), (2, 4)], [(3, 4), (10, 12)], Counts(1, 1, 1)),
        ([(0, 5)], [(3, 3)], Counts(0, 1, 1)),  # empty prediction overlaps nothing
    ],
)
def test_recognition_prf_table(gold: list[tuple[int, int]], predicted: list[tuple[int, int]],
                               expected: Counts) -> None:
    assert recognition_prf(gold, predicted) == expected


def test_match_spans_greedy_in_text_order() -> None:
    # the first prediction takes the first gold span it overlaps, even if a later one fits
    gold = [(0, 10), (8, 12)]
    assert match_spans(gold, [(9, 11), (0, 2)]) == [(0, 1), (1, 0)]
    assert match_spans(gold, [(9, 11)]) == [(0, 0)]


def test_counts_add_and_prf() -> None:
    total = Counts(3, 1, 0) + Counts(1, 1, 4)
    assert total == Counts(4, 2, 4)
    p, r, f = prf(total)
    assert (p, r) == pytest.approx((4 / 6, 4 / 8))
    assert f == pytest.approx(2 * p * r / (p + r))
    assert (total.precision, total.recall, total.f1) == (p, r, f)
    assert prf(Counts()) == (0.0, 0.0, 0.0)


spans = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)).map(
    lambda t: (t[0], t[0] + t[1])), max_size=25)


@given(spans, spans)
@settings(max_examples=200, deadline=None)
def test_recognition_counts_properties(gold: list[tuple[int, int]],
                                       predicted: list[tuple[int, int]]) -> None:
    c = recognition_prf(gold, predicted)
    assert c.tp + c.fn == len(gold)
    assert c.tp + c.fp == len(predicted)
    assert min(c.tp, c.fp, c.fn) >= 0
    p, r, f = prf(c)
    assert 0.0 <= p <= 1.0 and 0.0 <= r <= 1.0 and 0.0 <= f <= 1.0
    assert min(p, r) - 1e-12 <= f <= max(p, r) + 1e-12
    pairs = match_spans(gold, predicted)
    assert len({g for g, _ in pairs}) == len({q for _, q in pairs}) == len(pairs)
    for g, q in pairs:
        assert gold[g][0] < predicted[q][1] and predicted[q][0] < gold[g][1]
    assert recognition_prf(gold, gold).tp == len(gold)


@given(spans)
@settings(max_examples=100, deadline=None)
def test_recognition_perfect_when_identical(gold: list[tuple[int, int]]) -> None:
    assert recognition_prf(gold, list(reversed(gold))) == Counts(len(gold), 0, 0)


# ----------------------------------------------------------------------------------------
# Distances and resolution
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((0.0, 0.0), (0.0, 0.0), 0.0),
        ((0.0, 0.0), (0.0, 1.0), 111.195),
        ((0.0, 0.0), (0.0, 180.0), 20015.1),
        ((90.0, 0.0), (-90.0, 0.0), 20015.1),
        ((51.5074, -0.1278), (48.8566, 2.3522), 343.6),  # London - Paris
        ((40.7128, -74.0060), (34.0522, -118.2437), 3935.7),  # New York - Los Angeles
        ((0.0, 179.5), (0.0, -179.5), 111.195),  # across the antimeridian
    ],
)
def test_haversine_table(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert haversine_km(*a, *b) == pytest.approx(km, rel=2e-3, abs=1e-6)


lat = st.floats(-90, 90, allow_nan=False)
lon = st.floats(-180, 180, allow_nan=False)


@given(lat, lon, lat, lon)
@settings(max_examples=300, deadline=None)
def test_haversine_properties(la1: float, lo1: float, la2: float, lo2: float) -> None:
    d = haversine_km(la1, lo1, la2, lo2)
    assert d == pytest.approx(haversine_km(la2, lo2, la1, lo1), abs=1e-6)
    assert 0.0 <= d <= 20038.0
    assert haversine_km(la1, lo1, la1, lo1) == pytest.approx(0.0, abs=1e-6)


def test_auc_extremes_and_formula() -> None:
    assert auc([0.0, 0.0, 0.0]) == 0.0
    assert auc([None, None]) == 1.0
    assert auc([MAX_ERROR_KM]) == 1.0
    assert auc([1e9, float("nan")]) == 1.0  # capped / NaN counts as a failure
    assert auc([]) is None
    # two points: the trapezoid between them, on sorted errors
    y = math.log1p(100) / math.log1p(MAX_ERROR_KM)
    assert auc([100.0, 0.0]) == pytest.approx(y / 2)
    # three points, unsorted input: (y1 + y2)/2 + (y2 + y3)/2 over 2 intervals
    ys = sorted(math.log1p(e) / math.log1p(MAX_ERROR_KM) for e in (10.0, 1000.0, 1.0))
    expected = ((ys[0] + ys[1]) / 2 + (ys[1] + ys[2]) / 2) / 2
    assert auc([10.0, 1000.0, 1.0]) == pytest.approx(expected)
    with pytest.raises(ValueError, match="negative"):
        auc([-1.0])


errors = st.lists(st.one_of(st.none(), st.floats(0, 30000, allow_nan=False)), min_size=1,
                  max_size=60)


@given(errors)
@settings(max_examples=200, deadline=None)
def test_resolution_summary_properties(errs: list[float | None]) -> None:
    s = resolution_summary(errs)
    assert s["n"] == len(errs)
    assert s["unresolved"] == sum(e is None for e in errs)
    assert 0.0 <= s["acc@161"] <= 1.0
    assert 0.0 <= s["auc"] <= 1.0
    assert 0.0 <= s["median_km"] <= MAX_ERROR_KM
    assert s["mean_km"] <= MAX_ERROR_KM + 1e-9
    # adding a failure never lowers the AUC nor raises accuracy
    worse = resolution_summary([*errs, None])
    assert worse["auc"] >= s["auc"] - 1e-12
    assert worse["acc@161"] <= s["acc@161"] + 1e-12


def test_resolution_summary_values() -> None:
    s = resolution_summary([0.0, 50.0, ACC_KM, 161.5, None])
    assert s["n"] == 5 and s["unresolved"] == 1
    assert s["acc@161"] == pytest.approx(3 / 5)  # 161 km itself counts as correct
    assert s["median_km"] == ACC_KM
    assert s["mean_km"] == pytest.approx((0 + 50 + 161 + 161.5 + MAX_ERROR_KM) / 5)
    assert resolution_summary([]) == {"n": 0, "unresolved": 0, "acc@161": None,
                                      "mean_km": None, "median_km": None, "auc": None}
    assert resolution_summary([0.0] * 4)["auc"] == 0.0
    assert resolution_summary([None] * 4)["auc"] == 1.0


# ----------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------
DCT = D(1998, 2, 6)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1998-02-06", (D(1998, 2, 6), D(1998, 2, 6), "day")),
        ("1998-02-06T18:30", (D(1998, 2, 6), D(1998, 2, 6), "day")),
        ("1998-02-06TMO", (D(1998, 2, 6), D(1998, 2, 6), "day")),
        ("1998-02", (D(1998, 2, 1), D(1998, 2, 28), "month")),
        ("2000-02", (D(2000, 2, 1), D(2000, 2, 29), "month")),
        ("1998", (D(1998, 1, 1), D(1998, 12, 31), "year")),
        ("199", (D(1990, 1, 1), D(1999, 12, 31), "interval")),
        ("19", (D(1900, 1, 1), D(1999, 12, 31), "interval")),
        ("1998-W06", (D(1998, 2, 2), D(1998, 2, 8), "interval")),
        ("1998-W6", (D(1998, 2, 2), D(1998, 2, 8), "interval")),
        ("1998-W06-WE", (D(1998, 2, 7), D(1998, 2, 8), "interval")),
        ("2015-W53", (D(2015, 12, 28), D(2016, 1, 3), "interval")),
        ("1998-Q1", (D(1998, 1, 1), D(1998, 3, 31), "interval")),
        ("1998-Q4", (D(1998, 10, 1), D(1998, 12, 31), "interval")),
        ("1998-H2", (D(1998, 7, 1), D(1998, 12, 31), "interval")),
        ("1998-SU", (D(1998, 6, 1), D(1998, 8, 31), "interval")),
        ("1994-WI", (D(1993, 12, 1), D(1994, 2, 28), "interval")),
        ("PRESENT_REF", (DCT, DCT, "day")),
        ("P1M", None),
        ("PT3H", None),
        ("PXY", None),
        ("PAST_REF", None),
        ("FUTURE_REF", None),
        ("1998-XX", None),
        ("XXXX-WXX-1", None),
        ("2016-W53", None),  # 2016 has 52 ISO weeks
        ("1998-02-30", None),
        ("", None),
        ("nonsense", None),
    ],
)
def test_timeml_value_to_span(value: str,
                              expected: tuple[dt.date, dt.date, str] | None) -> None:
    assert timeml_value_to_span(value, DCT) == expected


def test_present_ref_needs_dct() -> None:
    assert timeml_value_to_span("PRESENT_REF", None) is None


@dataclass(frozen=True)
class _Timex:
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class _Span:  # shaped like geomap.model.TimeSpan
    start: dt.date | None
    end: dt.date | None
    precision: str
    char_start: int
    char_end: int


def test_timex_scores() -> None:
    gold = [
        _Timex(0, 5, "1998-02-06"),  # matched, same day -> agree
        _Timex(10, 20, "P1M"),  # matched, duration -> not compared
        _Timex(30, 40, "1998-Q1"),  # matched, wrong interval -> disagree
        _Timex(50, 60, "PRESENT_REF"),  # matched via DCT -> agree
        _Timex(70, 75, "1998"),  # missed
    ]
    predicted = [
        (1, 4, (D(1998, 2, 6), D(1998, 2, 6), "day")),
        (12, 14, None),
        (30, 40, "1998-01"),
        _Span(DCT, DCT, "day", 55, 58),
        (90, 95, "1998"),  # spurious
    ]
    c = timex_scores(gold, predicted, dct=DCT)
    assert (c.tp, c.fp, c.fn) == (4, 1, 1)
    assert (c.compared, c.agreed) == (3, 2)
    assert c.value_accuracy == pytest.approx(2 / 3)
    assert c.precision == pytest.approx(4 / 5) and c.recall == pytest.approx(4 / 5)
    total = c + TimexCounts(1, 0, 0, 1, 1)
    assert (total.tp, total.compared, total.agreed) == (5, 4, 3)
    assert total.as_dict()["value_accuracy"] == pytest.approx(3 / 4)
    assert TimexCounts().value_accuracy is None
    # precision labels are not compared; a prediction without a value disagrees
    assert timex_scores([(0, 4, "1998")], [(0, 4, (D(1998, 1, 1), D(1998, 12, 31), "x"))]
                        ).agreed == 1
    assert timex_scores([(0, 4, "1998")], [(0, 4, None)]).agreed == 0
    assert timex_scores([(0, 4, "1998-02-06")], [(0, 4, D(1998, 2, 6))]).agreed == 1


# ----------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------
def test_format_table() -> None:
    rows = [
        {"corpus": "gwn", "n": 2601, "acc@161": 0.29612, "mean_km": 1234.56, "auc": None},
        {"corpus": "a|b", "n": 12, "acc@161": 1.0, "mean_km": 3.0},
    ]
    out = format_table(rows, ["corpus", "n", "acc@161", "mean_km", "auc"])
    lines = out.splitlines()
    assert len(lines) == 4
    assert [c.strip() for c in lines[0].strip("|").split("|")] == [
        "corpus", "n", "acc@161", "mean_km", "auc"]
    assert lines[1].replace(" ", "") == "|------|---:|------:|------:|---|"
    assert "0.296" in lines[2] and "1,234.6" in lines[2] and "–" in lines[2]
    assert "a\\|b" in lines[3] and "1.000" in lines[3]
    assert len({len(line) for line in lines}) == 1  # aligned columns
    assert format_table([], ["x"]).splitlines()[0] == "| x   |"
