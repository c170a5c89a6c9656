"""The search-side columns of an index generation: normalised texts, facets, n-gram postings.

Why not ask Whoosh: its pure-Python postings reader costs ~8 µs per posting, and a
paragraph has ~150 distinct bigrams. So the n-gram postings (what literal, substring
matching reads), the normalised texts (what confirms a match and counts term frequency)
and the facet columns live in numpy arrays beside the Whoosh segments (written by
columns_write.py), and a query touches only the postings it needs.

Every array is its own `.npy` (the bodies a raw UTF-32 file) opened with mmap: the
pages belong to the page cache, shared by every serving worker, and a worker's private
memory does not grow with the corpus. A body is decoded into a str only when a query
reads it (`texts`), a chunk of bodies at a time.

Docnums are Whoosh's: the paragraphs of `reports`, in order, starting at the part's
base. A generation is a list of parts (one per Whoosh segment, in segment order) plus a
generation-wide `live` mask and tie-break ranks, so an incremental reindex adds a part
and rewrites only those two small arrays.

Layout, under <generation>/store/:
    parts.json            {"parts": ["<part>", ...] (in docnum order),
                           "full": parts written by the last full build}
    live.npy, tie.npy     bool / int32 per docnum, whole generation
    <part>/<column>.npy   per-docnum int32 columns (PART_COLUMNS), offsets.npy (int64)
    <part>/grams1.keys.npy, .starts.npy, .docs.npy (and grams2.*)   sorted uint64 keys,
                          int64 starts, int32 docs (relative to the part)
    <part>/bodies.u32     normalised bodies, each followed by SEP, as UTF-32-LE code points
    <part>/values.json    the strings the id columns point into
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

COLUMNS_DIR = "store"  # folder of a generation holding the columns
PARTS = "parts.json"
BODIES = "bodies.u32"
SEP = "\x00"  # between bodies; never inside one (cleaning removes control characters)
_SHIFT = np.uint64(21)  # a code point fits in 21 bits: bigram key = first << 21 | second
NONE = -1
PART_COLUMNS = ("report", "n", "heading_level", "section", "title", "place", "level",
                "year", "date", "top_section")
VALUE_LISTS = ("reports", "sections", "titles", "places", "levels", "top_sections")
GRAM_ARRAYS = ("keys", "starts", "docs")
CHUNK_CHARS = 1 << 18  # characters of bodies decoded into one str at a time


@dataclass(frozen=True)
class Grams:
    """Sorted posting lists of the n-grams of one part: docnums relative to the part."""

    keys: np.ndarray  # uint64, sorted: the n-gram as code points (see gram_key)
    starts: np.ndarray  # int64, len(keys) + 1: postings of keys[i] are docs[starts[i]:starts[i+1]]
    docs: np.ndarray  # int32

    def postings(self, gram: str) -> np.ndarray:
        i = self.find(gram)
        return self.docs[:0] if i < 0 else self.docs[self.starts[i]:self.starts[i + 1]]

    def find(self, gram: str) -> int:
        """Index of `gram` in keys, -1 when no body holds it."""
        key = gram_key(gram)
        i = int(np.searchsorted(self.keys, key))
        return i if i < len(self.keys) and self.keys[i] == key else -1


@dataclass(frozen=True)
class Part:
    """The columns of one run of consecutive docnums (one Whoosh segment)."""

    size: int
    bodies: np.ndarray  # uint32 code points of the normalised bodies, each followed by SEP
    offsets: np.ndarray  # int64, size + 1: body d is bodies[offsets[d]:offsets[d+1] - 1]
    columns: dict[str, np.ndarray]  # PART_COLUMNS, int32 each; ids into `values`, NONE = none
    values: dict[str, list]  # VALUE_LISTS: reports (ids), sections/titles (normalised),
    #                          places ([region, *parents] as written), levels, top_sections
    grams1: Grams
    grams2: Grams

    def body(self, local: int) -> str:
        return _decode(self.bodies[self.offsets[local]:self.offsets[local + 1] - 1])


NO_GRAMS = Grams(np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32))


def gram_key(gram: str) -> np.uint64:
    """uint64 key of a 1- or 2-character gram (code points, so keys sort like the grams)."""
    if len(gram) == 1:
        return np.uint64(ord(gram))
    return (np.uint64(ord(gram[0])) << _SHIFT) | np.uint64(ord(gram[1]))


def _decode(points: np.ndarray) -> str:
    return points.tobytes().decode("utf-32-le")


def load_array(path: Path, mmap: bool = True) -> np.ndarray:
    """A saved array, memory-mapped (read-only) unless it is empty (nothing to map)."""
    array = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    return np.asarray(array) if array.size else np.load(path, allow_pickle=False)


def part_names(root: Path) -> tuple[list[str], int]:
    """The parts of a store in docnum order, and how many the last full build wrote."""
    listing = json.loads((root / PARTS).read_text(encoding="utf-8"))
    if not isinstance(listing, dict) or not isinstance(listing.get("parts"), list):
        raise ValueError(f"{root / PARTS} is not a part list")
    return listing["parts"], int(listing.get("full", len(listing["parts"])))


def load_columns(directory: Path) -> Part:
    """A saved part's columns and values only (no bodies, no postings): what the writer
    needs of the published parts (tie ranks, which docnums a report holds)."""
    columns = {name: np.load(directory / f"{name}.npy") for name in PART_COLUMNS}
    values = json.loads((directory / "values.json").read_text(encoding="utf-8"))
    return Part(len(columns["n"]), np.zeros(0, np.uint32), np.zeros(0, np.int64), columns,
                values, NO_GRAMS, NO_GRAMS)


def load_part(directory: Path) -> Part:
    """A saved part, its arrays memory-mapped."""
    columns = {name: load_array(directory / f"{name}.npy") for name in PART_COLUMNS}
    offsets = load_array(directory / "offsets.npy")
    grams = [Grams(*(load_array(directory / f"{name}.{array}.npy") for array in GRAM_ARRAYS))
             for name in ("grams1", "grams2")]
    bodies_path = directory / BODIES
    size = bodies_path.stat().st_size
    if size % 4 or (len(offsets) > 1 and size // 4 != int(offsets[-1])):
        raise ValueError(f"{bodies_path} has {size} bytes, offsets say otherwise")
    # a plain ndarray over the mapping: slicing an np.memmap builds a memmap object each
    # time (~7 µs); slicing the ndarray view costs ~0.3 µs and shares the same pages
    bodies = np.memmap(bodies_path, dtype="<u4", mode="r").view(np.ndarray) if size \
        else np.zeros(0, np.uint32)
    values = json.loads((directory / "values.json").read_text(encoding="utf-8"))
    return Part(len(offsets) - 1, bodies, offsets, columns, values, grams[0], grams[1])


@dataclass(frozen=True)
class Columns:
    """A whole generation's columns: the parts side by side, docnums global."""

    parts: tuple[Part, ...]
    bases: tuple[int, ...]  # first docnum of each part
    live: np.ndarray  # bool per docnum
    tie: np.ndarray  # int32 per docnum

    @property
    def size(self) -> int:
        return len(self.live)

    def body(self, docnum: int) -> str:
        """The normalised body of a paragraph."""
        part, local = self.locate(docnum)
        return part.body(local)

    def locate(self, docnum: int) -> tuple[Part, int]:
        i = int(np.searchsorted(np.asarray(self.bases), docnum, side="right")) - 1
        return self.parts[i], docnum - self.bases[i]

    def texts(self, docs: np.ndarray) -> tuple[Iterator[str], list[int], list[int]]:
        """(texts, starts, ends) of the bodies of `docs`, in the order given: body i is
        texts[i][starts[i]:ends[i]]. Runs of bodies are decoded into one str at a time
        (about CHUNK_CHARS characters), lazily, so a query holds one chunk, not every body."""
        docs = np.asarray(docs, dtype=np.int64)
        which = np.searchsorted(np.asarray(self.bases), docs, side="right") - 1
        lows, highs = np.zeros(len(docs), np.int64), np.zeros(len(docs), np.int64)
        for i in np.unique(which).tolist():
            chosen = which == i
            local = docs[chosen] - self.bases[i]
            lows[chosen] = self.parts[i].offsets[local]
            highs[chosen] = self.parts[i].offsets[local + 1]  # the SEP after the body
        lengths = highs - lows
        chunk_of = np.cumsum(lengths) // CHUNK_CHARS if len(docs) else lengths
        cuts = np.flatnonzero(np.diff(chunk_of)) + 1 if len(docs) else lengths
        firsts = np.concatenate(([0], cuts)).astype(np.int64)
        # position of each body inside its chunk's str
        before = np.cumsum(lengths) - lengths
        starts = before - np.repeat(before[firsts], np.diff(np.append(firsts, len(docs)))) \
            if len(docs) else lengths
        ends = starts + lengths - 1
        return (self._chunks(which, lows, highs, firsts), starts.tolist(), ends.tolist())

    def _chunks(self, which: np.ndarray, lows: np.ndarray, highs: np.ndarray,
                firsts: np.ndarray) -> Iterator[str]:
        bounds = [*firsts.tolist(), len(which)]
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            pieces = [self.parts[p].bodies[a:b] for p, a, b in
                      zip(which[lo:hi].tolist(), lows[lo:hi].tolist(), highs[lo:hi].tolist(),
                          strict=True)]
            text = b"".join(map(memoryview, pieces)).decode("utf-32-le")
            for _ in range(hi - lo):
                yield text

    def postings(self, gram: str) -> np.ndarray:
        """Sorted global docnums (live or not) whose body contains the 1- or 2-char gram."""
        found = [(part.grams1 if len(gram) == 1 else part.grams2).postings(gram) + base
                 for part, base in zip(self.parts, self.bases, strict=True)]
        found = [f for f in found if len(f)]
        if not found:
            return np.zeros(0, dtype=np.int32)
        return found[0].astype(np.int32) if len(found) == 1 else \
            np.concatenate(found).astype(np.int32)

    def doc_freq(self, gram: str) -> int:
        """Number of paragraphs (live or not) holding the gram: cheap, from the postings bounds."""
        total = 0
        for part in self.parts:
            grams = part.grams1 if len(gram) == 1 else part.grams2
            i = grams.find(gram)
            if i >= 0:
                total += int(grams.starts[i + 1] - grams.starts[i])
        return total

    def body_lengths(self) -> np.ndarray:
        """Characters of each paragraph's body, by docnum."""
        if not self.parts:
            return np.zeros(0, np.int64)
        return np.concatenate([np.diff(p.offsets) - 1 for p in self.parts])

    def column(self, name: str) -> np.ndarray:
        """A PART_COLUMNS column over the whole generation (ids stay per part: see values)."""
        if len(self.parts) == 1:
            return self.parts[0].columns[name]
        return np.concatenate([part.columns[name] for part in self.parts])


def open_columns(generation: Path) -> Columns:
    """The store of a published generation (raises OSError/ValueError when it is damaged)."""
    root = generation / COLUMNS_DIR
    names, _ = part_names(root)
    parts = tuple(load_part(root / name) for name in names)
    bases = tuple(int(b) for b in np.cumsum([0, *[p.size for p in parts]])[:-1])
    live = load_array(root / "live.npy")
    tie = load_array(root / "tie.npy")
    if len(live) != sum(p.size for p in parts) or len(tie) != len(live):
        raise ValueError(f"store of {generation} is inconsistent")
    return Columns(parts, bases, live, tie)


def concat_values(columns: Columns, name: str, kind: str) -> tuple[np.ndarray, list]:
    """A per-part id column turned into one generation-wide id column over one value list
    (places, levels, ...): what facets and filters count with np.bincount."""
    merged: dict = {}
    ids = []
    for part in columns.parts:
        local = [merged.setdefault(_hashable(v), len(merged)) for v in part.values[kind]]
        mapping = np.asarray(local + [NONE], dtype=np.int32)  # NONE (-1) maps to itself
        ids.append(mapping[part.columns[name]])
    values = [list(v) if isinstance(v, tuple) else v for v in merged]
    return (np.concatenate(ids) if ids else np.zeros(0, np.int32)), values


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value
