"""geomap.dates: tables of hand-written sentences, and properties that hold for any text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap import dates
from geomap.dates import WEEKDAYS, find_dates, normalise, weekday_year
from geomap.model import PRECISIONS

D = dt.date
WED = D(2021, 11, 17)  # a Wednesday
FRI = D(2020, 11, 20)  # a Friday

# sentence, document date, expected text, start, end, precision
FOUND = [
    ("Lavrov spoke to reporters on Nov. 19 about the talks.", FRI, "Nov. 19", D(2020, 11, 19), D(2020, 11, 19), "day"),
    ("The offensive began on Sept. 27 at dawn.", FRI, "Sept. 27", D(2020, 9, 27), D(2020, 9, 27), "day"),
    ("Shelling resumed on 27 September 2020 near the town.", None, "27 September 2020", D(2020, 9, 27), D(2020, 9, 27), "day"),
    ("Shelling resumed on September 27, 2020, near the town.", None, "September 27, 2020", D(2020, 9, 27), D(2020, 9, 27), "day"),
    ("The memo is dated 2020-11-20 and signed.", None, "2020-11-20", D(2020, 11, 20), D(2020, 11, 20), "day"),
    ("Officials signed it on 17.11.2021 in the capital.", None, "17.11.2021", WED, WED, "day"),
    ("Most troops withdrew in July 2020.", None, "July 2020", D(2020, 7, 1), D(2020, 7, 31), "month"),
    ("The first clashes broke out in 1988.", None, "1988", D(1988, 1, 1), D(1988, 12, 31), "year"),
    ("The 2020 war displaced thousands.", None, "2020", D(2020, 1, 1), D(2020, 12, 31), "year"),
    ("The area has been disputed since 1988.", WED, "since 1988", D(1988, 1, 1), WED, "interval"),
    ("The ministers met on Tuesday in Brussels.", WED, "Tuesday", D(2021, 11, 16), D(2021, 11, 16), "day"),
    ("The ministers met on Wednesday in Brussels.", WED, "Wednesday", WED, WED, "day"),
    ("The ministers met on Thursday in Brussels.", WED, "Thursday", D(2021, 11, 11), D(2021, 11, 11), "day"),
    ("The ministers will meet on Friday in Brussels.", WED, "Friday", D(2021, 11, 19), D(2021, 11, 19), "day"),
    ("The convoy left last Wednesday.", WED, "last Wednesday", D(2021, 11, 10), D(2021, 11, 10), "day"),
    ("Officials said yesterday that the road had reopened.", WED, "yesterday", D(2021, 11, 16), D(2021, 11, 16), "day"),
    ("Two soldiers were hurt today.", WED, "today", WED, WED, "day"),
    ("Drills were held last week near the border.", WED, "last week", D(2021, 11, 8), D(2021, 11, 14), "interval"),
    ("Exports of grain rose sharply this year.", WED, "this year", D(2021, 1, 1), D(2021, 12, 31), "year"),
    ("Prices fell last month.", WED, "last month", D(2021, 10, 1), D(2021, 10, 31), "month"),
    ("Fighting raged from 27 September to 10 November, officials said.", FRI,
     "from 27 September to 10 November", D(2020, 9, 27), D(2020, 11, 10), "interval"),
    ("Fighting raged between 27 September and 10 November 2020.", WED,
     "between 27 September and 10 November 2020", D(2020, 9, 27), D(2020, 11, 10), "interval"),
    ("Observers stayed from 28 December to 3 January 2021.", None,
     "from 28 December to 3 January 2021", D(2020, 12, 28), D(2021, 1, 3), "interval"),
    ("Shelling was heard on 27-29 September 2020.", None, "27-29 September 2020", D(2020, 9, 27), D(2020, 9, 29), "interval"),
    ("Shelling was heard on September 27–29, 2020.", None, "September 27–29, 2020", D(2020, 9, 27), D(2020, 9, 29), "interval"),
    ("Talks are planned for early December.", WED, "early December", D(2021, 12, 1), D(2021, 12, 10), "interval"),
    ("A vote is expected by mid-2021.", None, "mid-2021", D(2021, 5, 1), D(2021, 8, 31), "interval"),
    ("Late last year the border was closed.", WED, "Late last year", D(2020, 9, 1), D(2020, 12, 31), "interval"),
    ("The drought of 2009-2010 hit farmers.", None, "2009-2010", D(2009, 1, 1), D(2010, 12, 31), "interval"),
    ("Between 1988 and 1994 many villages emptied.", None, "Between 1988 and 1994", D(1988, 1, 1), D(1994, 12, 31), "interval"),
    ("Refugees returned in the early 1990s.", None, "the early 1990s", D(1990, 1, 1), D(1992, 12, 31), "interval"),
    ("Monitors counted 52 violations over the last month.", WED, "over the last month", D(2021, 10, 17), WED, "interval"),
    ("Convoys will run over the next two weeks.", WED, "over the next two weeks", WED, D(2021, 12, 1), "interval"),
    ("The leaders will meet in June.", WED, "June", D(2022, 6, 1), D(2022, 6, 30), "month"),
    ("The leaders met in June.", WED, "June", D(2021, 6, 1), D(2021, 6, 30), "month"),
    ("The report came out on December 28.", D(2021, 1, 5), "December 28", D(2020, 12, 28), D(2020, 12, 28), "day"),
    ("The ceasefire took hold at 00:00 hours on 10 November 2020.", None, "10 November 2020", D(2020, 11, 10), D(2020, 11, 10), "day"),
    ("Aid arrived two days after 9 November.", FRI, "two days after 9 November", D(2020, 11, 11), D(2020, 11, 11), "day"),
    ("Talks took place in February this year.", WED, "February this year", D(2021, 2, 1), D(2021, 2, 28), "month"),
    ("A bridge was blown up three months ago.", WED, "three months ago", D(2021, 8, 1), D(2021, 8, 31), "month"),
    ("Harvest suffered in the summer of 2020.", None, "the summer of 2020", D(2020, 6, 1), D(2020, 8, 31), "interval"),
    ("Output fell in Q3 2021.", None, "Q3 2021", D(2021, 7, 1), D(2021, 9, 30), "interval"),
    ("Spending for fiscal year 2021 rose.", None, "fiscal year 2021", D(2021, 1, 1), D(2021, 12, 31), "year"),
    ("They met on Tuesday, November 16, in Geneva.", WED, "Tuesday, November 16", D(2021, 11, 16), D(2021, 11, 16), "day"),
    ("Talks resumed last February.", WED, "last February", D(2021, 2, 1), D(2021, 2, 28), "month"),
    ("Elections are due next April.", WED, "next April", D(2022, 4, 1), D(2022, 4, 30), "month"),
    ("The road will reopen at the end of the month.", WED, "the end of the month", D(2021, 11, 21), D(2021, 11, 30), "interval"),
    ("Most attacks came in the first week of November.", WED, "the first week of November", D(2021, 11, 1), D(2021, 11, 7), "interval"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "published", "text", "start", "end", "precision"), FOUND)
def test_found(
    sentence: str,
    published: dt.date | None,
    text: str,
    start: dt.date,
    end: dt.date,
    precision: str,
) -> None:
    found, _ = find_dates(sentence, published=published)
    assert [s.text for s in found] == [text]
    span = found[0]
    assert (span.start, span.end, span.precision) == (start, end, precision)
    assert sentence[span.char_start : span.char_end] == text


# sentence, document date, expected text, words the reason contains
UNREAD = [
    ("Fighting went on for over a month.", FRI, "over a month", "duration"),
    ("Talks continued for three weeks.", FRI, "for three weeks", "duration"),
    ("Protests resumed the day after the statement.", FRI, "the day after the statement", "another event"),
    ("In the following days, convoys crossed the bridge.", FRI, "In the following days", "another event"),
    ("Two days later the road reopened.", FRI, "Two days later", "another event"),
    ("The next few days will be decisive.", FRI, "The next few days", "vague"),
    ("Shelling has intensified in recent days.", FRI, "in recent days", "vague"),
    ("Shelling was heard yesterday.", None, "yesterday", "no document date"),
    ("The convoy left on Monday.", None, "Monday", "no document date"),
    ("The talks began on 4 March.", None, "4 March", "no year"),
    ("He met the envoys on 30 February 2021.", None, "30 February 2021", "no such date"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "published", "text", "why"), UNREAD)
def test_unread(sentence: str, published: dt.date | None, text: str, why: str) -> None:
    found, unread = find_dates(sentence, published=published)
    assert found == []
    assert [u.text for u in unread] == [text]
    assert why in unread[0].why
    assert sentence[unread[0].char_start : unread[0].char_end] == text


@pytest.mark.parametrize(
    "sentence",
    [
        "The brigade has 2000 soldiers on the line.",
        "It may rain before the meeting.",
        "Twice a week a convoy passes the checkpoint.",
        "A 45-year-old man was hurt.",
        "The Sunday Times reported the story.",
        "Prices may fall further.",
        "Between 2000 and 3000 people marched.",
        "The financial crisis deepened.",
        "Jan Kavan spoke to reporters.",
        "The talks lasted until 11 p.m. and resumed at 09:30.",
    ],
)
def test_not_dates(sentence: str) -> None:
    assert find_dates(sentence, published=WED) == ([], [])


def test_weekday_equal_to_publication_day_is_the_publication_day() -> None:
    """The known baseline bug: 'prefer past' pushed a same-weekday mention a week back."""
    for offset in range(7):
        doc = WED + dt.timedelta(days=offset)
        name = WEEKDAYS[doc.weekday()]
        (span,), _ = find_dates(f"Officials spoke on {name}.", published=doc)
        assert span.start == doc
        assert "itself" in span.note


def test_notes_say_how_relative_dates_were_read() -> None:
    found, _ = find_dates("They met on Tuesday and in March.", published=WED)
    assert [s.note for s in found] == [
        "weekday: the Tuesday before the document date 2021-11-17",
        "year taken from the document date 2021-11-17",
    ]
    (span,), _ = find_dates("The war began on September 27, 2020.", published=WED)
    assert span.note == ""


def test_year_reused_from_the_same_date_written_in_full() -> None:
    text = "The war began on September 27, 2020. On September 27 a curfew was declared."
    found, _ = find_dates(text, published=WED)
    assert [s.start for s in found] == [D(2020, 9, 27), D(2020, 9, 27)]
    assert "elsewhere in the text" in found[1].note


def test_list_shares_its_year() -> None:
    found, _ = find_dates(
        "Strikes hit the town on 27 September and 10 November 2020.", published=WED
    )
    assert [(s.text, s.start) for s in found] == [
        ("27 September", D(2020, 9, 27)),
        ("10 November 2020", D(2020, 11, 10)),
    ]


def test_since_without_document_date_is_open() -> None:
    (span,), _ = find_dates("Disputed since 1988.", published=None)
    assert (span.start, span.end, span.precision) == (D(1988, 1, 1), None, "interval")


# --------------------------------------------------------------------------- spaCy spans


def test_spacy_spans_add_what_the_regexes_missed() -> None:
    text = (
        "Troops moved on November 9 and again at the weekend; 2020 was hard, recently and annually."
    )
    spans = [
        (text.index("November 9"), text.index(" and again")),
        (text.index("the weekend"), text.index(";")),
        (text.index("2020"), text.index("2020") + 4),
        (text.index("recently"), text.index("recently") + 8),
        (text.index("annually"), text.index("annually") + 8),
    ]
    found, unread = find_dates(text, published=WED, spans=spans)
    assert [(s.text, s.start) for s in found] == [
        ("November 9", D(2021, 11, 9)),
        ("2020", D(2020, 1, 1)),
    ]
    assert {u.text: u.why for u in unread} == {
        "the weekend": "not understood as a date",
        "recently": "vague time reference",
        "annually": "recurring (a frequency), not a date",
    }


def test_spacy_spans_out_of_range_are_ignored() -> None:
    found, unread = find_dates("On 9 May.", published=WED, spans=[(-5, 2), (40, 50), (3, 3)])
    assert [s.text for s in found] == ["9 May"]
    assert unread == []


# --------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("expr", "start", "end", "precision"),
    [
        ("July 2020", D(2020, 7, 1), D(2020, 7, 31), "month"),
        ("2020", D(2020, 1, 1), D(2020, 12, 31), "year"),
        ("November", D(2021, 11, 1), D(2021, 11, 30), "month"),
        ("the night of November 9", D(2021, 11, 9), D(2021, 11, 9), "day"),
        ("Nov 9th, 2020 at noon", D(2020, 11, 9), D(2020, 11, 9), "day"),
        ("last week", D(2021, 11, 8), D(2021, 11, 14), "interval"),
    ],
)
def test_normalise(expr: str, start: dt.date, end: dt.date, precision: str) -> None:
    span = normalise(expr, published=WED)
    assert span is not None
    assert (span.start, span.end, span.precision) == (start, end, precision)


@pytest.mark.parametrize(
    "expr", ["over a month", "the day after the statement", "45 years old", "", "the 9th"]
)
def test_normalise_refuses(expr: str) -> None:
    assert normalise(expr, published=WED) is None


# --------------------------------------------------------------------------- weekday_year


def test_weekday_year() -> None:
    assert weekday_year(11, 17, 2, candidates=range(2019, 2023)) == 2021  # Wednesday
    assert weekday_year(11, 17, 1, candidates=[2019, 2020, 2021]) == 2020  # Tuesday
    assert weekday_year(11, 17, 5, candidates=[2020, 2021]) is None
    assert weekday_year(2, 29, 5, candidates=[2019, 2020, 2021]) == 2020  # 2020-02-29, Saturday
    assert weekday_year(2, 30, 0, candidates=range(2000, 2030)) is None


# --------------------------------------------------------------------------- properties

_published = st.one_of(st.none(), st.dates())
_FRAGMENTS = [
    "on Tuesday", " 9 Nov. ", "2020-11-", "since 19", "from 27 September to", "last ", "week",
    " and ", "-", "mid-", "early ", "1990s", "ago", "the following days", " 31 ", "February",
    "next year", ", 2020", "Q4 ", "fiscal year ", "the day after", "The ", "over a ", "month",
]  # fmt: skip
_datey = st.sampled_from(_FRAGMENTS)
_texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_datey, st.text(max_size=8)), max_size=25).map("".join),
)


@settings(max_examples=200, deadline=None)
@given(text=_texts, published=_published)
def test_any_text_gives_consistent_spans(text: str, published: dt.date | None) -> None:
    found, unread = find_dates(text, published=published)
    for s in found:
        assert s.precision in PRECISIONS
        assert 0 <= s.char_start < s.char_end <= len(text)
        assert text[s.char_start : s.char_end] == s.text
        if s.start is not None and s.end is not None:
            assert s.start <= s.end
    for u in unread:
        assert 0 <= u.char_start < u.char_end <= len(text)
        assert text[u.char_start : u.char_end] == u.text
        assert u.why
    starts = [s.char_start for s in found]
    assert starts == sorted(starts)


@settings(max_examples=100, deadline=None)
@given(
    text=_texts,
    published=_published,
    spans=st.lists(st.tuples(st.integers(-5, 400), st.integers(-5, 400)), max_size=4),
)
def test_any_spacy_spans_are_handled(
    text: str, published: dt.date | None, spans: list[tuple[int, int]]
) -> None:
    found, unread = find_dates(text, published=published, spans=spans)
    for s in found:
        assert text[s.char_start : s.char_end] == s.text
    for u in unread:
        assert text[u.char_start : u.char_end] == u.text


_FORMATS = (
    "{d} {B} {Y}",
    "{B} {d}, {Y}",
    "{b}. {d}, {Y}",
    "{Y}-{m:02d}-{d:02d}",
    "{d:02d}.{m:02d}.{Y}",
)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(D(1900, 1, 1), D(2099, 12, 31)), fmt=st.sampled_from(_FORMATS))
def test_written_dates_read_back(day: dt.date, fmt: str) -> None:
    month = day.strftime("%B")
    abbr = "Sept" if day.month == 9 else month[:3]
    expr = fmt.format(d=day.day, m=day.month, Y=day.year, B=month, b=abbr)
    if abbr == "May":
        expr = expr.replace("May.", "May")
    span = normalise(expr, published=None)
    assert span is not None, expr
    assert (span.start, span.end, span.precision) == (day, day, "day")


@settings(max_examples=100, deadline=None)
@given(doc=st.dates(D(1900, 1, 8), D(2099, 12, 24)), weekday=st.integers(0, 6))
def test_weekday_is_within_the_week_before(doc: dt.date, weekday: int) -> None:
    (span,), _ = find_dates(f"They met on {WEEKDAYS[weekday]}.", published=doc)
    assert span.start is not None
    assert span.start.weekday() == weekday
    assert 0 <= (doc - span.start).days <= 6


def _every_pattern_everywhere(text: str) -> list[tuple[int, int, str]]:
    """The slow reference for the scanner: every atom at every word start, longest wins."""
    found: list[tuple[int, int, str]] = []
    pos = 0
    for start in (m.start() for m in re.finditer(r"(?<![\w'’])[\w']", text)):
        if start < pos:
            continue
        best: tuple[int, int, str] | None = None
        for kind, pattern in dates._ATOMS:
            m = pattern.match(text, start)
            if m is not None and m.end() > start and (best is None or m.end() > best[1]):
                best = (start, m.end(), kind)
        if best is not None:
            found.append(best)
            pos = best[1]
    return found


_WORDS = [
    *_FRAGMENTS,
    " ",
    "the ",
    "a ",
    "in ",
    "for ",
    "more than ",
    "2021",
    " 12 ",
    "late-",
    "'90s",
]


@settings(max_examples=150, deadline=None)
@given(text=st.lists(st.sampled_from(_WORDS), max_size=20).map("".join))
def test_scanner_shortcuts_miss_nothing(text: str) -> None:
    """Starter words, the anchor window and look-ahead only skip positions where nothing matches."""
    assert [(a.start, a.end, a.kind) for a in dates._scan(text)] == _every_pattern_everywhere(text)
