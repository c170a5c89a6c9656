"""The published index held in memory: stored fields, normalised texts, literal lookup.

Whoosh scoring in pure Python costs 30–60 ms for a common word over the
national reports, and re-analysing hits for highlights costs more; our
target is ~20 ms per query with highlights and facets. So each index
generation is read once into plain lists (docnum -> value), and:
  * literal (substring) lookup asks the body_ngram / body_char postings of
    the rarest n-gram for candidates and confirms each on the normalised text
    (or scans every text when even the rarest n-gram is everywhere);
  * filters, facets, scoring and highlights run on these lists.
A DocStore's data never changes (only its memo caches grow, within a budget);
a new generation gets a new DocStore.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from searchapp import index as index_module
from searchapp.analysis import normalize, word_tokens
from searchapp.ranking import Column, Fields, columns
from searchapp.synonyms import combine, curated

if TYPE_CHECKING:
    from whoosh.index import Index

SCAN_FRACTION = 8  # rarest n-gram in more than 1/8 of paragraphs: scanning all texts is faster
CACHE_BUDGET = 2_000_000  # paragraph numbers kept in memo caches (~80 MB at worst), then reset


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
    top_section: str
    heading_level: int
    text: str


@dataclass(eq=False)  # identity: one store per generation
class DocStore:
    ix: Index
    records: list[Record | None]  # by docnum; None for deleted documents
    fields: list[Fields | None]  # normalised texts, by docnum
    live: frozenset[int]
    columns: list[Column]  # body, section, title: what BM25F scores
    synonyms: dict[str, list[str]]  # curated + mined, keyed by normalised word
    analyzer: object  # the word analyzer stored in the schema: the index's own dictionary
    tie: list[int]  # docnum -> rank of (doc, n): the fixed tie-break of every ordering
    places: dict[tuple[str, ...], frozenset[int]]  # normalised (region, *parents) -> docnums
    facet_values: dict[str, list[str | None]]  # facet name -> docnum -> value
    _searcher: object = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _memo: dict[object, frozenset[int]] = field(default_factory=dict)
    _memo_size: int = 0

    def literal(self, needle: str) -> frozenset[int]:
        """Paragraphs whose normalised body contains `needle` (already normalised)."""
        return self.cached(("literal", needle), lambda: _literal(self, needle))

    def cached(self, key: object, compute: Callable[[], frozenset[int]]) -> frozenset[int]:
        """Memoise a paragraph set for this generation (literals, filters, piece matches):
        queries repeat their words, and a word's set never changes within a generation."""
        found = self._memo.get(key)
        if found is None:
            found = compute()
            if self._memo_size + len(found) > CACHE_BUDGET:
                self._memo.clear()
                self._memo_size = 0
            self._memo[key] = found
            self._memo_size += len(found)
        return found

    def pieces(self, word: str) -> list[str]:
        """jieba's words for `word`, with the dictionary this index was built with."""
        return word_tokens(word, mode="query", analyzer=self.analyzer)

    def subwords(self, word: str) -> list[str]:
        """The dictionary words inside `word` (乡村, 振兴 in 乡村振兴), as the index holds them."""
        return [w for w in word_tokens(word, mode="index", analyzer=self.analyzer) if w != word]

    def doc_freq_estimate(self, needle: str) -> int:
        """An upper bound of len(literal(needle)) from the n-gram lexicon alone (cheap)."""
        field_name, grams = _grams(needle)
        return min((self.doc_freq(field_name, g) for g in grams), default=0)

    def doc_freq(self, field_name: str, text: str) -> int:
        with self._lock:
            return self._reader().doc_frequency(field_name, text)

    def postings(self, field_name: str, text: str) -> list[int]:
        with self._lock:
            return list(self._reader().postings(field_name, text).all_ids())

    def _reader(self):  # noqa: ANN202 - a whoosh searcher, opened once per generation
        if self._searcher is None:
            self._searcher = self.ix.searcher()
        return self._searcher

    def facets(self, docnums: frozenset[int]) -> dict[str, Counter]:
        """Counts by region, year, level and top-level section over `docnums`."""
        counts = {name: Counter(map(values.__getitem__, docnums))
                  for name, values in self.facet_values.items()}
        for counter in counts.values():
            counter.pop(None, None)  # no year / no section
        return counts


_stores: weakref.WeakKeyDictionary[Index, DocStore] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def store_for(index_dir: Path) -> DocStore:
    """The DocStore of the published generation (raises index.IndexMissing / Incompatible)."""
    ix = index_module.open_index(index_dir)
    with _stores_lock:
        store = _stores.get(ix)
        if store is None:
            store = _load(ix, index_module.mined_synonyms(index_dir))
            _stores[ix] = store
        return store


def _load(ix: Index, mined: dict[str, list[str]]) -> DocStore:
    records: list[Record | None] = [None] * ix.doc_count_all()
    texts: list[Fields | None] = [None] * len(records)
    heading_paths: dict[str, str] = {}  # a path or title is shared by many paragraphs
    with ix.searcher() as searcher:
        for docnum, stored in searcher.reader().iter_docs():
            record = _record(stored)
            records[docnum] = record
            path = " ".join(record.section)
            for shared in (path, record.title):
                if shared not in heading_paths:
                    heading_paths[shared] = normalize(shared)
            texts[docnum] = Fields(normalize(record.text), heading_paths[path],
                                   heading_paths[record.title])
    live = frozenset(d for d, r in enumerate(records) if r is not None)
    return DocStore(ix=ix, records=records, fields=texts, live=live, columns=columns(texts),
                    synonyms=combine(curated(), mined), analyzer=ix.schema["body"].analyzer,
                    tie=_tie_ranks(records), places=_places(records),
                    facet_values=_facet_values(records))


def _places(records: list[Record | None]) -> dict[tuple[str, ...], frozenset[int]]:
    groups: dict[tuple[str, ...], set[int]] = {}
    for docnum, r in enumerate(records):
        if r is not None:
            key = tuple(normalize(name) for name in (r.region, *r.parents))
            groups.setdefault(key, set()).add(docnum)
    return {key: frozenset(docs) for key, docs in groups.items()}


def _tie_ranks(records: list[Record | None]) -> list[int]:
    order = sorted((r.doc, r.n, d) for d, r in enumerate(records) if r is not None)
    ranks = [0] * len(records)
    for rank, (_, _, docnum) in enumerate(order):
        ranks[docnum] = rank
    return ranks


def _facet_values(records: list[Record | None]) -> dict[str, list[str | None]]:
    def column(get: Callable[[Record], str | None]) -> list[str | None]:
        return [get(r) if r is not None else None for r in records]
    return {"region": column(lambda r: r.region),
            "year": column(lambda r: None if r.year is None else str(r.year)),
            "level": column(lambda r: r.level),
            "section": column(lambda r: r.top_section or None)}


def _record(stored: dict) -> Record:
    return Record(doc=stored["doc"], n=stored["n"], title=stored.get("title", ""),
                  region=stored.get("region", ""), parents=tuple(stored.get("parents") or ()),
                  level=stored.get("level", ""), year=stored.get("year"),
                  date=stored.get("date"), section=tuple(stored.get("section") or ()),
                  top_section=stored.get("top_section", ""),
                  heading_level=stored.get("heading_level", 0), text=stored.get("body", ""))


def _literal(store: DocStore, needle: str) -> frozenset[int]:
    field_name, grams = _grams(needle)
    if not grams:
        return frozenset()
    freqs = {gram: store.doc_freq(field_name, gram) for gram in grams}
    rarest = min(grams, key=lambda g: (freqs[g], g))
    if freqs[rarest] == 0:
        return frozenset()
    if freqs[rarest] * SCAN_FRACTION > len(store.live):
        candidates = store.live
    else:
        candidates = store.postings(field_name, rarest)
    fields = store.fields
    return frozenset(d for d in candidates if fields[d] is not None and needle in fields[d].body)


def _grams(needle: str) -> tuple[str, list[str]]:
    """The n-gram field and terms that every paragraph containing `needle` must hold."""
    if len(needle) == 1:
        return "body_char", ([] if needle.isspace() else [needle])
    return "body_ngram", sorted({needle[i:i + 2] for i in range(len(needle) - 1)})
