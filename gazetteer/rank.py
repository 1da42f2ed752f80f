"""Ranking of candidates: how a name match, a kind, a population and a context add up.

The score is a sum of small, explainable terms; :func:`to_unit` maps it to (0, 1) for display.
Static terms (match type, kind, population) are computed at build time and stored with each name,
so the index returns candidates best-first; context terms are added at query time.
"""

from __future__ import annotations

import math

#: How a key matched a place, best first.
MATCH_NAME, MATCH_ALIAS, MATCH_ALTERNATE = 0, 1, 2
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
MATCH_WEIGHT = {MATCH_NAME: 1.0, MATCH_ALIAS: 0.85, MATCH_ALTERNATE: 0.6}
MATCH_WORDS = {MATCH_NAME: "name", MATCH_ALIAS: "alias", MATCH_ALTERNATE: "alternate name"}

#: Prior by kind: a country, a continent or a named region (a sea, "the Middle East") is what a
#: bare name means more often than not: a village named "China", "Atlantic" or "Middle East"
#: needs strong context (a qualifier, its state named) to win. Curated regions carry no
#: population, so their prior alone must beat a village's population term.
KIND_PRIOR = {
    "continent": 1.0,
    "country": 1.0,
    "region": 1.5,
    "admin1": 0.1,
    "corridor": 0.3,
    "admin2": -0.1,
    "city": 0.0,
    "feature": 0.0,
    "airport": 0.0,  # see SERVED_SHARE
}
#: Share of an administrative unit's summed city population that counts as its prominence.
POP_SHARE = {"admin1": 0.1, "admin2": 0.1}
#: An airport has no inhabitants: how widely its name is known follows the city it serves, so a
#: tenth of that city's population counts as its prominence (Heathrow, serving London's 9 M,
#: ranks like a town of 900,000; the airport of a town of 20,000 like a hamlet of 2,000). With the
#: alias weight, a bare airport name ("Heathrow", an alias) beats a same-named town (a name) only
#: when the town is under a hundredth of the served city: Heathrow, Florida (5,896) gives way to
#: London's airport, Logan, Utah (50,000) does not give way to Boston's. The airport's own city
#: never competes: a bare name that is its city's ("Ganja" of Ganja Airport) is not indexed.
SERVED_SHARE = {"airport": 0.1}

POP_WEIGHT = 0.15
USER_BONUS = 3.0  # user places take precedence
CURATED_BONUS = 0.8  # hand-curated places (gazetteer/data/curated.yaml) without population (a unit made of parts carries theirs)
FEATURE_MATCH = 0.8  # "Syunik province" and the candidate is an admin1
FEATURE_MISMATCH = -0.4
WHOLE_NAME = 0.3  # the name with its feature word is a name of the place ("Bedford County")
COUNTRY_MATCH = 0.6
COUNTRY_MISMATCH = -0.3
BBOX_INSIDE = 0.5
NEAR_WEIGHT = 0.6  # × exp(-distance / NEAR_SCALE_KM)
NEAR_SCALE_KM = 150.0
SPELLING_MATCH = 0.4  # the query's diacritics are those of one of the place's names
CAPITAL_NAMESAKE = -0.5  # a province named after its main city, when the name is bare
FUZZY_WEIGHT = 0.7  # × similarity in [0, 1], replaces the match weight


def prominence(kind: str, population: int, served: int = 0) -> float:
    """The population that counts for ranking (a share of it for administrative units).

    ``served``: the population of the city a place serves (an airport's), of which a share counts.
    """
    return population * POP_SHARE.get(kind, 1.0) + served * SERVED_SHARE.get(kind, 0.0)


def static_score(match: int, kind: str, population: int, served: int = 0) -> float:
    """Score before context: match type + kind prior + log population."""
    pop = prominence(kind, population, served)
    return MATCH_WEIGHT[match] + KIND_PRIOR.get(kind, 0.0) + POP_WEIGHT * math.log10(1.0 + pop)


def to_unit(raw: float) -> float:
    """Map a raw score to (0, 1) for display: 0.5 at raw 1, ~0.9 at raw 2.2."""
    return 1.0 / (1.0 + math.exp(-2.0 * (raw - 1.0)))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
