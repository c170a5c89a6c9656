"""jieba word tokens: the word field `body` of the index and the words of a query.

Words are segmented on normalised text (normalize.py) with the dictionary the
index was built with (dictionary.py), so a query is cut exactly as the
paragraphs were. Offsets are into the original text (normalisation keeps the
length); positions are token ordinals.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from whoosh.analysis import Tokenizer

from searchapp.text.dictionary import Dictionary, jieba_for, project_dictionary
from searchapp.text.normalize import normalize

_MAX_SUBWORD = 6  # longest dictionary word emitted inside a longer token (index mode)


def _keep(word: str) -> bool:
    """Words are made of letters or digits; whitespace and punctuation never are."""
    return any(ch.isalnum() for ch in word)


class JiebaTokenizer(Tokenizer):
    """jieba words with ordinal positions and offsets into the original text.

    mode="index" also emits the dictionary words inside a longer word (乡村 and
    振兴 inside 乡村振兴) at the longer word's position, so a search for the
    part finds the whole while phrase positions still count whole words.
    Queries (any other mode) get whole words only.
    """

    def __init__(self, dictionary: Dictionary | None = None) -> None:
        self.dictionary = dictionary if dictionary is not None else project_dictionary()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer) and self.dictionary == other.dictionary

    def __hash__(self) -> int:
        return hash(self.dictionary.digest)

    def __repr__(self) -> str:
        return f"JiebaTokenizer(digest={self.dictionary.digest!r})"

    def spans(self, value: str, index: bool) -> Iterator[tuple[str, int, int, int]]:
        """(normalised word, ordinal, start, end) for each word of `value`."""
        segmenter = jieba_for(self.dictionary)
        pos = 0
        for word, start, end in segmenter.tokenize(normalize(value)):
            if not _keep(word):
                continue
            yield word, pos, start, end
            if index and len(word) > 2:
                yield from _subwords(word, pos, start, segmenter.has_word)
            pos += 1

    def count_words(self, texts: Iterable[str]) -> WordCounts:
        """The index-mode words of already-normalised texts, as numbers: what the writer
        turns into postings. Same words as spans(index=True), without offsets or
        positions. Each distinct segmenter word is analysed once (a corpus repeats its
        words); the per-occurrence work is a C-level map and numpy."""
        segmenter = jieba_for(self.dictionary)
        word_ids = _Numbering()
        occurrences = array("q")  # 8 bytes per word; a list of ints took 36
        per_text: list[int] = []
        for text in texts:
            words = segmenter.cut(text)
            per_text.append(len(words))
            occurrences.extend(map(word_ids.__getitem__, words))
        terms = _Numbering()
        emitted = [[terms[t] for t in _index_words(word, segmenter.has_word)]
                   for word in word_ids]
        sizes = np.asarray([len(e) for e in emitted], dtype=np.int64)
        flat = np.asarray([t for e in emitted for t in e], dtype=np.int32)
        starts = np.concatenate(([0], np.cumsum(sizes)))
        words = np.frombuffer(occurrences, dtype=np.int64)
        repeats = sizes[words]  # terms emitted by each occurrence
        first = np.repeat(starts[words] - np.concatenate(([0], np.cumsum(repeats)[:-1])),
                          repeats)
        tokens = flat[first + np.arange(len(first))]
        text_of = np.repeat(np.arange(len(per_text)), per_text)
        counts = np.bincount(text_of, weights=repeats, minlength=len(per_text))
        return WordCounts(list(terms), tokens, counts.astype(np.int64))


@dataclass(frozen=True)
class WordCounts:
    """Words of a run of texts: terms[tokens[i]] is the i-th word; counts[d] of them in text d."""

    terms: list[str]
    tokens: np.ndarray  # int32 ids into terms, text after text
    counts: np.ndarray  # int64, one per text (the field length Whoosh scores with)


class _Numbering(dict):
    """str -> 0, 1, 2, ... in order of first use; iterates in that order."""

    def __missing__(self, key: str) -> int:
        number = self[key] = len(self)
        return number


def _index_words(word: str, has_word: Callable[[str], bool]) -> list[str]:
    """What one occurrence of a segmenter word emits in index mode: itself and its sub-words
    (as spans() gives them, without a generator per word: the writer asks for each distinct
    word of a batch)."""
    if not _keep(word):
        return []
    found = [word]
    if len(word) > 2:
        for size in range(2, min(len(word), _MAX_SUBWORD + 1)):
            found += [sub for i in range(len(word) - size + 1)
                      if has_word(sub := word[i:i + size])]
    return found


def _subwords(word: str, pos: int, start: int,
              has_word: Callable[[str], bool]) -> Iterator[tuple[str, int, int, int]]:
    for size in range(2, min(len(word), _MAX_SUBWORD + 1)):
        for i in range(len(word) - size + 1):
            if has_word(word[i:i + size]):
                yield word[i:i + size], pos, start + i, start + i + size


def word_analyzer(dictionary: Dictionary | None = None) -> JiebaTokenizer:
    """Analyzer of the word field `body` (and of queries against it).

    Without `dictionary`, the project dictionary (no corpus-mined terms).
    Query code should prefer the analyzer stored in the index schema
    (`ix.schema["body"].analyzer`): it carries the dictionary the index was
    built with, mined terms included.
    """
    return JiebaTokenizer(dictionary)


def word_tokens(text: str, mode: str = "query",
                analyzer: JiebaTokenizer | None = None) -> list[str]:
    """Normalised jieba words of `text`; mode="index" adds the sub-words the index holds."""
    analyzer = analyzer if analyzer is not None else _default_word_analyzer()
    return [word for word, _, _, _ in analyzer.spans(text, index=mode == "index")]


_default: list[JiebaTokenizer] = []


def _default_word_analyzer() -> JiebaTokenizer:
    if not _default:
        _default.append(JiebaTokenizer())
    return _default[0]
