"""Tests for geomap.corpora.

The fixtures in tests/data/corpora are tiny invented documents in each corpus format, with the
known quirks reproduced on purpose. The tests at the bottom read the real development corpora
when they are present (GEOMAP_EVAL_DATA or /work/shared/eval/data) and check the counts that
CORPORA.md documents.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from geomap.corpora import (
    GoldDoc,
    GoldTimex,
    GoldToponym,
    ReadStats,
    TimeDoc,
    detect,
    find_corpora,
    load,
    nearest_occurrence,
    parse_loose_date,
    read_corpus,
    read_geocorpora,
    read_gwn_xml,
    read_lgl_xml,
    read_timeml,
    read_wiktor,
)
from geomap.errors import InputError

FIX = Path(__file__).parent / "data" / "corpora"
REAL = Path(os.environ.get("GEOMAP_EVAL_DATA", "/work/shared/eval/data"))


def geo(docs: list[GoldDoc] | list[TimeDoc]) -> list[GoldDoc]:
    out = [d for d in docs if isinstance(d, GoldDoc)]
    assert len(out) == len(docs)
    return out


def timeml(docs: list[GoldDoc] | list[TimeDoc]) -> list[TimeDoc]:
    out = [d for d in docs if isinstance(d, TimeDoc)]
    assert len(out) == len(docs)
    return out


def assert_aligned(docs: list[GoldDoc], allowed: int = 0) -> None:
    bad = [(d.id, t) for d in docs for t in d.toponyms if d.text[t.start:t.end] != t.text]
    assert len(bad) <= allowed, bad[:5]
    for d in docs:
        assert list(d.toponyms) == sorted(d.toponyms, key=lambda t: (t.start, t.end))


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-12-19", dt.date(2016, 12, 19)),
        ("2009-03-25 00:26:04.358077-05", dt.date(2009, 3, 25)),
        ("7:58 AM ET, Sat January 3, 2015", dt.date(2015, 1, 3)),
        ("Wed Nov 23, 2016 | 4:58pm EST", dt.date(2016, 11, 23)),
        ("24 November 2016", dt.date(2016, 11, 24)),
        ("2016 Oct 10", dt.date(2016, 10, 10)),
        ("Dec 16 2016", dt.date(2016, 12, 16)),
        ("June 27, 2016 15:41:4", dt.date(2016, 6, 27)),
        ("Nov. 22, 2015 MST", dt.date(2015, 11, 22)),
        ("APRIL 26, 2016 - 12:25AM EDT", dt.date(2016, 4, 26)),
        ("9 Oct 2012, 7:43am EDT", dt.date(2012, 10, 9)),
        ("8:56 AM, Dec 08, 2016 CT", dt.date(2016, 12, 8)),
        ("11/28/2016", dt.date(2016, 11, 28)),
        ("December 17, 2016 4:45:51 EST PM", dt.date(2016, 12, 17)),
        ("December 9th 2016", dt.date(2016, 12, 9)),
        ("Wed Jan 21 15:05:45 +0000 2015", dt.date(2015, 1, 21)),
        ("", None),
        (None, None),
        ("December 2016", None),
        ("2016", None),
        ("February 30, 2016", None),
    ],
)
def test_parse_loose_date(value: str | None, expected: dt.date | None) -> None:
    assert parse_loose_date(value) == expected


def test_nearest_occurrence() -> None:
    text = "Lyon and Lyonnais and Lyon again, Lyon"
    assert nearest_occurrence(text, "Lyon", 10) == 0  # not inside "Lyonnais"
    assert nearest_occurrence(text, "Lyon", 20) == 22
    assert nearest_occurrence(text, "Lyon", 20, taken=[(22, 26)]) == 34
    assert nearest_occurrence(text, "Lyon", -40) == 0
    assert nearest_occurrence(text, "Paris", 3) is None
    assert nearest_occurrence(text, "", 3) is None
    # equal distance: the earlier occurrence
    assert nearest_occurrence("ab x ab", "ab", 2) == 0


def test_read_stats_add_and_summary() -> None:
    a = ReadStats(docs=1, annotations=2, realigned=1)
    b = ReadStats(docs=2, annotations=3, dropped=1)
    total = a + b
    assert (total.docs, total.annotations, total.realigned, total.dropped) == (3, 5, 1, 1)
    assert total.summary() == "3 docs, 5 annotations, 1 realigned, 0 unaligned, 1 dropped"


# ----------------------------------------------------------------------------------------
# Readers on invented fixtures
# ----------------------------------------------------------------------------------------
def test_read_lgl_xml_resolution() -> None:
    stats = ReadStats()
    docs = read_lgl_xml(FIX / "TR-News" / "TR-News.xml", stats=stats)
    assert [d.id for d in docs] == ["trnews-9000001", "trnews-9000002"]
    assert all(d.corpus == "tr-news" for d in docs)
    assert docs[0].published == dt.date(2015, 1, 3)
    assert docs[1].published is None  # empty dltime
    assert_aligned(docs)
    names = [t.text for t in docs[0].toponyms]
    assert names == ["Halifax", "Saint John", "Nova Scotia", "New Brunswick", "Kenyan"]
    kenyan = docs[0].toponyms[-1]
    assert (kenyan.end - kenyan.start, kenyan.geonameid, kenyan.kind) == (6, 192950, "PCLI")
    assert (kenyan.lat, kenyan.lon) == (1.0, 38.0)
    # drifted Saint John / Nova Scotia and the short Kenyan span were realigned
    assert (stats.mismatched, stats.realigned, stats.unaligned) == (3, 3, 0)
    assert (stats.docs, stats.annotations, stats.skipped) == (2, 8, 1)
    assert [t.text for t in docs[1].toponyms] == ["Lethbridge", "Lethbridge", "Calgary"]


def test_read_lgl_xml_recognition_keeps_toponyms_without_coordinates() -> None:
    docs = read_lgl_xml(FIX / "TR-News" / "TR-News.xml", recognition=True)
    street = docs[0].toponyms[-1]
    assert street == GoldToponym(street.start, street.end, "Water Street", None, None, None, "")
    assert sum(len(d.toponyms) for d in docs) == 9


def test_read_gwn_xml_resolution() -> None:
    stats = ReadStats()
    docs = read_gwn_xml(FIX / "GeoWebNews" / "GWN.xml", stats=stats)
    assert [d.id for d in docs] == ["gwn-7", "gwn-8"]
    assert_aligned(docs)
    doc = docs[0]
    # sorted; only annotations with coordinates; the stale negative-offset Lyon lands on its
    # twin (a duplicate, as in the real gwn-123), never inside "Lyonnais"
    assert [(t.start, t.text, t.kind) for t in doc.toponyms] == [
        (19, "Lyon", "Literal"), (19, "Lyon", "Literal"), (41, "Lyonnais", "Embedded_Non_Lit"),
        (85, "Paris", "Metonymic"), (150, "Lyon", "Literal")]
    assert doc.toponyms[3].geonameid == 2988507
    assert (stats.realigned, stats.duplicates, stats.dropped) == (1, 1, 0)
    assert docs[1].toponyms[0].kind == "Literal_Modifier"


def test_read_gwn_xml_recognition_types() -> None:
    docs = read_gwn_xml(FIX / "GeoWebNews" / "GWN.xml", recognition=True)
    kinds = {t.kind for d in docs for t in d.toponyms}
    assert kinds == {"Literal", "Embedded_Non_Lit", "Metonymic", "Literal_Modifier", "Coercion"}
    festival = docs[1].toponyms[0]
    assert (festival.text, festival.kind, festival.lat) == ("Cork Jazz Festival", "Coercion", None)


def test_read_wiktor() -> None:
    stats = ReadStats()
    docs = read_wiktor(FIX / "WikToR", stats=stats)
    assert [d.id for d in docs] == ["wiktor-0", "wiktor-1", "wiktor-2"]
    assert_aligned(docs)
    assert [len(d.toponyms) for d in docs] == [2, 2, 0]
    top = docs[1].toponyms[1]
    assert (top.text, top.lat, top.lon, top.geonameid) == ("Springfield", 42.83, -74.86, None)
    assert (stats.docs, stats.annotations) == (3, 4)
    # the gold file itself is accepted too
    assert len(read_wiktor(FIX / "WikToR" / "WikToR_gold.txt")) == 3


def test_read_geocorpora() -> None:
    stats = ReadStats()
    docs = read_geocorpora(FIX / "GeoCorpora" / "geocorpora_tiny.tsv", stats=stats)
    assert [d.id for d in docs] == ["geocorpora-100", "geocorpora-200", "geocorpora-300",
                                    "geocorpora-400"]
    assert_aligned(docs)
    chennai, bogota, empty, iguacu = docs
    assert chennai.text.startswith("Storm & floods")  # HTML unescaped
    assert [t.text for t in chennai.toponyms] == ["Chennai", "Chennai", "chennai"]
    assert chennai.published == dt.date(2014, 12, 1)
    assert bogota.text == '"Quoted" tweet\nabout Bogotá and Cancún'  # CSV quoting undone
    assert [t.text for t in bogota.toponyms] == ["Bogotá", "Cancún"]  # mojibake, quotes
    assert bogota.published == dt.date(2015, 1, 5)  # 23:59 at UTC-5 is the next UTC day
    assert empty.toponyms == ()
    assert [t.text for t in iguacu.toponyms] == ["Iguaçu Falls"]  # '?' lost letters
    assert iguacu.toponyms[0].geonameid == 3461465
    assert (stats.annotations, stats.realigned, stats.unaligned, stats.repaired_names) == (
        6, 2, 0, 4)


def test_read_timeml() -> None:
    stats = ReadStats()
    docs = read_timeml(FIX / "temporal" / "TimeBank", stats=stats)
    assert [d.id for d in docs] == ["INV0001", "INV0002"]
    doc = docs[0]
    assert doc.dct == dt.date(1998, 2, 6)
    assert doc.text.startswith("\nThe council met today")
    assert "&amp;" not in doc.text and " & " in doc.text
    assert doc.timexes == (
        GoldTimex(17, 22, "today", "DATE", "1998-02-06"),
        GoldTimex(27, 38, "three hours", "DURATION", "PT3H"),
        GoldTimex(61, 79, "the second quarter", "DATE", "1998-Q2"),
        GoldTimex(82, 85, "Now", "DATE", "PRESENT_REF"),
    )
    assert all(doc.text[t.start:t.end] == t.text for t in doc.timexes)
    assert docs[1].dct == dt.date(1997, 10, 8)  # DCT with a time of day
    assert (stats.docs, stats.annotations) == (2, 5)
    one = read_timeml(FIX / "temporal" / "AQUAINT" / "inv0003.tml")
    assert isinstance(one[0], TimeDoc) and one[0].timexes == ()


# ----------------------------------------------------------------------------------------
# Detection
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("TR-News", "tr-news"),
        ("TR-News/TR-News.xml", "tr-news"),
        ("GeoWebNews", "gwn"),
        ("GeoWebNews/GWN.xml", "gwn"),
        ("WikToR", "wiktor"),
        ("WikToR/WikToR_gold.txt", "wiktor"),
        ("GeoCorpora", "geocorpora"),
        ("GeoCorpora/geocorpora_tiny.tsv", "geocorpora"),
        ("temporal/TimeBank", "timebank"),
        ("temporal/TimeBank/inv0001.tml", "timebank"),
        ("temporal/AQUAINT", "aquaint"),
    ],
)
def test_load_detects_kind(path: str, kind: str) -> None:
    got, docs = load(FIX / path)
    assert got == kind
    assert docs
    assert all(isinstance(d, TimeDoc if kind in ("timebank", "aquaint") else GoldDoc)
               for d in docs)


def test_find_corpora_and_ambiguous_folder() -> None:
    found = find_corpora(FIX)
    assert sorted(k for k, _ in found) == ["aquaint", "geocorpora", "gwn", "timebank",
                                           "tr-news", "wiktor"]
    for kind, path in found:
        assert detect(path)[0] == kind
    with pytest.raises(InputError, match="several corpora") as err:
        load(FIX)
    assert "\n" not in str(err.value)
    # one level down, a folder holding only the TimeML corpora is ambiguous too
    with pytest.raises(InputError, match="aquaint.*timebank"):
        load(FIX / "temporal")


def test_read_corpus_returns_stats() -> None:
    kind, docs, stats = read_corpus(FIX / "GeoWebNews", recognition=True)
    assert kind == "gwn" and stats.docs == len(docs) == 2
    assert stats.annotations == sum(len(d.toponyms) for d in geo(docs))


def test_load_unknown_and_missing(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("just text\n", encoding="utf-8")
    for bad in (other, tmp_path, tmp_path / "missing.xml"):
        with pytest.raises(InputError) as err:
            load(bad)
        message = str(err.value)
        assert "\n" not in message and "GeoWebNews" in message and "TimeML" in message
    broken = tmp_path / "GWN.xml"
    broken.write_text("<articles><article>", encoding="utf-8")
    with pytest.raises(InputError, match="not well-formed"):
        load(broken)


def test_records_are_frozen() -> None:
    top = GoldToponym(0, 4, "Lyon", 45.7, 4.8, 2996944)
    with pytest.raises(AttributeError):
        top.start = 1  # type: ignore[misc]
    assert top.kind == ""
    doc = GoldDoc("x", "Lyon", (top,))
    assert (doc.published, doc.corpus) == (None, "")


# ----------------------------------------------------------------------------------------
# Real corpora (skipped when the development data folder is absent)
# ----------------------------------------------------------------------------------------
needs_real = pytest.mark.skipif(
    not (REAL / "CORPORA.md").is_file(),
    reason=f"development corpora not found at {REAL} (set GEOMAP_EVAL_DATA to their folder)")


def _count(docs: list[GoldDoc]) -> int:
    return sum(len(d.toponyms) for d in docs)


@needs_real
def test_real_tr_news() -> None:
    kind, found, stats = read_corpus(REAL / "TR-News")
    docs = geo(found)
    assert kind == "tr-news"
    assert len(docs) == 118
    assert _count(docs) == 1275
    assert_aligned(docs)
    assert (stats.realigned, stats.unaligned, stats.dropped) == (116, 0, 0)
    assert sum(d.published is not None for d in docs) == 106
    _, rec, rstats = read_corpus(REAL / "TR-News" / "TR-News.xml", recognition=True)
    assert _count(geo(rec)) == 1319
    assert (rstats.mismatched, rstats.realigned) == (117, 117)


@needs_real
def test_real_gwn() -> None:
    kind, found, stats = read_corpus(REAL / "GeoWebNews")
    docs = geo(found)
    assert kind == "gwn" and len(docs) == 200
    assert _count(docs) == 2601
    assert sum(t.geonameid is not None for d in docs for t in d.toponyms) == 2401
    assert_aligned(docs)
    assert (stats.realigned, stats.unaligned, stats.duplicates) == (2, 0, 2)
    _, found, _ = read_corpus(REAL / "GeoWebNews" / "GWN.xml", recognition=True)
    rec = geo(found)
    assert _count(rec) == 2610
    kinds = {t.kind for d in rec for t in d.toponyms}
    assert kinds == {"Literal", "Literal_Modifier", "Mixed", "Coercion", "Embedded_Literal",
                     "Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit"}


@needs_real
def test_real_wiktor() -> None:
    kind, found = load(REAL / "WikToR")
    docs = geo(found)
    assert kind == "wiktor" and len(docs) == 5000
    assert _count(docs) == 25242
    assert_aligned(docs)


@needs_real
def test_real_geocorpora() -> None:
    kind, found, stats = read_corpus(REAL / "GeoCorpora")
    docs = geo(found)
    assert kind == "geocorpora" and len(docs) == 6648
    assert _count(docs) == 3100
    assert sum(bool(d.toponyms) for d in docs) == 2121
    # one name lost its letters to '?' in the file and cannot be placed
    assert stats.unaligned == 1 and stats.dropped == 0
    assert_aligned(docs, allowed=1)


@needs_real
@pytest.mark.parametrize(("folder", "kind", "n_docs", "n_timex"),
                         [("TimeBank", "timebank", 183, 1243), ("AQUAINT", "aquaint", 73, 579)])
def test_real_timeml(folder: str, kind: str, n_docs: int, n_timex: int) -> None:
    got, found = load(REAL / "temporal" / "TBAQ-cleaned" / folder)
    docs = timeml(found)
    assert got == kind and len(docs) == n_docs
    assert all(d.dct is not None for d in docs)
    assert sum(len(d.timexes) for d in docs) == n_timex
    for d in docs:
        assert all(d.text[t.start:t.end] == t.text for t in d.timexes)


@needs_real
def test_real_root_lists_every_corpus() -> None:
    kinds = sorted(k for k, _ in find_corpora(REAL))
    assert kinds == ["aquaint", "geocorpora", "gwn", "timebank", "tr-news", "wiktor"]
    with pytest.raises(InputError, match="several corpora"):
        load(REAL)
