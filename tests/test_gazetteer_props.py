"""Properties of lookup and reverse over arbitrary input: a list of sane places or InvalidQuery, never
anything else."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gazetteer import Context, Gazetteer, InvalidQuery, Place, ReverseResult
from gazetteer.normalize import MAX_NAME_LENGTH

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# names: arbitrary text, and text built from the pieces place names are made of
NAME_PIECES = st.sampled_from(["Goris", "Syunik", "province", "the", "of", "city", "Lachin", "corridor", "Şuşa",
                               "Xankəndi", "-", "'", ".", " ", "\u200b", "\x00", "Paris", "state", "district"])
NAMES = st.one_of(st.text(), st.text(max_size=MAX_NAME_LENGTH + 20),
                  st.lists(NAME_PIECES, max_size=6).map("".join), st.lists(NAME_PIECES, max_size=6).map(" ".join))


def check_places(found: object, limit: int = 10) -> None:
    assert isinstance(found, list) and len(found) <= limit
    for p in found:
        assert isinstance(p, Place)
        assert 0 < p.score < 1, p
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180, p
        assert p.reason and p.id and p.name
    scores = [p.score for p in found]
    assert scores == sorted(scores, reverse=True)


@SETTINGS
@given(name=NAMES)
@example(name="")
@example(name="'")
@example(name="the ")
@example(name="province")
@example(name="city of")
@example(name="x" * (MAX_NAME_LENGTH + 1))
@example(name="x" * MAX_NAME_LENGTH)
def test_lookup_returns_places_or_invalid_query(gaz: Gazetteer, name: str) -> None:
    try:
        found = gaz.lookup(name)
    except InvalidQuery as err:
        assert "\n" not in str(err)
        assert not name.strip() or len(name) > MAX_NAME_LENGTH
        return
    check_places(found)


@SETTINGS
@given(name=NAMES, country=st.sampled_from(["AM", "AZ", "us", "GE", "XX"]),
       near=st.lists(st.tuples(st.floats(-90, 90), st.floats(-180, 180)), max_size=2),
       limit=st.integers(1, 20), fuzzy=st.booleans())
def test_lookup_with_context_returns_places_or_invalid_query(
    gaz: Gazetteer, name: str, country: str, near: list[tuple[float, float]], limit: int, fuzzy: bool
) -> None:
    try:
        found = gaz.lookup(name, country=country, context=Context(near=tuple(near)), limit=limit, fuzzy=fuzzy)
    except InvalidQuery:
        return
    check_places(found, limit)


# lone surrogates are what undecodable command-line bytes become (until f56a58c: UnicodeEncodeError)
@SETTINGS
@given(name=st.text(st.characters(exclude_categories=()), min_size=1))
@example(name="Go\udcffris")
def test_lookup_of_text_with_surrogates(gaz: Gazetteer, name: str) -> None:
    try:
        found = gaz.lookup(name)
    except InvalidQuery:
        return
    check_places(found)


COORD = st.one_of(st.floats(), st.floats(-91, 91), st.integers(-200, 200), st.sampled_from(["40.5", "-74", "x", ""]))


@SETTINGS
@given(lat=COORD, lon=COORD)
@example(lat=90.0, lon=180.0)
@example(lat=-90.0, lon=-180.0)
@example(lat=-0.0, lon=0.0)
@example(lat=40.71, lon=-74.0)
def test_reverse_returns_a_result_or_invalid_query(gaz: Gazetteer, lat: object, lon: object) -> None:
    try:
        r = gaz.reverse(lat, lon)  # type: ignore[arg-type]
    except InvalidQuery as err:
        assert "coordinates" in str(err)
        return
    assert isinstance(r, ReverseResult)
    la, lo = float(lat), float(lon)  # type: ignore[arg-type]
    assert math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180
    for unit, kind in ((r.country, "country"), (r.admin1, "admin1"), (r.admin2, "admin2")):
        assert unit is None or (isinstance(unit, Place) and unit.kind == kind)
    if r.admin1 is not None and r.country is not None:
        assert r.admin1.country == r.country.country
    if r.nearest is not None:
        assert r.nearest.kind == "city" and r.nearest_km is not None and 0 <= r.nearest_km <= 20_040
    assert r.to_dict()["lat"] == la


@SETTINGS
@given(lat=st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: abs(x) > 90) | st.just(math.nan),
       lon=st.floats(-180, 180))
def test_reverse_rejects_latitudes_out_of_range(gaz: Gazetteer, lat: float, lon: float) -> None:
    with pytest.raises(InvalidQuery, match="coordinates"):
        gaz.reverse(lat, lon)
