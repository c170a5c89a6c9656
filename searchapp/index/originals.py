"""The paragraphs as written, rebuilt from their normalised bodies: the text is stored once.

Why: the store keeps the normalised bodies (what matching reads) and Whoosh kept the
original text as a stored field beside them: the same characters twice, a quarter of the
index. Normalisation folds each character on its own and never changes the length
(text/normalize.py), so an original is its normalised body with some characters put
back: for each normalised character the original it most often stands for in the part
(，for ,), and, where the original was another one (an ASCII comma in a Chinese text),
that position and character. A part of Chinese text needs a few dozen pairs and a few
exceptions per thousand characters.

Layout, in a part's folder: originals.pairs.npy (k × 2 uint32: normalised, original),
originals.positions.npy (sorted int64 positions in the part's bodies), originals.chars.npy
(uint32: the original character at each of those positions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SPAN = 1 << 21  # characters compared at a time while building (bounded temporaries)
_ARRAYS = ("pairs", "positions", "chars")
_BMP = 0x10000


@dataclass(frozen=True)
class Originals:
    """One part's way back from its normalised bodies to the texts as written."""

    pairs: np.ndarray  # (k, 2) uint32: normalised character, the original it stands for
    positions: np.ndarray  # int64, sorted: where the original is not what pairs say
    chars: np.ndarray  # uint32: the original characters there
    _tables: dict = field(default_factory=dict, compare=False, repr=False)

    def restore(self, units: np.ndarray, start: int) -> np.ndarray:
        """The original code points of the normalised `units` found at `start` in the part's
        bodies."""
        restored = self._table(int(units.max()) + 1 if len(units) else 0)[units]
        lo, hi = np.searchsorted(self.positions, [start, start + len(units)])
        restored[self.positions[lo:hi] - start] = self.chars[lo:hi]
        return restored

    def _table(self, needed: int) -> np.ndarray:
        """code point -> original, dense: over the BMP (256 KB), or every code point."""
        size = _BMP if needed <= _BMP else 0x110000
        table = self._tables.get(size)
        if table is None:
            table = np.arange(size, dtype=np.uint32)
            inside = self.pairs[self.pairs[:, 0] < size] if len(self.pairs) else self.pairs
            if len(inside):
                table[inside[:, 0]] = inside[:, 1]
            self._tables[size] = table
        return table


def unfolding(points: np.ndarray, originals: np.ndarray) -> Originals:
    """How to rebuild `originals` (code points) from `points` (their normalised form, the
    same length)."""
    if len(points) != len(originals):
        raise ValueError("normalisation changed the length of a text")
    differs = np.flatnonzero(points != originals)
    keys, counts = np.unique((points[differs].astype(np.uint64) << np.uint64(21))
                             | originals[differs], return_counts=True)
    folded, written = (keys >> np.uint64(21)).astype(np.uint32), \
        (keys & np.uint64(0x1FFFFF)).astype(np.uint32)
    involved = np.unique(folded)
    unchanged = _occurrences(points, involved) - _occurrences(points[differs], involved)
    # each normalised character's most frequent original (itself included)
    candidates = np.concatenate([folded, involved]), np.concatenate([written, involved]), \
        np.concatenate([counts, unchanged])
    order = np.lexsort((-candidates[2], candidates[0]))
    chosen = order[np.flatnonzero(np.diff(candidates[0][order], prepend=-1) != 0)]
    pairs = np.stack([candidates[0][chosen], candidates[1][chosen]], axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]].astype(np.uint32)
    table = Originals(pairs.reshape(-1, 2), np.zeros(0, np.int64), np.zeros(0, np.uint32))
    positions = [start + np.flatnonzero(table.restore(points[start:start + SPAN], start)
                                        != originals[start:start + SPAN])
                 for start in range(0, len(points), SPAN)]
    positions = np.concatenate(positions) if positions else np.zeros(0, np.int64)
    return Originals(table.pairs, positions.astype(np.int64),
                     originals[positions].astype(np.uint32))


def _occurrences(points: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """How often each of the sorted `chars` occurs in `points`, a span at a time."""
    total = np.zeros(len(chars), dtype=np.int64)
    for start in range(0, len(points), SPAN):
        counts = np.bincount(points[start:start + SPAN])
        total += counts[np.minimum(chars, len(counts) - 1)] * (chars < len(counts))
    return total


def save(originals: Originals, directory: Path) -> None:
    for name in _ARRAYS:
        np.save(directory / f"originals.{name}.npy", getattr(originals, name))


def load(directory: Path) -> Originals:
    """A part's originals table: the pairs read, the exceptions memory-mapped (where ASCII
    and full-width digits or brackets mix they reach ~1 % of the characters: 30 MB per
    worker at 200× when they were read)."""
    pairs, positions, chars = (np.load(directory / f"originals.{name}.npy", allow_pickle=False,
                                       mmap_mode=None if name == "pairs" else "r")
                               for name in _ARRAYS)
    if pairs.ndim != 2 or len(positions) != len(chars):
        raise ValueError(f"the originals table of {directory} is inconsistent")
    return Originals(pairs, positions, chars)
