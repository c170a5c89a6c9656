"""Writing a generation: what to reprocess, the Whoosh segment and store part, the sidecars.

A build writes its reports in batches, each a Whoosh segment (segment.py) and a store
part (columns_write.py) of the same name. A batch holds at most what the memory budget
allows (SEARCHAPP_BUILD_MEMORY_MB; its paragraphs come back from the spool the reading
wrote, spool.py), so a full build of any corpus writes several parts, each in a forked
writer process that frees all of its memory when it ends, two at a time when a core is
idle; a corpus that fits one batch is still split in two halves for two processes when
it is large enough to gain (1x: 3.2 -> 2.6 s). An incremental build hard-links the
published generation's segments and parts, adds one segment + part for the added and
changed reports, and marks the stale paragraphs deleted (Whoosh's per-segment deletion
sets in the TOC, the store's `live` mask); nothing already written is modified. Too many
parts added since the last full build (MAX_PARTS), too many dead paragraphs, or a new
dictionary, mean a full build again.

Each generation also holds meta.json (format version, dictionary digest, the
content hash of every report: what an incremental reindex compares; the size and
sha256 of every other file: what readers check, integrity.py),
reports.json (metadata and glossary of every report, for load_report /
list_reports) and synonyms.json (pairs mined from the corpus).
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import orjson
from whoosh.fields import Schema

from searchapp.errors import BuildFailed
from searchapp.index import columns, copies, filecache, fork, integrity, segment
from searchapp.index import columns_write as store
from searchapp.index import generations as publish
from searchapp.index.filecache import Kept
from searchapp.index.generations import FORMAT, read_meta
from searchapp.index.schema import make_schema
from searchapp.index.spool import Spool
from searchapp.model import Report
from searchapp.text.dictionary import Dictionary, jieba_for, project_dictionary, sources_key
from searchapp.text.normalize import normalize_all
from searchapp.text.tokenize import WordCounts

MAX_PARTS = 8  # more incremental parts than this: rebuild (each costs every query a little)
MAX_DEAD = 0.25  # more deleted paragraphs than this fraction (and than MIN_DEAD): rebuild
MIN_DEAD = 1000  # fewer dead paragraphs cost nothing worth a rebuild, however small the index
PARALLEL_MIN = 3000  # paragraphs; below this, a second writer process costs more than it saves
BASE_MB = 300  # a writer process before its batch: interpreter, jieba, the corpus metadata
BYTES_PER_SPOOLED = 20  # peak bytes of a writer per byte of its batch's spooled paragraphs

Progress = Callable[[str, int, int | None], None]


@dataclass
class Corpus:
    """The reports to index; `stubs` were reused from the published generation without
    their paragraphs (filecache.py), so they can be kept but not rewritten."""

    reports: dict[str, Report]  # without their paragraphs: those are in `spool`
    kept: dict[str, Kept]  # every report's paragraph count, mined terms and synonyms
    spool: Spool
    stubs: set[str] = field(default_factory=set)
    files: filecache.Record = field(default_factory=dict)  # for the new generation's FILES
    known: tuple[str, Dictionary] | None = None  # the base's dictionary, by its sources key
    metas: dict[str, dict] = field(default_factory=dict)  # reports.json entries of stubs


@dataclass
class Plan:
    corpus: Corpus
    dictionary: Dictionary
    dictionary_key: str  # dictionary.sources_key of the mined terms it was made from
    base: Path | None  # generation to start from; None = build from scratch
    changed: list[Report]  # to (re)write
    stale: list[str]  # ids whose old paragraphs must go
    added: int = 0
    removed: int = 0
    reprocessed: int = 0  # added + changed (a full rebuild rewrites more than these)
    layout: store.Layout | None = None  # the base's store, when there is a base

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
    key, dictionary = _dictionary(corpus)
    base = publish.current(index_dir)
    layout = _layout(base) if base and read_meta(base) else None
    meta = read_meta(base) if layout else None  # a damaged generation counts as none
    old: dict[str, str] = meta["reports"] if meta else {}
    changed = [r for r in reports.values() if old.get(r.id) != r.content_hash]
    gone = [i for i in old if i not in reports]
    added = sum(1 for r in changed if r.id not in old)
    stale = [r.id for r in changed if r.id in old] + gone
    if full or meta is None or meta["dictionary"] != dictionary.digest or \
            _needs_rebuild(layout, stale, _paragraphs(corpus, changed)):
        if corpus.stubs:
            return None
        return Plan(corpus, dictionary, key, None, list(reports.values()), [],
                    added=added, removed=len(gone), reprocessed=len(changed))
    if any(r.id in corpus.stubs for r in changed):
        return None
    return Plan(corpus, dictionary, key, base, changed, stale,
                added=added, removed=len(gone), reprocessed=len(changed), layout=layout)


def _dictionary(corpus: Corpus) -> tuple[str, Dictionary]:
    """The project dictionary of the corpus's mined terms, with its sources key: the
    base's own when the key is the same (see dictionary.sources_key)."""
    mined = {t for k in corpus.kept.values() for t in k.terms}
    key = sources_key(mined)
    if corpus.known and corpus.known[0] == key:
        return corpus.known
    return key, project_dictionary(mined)


def usable(generation: Path | None) -> Path | None:
    """The generation if this version can extend it."""
    return generation if generation and read_meta(generation) else None


def _layout(generation: Path) -> store.Layout | None:
    """The store layout of a generation whose Whoosh TOC and store read back and agree;
    None for a disk that lost data or files another program wrote: rebuild it all.
    Its files are checked first as opening checks them (the TOC is a pickle)."""
    try:
        if integrity.opening_problems(generation, integrity.recorded(read_meta(generation))):
            return None
        layout = store.read_layout(generation)
        names = [s.segment_id() for s in segment.read_segments(generation)]
    except Exception:  # noqa: BLE001 - whatever the damage, a full build replaces it
        return None
    return layout if names == layout.names else None


def _needs_rebuild(layout: store.Layout, stale: list[str], changed: int) -> bool:
    """Too many incremental parts or dead paragraphs after this update (`changed`: the
    paragraphs it writes). A full build's own parts do not count: it writes as many as
    its memory budget needs."""
    if not (stale or changed):
        return False
    dead = int((~layout.live).sum()) + int(layout.live[layout.docnums_of(stale)].sum())
    size = len(layout.live) + changed
    return layout.added + 1 > MAX_PARTS or dead > max(MAX_DEAD * size, MIN_DEAD)


def has_work(plan: Plan) -> bool:
    """False when the published generation already matches: then nothing is published."""
    return plan.base is None or bool(plan.changed or plan.stale)


def build(plan: Plan, index_dir: Path, progress: Progress | None,
          memory_mb: int = 1500) -> Path:
    """Write the planned changes into a new generation and publish it."""
    with publish.building(index_dir, plan.base) as directory:
        schema = make_schema(plan.dictionary)
        jieba_for(plan.dictionary)  # loaded before forking, so the writers inherit it
        written = _write_batches(directory, schema, plan, progress,
                                 _batches(plan, memory_mb))
        if progress:
            progress("write", 0, None)
        layout = plan.layout
        stale = layout.docnums_of(plan.stale) if layout else np.zeros(0, np.int64)
        _write_store(directory, plan.base, [name for name, _ in written], layout, stale)
        _write_toc(directory, schema, [seg for _, seg in written], stale)
        _check_count(directory, plan)
        metas = plan.corpus.metas
        reports = {i: metas[i] if i in plan.corpus.stubs else _report_meta(r)
                   for i, r in sorted(plan.reports.items())}
        copies.write(directory, reports, plan.base,
                     {r.id for r in plan.changed} | set(plan.stale))
        _write_sidecars(directory, plan, reports)
        return publish.publish(index_dir, directory)


def _batches(plan: Plan, memory_mb: int) -> list[list[Report]]:
    """The reports to write, in order, cut into batches a writer can hold within the
    budget (sized by their spooled bytes); at least two halves for two processes when
    there is enough to do and a core to spare."""
    reports = plan.changed
    sizes = np.asarray([plan.corpus.spool.size(r.id) for r in reports], dtype=np.int64)
    limit = max(1, (memory_mb - BASE_MB) * 2**20 // BYTES_PER_SPOOLED)
    count = int(-(-int(sizes.sum()) // limit)) if len(reports) else 1
    if count < 2 and _paragraphs(plan.corpus, reports) >= PARALLEL_MIN and _idle_cores() >= 1.5:
        count = 2
    count = max(1, min(count, len(reports)))
    if count == 1:
        return [reports]
    done = np.cumsum(sizes)
    cuts = np.searchsorted(done, done[-1] * np.arange(1, count) / count, side="left") + 1
    bounds = [0, *sorted(set(min(int(c), len(reports)) for c in cuts)), len(reports)]
    return [reports[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]


def _paragraphs(corpus: Corpus, reports: Sequence[Report]) -> int:
    return sum(corpus.kept[r.id].paragraphs for r in reports)


def _idle_cores() -> float:
    """Cores not busy with other work (this process counts as one of the running ones)."""
    return len(os.sched_getaffinity(0)) - os.getloadavg()[0] + 1


def _write_batches(directory: Path, schema: Schema, plan: Plan, progress: Progress | None,
                   batches: list[list[Report]]) -> list[tuple[str, segment.W3Segment]]:
    """(name, segment) of each batch written. One batch is written here; more, each by a
    forked writer (its memory is all returned when it ends), two at a time on an idle core."""
    total = _paragraphs(plan.corpus, plan.changed)
    if len(batches) == 1:
        return [_write_batch(directory, schema, _loaded(plan, batches[0]), progress, total)]
    at_once = 2 if _idle_cores() >= 1.5 else 1
    written: list[tuple[str, segment.W3Segment]] = []
    running: deque[fork.Child] = deque()
    done = 0
    try:
        for batch in batches:
            if len(running) == at_once:
                written.append(fork.result(running.popleft()))
                done += _paragraphs(plan.corpus, batches[len(written) - 1])
                if progress:
                    progress("index", done, total)
            running.append(fork.start(
                lambda batch=batch: _write_batch(directory, schema, _loaded(plan, batch),
                                                 None, 0)))
        while running:
            written.append(fork.result(running.popleft()))
        if progress:
            progress("index", total, total)
    except BaseException:
        for child in running:
            fork.stop(child)
        raise
    return written


def _loaded(plan: Plan, reports: list[Report]) -> list[Report]:
    """The batch's reports with their paragraphs back from the spool."""
    spool = plan.corpus.spool
    return [replace(r, paragraphs=spool.paragraphs(r.id)) for r in reports]


def _write_batch(directory: Path, schema: Schema, reports: list[Report],
                 progress: Progress | None, total: int) -> tuple[str, segment.W3Segment]:
    """A new Whoosh segment and the store part of the same name for `reports`."""
    bodies = normalize_all([p.text for r in reports for p in r.paragraphs])
    words = schema["body"].analyzer.count_words(_reporting(bodies, reports, progress, total))
    new = _write_segment(directory, reports, words)
    del words
    part = store.build_part(reports, bodies)
    del bodies
    store.save_part(part, directory / columns.COLUMNS_DIR / new.segment_id())
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
    stored = [{}] * sum(len(r.paragraphs) for r in reports)  # Whoosh stores nothing
    doc_of_token = np.repeat(np.arange(len(stored), dtype=np.int64), words.counts)
    paragraphs = np.asarray([len(r.paragraphs) for r in reports], dtype=np.int64)
    report_of_doc = np.repeat(np.arange(len(reports), dtype=np.int64), paragraphs)
    postings = {
        "body": segment.postings_from_tokens(words.terms, words.tokens, doc_of_token),
        "doc": segment.postings_from_tokens([r.id for r in reports], report_of_doc,
                                            np.arange(len(stored)), freqs=False)}
    return segment.write_segment(directory, stored, postings, {"body": words.counts})


def _write_store(directory: Path, base: Path | None, new: list[str],
                 layout: store.Layout | None, stale: np.ndarray) -> None:
    """The generation-wide store files over the old parts (linked) and the new ones."""
    parts = [columns.load_columns(directory / columns.COLUMNS_DIR / name) for name in new]
    names, live, full = new, np.ones(sum(p.size for p in parts), dtype=bool), len(new)
    if layout is not None:
        store.link_parts(base, directory, layout.names)
        kept = layout.live.copy()
        kept[stale] = False
        parts, names, live = [*layout.parts, *parts], [*layout.names, *new], \
            np.concatenate([kept, live])
        full = layout.full
    store.save_generation(directory, names, parts, live, full)


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
    found = sum(s.doc_count() for s in segment.read_segments(directory))  # as Whoosh counts
    live = int(np.load(directory / columns.COLUMNS_DIR / "live.npy").sum())
    if (found, live) != (expected, expected):
        raise BuildFailed(f"index holds {found} paragraphs ({live} in the store), expected "
                          f"{expected}; nothing was published, run `searchapp reindex --full`")


def _write_sidecars(build: Path, plan: Plan, reports: dict[str, dict]) -> None:
    """The JSON files, meta.json last: it lists every other file's size and hash.
    `reports`: what reports.json holds (each report's metadata, by id in order). orjson
    writes the large ones: json.dumps took 0.06 s of a 50× update for reports.json alone."""
    sidecars = {"reports.json": reports,
                "synonyms.json": filecache.merged_synonyms(plan.corpus.kept.values())}
    for name, value in sidecars.items():
        publish.write_json_atomic(build / name, orjson.dumps(value).decode())
    filecache.save(build, plan.corpus.files, reports, (plan.dictionary_key, plan.dictionary))
    base_meta = read_meta(plan.base) if plan.base else None
    meta = {"format": FORMAT, "dictionary": plan.dictionary.digest,
            "reports": {i: plan.reports[i].content_hash for i in reports},
            "files": integrity.record(build, plan.base,
                                      base_meta.get("files") if base_meta else None)}
    publish.write_json_atomic(build / integrity.META, json.dumps(meta, ensure_ascii=False))


_META = tuple(f.name for f in fields(Report) if f.name != "paragraphs")


def _report_meta(report: Report) -> dict:
    return {name: getattr(report, name) for name in _META}
