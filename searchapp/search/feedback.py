"""Pseudo-relevance feedback: the words the best hits share, for what the query's own words miss.

Reports often treat a topic without its name (粮食安全 → 粮食生产、储备、耕地保护). When the
literal tiers find few paragraphs, the jieba words that several of the top hits share and
that are rare in the corpus (document frequency from the Whoosh word index) describe the
topic in the reports' own vocabulary; paragraphs holding at least two of them form the lowest
tier (matching.FEEDBACK), ranked by BM25 over those words, below everything the reader typed.
The same words, weighted (profile), also order the literal hits of a one-word query: a
paragraph about the topic shares its vocabulary, a passing mention sits among other words
(scoring.coherence).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from searchapp.index.generation import Generation
from searchapp.text.dictionary import jieba_for

TOP_DOCS = 20  # best hits read for feedback
MIN_SHARED = 3  # a word must occur in this many of them (in both, when there are only 2)
MAX_TERMS = 16  # (10, 2, 8 before: Recall@100 0.773 -> 0.813 on eval/dev.jsonl, nDCG@10 unchanged)
MAX_SHARE = 0.05  # words in more paragraphs than this describe everything, not the topic
MIN_PARAGRAPHS = 150  # below this (one report: 90–125 paragraphs), document frequencies
#   say too little to choose words: on the judged queries, indexes of one national report
#   lost 0.002–0.007 nDCG@10 with feedback, while two to eight reports (200–700
#   paragraphs) gained up to 0.025 and Recall@100 0.01–0.06; the two seed reports (191)
#   +0.009. (It was 1,000: the seeds, the corpus served out of the box, had none.)
_DISCOURSE = re.compile("第|我|[一二两三四五六七八九十百千万]+[是个项条点次方]")
WORDS_KEPT = 500  # paragraphs whose words are kept (~10 KB each)
WARM_SAMPLE = 400  # paragraphs, spread over the corpus, whose common words warm() looks up
WARM_SHARED = 3  # a word in this many of them is common enough to look up at start


def feedback_terms(gen: Generation, top: np.ndarray, own: set[str],
                   searched: set[str]) -> tuple[str, ...]:
    """The words shared by at least MIN_SHARED of the `top` paragraphs, best idf first;
    never the query's own words or pieces (nor words inside them), nor a string already
    searched."""
    return tuple(profile(gen, top, own, searched))


def profile(gen: Generation, top: np.ndarray, own: set[str],
            searched: set[str]) -> dict[str, float]:
    """feedback_terms with their weights (paragraphs of `top` holding the word × its idf),
    best first: what the best hits are about besides the query's words. Empty for a corpus
    too small to tell (MIN_PARAGRAPHS)."""
    if gen.size < MIN_PARAGRAPHS:
        return {}
    shared = _paragraphs_per_word(gen, top[:TOP_DOCS])
    limit = MAX_SHARE * gen.size
    needed = max(2, min(MIN_SHARED, len(top[:TOP_DOCS])))  # of 2 hits (一老一小): both
    scored = []
    for word, count in shared.items():  # tested once per word, and only if shared enough:
        # ~150 of the ~1,800 words of 20 paragraphs
        if count < needed or word in searched or not _usable(word, own):
            continue
        df = gen.word_doc_frequency(word)
        if 0 < df <= limit:
            scored.append((count * math.log(gen.size / df), word))
    return {word: weight for weight, word in sorted(scored, reverse=True)[:MAX_TERMS]}


def warm(gen: Generation) -> int:
    """Look up the document frequencies of the corpus' common words now, in the server's
    master, so every worker inherits them; the number of words. A profile asks for those of
    ~100 words (35 µs each from Whoosh), most of them the same common ones (推进, 体系, 机制)
    whatever the query: on the benchmark's mix, 813 lookups in the first runs became 221, and
    the first runs cost what they did before the profile ordered hits (scoring.coherence)."""
    if gen.size < MIN_PARAGRAPHS:
        return 0
    live = gen.live_docs
    sample = live[np.linspace(0, len(live) - 1, min(WARM_SAMPLE, len(live))).astype(np.int64)]
    common = [word for word, count in _paragraphs_per_word(gen, sample).items()
              if count >= WARM_SHARED and _usable(word, set())]
    for word in common:
        gen.word_doc_frequency(word)
    return len(common)


def _paragraphs_per_word(gen: Generation, docs: np.ndarray) -> Counter[str]:
    """How many of `docs` hold each jieba word: the body's words as gen.pieces cuts them,
    without its per-word Python steps (18 ms of a cold query for 20 paragraphs). Each
    paragraph's words are kept (WORDS_KEPT paragraphs): a query's feedback reads its best 20,
    and its coherence the best 10 of the same."""
    segmenter = jieba_for(gen.analyzer.dictionary)  # type: ignore[attr-defined]
    kept: dict[int, frozenset[str]] = gen.derived(  # type: ignore[assignment]
        "paragraph-words", lambda g: {})
    counts: Counter[str] = Counter()
    for docnum in docs.tolist():
        words = kept.get(docnum)
        if words is None:
            if len(kept) >= WORDS_KEPT:
                kept.clear()
            words = kept[docnum] = frozenset(segmenter.cut(gen.body(docnum)))
        counts.update(words)
    return counts


def _usable(word: str, own: set[str]) -> bool:
    """A content word: letters, no digits or ordinals (第一, 2023年), no enumerators (二是,
    三个) nor the report speaking of itself (我们, 我市), not the query's own words. A small
    corpus (the two seed reports) lets such words through its document frequencies."""
    return len(word) >= 2 and any(c.isalnum() for c in word) and \
        not any(c.isdigit() for c in word) and not _DISCOURSE.match(word) and \
        not any(word in e or e in word for e in own)
