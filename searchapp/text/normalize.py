"""Normalisation: fold width, script and case one character at a time.

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

Ingestion, the index and search all import this module; it imports neither
Whoosh nor jieba, so reading a report never loads the engine.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence

import numpy as np
from opencc import OpenCC


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


def normalize_all(texts: Sequence[str]) -> list[str]:
    """normalize() of each text, in one vectorised pass over their code points (a
    reindex folds millions of characters; str.translate costs ~0.5 µs per character)."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):  # a text holding NUL itself
        return [normalize(text) for text in texts]
    try:
        points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # lone surrogates: fold text by text
        return [normalize(text) for text in texts]
    present = np.flatnonzero(np.bincount(points))
    table = np.zeros(int(present[-1]) + 1 if len(present) else 1, dtype=np.uint32)
    table[present] = [ord(_FOLD[int(c)]) for c in present.tolist()]
    folded = table[points].tobytes().decode("utf-32-le")
    return folded.split("\x00") if texts else []
