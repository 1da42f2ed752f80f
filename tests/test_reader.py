"""geomap.reader: fixture files in tests/data/reader, plus small files written on the fly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.errors import InputError
from geomap.reader import RawDocument, read_documents

DATA = Path(__file__).parent / "data" / "reader"
READS = "geomap reads .txt .md .html .json .jsonl"


def read_one(path: Path | str, **kw: dt.date | None) -> RawDocument:
    docs, problems = read_documents([path], **kw)
    assert problems == []
    assert len(docs) == 1
    return docs[0]


def test_folder_is_read_in_order_and_problems_are_reported() -> None:
    docs, problems = read_documents([DATA])
    assert [d.id for d in docs] == [
        "articles#1", "articles#2", "bom", "cp1252", "dated_dateline", "dispatch_no_year",
        "feed#1", "feed#4", "header", "page", "reuters_latest_year", "utf16",
    ]  # fmt: skip
    assert problems == [
        f"skipped {DATA / 'binary.txt'}: binary file (NUL bytes at offset 11); {READS}",
        f"skipped {DATA / 'blank.md'}: only whitespace",
        f"skipped {DATA / 'empty.txt'}: empty file",
        f"skipped {DATA / 'feed.jsonl'}#2: invalid JSON: Unterminated string starting at (column 10)",
        f"skipped {DATA / 'feed.jsonl'}#3: no text (expected a non-empty 'text', 'body' or 'content' field)",
        f"skipped {DATA / 'ignored.csv'}: unsupported file type '.csv'; {READS}",
    ]
    for doc in docs:
        assert doc.text.strip()
        assert "\r" not in doc.text


# --------------------------------------------------------------------------- encodings


def test_utf8_bom_is_dropped() -> None:
    doc = read_one(DATA / "bom.txt")
    assert doc.encoding == "utf-8 (BOM)"
    assert doc.text.startswith("Date: 2021-03-04")
    assert doc.published == dt.date(2021, 3, 4)


def test_cp1252_is_detected() -> None:
    doc = read_one(DATA / "cp1252.txt")
    assert doc.encoding == "cp1252 (detected)"
    assert "minister’s “final” statement was read in a café near the square —" in doc.text


def test_utf16_with_bom() -> None:
    doc = read_one(DATA / "utf16.txt")
    assert doc.encoding == "utf-16"
    assert doc.text.startswith("TBILISI, 3 March 2021 — Officials")
    assert "«friendly»" in doc.text
    assert doc.published == dt.date(2021, 3, 3)


def test_utf16_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "plain16.txt"
    path.write_bytes("Envoys met in Baku on 9 November 2020 to sign the note.".encode("utf-16-le"))
    doc = read_one(path)
    assert doc.encoding == "utf-16 (no BOM)"
    assert doc.text.startswith("Envoys met in Baku")


def test_latin1_bytes_are_read(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(
        "Le ministre a déclaré que la réunion à Genève était « utile ».\n".encode("latin-1")
    )
    doc = read_one(path)
    assert "déclaré que la réunion à Genève" in doc.text
    assert doc.encoding.endswith("(detected)")


def test_crlf_newlines_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"First line.\r\nSecond line.\rThird line.\r\n")
    assert read_one(path).text == "First line.\nSecond line.\nThird line.\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl"]))
def test_any_bytes_give_documents_or_problems(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"any{suffix}"
        path.write_bytes(data)
        docs, problems = read_documents([path])
    assert docs or problems
    for doc in docs:
        assert doc.text.strip()
    for line in problems:
        assert "\n" not in line


def test_huge_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    paragraph = (
        "Convoys crossed the bridge on Tuesday while engineers cleared the road. " * 20 + "\n\n"
    )
    path.write_text(
        "BAKU, Nov. 10 (AP) — " + paragraph * (10_000_000 // len(paragraph)), encoding="utf-8"
    )
    doc = read_one(path)
    assert len(doc.text) > 9_900_000
    assert doc.published is not None  # from the file's modification time: the text names no year


# --------------------------------------------------------------------------- formats


def test_html_article_text_and_metadata() -> None:
    doc = read_one(DATA / "page.html")
    assert doc.text == (
        "Border talks resume after a tense week\n"
        "Negotiators from both sides met in a border town on Thursday, officials said.\n"
        "The meeting, the first since early November, lasted & ran four hours."
    )
    assert doc.title == "Border talks resume after a tense week"
    assert doc.url == "https://news.example.org/2021/11/border-talks"
    assert doc.publisher == "Example News"
    assert doc.published == dt.date(2021, 11, 18)
    assert "article:published_time" in doc.published_note


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<html><body><nav>Menu</nav><main><p>Main text here.</p></main><footer>Foot</footer></body></html>",
         "Main text here."),
        ("<html><body><div>One</div><div>Two <script>x()</script>three</div><aside>Side</aside></body></html>",
         "One\nTwo three"),
        ("<html><head><title>T</title><body><p>Unclosed head, still read.</p></body></html>",
         "Unclosed head, still read."),
        (("<html><body><article><p>Short.</p></article><article><p>The longer article wins here.</p>"
          "</article></body></html>"), "The longer article wins here."),
        ("<html><body><p>Line<br>break and <pre>kept\n  pre</pre></p></body></html>",
         "Line\nbreak and\nkept\npre"),
    ],
)  # fmt: skip
def test_html_extraction(tmp_path: Path, html: str, text: str) -> None:
    path = tmp_path / "page.htm"
    path.write_text(html, encoding="utf-8")
    assert read_one(path).text == text


def test_html_dates_from_time_and_json_ld(tmp_path: Path) -> None:
    path = tmp_path / "ld.html"
    path.write_text(
        '<html><head><title>Wire</title><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "Envoys meet", "datePublished": "2020-10-12T08:00:00Z",'
        ' "publisher": {"name": "Wire Three"}}</script></head>'
        '<body><p>Envoys met. <time datetime="2020-10-11">Sunday</time></p></body></html>',
        encoding="utf-8",
    )
    doc = read_one(path)
    assert (doc.published, doc.publisher, doc.title) == (
        dt.date(2020, 10, 12),
        "Wire Three",
        "Wire",
    )
    assert "JSON-LD" in doc.published_note


def test_json_list() -> None:
    docs, problems = read_documents([DATA / "articles.json"])
    assert problems == []
    first, second = docs
    assert (first.id, first.title, first.publisher, first.url) == (
        "articles#1", "Shelling reported near the border", "Wire One", "https://wire-one.example.com/a/1",
    )  # fmt: skip
    assert first.published == dt.date(2020, 10, 2)
    assert first.published_note == "from the JSON field 'publishedAt' (2020-10-02T08:00:00Z)"
    assert second.text == "Mediators called for restraint.\nThey will meet again in Geneva."
    assert (second.title, second.publisher, second.published) == (
        "Mediators call for restraint", "Daily Two", dt.date(2020, 10, 9),
    )  # fmt: skip


def test_jsonl_ids_are_line_numbers() -> None:
    docs, problems = read_documents([DATA / "feed.jsonl"])
    assert [(d.id, d.published) for d in docs] == [
        ("feed#1", dt.date(2020, 11, 10)),
        ("feed#4", dt.date(2020, 11, 11)),  # epoch seconds
    ]
    assert len(problems) == 2


def test_json_object_with_articles_key(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.json"
    path.write_text(
        '{"status": "ok", "articles": [{"content": "A.", "title": "B"}, 7]}', encoding="utf-8"
    )
    docs, problems = read_documents([path])
    assert [(d.id, d.text, d.title) for d in docs] == [("wrapped#1", "A.", "B")]
    assert problems == [f"skipped {path}#2: a JSON int, not an object"]


def test_broken_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"text": "unfinished', encoding="utf-8")
    docs, problems = read_documents([path])
    assert docs == []
    assert problems == [
        f"skipped {path}: invalid JSON: Unterminated string starting at (line 1, column 10)"
    ]


def test_markdown_heading_is_the_title() -> None:
    doc = read_one(DATA / "header.md")
    assert doc.title == "Ceasefire monitors arrive in the region"
    assert doc.published == dt.date(2020, 11, 20)
    assert doc.published_note == "from the header line 'Date: 20 November 2020'"
    assert doc.text.startswith("# Ceasefire monitors")  # text kept intact


# --------------------------------------------------------------------------- publication dates


def test_dateline_year_from_weekday_consistency() -> None:
    doc = read_one(DATA / "dispatch_no_year.txt")
    assert doc.published == dt.date(2021, 11, 17)
    assert doc.published_note == (
        "dateline 'November 17' + year 2021 from weekday consistency "
        "('on Wednesday' = 2021-11-17, 'on Tuesday' = 2021-11-16)"
    )
    assert doc.text.startswith("STOCKHOLM, November 17. /TASS/. The foreign")


def test_dateline_year_from_latest_year_mentioned() -> None:
    doc = read_one(DATA / "reuters_latest_year.txt")
    assert doc.published == dt.date(2020, 11, 9)
    assert (
        doc.published_note == "dateline 'Nov 9' + year 2020 from the latest year the text mentions"
    )


def test_dateline_with_year() -> None:
    doc = read_one(DATA / "dated_dateline.txt")
    assert (doc.published, doc.published_note) == (
        dt.date(2021, 11, 16),
        "from the dateline '16 November 2021'",
    )


def test_ap_dateline_with_country(tmp_path: Path) -> None:
    path = tmp_path / "ap.txt"
    path.write_text(
        "BAKU, Azerbaijan, Sept. 28 (AP) — Heavy fighting went on for a second day on Monday after "
        "clashes broke out on Sunday, officials said. The region has been disputed since the early 1990s "
        "and saw four days of fighting in April 2016 and a flare-up in July 2020.",
        encoding="utf-8",
    )
    doc = read_one(path)
    assert doc.published == dt.date(2020, 9, 28)
    assert doc.published_note.startswith("dateline 'Sept. 28' + year 2020 from weekday consistency")


def test_dateline_year_from_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "undated.txt"
    path.write_text(
        "GORIS, March 3 — Farmers returned to their fields, the mayor said.", encoding="utf-8"
    )
    stamp = dt.datetime(2019, 6, 1, 12).timestamp()
    os.utime(path, (stamp, stamp))
    doc = read_one(path)
    assert doc.published == dt.date(2019, 3, 3)
    assert doc.published_note == "dateline 'March 3' + year 2019 from the file's modification time"


def test_date_argument_wins() -> None:
    doc = read_one(DATA / "page.html", date=dt.date(2022, 1, 2))
    assert (doc.published, doc.published_note) == (
        dt.date(2022, 1, 2),
        "given explicitly (date argument)",
    )


def test_no_date_at_all(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("Envoys met and talked.\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.published is None
    assert doc.published_note.startswith("no publication date found")


# --------------------------------------------------------------------------- inputs


def test_glob_and_duplicates() -> None:
    docs, problems = read_documents([str(DATA / "*.json*"), DATA / "feed.jsonl"])
    assert [d.id for d in docs] == ["articles#1", "articles#2", "feed#1", "feed#4"]
    assert len(problems) == 2  # the two bad lines of feed.jsonl, reported once


def test_missing_inputs_are_reported(tmp_path: Path) -> None:
    docs, problems = read_documents([tmp_path / "nope.txt", str(tmp_path / "*.md")])
    assert docs == []
    assert problems == [
        f"skipped {tmp_path / 'nope.txt'}: no such file or folder",
        f"no files match '{tmp_path / '*.md'}'",
    ]


def test_no_inputs_is_an_error() -> None:
    with pytest.raises(InputError, match="no input given"):
        read_documents([])


def test_same_stem_gets_distinct_ids(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "story.txt").write_text(f"Text {sub}.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    docs, problems = read_documents(tmp_path)
    assert [(d.id, d.text) for d in docs] == [("story", "Text a."), ("story-2", "Text b.")]
    assert problems == []


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"MOSCOW, Nov 9 (Reuters) - A deal was signed."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    docs, problems = read_documents("-")
    assert problems == []
    (doc,) = docs
    assert (doc.id, doc.path, doc.published) == ("stdin", "-", None)
    assert doc.published_note == "dateline 'Nov 9' has no year and none could be inferred"


def test_stdin_json(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'[{"text": "One."}, {"text": "Two.", "date": "2020-11-09"}]'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    docs, _ = read_documents(["-"])
    assert [(d.id, d.published) for d in docs] == [
        ("stdin#1", None),
        ("stdin#2", dt.date(2020, 11, 9)),
    ]


def test_unknown_suffix_named_explicitly_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "article.text"
    path.write_text(
        "<!DOCTYPE html><html><body><p>Sniffed as HTML.</p></body></html>", encoding="utf-8"
    )
    assert read_one(path).text == "Sniffed as HTML."


def test_raw_document_is_frozen() -> None:
    doc = read_one(DATA / "bom.txt")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "changed"  # type: ignore[misc]


def test_dateline_year_from_the_same_date_in_the_text(tmp_path: Path) -> None:
    path = tmp_path / "same.txt"
    path.write_text(
        "ANKARA, Oct. 5 — Officials confirmed that the meeting of Oct. 5, 2020 had been postponed.",
        encoding="utf-8",
    )
    doc = read_one(path)
    assert doc.published == dt.date(2020, 10, 5)
    assert doc.published_note == "dateline 'Oct. 5' + year 2020 from 'Oct. 5, 2020' in the text"


@pytest.mark.parametrize(
    ("first_line", "published"),
    [
        ("Baku, Azerbaijan, Nov. 17 — Officials met on Wednesday.", dt.date(2021, 11, 17)),
        ("Baku, November 17, AZERTAC. Officials met on Wednesday.", dt.date(2021, 11, 17)),
        ("On Tuesday, November 16, officials met on Wednesday.", None),
        ("Yesterday, November 16, officials met.", None),
    ],
)
def test_title_case_datelines(tmp_path: Path, first_line: str, published: dt.date | None) -> None:
    path = tmp_path / "dateline.txt"
    path.write_text(
        f"{first_line}\nThe ceasefire of November 10, 2020 still holds.\n", encoding="utf-8"
    )
    assert read_one(path).published == published
