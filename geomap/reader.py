"""Documents in: files, folders, globs or stdin → :class:`RawDocument`.

Reads ``.txt``, ``.md``, ``.html``/``.htm``, ``.json`` and ``.jsonl``. Text is decoded as UTF-8
first (a byte-order mark is honoured), then as whatever charset-normalizer detects; the encoding
used is kept on the document. Files that cannot be read (binary, empty, malformed) are skipped
and reported, one line each, in the problems list: nothing is dropped silently.

The publication date comes from, in this order: the ``date`` argument; metadata (a JSON field,
an HTML ``<meta>``/``<time>``/JSON-LD date); a header line near the top of the text
("Date: 20 November 2020"); the dateline ("MOSCOW, Nov 9 (Reuters) -"). A dateline without a
year gets one from the weekdays the text mentions, else from the years it mentions, else from
the file's modification time; ``published_note`` says which.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import glob
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from geomap.dates import MONTHS, WEEKDAYS, find_dates, normalise, weekday_year
from geomap.errors import InputError
from geomap.model import TimeSpan

__all__ = ["SUFFIXES", "RawDocument", "read_documents"]

#: File types read, by suffix.
SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
_READS = "geomap reads .txt .md .html .json .jsonl"
#: Year inference and header parsing look at this much of the text only.
_HEAD = 200_000


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read, before any geoparsing.

    ``published_note`` says where ``published`` came from; ``encoding`` how the bytes were
    decoded ("utf-8", "utf-16", "cp1252 (detected)", ...).
    """

    id: str
    text: str
    title: str
    url: str
    publisher: str
    published: dt.date | None
    published_note: str
    path: str
    encoding: str = "utf-8"


class _Skip(Exception):
    """A file (or JSON record) that is skipped; the message is the reason."""


@dataclass(frozen=True, slots=True)
class _Meta:
    """What a container format says about its document."""

    title: str = ""
    url: str = ""
    publisher: str = ""
    published: dt.date | None = None
    published_note: str = ""


# --------------------------------------------------------------------------- entry point


def read_documents(
    inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    date: dt.date | None = None,
) -> tuple[list[RawDocument], list[str]]:
    """Read articles from files, folders, glob patterns or ``"-"`` (stdin).

    Parameters
    ----------
    inputs
        One input or a sequence of them. Folders are read recursively, in sorted order;
        hidden files are ignored.
    date
        Publication date for every document, overriding what the documents say.

    Returns
    -------
    (list of RawDocument, list of str)
        The documents, in input order, and one line per skipped file or record.

    Raises
    ------
    InputError
        When ``inputs`` is empty.

    Examples
    --------
    >>> docs, problems = read_documents([], date=None)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    geomap.errors.InputError: no input given ...
    """
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    if not items:
        raise InputError(
            "no input given; pass article files (.txt .md .html .json .jsonl), folders, "
            "glob patterns, or '-' to read stdin"
        )
    problems: list[str] = []
    docs: list[RawDocument] = []
    seen: set[str] = set()
    ids: dict[str, int] = {}
    for item in items:
        for source in _expand(item, problems):
            key = source if source == "-" else os.path.realpath(source)
            if key in seen:
                continue
            seen.add(key)
            try:
                docs.extend(_read_source(source, date=date, ids=ids, problems=problems))
            except _Skip as why:
                problems.append(f"skipped {source}: {why}")
            except OSError as err:
                problems.append(f"skipped {source}: cannot read ({err.strerror or err})")
    return docs, problems


def _expand(item: str | os.PathLike[str], problems: list[str]) -> Iterator[str]:
    """Files named by one input, in a stable order."""
    name = os.fspath(item)
    if name == "-":
        yield "-"
        return
    path = Path(name)
    if path.is_dir():
        yield from _walk(path, problems)
    elif path.is_file():
        yield name
    elif glob.has_magic(name):
        matches = sorted(glob.glob(name, recursive=True))
        if not matches:
            problems.append(f"no files match '{name}'")
        for match in matches:
            if Path(match).is_dir():
                yield from _walk(Path(match), problems)
            elif _supported(match, problems):
                yield match
    else:
        problems.append(f"skipped {name}: no such file or folder")


#: Files in a folder of articles that describe the folder instead (read only when named explicitly).
_NOT_ARTICLES = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE", "COPYING"})


def _walk(folder: Path, problems: list[str]) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.startswith("."):
                continue
            full = os.path.join(root, f)
            if f.split(".")[0].upper() in _NOT_ARTICLES:
                problems.append(f"skipped {full}: a {f.split('.')[0]} file describes the folder, it is not an article "
                                "(name it explicitly to read it)")
                continue
            if _supported(full, problems):
                yield full


def _supported(path: str, problems: list[str]) -> bool:
    if path.lower().endswith(SUFFIXES):
        return True
    problems.append(f"skipped {path}: unsupported file type '{Path(path).suffix}'; {_READS}")
    return False


# --------------------------------------------------------------------------- one source


def _read_source(
    source: str, *, date: dt.date | None, ids: dict[str, int], problems: list[str]
) -> list[RawDocument]:
    if source == "-":
        data, stem, mtime = sys.stdin.buffer.read(), "stdin", None
    else:
        path = Path(source)
        data, stem = path.read_bytes(), path.stem or path.name
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime).date()
    text, encoding = _decode(data)
    kind = _kind(source, text)
    base = _unique(stem, ids)
    if kind in ("json", "jsonl"):
        records = _json_records(text, jsonl=kind == "jsonl", source=source, problems=problems)
        docs = []
        for n, record in records:
            try:
                body, meta = _from_record(record)
            except _Skip as why:
                problems.append(f"skipped {source}#{n}: {why}")
                continue
            doc_id = f"{base}#{n}"
            docs.append(
                _document(
                    doc_id, body, meta, source=source, date=date, mtime=mtime, encoding=encoding
                )
            )
        if not docs and not records:
            raise _Skip("no records found (expected an object or a list of objects)")
        return docs
    if kind == "html":
        body, meta = _from_html(text)
    else:
        body, meta = text, _Meta()
    if not body.strip():
        raise _Skip("no article text found" if kind == "html" else "only whitespace")
    return [_document(base, body, meta, source=source, date=date, mtime=mtime, encoding=encoding)]


def _kind(source: str, text: str) -> str:
    lower = source.lower()
    for suffix, kind in ((".jsonl", "jsonl"), (".json", "json"), (".html", "html"),
                         (".htm", "html"), (".md", "text"), (".txt", "text")):  # fmt: skip
        if lower.endswith(suffix):
            return kind
    head = text.lstrip()[:200].lower()
    if head.startswith(("{", "[")):
        first = head.split("\n", 1)[0].rstrip()
        return (
            "jsonl"
            if head.startswith("{") and first.endswith("}") and "\n" in text.strip()
            else "json"
        )
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return "html"
    return "text"


def _unique(stem: str, ids: dict[str, int]) -> str:
    n = ids.get(stem, 0) + 1
    ids[stem] = n
    return stem if n == 1 else f"{stem}-{n}"


def _document(
    doc_id: str,
    body: str,
    meta: _Meta,
    *,
    source: str,
    date: dt.date | None,
    mtime: dt.date | None,
    encoding: str,
) -> RawDocument:
    header = _header(body)
    title = meta.title or header.title or _first_line_title(body)
    url, publisher = meta.url or header.url, meta.publisher or header.publisher
    published: dt.date | None
    if date is not None:
        published, note = date, "given explicitly (date argument)"
    elif meta.published is not None:
        published, note = meta.published, meta.published_note
    elif header.published is not None:
        published, note = header.published, header.published_note
    else:
        published, note = _from_dateline(body, mtime=mtime)
    return RawDocument(doc_id, body, title, url, publisher, published, note, source, encoding)


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8 (BOM)"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)


def _decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text with \\n newlines, encoding label); raises _Skip for non-text."""
    if not data:
        raise _Skip("empty file")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data[len(bom) :].decode(codec.replace("-sig", ""))), label
            except UnicodeDecodeError as err:
                raise _Skip(f"{label} byte-order mark but undecodable bytes at offset "
                            f"{err.start + len(bom)}; {_READS}") from err  # fmt: skip
    nul = data.find(b"\x00")
    if nul >= 0:
        text = _utf16_without_bom(data)
        if text is None:
            raise _Skip(f"binary file (NUL bytes at offset {nul}); {_READS}")
        return _newlines(text), "utf-16 (no BOM)"
    try:
        return _newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise _Skip(f"binary file (not valid UTF-8 at offset {first_bad}, and no text "
                    f"encoding fits); {_READS}")  # fmt: skip
    codec = best.encoding
    if codec in _LATIN:
        # Short Western texts are often guessed as a neighbour (cp1250, latin-1): cp1252 reads
        # the same letters and also curly quotes and dashes, so prefer it when it fits.
        try:
            text, codec = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text = data.decode(codec)
    else:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            codec = "latin_1"
            text = data.decode(codec)
    if _control_ratio(text) > 0.01:
        raise _Skip(f"binary file (control characters; not valid UTF-8 at offset {first_bad}); "
                    f"{_READS}")  # fmt: skip
    return _newlines(text), f"{codec} (detected)"


_LATIN = frozenset(
    {
        "ascii",
        "latin_1",
        "iso8859_1",
        "iso8859_2",
        "iso8859_9",
        "iso8859_15",
        "cp1250",
        "cp1252",
        "cp1254",
        "mac_roman",
        "mac_latin2",
        "cp850",
        "cp858",
    }
)


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        other = even if zeros is odd else odd
        if zeros.count(0) > 0.4 * len(zeros) and other.count(0) < 0.05 * max(1, len(other)):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return text if _control_ratio(text) <= 0.01 else None
    return None


def _control_ratio(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ch not in "\t\n\r\f\v" and unicodedata.category(ch) == "Cc")
    return bad / len(sample)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- JSON


_TEXT_KEYS = ("text", "body", "content", "maintext", "article", "full_text")
_TITLE_KEYS = ("title", "headline")
_URL_KEYS = ("url", "link", "canonical_url")
_DATE_KEYS = ("published", "date", "publishedAt", "published_at", "pubDate", "datePublished",
              "date_publish", "publish_date", "pub_date")  # fmt: skip
_PUBLISHER_KEYS = ("publisher", "source", "site_name", "source_domain", "domain")
_LIST_KEYS = ("articles", "documents", "items", "data", "results", "docs")


def _json_records(
    text: str, *, jsonl: bool, source: str, problems: list[str]
) -> list[tuple[int, Mapping[str, Any]]]:
    """(record number, object) pairs; numbers are JSONL line numbers or 1-based list indices."""
    records: list[tuple[int, Mapping[str, Any]]] = []
    if jsonl:
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(
                    f"skipped {source}#{n}: invalid JSON: {err.msg} (column {err.colno})"
                )
                continue
            if isinstance(value, dict):
                records.append((n, value))
            else:
                problems.append(
                    f"skipped {source}#{n}: a JSON {type(value).__name__}, not an object"
                )
        return records
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise _Skip(f"invalid JSON: {err.msg} (line {err.lineno}, column {err.colno})") from err
    if isinstance(value, dict):
        nested = next((value[k] for k in _LIST_KEYS if isinstance(value.get(k), list)), None)
        if nested is None or _pick(value, _TEXT_KEYS):
            return [(1, value)]
        value = nested
    if not isinstance(value, list):
        raise _Skip(f"a JSON {type(value).__name__}; expected an object or a list of objects")
    for n, item in enumerate(value, 1):
        if isinstance(item, dict):
            records.append((n, item))
        else:
            problems.append(f"skipped {source}#{n}: a JSON {type(item).__name__}, not an object")
    return records


def _pick(record: Mapping[str, Any], keys: Sequence[str]) -> Any:
    lowered = {k.lower(): v for k, v in record.items() if isinstance(k, str)}
    for key in keys:
        value = record.get(key, lowered.get(key.lower()))
        if value not in (None, "", [], {}):
            return value
    return None


def _from_record(record: Mapping[str, Any]) -> tuple[str, _Meta]:
    body = _pick(record, _TEXT_KEYS)
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n".join(body)
    if not isinstance(body, str) or not body.strip():
        raise _Skip("no text (expected a non-empty 'text', 'body' or 'content' field)")
    body = _newlines(body)
    html_meta = _Meta()
    if re.search(r"<(?:p|div|br|article|span|a)\b[^>]*>", body, re.IGNORECASE):
        body, html_meta = _from_html(body)
    publisher = _pick(record, _PUBLISHER_KEYS)
    if isinstance(publisher, dict):
        publisher = publisher.get("name") or publisher.get("title") or ""
    published, note = None, ""
    for key in _DATE_KEYS:
        value = _pick(record, (key,))
        if value is not None:
            published = _meta_date(value)
            if published is not None:
                note = f"from the JSON field '{key}' ({value})"
                break
    return body, _Meta(
        title=str(_pick(record, _TITLE_KEYS) or html_meta.title).strip(),
        url=str(_pick(record, _URL_KEYS) or html_meta.url).strip(),
        publisher=str(publisher or html_meta.publisher).strip(),
        published=published or html_meta.published,
        published_note=note or html_meta.published_note,
    )


def _meta_date(value: Any) -> dt.date | None:
    """A metadata date: ISO strings, RFC 2822, epoch seconds or milliseconds, plain English."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    s = value.strip()
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        try:
            return dt.date(*map(int, m.groups()))
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        pass
    span = normalise(s[:80], published=None)
    return span.start if span is not None and span.precision == "day" else None


# --------------------------------------------------------------------------- HTML

_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "aside",
        "noscript",
        "template",
        "svg",
        "form",
        "button",
        "iframe",
        "select",
        "head",
    }
)
_BLOCK_TAGS = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr",
                         "blockquote", "section", "article", "main", "pre", "dd", "dt",
                         "figcaption", "table", "ul", "ol", "hr", "td", "th", "body"})  # fmt: skip
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
              "og:updated_time", "article:modified_time")  # fmt: skip


class _HTMLText(HTMLParser):
    """Article text and metadata, with the standard library parser only."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self.canonical = ""
        self.times: list[str] = []
        self.ld: list[str] = []
        # text pieces: (text, article number or -1, inside <main>); "\n" marks a block break
        self.pieces: list[tuple[str, int, bool]] = []
        self._stack: list[str] = []  # open skip/article/main/title/h1/ld tags only
        self._skip = 0
        self._article = -1
        self._articles = 0
        self._main = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and "content" in a:
                self.meta.setdefault(key, a["content"].strip())
            elif "charset" in a:
                pass
            return
        if tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href", "")
            return
        if tag == "time" and a.get("datetime"):
            self.times.append(a["datetime"])
        if tag == "script" and "ld+json" in a.get("type", "").lower():
            self._push("ld")
            return
        if tag == "body" and "head" in self._stack:
            self.handle_endtag("head")  # an unclosed <head> must not hide the page
        if tag in _SKIP_TAGS:
            self._push(tag)
            self._skip += 1
            return
        if tag == "article":
            self._push(tag)
            if self._article < 0:
                self._article = self._articles
                self._articles += 1
        elif tag == "main":
            self._push(tag)
            self._main += 1
        elif tag in ("title", "h1"):
            self._push(tag)
        elif tag == "pre":
            self._pre += 1
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break()
        else:
            self.handle_starttag(tag, attrs)
            if tag in ("article", "main", "title", "h1") or tag in _SKIP_TAGS:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and "ld" in self._stack and self._stack[-1] == "ld":
            self._stack.pop()
            return
        if tag in self._stack:
            while self._stack:
                top = self._stack.pop()
                if top in _SKIP_TAGS:
                    self._skip -= 1
                elif top == "article" and "article" not in self._stack:
                    self._article = -1
                elif top == "main":
                    self._main -= 1
                if top == tag:
                    break
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        top = self._stack[-1] if self._stack else ""
        if top == "ld":
            self.ld.append(data)
            return
        if top == "title":
            self.title += data
            return
        if self._skip:
            return
        if top == "h1" and not self.h1:
            self.h1 = " ".join(data.split())
        if self._pre:
            for i, line in enumerate(data.split("\n")):
                if i:
                    self._break()
                self.pieces.append((line, self._article, self._main > 0))
        else:
            self.pieces.append((_SPACES.sub(" ", data), self._article, self._main > 0))

    def _push(self, tag: str) -> None:
        self._stack.append(tag)

    def _break(self) -> None:
        self.pieces.append(("\n", self._article, self._main > 0))

    def text(self) -> str:
        articles: dict[int, list[str]] = {}
        main: list[str] = []
        body: list[str] = []
        for piece, article, in_main in self.pieces:
            body.append(piece)
            if in_main:
                main.append(piece)
            if article >= 0:
                articles.setdefault(article, []).append(piece)
        chosen = body
        if articles:
            chosen = max(articles.values(), key=lambda ps: len(_lines(ps)))
        elif main and _lines(main).strip():
            chosen = main
        return _lines(chosen)


_SPACES = re.compile(r"\s+")


def _lines(pieces: Sequence[str]) -> str:
    joined = "".join(pieces)
    lines = (" ".join(line.split()) for line in joined.split("\n"))
    return "\n".join(line for line in lines if line)


def _from_html(html: str) -> tuple[str, _Meta]:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    meta = parser.meta
    ld = _json_ld(parser.ld)
    title = (
        meta.get("og:title")
        or " ".join(parser.title.split())
        or ld.get("headline", "")
        or parser.h1
    )
    publisher = meta.get("og:site_name") or ld.get("publisher", "") or meta.get("publisher", "")
    url = parser.canonical or meta.get("og:url", "")
    published, note = None, ""
    candidates = [(f"<meta {k}>", meta[k]) for k in _DATE_META if meta.get(k)]
    if ld.get("datePublished"):
        candidates.insert(1, ("JSON-LD datePublished", ld["datePublished"]))
    candidates += [("<time datetime>", t) for t in parser.times]
    for where, value in candidates:
        published = _meta_date(value)
        if published is not None:
            note = f"from the HTML {where} ({value.strip()[:40]})"
            break
    return parser.text(), _Meta(title.strip(), url.strip(), publisher.strip(), published, note)


def _json_ld(blocks: Sequence[str]) -> dict[str, str]:
    """headline, datePublished and publisher name from JSON-LD blocks (first found wins)."""
    found: dict[str, str] = {}

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            for key in ("headline", "datePublished"):
                if isinstance(node.get(key), str):
                    found.setdefault(key, node[key])
            pub = node.get("publisher")
            if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                found.setdefault("publisher", pub["name"])
            if "@graph" in node:
                visit(node["@graph"])

    for block in blocks:
        try:
            visit(json.loads(block))
        except (json.JSONDecodeError, RecursionError):
            continue
    return found


# --------------------------------------------------------------------------- text headers

_HEADER = re.compile(
    r"^\W{0,3}(?P<key>date(?:d)?|published(?:\s+on)?|posted(?:\s+on)?|pubdate|publication\s+date)"
    r"\s*[:\-–]?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_FIELD = re.compile(
    r"^\W{0,3}(?P<key>title|url|source|publisher)\s*:\s*(?P<rest>\S.*)$", re.IGNORECASE
)


def _header(body: str) -> _Meta:
    """Header lines among the first five non-empty lines: 'Date: ...', 'Title: ...'."""
    fields: dict[str, str] = {}
    published, note = None, ""
    lines = [ln for ln in body[:4000].split("\n") if ln.strip()][:5]
    for line in lines:
        line = line.strip()
        m = _FIELD.match(line)
        if m:
            fields.setdefault(m.group("key").lower(), m.group("rest").strip())
            continue
        m = _HEADER.match(line)
        if m and published is None:
            found, _ = find_dates(m.group("rest")[:120], published=None)
            day = next((s for s in found if s.precision == "day" and s.start), None)
            if day is not None:
                published, note = day.start, f"from the header line '{line[:60]}'"
    return _Meta(
        title=fields.get("title", ""),
        url=fields.get("url", ""),
        publisher=fields.get("publisher", fields.get("source", "")),
        published=published,
        published_note=note,
    )


def _first_line_title(body: str) -> str:
    """A Markdown heading, or a short first line standing alone above the text."""
    lines = body[:2000].split("\n")
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            return s.lstrip("#").strip()
        if _HEADER.match(s) or _FIELD.match(s) or _DATELINE.match(s):
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if len(s) <= 150 and not s.endswith((".", ",", ";", ":")) and not nxt:
            return s
        return ""
    return ""


# --------------------------------------------------------------------------- datelines

_MON_RE = "|".join(sorted((m for m in MONTHS), key=len, reverse=True))
_DATELINE = re.compile(
    r"^\s*(?P<place>(?:[A-Z][A-Z.'’\- ]{1,40}?|[A-Z][a-z.'’\-]+(?:\s+[A-Z][a-z.'’\-]+){0,2})"
    r"(?:\s*,\s*[A-Z][A-Za-z.'’\- ]{1,40}?)?)\s*,\s*"
    rf"(?P<date>(?:(?P<mon>(?i:{_MON_RE}))\.?\s+(?P<day>\d{{1,2}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<mon2>(?i:{_MON_RE}))\.?)"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?)(?=\s*(?:[.,:;|/(\-–—]|$))"
)
_NOT_PLACES = frozenset(
    ["on", "in", "since", "by", "until", "from", "after", "before", "yesterday", "today", "last",
     "early", "late", "this", "next", "during", "as", "at", "for", "and", "but", "the", "then",
     *(w.lower() for w in WEEKDAYS)]
)  # fmt: skip
_WEEKDAY_MENTION = re.compile(
    r"(?:\b(?P<on>[Oo]n|[Ll]ast|[Ss]ince|[Bb]y|[Uu]ntil)\s+)?\b(?P<wd>"
    + "|".join(WEEKDAYS)
    + r")\b"
    rf"(?:,?\s+(?:(?P<mon>{_MON_RE.title()})\.?\s+(?P<day>\d{{1,2}})\b"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<mon2>{_MON_RE.title()})\b))?"
)


def _from_dateline(body: str, *, mtime: dt.date | None) -> tuple[dt.date | None, str]:
    m = None
    for line in body[:4000].split("\n")[:6]:  # the first paragraph after any header lines
        s = line.strip()
        if s and not (_HEADER.match(s) or _FIELD.match(s)):
            m = _DATELINE.match(line)
            if m is not None and m.group("place").split()[0].lower() in _NOT_PLACES:
                m = None  # "On Tuesday, November 16, ..." opens a sentence, not a dateline
            break
    if m is None:
        return None, "no publication date found (give one with the date argument)"
    month = MONTHS[(m.group("mon") or m.group("mon2")).lower()]
    day = int(m.group("day") or m.group("day2"))
    written = " ".join(m.group(0)[m.start("date") - m.start() :].split())
    if m.group("year"):
        try:
            return dt.date(int(m.group("year")), month, day), f"from the dateline '{written}'"
        except ValueError:
            return None, f"dateline '{written}' is not a real date"
    year, how = _dateline_year(body, month, day, mtime=mtime)
    if year is None:
        return None, f"dateline '{written}' has no year and none could be inferred"
    try:
        return dt.date(year, month, day), f"dateline '{written}' + year {year} {how}"
    except ValueError:
        return None, f"dateline '{written}' is not a real date in {year}"


def _specific(span: TimeSpan) -> bool:
    """A span that names a year on purpose: a day, month, year or an interval of under a year."""
    if span.start is None or span.end is None:
        return False
    return span.precision != "interval" or (span.end - span.start).days <= 366


_YEAR_RE = re.compile(r"\b(?:1[6-9]|20)\d\d\b")

#: How strongly a weekday mention supports a year, by days before the dateline date.
_WEEKDAY_WEIGHT = (1.0, 0.8, 0.4, 0.2, 0.1, 0.05, 0.02)


def _dateline_year(
    body: str, month: int, day: int, *, mtime: dt.date | None
) -> tuple[int | None, str]:
    head = body[:_HEAD]
    found = [s for s in find_dates(head, published=None)[0] if _specific(s)]
    for span in found:  # the same day written with its year: "... on November 17, 2021"
        first = span.start
        if first and (first.month, first.day) == (month, day) and _YEAR_RE.search(span.text):
            return first.year, f"from '{span.text}' in the text"
    years = sorted({d.year for s in found for d in (s.start, s.end) if d is not None})
    mentions = list(_WEEKDAY_MENTION.finditer(head))
    if years and mentions:
        top = years[-1] + 1
        candidates = sorted({y for year in years for y in (year - 1, year, year + 1)})
        best: tuple[int, float, int] | None = None
        for year in candidates:
            try:
                anchor = dt.date(year, month, day)
            except ValueError:
                continue
            count, score = 0, 0.0
            for mention in mentions:
                wd = WEEKDAYS.index(mention.group("wd"))
                mon = mention.group("mon") or mention.group("mon2")
                if mon:  # "Tuesday, November 16": a date of its own, consistent or not
                    d = int(mention.group("day") or mention.group("day2"))
                    ok = weekday_year(MONTHS[mon.lower()], d, wd, candidates=[year]) == year
                    count, score = count + ok, score + ok
                    continue
                back = (anchor.weekday() - wd) % 7
                count += back <= 1
                score += _WEEKDAY_WEIGHT[back]
            key = (count, score, year)
            if count and year <= top and (best is None or key > best):
                best = key
        if best is not None:
            year = best[2]
            anchor = dt.date(year, month, day)
            shown = []
            for mention in mentions[:20]:
                if mention.group("mon") or mention.group("mon2"):
                    continue
                wd = WEEKDAYS.index(mention.group("wd"))
                back = (anchor.weekday() - wd) % 7
                if back <= 1:
                    label = " ".join(mention.group(0).split())
                    shown.append(f"'{label}' = {anchor - dt.timedelta(days=back)}")
                if len(shown) == 3:
                    break
            detail = f" ({', '.join(shown)})" if shown else ""
            return year, f"from weekday consistency{detail}"
    if years:
        latest = years[-1]
        dated = [s.start for s in found if s.start is not None and s.start.year == latest
                 and s.precision != "year"]  # fmt: skip
        try:
            if not dated or dt.date(latest, month, day) >= max(dated):
                return latest, "from the latest year the text mentions"
        except ValueError:
            pass
    if mtime is not None:
        return mtime.year, "from the file's modification time"
    return None, ""
