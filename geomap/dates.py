"""Date expressions in news text → :class:`~geomap.model.TimeSpan`.

The main path is a regex finder: one scan finds *atoms* ("Nov. 19", "27 September 2020",
"last week", "on Tuesday", "over a month", ...), a second pass joins atoms into ranges
("from 27 September to 10 November", "between 2009 and 2012") and anchors ("since 1988"),
and each result is resolved against the document date. spaCy ``DATE`` spans, when the caller
passes them, are an extra source for whatever the regexes did not find; dateparser is the last
resort for those and for :func:`normalise`.

Rules, in short: precision is kept (a month stays a month, no day is invented); a date
without a year takes the document's year, or the year before when that would put it more than
about two months after the document date (or the year after, for future-looking sentences);
a weekday is the most recent such day on or before the document date (the document date itself
when the weekdays match); durations ("over a month") are not dates. Every span carries a
``note`` saying how a relative or partial expression was read, and anything that looks like a
date but cannot be read goes to the :class:`~geomap.model.UnreadDate` list with a reason.

>>> spans, unread = find_dates("Talks resumed on Nov. 19.", published=dt.date(2020, 11, 20))
>>> spans[0].start, spans[0].precision, spans[0].text
(datetime.date(2020, 11, 19), 'day', 'Nov. 19')
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from geomap.model import TimeSpan, UnreadDate

__all__ = ["MONTHS", "WEEKDAYS", "find_dates", "normalise", "weekday_year"]

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_ABBR = MappingProxyType(
    {
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    }
)

#: Month names and abbreviations (lower case, no dot) → month number.
MONTHS: Mapping[str, int] = MappingProxyType(
    {**{n.lower(): i for i, n in enumerate(_MONTH_NAMES, 1)}, **_MONTH_ABBR}
)
#: Weekday names, Monday first (index = ``date.weekday()``).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: How far after the document date a year-less date may fall before it is read as last year's.
_AHEAD = dt.timedelta(days=61)
_DOC = "the document date"

# --------------------------------------------------------------------------- regex pieces


def _caps(words: Iterable[str]) -> str:
    """Title-case and upper-case variants, longest first (month and weekday names)."""
    ws = sorted(set(words), key=len, reverse=True)
    return "|".join([*ws, *(w.upper() for w in ws)])


_MON_FULL = _caps(_MONTH_NAMES)
_MON_ABBR = _caps(["Sept", *(a.title() for a in _MONTH_ABBR if a != "sept")])
_MON_W = f"{_MON_FULL}|{_MON_ABBR}"
_WD_W = _caps(WEEKDAYS)


def _mon(g: str) -> str:
    return rf"(?P<{g}>(?:{_MON_FULL})(?![A-Za-z-])|(?:{_MON_ABBR})(?![A-Za-z-])\.?)"


def _day(g: str) -> str:
    return rf"(?P<{g}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|[:.]\d|[A-Za-z])"


def _year(g: str) -> str:
    return rf"(?P<{g}>1\d{{3}}|20\d{{2}})(?!\d|,\d|\.\d|[A-Za-z])"


_WD = rf"(?P<wd>{_WD_W})(?![A-Za-z])"
_NUMW = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"a\s+couple\s+of|couple\s+of|a\s+few|few|several|many|dozens\s+of|\d{1,3}|an|a"
)
_NUM = rf"(?P<n>(?i:{_NUMW}))"
_UNIT = r"(?P<unit>(?i:days?|weeks?|fortnights?|months?|years?|decades?|hours?))"
_DUR_UNIT = r"(?i:days?|weeks?|fortnights?|months?|years?|decades?)"
_TO = r"(?:-|–|—|(?i:to|until|till|through|and))"
_PART = (
    r"early|mid|late|the\s+(?:beginning|start|end|middle)\s+of|"
    r"the\s+(?:first|second|latter)\s+half\s+of|"
    r"the\s+(?:first|second|third|last|final)\s+(?:week|weekend|days|day|ten\s+days)\s+of"
)

_NUMBERS: Mapping[str, int] = MappingProxyType({
    **{w: i for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen", "twenty"])},
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "a": 1, "an": 1,
})  # fmt: skip
_SEASONS = MappingProxyType({"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12})
_ORDINALS = MappingProxyType({"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                              "fourth": 4, "4th": 4})  # fmt: skip

# Each atom: (kind, pattern). At a candidate position every atom is tried; the longest wins.
_ATOM_SOURCES: tuple[tuple[str, str], ...] = (
    (
        "iso",
        (
            r"(?P<y>1\d{3}|20\d{2})(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)"
            r"(?P<d>3[01]|[12]\d|0?[1-9])(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
            r"(?![\d/-])"
        ),
    ),
    (
        "dotted",
        r"(?P<d>3[01]|[12]\d|0?[1-9])\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>1\d{3}|20\d{2})(?![\d.]\d)",
    ),
    ("slashed", r"(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>1\d{3}|20\d{2})(?![\d/])"),
    (
        "dmyr",
        (
            rf"{_day('d1')}\s*{_TO}\s*(?:the\s+)?{_day('d2')}(?:\s+of)?\s+{_mon('mon')}"
            rf"(?:,?\s+{_year('y')})?"
        ),
    ),
    ("mdyr", rf"{_mon('mon')}\s+{_day('d1')}\s*{_TO}\s*{_day('d2')}(?:,?\s+{_year('y')})?"),
    (
        "dmy",
        rf"(?:{_WD},?\s+)?(?:the\s+)?{_day('d')}(?:\s+of)?\s+{_mon('mon')}(?:,?\s+{_year('y')})?",
    ),
    ("mdy", rf"(?:{_WD},?\s+)?{_mon('mon')}\s+(?:the\s+)?{_day('d')}(?:,?\s+{_year('y')})?"),
    ("my", rf"{_mon('mon')},?\s+(?:of\s+)?{_year('y')}"),
    ("yrange", rf"{_year('y1')}\s*[-–—/]\s*(?:{_year('y2')}|(?P<yy>\d\d)(?![\d]))"),
    (
        "decade",
        (
            r"(?:(?i:the)\s+)?(?:(?P<part>(?i:early|mid|late))[-\s]+)?"
            r"(?:(?P<dec>1\d\d0|20\d0)|'(?P<dec2>\d0))'?s(?![\w])"
        ),
    ),
    (
        "century",
        (
            r"(?:(?i:the)\s+)?(?:(?P<part>(?i:early|mid|late))[-\s]+)?"
            r"(?P<c>1\d|20|[1-9])(?:st|nd|rd|th)[-\s]+(?i:century)"
        ),
    ),
    (
        "fuzzy",
        (
            rf"(?P<part>(?i:{_PART}))[-\s]+(?:(?i:the)\s+)?"
            rf"(?:{_mon('mon')}(?:,?\s+(?:of\s+)?{_year('y')})?|{_year('y2')}"
            r"|(?P<rel>(?i:this|last|next)\s+(?:year|month))|(?P<the>(?i:year|month)(?![\w])))"
        ),
    ),
    (
        "season",
        (
            r"(?:(?P<srel>(?i:this\s+past|this|last|next|the))\s+)?"
            r"(?P<season>(?i:spring|summer|autumn|fall|winter))(?![\w])"
            rf"(?:(?:\s+of)?\s+{_year('y')})?"
        ),
    ),
    (
        "quarter",
        (
            r"(?:(?i:the)\s+)?(?P<q>(?i:first|second|third|fourth|1st|2nd|3rd|4th))\s+"
            r"(?i:quarter)(?:\s+(?i:of)\s+(?:(?:(?i:the\s+year|fiscal|fiscal\s+year)\s+)?"
            rf"{_year('y')}|(?P<qrel>(?i:this|last|next)\s+year)))?"
            rf"|Q(?P<qn>[1-4])\s+{_year('y2')}|{_year('y3')}\s+Q(?P<qn2>[1-4])(?!\w)"
        ),
    ),
    (
        "fiscal",
        (
            r"(?:(?P<frel>(?i:this|last|next|the|current|the\s+current))\s+)?"
            rf"(?:(?i:fiscal|financial)\s+(?i:year)(?:\s+{_year('y')})?"
            rf"|(?i:fiscal)\s+{_year('y2')})"
            r"(?![\w])"
        ),
    ),
    (
        "holiday",
        (
            r"(?P<h>Christmas\s+Eve|Christmas\s+Day|Christmas|New\s+Year's\s+Eve|"
            rf"New\s+Year's\s+Day|New\s+Year’s\s+Eve|New\s+Year’s\s+Day)(?:,?\s+{_year('y')})?"
        ),
    ),
    (
        "relmon",
        (
            r"(?P<mrel>(?i:this\s+past|this\s+coming|last|next|this|coming))\s+"
            rf"(?P<mon>(?:{_MON_FULL})(?![A-Za-z-]))(?!\s+\d)"
        ),
    ),
    (
        "wd",
        (
            r"(?:(?P<wrel>(?i:this\s+past|this\s+coming|last|next|this|past|coming))\s+)?"
            rf"{_WD}(?:\s+(?P<tod>(?i:morning|afternoon|evening|night)))?"
        ),
    ),
    (
        "reld",
        (
            r"(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|"
            r"tomorrow|tonight|this\s+(?:morning|afternoon|evening)|last\s+night|"
            r"(?:earlier|later)\s+today)(?![\w])"
            r"(?:\s+(?i:morning|afternoon|evening|night)(?![\w]))?"
        ),
    ),
    (
        "relp",
        (
            r"(?P<rp>(?i:last|this|next|earlier\s+this|later\s+this|the\s+current))\s+"
            r"(?P<unit>(?i:week|weekend|month|year))(?![\w])"
        ),
    ),
    (
        "anch",
        (
            r"(?:(?P<prep>(?i:over|in|during|for|within|throughout))\s+)?"
            rf"(?:(?P<the>(?i:the))\s+|(?=(?i:past)\s|(?i:last|next|coming)\s+(?:{_NUMW})\s))"
            r"(?P<dir>(?i:last|past|previous|next|coming|following))\s+"
            rf"(?:{_NUM}\s+)?{_UNIT}(?![\w])(?!\s+(?i:of)(?![\w]))"
        ),
    ),
    (
        "ago",
        (
            r"(?:(?P<q>(?i:about|some|around|nearly|almost|roughly|more\s+than|over|less\s+than|"
            rf"just|only))\s+)?{_NUM}\s+{_UNIT}\s+(?i:ago)(?![\w])"
        ),
    ),
    (
        "narr",
        (
            r"(?i:the\s+(?:following|next|previous|preceding|prior|same|subsequent)\s+"
            r"(?:days?|weeks?|months?|years?|morning|afternoon|evening|night|weekend)"
            r"|the\s+(?:day|week|month|year|night)\s+(?:after|before)"
            r"(?:\s+(?:the|his|her|its|their|that|this)\s+[a-z]+)?"
            rf"|(?:{_NUMW})\s+(?:more\s+)?{_DUR_UNIT}\s+(?:later|earlier|afterwards?)"
            rf"|(?:{_NUMW})\s+(?:more\s+)?{_DUR_UNIT}\s+(?:before|after|prior(?:\s+to)?)"
            r"(?:\s+(?:the|his|her|its|their|that|this)\s+[a-z]+)?"
            r"|that\s+(?:day|week|month|year|morning|afternoon|evening|night)"
            r"|at\s+the\s+time)(?![\w])"
        ),
    ),
    (
        "dur",
        (
            r"(?:(?P<q>(?i:for|over|within|about|around|nearly|almost|more\s+than|less\s+than|"
            r"at\s+least|up\s+to|some|only|just|after))\s+)?"
            rf"{_NUM}\s+(?:(?i:more|long|full|whole)\s+)?{_DUR_UNIT}(?![\w])"
            r"(?!\s+(?i:ago|later|earlier|old|of\s+age|before|after|afterwards|prior)(?![\w]))"
            rf"|(?P<adj>\d{{1,3}}|(?i:{_NUMW}))-(?i:day|week|month|year)(?:-long)?(?![\w-])"
        ),
    ),
    (
        "vague",
        r"(?i:in\s+recent\s+(?:days|weeks|months|years)|recent\s+(?:days|weeks|months))(?![\w])",
    ),
    (
        "ordinal",
        (
            rf"(?i:the)\s+{_day('d')}(?<=st|nd|rd|th)"
            r"(?=\s*[,.;:)]|\s*$|\s+(?i:of\s+(?:this|last|next)\s+month))"
            r"(?:\s+(?i:of\s+(?P<orel>this|last|next)\s+month))?"
        ),
    ),
    ("month", rf"(?P<mon>(?:{_MON_FULL})(?![A-Za-z-])|(?:{_MON_ABBR})\.)"),
    ("year", _year("y") + r"(?!\s*(?i:hours|hrs|GMT|UTC|local\s+time)(?![\w]))"),
)

_ATOMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(r"(?<![\w'’])(?:" + src + ")")) for kind, src in _ATOM_SOURCES
)

# Which atoms can start with which word: scanning looks words up here instead of trying every
# pattern at every position (the difference between ~0.5 ms and ~5 ms per article).
_MONTHS_K = ("dmyr", "mdyr", "dmy", "mdy", "my", "month")
_NUMBER_K = ("ago", "narr", "dur")
_DIGIT_K: Mapping[str, tuple[str, ...]] = MappingProxyType({  # by the length of the digit run
    "0": ("dotted", "slashed", "dmyr", "dmy", "century", "ago", "narr", "dur"),
    "00": ("dotted", "slashed", "dmyr", "dmy", "century", "ago", "narr", "dur"),
    "000": ("ago", "narr", "dur"),
    "0000": ("iso", "yrange", "decade", "year", "quarter"),
})  # fmt: skip
_WORD_K: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "the": (
            "dmyr",
            "dmy",
            "decade",
            "century",
            "fuzzy",
            "season",
            "quarter",
            "fiscal",
            "reld",
            "relp",
            "anch",
            "narr",
            "ordinal",
        ),
        "early": ("decade", "century", "fuzzy"),
        "mid": ("decade", "century", "fuzzy"),
        "late": ("decade", "century", "fuzzy"),
        "this": ("season", "fiscal", "relmon", "wd", "reld", "relp"),
        "last": ("season", "fiscal", "relmon", "wd", "reld", "relp", "anch"),
        "next": ("season", "fiscal", "relmon", "wd", "relp", "anch"),
        "coming": ("relmon", "wd", "anch"),
        "past": ("wd", "anch"),
        "current": ("fiscal",),
        "fiscal": ("fiscal",),
        "financial": ("fiscal",),
        "christmas": ("holiday",),
        "new": ("holiday",),
        "yesterday": ("reld",),
        "today": ("reld",),
        "tomorrow": ("reld",),
        "tonight": ("reld",),
        "earlier": ("reld", "relp"),
        "later": ("reld", "relp"),
        "over": ("anch", "ago", "dur"),
        "in": ("anch", "vague"),
        "during": ("anch",),
        "for": ("anch", "dur"),
        "within": ("anch", "dur"),
        "throughout": ("anch",),
        "recent": ("vague",),
        "about": ("ago", "dur"),
        "some": ("ago", "dur"),
        "around": ("ago", "dur"),
        "nearly": ("ago", "dur"),
        "almost": ("ago", "dur"),
        "roughly": ("ago",),
        "more": ("ago", "dur"),
        "less": ("ago", "dur"),
        "just": ("ago", "dur"),
        "only": ("ago", "dur"),
        "at": ("narr", "dur"),
        "up": ("dur",),
        "after": ("dur",),
        "that": ("narr",),
        "q": ("quarter",),
        "spring": ("season",),
        "summer": ("season",),
        "autumn": ("season",),
        "fall": ("season",),
        "winter": ("season",),
        "first": ("quarter",),
        "second": ("quarter",),
        "third": ("quarter",),
        "fourth": ("quarter",),
        "couple": ("ago", "narr", "dur"),
        "few": ("ago", "narr", "dur"),
        "several": ("ago", "narr", "dur"),
        "many": ("ago", "narr", "dur"),
        "dozens": ("ago", "narr", "dur"),
    }
)


# After "the", the next word narrows the atoms to try ("the" is the commonest starter).
_THE_K: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "0": ("dmyr", "dmy", "decade", "century", "ordinal"), "'": ("decade",),
    "early": ("decade", "century"), "mid": ("decade", "century"), "late": ("decade", "century"),
    "beginning": ("fuzzy",), "start": ("fuzzy",), "end": ("fuzzy",), "middle": ("fuzzy",),
    "latter": ("fuzzy",), "first": ("fuzzy", "quarter"), "second": ("fuzzy", "quarter"),
    "third": ("fuzzy", "quarter"), "fourth": ("quarter",), "final": ("fuzzy",),
    "last": ("fuzzy", "anch"), "spring": ("season",), "summer": ("season",), "autumn": ("season",),
    "fall": ("season",), "winter": ("season",), "fiscal": ("fiscal",), "financial": ("fiscal",),
    "current": ("fiscal", "relp"), "day": ("reld", "narr"), "past": ("anch",),
    "previous": ("anch", "narr"), "next": ("anch", "narr"), "coming": ("anch",),
    "following": ("anch", "narr"), "preceding": ("narr",), "prior": ("narr",), "same": ("narr",),
    "subsequent": ("narr",), "week": ("narr",), "month": ("narr",), "year": ("narr",),
    "night": ("narr",),
})  # fmt: skip
_NEXT_WORD = re.compile(r"\s+(?:[a-z]+|\d|')")
_DIGIT_RUN = re.compile(r"\d+")
_UNITS = frozenset(["day", "days", "week", "weeks", "fortnight", "fortnights", "month", "months",
                    "year", "years", "decade", "decades", "hour", "hours"])  # fmt: skip
_COUNTS = frozenset(["0", "a", "an", "about", "nearly", "almost", "more", "less", "some", "several",
                     "than", "few", "many", "couple", "dozens", "the", "last", "past", "next",
                     "coming", "around", "roughly", "just", "only", "over", "least", "to"]) | {
    w for w in _NUMBERS if w not in ("zero", "a", "an")
}  # fmt: skip
#: Starters that are common words: the next word must be one of these or nothing is tried.
_NEED_NEXT: Mapping[str, frozenset[str]] = MappingProxyType({
    "a": _UNITS | {"few", "couple", "full", "whole", "long", "more", "decade"},
    "an": frozenset({"hour", "extra", "additional"}),
    "in": frozenset({"recent", "the", "last", "past", "next", "coming"}),
    **{w: _COUNTS for w in ("over", "for", "within", "during", "throughout", "about", "some",
                            "around", "nearly", "almost", "more", "less", "just", "only", "at",
                            "up", "after")},
})  # fmt: skip


def _starters() -> Mapping[str, tuple[int, ...]]:
    index = {kind: i for i, (kind, _) in enumerate(_ATOMS)}
    table: dict[str, set[str]] = {k: set(v) for k, v in _WORD_K.items()}
    for word in MONTHS:
        table.setdefault(word, set()).update(_MONTHS_K)
    for word in WEEKDAYS:
        table.setdefault(word.lower(), set()).update(("wd", "dmy", "mdy"))
    for word in [*_NUMBERS, "a", "an"]:
        table.setdefault(word, set()).update(_NUMBER_K)
    table["'"] = {"decade"}
    for key, kinds in _DIGIT_K.items():
        table[key] = set(kinds)
    starters = {w: tuple(sorted(index[k] for k in kinds)) for w, kinds in table.items()}
    for word, kinds in _THE_K.items():
        starters["the " + word] = tuple(sorted(index[k] for k in kinds))
    return MappingProxyType(starters)


#: Words that make a bare month, year or season a date ("in July", "since 1988").
_CONTEXT = re.compile(
    r"(?i:\b(?:in|on|since|until|till|by|from|during|through|throughout|before|after|between|"
    r"around|circa|as\s+of|early|mid|late|last|next|this|of|the|a|and|or|to|until|than|year|"
    r"spring|summer|autumn|winter)[\s,-]*|[-–—]\s*)$"
)
_QUANTITY_AFTER = re.compile(
    r"\s+(?:(?!(?:was|has|is|as|this|its|his|hers|thus|us|plus|elections?)\b)[a-z]+s\b|"
    r"(?:people|men|women|children|km|kilometres|kilometers|miles|metres|meters|tons|tonnes|"
    r"more|new|other|of\s+(?:the|them|whom|which)|extra|additional|strong)\b)"
)
_NUMBER_AFTER = re.compile(r"\s*(?:and|or|to|-|–)\s*(?!(?:1\d{3}|20\d\d)(?!\d))\d")
_FUTURE = re.compile(
    r"(?i:\b(?:will|shall|won't|is\s+to|are\s+to|to\s+be\s+held|due\s+to|scheduled|set\s+to|"
    r"going\s+to|upcoming|would\s+be\s+held|calls?\s+for|called\s+for|plans?\s+to|intends?\s+to)\b"
    r"|'ll\b)"
)
_REPORTED = re.compile(
    r"(?i:\b(?:said|says|told|announced|reported|stated|declared|added|noted|confirmed|was|were|"
    r"had|did)\b)"
)
_PAST_BEFORE = re.compile(r"(?i:\b(?:since|last|past|earlier|ever\s+since)\s+$)")
_CLAUSE_START = re.compile(
    r"\s*(?:(?i:on|in|by|until|from|early|late|mid|from)\s+)?(?:(?i:the)\s+)?"
)
_TITLE_AFTER = re.compile(
    r"\s+(?:Times|Telegraph|Post|Express|Mirror|Herald|Star|Tribune|Journal|Night|Mass|Service|"
    r"Prayers?|Agreement|School|Group|Club|Massacre|Movement|Uprising)\b"
)
_JOINED = re.compile(r"\s*(?:,|and|or|to|-|–|—|through|until)?\s*")
_CAPITAL_AFTER = re.compile(r"\s+[A-Z][a-z]")
_HOLIDAY_BEFORE = re.compile(
    r"\b(?:Good|Black|Bloody|Holy|Ash|Palm|Easter|Maundy|Cyber|Super|Blue|Shrove|Whit|Low|"
    r"Orthodox|Great|Clean|Red|Green|Fat)\s+$"
)
_FREQ_BEFORE = re.compile(r"(?i:\b(?:once|twice|thrice|times|per|every|each)\s+)$")
_AGE_AFTER = re.compile(r"(?i:[-\s]+(?:year|month)s?[-\s]+old\b|\s+old\b)")
_SENT_END = re.compile(r"[.!?]\s+(?=[A-Z\"“])|\n")
_CONNECT = re.compile(r"\s*(?:-|–|—|(?i:to|until|till|through|thru|and))\s*")
_LIST_JOIN = re.compile(r"\s*(?:,|and|or|,\s*and|,\s*or)\s+")
_RANGE_PREFIX = re.compile(r"(?i:\b(?P<w>from|between)\s+)$")
_SINCE_PREFIX = re.compile(r"(?i:\b(?:ever\s+)?since\s+)$")
_OFFSET = re.compile(
    rf"(?i:(?P<n>{_NUMW})\s+(?:more\s+)?(?P<unit>days?|weeks?|months?|years?)\s+"
    r"(?P<dir>after|before))"
)
_DATE_HINT = re.compile(
    rf"\d|(?i:\b(?:{'|'.join(MONTHS)}|{'|'.join(WEEKDAYS)}|yesterday|today|tomorrow|ago|"
    r"last|next|week|month|year)\b)"
)

_STARTERS = _starters()


def _trie(words: Iterable[str]) -> str:
    """A regex alternation shaped as a trie (much faster than a flat list of words)."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(root)


# Both run on lower-cased text (much faster than case-insensitive matching).
_STARTER_RE = re.compile(
    r"(?<![\w'’])(?:\d|'|" + _trie(w for w in _STARTERS if w.isalpha()) + r"(?![a-z]))"
)
#: Every atom has one of these within ``_REACH`` characters of its start.
_ANCHOR_RE = re.compile(
    r"\b(?:\d|"
    + _trie([*MONTHS, *(w.lower() for w in WEEKDAYS), "day", "week", "fortnight", "month", "year",
             "decade", "centur", "hour", "yesterday", "today", "tomorrow", "tonight", "night",
             "morning", "afternoon", "evening", "spring", "summer", "autumn", "fall", "winter",
             "quarter", "fiscal", "financial", "christmas", "time"])
    + ")"
)  # fmt: skip
_REACH = 60
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_DATED = frozenset(
    {
        "iso",
        "dotted",
        "slashed",
        "dmy",
        "mdy",
        "my",
        "month",
        "year",
        "dmyr",
        "mdyr",
        "yrange",
        "fuzzy",
        "season",
        "quarter",
        "decade",
        "century",
    }
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class _Atom:
    start: int
    end: int
    kind: str
    m: re.Match[str]


@dataclass(frozen=True, slots=True)
class _Partial:
    """A calendar expression whose year may be missing: what ``_span_of`` turns into dates."""

    year: int | None
    month: int | None = None
    day: int | None = None
    unit: str = "day"  # day, month, year, part, season, quarter, decade, century
    part: str = ""  # early, mid, late, h1, h2, w1, wlast, d1, dlast, ...
    n: int = 0  # season start month, quarter, decade or century start year
    weekday: int | None = None


@dataclass(frozen=True, slots=True)
class _Resolved:
    start: dt.date | None
    end: dt.date | None
    precision: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class _Ctx:
    text: str
    published: dt.date | None
    known_years: Mapping[tuple[int, int], int]  # (month, day) written with a year in the text


class _Unread(Exception):
    """Raised inside resolution; becomes an :class:`UnreadDate`."""


# --------------------------------------------------------------------------- calendar helpers


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _week(d: dt.date) -> tuple[dt.date, dt.date]:
    monday = d - dt.timedelta(days=d.weekday())
    return monday, monday + dt.timedelta(days=6)


def _number(word: str | None) -> int | None:
    """'three' → 3, '12' → 12; vague counts ('a few', 'several') → None."""
    if word is None:
        return 1
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w)
    return _NUMBERS.get(w)


def _month_of(word: str) -> int:
    return MONTHS[word.rstrip(".").lower()]


def weekday_year(month: int, day: int, weekday: int, *, candidates: Iterable[int]) -> int | None:
    """The latest candidate year in which ``month``/``day`` falls on ``weekday``.

    Parameters
    ----------
    month, day
        The calendar date without a year.
    weekday
        ``0`` = Monday … ``6`` = Sunday, as :meth:`datetime.date.weekday`.
    candidates
        Years to try.

    Returns
    -------
    int or None
        The latest matching year, or None when none matches (or the date does not exist).

    Examples
    --------
    >>> weekday_year(11, 17, 2, candidates=range(2019, 2023))  # a Wednesday
    2021
    """
    best: int | None = None
    for year in candidates:
        try:
            ok = dt.date(year, month, day).weekday() == weekday
        except ValueError:
            continue
        if ok and (best is None or year > best):
            best = year
    return best


# --------------------------------------------------------------------------- scanning


def _scan(text: str) -> list[_Atom]:
    """Leftmost-longest atoms, non-overlapping, in text order."""
    atoms: list[_Atom] = []
    pos = 0
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased
        low = text.translate(_ASCII_LOWER)
    anchors = [m.start() for m in _ANCHOR_RE.finditer(low)]
    if not anchors:
        return atoms
    k, last = 0, len(anchors)
    for tok in _STARTER_RE.finditer(low):
        s = tok.start()
        if s < pos:
            continue
        while k < last and anchors[k] < s:
            k += 1
        if k == last:
            break
        if anchors[k] - s > _REACH:
            continue
        word = tok.group(0)
        if word.isdigit():
            word = "0" * min(4, len(_DIGIT_RUN.match(low, s).group(0)))  # type: ignore[union-attr]
        elif word == "the" or word in _NEED_NEXT:
            nxt = _NEXT_WORD.match(low, tok.end())
            if nxt is None:
                continue
            second = nxt.group(0).lstrip()
            second = "0" if second.isdigit() else second
            if word == "the":
                word = "the " + second
            elif second not in _NEED_NEXT[word]:
                continue
        tries = _STARTERS.get(word)
        if tries is None:
            continue
        best: tuple[str, re.Match[str]] | None = None
        for i in tries:
            kind, pat = _ATOMS[i]
            m = pat.match(text, s)
            if m is not None and m.end() > s and (best is None or m.end() > best[1].end()):
                best = (kind, m)
        if best is not None:
            atoms.append(_Atom(s, best[1].end(), best[0], best[1]))
            pos = best[1].end()
    return atoms


def _before(text: str, pos: int, width: int = 30) -> str:
    return text[max(0, pos - width) : pos]


def _keep(atom: _Atom, text: str, prev: _Atom | None) -> bool:
    """Context checks for atoms that are dates only in context (bare months, years, weekdays)."""
    kind, m = atom.kind, atom.m
    before = _before(text, atom.start)
    joined = (
        prev is not None
        and prev.kind in _DATED
        and bool(_JOINED.fullmatch(text, prev.end, atom.start))
    )
    if kind in ("month", "year"):
        if kind == "year":
            after = text[atom.end : atom.end + 30]
            if _QUANTITY_AFTER.match(after) or _NUMBER_AFTER.match(after):
                return False
        return joined or bool(_CONTEXT.search(before))
    if kind == "season" and not m.group("y"):
        srel = (m.group("srel") or "").lower()
        if srel in ("this", "last", "next") or srel.startswith("this "):
            return True
        if m.group("season").lower() == "fall" and srel != "the":
            return False  # "to fall below"
        return bool(
            re.search(r"(?i:\b(?:in|during|by|since|until|till|through|of|early|late)\s+)$", before)
        )
    if kind == "wd" and not m.group("wrel"):
        if _TITLE_AFTER.match(text, atom.end) or (
            before.endswith(("the ", "The ")) and _CAPITAL_AFTER.match(text, atom.end)
        ):
            return False  # "Sunday Times", "the Monday Agreement"
        if _HOLIDAY_BEFORE.search(before):
            return False  # "Good Friday", "Black Monday"
    if kind == "dur":
        if _FREQ_BEFORE.search(before) and not m.group("q"):
            return False  # "twice a week", "every two years": a frequency
        if _AGE_AFTER.match(text, atom.end):
            return False
    if kind == "quarter" and not (
        m.group("y") or m.group("y2") or m.group("y3") or m.group("qrel")
    ):
        return bool(re.search(r"(?i:\b(?:in|during|for|of|the)\s+)$", before))
    if kind == "ordinal":
        return bool(re.search(r"(?i:\b(?:on|since|by|until|till|from|before|after)\s+)$", before))
    return True


# --------------------------------------------------------------------------- partial dates


def _partial(atom: _Atom) -> tuple[_Partial, _Partial | None]:
    """Calendar content of a dated atom: one partial, or two for an in-atom range."""
    m, kind = atom.m, atom.kind
    g = m.groupdict()

    def yr(*names: str) -> int | None:
        for name in names:
            if g.get(name):
                return int(g[name])
        return None

    if kind in ("iso", "dotted"):
        return _Partial(int(g["y"]), int(g["m"]), int(g["d"])), None
    if kind == "slashed":
        a, b = int(g["a"]), int(g["b"])
        month, day = (b, a) if a > 12 else (a, b)
        return _Partial(
            int(g["y"]),
            month,
            day,
            part="slashed-ambiguous" if a <= 12 and b <= 12 and a != b else "",
        ), None
    if kind in ("dmy", "mdy"):
        wd = WEEKDAYS.index(g["wd"].title()) if g.get("wd") else None
        return _Partial(yr("y"), _month_of(g["mon"]), int(g["d"]), weekday=wd), None
    if kind in ("dmyr", "mdyr"):
        month, y = _month_of(g["mon"]), yr("y")
        return _Partial(y, month, int(g["d1"])), _Partial(y, month, int(g["d2"]))
    if kind == "my":
        return _Partial(int(g["y"]), _month_of(g["mon"]), unit="month"), None
    if kind == "month":
        return _Partial(None, _month_of(g["mon"]), unit="month"), None
    if kind == "year":
        return _Partial(int(g["y"]), unit="year"), None
    if kind == "yrange":
        y1 = int(g["y1"])
        y2 = int(g["y2"]) if g.get("y2") else (y1 // 100) * 100 + int(g["yy"])
        if y2 <= y1 or y2 - y1 > 60:
            raise _Unread("not a year range (second year not after the first)")
        return _Partial(y1, unit="year"), _Partial(y2, unit="year")
    if kind == "decade":
        dec = int(g["dec"]) if g.get("dec") else 1900 + int(g["dec2"])
        return _Partial(dec, unit="decade", part=(g.get("part") or "").lower(), n=dec), None
    if kind == "century":
        c = int(g["c"])
        return _Partial((c - 1) * 100, unit="century", part=(g.get("part") or "").lower()), None
    if kind == "fuzzy":
        part = _part_code(g["part"])
        if g.get("mon"):
            return _Partial(yr("y"), _month_of(g["mon"]), unit="part", part=part), None
        if g.get("y2"):
            return _Partial(int(g["y2"]), unit="part", part=part), None
        rel = (g.get("rel") or g.get("the") or "").lower().split()
        # "the end of the year" / "late last year" / "early next month": relative, see _resolve
        return _Partial(None, unit="part", part=part + "|" + " ".join(rel)), None
    if kind == "season":
        return _Partial(yr("y"), unit="season", n=_SEASONS[g["season"].lower()],
                        part=(g.get("srel") or "").lower()), None  # fmt: skip
    if kind == "quarter":
        q = _ORDINALS[g["q"].lower()] if g.get("q") else int(g.get("qn") or g["qn2"])
        return _Partial(yr("y", "y2", "y3"), unit="quarter", n=q,
                        part=(g.get("qrel") or "").lower()), None  # fmt: skip
    raise _Unread(f"not a calendar expression ({kind})")


def _part_code(words: str) -> str:
    w = " ".join(words.lower().split())
    for key, code in (
        ("first half", "h1"),
        ("second half", "h2"),
        ("latter half", "h2"),
        ("first day", "d1"),
        ("last day", "dlast"),
        ("final day", "dlast"),
        ("first week", "w1"),
        ("first weekend", "w1"),
        ("first days", "w1"),
        ("first ten days", "early"),
        ("second week", "w2"),
        ("third week", "w3"),
        ("last week", "wlast"),
        ("final week", "wlast"),
        ("last weekend", "wlast"),
        ("final weekend", "wlast"),
        ("last days", "wlast"),
        ("final days", "wlast"),
        ("last ten days", "late"),
        ("final ten days", "late"),
        ("beginning", "early"),
        ("start", "early"),
        ("end", "end"),
        ("middle", "mid"),
        ("early", "early"),
        ("mid", "mid"),
        ("late", "late"),
    ):
        if key in w:
            return code
    return "mid"


_PART_WORDS = MappingProxyType(
    {
        "early": "early",
        "mid": "mid",
        "late": "late",
        "end": "end",
        "h1": "first half",
        "h2": "second half",
        "w1": "first week",
        "w2": "second week",
        "w3": "third week",
        "wlast": "last week",
        "d1": "first day",
        "dlast": "last day",
    }
)


def _span_of(p: _Partial, year: int) -> tuple[dt.date, dt.date, str]:
    """Dates covered by ``p`` in ``year``: (start, end, precision)."""
    if p.unit == "day":
        assert p.month is not None and p.day is not None
        d = dt.date(year, p.month, p.day)
        return d, d, "day"
    if p.unit == "month":
        assert p.month is not None
        return dt.date(year, p.month, 1), _month_end(year, p.month), "month"
    if p.unit == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if p.unit == "season":
        start = dt.date(year, p.n, 1)
        final = _add_months(start, 2)
        return start, _month_end(final.year, final.month), "interval"
    if p.unit == "quarter":
        first = 3 * (p.n - 1) + 1
        return dt.date(year, first, 1), _month_end(year, first + 2), "interval"
    if p.unit in ("decade", "century"):
        size = 10 if p.unit == "decade" else 100
        lo, hi = {"early": (0, 0.3), "mid": (0.3, 0.7), "late": (0.7, 1.0)}.get(p.part, (0, 1.0))
        return (
            dt.date(year + round(size * lo), 1, 1),
            dt.date(year + round(size * hi) - 1, 12, 31),
            "interval",
        )
    if p.unit == "part":
        code = p.part.split("|")[0]
        if p.month is not None:
            last = calendar.monthrange(year, p.month)[1]
            days = {
                "early": (1, 10),
                "mid": (11, 20),
                "late": (21, last),
                "end": (21, last),
                "h1": (1, 15),
                "h2": (16, last),
                "w1": (1, 7),
                "w2": (8, 14),
                "w3": (15, 21),
                "wlast": (last - 6, last),
                "d1": (1, 1),
                "dlast": (last, last),
            }[code]
            prec = "day" if days[0] == days[1] else "interval"
            return dt.date(year, p.month, days[0]), dt.date(year, p.month, days[1]), prec
        months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "end": (10, 12), "h1": (1, 6),
                  "h2": (7, 12), "w1": (1, 1), "w2": (1, 1), "w3": (1, 1), "wlast": (12, 12),
                  "d1": (1, 1), "dlast": (12, 12)}[code]  # fmt: skip
        if code in ("w1", "d1"):
            end = dt.date(year, 1, 7 if code == "w1" else 1)
            return dt.date(year, 1, 1), end, "day" if code == "d1" else "interval"
        if code in ("wlast", "dlast"):
            start = dt.date(year, 12, 25 if code == "wlast" else 31)
            return start, dt.date(year, 12, 31), "day" if code == "dlast" else "interval"
        return dt.date(year, months[0], 1), _month_end(year, months[1]), "interval"
    raise _Unread(f"unknown unit {p.unit}")


def _describe(p: _Partial) -> str:
    if p.unit == "day" and p.month and p.day:
        return f"{_MONTH_NAMES[p.month - 1]} {p.day}"
    if p.month:
        return _MONTH_NAMES[p.month - 1]
    return p.unit


def _future(ctx: _Ctx, atom: _Atom) -> str:
    """The future cue ('will', 'next', ...) in the atom's sentence, or ''."""
    text = ctx.text
    left = text[max(0, atom.start - 80) : atom.start]
    cut = [m.end() for m in _SENT_END.finditer(left)]
    left = left[cut[-1] :] if cut else left
    if _PAST_BEFORE.search(left):
        return ""
    hits = list(_FUTURE.finditer(left))
    if hits:  # "will meet on Friday", unless reported past intervenes ("will ... was")
        last = hits[-1]
        return "" if _REPORTED.search(left, last.end()) else last.group(0).lower()
    if _CLAUSE_START.fullmatch(left):  # "On Friday, the ministers will meet"
        right = text[atom.end : atom.end + 60]
        stop = _SENT_END.search(right)
        right = right[: stop.start()] if stop else right
        hit = _FUTURE.search(right)
        if hit and not _REPORTED.search(right, 0, hit.start()):
            return hit.group(0).lower()
    return ""


def _place_year(p: _Partial, ctx: _Ctx, atom: _Atom) -> tuple[int, str]:
    """Choose the year of a year-less partial; returns (year, note)."""
    if p.unit == "day" and p.month and p.day and (p.month, p.day) in ctx.known_years:
        y = ctx.known_years[(p.month, p.day)]
        return y, f"year {y} from the same date written with its year elsewhere in the text"
    doc = ctx.published
    if doc is None:
        raise _Unread("no year given and no document date to take it from")
    year = doc.year
    start, end, _ = _span_of(p, year)
    cue = _future(ctx, atom)
    if cue and end < doc:
        nxt = _span_of(p, year + 1)[0]
        if nxt - doc <= dt.timedelta(days=330):
            return (
                year + 1,
                f"future reference ('{cue}'): the next {_describe(p)} after {_DOC} {doc}",
            )
    if start > doc + _AHEAD and not cue:
        return year - 1, (
            f"year taken from {_DOC} {doc}, minus one: {year} would put it more than two months"
            " after the document date"
        )
    if p.weekday is not None:
        try:
            same = dt.date(year, p.month or 1, p.day or 1).weekday() == p.weekday
        except ValueError:
            same = False
        if not same and p.month and p.day:
            alt = weekday_year(p.month, p.day, p.weekday, candidates=(year - 1, year + 1))
            if alt is not None:
                return (
                    alt,
                    f"year {alt} from the weekday ({WEEKDAYS[p.weekday]}), near {_DOC} {doc}",
                )
    return year, f"year taken from {_DOC} {doc}"


def _resolve_partial(p: _Partial, ctx: _Ctx, atom: _Atom, *, year: int | None = None) -> _Resolved:
    note = ""
    y = p.year if p.year is not None else year
    if y is None:
        if p.unit == "part" and "|" in p.part:
            return _resolve_rel_part(p, ctx)
        if p.unit == "season" and p.part in ("this", "last", "next", "this past"):
            return _resolve_rel_season(p, ctx)
        if p.unit == "quarter" and p.part in ("this year", "last year", "next year"):
            if ctx.published is None:
                raise _Unread("relative date and no document date")
            y = ctx.published.year + {"this": 0, "last": -1, "next": 1}[p.part.split()[0]]
            note = f"year relative to {_DOC} {ctx.published}"
        else:
            y, note = _place_year(p, ctx, atom)
    try:
        start, end, prec = _span_of(p, y)
    except ValueError as err:
        raise _Unread(f"no such date ({err})") from err
    notes = [note] if note else []
    if p.unit == "part":
        what = _MONTH_NAMES[p.month - 1] if p.month else str(y)
        notes.append(
            f"'{_PART_WORDS.get(p.part.split('|')[0], p.part)}' of {what} read as {start}..{end}"
        )
    elif p.unit == "season":
        notes.append(f"season read as {start}..{end}")
    elif p.unit in ("decade", "century"):
        notes.append(f"{p.unit} read as {start.year}..{end.year}")
    elif p.unit == "quarter":
        notes.append(f"quarter {p.n} of {y}")
    if p.part == "slashed-ambiguous":
        notes.append("numeric date with both parts ≤ 12 read month-first (US style)")
    if p.weekday is not None and p.year is not None and start.weekday() != p.weekday:
        notes.append(
            f"the text says {WEEKDAYS[p.weekday]} but {start} is a {WEEKDAYS[start.weekday()]}"
        )
    return _Resolved(start, end, prec, "; ".join(notes))


def _resolve_rel_part(p: _Partial, ctx: _Ctx) -> _Resolved:
    doc = ctx.published
    if doc is None:
        raise _Unread("relative date and no document date")
    code, rel = p.part.split("|")
    words = rel.split()
    unit = words[-1] if words else "year"
    shift = {"this": 0, "last": -1, "next": 1}.get(words[0], 0) if len(words) > 1 else 0
    if unit == "month":
        base = _add_months(doc.replace(day=1), shift)
        q = _Partial(base.year, base.month, unit="part", part=code)
    else:
        base = doc.replace(year=doc.year + shift, month=1, day=1)
        q = _Partial(base.year, unit="part", part=code)
    start, end, prec = _span_of(q, base.year)
    return _Resolved(start, end, prec, f"'{_PART_WORDS.get(code, code)}' of the {rel or unit} "
                     f"relative to {_DOC} {doc}: {start}..{end}")  # fmt: skip


def _resolve_rel_season(p: _Partial, ctx: _Ctx) -> _Resolved:
    doc = ctx.published
    if doc is None:
        raise _Unread("relative date and no document date")
    candidates = [_span_of(p, y)[:2] for y in range(doc.year - 2, doc.year + 2)]
    if p.part == "next":
        s, e = next(c for c in candidates if c[0] > doc)
    elif p.part in ("last", "this past"):
        s, e = [c for c in candidates if c[1] < doc][-1]
    else:  # this: the one containing the date, else the nearest ahead
        s, e = next(c for c in candidates if c[1] >= doc)
    return _Resolved(
        s, e, "interval", f"'{p.part} {_season_name(p.n)}' relative to {_DOC} {doc}: {s}..{e}"
    )


def _season_name(n: int) -> str:
    return {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}[n]


# --------------------------------------------------------------------------- relative atoms


def _need_doc(ctx: _Ctx) -> dt.date:
    if ctx.published is None:
        raise _Unread("relative date and no document date")
    return ctx.published


def _resolve_relative(atom: _Atom, ctx: _Ctx) -> _Resolved:
    kind, g = atom.kind, atom.m.groupdict()
    text = atom.m.group(0)
    low = " ".join(text.lower().split())
    if kind == "wd":
        return _resolve_weekday(atom, ctx)
    doc = _need_doc(ctx)
    one = dt.timedelta(days=1)
    if kind == "reld":
        if "day before yesterday" in low:
            return _Resolved(doc - 2 * one, doc - 2 * one, "day", f"two days before {_DOC} {doc}")
        if "day after tomorrow" in low:
            return _Resolved(doc + 2 * one, doc + 2 * one, "day", f"two days after {_DOC} {doc}")
        if "yesterday" in low:
            return _Resolved(doc - one, doc - one, "day", f"yesterday: the day before {_DOC} {doc}")
        if "tomorrow" in low:
            return _Resolved(doc + one, doc + one, "day", f"tomorrow: the day after {_DOC} {doc}")
        if "last night" in low:
            return _Resolved(
                doc - one, doc - one, "day", f"last night: the evening before {_DOC} {doc}"
            )
        return _Resolved(doc, doc, "day", f"'{low}': {_DOC} {doc}")
    if kind == "relp":
        rp, unit = " ".join(g["rp"].lower().split()), g["unit"].lower()
        shift = {"last": -1, "next": 1}.get(rp, 0)
        if unit in ("week", "weekend"):
            mon, sun = _week(doc + dt.timedelta(weeks=shift))
            if unit == "weekend":
                sat = mon + dt.timedelta(days=5)
                if rp == "last" and doc.weekday() >= 5:
                    sat -= dt.timedelta(weeks=1)
                start, end = sat, sat + one
            else:
                start, end = mon, sun
            what = {-1: "the calendar week (Monday–Sunday) before", 0: "the calendar week of",
                    1: "the calendar week after"}[shift]  # fmt: skip
            if unit == "weekend":
                what = {-1: "the weekend before", 0: "the weekend of", 1: "the weekend after"}[
                    shift
                ]
            prec = "interval"
        elif unit == "month":
            first = _add_months(doc.replace(day=1), shift)
            start, end, prec = first, _month_end(first.year, first.month), "month"
            what = {-1: "the month before", 0: "the month of", 1: "the month after"}[shift]
        else:
            y = doc.year + shift
            start, end, prec = dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
            what = {-1: "the year before", 0: "the year of", 1: "the year after"}[shift]
        if rp.startswith("earlier"):
            end, prec, what = doc, "interval", f"from the start of the {unit} to"
        elif rp.startswith("later"):
            start, prec, what = doc, "interval", f"to the end of the {unit} from"
        return _Resolved(start, end, prec, f"'{low}': {what} {_DOC} {doc}")
    if kind == "anch":
        n = _number(g.get("n"))
        unit = g["unit"].lower().rstrip("s")
        direction = g["dir"].lower()
        if direction in ("previous", "following") or (unit == "day" and not g.get("n")):
            raise _Unread("relative to another event, not to the document date")
        if n is None or (not g.get("n") and g["unit"].lower().endswith("s")):
            raise _Unread(f"vague length ('{low}')")
        if unit == "hour":
            delta_days, what = math.ceil(n / 24), f"{n} hours"
            other = doc - dt.timedelta(days=delta_days)
        elif unit in ("day", "week", "fortnight"):
            days = n * {"day": 1, "week": 7, "fortnight": 14}[unit]
            other = doc - dt.timedelta(days=days)
            what = f"{days} days"
        else:
            months = n * {"month": 1, "year": 12, "decade": 120}[unit]
            other = _add_months(doc, -months)
            what = f"{n} {unit}{'s' if n > 1 else ''}"
        if direction in ("next", "coming"):
            other = doc + (doc - other)
            return _Resolved(doc, other, "interval", f"the {what} after {_DOC} {doc}")
        return _Resolved(other, doc, "interval", f"the {what} up to {_DOC} {doc}")
    if kind == "ago":
        n = _number(g.get("n"))
        q = (g.get("q") or "").lower()
        if n is None or q in ("more than", "over", "less than"):
            raise _Unread(f"vague length ('{low}')")
        unit = g["unit"].lower().rstrip("s")
        approx = " (approximate)" if q else ""
        if unit in ("day", "hour"):
            d = doc - dt.timedelta(days=n if unit == "day" else math.ceil(n / 24))
            return _Resolved(d, d, "day", f"{low}: counted back from {_DOC} {doc}{approx}")
        if unit in ("week", "fortnight"):
            mon, sun = _week(doc - dt.timedelta(weeks=n * (2 if unit == "fortnight" else 1)))
            return _Resolved(mon, sun, "interval", f"{low}: the calendar week counted back from "
                             f"{_DOC} {doc}{approx}")  # fmt: skip
        if unit == "month":
            first = _add_months(doc.replace(day=1), -n)
            return _Resolved(first, _month_end(first.year, first.month), "month",
                             f"{low}: counted back from {_DOC} {doc}{approx}")  # fmt: skip
        y = doc.year - n * (10 if unit == "decade" else 1)
        return _Resolved(dt.date(y, 1, 1), dt.date(y, 12, 31), "year",
                         f"{low}: counted back from {_DOC} {doc}{approx}")  # fmt: skip
    if kind == "relmon":
        month, rel = _month_of(g["mon"]), " ".join(g["mrel"].lower().split())
        if rel in ("last", "this past"):
            year = doc.year if month < doc.month else doc.year - 1
            what = f"the last {_MONTH_NAMES[month - 1]} before the month of {_DOC} {doc}"
        elif rel in ("next", "coming", "this coming"):
            year = doc.year if month > doc.month else doc.year + 1
            what = f"the first {_MONTH_NAMES[month - 1]} after the month of {_DOC} {doc}"
        else:
            year, what = doc.year, f"the {_MONTH_NAMES[month - 1]} of the year of {_DOC} {doc}"
        return _Resolved(
            dt.date(year, month, 1), _month_end(year, month), "month", f"'{low}': {what}"
        )
    if kind == "ordinal":
        day = int(g["d"])
        given = {"last": -1, "next": 1, "this": 0}.get((g.get("orel") or "").lower())
        shift = (
            given if given is not None else -1 if day > doc.day and not _future(ctx, atom) else 0
        )
        first = _add_months(doc.replace(day=1), shift)
        try:
            d = first.replace(day=day)
        except ValueError as err:
            raise _Unread(f"no such date ({err})") from err
        return _Resolved(d, d, "day", f"day of the month: month taken from {_DOC} {doc}")
    if kind == "holiday":
        h = " ".join(g["h"].lower().replace("’", "'").split())
        md = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
              "new year's day": (1, 1), "new year's eve": (12, 31)}[h]  # fmt: skip
        p = _Partial(int(g["y"]) if g.get("y") else None, *md)
        r = _resolve_partial(p, ctx, atom)
        return _Resolved(
            r.start,
            r.end,
            r.precision,
            "; ".join(filter(None, [f"{h}: {md[1]} {_MONTH_NAMES[md[0] - 1]}", r.note])),
        )
    raise _Unread(f"not understood ({kind})")


def _resolve_weekday(atom: _Atom, ctx: _Ctx) -> _Resolved:
    g = atom.m.groupdict()
    doc = ctx.published
    if doc is None:
        raise _Unread("weekday and no document date to count from")
    wd = WEEKDAYS.index(g["wd"].title())
    name = WEEKDAYS[wd]
    rel = " ".join((g.get("wrel") or "").lower().split())
    back = (doc.weekday() - wd) % 7
    if rel in ("next", "this coming", "coming"):
        ahead = (wd - doc.weekday()) % 7 or 7
        d = doc + dt.timedelta(days=ahead)
        return _Resolved(d, d, "day", f"weekday: the {name} after {_DOC} {doc} ('{rel}')")
    if rel in ("last", "this past", "past"):
        back = back or 7
        d = doc - dt.timedelta(days=back)
        return _Resolved(d, d, "day", f"weekday: the {name} before {_DOC} {doc} ('{rel}')")
    cue = _future(ctx, atom)
    if cue and back:
        d = doc + dt.timedelta(days=7 - back)
        return _Resolved(d, d, "day", f"weekday, future ('{cue}'): the {name} after {_DOC} {doc}")
    if back == 0:
        return _Resolved(doc, doc, "day", f"weekday: {_DOC} itself ({doc} is a {name})")
    d = doc - dt.timedelta(days=back)
    return _Resolved(d, d, "day", f"weekday: the {name} before {_DOC} {doc}")


# --------------------------------------------------------------------------- assembling


def _resolve(atom: _Atom, ctx: _Ctx) -> _Resolved:
    if atom.kind in ("dur",):
        raise _Unread("duration, not a date")
    if atom.kind == "narr":
        raise _Unread("relative to another event, not to the document date")
    if atom.kind == "vague":
        raise _Unread("vague period")
    if atom.kind == "fiscal":
        g = atom.m.groupdict()
        if g.get("y") or g.get("y2"):
            y = int(g["y"] or g["y2"])
            note = "fiscal year taken as the calendar year"
        else:
            doc = _need_doc(ctx)
            y = doc.year + {"last": -1, "next": 1}.get((g.get("frel") or "").lower(), 0)
            note = f"fiscal year taken as the calendar year, relative to {_DOC} {doc}"
        return _Resolved(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", note)
    if atom.kind in _DATED:
        a, b = _partial(atom)
        ra = _resolve_partial(a, ctx, atom)
        if b is None:
            return ra
        rb = _resolve_partial(
            b, ctx, atom, year=ra.start.year if ra.start and a.year is None else None
        )
        return _join(ra, rb)
    return _resolve_relative(atom, ctx)


def _join(a: _Resolved, b: _Resolved, note: str = "") -> _Resolved:
    if a.start is None or b.end is None or a.start > b.end:
        raise _Unread("range whose end is before its start")
    notes = "; ".join(n for n in (note, a.note, b.note) if n)
    return _Resolved(a.start, b.end, "interval", notes)


def _resolve_range(a: _Atom, b: _Atom, ctx: _Ctx) -> _Resolved:
    """Join two atoms into an interval, sharing year and month between them."""
    if a.kind in _DATED and b.kind in _DATED:
        pa, pa2 = _partial(a)
        pb, _ = _partial(b)
        if pa2 is not None:
            pa = pa2
        if pa.year is None and pb.year is not None:
            rb = _resolve_partial(pb, ctx, b)
            assert rb.start is not None
            ra = _resolve_partial(pa, ctx, a, year=pb.year)
            if ra.start is not None and ra.start > rb.start:
                ra = _resolve_partial(pa, ctx, a, year=pb.year - 1)
            return _join(ra, rb, "year shared with the end of the range")
        if pb.year is None and pa.year is not None:
            ra = _resolve_partial(pa, ctx, a)
            rb = _resolve_partial(pb, ctx, b, year=pa.year)
            if rb.end is not None and ra.start is not None and rb.end < ra.start:
                rb = _resolve_partial(pb, ctx, b, year=pa.year + 1)
            return _join(ra, rb, "year shared with the start of the range")
        if pa.year is None and pb.year is None:
            rb = _resolve_partial(pb, ctx, b)
            assert rb.start is not None
            ra = _resolve_partial(pa, ctx, a, year=rb.start.year)
            if ra.start is not None and ra.start > rb.start:
                ra = _resolve_partial(pa, ctx, a, year=rb.start.year - 1)
            return _join(ra, rb)
    first, second = _resolve(a, ctx), _resolve(b, ctx)
    return _join(first, second)


def _span(text: str, start: int, end: int, r: _Resolved) -> TimeSpan:
    return TimeSpan(r.start, r.end, r.precision, text[start:end], start, end, r.note)


def _known_years(atoms: Sequence[_Atom]) -> dict[tuple[int, int], int]:
    known: dict[tuple[int, int], int] = {}
    for a in atoms:
        if a.kind in ("dmy", "mdy", "iso", "dotted") and a.m.group("y") is not None:
            g = a.m.groupdict()
            month = _month_of(g["mon"]) if a.kind in ("dmy", "mdy") else int(g["m"])
            known.setdefault((month, int(g["d"])), int(g["y"]))
    return known


def find_dates(
    text: str,
    *,
    published: dt.date | None,
    spans: Sequence[tuple[int, int]] | None = None,
) -> tuple[list[TimeSpan], list[UnreadDate]]:
    """Find and normalise the date expressions of a text.

    Parameters
    ----------
    text
        The article text.
    published
        The document date that relative and year-less expressions are read against; None when
        unknown (those expressions then go to the unread list).
    spans
        Optional ``(start, end)`` character spans of spaCy ``DATE`` entities. They add to what
        the regex finder sees: a span that overlaps nothing found is normalised on its own.

    Returns
    -------
    (list of TimeSpan, list of UnreadDate)
        Both in text order. ``span.text == text[span.char_start:span.char_end]``.

    Examples
    --------
    >>> found, unread = find_dates(
    ...     "Fighting lasted over a month, from 27 September to 10 November 2020.",
    ...     published=dt.date(2020, 11, 20))
    >>> [(s.text, s.start, s.end, s.precision) for s in found]  # doctest: +NORMALIZE_WHITESPACE
    [('from 27 September to 10 November 2020', datetime.date(2020, 9, 27),
      datetime.date(2020, 11, 10), 'interval')]
    >>> [(u.text, u.why) for u in unread]
    [('over a month', 'duration, not a date')]
    """
    published = _as_date(published)
    found, unread, kept = _find(text, published, lenient=False)
    if spans:
        ctx = _Ctx(text, published, _known_years(kept))
        _add_spacy(text, spans, kept, ctx, found, unread)
        found.sort(key=lambda s: (s.char_start, s.char_end))
        unread.sort(key=lambda u: (u.char_start, u.char_end))
    return found, unread


def _find(
    text: str, published: dt.date | None, *, lenient: bool
) -> tuple[list[TimeSpan], list[UnreadDate], list[_Atom]]:
    """The regex path. ``lenient``: the text is known to be a date (bare "2020" is a year)."""
    kept: list[_Atom] = []
    for atom in _scan(text):
        if (lenient and atom.kind in ("month", "year", "season")) or _keep(
            atom, text, kept[-1] if kept else None
        ):
            kept.append(atom)
    ctx = _Ctx(text, published, _known_years(kept))
    found: list[TimeSpan] = []
    unread: list[UnreadDate] = []
    i = 0
    while i < len(kept):
        atom = kept[i]
        nxt = kept[i + 1] if i + 1 < len(kept) else None
        start, end = atom.start, atom.end
        try:
            if nxt is not None and _year_after(atom, nxt, text):
                r = _resolve_with_rel_year(atom, nxt, ctx)
                found.append(_span(text, atom.start, nxt.end, r))
                i += 2
                continue
            if nxt is not None and _is_range(atom, nxt, text):
                pre = _RANGE_PREFIX.search(_before(text, atom.start, 12))
                start = atom.start - (len(pre.group(0)) if pre else 0)
                end = nxt.end
                try:
                    r = _resolve_range(atom, nxt, ctx)
                    i += 1
                except _Unread:
                    start, end = atom.start, atom.end
                    r = _resolve_single(atom, nxt, ctx)
            else:
                r = _resolve_single(atom, nxt, ctx)
            since = _SINCE_PREFIX.search(_before(text, start, 14))
            if since and r.start is not None:
                start -= len(since.group(0))
                end_date = published if published is not None and published >= r.start else None
                r = _Resolved(r.start, end_date, "interval", "; ".join(filter(None, [
                    f"since: from {r.start} to {_DOC} {published}" if end_date else
                    "since: open-ended (no document date after the start)", r.note])))  # fmt: skip
            found.append(_span(text, start, end, r))
        except _Unread as why:
            if (
                atom.kind == "narr"
                and nxt is not None
                and nxt.start == atom.end + 1
                and nxt.kind in _DATED
            ):
                offset = _offset(atom, nxt, ctx)
                if offset is not None:
                    found.append(_span(text, atom.start, nxt.end, offset))
                    i += 2
                    continue
            unread.append(UnreadDate(text[start:end], start, end, str(why)))
        except (ValueError, OverflowError) as err:
            unread.append(UnreadDate(text[start:end], start, end, f"no such date ({err})"))
        i += 1
    return found, unread, kept


def _resolve_single(atom: _Atom, nxt: _Atom | None, ctx: _Ctx) -> _Resolved:
    if (
        atom.kind in ("dmy", "mdy", "month")
        and atom.m.groupdict().get("y") is None
        and nxt is not None
        and nxt.kind in ("dmy", "mdy", "my")
        and nxt.m.group("y")
        and _LIST_JOIN.fullmatch(ctx.text, atom.end, nxt.start)
    ):
        # "on 27 September and 10 November 2020": the year written once serves both
        pa, _ = _partial(atom)
        year = int(nxt.m.group("y"))
        r = _resolve_partial(pa, ctx, atom, year=year)
        return _Resolved(r.start, r.end, r.precision, f"year {year} shared with the next date")
    return _resolve(atom, ctx)


def _year_after(a: _Atom, b: _Atom, text: str) -> bool:
    """'February this year', '9 November last year'."""
    return (
        a.kind in ("dmy", "mdy", "month", "dmyr", "mdyr", "fuzzy", "season")
        and a.m.groupdict().get("y") is None
        and b.kind == "relp"
        and b.m.group("unit").lower() == "year"
        and " ".join(b.m.group("rp").lower().split()) in ("this", "last", "next")
        and bool(re.fullmatch(r",?\s+(?:of\s+)?", text[a.end : b.start]))
    )


def _resolve_with_rel_year(a: _Atom, b: _Atom, ctx: _Ctx) -> _Resolved:
    doc = _need_doc(ctx)
    rel = b.m.group("rp").lower()
    year = doc.year + {"last": -1, "next": 1}.get(rel, 0)
    pa, pa2 = _partial(a)
    if pa.unit == "part" and "|" in pa.part:
        raise _Unread("not understood (a part of a relative period followed by a year)")
    ra = _resolve_partial(pa, ctx, a, year=year)
    if pa2 is not None:
        ra = _join(ra, _resolve_partial(pa2, ctx, a, year=year))
    note = f"'{rel} year' relative to {_DOC} {doc}"
    return _Resolved(ra.start, ra.end, ra.precision, "; ".join(filter(None, [note, ra.note])))


def _is_range(a: _Atom, b: _Atom, text: str) -> bool:
    gap = text[a.end : b.start]
    if not _CONNECT.fullmatch(gap):
        return False
    word = gap.strip().lower()
    if word == "and":
        pre = _RANGE_PREFIX.search(_before(text, a.start, 12))
        if not pre or pre.group("w").lower() != "between":
            return False
    rangeable = _DATED | {"wd", "reld", "relp", "ordinal", "holiday"}
    return a.kind in rangeable and b.kind in rangeable


def _offset(a: _Atom, b: _Atom, ctx: _Ctx) -> _Resolved | None:
    """'two days after 9 November' → 11 November."""
    m = _OFFSET.fullmatch(a.m.group(0))
    if m is None:
        return None
    n = _number(m.group("n"))
    if n is None:
        return None
    try:
        base = _resolve(b, ctx)
    except _Unread:
        return None
    if base.start is None or base.precision != "day":
        return None
    unit = m.group("unit").lower().rstrip("s")
    sign = 1 if m.group("dir").lower() == "after" else -1
    if unit in ("day", "week"):
        d = base.start + dt.timedelta(days=sign * n * (7 if unit == "week" else 1))
    else:
        d = _add_months(base.start, sign * n * (12 if unit == "year" else 1))
    note = f"{m.group(0)} {base.start}" + (f"; {base.note}" if base.note else "")
    return _Resolved(d, d, "day", note)


# --------------------------------------------------------------------------- spaCy + fallback


def _add_spacy(
    text: str,
    spans: Sequence[tuple[int, int]],
    atoms: Sequence[_Atom],
    ctx: _Ctx,
    found: list[TimeSpan],
    unread: list[UnreadDate],
) -> None:
    taken = [(a.start, a.end) for a in atoms]
    taken += [(s.char_start, s.char_end) for s in found]
    taken += [(u.char_start, u.char_end) for u in unread]
    for start, end in sorted(spans):
        if not 0 <= start < end <= len(text) or any(s < end and start < e for s, e in taken):
            continue
        expr = text[start:end]
        r, why = _normalise_span(expr, ctx.published)
        if r is not None:
            found.append(TimeSpan(r.start, r.end, r.precision, expr, start, end, r.note))
        else:
            unread.append(UnreadDate(expr, start, end, why))
        taken.append((start, end))


_FREQUENCY = re.compile(
    r"(?i:\b(?:annual(?:ly)?|daily|weekly|monthly|yearly|every|each|per|once|twice)\b)"
)
_AGE = re.compile(r"(?i:\b(?:\d+|[a-z]+)[-\s]+(?:years?|months?)[-\s]+old\b|\bage[ds]?\b)")
_UNIT_WORD = re.compile(
    r"(?i:\b(?:days?|weeks?|months?|years?|decades?|centur(?:y|ies)|hours?|nights?)\b)"
)
_QUANTITY = re.compile(rf"(?i:\b(?:{_NUMW}|half|quarter|dozen|hundreds|thousands)\b)")
_VAGUE = re.compile(r"(?i:\b(?:recent(?:ly)?|now|currently|former(?:ly)?|past|present|future|"
                    r"once|soon|then|nowadays|lately|these\s+days|those\s+days)\b)")  # fmt: skip


def _normalise_span(expr: str, published: dt.date | None) -> tuple[TimeSpan | None, str]:
    """Read one expression known to be a date: the regex atoms first, then dateparser."""
    found, unread, _ = _find(expr, published, lenient=True)
    if found:
        return max(found, key=lambda s: s.char_end - s.char_start), ""
    if unread:
        return None, unread[0].why
    if _AGE.search(expr):
        return None, "age, not a date"
    if _FREQUENCY.search(expr):
        return None, "recurring (a frequency), not a date"
    if _UNIT_WORD.search(expr) and not _TRUSTED.search(expr):
        if _QUANTITY.search(expr):
            return None, "duration, not a date"
        return None, "vague, or relative to another event"
    r = _dateparser(expr, published)
    if r is not None:
        return TimeSpan(r.start, r.end, r.precision, expr, 0, len(expr), r.note), ""
    if _VAGUE.search(expr):
        return None, "vague time reference"
    return None, "not understood as a date"


_TRUSTED = re.compile(
    rf"(?i:\b(?:{'|'.join(MONTHS)})\b|\b(?:1\d|20)\d\d\b|\b(?:ago|yesterday|today|tomorrow)\b|"
    r"\b(?:last|next|this)\s+(?:week|month|year)\b)"
)


def _dateparser(expr: str, published: dt.date | None) -> _Resolved | None:
    """dateparser as the last resort, guarded: short expressions with a date-like word only."""
    expr = " ".join(expr.split())
    if not expr or len(expr) > 60 or not _DATE_HINT.search(expr):
        return None
    from dateparser.date import DateDataParser

    settings: dict[str, object] = {"PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past",
                                   "RETURN_AS_TIMEZONE_AWARE": False}  # fmt: skip
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time(12))
    elif not re.search(r"\b(?:1\d|20)\d\d\b", expr):
        return None  # without a document date, only absolute dates are trusted
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(expr)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    if not _TRUSTED.search(expr):
        return None  # "the 9th" alone: dateparser guesses, too often wrongly
    d = data.date_obj.date()
    period = data.period or "day"
    note = f"read by dateparser (period: {period})"
    if period == "month":
        return _Resolved(d.replace(day=1), _month_end(d.year, d.month), "month", note)
    if period == "year":
        return _Resolved(dt.date(d.year, 1, 1), dt.date(d.year, 12, 31), "year", note)
    if period == "week":
        mon, sun = _week(d)
        return _Resolved(mon, sun, "interval", note)
    return _Resolved(d, d, "day", note)


def normalise(expr: str, *, published: dt.date | None) -> TimeSpan | None:
    """Normalise one date expression.

    Parameters
    ----------
    expr
        A short expression such as ``"Sept. 27"``, ``"mid-2021"`` or ``"last week"``.
    published
        The document date relative and year-less expressions are read against.

    Returns
    -------
    TimeSpan or None
        The longest date found in ``expr`` (offsets relative to ``expr``), or None when the
        expression is not a date (a duration, a relative-to-an-event phrase, nonsense).

    Examples
    --------
    >>> normalise("July 2020", published=None)  # doctest: +NORMALIZE_WHITESPACE
    TimeSpan(start=datetime.date(2020, 7, 1), end=datetime.date(2020, 7, 31),
             precision='month', text='July 2020', char_start=0, char_end=9, note='')
    """
    return _normalise_span(expr, _as_date(published))[0]


def _as_date(value: dt.date | None) -> dt.date | None:
    """A datetime passed as the document date is taken as its date (they do not compare)."""
    return value.date() if isinstance(value, dt.datetime) else value
