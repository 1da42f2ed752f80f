"""The geoparsing pipeline: read → recognise → resolve → date → assemble events.

:class:`Geoparser` holds what is costly to load (the gazetteer, the spaCy model, the matcher's
name table) and is reused across documents. The module-level functions in :mod:`geomap` use one
created on first use.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gazetteer import Gazetteer, Place

from . import dates as dates_mod
from .events import assemble, merge_events
from .model import Document, Event, Mention, Source, UnreadDate
from .recognize import MODE_SPACY, Recogniser, Span
from .resolve import capital_of, resolve_mentions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GeoparserConfig:
    """Explicit settings of a :class:`Geoparser`."""

    index: str | os.PathLike[str] | None = None  # gazetteer index; default path when None
    user_places: tuple[str, ...] = ()
    use_spacy: bool = True
    n_process: int = 1  # worker processes for many documents (2 uses both cores); 0: automatic (AUTO_*)
    online: Any = None  # a gazetteer.online.OnlineConfig: ask a geocoder for names the index lacks
    #: for a process that only geoparses (the CLI, the worker processes): once the model and the
    #: name tables are loaded, move them out of the garbage collector's sight (``gc.freeze``) so
    #: its full passes (80-130 ms each, over the loaded modules and tables) do not recur while
    #: documents are read. A process-wide setting: off for library use.
    freeze_gc: bool = False


SET_ASIDE_WHY = ("the language model called this one word a place, but no place in the gazetteer has "
                 "that name (use --online to ask a geocoder)")


@dataclass
class Report:
    """What could not be used: nothing is dropped silently."""

    unresolved: list[tuple[str, Mention]] = field(default_factory=list)  # (doc id, mention)
    unread_dates: list[tuple[str, UnreadDate]] = field(default_factory=list)
    #: names the gazetteer lacks, placed at a place named inside them ("Ganja Municipal Airfield")
    approximate: list[tuple[str, Mention]] = field(default_factory=list)
    #: one-word names the model called places that no gazetteer name matches ("Dropbox")
    set_aside: list[tuple[str, Mention]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files not read, with why
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [s if s.startswith("skipped") else f"skipped: {s}" for s in self.skipped]
        out += [f"{doc}: place not resolved: {m.text!r} at {m.char_start}-{m.char_end} ({m.why_unresolved})"
                for doc, m in self.unresolved]
        out += [f"{doc}: place approximated: {m.text!r} at {m.char_start}-{m.char_end} "
                f"({m.place.reason.removeprefix('approximate: ')})"
                for doc, m in self.approximate if m.place is not None]
        out += [f"{doc}: not used as a place: {m.text!r} at {m.char_start}-{m.char_end} ({m.why_unresolved})"
                for doc, m in self.set_aside]
        out += [f"{doc}: date not read: {u.text!r} at {u.char_start}-{u.char_end} ({u.why})"
                for doc, u in self.unread_dates]
        return out + [f"note: {n}" for n in self.notes]


class Geoparser:
    """Finds places, dates and events in news text."""

    def __init__(self, config: GeoparserConfig | None = None, *, gazetteer: Gazetteer | None = None) -> None:
        self.config = config or GeoparserConfig()
        self.gazetteer = gazetteer or Gazetteer(self.config.index, user_places=self.config.user_places)
        self.recogniser = Recogniser(self.gazetteer, use_spacy=self.config.use_spacy)
        self._online: Any = None
        self._pool: Any = None  # worker processes, started by the first large geoparse_many
        if self.config.online is not None:
            from gazetteer.online import OnlineGeocoder

            self._online = OnlineGeocoder(self.config.online)
        if self.config.freeze_gc:
            self.recogniser.warm()
            gc.freeze()

    def workers(self, n_documents: int) -> int:
        """Processes to use for ``n_documents`` documents (``n_process``, or automatic when 0)."""
        return self.config.n_process or _auto_workers(n_documents)

    @property
    def mode(self) -> str:
        """"spacy+gazetteer" or "gazetteer-only"."""
        return self.recogniser.mode

    def geoparse(self, text: str, *, published: dt.date | None = None, doc_id: str = "text",
                 source: Source | None = None, published_note: str = "") -> Document:
        """Geoparse one text."""
        return next(self.geoparse_many([(doc_id, text, published, source or Source(published=published), published_note)]))

    def geoparse_many(
        self, items: Iterable[tuple[str, str, dt.date | None, Source, str]]
    ) -> Iterator[Document]:
        """Geoparse (id, text, published, source, published_note) tuples, in order.

        spaCy batches them; with ``n_process`` > 1 (and no online geocoder, whose rate limit is
        per process) the documents are shared out in chunks to that many worker processes, each
        with its own model and index, and come back in order. ``n_process=0`` does so with every
        core (up to :data:`AUTO_MAX_WORKERS`) for :data:`AUTO_MIN_DOCUMENTS` documents or more.
        """
        items = list(items)
        workers = min(self.workers(len(items)), len(items) // _MIN_CHUNK)
        if workers > 1 and self._online is None:
            yield from self._parallel(items, workers)
            return
        recognised = self.recogniser.recognise_many([t for _, t, _, _, _ in items])
        for (doc_id, text, published, source, note), rec in zip(items, recognised, strict=True):
            mentions = resolve_mentions(self.gazetteer, text, rec.toponyms, demonyms=rec.demonyms)
            aside = [Mention(sp.text, sp.start, sp.end, None, sp.label, SET_ASIDE_WHY) for sp in rec.doubtful]
            if self._online is not None:
                # the online geocoder may know what the index does not: ask it about those too
                mentions = self._ask_online(sorted([*mentions, *aside], key=lambda m: m.char_start))
                aside = []
            spans = [(d.start, d.end) for d in rec.dates] if self.mode == MODE_SPACY else None
            found, unread = dates_mod.find_dates(text, published=published, spans=spans)
            events = assemble(doc_id=doc_id, text=text, mentions=mentions, dates=found, demonyms=rec.demonyms,
                              entities=rec.actors, source=source, published=published, capital=self._capital)
            yield Document(
                id=doc_id, text=text, published=published, toponyms=tuple(mentions), dates=tuple(found),
                events=tuple(events), unread_dates=tuple(unread), source=source, published_note=note,
                recogniser=self.mode, set_aside=tuple(aside),
            )

    def _parallel(self, items: list[tuple[str, str, dt.date | None, Source, str]], workers: int) -> Iterator[Document]:
        """Chunks of documents to the worker processes (started once, kept until :meth:`close`)."""
        if self._pool is None:
            import multiprocessing as mp
            import weakref

            method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
            self._pool = mp.get_context(method).Pool(workers, initializer=_init_worker,
                                                     initargs=(self.config,))
            weakref.finalize(self, self._pool.terminate)
        chunks = [items[i:i + _MIN_CHUNK] for i in range(0, len(items), _MIN_CHUNK)]
        shapes: dict[str, Any] = {}
        for docs, stripped in self._pool.imap(_work, chunks):
            for pid in stripped - shapes.keys():
                shapes[pid] = self.gazetteer.shape(pid)

            for d in docs:
                if stripped:
                    _put_shapes_back(d, shapes, stripped)
                yield d

    def _capital(self, country: str) -> Place | None:
        return capital_of(self.gazetteer, country)

    def close(self) -> None:
        """Stop the worker processes, if any were started (they also stop when the parser is freed)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def _ask_online(self, mentions: list[Mention]) -> list[Mention]:
        """Names the index lacks, asked once each of the online geocoder (cached on disk)."""
        countries = [m.place.country for m in mentions if m.place is not None and m.place.kind == "country"]
        country = max(set(countries), key=countries.count) if countries else None
        out = []
        for m in mentions:
            if m.place is None:
                found = self._online.lookup(m.text, country=country, limit=1)
                if found:
                    m = replace(m, place=found[0], why_unresolved="")
                else:
                    m = replace(m, why_unresolved=m.why_unresolved + "; the online geocoder found nothing either")
            out.append(m)
        return out

    def resolve_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Place | None]:
        """Resolve given (start, end) character spans only, in the context of the whole text.

        The caller asserts each span is a place: a name the gazetteer does not hold is placed at
        the place named inside it, else at a town named within 100 characters of it, else at the
        country, state or region its words name ("Bank of England", "European Commission"), else
        at the place the text is mostly about, with a reason that begins "approximate:" and a
        low score.
        """
        rec = self.recogniser.recognise(text) if self.mode != MODE_SPACY else None
        demonyms = rec.demonyms if rec is not None else tuple(self.recogniser.demonym_spans(text))
        given = [Span(s, e, text[s:e], "GOLD", "given") for s, e in spans]
        return [m.place for m in resolve_mentions(self.gazetteer, text, given, demonyms=demonyms, fallback="focus")]

    def extract(self, inputs: Sequence[str | os.PathLike[str]] | str, *, date: dt.date | None = None,
                progress: bool = False) -> tuple[list[Event], list[Document], Report]:
        """Read articles (files, folders, globs, '-'), geoparse them and merge their events."""
        from .reader import read_documents

        raw, problems = read_documents(inputs, date=date)
        report = Report(skipped=list(problems))
        if self.mode != MODE_SPACY:
            report.notes.append(f"gazetteer-only recogniser in use: {self.recogniser.why_no_model}")
        items = [(d.id, d.text, d.published,
                  Source(file=d.path, title=d.title, url=d.url, publisher=d.publisher, published=d.published),
                  d.published_note) for d in raw]
        docs = []
        iterator = self.geoparse_many(items)
        if progress and len(items) > 5:
            iterator = _progress(iterator, len(items))
        for doc in iterator:
            docs.append(doc)
            report.unresolved += [(doc.id, m) for m in doc.toponyms if m.place is None]
            report.set_aside += [(doc.id, m) for m in doc.set_aside]
            report.approximate += [(doc.id, m) for m in doc.toponyms
                                   if m.place is not None and m.place.reason.startswith("approximate:")]
            report.unread_dates += [(doc.id, u) for u in doc.unread_dates]
            if self.recogniser.too_long_for_model(doc.text):
                report.notes.append(f"{doc.id}: {len(doc.text):,} characters is longer than the spaCy model reads "
                                    f"({self.recogniser.max_model_chars:,}); its places were found by the gazetteer "
                                    "matcher alone")
            if doc.published is None:
                report.notes.append(f"{doc.id}: no publication date found; relative dates were not resolved "
                                    "(give one with --date YYYY-MM-DD)")
        events = merge_events(e for d in docs for e in d.events)
        return events, docs, report


#: documents per chunk sent to a worker process (spaCy batches within a chunk)
_MIN_CHUNK = 8
#: n_process=0: this many documents or more are shared out to every core, up to AUTO_MAX_WORKERS
#: (each worker loads its own model and index, ~2 s and ~300 MB: not worth it for a few dozen)
AUTO_MIN_DOCUMENTS = 64
AUTO_MAX_WORKERS = 4


def _auto_workers(n_documents: int) -> int:
    if n_documents < AUTO_MIN_DOCUMENTS:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
                      AUTO_MAX_WORKERS))


_WORKER: Geoparser | None = None


def _init_worker(config: GeoparserConfig) -> None:
    global _WORKER
    _WORKER = Geoparser(replace(config, n_process=1, freeze_gc=True))  # the process only geoparses


def _work(chunk: list[tuple[str, str, dt.date | None, Source, str]]) -> tuple[list[Document], set[str]]:
    """Geoparse a chunk in a worker. Shapes the parent's index holds are left out of the reply
    (polygons are most of its bytes) and their place ids listed, for the parent to put back;
    computed shapes ("Southern California") and user places travel as they are."""
    assert _WORKER is not None
    stripped: set[str] = set()

    def strip(p: Place) -> Place:
        if p.geometry is None or "#" in p.id or p.source.startswith("user"):
            return p
        stripped.add(p.id)
        return replace(p, geometry=None)

    return [_map_places(d, strip) for d in _WORKER.geoparse_many(chunk)], stripped


def _put_shapes_back(doc: Document, shapes: dict[str, Any], stripped: set[str]) -> None:
    """Give the places of a document just unpickled from a worker their shapes back. The places
    are this process's own fresh copies, so they are completed in place rather than copied with
    every mention and event that holds them."""
    places = [m.place for m in doc.toponyms if m.place is not None]
    places += [p for e in doc.events for p in (e.place, *e.places)]
    for p in places:
        if p.geometry is None and p.id in stripped:
            object.__setattr__(p, "geometry", shapes[p.id])  # frozen: not shared with anyone yet


def _map_places(doc: Document, fn: Callable[[Place], Place]) -> Document:
    """``doc`` with ``fn`` applied to every place in it (copies only what changes)."""
    changed = False

    def m(x: Mention) -> Mention:
        nonlocal changed
        if x.place is None:
            return x
        p = fn(x.place)
        if p is x.place:
            return x
        changed = True
        return replace(x, place=p)

    def e(ev: Event) -> Event:
        nonlocal changed
        place, places = fn(ev.place), tuple(fn(q) for q in ev.places)
        if place is ev.place and all(a is b for a, b in zip(places, ev.places, strict=True)):
            return ev
        changed = True
        return replace(ev, place=place, places=places)

    toponyms, events = tuple(m(x) for x in doc.toponyms), tuple(e(ev) for ev in doc.events)
    return replace(doc, toponyms=toponyms, events=events) if changed else doc


def _progress(it: Iterator[Document], total: int) -> Iterator[Document]:
    import sys

    if not sys.stderr.isatty():
        yield from it
        return
    for i, doc in enumerate(it, start=1):
        sys.stderr.write(f"\rgeoparsing {i}/{total} articles")
        sys.stderr.flush()
        yield doc
    sys.stderr.write("\n")

