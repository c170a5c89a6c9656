"""Reindexing: corpus files (or Reports built in code) in, a published generation out.

One Whoosh document per paragraph (schema.py) plus the column store (columns.py).
A reindex builds a new generation aside (writing.py) and publishes it atomically
(generations.py); readers (read.py) always open the published generation.

Reading streams: each report's paragraphs go to a spool file as soon as it is read
(spool.py), and the writer takes them back a batch at a time, so a full build's memory
is bounded by SEARCHAPP_BUILD_MEMORY_MB (default 1500), not by the corpus.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from searchapp.errors import CorpusError
from searchapp.index import filecache, integrity, writing
from searchapp.index import generations as publish
from searchapp.index.spool import Spool
from searchapp.ingest import cleaning
from searchapp.model import Report, Warn

Progress = writing.Progress
MEMORY_MB = 1500  # default peak memory of a full build (SEARCHAPP_BUILD_MEMORY_MB)


@dataclass
class ReindexSummary:
    reports: int
    paragraphs: int
    added: int
    changed: int
    removed: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    full: bool = False
    generation: str = ""  # the published generation; unchanged when nothing changed


def summary_line(s: ReindexSummary) -> str:
    """The one line `searchapp reindex` ends with."""
    how = "full rebuild" if s.full else "incremental"
    warnings = f"{len(s.warnings)} warning" + ("" if len(s.warnings) == 1 else "s")
    return (f"{s.reports} reports, {s.paragraphs} paragraphs in {s.seconds:.1f} s, {warnings} "
            f"({how}: {s.added} added, {s.changed} changed, {s.removed} removed; "
            f"{s.generation})")


# ---------------------------------------------------------------- reindex


def reindex(paths: Iterable[Path], index_dir: Path, *, full: bool = False,
            progress: Progress | None = None, warn: Warn | None = None,
            memory_mb: int | None = None) -> ReindexSummary:
    """Bring the index in line with the corpus files under `paths`; see index_reports.

    Files unchanged since the published generation are not parsed again (filecache.py).
    `memory_mb` bounds a build's peak memory (default: build_memory_mb()).
    Raises CorpusError for a missing path or a corpus without reports.
    """
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CorpusError(f"corpus path not found: {', '.join(missing)}")
    from searchapp.ingest.corpus import (
        read_corpus_with,  # ingestion layer, imported late: it is heavy
    )

    def reports_read(note: Warn, reader: filecache.Reader) -> Iterator[Report]:
        yield from read_corpus_with(paths, note, reader)

    return _reindex(reports_read, index_dir, full, progress, warn, memory_mb,
                    empty=f"no reports found in {', '.join(map(str, paths))}: add .txt, .md, "
                          ".pdf, .docx, .html, .jsonl or .csv files, or pass --corpus")


def index_reports(reports: Iterable[Report], index_dir: Path, *, full: bool = False,
                  progress: Progress | None = None, warn: Warn | None = None,
                  memory_mb: int | None = None) -> ReindexSummary:
    """Index already-built Reports (tests, tools): same rules as reindex.

    Only added, changed (by content hash) and removed reports are reprocessed;
    everything is rebuilt when `full`, when the dictionary changed, or when
    the published index is of another format. Raises IndexBusy if
    another reindex holds the lock for longer than a few seconds, ValueError for two
    reports of the same id (a file corpus never has them: ingest.corpus renames).
    """
    reports = [_readable(r) for r in reports]
    seen: set[str] = set()
    for report in reports:
        if report.id in seen:
            raise ValueError(f"two reports have the id {report.id!r}")
        seen.add(report.id)
    # copies: reading spools and drops each report's paragraphs, and may read twice
    return _reindex(lambda note, reader: (replace(r) for r in reports), index_dir, full,
                    progress, warn, memory_mb, empty="no reports to index")


def build_memory_mb(env: dict[str, str] | None = None) -> int:
    """SEARCHAPP_BUILD_MEMORY_MB, or MEMORY_MB: read when a build starts, so the CLI and
    `serve` (which builds a missing index) both honour it."""
    value = (env if env is not None else os.environ).get("SEARCHAPP_BUILD_MEMORY_MB", "")
    return int(value) if value.strip().isdigit() and int(value) > 0 else MEMORY_MB


def _readable(report: Report) -> Report:
    """Reports built in code skip the file reader's cleaning, so the characters nothing
    downstream can encode (lone surrogates) or show (controls) are replaced here too."""
    text = cleaning.readable

    def optional(value: str | None) -> str | None:
        return None if value is None else text(value)

    return replace(
        report, id=text(report.id), source_path=text(report.source_path),
        title=text(report.title), region=text(report.region), level=text(report.level),
        date=optional(report.date), source=optional(report.source), url=optional(report.url),
        parents=tuple(map(text, report.parents)),
        glossary={text(k): text(v) for k, v in report.glossary.items()},
        paragraphs=[replace(p, text=text(p.text), section=tuple(map(text, p.section)))
                    for p in report.paragraphs])


Source = Callable[[Warn, "filecache.Reader"], Iterator[Report]]


def _reindex(source: Source, index_dir: Path, full: bool, progress: Progress | None,
             warn: Warn | None, memory_mb: int | None, empty: str) -> ReindexSummary:
    started = time.perf_counter()
    index_dir = Path(index_dir)
    memory_mb = memory_mb or build_memory_mb()
    with publish.writer_lock(index_dir), _collector_spared():
        publish.clean_stale(index_dir)
        base = None if full else publish.current(index_dir)
        damage = _damage(index_dir, base)
        if damage:
            base, full = None, True
        corpus, warnings = _read(source, base, progress, index_dir)
        warnings[:0] = damage
        plan = writing.plan(corpus, index_dir, full) if corpus.reports else None
        if corpus.stubs and plan is None:  # unchanged files are needed in full after all
            corpus.spool.close()
            corpus, warnings = _read(source, None, progress, index_dir)
            plan = writing.plan(corpus, index_dir, full)
        for message in warnings:
            if warn:
                warn(message)
        try:
            if not corpus.reports:
                raise CorpusError(empty)
            generation = writing.build(plan, index_dir, progress, memory_mb) \
                if writing.has_work(plan) else None
        finally:
            corpus.spool.close()
    return ReindexSummary(
        reports=len(corpus.reports), paragraphs=sum(k.paragraphs for k in corpus.kept.values()),
        added=plan.added, changed=plan.reprocessed - plan.added, removed=plan.removed,
        seconds=time.perf_counter() - started, warnings=warnings, full=plan.base is None,
        generation=(generation or publish.current(index_dir) or Path()).name)


@contextmanager
def _collector_spared() -> Iterator[None]:
    """What the process held before the reindex (its imports, a server's state) outlives
    it: frozen (gc.freeze), the cyclic collector does not walk it again at each of the
    full collections the reading's allocations trigger (0.1 s of a 50× update). A process
    that froze objects itself keeps them frozen (unfreezing would thaw its own too)."""
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()


def _damage(index_dir: Path, base: Path | None) -> list[str]:
    """A warning when the generation an incremental reindex would build on is damaged (a
    size, or the hash of a file written to since, differs from what its build recorded):
    then everything is rebuilt."""
    meta = publish.read_meta(base) if base else None
    problems = integrity.verify_touched(base, meta) if meta else []
    if not problems:
        return []
    return [f"the index in {index_dir} was damaged ({integrity.summary(problems)}); "
            "so it was rebuilt in full"]


def _read(source: Source, base: Path | None, progress: Progress | None,
          index_dir: Path) -> tuple[writing.Corpus, list[str]]:
    """The corpus (reusing what `base` recorded of unchanged files) and its warnings, which
    are given only once the corpus is known (a second reading would repeat them). The
    paragraphs go to a spool as each report is read: only metadata stays in memory."""
    warnings: list[str] = []
    reader = filecache.Reader(writing.usable(base), warnings.append)
    spool = Spool(index_dir)
    reports: dict[str, Report] = {}
    kept: dict[str, filecache.Kept] = {}
    for report in source(warnings.append, reader):  # ids are unique (see index_reports)
        if not report.content_hash:
            report.content_hash = _fingerprint(report)
        kept[report.id] = reader.kept.get(id(report)) or filecache.Kept.of(report)
        spool.put(report)
        reports[report.id] = report
        if progress:
            progress("read", len(reports), None)
    if not reader.consistent():
        spool.close()
        return _read(source, None, progress, index_dir)
    reused = {id(r) for r, _ in reader.stubs}
    stubs = {i for i, r in reports.items() if id(r) in reused}
    return writing.Corpus(reports, kept, spool, stubs, reader.record(), reader.dictionary,
                          reader.metas), warnings


def _fingerprint(report: Report) -> str:
    """A content hash for Reports built in code rather than read from a file."""
    return hashlib.sha256(repr(asdict(report)).encode()).hexdigest()
