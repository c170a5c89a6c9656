"""「本报告特色词」: the words a report (or a region's, or a year's reports) uses markedly
more than the rest of the corpus.

The statistic is Dunning's log-likelihood G² over the 2×2 table of a word's occurrences
and all other words' in the part and in the rest (Dunning 1993; Rayson & Garside 2000 use
it to compare corpora): unlike a ratio of rates it does not crown a word seen twice, and
unlike χ² it stays sound for the rare words that make a report distinctive. Counts come
from the word index as it was built (jieba words of the normalised bodies, sub-words
too), so the part's counts and the corpus's are of the same words. Only words the text
itself is cut into are offered (not index-only pieces such as 一九五 of 一九五八年), and a
word inside a better-placed one (乡村 under 乡村振兴, with no more uses of its own) is left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from searchapp.connections.locate import report_docnums
from searchapp.connections.words import is_content
from searchapp.index.generation import Generation
from searchapp.text.dictionary import jieba_for

SIGNIFICANT = 10.83  # G² at p < 0.001 (χ², one degree of freedom)
MIN_COUNT = 3  # uses in the part: fewer is an accident, whatever G² says


@dataclass(frozen=True)
class Term:
    word: str
    count: int  # in the part
    rest: int  # in the rest of the corpus
    g2: float
    ratio: float  # the part's rate over the rest's (inf when the rest has none)

    def to_json(self) -> dict:
        return {"word": self.word, "count": self.count, "rest": self.rest,
                "g2": round(self.g2, 2),
                "ratio": None if math.isinf(self.ratio) else round(self.ratio, 2)}


def g2(a: int, b: int, c: int, d: int) -> float:
    """Log-likelihood G² of the 2×2 table [[a, b], [c, d]]: a word's uses in the part (a)
    and in the rest (b), all other words' in the part (c) and in the rest (d)."""
    n = a + b + c + d
    if n == 0:
        return 0.0
    rows, cols = (a + b, c + d), (a + c, b + d)
    cells = ((a, rows[0], cols[0]), (b, rows[0], cols[1]),
             (c, rows[1], cols[0]), (d, rows[1], cols[1]))
    return 2 * sum(o * math.log(o * n / (r * k)) for o, r, k in cells if o > 0)


def distinctive(gen: Generation, report_ids: list[str], limit: int = 20) -> list[Term]:
    """The words the reports use markedly more than the rest of the corpus, by G²."""
    counts, words = _counts(gen, report_ids)
    part = sum(counts.values())
    scored = []
    for word, a in counts.items():
        if a < MIN_COUNT or word not in words or not is_content(word):
            continue
        occurrences, total = word_frequency(gen, word)
        b, rest = max(occurrences - a, 0), max(total - part, 0)
        if rest and b / rest >= a / part:
            continue  # used as much or more elsewhere: not this part's word
        score = g2(a, b, part - a, rest - b)
        if score >= SIGNIFICANT:
            ratio = (a / part) / (b / rest) if b and rest else math.inf
            scored.append(Term(word, a, b, score, ratio))
    scored.sort(key=lambda t: (-t.g2, t.word))
    chosen: list[Term] = []
    for term in scored:
        if not any(term.word in kept.word and term.count <= kept.count for kept in chosen):
            chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def _counts(gen: Generation, report_ids: list[str]) -> tuple[Counter[str], set[str]]:
    """Word occurrences in the reports' paragraphs as the index counted them, and the
    words the text is cut into (without the index's extra pieces). Counted the way the
    writer counts (count_words: each distinct word analysed once), not word by word
    through the tokenizer's generator, which cost 0.2 s for a national report."""
    bodies = [gen.body(d) for rid in report_ids for d in report_docnums(gen, rid).tolist()]
    counted = gen.analyzer.count_words(bodies)  # type: ignore[attr-defined]
    per_term = np.bincount(counted.tokens, minlength=len(counted.terms)).tolist()
    counts = Counter({t: c for t, c in zip(counted.terms, per_term, strict=True) if c})
    segmenter = jieba_for(gen.analyzer.dictionary)  # type: ignore[attr-defined]
    words: set[str] = set()
    for body in bodies:
        words.update(segmenter.cut(body))
    return counts, words


def word_frequency(gen: Generation, word: str) -> tuple[int, int]:
    """Generation.word_frequency, remembered per generation: the reports share most of
    their words, so a second report view looks few of them up again."""
    known: dict[str, tuple[int, int]] = gen.derived("connections:word-frequency",
                                                    lambda g: {})
    found = known.get(word)
    if found is None:
        found = known[word] = gen.word_frequency(word)
    return found


def reports_of(gen: Generation, region: str | None = None, year: int | None = None
               ) -> list[str]:
    """The ids of the reports of a region (by name as written) and/or a year."""
    return sorted(rid for rid, meta in gen.reports.items()
                  if (region is None or meta.get("region") == region)
                  and (year is None or meta.get("year") == year))
