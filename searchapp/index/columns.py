"""The search-side columns of an index generation: normalised texts, facets, n-gram postings.

Why not ask Whoosh: its pure-Python postings reader and writer cost ~8 µs per
posting, and a paragraph has ~150 distinct bigrams. So the n-gram postings
(what literal, substring matching reads), the normalised texts (what
confirms a match and counts term frequency) and the facet columns live in
numpy arrays beside the Whoosh segments, built in one vectorised pass and
loaded back with np.load (into each process's own memory: not memory-mapped,
so every serving worker holds a copy), and a query touches only the postings it
needs.

Docnums are Whoosh's: the paragraphs of `reports`, in order, starting at the
part's base. A generation is a list of parts (one per Whoosh segment, in
segment order) plus a generation-wide `live` mask and tie-break ranks, so an
incremental reindex adds a part and rewrites only those two small arrays.

Layout, under <generation>/store/:
    parts.json            ["<part>", ...]  (in docnum order)
    live.npy, tie.npy     bool / int32 per docnum, whole generation
    <part>/columns.npz    per-docnum int columns (see PART_COLUMNS)
    <part>/grams1.npz, grams2.npz   keys (sorted uint64), starts (int64), docs (int32)
    <part>/bodies.txt     normalised bodies joined by NUL (UTF-8)
    <part>/values.json    the strings the id columns point into
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from searchapp.model import Report
from searchapp.text.normalize import normalize, normalize_all

COLUMNS_DIR = "store"  # folder of a generation holding the columns
SEP = "\x00"  # between bodies; never inside one (cleaning removes control characters)
_SHIFT = np.uint64(21)  # a code point fits in 21 bits: bigram key = first << 21 | second
_DOC_BITS = np.uint64(32)
_NONE = -1
PART_COLUMNS = ("report", "n", "heading_level", "section", "title", "place", "level",
                "year", "date", "top_section")
_VALUE_LISTS = ("reports", "sections", "titles", "places", "levels", "top_sections")


@dataclass(frozen=True)
class Grams:
    """Sorted posting lists of the n-grams of one part: docnums relative to the part."""

    keys: np.ndarray  # uint64, sorted: the n-gram as code points (see gram_key)
    starts: np.ndarray  # int64, len(keys) + 1: postings of keys[i] are docs[starts[i]:starts[i+1]]
    docs: np.ndarray  # int32

    def postings(self, gram: str) -> np.ndarray:
        i = int(np.searchsorted(self.keys, gram_key(gram)))
        if i == len(self.keys) or self.keys[i] != gram_key(gram):
            return self.docs[:0]
        return self.docs[self.starts[i]:self.starts[i + 1]]


@dataclass(frozen=True)
class Part:
    """The columns of one run of consecutive docnums (one Whoosh segment)."""

    size: int
    bodies: str  # normalised bodies, each followed by SEP
    offsets: np.ndarray  # int64, size + 1: body d is bodies[offsets[d]:offsets[d+1] - 1]
    columns: dict[str, np.ndarray]  # PART_COLUMNS, int32 each; ids into `values`, _NONE = none
    values: dict[str, list]  # _VALUE_LISTS: reports (ids), sections/titles (normalised),
    #                          places ([region, *parents] as written), levels, top_sections
    grams1: Grams
    grams2: Grams


GRAM_SPAN = 1 << 21  # characters of bodies turned into n-gram pairs at a time
_MAX_PACKED = 1 << 32  # gram ids must fit in the high half of a uint64 beside the docnum
_NO_GRAMS = Grams(np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32))


def gram_key(gram: str) -> np.uint64:
    """uint64 key of a 1- or 2-character gram (code points, so keys sort like the grams)."""
    if len(gram) == 1:
        return np.uint64(ord(gram))
    return (np.uint64(ord(gram[0])) << _SHIFT) | np.uint64(ord(gram[1]))


# ------------------------------------------------------------------------- building


def build_part(reports: Sequence[Report], bodies: Sequence[str] | None = None) -> Part:
    """The part for the paragraphs of `reports` in order (the order Whoosh numbers them).

    `bodies`: their normalised texts when the caller has them already.
    """
    if bodies is None:
        bodies = normalize_all([p.text for r in reports for p in r.paragraphs])
    interned = _Interner()
    folded: dict[str, str] = {}  # section paths repeat paragraph after paragraph
    rows: dict[str, list[int]] = {name: [] for name in PART_COLUMNS}
    for report in reports:
        report_row = {"report": interned("reports", report.id),
                      "title": interned("titles", normalize(report.title)),
                      "place": interned("places", (report.region, *report.parents)),
                      "level": interned("levels", report.level),
                      "year": report.year or 0, "date": _date_number(report.date)}
        for p in report.paragraphs:
            top = p.section[0] if p.section else (p.text if p.heading_level == 1 else "")
            row = dict(report_row, n=p.n, heading_level=p.heading_level,
                       section=interned("sections", _fold(" ".join(p.section), folded)),
                       top_section=interned("top_sections", top) if top else _NONE)
            for name, value in row.items():
                rows[name].append(value)
    size = len(rows["n"])
    if len(bodies) != size:
        raise ValueError(f"{len(bodies)} bodies for {size} paragraphs")
    text = "".join(body + SEP for body in bodies)
    lengths = np.fromiter(map(len, bodies), dtype=np.int64, count=size)
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=offsets[1:])
    grams1, grams2 = _grams(text, lengths)
    return Part(size, text, offsets,
                {name: np.asarray(values, dtype=np.int32) for name, values in rows.items()},
                interned.lists(), grams1, grams2)


def _fold(text: str, folded: dict[str, str]) -> str:
    found = folded.get(text)
    if found is None:
        found = folded[text] = normalize(text)
    return found


class _Interner:
    def __init__(self) -> None:
        self._ids: dict[str, dict] = {name: {} for name in _VALUE_LISTS}

    def __call__(self, kind: str, value: object) -> int:
        ids = self._ids[kind]
        return ids.setdefault(value, len(ids))

    def lists(self) -> dict[str, list]:
        return {kind: [list(v) if isinstance(v, tuple) else v for v in ids]
                for kind, ids in self._ids.items()}


def _date_number(date: str | None) -> int:
    """2023-03-29 -> 20230329 (sortable); 0 when unknown."""
    digits = (date or "").replace("-", "")
    return int(digits) if digits.isdigit() and len(digits) == 8 else 0


def _grams(text: str, lengths: np.ndarray) -> tuple[Grams, Grams]:
    """Unigram and bigram postings of every body, vectorised a span of bodies at a time.

    Code points are first mapped to dense ids (in code point order, so key order
    is kept), which lets (gram, doc) pairs pack into one uint64 and be sorted
    and de-duplicated as plain integers. Spans of about GRAM_SPAN characters keep
    the per-character arrays (some 80 bytes a character) small at any corpus size.
    """
    offsets = np.concatenate(([0], np.cumsum(lengths + 1)))
    spans = _spans(offsets, GRAM_SPAN)

    def points(lo: int, hi: int) -> np.ndarray:
        return np.frombuffer(text[offsets[lo]:offsets[hi]].encode("utf-32-le"), dtype=np.uint32)

    present = np.zeros(sys.maxunicode + 1, dtype=bool)
    for lo, hi in spans:
        present[points(lo, hi)] = True
    present[0] = False  # SEP
    chars = np.flatnonzero(present).astype(np.uint64)  # dense id i + 1 -> code point
    table = np.zeros(len(present), dtype=np.uint64)
    table[chars.astype(np.int64)] = np.arange(1, len(chars) + 1, dtype=np.uint64)
    space = table[ord(" ")]  # nobody searches for a lone space
    width = np.uint64(len(chars) + 1)
    renumber = width * width >= _MAX_PACKED  # over 65,535 distinct characters
    if renumber:  # bigram ids are renumbered so the pairs still pack: that needs them all
        spans = [(0, len(lengths))]
    distinct = None
    unigram_pairs, bigram_pairs = [], []
    for lo, hi in spans:
        ids = table[points(lo, hi)]
        docs = np.repeat(np.arange(lo, hi, dtype=np.uint64), lengths[lo:hi] + 1)
        single = (ids != 0) & (ids != space)
        unigram_pairs.append(_unique_pairs(ids[single], docs[single]))
        del single
        both = (ids[:-1] != 0) & (ids[1:] != 0)
        bigram_ids = ids[:-1][both] * width + ids[1:][both]
        del ids
        if renumber:
            distinct, bigram_ids = np.unique(bigram_ids, return_inverse=True)
            bigram_ids = bigram_ids.astype(np.uint64)
        bigram_pairs.append(_unique_pairs(bigram_ids, docs[:-1][both]))

    def bigram_keys(dense: np.ndarray) -> np.ndarray:
        dense = distinct[dense.astype(np.int64)] if distinct is not None else dense
        return (chars[dense // width - 1] << _SHIFT) | chars[dense % width - 1]

    return (_postings(_merged(unigram_pairs), lambda dense: chars[dense - 1]),
            _postings(_merged(bigram_pairs), bigram_keys))


def _spans(offsets: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Consecutive runs of whole bodies [lo, hi) of about `size` characters each."""
    cuts = np.searchsorted(offsets, np.arange(size, int(offsets[-1]), size), side="right")
    bounds = np.unique(np.concatenate(([0], cuts, [len(offsets) - 1])))
    return [(int(lo), int(hi)) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
            if hi > lo] or [(0, 0)]


def _unique_pairs(gram_ids: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """(gram, doc) pairs packed in a uint64, sorted, each once."""
    packed = (gram_ids << _DOC_BITS) | docs
    packed.sort()
    if len(packed):
        keep = np.empty(len(packed), dtype=bool)
        keep[0] = True
        np.not_equal(packed[1:], packed[:-1], out=keep[1:])
        packed = packed[keep]
    return packed


def _merged(pairs: list[np.ndarray]) -> np.ndarray:
    """Spans hold different docs, so their pairs never repeat: concatenate and sort."""
    if len(pairs) == 1:
        return pairs[0]
    merged = np.concatenate(pairs)
    pairs.clear()
    merged.sort()
    return merged


def _postings(packed: np.ndarray, keys_of: Callable[[np.ndarray], np.ndarray]) -> Grams:
    """Postings from sorted, distinct packed pairs; keys_of maps gram ids to gram keys."""
    grams = packed >> _DOC_BITS
    bounds = np.flatnonzero(grams[1:] != grams[:-1]) + 1
    starts = np.concatenate(([0], bounds, [len(grams)])).astype(np.int64) if len(grams) \
        else np.zeros(1, dtype=np.int64)
    keys = keys_of(grams[starts[:-1]]) if len(grams) else np.zeros(0, np.uint64)
    return Grams(keys.astype(np.uint64), starts,
                 (packed & np.uint64(0xFFFFFFFF)).astype(np.int32))


# ------------------------------------------------------------------------- saving


def save_part(part: Part, directory: Path) -> None:
    """Write a part into its own new directory (never over an existing one)."""
    directory.mkdir(parents=True)
    np.savez(directory / "columns.npz", offsets=part.offsets, **part.columns)
    for name, grams in (("grams1", part.grams1), ("grams2", part.grams2)):
        np.savez(directory / f"{name}.npz", keys=grams.keys, starts=grams.starts,
                 docs=grams.docs)
    (directory / "bodies.txt").write_text(part.bodies, encoding="utf-8")
    (directory / "values.json").write_text(json.dumps(part.values, ensure_ascii=False),
                                           encoding="utf-8")


def save_generation(generation: Path, part_names: Sequence[str], live: np.ndarray,
                    tie: np.ndarray) -> None:
    """The generation-wide files; each written via a new inode (older generations may
    share the rest of the store through hard links)."""
    root = generation / COLUMNS_DIR
    root.mkdir(exist_ok=True)
    for name, array in (("live.npy", live.astype(bool)), ("tie.npy", tie.astype(np.int32))):
        tmp = root / (name + ".tmp")
        with open(tmp, "wb") as f:
            np.save(f, array)
        os.replace(tmp, root / name)
    tmp = root / "parts.json.tmp"
    tmp.write_text(json.dumps(list(part_names)), encoding="utf-8")
    os.replace(tmp, root / "parts.json")


def tie_ranks(parts: Sequence[Part]) -> np.ndarray:
    """docnum -> rank of (report id, n) over the whole generation: the fixed tie-break."""
    if not parts:
        return np.zeros(0, dtype=np.int32)
    ids = sorted({i for part in parts for i in part.values["reports"]})
    rank = {report_id: r for r, report_id in enumerate(ids)}
    reports = np.concatenate([
        np.asarray([rank[i] for i in part.values["reports"]], dtype=np.int64)[
            part.columns["report"]] for part in parts])
    ns = np.concatenate([part.columns["n"] for part in parts])
    ranks = np.empty(len(ns), dtype=np.int32)
    ranks[np.lexsort((ns, reports))] = np.arange(len(ns), dtype=np.int32)
    return ranks


@dataclass(frozen=True)
class Layout:
    """What an incremental build needs of the published generation: part names, ids, live."""

    names: list[str]
    sizes: list[int]
    parts: list[Part]  # columns and values only: no bodies, no postings
    live: np.ndarray

    def docnums_of(self, report_ids: Iterable[str]) -> np.ndarray:
        """Global docnums (live or not) of the paragraphs of these reports."""
        wanted = set(report_ids)
        found, base = [], 0
        for part, size in zip(self.parts, self.sizes, strict=True):
            ids = np.asarray([i in wanted for i in part.values["reports"]] + [False])
            found.append(np.flatnonzero(ids[part.columns["report"]]) + base)
            base += size
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def read_layout(generation: Path) -> Layout:
    """The parts' columns and the live mask of a generation (raises OSError/ValueError)."""
    root = generation / COLUMNS_DIR
    names = json.loads((root / "parts.json").read_text(encoding="utf-8"))
    parts = [load_columns(root / name) for name in names]
    live = np.load(root / "live.npy")
    if len(live) != sum(p.size for p in parts):
        raise ValueError(f"store of {generation} is inconsistent")
    return Layout(names, [p.size for p in parts], parts, live)


def load_columns(directory: Path) -> Part:
    """A saved part's columns and values only (no bodies, no postings): enough for
    tie_ranks and Layout."""
    with np.load(directory / "columns.npz") as npz:
        columns = {column: npz[column] for column in PART_COLUMNS}
    values = json.loads((directory / "values.json").read_text(encoding="utf-8"))
    return Part(len(columns["n"]), "", np.zeros(0, np.int64), columns, values,
                _NO_GRAMS, _NO_GRAMS)


def link_parts(source: Path, target: Path, names: Sequence[str]) -> None:
    """Share the named parts of `source` with the generation being built in `target`
    (hard links: parts never change once written)."""
    for name in names:
        (target / COLUMNS_DIR / name).mkdir(parents=True)
        for path in (source / COLUMNS_DIR / name).iterdir():
            try:
                os.link(path, target / COLUMNS_DIR / name / path.name)
            except OSError:  # another filesystem, or no hard links: copy instead
                shutil.copy2(path, target / COLUMNS_DIR / name / path.name)


# ------------------------------------------------------------------------- reading


def load_part(directory: Path) -> Part:
    with np.load(directory / "columns.npz") as npz:
        columns = {name: npz[name] for name in PART_COLUMNS}
        offsets = npz["offsets"]
    grams = []
    for name in ("grams1", "grams2"):
        with np.load(directory / f"{name}.npz") as npz:
            grams.append(Grams(npz["keys"], npz["starts"], npz["docs"]))
    values = json.loads((directory / "values.json").read_text(encoding="utf-8"))
    return Part(len(offsets) - 1, (directory / "bodies.txt").read_text(encoding="utf-8"),
                offsets, columns, values, grams[0], grams[1])


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
        start, end = part.offsets[local], part.offsets[local + 1] - 1
        return part.bodies[start:end]

    def locate(self, docnum: int) -> tuple[Part, int]:
        i = int(np.searchsorted(np.asarray(self.bases), docnum, side="right")) - 1
        return self.parts[i], docnum - self.bases[i]

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
            i = int(np.searchsorted(grams.keys, gram_key(gram)))
            if i < len(grams.keys) and grams.keys[i] == gram_key(gram):
                total += int(grams.starts[i + 1] - grams.starts[i])
        return total

    def body_lengths(self) -> np.ndarray:
        """Characters of each paragraph's body, by docnum."""
        if not self.parts:
            return np.zeros(0, np.int64)
        return np.concatenate([np.diff(p.offsets) - 1 for p in self.parts])

    def column(self, name: str) -> np.ndarray:
        """A PART_COLUMNS column over the whole generation (ids stay per part: see values)."""
        return np.concatenate([part.columns[name] for part in self.parts])


def open_columns(generation: Path) -> Columns:
    """The store of a published generation (raises OSError/ValueError when it is damaged)."""
    root = generation / COLUMNS_DIR
    names = json.loads((root / "parts.json").read_text(encoding="utf-8"))
    parts = tuple(load_part(root / name) for name in names)
    bases = tuple(int(b) for b in np.cumsum([0, *[p.size for p in parts]])[:-1])
    live = np.load(root / "live.npy")
    tie = np.load(root / "tie.npy")
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
        mapping = np.asarray(local + [_NONE], dtype=np.int32)  # _NONE (-1) maps to itself
        ids.append(mapping[part.columns[name]])
    values = [list(v) if isinstance(v, tuple) else v for v in merged]
    return (np.concatenate(ids) if ids else np.zeros(0, np.int32)), values


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value

