"""Toponym resolution in context: a document's names are resolved together.

Evidence, strongest first:

1. words right before the name: a possessive country ("Azerbaijan's Tovuz district"), a demonym
   ("the Armenian border region of Syunik"), a feature word the recogniser kept in the span;
2. what follows: "Paris, Texas" (a comma and a state or country);
3. the document: countries it names (and demonyms), places already resolved without doubt;
4. the gazetteer's priors: kind, population, exact name over alternate name.

Every resolution keeps the gazetteer's score and reason, with the context that was used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from gazetteer import Context, Gazetteer, GazetteerError, Place

from .model import Mention
from .recognize import Span

_LOCAL_WINDOW = 60
_POSS = re.compile(r"([A-Z][\w\-]+(?: [A-Z][\w\-]+)?)['\u2019]s\s+(?:[\w\-]+\s+){0,3}$")
_SENT_BREAK = re.compile(r"[.!?]\s")


def resolve_mentions(
    gaz: Gazetteer,
    text: str,
    spans: Sequence[Span],
    *,
    demonyms: Sequence[Span] = (),
    countries: Sequence[str] = (),
) -> list[Mention]:
    """Resolve every recognised span of ``text``; unresolved ones say why."""
    first: list[Place | None] = []
    for sp in spans:
        first.append(_safe_resolve(gaz, sp.text, None))

    # document countries: named countries, demonyms, countries of unambiguous places
    votes: Counter[str] = Counter()
    for sp, p in zip(spans, first, strict=True):
        if p is not None and p.kind == "country" and p.country:
            votes[p.country] += 2
        elif p is not None and p.country and p.score >= 0.8 and p.kind != "continent":
            votes[p.country] += 1
    for d in demonyms:
        if d.country:
            votes[d.country] += 1
    doc_countries = tuple(dict.fromkeys([*countries, *(c for c, _ in votes.most_common(4))]))

    anchors: Counter[tuple[float, float]] = Counter()
    for p in first:
        if p is not None and p.kind in ("city", "admin1", "admin2", "region", "corridor") and p.score >= 0.85:
            anchors[(round(p.lat, 3), round(p.lon, 3))] += 1
    near = tuple(pt for pt, _ in anchors.most_common(6))

    mentions = []
    for i, sp in enumerate(spans):
        local = _local_countries(gaz, text, sp, demonyms)
        after = _following_place(gaz, text, sp, spans[i + 1] if i + 1 < len(spans) else None)
        cs = tuple(dict.fromkeys([*local, *([after.country] if after and after.country else []), *doc_countries]))
        own = first[i]
        near_others = tuple(pt for pt in near if own is None or (round(own.lat, 3), round(own.lon, 3)) != pt)
        if after is not None:
            near_others = ((after.lat, after.lon), *near_others)
        ctx = Context(countries=cs, near=near_others)
        place = _safe_resolve(gaz, sp.text, ctx)
        why = ""
        if place is None:
            why = f"no place named {sp.text!r} in the gazetteer"
        elif local and place.country == local[0]:
            place = replace(place, reason=f"{place.reason}; the text says it is in {local[0]}")
        mentions.append(Mention(sp.text, sp.start, sp.end, place, sp.label, why))
    return mentions


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
        p = _safe_resolve(gaz, m.group(1), None)
        if p is not None and p.kind == "country" and p.country:
            out.append(p.country)
    for d in demonyms:
        if lo <= d.start and d.end <= sp.start and d.country and d.country not in out:
            # "the Armenian border region of Syunik": a demonym in the same noun phrase
            between = text[d.end:sp.start]
            if len(between) <= 40 and not re.search(r"[,;:]|\b(?:and|against|with|from|by|to)\b", between):
                out.append(d.country)
    return tuple(out)


def _following_place(gaz: Gazetteer, text: str, sp: Span, nxt: Span | None) -> Place | None:
    """"Paris, Texas": a state or country right after a comma qualifies the name before it."""
    if nxt is None or text[sp.end:nxt.start] not in (", ", ","):
        return None
    p = _safe_resolve(gaz, nxt.text, None)
    if p is not None and p.kind in ("country", "admin1"):
        return p
    return None
