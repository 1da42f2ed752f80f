"""Plain, frozen records that flow through geomap: read → recognise → resolve → date → events.

Dates are ``datetime.date``; a :class:`TimeSpan` is inclusive at both ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gazetteer import Place

def _reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle a slotted dataclass by its positional fields (five times faster than the default;
    documents travel from geoparsing worker processes by the hundred)."""
    return (self.__class__, tuple(getattr(self, n) for n in self.__dataclass_fields__))


#: Precision of a date span, finest first.
PRECISIONS = ("day", "month", "year", "interval")

#: Event types (maps onto ACLED's event types; see geomap.events.ACLED_TYPES).
EVENT_TYPES = (
    "armed_clash",
    "shelling",
    "attack_on_civilians",
    "ceasefire",
    "diplomatic_statement",
    "troop_deployment",
    "territorial_change",
    "protest",
    "other",
)


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """A date expression normalised against the document date.

    ``start``/``end`` are inclusive. ``precision`` is one of :data:`PRECISIONS`.
    ``start`` or ``end`` may be None for open intervals ("since 1988" has no end).
    """

    start: dt.date | None
    end: dt.date | None
    precision: str
    text: str = ""
    char_start: int = -1
    char_end: int = -1
    note: str = ""  # how it was resolved ("weekday before the document date", ...)

    def overlaps(self, other: TimeSpan) -> bool:
        lo1, hi1 = self.start or dt.date.min, self.end or dt.date.max
        lo2, hi2 = other.start or dt.date.min, other.end or dt.date.max
        return lo1 <= hi2 and lo2 <= hi1


@dataclass(frozen=True, slots=True)
class UnreadDate:
    """A date expression found in the text that could not be normalised."""

    text: str
    char_start: int
    char_end: int
    why: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in the text, with its resolution (None when unresolved)."""

    text: str
    char_start: int
    char_end: int
    place: Place | None
    label: str = "LOC"  # the recogniser's label (GPE, LOC, FAC, GAZ)
    why_unresolved: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """Where an event was read."""

    file: str = ""
    title: str = ""
    url: str = ""
    publisher: str = ""
    published: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened somewhere, at some time, as reported by one or more sources."""

    id: str
    type: str
    place: Place
    when: TimeSpan | None
    quote: str
    sources: tuple[Source, ...]
    actors: tuple[str, ...] = ()
    fatalities: int | None = None
    confidence: float = 0.5
    places: tuple[Place, ...] = ()  # every place of the sentence; ``place`` is the main one
    date_note: str = ""  # e.g. "no date in the sentence: took the article's date"
    place_note: str = ""  # e.g. "no place in the sentence: the article's main place"


@dataclass(frozen=True, slots=True)
class Document:
    """One article after geoparsing."""

    id: str
    text: str
    published: dt.date | None
    toponyms: tuple[Mention, ...] = ()
    dates: tuple[TimeSpan, ...] = ()
    events: tuple[Event, ...] = ()
    unread_dates: tuple[UnreadDate, ...] = ()
    source: Source = field(default_factory=Source)
    published_note: str = ""  # how the publication date was found
    recogniser: str = ""  # "spacy+gazetteer" or "gazetteer-only"
    #: names the model called places that no gazetteer name matches ("Dropbox"): not used, reported
    set_aside: tuple[Mention, ...] = ()


for _cls in (TimeSpan, UnreadDate, Mention, Source, Event, Document):
    _cls.__reduce__ = _reduce  # type: ignore[method-assign]
