"""Writing a generation: what to reprocess, the Whoosh segment and store part, the sidecars.

A full build writes a Whoosh segment (segment.py) and a store part (store.py)
of the same name over every report; two, one per half, written by two
processes, when the corpus is large and a core is idle (1x: 3.2 -> 2.6 s,
10x: 15.8 -> 11.3 s). An incremental build hard-links the published
generation's segments and parts, adds one segment + part for the added and
changed reports, and marks the stale paragraphs deleted (Whoosh's per-segment
deletion sets in the TOC, store.py's `live` mask); nothing already written is
modified. Too many parts or dead paragraphs, or a new dictionary, mean a full
build again.

Each generation also holds meta.json (format version, dictionary digest, the
content hash of every report: what an incremental reindex compares; the size and
sha256 of every other file: what readers check, integrity.py),
reports.json (metadata and glossary of every report, for load_report /
list_reports) and synonyms.json (pairs mined from the corpus).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.fields import Schema

from searchapp.errors import BuildFailed
from searchapp.index import columns, filecache, fork, integrity, segment
from searchapp.index import generations as publish
from searchapp.index.filecache import Kept
from searchapp.index.generations import FORMAT, read_meta
from searchapp.index.schema import documents, make_schema
from searchapp.model import Report
from searchapp.text.dictionary import Dictionary, jieba_for, project_dictionary
from searchapp.text.normalize import normalize_all
from searchapp.text.tokenize import WordCounts

MAX_PARTS = 8  # more segments than this: rebuild (each one costs every query a little)
MAX_DEAD = 0.25  # more deleted paragraphs than this fraction (and than MIN_DEAD): rebuild
MIN_DEAD = 1000  # fewer dead paragraphs cost nothing worth a rebuild, however small the index
PARALLEL_MIN = 3000  # paragraphs; below this, a second writer process costs more than it saves

Progress = Callable[[str, int, int | None], None]


@dataclass
class Corpus:
    """The reports to index; `stubs` were reused from the published generation without
    their paragraphs (filecache.py), so they can be kept but not rewritten."""

    reports: dict[str, Report]
    kept: dict[str, Kept]  # every report's paragraph count, mined terms and synonyms
    stubs: set[str] = field(default_factory=set)
    files: dict = field(default_factory=dict)  # files.json of the new generation


@dataclass
class Plan:
    corpus: Corpus
    dictionary: Dictionary
    base: Path | None  # generation to start from; None = build from scratch
    changed: list[Report]  # to (re)write
    stale: list[str]  # ids whose old paragraphs must go
    added: int = 0
    removed: int = 0
    reprocessed: int = 0  # added + changed (a full rebuild rewrites more than these)

    @property
    def reports(self) -> dict[str, Report]:
        return self.corpus.reports


def plan(corpus: Corpus, index_dir: Path, full: bool) -> Plan | None:
    """Compare content hashes with the published generation; rebuild all when they can't be.

    The dictionary covers the whole corpus (mined terms included), and words
    already indexed were segmented with the old one: a new digest means full.
    None when that needs the paragraphs of reports the corpus holds as stubs.
    """
    reports = corpus.reports
    dictionary = project_dictionary(t for k in corpus.kept.values() for t in k.terms)
    base = publish.current(index_dir)
    layout = _layout(base) if base and read_meta(base) else None
    meta = read_meta(base) if layout else None  # a damaged generation counts as none
    old: dict[str, str] = meta["reports"] if meta else {}
    changed = [r for r in reports.values() if old.get(r.id) != r.content_hash]
    gone = [i for i in old if i not in reports]
    added = sum(1 for r in changed if r.id not in old)
    stale = [r.id for r in changed if r.id in old] + gone
    if full or meta is None or meta["dictionary"] != dictionary.digest or \
            _needs_rebuild(layout, stale, changed):
        if corpus.stubs:
            return None
        return Plan(corpus, dictionary, None, list(reports.values()), [],
                    added=added, removed=len(gone), reprocessed=len(changed))
    if any(r.id in corpus.stubs for r in changed):
        return None
    return Plan(corpus, dictionary, base, changed, stale,
                added=added, removed=len(gone), reprocessed=len(changed))


def usable(generation: Path | None) -> Path | None:
    """The generation if this version can extend it."""
    return generation if generation and read_meta(generation) else None


def _layout(generation: Path) -> columns.Layout | None:
    """The store layout of a generation whose Whoosh TOC and store read back and agree;
    None for a disk that lost data or files another program wrote: rebuild it all.
    Its files are checked first as opening checks them (the TOC is a pickle)."""
    try:
        if integrity.opening_problems(generation, integrity.recorded(read_meta(generation))):
            return None
        layout = columns.read_layout(generation)
        names = [s.segment_id() for s in segment.read_segments(generation)]
    except Exception:  # noqa: BLE001 - whatever the damage, a full build replaces it
        return None
    return layout if names == layout.names else None


def _needs_rebuild(layout: columns.Layout, stale: list[str], changed: list[Report]) -> bool:
    """Too many parts or dead paragraphs after this update."""
    if not (stale or changed):
        return False
    dead = int((~layout.live).sum()) + int(layout.live[layout.docnums_of(stale)].sum())
    size = len(layout.live) + sum(len(r.paragraphs) for r in changed)
    return len(layout.names) + 1 > MAX_PARTS or dead > max(MAX_DEAD * size, MIN_DEAD)


def has_work(plan: Plan) -> bool:
    """False when the published generation already matches: then nothing is published."""
    return plan.base is None or bool(plan.changed or plan.stale)


def build(plan: Plan, index_dir: Path, progress: Progress | None) -> Path:
    """Write the planned changes into a new generation and publish it."""
    with publish.building(index_dir, plan.base) as directory:
        schema = make_schema(plan.dictionary)
        jieba_for(plan.dictionary)  # loaded before forking, so a second process inherits it
        batches = _batches(plan.changed)
        child = fork.start(lambda: _write_batch(directory, schema, batches[1], None, 0)) \
            if len(batches) > 1 else None
        total = _paragraphs(plan.changed)
        try:
            written = [_write_batch(directory, schema, batches[0], progress, total)]
        except BaseException:
            if child:
                fork.stop(child)
            raise
        if child:
            written.append(fork.result(child))
            if progress:
                progress("index", total, total)
        if progress:
            progress("write", 0, None)
        layout = columns.read_layout(plan.base) if plan.base else None
        stale = layout.docnums_of(plan.stale) if layout else np.zeros(0, np.int64)
        _write_store(directory, plan.base, [name for name, _ in written], layout, stale)
        _write_toc(directory, schema, [seg for _, seg in written], stale)
        _check_count(directory, plan)
        _write_sidecars(directory, plan)
        return publish.publish(index_dir, directory)


def _batches(reports: list[Report]) -> list[list[Report]]:
    """One batch, or two halves (by paragraphs, in order) for a second process: it pays
    when there is enough to do and a core to spare."""
    total = _paragraphs(reports)
    if total < PARALLEL_MIN or _idle_cores() < 1.5:
        return [reports]
    done = np.cumsum([len(r.paragraphs) for r in reports])
    half = int(np.searchsorted(done, total / 2)) + 1
    return [reports[:half], reports[half:]] if half < len(reports) else [reports]


def _paragraphs(reports: Sequence[Report]) -> int:
    return sum(len(r.paragraphs) for r in reports)


def _idle_cores() -> float:
    """Cores not busy with other work (this process counts as one of the running ones)."""
    return len(os.sched_getaffinity(0)) - os.getloadavg()[0] + 1


def _write_batch(directory: Path, schema: Schema, reports: list[Report],
                 progress: Progress | None, total: int) -> tuple[str, segment.W3Segment]:
    """A new Whoosh segment and the store part of the same name for `reports`."""
    bodies = normalize_all([p.text for r in reports for p in r.paragraphs])
    words = schema["body"].analyzer.count_words(_reporting(bodies, reports, progress, total))
    new = _write_segment(directory, reports, words)
    part = columns.build_part(reports, bodies)
    columns.save_part(part, directory / columns.COLUMNS_DIR / new.segment_id())
    return new.segment_id(), new


def _reporting(bodies: list[str], reports: Sequence[Report], progress: Progress | None,
               total: int) -> Iterator[str]:
    """The bodies, with an "index" progress call after each report's last one."""
    done = 0
    for report in reports:
        yield from bodies[done:done + len(report.paragraphs)]
        done += len(report.paragraphs)
        if progress:
            progress("index", done, total)


def _write_segment(directory: Path, reports: Sequence[Report],
                   words: WordCounts) -> segment.W3Segment:
    stored = [doc for report in reports for doc in documents(report)]
    doc_of_token = np.repeat(np.arange(len(stored), dtype=np.int64), words.counts)
    paragraphs = np.asarray([len(r.paragraphs) for r in reports], dtype=np.int64)
    report_of_doc = np.repeat(np.arange(len(reports), dtype=np.int64), paragraphs)
    postings = {
        "body": segment.postings_from_tokens(words.terms, words.tokens, doc_of_token),
        "doc": segment.postings_from_tokens([r.id for r in reports], report_of_doc,
                                            np.arange(len(stored)), freqs=False)}
    return segment.write_segment(directory, stored, postings, {"body": words.counts})


def _write_store(directory: Path, base: Path | None, new: list[str],
                 layout: columns.Layout | None, stale: np.ndarray) -> None:
    """The generation-wide store files over the old parts (linked) and the new ones."""
    parts = [columns.load_columns(directory / columns.COLUMNS_DIR / name) for name in new]
    names, live = new, np.ones(sum(p.size for p in parts), dtype=bool)
    if layout is not None:
        columns.link_parts(base, directory, layout.names)
        kept = layout.live.copy()
        kept[stale] = False
        parts, names, live = [*layout.parts, *parts], [*layout.names, *new], \
            np.concatenate([kept, live])
    columns.save_generation(directory, names, live, columns.tie_ranks(parts))


def _write_toc(directory: Path, schema: Schema, new: list[segment.W3Segment],
               stale: np.ndarray) -> None:
    """The new segments after the old ones (an incremental build starts from the published
    TOC), stale paragraphs deleted in the segment that holds them."""
    old = segment.read_segments(directory) if segment.has_toc(directory) else []
    bases = np.cumsum([0, *[s.doc_count_all() for s in old]])
    for docnum in stale.tolist():
        i = int(np.searchsorted(bases, docnum, side="right")) - 1
        old[i].delete_document(docnum - int(bases[i]))
    segment.write_toc(directory, schema, [*old, *new])


def _check_count(directory: Path, plan: Plan) -> None:
    """Never publish a generation that lost (or duplicated) a paragraph."""
    expected = sum(k.paragraphs for k in plan.corpus.kept.values())
    with whoosh_index.open_dir(directory).searcher() as searcher:
        found = searcher.doc_count()
    live = int(np.load(directory / columns.COLUMNS_DIR / "live.npy").sum())
    if (found, live) != (expected, expected):
        raise BuildFailed(f"index holds {found} paragraphs ({live} in the store), expected "
                          f"{expected}; nothing was published, run `searchapp reindex --full`")


def _write_sidecars(build: Path, plan: Plan) -> None:
    """The JSON files, meta.json last: it lists every other file's size and hash."""
    reports = dict(sorted(plan.reports.items()))
    sidecars = {"reports.json": {i: _report_meta(r) for i, r in reports.items()},
                "synonyms.json": filecache.merged_synonyms(plan.corpus.kept.values()),
                filecache.FILES: plan.corpus.files}
    for name, value in sidecars.items():
        publish.write_json_atomic(build / name, json.dumps(value, ensure_ascii=False))
    base_meta = read_meta(plan.base) if plan.base else None
    meta = {"format": FORMAT, "dictionary": plan.dictionary.digest,
            "reports": {i: r.content_hash for i, r in reports.items()},
            "files": integrity.record(build, plan.base,
                                      base_meta.get("files") if base_meta else None)}
    publish.write_json_atomic(build / integrity.META, json.dumps(meta, ensure_ascii=False))


def _report_meta(report: Report) -> dict:
    return {f.name: getattr(report, f.name) for f in fields(Report) if f.name != "paragraphs"}
