"""Relevance: BM25F over body, section path and title, plus tiers and proximity.

Term statistics are counted on substrings of the normalised text, not on
jieba tokens: a Chinese reader searching 发展 means every 发展, including the
one inside 高质量发展, and segmentation must never decide whether a paragraph
counts. The ordering a reader trusts is tiered (see search.py): a paragraph
containing the user's own word literally always ranks above one that only
contains an expansion, which ranks above one that only has the word's pieces;
BM25F and proximity order paragraphs within a tier.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

K1 = 1.2
FIELDS = (  # (name, weight, length normalisation b)
    ("body", 1.0, 0.75),
    ("section", 0.6, 0.3),  # a heading above the paragraph that names the topic
    ("title", 0.2, 0.0),  # report titles are near-identical; they mostly carry the region
)
NEAR = ((0, 1.5), (3, 1.0), (12, 0.5))  # (max characters between the words, bonus)
PROXIMITY_BONUS = NEAR[0][1]  # the largest bonus


@dataclass(frozen=True)
class Fields:
    """The normalised texts of one paragraph, as scored."""

    body: str
    section: str
    title: str


@dataclass(frozen=True)
class Column:
    """One scored field across the whole index, ready for the hot loop."""

    weight: float
    texts: list[str]  # by docnum ("" for deleted documents)
    norms: list[float]  # BM25 length normalisation 1 - b + b * len / avg_len, by docnum
    distinct: list[str]  # section paths and titles repeat: count each distinct text once
    ids: list[int] | None  # docnum -> index into distinct; None for the body (all distinct)


def columns(fields: Sequence[Fields | None]) -> list[Column]:
    """The FIELDS of every paragraph as columns (built once per index generation)."""
    result = []
    for name, weight, b in FIELDS:
        texts = [getattr(f, name) if f is not None else "" for f in fields]
        live = [t for f, t in zip(fields, texts, strict=True) if f is not None]
        average = max(sum(map(len, live)) / max(len(live), 1), 1.0)
        norms = [1.0 - b + b * len(t) / average for t in texts]
        if name == "body":
            result.append(Column(weight, texts, norms, [], None))
            continue
        distinct = sorted(set(texts))
        position = {text: i for i, text in enumerate(distinct)}
        result.append(Column(weight, texts, norms, distinct, [position[t] for t in texts]))
    return result


def idf(doc_freq: int, docs: int) -> float:
    """Robertson–Spärck Jones idf, kept positive for very common strings."""
    return math.log(1.0 + (docs - doc_freq + 0.5) / (doc_freq + 0.5))


def bm25f(needle: str, docs: Sequence[int], columns: Sequence[Column], doc_freq: int,
          total_docs: int) -> list[float]:
    """BM25F of one string in each of `docs`: field-weighted, length-normalised counts,
    saturated once. Column-wise list comprehensions: this is the hot loop of a query."""
    pseudo_tf = [0.0] * len(docs)
    for column in columns:
        counts = _counts(needle, docs, column)
        if counts:
            norms, weight = column.norms, column.weight
            pseudo_tf = [tf + weight * c / norms[d] if c else tf
                         for tf, c, d in zip(pseudo_tf, counts, docs, strict=True)]
    scale = idf(doc_freq, total_docs) * (K1 + 1.0)
    return [scale * tf / (K1 + tf) for tf in pseudo_tf]


def _counts(needle: str, docs: Sequence[int], column: Column) -> list[int] | None:
    """Occurrences of needle in each doc's text of this column; None when there are none."""
    if column.ids is None:
        texts = column.texts
        counts = [texts[d].count(needle) for d in docs]
        return counts if any(counts) else None
    distinct_counts = [text.count(needle) for text in column.distinct]
    if not any(distinct_counts):
        return None
    ids = column.ids
    return [distinct_counts[ids[d]] for d in docs]


def proximity(body: str, units: tuple[tuple[str, ...], ...]) -> float:
    """Bonus when the query's words stand close together in the paragraph: side by side
    (an exact phrase of the query words) earns most. Each unit is one word's needles
    (any of them may stand for the word)."""
    for pattern, bonus in _near_patterns(units):
        if pattern.search(body):
            return bonus
    return 0.0


@lru_cache(maxsize=2048)
def _near_patterns(units: tuple[tuple[str, ...], ...]) -> list[tuple[re.Pattern[str], float]]:
    """One regular expression per NEAR level: the units in any order (in query order beyond
    three), consecutive ones at most `gap` characters apart."""
    alternatives = ["(?:" + "|".join(map(re.escape, needles)) + ")" for needles in units]
    orders = list(permutations(alternatives)) if len(units) <= 3 else [alternatives]
    return [(re.compile("|".join(f".{{0,{gap}}}".join(o) for o in orders), re.S), bonus)
            for gap, bonus in NEAR]


def display_score(tier: int, score: float) -> float:
    """One number that sorts exactly like (tier, score): the tier plus a fraction below 1."""
    return round(tier + score / (score + 1.0), 6)
