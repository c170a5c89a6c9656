"""The words the connections compare paragraphs by: jieba words as the index holds them
(sub-words too), and how many paragraphs hold each, remembered per generation (the word
index answers in ~0.25 ms a word; a report has thousands)."""

from __future__ import annotations

import re

from searchapp.index.generation import Generation
from searchapp.text.tokenize import word_tokens

_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # more than digits and signs


def content_words(gen: Generation, body: str, mode: str = "index") -> list[str]:
    """The normalised body's words of two or more characters with a letter or Han
    character in them, in order, repeats kept: as the index holds them (sub-words too), or
    with mode="query" only the words the text is cut into."""
    return [w for w in word_tokens(body, mode=mode, analyzer=gen.analyzer) if is_content(w)]


def is_content(word: str) -> bool:
    """Two or more characters, at least one a Han character or a letter."""
    return len(word) >= 2 and _CONTENT.search(word) is not None


def doc_frequency(gen: Generation, word: str) -> int:
    """Paragraphs whose words include `word` (Generation.word_doc_frequency, memoised)."""
    known: dict[str, int] = gen.derived("connections:df", lambda g: {})
    found = known.get(word)
    if found is None:
        found = known[word] = gen.word_doc_frequency(word)
    return found
