"""Text analysis: normalisation, jieba word tokens and character n-grams.

The guarantee everything else leans on: `normalize` folds each character on
its own (NFKC, Traditional -> Simplified, case) and never changes the length
of the text. Hence
  * character offsets computed on normalised text are offsets into the
    original (highlights land on the stored characters), and
  * if s is a substring of t, normalize(s) is a substring of normalize(t), so
    an exact-phrase query finds the paragraph its text was copied from.
A character whose fold would be longer or shorter (NFKC of ㈠ is "(一)",
casefold of ß is "ss", a t2s rule that maps one character to two) keeps its
shorter fold or stays as it is. OpenCC's phrase-level rules are deliberately
not used: they depend on the neighbouring characters, which breaks the
substring property above.

Positions are token ordinals (what phrase queries compare), startchar/endchar
are offsets into the original text; jieba's bundled analyzer confuses the two.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator

from opencc import OpenCC
from whoosh.analysis import Token, Tokenizer

from searchapp.dictionary import Dictionary, jieba_for, project_dictionary

_MAX_SUBWORD = 6  # longest dictionary word emitted inside a longer token (index mode)


class _FoldTable(dict):
    """str.translate table filled lazily, one code point at a time."""

    def __init__(self) -> None:
        super().__init__()
        self._t2s: OpenCC | None = None
        self._lock = threading.Lock()

    def __missing__(self, code: int) -> str:
        folded = self._fold(chr(code))
        self[code] = folded
        return folded

    def _fold(self, char: str) -> str:
        nfkc = unicodedata.normalize("NFKC", char)
        char = nfkc if len(nfkc) == 1 else char
        simplified = self._simplify(char)
        char = simplified if len(simplified) == 1 else char
        for fold in (char.casefold(), char.lower()):
            if len(fold) == 1:
                char = fold
                break
        return " " if char.isspace() else char

    def _simplify(self, char: str) -> str:
        if char.isascii():
            return char
        with self._lock:  # one OpenCC converter per process, created on first use
            if self._t2s is None:
                self._t2s = OpenCC("t2s")
            try:
                return self._t2s.convert(char)
            except (UnicodeError, RuntimeError):  # lone surrogates and the like
                return char


_FOLD = _FoldTable()


def normalize(text: str) -> str:
    """Fold width, script and case per character; len(result) == len(text), always."""
    return text.translate(_FOLD)


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

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = self.spans(value, index=mode == "index") if tokenize else _whole(value)
        for text, pos, start, end in spans:
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    def spans(self, value: str, index: bool) -> Iterator[tuple[str, int, int, int]]:
        """(normalised word, ordinal, start, end) for each word of `value`."""
        jieba = jieba_for(self.dictionary)
        pos = 0
        for word, start, end in jieba.tokenize(normalize(value)):
            if not _keep(word):
                continue
            yield word, pos, start, end
            if index and len(word) > 2:
                yield from _subwords(word, pos, start, jieba.FREQ)
            pos += 1


def _whole(value: str) -> Iterator[tuple[str, int, int, int]]:
    yield normalize(value), 0, 0, len(value)


def _subwords(word: str, pos: int, start: int,
              freq: dict[str, int]) -> Iterator[tuple[str, int, int, int]]:
    for size in range(2, min(len(word), _MAX_SUBWORD + 1)):
        for i in range(len(word) - size + 1):
            if freq.get(word[i:i + size]):
                yield word[i:i + size], pos, start + i, start + i + size


class NgramTokenizer(Tokenizer):
    """Overlapping character n-grams of the normalised text, every character counted.

    Positions are character ordinals, so the bigrams of s at consecutive
    positions occur exactly where normalize(s) occurs: a phrase query over
    this field is an exact substring search, independent of segmentation.
    Whitespace counts as a character (all kinds fold to one space); with
    size=1 whitespace is dropped, since nobody searches for a lone space.
    """

    def __init__(self, size: int = 2) -> None:
        self.size = size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NgramTokenizer) and self.size == other.size

    def __hash__(self) -> int:
        return hash(self.size)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        size = self.size if tokenize else max(len(text), 1)
        for i in range(len(text) - size + 1):
            gram = text[i:i + size]
            if size == 1 and gram == " ":
                continue
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[i:i + size]
            if positions:
                token.pos = start_pos + i
            if chars:
                token.startchar = start_char + i
                token.endchar = start_char + i + size
            yield token


def word_analyzer(dictionary: Dictionary | None = None) -> JiebaTokenizer:
    """Analyzer of the word fields (body, title, section_text).

    Without `dictionary`, the project dictionary (no corpus-mined terms).
    Query code should prefer the analyzer stored in the index schema
    (`ix.schema["body"].analyzer`): it carries the dictionary the index was
    built with, mined terms included.
    """
    return JiebaTokenizer(dictionary)


def ngram_analyzer() -> NgramTokenizer:
    """Analyzer of body_ngram: character bigrams with positions (exact phrases)."""
    return NgramTokenizer(2)


def char_analyzer() -> NgramTokenizer:
    """Analyzer of body_char: single characters, for one-character queries."""
    return NgramTokenizer(1)


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
