"""Events: sentences that report something happening at a place, typed, dated, with actors.

The taxonomy maps onto ACLED's event types (see :data:`ACLED_TYPES`). A sentence becomes an event
when it carries a trigger word of one type; its place is the most specific place it names (a
corridor or town before a province, a province before a country); its date is its own, or the
nearest sensible one at a lower precision, which the event says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_left
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from gazetteer import Place

from .model import Event, Mention, Source, TimeSpan
from .recognize import Span

#: geomap type → (ACLED event_type, ACLED sub_event_type)
ACLED_TYPES = {
    "armed_clash": ("Battles", "Armed clash"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "attack_on_civilians": ("Violence against civilians", "Attack"),
    "ceasefire": ("Strategic developments", "Agreement"),
    "diplomatic_statement": ("Strategic developments", "Other"),
    "troop_deployment": ("Strategic developments", "Change to group/activity"),
    "territorial_change": ("Battles", "Government regains territory"),
    "protest": ("Protests", "Peaceful protest"),
    "other": ("Strategic developments", "Other"),
}

# Trigger patterns per type, checked in this order: the first type with a hit wins. Statements
# and agreements come last: "X said troops attacked Y" is a clash, "X welcomed the ceasefire" a
# statement, "X and Y signed a ceasefire" an agreement.
_TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    ("ceasefire", re.compile(
        r"\b(?:halt|end|stop|cessation|pause) (?:to|of|in) (?:all )?(?:the )?(?:fighting|hostilities|military action|shelling)",
        re.I)),
    ("armed_clash", re.compile(r"\bviolat\w* (?:the |a )?(?:ceasefire|truce)|\bceasefire violations?\b", re.I)),
    ("attack_on_civilians", re.compile(
        r"\bcivilians? (?:were |was )?(?:killed|wounded|injured|targeted|died)|\b(?:killed|wounded|injured) "
        r"(?:\w+ ){0,3}civilians?|\battacks? on civilians|\bresidential (?:areas?|buildings?|districts?)", re.I)),
    ("armed_clash", re.compile(
        r"\bclash\w*|\bfighting\b|\bfought\b|\bbattles?\b|\bcombat\b|\boffensive\b|\bcounter-?offensive\b|"
        r"\bskirmish\w*|\bambush\w*|\bmilitary (?:attack|action|operation)s?|\bincursion\b|"
        r"\battack(?:ed|s)? (?:on )?(?:\w+ )?(?:positions|posts|troops|military|forces)|\bfirefight\w*|"
        r"\b(?:exchanged|opened|returned) fire\b|\bgunfire\b|\bunder (?:heavy )?fire\b", re.I)),
    ("shelling", re.compile(
        r"\bshell(?:ed|ing|s)?\b|\bartillery\b|\brockets?\b|\bmissiles?\b|\bdrones? strikes?|\bbombard\w*|"
        r"\bair ?strikes?|\bmortars?\b|\bcluster munitions|\b(?:missile|rocket|drone|artillery) strikes?\b|"
        r"\bstrikes? (?:hit|flattened|destroyed|damaged|killed|struck)\b", re.I)),
    ("territorial_change", re.compile(
        r"\b(?:captured?|capturing|took control|taken control|seized?|recaptured?|liberat\w+|retook|"
        r"handed over|hand(?:ing)? over|turned over control|returned to|withdr[ae]w\w*|pulled out)\b", re.I)),
    ("troop_deployment", re.compile(
        r"\bdeploy\w*|\bpeacekeep\w+ (?:arrived|entered|took up|were sent|were stationed)|\bstationed\b|"
        r"\btroops (?:arrived|entered|moved)", re.I)),
    ("protest", re.compile(
        r"\bprotest\w*|\bdemonstrat(?:ors|ion|ions)\b|\brall(?:y|ies|ied)\b|\bmarched\b|\bstormed\b|"
        r"\bcrowds?\b[^.]{0,60}\b(?:gathered|forced|marched|broke|took to)|\bforced (?:their|its) way into\b", re.I)),
]
_AGREEMENT = re.compile(
    r"\bsign(?:ed|ing)? (?:a |the )?(?:joint )?(?:statement|agreement|declaration|deal|ceasefire|truce)|"
    r"\b(?:ceasefire|truce|cessation of (?:all )?hostilities)\b[^.]{0,80}\b(?:is|was|were|will be) "
    r"(?:introduced|declared|agreed|established|in effect|in force)|\b(?:came|comes|went) into (?:force|effect)|"
    r"\bagreed (?:to|on) (?:a |the )?(?:ceasefire|truce)|\bbrokered (?:a |the )?(?:ceasefire|truce)", re.I)
_CEASEFIRE = re.compile(
    r"\bcease-?fire\b|\btruce\b|\barmistice\b|\bpeace (?:deal|agreement|accord)|\bcessation of (?:all )?hostilities|"
    r"\bjoint statement\b", re.I)
_STATEMENT = re.compile(
    r"\b(?:said|says|stated|told|welcom\w+|condemn\w*|urg\w+|called (?:for|on)|wrote|announced|"
    r"spoke|declared|warned|accus\w+|denied|expressed|reiterated|tweeted|blame\w*)\b", re.I)
# A clause about the war as a whole or the distant past is background, not an event.
_BACKGROUND = re.compile(r"\b(?:began in|since \d{4}|for decades|in the (?:19|20)\d0s)\b", re.I)

#: Dates further back than this before publication are background, not the news being reported.
_BACKGROUND_DAYS = 2 * 365

_KIND_ORDER = {"corridor": 0, "airport": 1, "city": 1, "feature": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5, "continent": 6}

_FORCE_NOUNS = (
    r"(?:Armed Forces|armed forces|army|Army|troops|forces|military|peacekeepers|soldiers|servicemen|"
    r"Defen[cs]e Ministry|Foreign Ministry|Ministry of Defen[cs]e|government|President|president|"
    r"Prime Minister|prime minister|Foreign Minister|foreign minister|Defen[cs]e Minister|defen[cs]e minister|"
    r"side|sides|border guards|police|protesters|separatists)"
)
_NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100,
}
_NUM = r"\b(\d[\d,]*|" + "|".join(_NUM_WORDS) + r")\b"
_MONTH_BEFORE = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|\b(?:in|on|since|of|by))\s*$", re.I)
_FATAL = [
    re.compile(_NUM + r"(?: \w+){0,3} (?:were |was |have been |had been )?(?:killed|dead|died|lost their lives)", re.I),
    re.compile(r"(?:killing|killed|death toll (?:rose |climbed )?(?:to|of)) (?:at least )?" + _NUM, re.I),
]
_REPORTING = re.compile(
    r"^\s*(?:and [A-Z][\w\-]+\s+)?(?:has |have |had )?(?:each |both |also |later )?"
    r"(?:said|says|stated|claimed|accused|blamed|denied|put the blame|insisted|announced|reported|warned|"
    r"urged|welcomed|gave|gives|maintained|countered|replied|argued|rejected|called (?:for|on)|demanded|"
    r"appealed)\b", re.I
)
# "Turkey's leadership", "Armenia's foreign ministry": who speaks for a country
_POSSESSIVE_SPEAKER = re.compile(
    r"['\u2019]s\s+(?:[a-z]+\s+){0,2}(?:leadership|government|ministry|president|presidency|minister|"
    r"army|military|officials?|spokes(?:man|woman|person)|parliament|authorities|embassy|leaders?)\s+")
# ", which has a base in Armenia," between a speaker and its verb
_RELATIVE = re.compile(r",\s+(?:which|who)\b[^.;]{0,120}?,")
# "Armenia's PM", "Azerbaijan's Tovuz district", "(Moscow time)": a name that qualifies another
_QUALIFIER = re.compile(r"^(?:['\u2019]s?\b|\s*-?\s*time\b)", re.I)
_ABBREV = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Capt|St|Mt|"
    r"No|vs|U\.S|U\.K|U\.N|Jr|Sr|Prof|Rep|Sen|Gov|Maj|Brig)\.$"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_INITIAL_END = re.compile(r"\b[A-Z]\.$")


def sentences(text: str) -> list[Sentence]:
    """Split text into sentences (offsets kept); knows news abbreviations ("Nov. 19", "Gen.")."""
    out: list[Sentence] = []
    para = 0
    for pm in _PARAGRAPH.finditer(text):
        start = pm.start()
        chunk = pm.group(0)
        last = 0
        for m in _SENTENCE_END.finditer(chunk):
            head = chunk[last:m.end()]
            if _ABBREV.search(head) or _INITIAL_END.search(head):
                continue
            _add(out, text, start + last, start + m.end(), para)
            last = m.end()
        _add(out, text, start + last, start + len(chunk), para)
        para += 1
    return out


def _add(out: list[Sentence], text: str, s: int, e: int, para: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append(Sentence(s, e, text[s:e], para))


# Substrings at least one of which every match of the pattern at the same position contains: a
# cheap test that skips a regular expression that cannot match (most sentences trigger nothing).
_HINTS: tuple[tuple[str, ...], ...] = (
    ("halt", "end ", "stop", "cessation", "pause"),
    ("violat",),
    ("civilian", "residential"),
    ("clash", "fight", "fought", "battle", "combat", "offensive", "skirmish", "ambush", "military",
     "incursion", "attack", "fire"),
    ("shell", "artillery", "rocket", "missile", "drone", "bombard", "strike", "mortar", "cluster"),
    ("captur", "control", "seiz", "liberat", "retook", "hand", "turned over", "returned to", "withdr",
     "pulled out"),
    ("deploy", "peacekeep", "stationed", "troops"),
    ("protest", "demonstrat", "rall", "marched", "stormed", "crowd", "forced"),
)
_AGREEMENT_HINTS = ("sign", "ceasefire", "cease-fire", "truce", "cessation", "into force", "into effect",
                    "agreed", "brokered")
_STATEMENT_HINTS = ("said", "says", "stated", "told", "welcom", "condemn", "urg", "called", "wrote", "announced",
                    "spoke", "declared", "warned", "accus", "denied", "expressed", "reiterated", "tweeted", "blame")
_CEASEFIRE_HINTS = ("cease", "truce", "armistice", "peace", "cessation", "joint statement")
_BACKGROUND_HINTS = ("began in", "since ", "for decades", "in the 19", "in the 20")


def _may(low: str, hints: tuple[str, ...]) -> bool:
    return any(map(low.__contains__, hints))


# "the border was calm on Wednesday", "no fighting was reported": the absence of an event
_CALM = re.compile(
    r"\b(?:was|were|remained|remains|stayed|is|are|has been|have been)\s+(?:largely |mostly |relatively |"
    r"generally |all but |again )?(?:calm|quiet|silent)\b|\bno (?:new |further )?(?:reports? of )?"
    r"(?:fighting|clashes|shelling|casualties|violations)\b", re.I)
_CALM_HINTS = ("calm", "quiet", "silent", "no ")
# "the fighting in Syunik had stopped", "the shelling ceased around midnight": the end of
# fighting, not fighting (unless the sentence tells of harm or an agreement, which are events)
_ENDED = re.compile(
    r"\b(?:fighting|clashes|shelling|hostilities|gunfire|firing|exchanges of fire)"
    r"(?:\s+(?:in|along|on|near|around|at|across|over)\b[^.;]{1,60}?)?\s+(?:had |has |have )?"
    r"(?:largely |mostly |finally |gradually )?(?:stopped|ended|ceased|subsided|halted|died down|eased)\b"
    r"(?! with\b)", re.IGNORECASE)
_ENDED_HINTS = ("stopped", "ended", "ceased", "subsided", "halted", "died down", "eased")
_HARM = re.compile(r"\b(?:kill\w*|dead|died|deaths?|wound\w*|injur\w*|casualt\w*)\b", re.IGNORECASE)
# "called for a halt to the fighting": a request, not an agreement
_REQUEST = re.compile(
    r"\b(?:call(?:ed|s|ing)? for|urg\w+|demand\w*|appeal\w* for|press\w* for|ask\w* for)\b[^.;]{0,40}"
    r"\b(?:halt|end|stop|cessation|pause|ceasefire|truce)\b", re.I)


def classify(sentence: str) -> tuple[str, float] | None:
    """The event type a sentence reports and a confidence, or None."""
    low = sentence.lower()
    if _may(low, _BACKGROUND_HINTS) and _BACKGROUND.search(sentence):
        return None
    if _may(low, _CALM_HINTS) and _CALM.search(sentence):
        return None
    if _may(low, _ENDED_HINTS) and _ENDED.search(sentence) and not _HARM.search(sentence):
        if _CEASEFIRE.search(sentence) or _AGREEMENT.search(sentence):
            return "ceasefire", 0.7  # "fighting stopped after both sides signed a truce"
        return None
    for (etype, pat), hints in zip(_TRIGGERS, _HINTS, strict=True):
        if _may(low, hints) and pat.search(sentence):
            if etype == "ceasefire" and _REQUEST.search(sentence):
                return "diplomatic_statement", 0.6
            return etype, 0.7
    if _may(low, _AGREEMENT_HINTS) and _AGREEMENT.search(sentence):
        return "ceasefire", 0.7
    if _may(low, _STATEMENT_HINTS) and _STATEMENT.search(sentence):
        return "diplomatic_statement", 0.5
    if _may(low, _CEASEFIRE_HINTS) and _CEASEFIRE.search(sentence):
        return "ceasefire", 0.6
    return None


def fatalities(sentence: str) -> int | None:
    """The number of dead a sentence states, if it states one."""
    for pat in _FATAL:
        for m in pat.finditer(sentence):
            word = m.group(1).lower().replace(",", "")
            n = int(word) if word.isdigit() else _NUM_WORDS.get(word)
            if n is None or n >= 1_000_000 or (word.isdigit() and 1900 <= n <= 2100):
                continue
            before = sentence[:m.start(1)]
            if word.isdigit() and (_MONTH_BEFORE.search(before) or re.search(r"\d\s*$", before)):
                continue  # "on July 12 killed four": a date, not a toll
            if m.start(1) == m.start() or pat is _FATAL[1]:
                return n
    return None


def actors(sentence: Sentence, demonyms: Sequence[Span], entities: Sequence[Span]) -> tuple[str, ...]:
    """Who acts: "Armenian Armed Forces", "Russian peacekeepers", named organisations and people."""
    found: list[str] = []
    for d in demonyms:
        if not (sentence.start <= d.start < sentence.end):
            continue
        rest = sentence.text[d.end - sentence.start:]
        m = re.match(r"\s+((?:[A-Z][a-z]+\s+){0,2}" + _FORCE_NOUNS + r")\b", rest)
        if m:
            phrase = f"{d.text} {m.group(1)}"
            found.append(re.sub(r"\barmed forces\b", "Armed Forces", phrase))
    for e in entities:
        if sentence.start <= e.start < sentence.end and e.label in ("ORG", "PERSON"):
            found.append(re.sub(r"^the ", "", e.text))
    return tuple(dict.fromkeys(found))


_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|near|from|of|outside|around)\s+(?:the\s+)?$", re.I)


def _metonymic(text: str, m: Mention) -> bool:
    """"Yerevan said", "Baku put the blame": a capital standing for its government
    (not "a shop owner in Ganja said")."""
    if _PLACE_PREPOSITION.search(text[max(0, m.char_start - 12):m.char_start]):
        return False
    after = text[m.char_end:m.char_end + 200]
    own = _POSSESSIVE_SPEAKER.match(after)
    if own:  # "Turkey's leadership said", "Azerbaijan's defence ministry said"
        after = after[own.end():]
    rel = _RELATIVE.match(after)
    if rel:  # "Moscow, which has a base in Armenia, called for a halt"
        after = after[rel.end():]
    return bool(_REPORTING.match(after[:40]))


_OF_TITLE = re.compile(
    r"\b(?:president|minister|leader|prime minister|pm|government|army|forces|ministry|ambassador|"
    r"embassy|parliament|people|citizens|authorities|representative|envoy|king|chief|head)s? of (?:the )?$", re.I)


# "the defence ministry in Yerevan said": where the speaker sits, not where things happen
_SPEAKER_IN = re.compile(
    r"\b(?:ministry|ministries|government|officials?|authorities|spokes(?:man|woman|person)|office|embassy|"
    r"headquarters|leadership|command|president|parliament) (?:in|from) $", re.I)
# "asked Russia for help", "appealed to Moscow": whom a request is addressed to
_ADDRESSEE = re.compile(r"\b(?:asked|urged|called on|appealed to|requested|turned to|pressed) (?:the )?$", re.I)
_REACTION_FROM = re.compile(
    r"\b(?:appeals?|calls?|statements?|condemnation|criticism|reactions?|support|concern|warnings?|"
    r"pressure|mediation|offers?)\b[^.;]{0,50}\bfrom (?:[A-Z][\w\-]+(?:,| and| or)? )*$")


def _qualifier(text: str, m: Mention) -> bool:
    """A name that qualifies another word ("Armenia's PM", "Moscow time", "the president of Russia",
    "appeals for calm from Moscow") is not where things happen."""
    if _QUALIFIER.match(text[m.char_end:m.char_end + 12]):
        return True
    before = text[max(0, m.char_start - 120):m.char_start]
    return bool(_OF_TITLE.search(before[-40:]) or _REACTION_FROM.search(before) or _SPEAKER_IN.search(before[-50:])
                or _ADDRESSEE.search(before[-30:]))


_DATELINE = re.compile(
    r"^(?!(?:On|In|At|By|For|From|Since|After|Before|During|The|A|An|As|Yesterday|Today|Last|This|Early|Late|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)([A-Z][\w\u00c0-\u024f.'\-]*(?:[ /][A-Z][\w\u00c0-\u024f.'\-]*){0,3})"
    r"(?:,(?: [A-Z][\w\u00c0-\u024f.'\-]*)?,? (?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8})|"
    r" \(| -| \u2013| \u2014)")
_HEADER_LINES = re.compile(r"\s*(?:(?:date|dated|published|by|source)\b[^\n]*\n\s*)*", re.I)


def dateline_places(text: str, mentions: Sequence[Mention]) -> tuple[tuple[Place, ...], int, int]:
    """Places of a dateline ("STOCKHOLM, November 17." / "BAKU/YEREVAN, Sept. 27 (Agency) –"),
    where its places end and where the whole dateline ends (-1, -1 without one)."""
    lead = _HEADER_LINES.match(text)
    offset = lead.end() if lead else 0
    first_line = text[offset:offset + 160].split("\n", 1)[0]
    m = _DATELINE.match(first_line)
    if not m:
        return (), -1, -1
    end = offset + m.end(1)
    stop = re.search(r"\s[\u2013\u2014-]\s|\)\s*[\u2013\u2014-]|/\.|\.\s", first_line[m.end(1):])
    whole = offset + m.end(1) + (stop.end() if stop else 0)
    places = tuple(dict.fromkeys(x.place for x in mentions
                                 if x.place is not None and offset <= x.char_start and x.char_end <= end))
    return places, end if places else -1, whole


def _specific(m: Mention) -> int:
    assert m.place is not None
    return _KIND_ORDER.get(m.place.kind, 5)


def main_place(mentions: Sequence[Mention]) -> Place | None:
    """The place a document is mostly about: its most named specific place, else its most named country."""
    counts: Counter[str] = Counter()
    by_id: dict[str, Place] = {}
    for m in mentions:
        if m.place is not None and m.label != "EMB" and m.place.kind not in ("continent",):
            weight = 3 if m.place.kind in ("region", "admin1", "admin2", "city", "corridor", "airport") else 1
            counts[m.place.id] += weight
            by_id.setdefault(m.place.id, m.place)
    if not counts:
        return None
    return by_id[counts.most_common(1)[0][0]]


def _coarsen(span: TimeSpan, note: str) -> TimeSpan:
    """The month (or year) around an inherited date: an event near it, not on it."""
    if span.start is None:
        return replace(span, note=note)
    if span.precision == "day":
        start = span.start.replace(day=1)
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return TimeSpan(start, nxt - dt.timedelta(days=1), "month", span.text, -1, -1, note)
    return replace(span, char_start=-1, char_end=-1, note=note)


def assemble(
    *,
    doc_id: str,
    text: str,
    mentions: Sequence[Mention],
    dates: Sequence[TimeSpan],
    demonyms: Sequence[Span],
    entities: Sequence[Span],
    source: Source,
    published: dt.date | None,
    capital: Callable[[str], Place | None] | None = None,
) -> list[Event]:
    """The events of one document. ``capital`` gives a country's capital (ISO alpha-2 → place):
    a statement by a country ("Turkey's leadership said") is placed at its seat of government."""
    events: list[Event] = []
    datelines, dateline_end, dateline_stop = dateline_places(text, mentions)
    dateline = datelines[0] if len(datelines) == 1 else None
    # a mention that stands for a government ("Yerevan said") or qualifies a word ("Moscow time")
    # is not where things happen: read once per mention
    speaking = {m.char_start for m in mentions if _metonymic(text, m)}
    aside = {m.char_start for m in mentions if m.char_start in speaking or _qualifier(text, m)}
    focus = main_place([m for m in mentions if m.char_end > dateline_end and m.char_start not in aside])
    last_date: TimeSpan | None = None
    last_para = -1
    # sentences come in text order: slice the sorted mentions and dates instead of rescanning them
    mentions = sorted(mentions, key=lambda m: m.char_start)
    dates = sorted(dates, key=lambda d: d.char_start)
    m_starts = [m.char_start for m in mentions]
    d_starts = [d.char_start for d in dates]
    for sent in sentences(text):
        m_lo, m_hi = bisect_left(m_starts, sent.start), bisect_left(m_starts, sent.end)
        d_lo, d_hi = bisect_left(d_starts, sent.start), bisect_left(d_starts, sent.end)
        lead_inherited = False
        own_dates = [d for d in dates[d_lo:d_hi] if d.char_end <= sent.end and d.start
                     and d.char_start >= dateline_stop]
        if dateline_stop > sent.start and last_date is None:
            # the dateline's date (the day of the dispatch) is what the lead sentence inherits
            lead = [d for d in dates[d_lo:d_hi] if d.char_start < dateline_stop and d.start]
            last_date = lead[0] if lead else None
            if last_date is not None and not own_dates and last_date.start is not None:
                when_lead = TimeSpan(last_date.start - dt.timedelta(days=2), last_date.start, "interval",
                                     last_date.text, -1, -1,
                                     f"no date in the sentence: reported in the dispatch of {last_date.start}, "
                                     "so on it or up to two days before")
                own_dates = [when_lead]
                lead_inherited = True
        if sent.paragraph != last_para:
            last_para = sent.paragraph
        in_sent = [m for m in mentions[m_lo:m_hi] if m.place is not None
                   and m.label != "EMB" and m.place.kind != "continent"
                   and m.char_end > dateline_end]
        # an event needs a place: one in the sentence, the dateline's (a statement), or the
        # article's main place for a dated sentence; without any, the sentence is not read
        typed = classify(sent.text) if in_sent or own_dates or dateline is not None else None
        if typed is None:
            if own_dates:
                last_date = _best_date(own_dates)
            continue
        etype, conf = typed
        if published is not None and own_dates and all(
            d.end is not None and (published - d.end).days > _BACKGROUND_DAYS for d in own_dates
        ):
            last_date = _best_date(own_dates)
            continue  # history recalled by the article ("the 1994 ceasefire"), not news
        speakers = [m for m in in_sent if m.char_start in speaking]
        here = [m for m in in_sent if m.char_start not in aside]
        place_note = ""
        if etype == "diplomatic_statement":
            # a statement happens where it is made: the speaker's capital, else the dateline
            if speakers and speakers[0].place is not None:
                place = speakers[0].place
                place_note = f"where the statement was made: {place.name} speaks"
                seat = capital(place.country) if capital and place.kind == "country" and place.country else None
                if seat is not None:
                    place_note = f"where the statement was made: {place.name} speaks, from its capital {seat.name}"
                    place = seat
            elif dateline is not None:
                place = dateline
                place_note = f"where the statement was made: the dateline, {dateline.name}"
            elif here and min(_specific(m) for m in here) < _KIND_ORDER["country"]:
                here.sort(key=lambda m: (_specific(m), m.char_start))
                about = here[0].place
                assert about is not None
                place = about
                place_note = "the place the statement is about"
            else:
                if own_dates:
                    last_date = _best_date(own_dates)
                continue
        elif here:
            here.sort(key=lambda m: (_specific(m), m.char_start))
            specific = here[0].place
            assert specific is not None
            place = specific
        elif focus is not None and etype not in ("diplomatic_statement", "other") and own_dates:
            place = focus
            place_note = f"no place in the sentence: the article's main place, {focus.name}"
            conf -= 0.2
        else:
            if own_dates:
                last_date = _best_date(own_dates)
            continue
        date_note = ""
        if own_dates:
            when: TimeSpan | None = _best_date(own_dates)
            last_date = when
            if lead_inherited and when is not None:
                date_note = when.note
                conf -= 0.05
        elif last_date is not None:
            when = _coarsen(last_date, f"no date in the sentence: near '{last_date.text}' said before it")
            date_note = when.note
            conf -= 0.1
        elif published is not None:
            when = _coarsen(TimeSpan(published, published, "day", "publication date"),
                            f"no date in the sentence or before it: the month of publication ({published})")
            date_note = when.note
            conf -= 0.2
        else:
            when = None
            date_note = "no date in the sentence and no publication date"
        places = tuple(dict.fromkeys(m.place for m in here if m.place is not None)) or (place,)
        ev = Event(
            id=_event_id(etype, place, when, sent.text),
            type=etype,
            place=place,
            when=when,
            quote=sent.text,
            sources=(source,),
            actors=tuple(a for a in actors(sent, demonyms, entities)
                         if not any(a == m.text or m.text.startswith(a + " ") or a.startswith(m.text + " ")
                                    for m in in_sent)),
            fatalities=fatalities(sent.text),
            confidence=round(max(0.05, min(1.0, conf + (0.1 if place.kind != "country" else -0.1))), 3),
            places=places,
            date_note=date_note,
            place_note=place_note,
        )
        events.append(ev)
    return events


def _best_date(spans: Sequence[TimeSpan]) -> TimeSpan:
    order = {"day": 0, "interval": 1, "month": 2, "year": 3}
    return sorted(spans, key=lambda d: (order.get(d.precision, 4), d.char_start))[0]


def _event_id(etype: str, place: Place, when: TimeSpan | None, quote: str) -> str:
    key = f"{etype}|{place.id}|{when.start if when else ''}|{when.end if when else ''}|{quote[:120]}"
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def merge_events(events: Iterable[Event]) -> list[Event]:
    """Merge the same event reported more than once.

    Across sources: same type, same place, overlapping dates. Within one source, a sentence that
    borrowed its date or its place joins the event it elaborates: same type, overlapping dates,
    same place or its country ("Azerbaijan responded with a counter-offensive" after the attack
    in Nagorno-Karabakh).
    """
    merged: list[Event] = []
    for ev in sorted(events, key=lambda e: (_vagueness(e), _sort_key(e))):
        for i, other in enumerate(merged):
            if other.type != ev.type or not _dates_meet(other.when, ev.when):
                continue
            same_source = bool(set(other.sources) & set(ev.sources))
            borrowed = bool(ev.date_note or ev.place_note)
            if other.place.id == ev.place.id and (not same_source or borrowed or other.quote == ev.quote):
                merged[i] = _combine(other, ev)
                break
            if same_source and borrowed and ev.place.kind == "country" and other.place.country == ev.place.country:
                merged[i] = _combine(other, ev)
                break
        else:
            merged.append(ev)
    return sorted(merged, key=_sort_key)


def _vagueness(ev: Event) -> int:
    """Precise, well-placed events first, so vaguer reports join them rather than the reverse."""
    return (1 if ev.date_note else 0) + (1 if ev.place_note else 0) + (1 if ev.place.kind == "country" else 0)


def _dates_meet(a: TimeSpan | None, b: TimeSpan | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.overlaps(b)


def _narrower(a: TimeSpan | None, b: TimeSpan | None) -> TimeSpan | None:
    if a is None or b is None or a.start is None or a.end is None:
        return b if a is None or a.start is None else a
    if b.start is None or b.end is None:
        return a
    return a if (a.end - a.start) <= (b.end - b.start) else b


def _combine(a: Event, b: Event) -> Event:
    sources = tuple(dict.fromkeys((*a.sources, *b.sources)))
    quote = a.quote if b.quote in a.quote else f"{a.quote} … {b.quote}"
    fat = [f for f in (a.fatalities, b.fatalities) if f is not None]
    return replace(
        a,
        when=_narrower(a.when, b.when),
        sources=sources,
        quote=quote,
        actors=tuple(dict.fromkeys((*a.actors, *b.actors))),
        fatalities=max(fat) if fat else None,
        confidence=round(min(1.0, max(a.confidence, b.confidence) + 0.1), 3),
        places=tuple(dict.fromkeys((*a.places, *b.places))),
    )


def _sort_key(ev: Event) -> tuple[str, str, str, str]:
    start = ev.when.start.isoformat() if ev.when and ev.when.start else "9999"
    return (start, ev.type, ev.place.id, ev.id)
