"""你是不是要找…: for a word nothing matches, the index's own words one character away; for
a quoted phrase, the corpus' spellings of it with other punctuation inside.

Typos in Chinese are mostly one wrong character (营商坏境, 乡村振光). For each position, the
other characters are looked up literally (n-gram columns) and the paragraphs holding them
are scanned for that pattern with any one CJK character in the gap; the strings found most
often are the suggestions, if the word index holds them as words: 夜经济 must not be offered
民经济 (the tail of 国民经济) or 的经济. It runs only when a query has no results.
"""

from __future__ import annotations

import re
from collections import Counter

from searchapp.index.generation import Generation

MAX_CANDIDATES = 2000  # paragraphs scanned per position
MIN_COUNT = 2  # a suggestion must occur this often
_MARKS = "、,，;；:：·・()（）《》〈〉 "  # punctuation as the normalised text keeps it; not
#                                        quotation marks: no quoted phrase can hold one
_MARK_RUN = re.compile(f"[{re.escape(_MARKS)}]+")


def suggestions(gen: Generation, word: str, limit: int = 3) -> list[str]:
    """Strings of the corpus that differ from `word` (normalised) in one character."""
    if not 2 <= len(word) <= 12:
        return []
    found: Counter[str] = Counter()
    for i in range(len(word)):
        left, right = word[:i], word[i + 1:]
        anchor = max(left, right, key=len)
        if len(anchor) < 2 and len(word) > 2:
            continue
        pattern = re.compile(re.escape(left) + r"[\u4e00-\u9fff]" + re.escape(right))
        docs = gen.literal(anchor)[:MAX_CANDIDATES] if anchor else []
        texts, starts, ends = gen.slices(docs) if len(docs) else ([], [], [])
        for text, start, end in zip(texts, starts, ends, strict=True):
            found.update(m for m in pattern.findall(text, start, end) if m != word)
    frequent = [s for s, count in found.most_common() if count >= MIN_COUNT]
    return [s for s in frequent if gen.word_doc_frequency(s)][:limit]


def punctuated(gen: Generation, phrase: str, limit: int = 3) -> list[str]:
    """The corpus' spellings of a quoted phrase (normalised) that differ from it only in
    punctuation: a reader types "双随机一公开" or "双随机，一公开", the reports write
    双随机、一公开. A quoted phrase is exact, so these are offered, never searched."""
    bare = _MARK_RUN.sub("", phrase)
    if len(bare) < 3:
        return []
    gap = f"[{re.escape(_MARKS)}]{{0,2}}"
    pattern = re.compile(gap.join(map(re.escape, bare)))
    docs = gen.literal(bare[:2])
    docs = docs[gen.members(docs, gen.literal(bare[-2:]))][:MAX_CANDIDATES]
    found: Counter[str] = Counter()
    if len(docs):
        for text, start, end in zip(*gen.slices(docs), strict=True):
            found.update(m for m in pattern.findall(text, start, end) if m != phrase)
    return [spelling for spelling, _ in found.most_common(limit)]
