"""Readers for the annotated development corpora (geoparsing and temporal expressions).

Standard library only. Every reader returns plain frozen records:

* :class:`GoldDoc` / :class:`GoldToponym` for the geoparsing corpora (TR-News and other
  LGL-schema XML, GeoWebNews, WikToR, GeoCorpora);
* :class:`TimeDoc` / :class:`GoldTimex` for TimeML (TBAQ-cleaned TimeBank and AQUAINT).

Offsets are Python string indices into ``GoldDoc.text`` / ``TimeDoc.text``, half-open
(``text[start:end]``). For the geoparsing corpora ``text[start:end] == toponym.text`` holds for
every toponym the readers return, except those counted as ``unaligned`` in :class:`ReadStats`.

Known quirks handled here (see the corpora's ``CORPORA.md``):

* TR-News: 117 annotations do not show their phrase: 115 sit 1-10 characters right of it (a
  cumulative drift within an article) and two spans are too short ("Kenya" for "Kenyan",
  "Laurel" for "Laurel County"). Each moves to the nearest exact occurrence of its phrase
  (:func:`nearest_occurrence`); all 117 can be realigned.
* GeoWebNews: ``<toponym>`` elements are not in text order (sorted here). Five annotations in
  gwn-123 and gwn-255 have negative offsets: the two with coordinates ("American", "US") are
  stale copies of annotations that exist, and realign onto them (``duplicates`` = 2); the three
  others are non-toponyms whose name is not in the text and are never selected.
* GeoCorpora: Windows-1252 file with CSV quoting for tweets that hold tabs, quotes or newlines;
  HTML entities in the tweet text (unescaped here); names stored in one letter case for every
  mention ("ISRAEL" at an "israel"), as mojibake ("BÃ¡rÃ°arbunga") or in quotes with a
  trailing space - repaired before aligning. One name whose letters the file lost to '?' in
  both the name and the tweet cannot be placed and stays as stored (``unaligned``).
* TimeML: offsets index the character content of ``<TEXT>`` (leading newline kept); the DCT
  ``TIMEX3`` lives outside ``<TEXT>`` and is not a gold timex.

:func:`load` and :func:`read_corpus` detect the corpus from a path; :func:`find_corpora` lists
every corpus under a folder (such as the whole development data folder).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from geomap.errors import InputError

__all__ = [
    "GWN_NON_TOPONYM_TYPES",
    "GWN_TOPONYM_TYPES",
    "KINDS",
    "GoldDoc",
    "GoldTimex",
    "GoldToponym",
    "ReadStats",
    "TimeDoc",
    "detect",
    "find_corpora",
    "iter_toponyms",
    "load",
    "nearest_occurrence",
    "parse_loose_date",
    "read_corpus",
    "read_geocorpora",
    "read_gwn_xml",
    "read_lgl_xml",
    "read_timeml",
    "read_wiktor",
]


# ----------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GoldToponym:
    """One annotated place-name mention.

    ``kind`` is corpus specific: the GeoWebNews pragmatic type ("Literal", "Metonymic", ...),
    the GeoNames feature code for LGL-schema XML ("PCLI", "PPLA", ...; "" without a gazetteer
    entry), "" for WikToR and GeoCorpora.
    """

    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: int | None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """A document with its gold toponyms (sorted by ``(start, end)``)."""

    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]
    published: dt.date | None = None
    corpus: str = ""


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """A TimeML ``TIMEX3`` inside ``<TEXT>``: span, surface text, ``type`` and ``value``."""

    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class TimeDoc:
    """A TimeML document: ``text`` is the character content of ``<TEXT>``; ``dct`` its date."""

    id: str
    text: str
    dct: dt.date | None
    timexes: tuple[GoldTimex, ...]


@dataclass(slots=True)
class ReadStats:
    """What a reader did (an accumulator; readers fill the one passed as ``stats=``).

    * ``docs``: documents returned; ``annotations``: annotations returned;
    * ``skipped``: annotations left out by the selection (no coordinates for resolution, not a
      toponym type for GeoWebNews recognition);
    * ``mismatched``: selected annotations whose stored span did not show their name;
    * ``realigned``: of those, moved to the nearest exact occurrence of the name;
    * ``unaligned``: of those, kept with their stored span (in range, but text differs);
    * ``dropped``: of those, left out (span out of range and name not found, or unparsable);
    * ``repaired_names``: names that only matched after repair (GeoCorpora mojibake, quotes,
      letter case);
    * ``duplicates``: returned annotations with the same span as another one in the same
      document (kept, as the corpus has them; an overlap scorer can match only one of them).
    """

    docs: int = 0
    annotations: int = 0
    skipped: int = 0
    mismatched: int = 0
    realigned: int = 0
    unaligned: int = 0
    dropped: int = 0
    repaired_names: int = 0
    duplicates: int = 0

    def __add__(self, other: ReadStats) -> ReadStats:
        return ReadStats(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def summary(self) -> str:
        """One line, e.g. ``118 docs, 1275 annotations, 117 realigned, 0 unaligned``."""
        parts = [f"{self.docs} docs", f"{self.annotations} annotations"]
        for name in ("skipped", "mismatched", "realigned", "unaligned", "dropped",
                     "repaired_names", "duplicates"):
            value = getattr(self, name)
            if value or name in ("realigned", "unaligned"):
                parts.append(f"{value} {name.replace('_', ' ')}")
        return ", ".join(parts)


#: The kind names :func:`load` returns.
KINDS = ("tr-news", "lgl", "gwn", "wiktor", "geocorpora", "timebank", "aquaint", "timeml")

#: GeoWebNews types that are toponyms (Gritta, Pilehvar & Collier 2019, Table 1 and Sect. 4):
#: the literal types and the associative types that name a place.
GWN_TOPONYM_TYPES = frozenset({
    "Literal", "Literal_Modifier", "Mixed", "Coercion", "Embedded_Literal",
    "Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit",
})
#: GeoWebNews types that are not toponyms for recognition scoring.
GWN_NON_TOPONYM_TYPES = frozenset({
    "Demonym", "Homonym", "Language", "Non_Toponym", "Literal_Expression", "Non_Lit_Expression",
})


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------
def _float(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _int(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _coords(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    """Both coordinates or neither; out-of-range pairs count as missing."""
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _bounded(text: str, i: int, j: int) -> bool:
    """True when text[i:j] is not glued to a letter or digit on either side."""
    left_ok = i == 0 or not (text[i - 1].isalnum() and text[i].isalnum())
    right_ok = j >= len(text) or not (text[j - 1].isalnum() and text[j].isalnum())
    return left_ok and right_ok


def nearest_occurrence(
    text: str, name: str, start: int, taken: Iterable[tuple[int, int]] = ()
) -> int | None:
    """Start of the exact occurrence of ``name`` in ``text`` nearest to ``start``.

    Preference, in order: an occurrence on word boundaries (not "Lyon" in "Lyonnais"), one
    whose span is not in ``taken`` (spans already held by other annotations), the smallest
    distance, the earlier one. None when ``name`` is empty or does not occur.
    """
    if not name:
        return None
    held = set(taken)
    best: tuple[bool, bool, int, int] | None = None
    i = text.find(name)
    while i >= 0:
        j = i + len(name)
        key = (not _bounded(text, i, j), (i, j) in held, abs(i - start), i)
        if best is None or key < best:
            best = key
        i = text.find(name, i + 1)
    return None if best is None else best[3]


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_US_DATE = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{1,2})?(?:\.\d+)?\s*(?:[ap]\.?m\.?)?", re.I)
_MONTH_WORD = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b\.?", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
_DAY = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?(?![\d:])", re.I)


def parse_loose_date(value: str | None) -> dt.date | None:
    """A calendar day from the free-text dates news metadata carries, or None.

    Understands ISO ``2016-12-19`` (time and zone ignored), ``11/28/2016`` (US order), and month
    names with a day and a year in any order ("7:58 AM ET, Sat January 3, 2015",
    "Wed Nov 23, 2016 | 4:58pm EST", "9 Oct 2012, 7:43am EDT", "2016 Oct 10",
    "December 9th 2016", "Wed Jan 21 15:05:45 +0000 2015"). Anything less than a full day
    (a month alone, a year alone) gives None.
    """
    if not value or not value.strip():
        return None
    s = " ".join(value.split())

    def make(y: int, m: int, d: int) -> dt.date | None:
        try:
            return dt.date(y, m, d)
        except ValueError:
            return None

    m = _ISO_DATE.search(s)
    if m:
        return make(int(m[1]), int(m[2]), int(m[3]))
    m = _US_DATE.search(s)
    if m:
        return make(int(m[3]), int(m[1]), int(m[2]))
    s = _CLOCK.sub(" ", s)
    s = re.sub(r"[+-]\d{4}\b", " ", s)  # numeric zone offsets
    month = _MONTH_WORD.search(s)
    year = _YEAR.search(s)
    if not month or not year:
        return None
    rest = s[: year.start()] + " " + s[year.end():]
    rest = _MONTH_WORD.sub(" ", rest)
    for day in _DAY.finditer(rest):
        d = int(day[1])
        if 1 <= d <= 31:
            return make(int(year[1]), _MONTHS[month[1].lower()[:3]], d)
    return None


def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc


@dataclass(slots=True)
class _Raw:
    """An annotation as stored, before alignment."""

    start: int
    end: int
    name: str
    lat: float | None
    lon: float | None
    geonameid: int | None
    kind: str
    alternatives: tuple[str, ...] = ()  # repaired spellings of ``name`` to try


def _lost_char_pattern(name: str) -> re.Pattern[str] | None:
    """A pattern for a name whose non-ASCII letters were garbled ("PraÃ?Â§a" for "Praça"):
    each run of non-ASCII characters or '?' matches 1..len(run) non-ASCII characters. None
    unless the name has such a run and at least three ASCII letters or digits to anchor it."""
    pieces = re.split(r"((?:[^\x00-\x7f]|\?)+)", name)
    if len(pieces) < 2 or sum(ch.isalnum() and ch.isascii() for ch in name) < 3:
        return None
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append(f"[^\\x00-\\x7f]{{1,{len(piece)}}}")
        else:
            out.append(re.escape(piece))
    return re.compile("".join(out))


def _align(text: str, raws: Sequence[_Raw], others: Sequence[_Raw],
           stats: ReadStats) -> tuple[GoldToponym, ...]:
    """Check each raw span against its name, realign the ones that differ, sort.

    In order: the stored span shows the name (kept); it shows a repaired spelling of the name
    or the name in other letter case (kept, with the text's spelling; ``repaired_names``); the
    name or a repaired spelling occurs elsewhere (moved to the nearest occurrence,
    ``realigned``); a garbled name matches with its lost letters as wildcards (``realigned``,
    ``repaired_names``); otherwise kept as stored if in range (``unaligned``) or left out
    (``dropped``). ``others`` are annotations of the same document that were not selected;
    their exact spans still count as taken when choosing where to realign.
    """
    def shows(start: int, end: int, name: str) -> bool:
        return 0 <= start and end == start + len(name) <= len(text) and text[start:end] == name

    taken = {(r.start, r.end) for r in (*raws, *others) if shows(r.start, r.end, r.name)}
    out: list[GoldToponym] = []

    def keep(r: _Raw, start: int, name: str) -> None:
        end = start + len(name)
        taken.add((start, end))
        out.append(GoldToponym(start, end, name, r.lat, r.lon, r.geonameid, r.kind))

    for r in sorted(raws, key=lambda r: (r.start, r.end)):
        if shows(r.start, r.end, r.name):
            keep(r, r.start, r.name)
            continue
        there = text[r.start:r.start + len(r.name)] if r.start >= 0 else ""
        repaired = next((a for a in r.alternatives if shows(r.start, r.start + len(a), a)), None)
        if repaired is None and there.casefold() == r.name.casefold() and there != r.name:
            repaired = there
        if repaired is not None:
            stats.repaired_names += 1
            keep(r, r.start, repaired)
            continue
        stats.mismatched += 1
        for name in (r.name, *r.alternatives):
            i = nearest_occurrence(text, name, r.start, taken)
            if i is not None:
                stats.realigned += 1
                stats.repaired_names += name != r.name
                keep(r, i, name)
                break
        else:
            pattern = _lost_char_pattern(r.name)
            hits = list(pattern.finditer(text)) if pattern else []
            if hits:
                m = min(hits, key=lambda m: (abs(m.start() - r.start), m.start()))
                stats.realigned += 1
                stats.repaired_names += 1
                keep(r, m.start(), m.group())
            elif 0 <= r.start < r.end <= len(text):
                stats.unaligned += 1
                out.append(GoldToponym(r.start, r.end, r.name, r.lat, r.lon, r.geonameid,
                                       r.kind))
            else:
                stats.dropped += 1
    out.sort(key=lambda t: (t.start, t.end))
    stats.duplicates += sum(a.start == b.start and a.end == b.end for a, b in zip(out, out[1:]))
    stats.annotations += len(out)
    stats.docs += 1
    return tuple(out)


# ----------------------------------------------------------------------------------------
# LGL schema (TR-News)
# ----------------------------------------------------------------------------------------
def read_lgl_xml(path: str | Path, *, recognition: bool = False, corpus: str | None = None,
                 stats: ReadStats | None = None) -> list[GoldDoc]:
    """Read LGL-schema XML (TR-News): ``<article docid><dltime/><text/><toponyms><toponym>
    <phrase/><start/><end/><gaztag geonameid><lat/><lon/><fcode/>...``.

    By default only toponyms with coordinates are returned (the resolution set: TR-News 1,275);
    ``recognition=True`` returns every annotated toponym (TR-News 1,319; the 44 without a
    gazetteer entry, mostly streets and buildings, have ``lat``/``lon``/``geonameid`` None).
    Spans whose text differs from the phrase are realigned (counted in ``stats``).
    ``published`` is parsed from ``dltime`` when it holds a full date (free text; 16 TR-News
    articles have none). Ids are ``trnews-<docid>`` (``lgl-<docid>`` for other files).
    """
    path = Path(path)
    if corpus is None:
        corpus = "tr-news" if re.sub(r"[^a-z]", "", path.name.lower()).startswith("trnews") \
            else "lgl"
    prefix = "trnews" if corpus == "tr-news" else corpus
    stats = stats if stats is not None else ReadStats()
    root = _parse_xml(path)
    docs: list[GoldDoc] = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        chosen: list[_Raw] = []
        others: list[_Raw] = []
        tops = art.find("toponyms")
        for t in tops if tops is not None else ():
            start, end = _int(t.findtext("start")), _int(t.findtext("end"))
            phrase = t.findtext("phrase") or ""
            if start is None or end is None:
                stats.dropped += 1
                continue
            lat = lon = None
            gid = None
            fcode = ""
            gaz = t.find("gaztag")
            if gaz is not None:
                lat, lon = _coords(_float(gaz.findtext("lat")), _float(gaz.findtext("lon")))
                gid = _int(gaz.get("geonameid"))
                fcode = (gaz.findtext("fcode") or "").strip()
            raw = _Raw(start, end, phrase, lat, lon, gid, fcode)
            if lat is None and not recognition:
                others.append(raw)
                stats.skipped += 1
            else:
                chosen.append(raw)
        toponyms = _align(text, chosen, others, stats)
        docs.append(GoldDoc(f"{prefix}-{art.get('docid', len(docs))}", text, toponyms,
                            parse_loose_date(art.findtext("dltime")), corpus))
    return docs


# ----------------------------------------------------------------------------------------
# GeoWebNews
# ----------------------------------------------------------------------------------------
def read_gwn_xml(path: str | Path, *, recognition: bool = False,
                 stats: ReadStats | None = None) -> list[GoldDoc]:
    """Read GeoWebNews ``GWN.xml`` (Gritta, Pilehvar & Collier 2019).

    * Resolution (default): every annotation with coordinates (2,601 in 200 articles; 2,401 of
      them with a GeoNames id, the rest streets/buildings with hand-set coordinates).
    * ``recognition=True``: the toponyms for recognition F1 - every annotation whose type is in
      :data:`GWN_TOPONYM_TYPES`, with or without coordinates (2,610: the 2,601 above plus 9
      ``Coercion`` festival/competition names in gwn-307 that have none). Excluded, following
      Gritta's protocol, CORPORA.md and the reference reader: Demonym, Homonym, Language,
      Non_Toponym, Literal_Expression and Non_Lit_Expression. Included are the literal types
      (Literal, Literal_Modifier, Mixed, Coercion, Embedded_Literal) and the associative ones
      that still name a place (Metonymic, Non_Literal_Modifier, Embedded_Non_Lit): the paper
      treats metonymic toponyms as toponyms that a geotagger must find, and ``Embedded_*`` spans
      are place names inside organisation names ("Dubai" in "Smart Dubai Office"; 56 of them
      span the whole organisation name). An unknown type counts as a toponym when it has
      coordinates. No two selected spans overlap, so overlap scoring is unambiguous.

    ``kind`` is the GWN type. ``published`` is None (GWN has no dates). Ids are ``gwn-<file>``.
    """
    path = Path(path)
    stats = stats if stats is not None else ReadStats()
    root = _parse_xml(path)
    docs: list[GoldDoc] = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        chosen: list[_Raw] = []
        others: list[_Raw] = []
        tops = art.find("toponyms")
        for t in tops if tops is not None else ():
            start, end = _int(t.findtext("start")), _int(t.findtext("end"))
            if start is None or end is None:
                stats.dropped += 1
                continue
            kind = (t.findtext("type") or "").strip()
            lat, lon = _coords(_float(t.findtext("latitude")), _float(t.findtext("longitude")))
            raw = _Raw(start, end, t.findtext("extractedName") or "", lat, lon,
                       _int(t.findtext("geonamesID")), kind)
            if recognition:
                keep = kind in GWN_TOPONYM_TYPES or (kind not in GWN_NON_TOPONYM_TYPES
                                                     and lat is not None)
            else:
                keep = lat is not None
            if keep:
                chosen.append(raw)
            else:
                others.append(raw)
                stats.skipped += 1
        toponyms = _align(text, chosen, others, stats)
        docs.append(GoldDoc(f"gwn-{art.get('file', len(docs))}", text, toponyms, None, "gwn"))
    return docs


# ----------------------------------------------------------------------------------------
# WikToR (EUPEG processing)
# ----------------------------------------------------------------------------------------
def read_wiktor(folder: str | Path, *, stats: ReadStats | None = None) -> list[GoldDoc]:
    """Read WikToR as processed by EUPEG: ``texts/<i>`` and ``WikToR_gold.txt`` (line i for text
    i; entries ``pageTitle,,surface,,lat,,lon,,start,,end||``).

    Not news and not hand-annotated: each article marks every occurrence of one target
    toponym only, so use it for resolution, not for recognition precision. Ids are
    ``wiktor-<i>``. 16 of the 5,000 documents have an empty gold line.
    """
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    gold_path, tdir = folder / "WikToR_gold.txt", folder / "texts"
    if not gold_path.is_file() or not tdir.is_dir():
        raise InputError(f"{folder}: a WikToR folder needs WikToR_gold.txt and texts/")
    stats = stats if stats is not None else ReadStats()
    gold_lines = gold_path.read_text(encoding="utf-8").split("\n")
    numbers = sorted(int(p.name) for p in tdir.iterdir() if p.name.isdigit())
    if numbers != list(range(len(numbers))):
        raise InputError(f"{tdir}: text files must be numbered 0..n-1 without gaps")
    docs: list[GoldDoc] = []
    for i in numbers:
        with open(tdir / str(i), encoding="utf-8", newline="") as fh:
            text = fh.read()
        raws: list[_Raw] = []
        line = gold_lines[i] if i < len(gold_lines) else ""
        for item in line.split("||"):
            if not item.strip():
                continue
            f = item.split(",,")
            start, end = (_int(f[-2]), _int(f[-1])) if len(f) >= 6 else (None, None)
            if start is None or end is None:
                stats.dropped += 1
                continue
            lat, lon = _coords(_float(f[-4]), _float(f[-3]))
            if lat is None:
                stats.skipped += 1
                continue
            raws.append(_Raw(start, end, f[-5], lat, lon, None, ""))
        docs.append(GoldDoc(f"wiktor-{i}", text, _align(text, raws, (), stats), None, "wiktor"))
    return docs


# ----------------------------------------------------------------------------------------
# GeoCorpora
# ----------------------------------------------------------------------------------------
def _unmojibake(s: str) -> str | None:
    """UTF-8 text that was decoded as Windows-1252 (once or twice), decoded back; else None."""
    out = s
    for _ in range(2):
        try:
            fixed = out.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            break
        if fixed == out:
            break
        out = fixed
    return out if out != s else None


def _name_alternatives(name: str) -> tuple[str, ...]:
    alts: list[str] = []
    for cand in (html.unescape(name), name.strip().strip('"').strip()):
        alts.append(cand)
        fixed = _unmojibake(cand)
        if fixed:
            alts.append(fixed)
    return tuple(dict.fromkeys(a for a in alts if a and a != name))


def read_geocorpora(tsv: str | Path, *, unescape_html: bool = True,
                    stats: ReadStats | None = None) -> list[GoldDoc]:
    """Read the GeoCorpora TSV (Wallgrün et al. 2018): tweets, one row per (tweet, location).

    The file is Windows-1252 with CSV quoting; tweet text is HTML-unescaped (``&amp;`` -> ``&``),
    which is what the offsets fit. Every tweet is a document (6,648; 4,527 have no location),
    ids ``geocorpora-<tweet id>``, ``published`` from ``tweet_created_at`` (UTC day). Annotated
    names stored as mojibake or wrapped in quotes are repaired before aligning; names whose
    characters were lost to '?' in the file cannot be and stay as stored (``unaligned``).
    """
    path = Path(tsv)
    stats = stats if stats is not None else ReadStats()
    try:
        raw = path.read_bytes().decode("cp1252", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter="\t")
    needed = {"tweet_id_str", "tweet_text", "char_position", "text", "latitude", "longitude"}
    if not needed <= set(reader.fieldnames or ()):
        raise InputError(f"{path}: not a GeoCorpora TSV (needs columns {sorted(needed)})")
    order: list[str] = []
    texts: dict[str, str] = {}
    dates: dict[str, dt.date | None] = {}
    raws: dict[str, list[_Raw]] = {}
    for row in reader:
        tid = (row.get("tweet_id_str") or "").strip()
        if tid not in texts:
            t = row.get("tweet_text") or ""
            texts[tid] = html.unescape(t) if unescape_html else t
            dates[tid] = _tweet_date(row.get("tweet_created_at"))
            raws[tid] = []
            order.append(tid)
        start = _int(row.get("char_position"))
        if start is None:
            continue
        lat, lon = _coords(_float(row.get("latitude")), _float(row.get("longitude")))
        if lat is None:
            stats.skipped += 1
            continue
        name = row.get("text") or ""
        raws[tid].append(_Raw(start, start + len(name), name, lat, lon,
                              _int(row.get("geoNameId")), "", _name_alternatives(name)))
    return [GoldDoc(f"geocorpora-{tid}", texts[tid], _align(texts[tid], raws[tid], (), stats),
                    dates[tid], "geocorpora") for tid in order]


def _tweet_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y").astimezone(
            dt.timezone.utc).date()
    except ValueError:
        return parse_loose_date(value)


# ----------------------------------------------------------------------------------------
# TimeML
# ----------------------------------------------------------------------------------------
def _flatten(el: ET.Element, parts: list[str], spans: list[tuple[int, int, ET.Element]],
             pos: int) -> int:
    if el.text:
        parts.append(el.text)
        pos += len(el.text)
    for child in el:
        start = pos
        pos = _flatten(child, parts, spans, pos)
        if child.tag == "TIMEX3":
            spans.append((start, pos, child))
        if child.tail:
            parts.append(child.tail)
            pos += len(child.tail)
    return pos


def _timeml_file(path: Path) -> TimeDoc:
    root = _parse_xml(path)
    text_el = root.find("TEXT")
    if text_el is None:
        raise InputError(f"{path}: no <TEXT> element; not a TimeML document")
    dct_el = root.find("DCT/TIMEX3")
    if dct_el is None:  # some TimeML variants put the DCT TIMEX3 elsewhere
        dct_el = next((e for e in root.iter("TIMEX3")
                       if e.get("functionInDocument") == "CREATION_TIME"), None)
    dct = None
    if dct_el is not None:
        m = _ISO_DATE.match(dct_el.get("value") or "")
        if m:
            try:
                dct = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                dct = None
    parts: list[str] = []
    spans: list[tuple[int, int, ET.Element]] = []
    _flatten(text_el, parts, spans, 0)
    text = "".join(parts)
    timexes = tuple(GoldTimex(s, e, text[s:e], el.get("type") or "", el.get("value") or "")
                    for s, e, el in spans)
    docid = (root.findtext("DOCID") or "").strip() or path.stem
    return TimeDoc(docid, text, dct, timexes)


def read_timeml(folder_or_file: str | Path, *, stats: ReadStats | None = None) -> list[TimeDoc]:
    """Read TimeML ``.tml`` files (one file, or every ``*.tml`` in a folder, sorted by name).

    ``text`` is the character content of ``<TEXT>`` (leading newline kept); timex offsets index
    it. ``dct`` is the day of the DCT ``TIMEX3`` (outside ``<TEXT>``, not a gold timex).
    ``stats.annotations`` counts TIMEX3s.
    """
    p = Path(folder_or_file)
    stats = stats if stats is not None else ReadStats()
    files = sorted(p.glob("*.tml")) if p.is_dir() else [p]
    if not files:
        raise InputError(f"{p}: no .tml files")
    docs = [_timeml_file(f) for f in files]
    stats.docs += len(docs)
    stats.annotations += sum(len(d.timexes) for d in docs)
    return docs


# ----------------------------------------------------------------------------------------
# Detection
# ----------------------------------------------------------------------------------------
_UNDERSTOOD = ("TR-News/LGL XML (TR-News.xml or its folder), GeoWebNews (GWN.xml or its "
               "folder), a WikToR folder (WikToR_gold.txt + texts/), a GeoCorpora .tsv, "
               "TimeML .tml files or a folder of them (TimeBank, AQUAINT)")


def _head(path: Path, size: int = 65536) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(size).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _timeml_kind(folder: Path) -> str:
    name = folder.name.lower()
    return name if name in ("timebank", "aquaint") else "timeml"


def _detect_file(path: Path) -> tuple[str, Path] | None:
    name = path.name.lower()
    if name == "wiktor_gold.txt" and (path.parent / "texts").is_dir():
        return "wiktor", path.parent
    if name == "gwn.xml":
        return "gwn", path
    if name == "tr-news.xml":
        return "tr-news", path
    if name.endswith((".xml", ".tml")):
        head = _head(path)
        if "<TimeML" in head or name.endswith(".tml"):
            return _timeml_kind(path.parent), path
        if "<extractedName" in head:
            return "gwn", path
        if "<phrase" in head or "<article" in head and "<toponyms" in head:
            return ("tr-news" if re.sub(r"[^a-z]", "", name).startswith("trnews") else "lgl",
                    path)
        return None
    if name.endswith((".tsv", ".txt", ".csv")):
        first = _head(path, 4096).split("\n", 1)[0]
        if "tweet_text" in first and "char_position" in first:
            return "geocorpora", path
    return None


def _detect_dir(folder: Path) -> tuple[str, Path] | None:
    for fname, kind in (("TR-News.xml", "tr-news"), ("GWN.xml", "gwn")):
        if (folder / fname).is_file():
            return kind, folder / fname
    if (folder / "WikToR_gold.txt").is_file() and (folder / "texts").is_dir():
        return "wiktor", folder
    tsvs = [hit for f in sorted(folder.glob("*.tsv")) if (hit := _detect_file(f))]
    if len(tsvs) == 1:
        return tsvs[0]
    if any(folder.glob("*.tml")):
        return _timeml_kind(folder), folder
    return None


def find_corpora(root: str | Path, *, depth: int = 3) -> list[tuple[str, Path]]:
    """Every corpus at or under ``root`` (folders searched ``depth`` levels down), as
    ``(kind, path)`` pairs sorted by path; ``path`` is what :func:`load` accepts."""
    root = Path(root)
    if root.is_file():
        hit = _detect_file(root)
        return [hit] if hit else []
    found: list[tuple[str, Path]] = []

    def walk(folder: Path, level: int) -> None:
        hit = _detect_dir(folder)
        if hit:
            found.append(hit)
            return
        if level >= depth:
            return
        try:
            children = sorted(p for p in folder.iterdir() if p.is_dir())
        except OSError:
            return
        for child in children:
            walk(child, level + 1)

    if root.is_dir():
        walk(root, 0)
    return sorted(found, key=lambda kp: str(kp[1]))


def detect(path: str | Path) -> tuple[str, Path]:
    """The corpus kind at ``path`` and the file or folder to read. Raises InputError."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder; understood: {_UNDERSTOOD}")
    hit = _detect_file(p) if p.is_file() else _detect_dir(p)
    if hit:
        return hit
    if p.is_dir():
        many = find_corpora(p)
        if len(many) == 1:
            return many[0]
        if many:
            listed = ", ".join(f"{k} ({q})" for k, q in many)
            raise InputError(f"{p} holds several corpora: {listed}; pass one of them")
    raise InputError(f"{p}: not a corpus this reader knows; understood: {_UNDERSTOOD}")


def read_corpus(path: str | Path, *, recognition: bool = False
                ) -> tuple[str, list[GoldDoc] | list[TimeDoc], ReadStats]:
    """Detect and read a corpus: ``(kind, docs, stats)``.

    ``recognition=True`` selects the recognition gold set where it differs from the resolution
    set (GeoWebNews toponym types, TR-News toponyms without coordinates).
    """
    kind, target = detect(path)
    stats = ReadStats()
    docs: list[GoldDoc] | list[TimeDoc]
    if kind in ("tr-news", "lgl"):
        docs = read_lgl_xml(target, recognition=recognition, corpus=kind, stats=stats)
    elif kind == "gwn":
        docs = read_gwn_xml(target, recognition=recognition, stats=stats)
    elif kind == "wiktor":
        docs = read_wiktor(target, stats=stats)
    elif kind == "geocorpora":
        docs = read_geocorpora(target, stats=stats)
    else:
        docs = read_timeml(target, stats=stats)
    return kind, docs, stats


def load(path: str | Path, *, recognition: bool = False
         ) -> tuple[str, list[GoldDoc] | list[TimeDoc]]:
    """Detect and read a corpus: ``(kind, docs)``; kind is one of :data:`KINDS`.

    ``path`` may be a corpus folder (``.../TR-News``, ``.../GeoWebNews``, ``.../WikToR``,
    ``.../GeoCorpora``, a folder of ``.tml`` files) or file (``TR-News.xml``, ``GWN.xml``, the
    GeoCorpora ``.tsv``, one ``.tml``). A folder holding several corpora, or anything else,
    raises :class:`~geomap.errors.InputError` with a one-line message.
    """
    kind, docs, _ = read_corpus(path, recognition=recognition)
    return kind, docs


def iter_toponyms(docs: Iterable[GoldDoc]) -> Iterator[tuple[GoldDoc, GoldToponym]]:
    """Every (document, toponym) pair, in document order."""
    for doc in docs:
        for top in doc.toponyms:
            yield doc, top
