"""One opened, published generation: numpy columns, literal lookup, facets, records,
report metadata. read.py opens it; search/ reads it; nothing in it ever changes.

A query must cost what its answer costs, not what the corpus costs: at 10× the
national reports (63,000 paragraphs) per-paragraph Python objects took 5 s to
load, 850 MB per serving worker, and every facet or filter walked them all.
So a generation is read through columns.py (numpy columns and the normalised
bodies, memory-mapped: opened in a fraction of a second, shared by the workers) and:
  * paragraph sets are sorted int32 arrays of docnums (live only);
  * literal (substring) lookup intersects the postings of the needle's rarest
    bigrams, and confirms longer needles on the body text only there; a one- or
    two-character needle *is* its posting list;
  * filters test each distinct value once, facets are np.bincount over id columns;
  * Whoosh is asked only for word statistics (it stores nothing: see record).
A Generation's data never changes (only its memo cache grows, within a byte
budget); a newly published generation is a new Generation object.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from searchapp.index import columns as columns_module
from searchapp.index import integrity
from searchapp.model import Paragraph, Report
from searchapp.text.tokenize import word_tokens

if TYPE_CHECKING:
    from whoosh.index import TOC, Index
    from whoosh.reading import IndexReader

CACHE_BUDGET = 64 * 2**20  # bytes of memoised paragraph sets and scores, then reset
DERIVED_MAX = 4096  # derived values kept per generation (least recently used go first)
FACETS_REMEMBERED = 20_000  # paragraphs: facet counts of a set this large are remembered
WORD_DF_REMEMBERED = 20_000  # words' document frequencies kept (~100 bytes each), then reset
EMPTY = np.zeros(0, dtype=np.int32)


@dataclass(frozen=True, slots=True)
class Record:
    """What a hit shows: the store's columns, the report's metadata, the text as written."""

    doc: str
    n: int
    title: str
    region: str
    parents: tuple[str, ...]
    level: str
    year: int | None
    date: str | None
    section: tuple[str, ...]
    heading_level: int
    text: str


@dataclass(frozen=True)
class Facet:
    """One facet as an id column (-1: no value) and the value of each id."""

    ids: np.ndarray  # int32 per docnum
    values: list[str]


@dataclass(eq=False)  # identity: one store per generation
class Generation:
    ix: Index
    columns: columns_module.Columns
    synonyms: dict[str, list[str]]  # curated + mined, keyed by normalised word
    analyzer: object  # the word analyzer stored in the schema: the index's own dictionary
    live: np.ndarray  # bool per docnum
    live_docs: np.ndarray  # sorted int32: every live docnum
    year: np.ndarray  # int32 per docnum, 0 = unknown
    date: np.ndarray  # int32 per docnum (20230329), 0 = unknown
    heading: np.ndarray  # bool per docnum: the paragraph is a heading
    place: Facet  # values: normalised "region parent …" joined by SEP, for the region filter
    section: Facet  # normalised section paths, for the section filter
    level: Facet
    facets: dict[str, Facet]
    title: Facet  # normalised report titles
    reports: dict[str, dict]  # report id -> metadata as reports.json holds it (no paragraphs)
    stamp: tuple  # (generation path, inode, mtime) of meta.json: which generation this is
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reader: IndexReader | None = None  # Whoosh's, for word statistics; opened on first use
    _toc: TOC | None = None  # Whoosh's table of contents of this generation, read once
    _memo: dict[object, np.ndarray] = field(default_factory=dict)
    _memo_bytes: int = 0
    _derived: OrderedDict[str, object] = field(default_factory=OrderedDict)
    _word_df: dict[str, int] = field(default_factory=dict)  # word_doc_frequency's answers

    @property
    def size(self) -> int:
        return len(self.live_docs)

    def literal(self, needle: str) -> np.ndarray:
        """Live paragraphs whose normalised body contains `needle` (already normalised)."""
        return self.cached(("literal", needle), lambda: _literal(self, needle))

    def cached(self, key: object, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """Memoise an array for this generation (paragraph sets, scores): queries repeat
        their words, and a word's paragraphs never change within a generation."""
        found = self._memo.get(key)
        if found is None:
            found = compute()
            self._remember(key, found)
        return found

    def _remember(self, key: object, value: np.ndarray) -> None:
        value.flags.writeable = False
        if self._memo_bytes + value.nbytes > CACHE_BUDGET:
            self._memo.clear()
            self._memo_bytes = 0
        self._memo[key] = value
        self._memo_bytes += value.nbytes

    def derived(self, key: str, compute: Callable[[Generation], object]) -> object:
        """A value computed once per generation by a later stage (ranking's BM25F columns, a
        word's long forms, a query's feedback words, suggestions): it lives and dies with
        the generation, and the index needn't know how to make it. The least recently used
        go beyond DERIVED_MAX entries; computed outside the lock (a rare duplicate is
        harmless, a blocked thread is not)."""
        with self._lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key]
        value = compute(self)
        with self._lock:
            self._derived[key] = value
            while len(self._derived) > DERIVED_MAX:
                self._derived.popitem(last=False)
        return value

    def forget(self, key: str) -> None:
        """Drop a derived value (one computed under a deadline that ran out)."""
        with self._lock:
            self._derived.pop(key, None)

    def report(self, report_id: str) -> Report | None:
        """The full report (paragraphs in order, with sections), or None if unknown."""
        meta = self.reports.get(report_id)
        if meta is None:
            return None
        ids, which = self.columns.whole.arrays["report"], self.columns.whole.values["report"]
        docs = self.live_docs[ids[self.live_docs] == which.index(report_id)] \
            if report_id in which else EMPTY
        records = sorted(map(self.record, docs.tolist()), key=lambda r: r.n)
        paragraphs = [Paragraph(n=r.n, text=r.text, section=r.section,
                                heading_level=r.heading_level) for r in records]
        return report_from_meta(meta, paragraphs)

    def report_list(self) -> list[Report]:
        """Every indexed report's metadata (paragraphs left empty), ordered by id."""
        return [report_from_meta(meta, []) for _, meta in sorted(self.reports.items())]

    def word_doc_frequency(self, word: str) -> int:
        """Paragraphs whose jieba words (index mode: sub-words too) include `word`, from the
        Whoosh word index: a whole-word statistic the character columns cannot give.
        Remembered for the generation: a query's feedback asks for ~130 words' statistics,
        20–40 µs each in Whoosh, and topics share most of those words (打造, 全省, 活力)."""
        known = self._word_df.get(word)
        if known is not None:
            return known
        with self._lock, self._whoosh():
            found = int(self._words().doc_frequency("body", word))
            if len(self._word_df) >= WORD_DF_REMEMBERED:
                self._word_df.clear()
            self._word_df[word] = found
        return found

    def _words(self) -> IndexReader:
        """Whoosh's reader for the word statistics, opened on first use (the lock held). Its
        table of contents is read once per generation (it never changes; search.warm reads
        it in the server's master): reading it again, as Index.reader() does, unpickling the
        schema and its dictionary, made each worker's first word statistic cost 1.5–2.2 ms
        to reopen the reader the master closed, 0.3–0.5 ms from the kept one."""
        from whoosh.index import FileIndex  # the reindex's workers import this module too

        if self._reader is None:
            if self._toc is None:
                self._toc = self.ix._read_toc()
            toc = self._toc
            self._reader = FileIndex._reader(self.ix.storage, toc.schema, toc.segments,
                                             toc.generation)
        return self._reader

    def close_reader(self) -> None:
        """Close Whoosh's reader (the next word statistic opens another). Whoosh reads its
        files with seek and read: a process about to fork workers closes its reader, or they
        would share its file offsets."""
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def word_postings(self, word: str) -> np.ndarray:
        """Sorted live docnums whose jieba words include `word` (the word index's postings:
        ~8 µs each in Whoosh, so for the rarer words of a paragraph, not for 发展)."""
        with self._lock, self._whoosh():
            reader = self._words()
            if ("body", word) not in reader:
                return EMPTY
            docs = np.fromiter(reader.postings("body", word).all_ids(), dtype=np.int32)
        return docs[self.live[docs]]

    def word_frequency(self, word: str) -> tuple[int, int]:
        """(occurrences of `word`, occurrences of all words) in the word index: what a
        word's share of the whole corpus is measured against (deleted paragraphs included
        until the next full reindex: a rounding error)."""
        with self._lock, self._whoosh():
            reader = self._words()
            return int(reader.frequency("body", word)), int(reader.field_length("body"))

    def word_spans(self, text: str, subwords: bool = False) -> list[tuple[int, int]]:
        """(start, end) of each jieba word of `text`; with `subwords`, also of the dictionary
        words inside longer ones (自由, 贸易 inside 自由贸易), as the index holds them."""
        return [(start, end) for _, _, start, end in self.analyzer.spans(text, index=subwords)]

    def pieces(self, word: str) -> list[str]:
        """jieba's words for `word`, with the dictionary this index was built with."""
        return word_tokens(word, mode="query", analyzer=self.analyzer)

    def subwords(self, word: str) -> list[str]:
        """The dictionary words inside `word` (乡村, 振兴 in 乡村振兴), as the index holds them."""
        return [w for w in word_tokens(word, mode="index", analyzer=self.analyzer) if w != word]

    def doc_freq_estimate(self, needle: str) -> int:
        """An upper bound of len(literal(needle)) from the gram postings' lengths (cheap)."""
        return min((self.columns.doc_freq(g) for g in _grams(needle)), default=0)

    def body(self, docnum: int) -> str:
        """The normalised body: what matching, counting and highlighting read."""
        return self.columns.body(int(docnum))

    def slices(self, docs: np.ndarray) -> tuple[Iterable[str], list[int], list[int]]:
        """(texts, starts, ends) of the bodies of `docs`, in the order given: the hot
        loops map str.count or Pattern.search over (text, start, end) instead of slicing
        out a string per paragraph. The texts are decoded from the memory-mapped store a
        chunk of bodies at a time, as the loop reaches them (columns.Columns.texts)."""
        return self.columns.texts(np.asarray(docs))

    def search_each(self, docs: np.ndarray, test: Callable[[str, int, int], object]) -> np.ndarray:
        """The docs whose body passes test(part_text, start, end)."""
        keep = np.fromiter(map(bool, map(test, *self.slices(docs))), dtype=bool,
                           count=len(docs))
        return docs[keep]

    def body_counts(self, needle: str, docs: np.ndarray,
                    holding: np.ndarray | None = None) -> np.ndarray:
        """Non-overlapping occurrences of `needle` in the body of each of `docs`.

        Counting is the one per-paragraph loop of a query (~0.6 µs per hit: 18 ms for
        a common word at 10×). Given `holding` (literal(needle), which `docs` is part
        of) and `docs` is most of it, all of it is counted once and kept for the next
        query (paging, adding a filter) at 4 bytes per paragraph.
        """
        known = self._memo.get(("counts", needle))
        if holding is not None and known is not None:  # counted for the whole set already
            return known[self.positions(docs, holding)].astype(np.float64)
        if holding is None or len(docs) * 4 < len(holding):
            return self._count(needle, docs).astype(np.float64)
        counts = self.cached(("counts", needle), lambda: self._count(needle, holding))
        return counts[self.positions(docs, holding)].astype(np.float64)

    def per_doc(self, needle: str, docs: np.ndarray,
                compute: Callable[[Generation, str, np.ndarray], np.ndarray]) -> np.ndarray:
        """compute(self, needle, docs) for a per-paragraph feature (its last axis follows
        `docs`), memoised per paragraph: the reranked heads of a query's two rankings (before
        and after its feedback words), of its pages and of its filters share most of their
        paragraphs, and only those not seen yet are computed (bounded by the memo's
        budget)."""
        docs = np.asarray(docs, dtype=np.int32)
        if not len(docs):
            return np.asarray(compute(self, needle, docs))
        key = ("per-doc", compute.__qualname__, needle)
        with self._lock:  # the server's threads: the two arrays are read and set as a pair
            known, values = self._memo.get((*key, "docs")), self._memo.get((*key, "values"))
        if known is None or values is None:
            known, values = EMPTY, None
        at = np.minimum(np.searchsorted(known, docs), max(len(known) - 1, 0))
        have = known[at] == docs if len(known) else np.zeros(len(docs), dtype=bool)
        if not have.all():
            missing = np.unique(docs[~have])
            new = np.asarray(compute(self, needle, missing))  # outside the lock
            merged = np.concatenate([known, missing])
            order = np.argsort(merged, kind="stable")
            known = merged[order]
            values = (new if values is None else np.concatenate([values, new], axis=-1))
            values = values[..., order]
            with self._lock:
                self._remember((*key, "docs"), known)
                self._remember((*key, "values"), values)
            at = np.searchsorted(known, docs)
        return values[..., at]

    def _count(self, needle: str, docs: np.ndarray) -> np.ndarray:
        """Occurrences of a one- or two-character needle (most Chinese words) come with its
        postings, so no body is read (a cold 发展 at 50× read 150,000 bodies: 0.5 s); a
        needle of one repeated character (str.count does not overlap: 常常 in 常常常), a
        lone space, a longer needle and the rare count past COUNT_MAX read the bodies."""
        if not _counted_by_postings(needle):
            return self._count_bodies(needle, docs)
        counts = self.columns.gram_counts(needle, docs).astype(np.int32)
        more = np.flatnonzero(counts >= columns_module.COUNT_MAX)
        if len(more):
            counts[more] = self._count_bodies(needle, np.asarray(docs)[more])
        return counts

    def _count_bodies(self, needle: str, docs: np.ndarray) -> np.ndarray:
        texts, starts, ends = self.slices(docs)
        return np.fromiter(map(str.count, texts, repeat(needle), starts, ends),
                           dtype=np.int32, count=len(docs))

    def members(self, docs: np.ndarray, of: np.ndarray) -> np.ndarray:
        """Bool per element of `docs`: is it in the sorted array `of`? Binary search for
        a few docs, a mask over every docnum for many (O(size) beats O(n log n) there)."""
        if _same(docs, of):  # a one-word query's own set: 0.2 ms, not 9, for 发展 at 200×
            return np.ones(len(docs), dtype=bool)
        if len(docs) * 16 > len(self.live):
            return mask(self, of)[docs]
        if not len(of):
            return np.zeros(len(docs), dtype=bool)
        at = np.minimum(np.searchsorted(of, docs), len(of) - 1)
        return of[at] == docs

    def positions(self, docs: np.ndarray, of: np.ndarray) -> np.ndarray:
        """Index in the sorted array `of` of each of `docs` (all in it)."""
        if _same(docs, of):
            return np.arange(len(docs))
        if len(docs) * 16 > len(self.live):
            where = np.zeros(len(self.live), dtype=np.int32)
            where[of] = np.arange(len(of), dtype=np.int32)
            return where[docs]
        return np.searchsorted(of, docs)

    def record(self, docnum: int) -> Record:
        """What a hit shows: the part's columns, its report's metadata (reports.json) and
        the text as written, rebuilt from the body (originals.py). Whoosh stores nothing:
        the text is kept once."""
        part, local = self.columns.locate(int(docnum))
        report_id = part.values["reports"][int(part.columns["report"][local])]
        meta = self.reports.get(report_id)
        if meta is None:
            raise integrity.damaged(self.stamp[0].parent)  # reports.json lacks a report
        return Record(doc=report_id, n=int(part.columns["n"][local]),
                      title=meta.get("title") or "", region=meta.get("region") or "",
                      parents=tuple(meta.get("parents") or ()), level=meta.get("level") or "",
                      year=meta.get("year"), date=meta.get("date"),
                      section=tuple(part.values["paths"][int(part.columns["path"][local])]),
                      heading_level=int(part.columns["heading_level"][local]),
                      text=part.original(local))

    @contextmanager
    def _whoosh(self) -> Iterator[None]:
        """Whoosh's files are read lazily, after the sizes were checked at opening: one that
        was garbled in place fails here, and is reported as the damage it is."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - zlib, pickle, struct: whatever Whoosh hit
            raise integrity.damaged(self.stamp[0].parent) from error

    def facet_counts(self, docs: np.ndarray) -> dict[str, dict[str, int]]:
        """Counts by region, year, level and top-level section over `docs`. Those of a large
        set are remembered for this very set of paragraphs (a reader pages through the same
        results, or sorts them by date): 30 ms for 发展 at 200×, 2 ms to recognise the set."""
        if len(docs) < FACETS_REMEMBERED:
            return self._facet_counts(docs)
        key = f"facets:{len(docs)}:{hash(np.asarray(docs, np.int32).tobytes())}"
        return self.derived(key, lambda g: g._facet_counts(docs))  # type: ignore[return-value]

    def _facet_counts(self, docs: np.ndarray) -> dict[str, dict[str, int]]:
        result = {}
        for name, facet in self.facets.items():
            counts = np.bincount(facet.ids[docs] + 1, minlength=len(facet.values) + 1)[1:]
            result[name] = {facet.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}
        return result


def mask(store: Generation, docs: np.ndarray) -> np.ndarray:
    """A bool mask over docnums, True at `docs`."""
    result = np.zeros(len(store.live), dtype=bool)
    result[docs] = True
    return result


def _same(docs: np.ndarray, of: np.ndarray) -> bool:
    """Are `docs` the sorted array `of` itself (a word's paragraphs scored against its own
    set)? One comparison pass, only when the lengths agree."""
    return len(docs) == len(of) and (docs is of or np.array_equal(docs, of))


def _literal(store: Generation, needle: str) -> np.ndarray:
    grams = sorted(_grams(needle), key=store.columns.doc_freq)
    if not grams:
        return EMPTY
    candidates = store.columns.postings(grams[0])
    candidates = candidates[store.live[candidates]]
    for gram in grams[1:]:
        if len(candidates) < 16:
            break
        candidates = candidates[store.members(candidates, store.columns.postings(gram))]
    if len(needle) <= 2:
        return candidates.astype(np.int32)
    # confirmed by counting, not finding: the counts are what scoring reads next
    # (body_counts), so the bodies of a longer needle's paragraphs are read once, not twice
    counts = store._count_bodies(needle, candidates)
    held = counts > 0
    store.cached(("counts", needle), lambda: counts[held])
    return candidates[held].astype(np.int32)


def _counted_by_postings(needle: str) -> bool:
    if len(needle) == 1:
        return not needle.isspace()  # the unigram postings leave out the space
    return len(needle) == 2 and needle[0] != needle[1]


def _grams(needle: str) -> list[str]:
    """The store grams every paragraph containing `needle` holds (a lone space: none)."""
    if len(needle) == 1:
        return [] if needle.isspace() else [needle]
    return list({needle[i:i + 2] for i in range(len(needle) - 1)})


def report_from_meta(meta: dict, paragraphs: list[Paragraph]) -> Report:
    return Report(**dict(meta, parents=tuple(meta["parents"]), paragraphs=paragraphs))
