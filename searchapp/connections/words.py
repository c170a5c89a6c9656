"""The words the connections compare paragraphs by: jieba words as the index holds them
(sub-words too), and how many paragraphs hold each, remembered per generation (the word
index answers in ~0.25 ms a word; a report has thousands)."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from searchapp.index.generation import Generation
from searchapp.text.tokenize import word_tokens

_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # more than digits and signs


def content_words(gen: Generation, body: str, mode: str = "index") -> list[str]:
    """The normalised body's words of two or more characters with a letter or Han
    character in them, in order, repeats kept: as the index holds them (sub-words too), or
    with mode="query" only the words the text is cut into."""
    return [w for w in word_tokens(body, mode=mode, analyzer=gen.analyzer) if is_content(w)]


def content_counts(gen: Generation, bodies: list[str]) -> list[Counter[str]]:
    """Counter(content_words(gen, body)) of each normalised body (as the index holds
    them), counted the way the writer counts (count_words: each distinct word analysed
    once), about twice as fast as the tokenizer's word-by-word generator."""
    if not bodies:
        return []
    counted = gen.analyzer.count_words(bodies)  # type: ignore[attr-defined]
    keep = np.asarray([is_content(t) for t in counted.terms], dtype=bool)
    per_body = np.split(counted.tokens, np.cumsum(counted.counts)[:-1])
    return [Counter(counted.terms[t] for t in tokens[keep[tokens]].tolist())
            for tokens in per_body]


def is_content(word: str) -> bool:
    """Two or more characters, at least one a Han character or a letter."""
    return len(word) >= 2 and _CONTENT.search(word) is not None

