"""Paragraphs copied from a higher level's report, found once per generation at reindex.

A county report is partly its prefecture's, province's and the State Council's text
repeated. A paragraph counts as copied from a paragraph of a *source* report when they
share runs of at least K normalised characters; its share is the part of its characters
inside such runs. A source is a report of a higher level on the target's own branch of
the region tree (national, or a region among the target's parents), of the target's year
or up to LOOKBACK years before. Each paragraph keeps its best source (most characters
covered; then the latest year, then the first docnum).

Why not all pairs: every K-gram of a paragraph is hashed (numpy, a pass per character of
the window), the sources' hashes are sorted once per set of targets that share the same
sources, and each target report's hashes are looked up in them with searchsorted. Identical
source paragraphs (one national report filed twice, the benchmark's copies) are indexed
once: each part of the store keeps a 64-bit fingerprint per body (FINGERPRINTS, written
with the part), so they are told apart without reading them. The cost grows with the
targets' text and with their sources', never with their product.

The result is a small artifact, <generation>/connections/copies.npz, keyed by docnum,
written by every build (writing.py) once the store is complete and before the files are
recorded (integrity.py), so it is published, hashed and checked with the rest. A full
build finds them all (0.3 s at 10×, bench/connections.py); an incremental one looks again
only at the reports it rewrote and at those whose sources it rewrote or removed, and keeps
the base's findings for the rest (their docnums do not move). An index built before it
existed has none until its next build: readers show no notes then (connections.copies).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from searchapp.index import columns as store

K = 14  # characters of the shortest shared run that counts as copied text
LOOKBACK = 3  # a source may be this many years older than the target
FILE = Path("connections") / "copies.npz"
FINGERPRINTS = "fingerprints.npy"  # in each store part, a uint64 per body (columns_write.py)
RANK = {"national": 0, "province": 1, "prefecture": 2, "county": 3}
_BASE = np.uint64(0x100000001B3)  # odd multiplier of the rolling hash (FNV prime)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads code points over 64 bits before hashing


@dataclass(frozen=True)
class Copies:
    """Per copied paragraph (sorted by docnum): its best source paragraph and how many of
    its characters lie inside runs shared with it."""

    doc: np.ndarray  # int32, sorted docnums with at least one shared run
    source: np.ndarray  # int32 docnum of the source paragraph
    covered: np.ndarray  # int32 characters inside shared runs
    length: np.ndarray  # int32 characters of the paragraph

    @property
    def share(self) -> np.ndarray:
        return self.covered / np.maximum(self.length, 1)


EMPTY = Copies(*(np.zeros(0, np.int32) for _ in range(4)))


def write(generation: Path, reports: dict[str, dict] | None = None, base: Path | None = None,
          touched: set[str] | None = None) -> Copies:
    """Find the copies of a generation being built (its store written; `reports`: the
    metadata reports.json will hold) and save them in it, before its files are recorded.
    An incremental build (`base`: the generation it extends, `touched`: the report ids it
    rewrote or removed) keeps the base's copies of every report it cannot have changed."""
    found = find(generation, reports, base, touched)
    path = generation / FILE
    path.parent.mkdir(exist_ok=True)
    np.savez(path, doc=found.doc, source=found.source, covered=found.covered,
             length=found.length, k=np.int32(K), lookback=np.int32(LOOKBACK))
    return found


def load(generation: Path) -> Copies | None:
    """The saved copies; None when there are none yet (or the file does not read)."""
    try:
        with np.load(generation / FILE, allow_pickle=False) as saved:
            if int(saved["k"]) != K or int(saved["lookback"]) != LOOKBACK:
                return None
            return Copies(*(saved[name].astype(np.int32) for name in
                            ("doc", "source", "covered", "length")))
    except (OSError, ValueError, KeyError):
        return None


# ---------------------------------------------------------------- finding


def find(generation: Path, reports: dict[str, dict] | None = None, base: Path | None = None,
         touched: set[str] | None = None) -> Copies:
    """The copies among the live paragraphs of a generation (see the module docstring);
    `reports` (id -> level, year, region, parents) defaults to its reports.json. With
    `base` and `touched`, only the reports `touched` and those whose sources it touched
    are looked at again; the rest keep the base's findings (their docnums are unchanged
    when the generation extends the base's parts)."""
    columns = store.open_columns(generation)
    if reports is None:
        reports = json.loads((generation / "reports.json").read_text(encoding="utf-8"))
    corpus = _Corpus.of(generation, columns, reports)
    groups = _groups(reports, corpus.docs)
    kept = _kept(generation, base, touched, columns, corpus, groups)
    if kept is None:
        redo = groups
    else:
        kept, again = kept
        redo = {sources: [t for t in targets if t in again]
                for sources, targets in groups.items()}
    found = [_copies_in(corpus, targets, sources) for sources, targets in redo.items()
             if targets]
    found = [f for f in [*found, *([kept] if kept is not None else [])] if len(f.doc)]
    if not found:
        return EMPTY
    merged = Copies(*(np.concatenate([getattr(f, name) for f in found]) for name in
                      ("doc", "source", "covered", "length")))
    order = np.argsort(merged.doc, kind="stable")
    return Copies(*(getattr(merged, name)[order] for name in
                    ("doc", "source", "covered", "length")))


def _kept(generation: Path, base: Path | None, touched: set[str] | None,
          columns: store.Columns, corpus: _Corpus,
          groups: dict[tuple[str, ...], list[str]]) -> tuple[Copies, set[str]] | None:
    """(the base's copies still true, the target reports to look at again), or None when
    everything must be found again: no base, no saved copies, or docnums that moved."""
    if base is None or touched is None:
        return None
    previous = load(base)
    try:
        old_parts, _ = store.part_names(base / store.COLUMNS_DIR)
        new_parts, _ = store.part_names(generation / store.COLUMNS_DIR)
    except (OSError, ValueError):
        return None
    if previous is None or new_parts[:len(old_parts)] != old_parts:
        return None
    again = {t for sources, targets in groups.items() for t in targets
             if t in touched or touched.intersection(sources)}
    ids, names = report_ids(columns)
    live = np.asarray(columns.live, dtype=bool)
    redone = np.asarray([name in again or name in touched for name in names] + [True])
    keep = (previous.doc < len(live)) & (previous.source < len(live))
    keep[keep] &= live[previous.doc[keep]] & live[previous.source[keep]]
    keep[keep] &= ~redone[ids[previous.doc[keep]]]
    return Copies(*(getattr(previous, name)[keep] for name in
                    ("doc", "source", "covered", "length"))), again


@dataclass(frozen=True)
class _Corpus:
    columns: store.Columns
    docs: dict[str, np.ndarray]  # report id -> its live docnums, in order
    year: np.ndarray  # int32 per docnum
    fingerprint: np.ndarray  # uint64 per docnum: equal for identical bodies

    @classmethod
    def of(cls, generation: Path, columns: store.Columns, reports: dict) -> _Corpus:
        ids, names = report_ids(columns)
        live = np.flatnonzero(np.asarray(columns.live, dtype=bool)).astype(np.int32)
        order = live[np.argsort(ids[live], kind="stable")]
        bounds = np.searchsorted(ids[order], np.arange(len(names) + 1))
        docs = {name: order[bounds[i]:bounds[i + 1]] for i, name in enumerate(names)
                if bounds[i + 1] > bounds[i] and name in reports}
        root = generation / store.COLUMNS_DIR
        fingerprint = np.concatenate(
            [np.load(root / name / FINGERPRINTS) for name in store.part_names(root)[0]]
            or [np.zeros(0, np.uint64)])
        return cls(columns, docs, per_docnum(columns, "year"), fingerprint)

    def codes(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The code points of `docs`' bodies end to end (uint32), and each body's length:
        gathered with numpy a part at a time (a slice per paragraph cost more than the
        hashing: 0.1 s for a county's 18,500 source paragraphs at 50×)."""
        docs = np.asarray(docs, dtype=np.int64)
        bases = np.asarray(self.columns.bases, dtype=np.int64)
        which = np.searchsorted(bases, docs, side="right") - 1
        lengths = self.columns.body_lengths()[docs].astype(np.int64)
        out = np.zeros(int(lengths.sum()), dtype=np.uint32)
        ends = np.cumsum(lengths)
        for p in np.unique(which).tolist():
            mine = which == p
            part = self.columns.parts[p]
            sizes = lengths[mine]
            within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            starts = np.asarray(part.offsets, dtype=np.int64)[docs[mine] - bases[p]]
            out[np.repeat(ends[mine] - sizes, sizes) + within] = \
                part.bodies[np.repeat(starts, sizes) + within]
        return out, lengths


def per_docnum(columns: store.Columns, name: str) -> np.ndarray:
    """A part column (n, year: not ids) over the whole generation, as int32."""
    return np.concatenate([np.asarray(p.columns[name], dtype=np.int32) for p in columns.parts]
                          or [np.zeros(0, np.int32)])


def report_ids(columns: store.Columns) -> tuple[np.ndarray, list[str]]:
    """Per docnum the index of its report id in the returned list (parts number theirs)."""
    names: dict[str, int] = {}
    ids = []
    for part in columns.parts:
        local = [names.setdefault(name, len(names)) for name in part.values["reports"]]
        ids.append(np.asarray(local + [-1], dtype=np.int32)[part.columns["report"]])
    return np.concatenate(ids or [np.zeros(0, np.int32)]), list(names)


def _groups(reports: dict, present: dict[str, np.ndarray]) -> dict[tuple[str, ...], list[str]]:
    """Target report ids grouped by their tuple of source report ids (the sources' hashes
    are sorted once per group: a prefecture's counties of one year share them). Sources
    are looked up by year and region, not compared with every report (0.05 s at 50×)."""
    national: dict[int, list[str]] = defaultdict(list)  # year -> national report ids
    regional: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for rid, meta in reports.items():  # (year, region) -> (rank, id) of lower levels
        if rid in present and meta.get("level") in RANK and meta.get("year"):
            year, level = int(meta["year"]), meta["level"]
            if level == "national":
                national[year].append(rid)
            else:
                regional[year, meta.get("region")].append((RANK[level], rid))
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for rid, meta in sorted(reports.items()):
        rank = RANK.get(meta.get("level"), 0)
        if rid not in present or rank == 0 or not meta.get("year"):
            continue
        years = range(int(meta["year"]) - LOOKBACK, int(meta["year"]) + 1)
        sources = [sid for y in years for sid in national.get(y, ())]
        sources += [sid for y in years for parent in set(meta.get("parents", ()))
                    for above, sid in regional.get((y, parent), ()) if above < rank]
        if sources:
            groups[tuple(sorted(sources))].append(rid)
    return groups


def _copies_in(corpus: _Corpus, targets: list[str], sources: tuple[str, ...]) -> Copies:
    index = _SourceIndex.of(corpus, sources)
    found = [_copies_of(corpus, corpus.docs[rid], index) for rid in targets]
    return Copies(*(np.concatenate([getattr(f, name) for f in found]) for name in
                    ("doc", "source", "covered", "length")))


@dataclass(frozen=True)
class _SourceIndex:
    hashes: np.ndarray  # uint64, sorted: every K-gram of the distinct source paragraphs
    docs: np.ndarray  # int32 docnum holding hashes[i] (the preferred one of identical bodies)
    year: np.ndarray  # int32 per docnum (the corpus's)

    @classmethod
    def of(cls, corpus: _Corpus, sources: tuple[str, ...]) -> _SourceIndex:
        docs = np.concatenate([corpus.docs[s] for s in sources])
        docs = docs[np.lexsort((docs, -corpus.year[docs]))]  # latest year, then first
        _, first = np.unique(corpus.fingerprint[docs], return_index=True)
        kept = np.sort(docs[first]).astype(np.int32)
        hashes, _, owners = _kgrams(corpus, kept)
        order = np.argsort(hashes, kind="stable")
        return cls(hashes[order], owners[order], corpus.year)


def _copies_of(corpus: _Corpus, targets: np.ndarray, index: _SourceIndex) -> Copies:
    """Each target paragraph's best source and the characters its shared runs cover."""
    hashes, positions, owners = _kgrams(corpus, targets)
    lo = np.searchsorted(index.hashes, hashes, side="left")
    hi = np.searchsorted(index.hashes, hashes, side="right")
    counts = hi - lo
    row = np.repeat(np.arange(len(hashes)), counts)
    at = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    tdoc, sdoc, pos = owners[row], index.docs[at], positions[row]
    if not len(tdoc):
        return EMPTY
    order = np.lexsort((pos, sdoc, tdoc))
    tdoc, sdoc, pos = tdoc[order], sdoc[order], pos[order]
    pair_start = np.flatnonzero(np.r_[True, (tdoc[1:] != tdoc[:-1]) | (sdoc[1:] != sdoc[:-1])])
    following = np.r_[pos[1:], 0]
    last = np.r_[pair_start[1:] - 1, len(pos) - 1]
    step = np.minimum(following - pos, K)
    step[last] = K  # a pair's last run reaches K characters past its last window
    covered = np.add.reduceat(step, pair_start)
    ptdoc, psdoc = tdoc[pair_start], sdoc[pair_start]
    best = np.lexsort((psdoc, -index.year[psdoc], -covered, ptdoc))
    first = best[np.r_[True, ptdoc[best][1:] != ptdoc[best][:-1]]]
    lengths = corpus.columns.body_lengths()[ptdoc[first]].astype(np.int32)
    return Copies(ptdoc[first].astype(np.int32), psdoc[first].astype(np.int32),
                  covered[first].astype(np.int32), lengths)


def _kgrams(corpus: _Corpus, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, position in its paragraph, docnum) of every K-character window of `docs`."""
    codes, lengths = corpus.codes(docs)
    windows = np.maximum(lengths - K + 1, 0)
    if not windows.sum():
        return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int32)
    codes = codes.astype(np.uint64) * _MIX + np.uint64(1)
    total = len(codes) - K + 1
    hashes = np.zeros(max(total, 0), dtype=np.uint64)
    for j in range(K):
        hashes = hashes * _BASE + codes[j:j + total]
    starts = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(len(docs)), windows)
    position = np.arange(int(windows.sum())) - np.repeat(np.cumsum(windows) - windows, windows)
    return hashes[starts[owner] + position], position, docs[owner].astype(np.int32)
