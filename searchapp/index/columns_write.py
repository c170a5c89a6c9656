"""Writing the column store (columns.py reads it): n-gram postings, saving parts, tie
ranks, the layout an incremental build extends, and sharing parts between generations.

A part is built in one vectorised pass over its bodies (their code points, saved as
UTF-16 when they all fit), a span of bodies at a time so the per-character arrays stay
small at any corpus size. Nothing here is imported by the serving path.
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

from searchapp.index import originals, whole
from searchapp.index.columns import (
    BODIES,
    COLUMNS_DIR,
    COUNT_MAX,
    GRAM_ARRAYS,
    NONE,
    PART_COLUMNS,
    PARTS,
    SEP,
    VALUE_LISTS,
    Grams,
    Part,
    load_columns,
    part_names,
)
from searchapp.index.copies import FINGERPRINTS
from searchapp.model import Report
from searchapp.text.normalize import normalize, normalize_all

_SHIFT = np.uint64(21)  # as columns.gram_key: bigram key = first << 21 | second
_GRAM_BITS = np.uint64(32)  # a packed pair: gram id << 32 | doc << 8 | occurrences
_COUNT_BITS = np.uint64(8)
MAX_PART = 1 << 24  # paragraphs of one part: the docnum bits of a packed pair


GRAM_SPAN = 1 << 21  # characters of bodies turned into n-gram pairs at a time
_MAX_PACKED = 1 << 32  # gram ids must fit in the high half of a uint64 beside the docnum
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads code points over 64 bits


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
                       top_section=interned("top_sections", top) if top else NONE,
                       path=interned("paths", p.section))
            for name, value in row.items():
                rows[name].append(value)
    size = len(rows["n"])
    if len(bodies) != size:
        raise ValueError(f"{len(bodies)} bodies for {size} paragraphs")
    if size >= MAX_PART:
        raise ValueError(f"{size} paragraphs in one part: at most {MAX_PART - 1}")
    points = np.frombuffer("".join(body + SEP for body in bodies).encode("utf-32-le"),
                           dtype=np.uint32)
    written = np.frombuffer("".join(p.text + SEP for r in reports for p in r.paragraphs)
                            .encode("utf-32-le"), dtype=np.uint32)
    restoring = originals.unfolding(points, written)
    wide = bool(len(points)) and max(int(points.max()), int(written.max())) > 0xFFFF
    del written
    lengths = np.fromiter(map(len, bodies), dtype=np.int64, count=size)
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=offsets[1:])
    grams1, grams2 = _grams(points, lengths)
    return Part(size, points if wide else points.astype(np.uint16), offsets,
                {name: np.asarray(values, dtype=np.int32) for name, values in rows.items()},
                interned.lists(), grams1, grams2, restoring)


def _fold(text: str, folded: dict[str, str]) -> str:
    found = folded.get(text)
    if found is None:
        found = folded[text] = normalize(text)
    return found


class _Interner:
    def __init__(self) -> None:
        self._ids: dict[str, dict] = {name: {} for name in VALUE_LISTS}

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


def _grams(text: np.ndarray, lengths: np.ndarray) -> tuple[Grams, Grams]:
    """Unigram and bigram postings of every body, vectorised a span of bodies at a time.

    Code points are first mapped to dense ids (in code point order, so key order
    is kept), which lets (gram, doc) pairs pack into one uint64 and be sorted
    and de-duplicated as plain integers. Spans of about GRAM_SPAN characters keep
    the per-character arrays (some 80 bytes a character) small at any corpus size.
    """
    offsets = np.concatenate(([0], np.cumsum(lengths + 1)))
    spans = _spans(offsets, GRAM_SPAN)

    def points(lo: int, hi: int) -> np.ndarray:
        return text[offsets[lo]:offsets[hi]]

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


def fingerprints(bodies: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """A 64-bit fingerprint of each body: the sum of its mixed code points times a fixed
    odd multiplier per position, so bodies differing in one character always differ and
    in more collide about as rarely as two of copies.py's 64-bit window hashes do. Why:
    copy detection indexes identical source paragraphs once (a national report filed
    twice, the benchmark's copies), and telling them apart by reading every body cost
    0.1–0.2 s of a 50× incremental reindex. A span of bodies at a time, as _grams."""
    lengths = np.diff(np.asarray(offsets, dtype=np.int64))  # each body with its SEP
    found = np.zeros(len(lengths), dtype=np.uint64)
    multipliers = _odd_mixes(int(lengths.max(initial=0)) + 1)
    for lo, hi in _spans(np.asarray(offsets, dtype=np.int64), GRAM_SPAN):
        sizes = lengths[lo:hi]
        starts = np.cumsum(sizes) - sizes
        within = np.arange(int(sizes.sum())) - np.repeat(starts, sizes)
        codes = np.asarray(bodies[offsets[lo]:offsets[hi]], dtype=np.uint64)
        terms = (codes * _MIX + np.uint64(1)) * multipliers[within]
        filled = sizes > 0  # reduceat needs increasing starts inside the array
        found[lo:hi][filled] = np.add.reduceat(terms, starts[filled]) if filled.any() else 0
    return found


def _odd_mixes(count: int) -> np.ndarray:
    """`count` fixed, well-spread odd uint64s: splitmix64 of 1, 2, … (numpy.random would
    do, but importing it costs an incremental reindex 30 ms)."""
    z = np.arange(1, count + 1, dtype=np.uint64) * _MIX
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) | np.uint64(1)


def _unique_pairs(gram_ids: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """(gram, doc) pairs packed in a uint64 with the gram's occurrences in the doc (at most
    COUNT_MAX) in the low bits, sorted, each pair once."""
    packed = (gram_ids << _GRAM_BITS) | (docs << _COUNT_BITS)
    packed.sort()
    if len(packed):
        keep = np.empty(len(packed), dtype=bool)
        keep[0] = True
        np.not_equal(packed[1:], packed[:-1], out=keep[1:])
        firsts = np.flatnonzero(keep)
        del keep
        counts = np.diff(np.append(firsts, len(packed)))
        packed = packed[firsts] | np.minimum(counts, COUNT_MAX).astype(np.uint64)
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
    grams = packed >> _GRAM_BITS
    bounds = np.flatnonzero(grams[1:] != grams[:-1]) + 1
    starts = np.concatenate(([0], bounds, [len(grams)])).astype(np.int64) if len(grams) \
        else np.zeros(1, dtype=np.int64)
    keys = keys_of(grams[starts[:-1]]) if len(grams) else np.zeros(0, np.uint64)
    docs = (packed >> _COUNT_BITS) & np.uint64(MAX_PART - 1)
    return Grams(keys.astype(np.uint64), starts, docs.astype(np.int32),
                 (packed & np.uint64(COUNT_MAX)).astype(np.uint8))


# ------------------------------------------------------------------------- saving


def save_part(part: Part, directory: Path) -> None:
    """Write a part into its own new directory (never over an existing one): one file per
    array, so the search side can memory-map each."""
    directory.mkdir(parents=True)
    arrays = {"offsets": part.offsets, **part.columns}
    for name, grams in (("grams1", part.grams1), ("grams2", part.grams2)):
        arrays |= {f"{name}.{array}": getattr(grams, array) for array in GRAM_ARRAYS}
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", array)
    dtype = np.dtype("<u2") if part.bodies.itemsize == 2 else np.dtype("<u4")
    np.asarray(part.bodies).astype(dtype).tofile(directory / BODIES[dtype])
    np.save(directory / FINGERPRINTS, fingerprints(part.bodies, part.offsets))
    originals.save(part.originals, directory)
    (directory / "values.json").write_text(json.dumps(part.values, ensure_ascii=False),
                                           encoding="utf-8")


def save_generation(generation: Path, names: Sequence[str], parts: Sequence[Part],
                    live: np.ndarray, full: int | None = None) -> None:
    """The generation-wide files over `parts` (in docnum order; columns.load_columns gives
    enough of a saved one): live mask, tie ranks, merged columns (whole.py). Each is
    written via a new inode (older generations may share the rest of the store through
    hard links). `full`: how many of the parts the last full build wrote (the rest were
    added by incremental builds); default all."""
    root = generation / COLUMNS_DIR
    root.mkdir(exist_ok=True)
    whole.save(root, whole.merged(parts, live))
    for name, array in (("live.npy", live.astype(bool)),
                        ("tie.npy", tie_ranks(parts).astype(np.int32))):
        tmp = root / (name + ".tmp")
        with open(tmp, "wb") as f:
            np.save(f, array)
        os.replace(tmp, root / name)
    tmp = root / (PARTS + ".tmp")
    listing = {"parts": list(names), "full": len(names) if full is None else full}
    tmp.write_text(json.dumps(listing), encoding="utf-8")
    os.replace(tmp, root / PARTS)


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
    full: int  # parts written by the last full build (the rest: incremental)

    @property
    def added(self) -> int:
        """Parts added by incremental builds since the last full one."""
        return len(self.names) - self.full

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
    names, full = part_names(root)
    parts = [load_columns(root / name) for name in names]
    live = np.load(root / "live.npy")
    if len(live) != sum(p.size for p in parts):
        raise ValueError(f"store of {generation} is inconsistent")
    return Layout(names, [p.size for p in parts], parts, live, full)


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


