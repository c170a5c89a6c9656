"""The published generation as a query sees it: numpy columns, literal lookup, facets.

A query must cost what its answer costs, not what the corpus costs: at 10× the
national reports (63,000 paragraphs) per-paragraph Python objects took 5 s to
load, 850 MB per serving worker, and every facet or filter walked them all.
So a generation is read through store.py (numpy columns and the normalised
bodies, opened in a fraction of a second) and:
  * paragraph sets are sorted int32 arrays of docnums (live only);
  * literal (substring) lookup intersects the postings of the needle's rarest
    bigrams, and confirms longer needles on the body text only there; a one- or
    two-character needle *is* its posting list;
  * filters test each distinct value once, facets are np.bincount over id columns;
  * Whoosh is asked only for the stored fields of the hits on the page.
A DocStore's data never changes (only its memo cache grows, within a byte
budget); a new generation gets a new DocStore.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from searchapp.index import build as index_module
from searchapp.index import columns as columns_module
from searchapp.text.normalize import normalize
from searchapp.text.tokenize import word_tokens
from searchapp.search.ranking import FIELDS, Column, distinct_column
from searchapp.text.synonyms import combine, curated

if TYPE_CHECKING:
    from whoosh.index import Index

CACHE_BUDGET = 64 * 2**20  # bytes of memoised paragraph sets and scores, then reset
FACETS = ("region", "year", "level", "section")
EMPTY = np.zeros(0, dtype=np.int32)


@dataclass(frozen=True, slots=True)
class Record:
    """What a hit shows, straight from the stored fields."""

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
class DocStore:
    ix: Index
    columns: columns_module.Store
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
    scored: list[Column]  # body, section, title: what BM25F scores
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reader: object = None  # Whoosh's, for stored fields; opened on first use
    _memo: dict[object, np.ndarray] = field(default_factory=dict)
    _memo_bytes: int = 0

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
            found.flags.writeable = False
            if self._memo_bytes + found.nbytes > CACHE_BUDGET:
                self._memo.clear()
                self._memo_bytes = 0
            self._memo[key] = found
            self._memo_bytes += found.nbytes
        return found

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
        """(part texts, starts, ends) of the bodies of `docs`, in the order given: the hot
        loops map str.count or Pattern.search over (text, start, end) instead of slicing
        out a string per paragraph."""
        parts, bases = self.columns.parts, self.columns.bases
        if len(parts) == 1:
            offsets = parts[0].offsets
            return (repeat(parts[0].bodies, len(docs)), offsets[docs].tolist(),
                    (offsets[docs + 1] - 1).tolist())
        which = np.searchsorted(np.asarray(bases), docs, side="right") - 1
        starts = np.zeros(len(docs), dtype=np.int64)
        ends = np.zeros(len(docs), dtype=np.int64)
        for i in np.unique(which).tolist():
            chosen = which == i
            local = docs[chosen] - bases[i]
            starts[chosen] = parts[i].offsets[local]
            ends[chosen] = parts[i].offsets[local + 1] - 1
        return [parts[i].bodies for i in which.tolist()], starts.tolist(), ends.tolist()

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
        if holding is None or len(docs) * 4 < len(holding):
            return self._count(needle, docs).astype(np.float64)
        counts = self.cached(("counts", needle), lambda: self._count(needle, holding))
        return counts[self.positions(docs, holding)].astype(np.float64)

    def _count(self, needle: str, docs: np.ndarray) -> np.ndarray:
        texts, starts, ends = self.slices(docs)
        return np.fromiter(map(str.count, texts, repeat(needle), starts, ends),
                           dtype=np.int32, count=len(docs))

    def members(self, docs: np.ndarray, of: np.ndarray) -> np.ndarray:
        """Bool per element of `docs`: is it in the sorted array `of`? Binary search for
        a few docs, a mask over every docnum for many (O(size) beats O(n log n) there)."""
        if len(docs) * 16 > len(self.live):
            return mask(self, of)[docs]
        if not len(of):
            return np.zeros(len(docs), dtype=bool)
        at = np.minimum(np.searchsorted(of, docs), len(of) - 1)
        return of[at] == docs

    def positions(self, docs: np.ndarray, of: np.ndarray) -> np.ndarray:
        """Index in the sorted array `of` of each of `docs` (all in it)."""
        if len(docs) * 16 > len(self.live):
            where = np.zeros(len(self.live), dtype=np.int32)
            where[of] = np.arange(len(of), dtype=np.int32)
            return where[docs]
        return np.searchsorted(of, docs)

    def record(self, docnum: int) -> Record:
        """Whoosh's stored fields of one paragraph: read for the hits on the page only."""
        with self._lock:
            if self._reader is None:
                self._reader = self.ix.reader()
            stored = self._reader.stored_fields(int(docnum))
        return Record(doc=stored["doc"], n=stored["n"], title=stored.get("title", ""),
                      region=stored.get("region", ""),
                      parents=tuple(stored.get("parents") or ()),
                      level=stored.get("level", ""), year=stored.get("year"),
                      date=stored.get("date"), section=tuple(stored.get("section") or ()),
                      heading_level=stored.get("heading_level", 0),
                      text=stored.get("body", ""))

    def facet_counts(self, docs: np.ndarray) -> dict[str, dict[str, int]]:
        """Counts by region, year, level and top-level section over `docs`."""
        result = {}
        for name, facet in self.facets.items():
            counts = np.bincount(facet.ids[docs] + 1, minlength=len(facet.values) + 1)[1:]
            result[name] = {facet.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}
        return result


def mask(store: DocStore, docs: np.ndarray) -> np.ndarray:
    """A bool mask over docnums, True at `docs`."""
    result = np.zeros(len(store.live), dtype=bool)
    result[docs] = True
    return result


def _literal(store: DocStore, needle: str) -> np.ndarray:
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
    return store.search_each(candidates, lambda text, s, e: text.find(needle, s, e) >= 0)


def _grams(needle: str) -> list[str]:
    """The store grams every paragraph containing `needle` holds (a lone space: none)."""
    if len(needle) == 1:
        return [] if needle.isspace() else [needle]
    return list({needle[i:i + 2] for i in range(len(needle) - 1)})


_stores: dict[Path, DocStore] = {}  # index directory -> store of its published generation
_stores_lock = threading.Lock()


def store_for(index_dir: Path) -> DocStore:
    """The DocStore of the published generation (raises index.IndexMissing / Incompatible).
    Once a newer generation is published, the next call loads it and drops the old one."""
    ix = index_module.open_index(index_dir)
    with _stores_lock:
        store = _stores.get(index_dir)
        if store is None or store.ix is not ix:
            store = _load(ix, index_module.mined_synonyms(index_dir))
            _stores[index_dir] = store
        return store


def _load(ix: Index, mined: dict[str, list[str]]) -> DocStore:
    generation = Path(ix.storage.folder)
    try:
        columns = columns_module.open_store(generation)
    except (OSError, ValueError, KeyError) as error:
        raise index_module.IndexIncompatible(
            f"the index in {generation.parent} is incomplete or damaged: "
            "run `searchapp reindex --full` to rebuild it") from error
    live = columns.live.astype(bool)
    place = _facet(columns, "place", "places")
    section = _facet(columns, "section", "sections")
    level = _facet(columns, "level", "levels")
    title = _facet(columns, "title", "titles")
    year = columns.column("year")
    return DocStore(
        ix=ix, columns=columns, synonyms=combine(curated(), mined),
        analyzer=ix.schema["body"].analyzer, live=live,
        live_docs=np.flatnonzero(live).astype(np.int32), year=year,
        date=columns.column("date"), heading=columns.column("heading_level") > 0,
        place=Facet(place.ids, [columns_module.SEP.join(map(normalize, names))
                                for names in place.values]),
        section=section, level=level,
        facets={"region": _regions(place), "year": _years(year),
                "level": level, "section": _facet(columns, "top_section", "top_sections")},
        scored=_scored(columns, live, section, title))


def _facet(columns: columns_module.Store, name: str, kind: str) -> Facet:
    ids, values = columns_module.concat_values(columns, name, kind)
    return Facet(ids, values)


def _regions(place: Facet) -> Facet:
    """Region names as written (the first of each place's names), merged by name."""
    names = list(dict.fromkeys(names[0] for names in place.values))
    position = {name: i for i, name in enumerate(names)}
    of_place = np.asarray([position[names[0]] for names in place.values] + [-1], np.int32)
    return Facet(of_place[place.ids], names)


def _years(year: np.ndarray) -> Facet:
    values = np.unique(year[year > 0])
    ids = np.searchsorted(values, year).astype(np.int32)
    ids[year <= 0] = -1
    return Facet(ids, [str(v) for v in values.tolist()])


def _scored(columns: columns_module.Store, live: np.ndarray, section: Facet,
            title: Facet) -> list[Column]:
    """The BM25F columns with their length norms (averages over live paragraphs)."""
    result = []
    for name, weight, b in FIELDS:
        if name == "body":
            lengths = (np.concatenate([np.diff(p.offsets) - 1 for p in columns.parts])
                       if columns.parts else np.zeros(0, np.int64)).astype(np.float64)
            average = _average(lengths, live)
            result.append(Column(weight, 1.0 - b + b * lengths / average))
            continue
        facet = section if name == "section" else title  # values normalised by the store
        sizes = np.asarray([len(v) for v in facet.values] + [0], dtype=np.float64)
        result.append(distinct_column(weight, b, facet.values, facet.ids,
                                      _average(sizes[facet.ids], live)))
    return result


def _average(lengths: np.ndarray, live: np.ndarray) -> float:
    return max(float(lengths[live].mean()) if live.any() else 0.0, 1.0)
