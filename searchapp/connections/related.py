"""「相关段落」: the paragraphs of other reports that say most nearly the same thing.

Whoosh's more_like needs an analyzer it can call, and ours (a jieba tokenizer written for
our own segment writer) is not one; so this is its method done over our word index: the
paragraph's key terms (the jieba words it is cut into, weighted tf × idf over
paragraphs, as Whoosh's key_terms), then every paragraph holding any of them scored by
BM25 with those weights (length from the paragraph's characters). A paragraph of the same
report is not "another report"; a plain copy (half or more of either paragraph in shared
runs of 14+ characters, as copied text is measured) or a second copy of one already listed
says nothing new.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from searchapp.connections.locate import located, report_of
from searchapp.connections.words import content_words
from searchapp.index.copies import K
from searchapp.index.generation import Generation

TERMS = 12  # key terms a paragraph is represented by
COMMON = 0.2  # a word in more than this share of paragraphs says little about one
COPY_SHARE = 0.5  # shared runs covering this much of either paragraph: a plain copy
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Related:
    doc: str
    n: int
    title: str
    region: str
    year: int | None
    text: str
    score: float
    terms: tuple[str, ...]  # the key terms it shares with the paragraph asked about

    def to_json(self) -> dict:
        return {"doc": self.doc, "paragraph": self.n, "title": self.title,
                "region": self.region, "year": self.year, "text": self.text,
                "score": round(self.score, 3), "terms": list(self.terms)}


def key_terms(gen: Generation, body: str, count: int = TERMS) -> list[tuple[str, float]]:
    """The paragraph's `count` best words by tf × idf (ties: the word), with their idf."""
    words = Counter(content_words(gen, body, mode="query"))  # 高标准农田, not also 高标, 标准
    size = max(gen.size, 1)
    scored = []
    for word, tf in words.items():
        df = gen.word_doc_frequency(word)
        if 0 < df <= max(COMMON * size, 1):
            idf = math.log(1 + (size - df + 0.5) / (df + 0.5))
            scored.append((-tf * idf, word, idf))
    return [(word, idf) for _, word, idf in sorted(scored)[:count]]


def related(gen: Generation, docnum: int, limit: int = 10) -> list[Related]:
    """The paragraphs of other reports most like paragraph `docnum`, best first (ties: the
    earlier docnum), without plain copies of it or of each other."""
    body = gen.body(docnum)
    terms = key_terms(gen, body)
    if not terms:
        return []
    docs, scores, holding = _scored(gen, terms)
    where = located(gen)
    others = where.report[docs] != where.report[docnum]
    docs, scores, holding = docs[others], scores[others], holding[others]
    order = np.lexsort((docs, -scores))
    chosen: list[Related] = []
    kept_bodies = [body]
    for i in order.tolist():
        other = gen.body(int(docs[i]))
        if any(_plain_copy(other, kept) for kept in kept_bodies):
            continue
        kept_bodies.append(other)
        chosen.append(_related(gen, int(docs[i]), float(scores[i]),
                               tuple(t for bit, (t, _) in enumerate(terms)
                                     if holding[i] >> bit & 1)))
        if len(chosen) == limit:
            break
    return chosen


def _scored(gen: Generation, terms: list[tuple[str, float]]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(docs, BM25 score, bit mask of the terms each holds) over the terms' postings."""
    postings = [gen.word_postings(word) for word, _ in terms]
    docs = np.concatenate(postings) if postings else np.zeros(0, np.int32)
    weights = np.concatenate([np.full(len(p), idf) for p, (_, idf) in
                              zip(postings, terms, strict=True)])
    bits = np.concatenate([np.full(len(p), 1 << i, np.int64) for i, p in enumerate(postings)])
    unique, inverse = np.unique(docs, return_inverse=True)
    lengths = _lengths(gen)
    norm = K1 * (1 - B + B * lengths[unique] / max(float(lengths.mean()), 1.0))
    scores = np.bincount(inverse, weights=weights, minlength=len(unique)) * (K1 + 1) / (1 + norm)
    holding = np.zeros(len(unique), np.int64)
    np.bitwise_or.at(holding, inverse, bits)
    return unique, scores, holding


def _lengths(gen: Generation) -> np.ndarray:
    return gen.derived("connections:lengths",
                       lambda g: np.asarray(g.columns.body_lengths(), dtype=np.float64))


def _plain_copy(a: str, b: str) -> bool:
    """Half or more of either text lies in runs of K+ characters both hold."""
    shared = _windows(a) & _windows(b)
    if not shared:
        return False
    return max(_covered(a, shared) / len(a), _covered(b, shared) / len(b)) >= COPY_SHARE


def _windows(text: str) -> set[str]:
    return {text[i:i + K] for i in range(len(text) - K + 1)}


def _covered(text: str, shared: set[str]) -> int:
    inside = np.zeros(len(text), dtype=bool)
    for i in range(len(text) - K + 1):
        if text[i:i + K] in shared:
            inside[i:i + K] = True
    return int(inside.sum())


def _related(gen: Generation, docnum: int, score: float, terms: tuple[str, ...]) -> Related:
    doc, n = report_of(gen, docnum)
    meta = gen.reports.get(doc, {})
    return Related(doc, n, meta.get("title", ""), meta.get("region", ""), meta.get("year"),
                   gen.record(docnum).text, score, terms)
