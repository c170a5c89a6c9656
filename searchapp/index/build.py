"""The on-disk index: the public face of reindexing and of reading the index back.

One Whoosh document per paragraph (schema.py). A reindex builds a new
generation aside (writing.py) and publishes it atomically (publish.py);
readers always open the published generation.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from searchapp.ingest import cleaning
from searchapp.index import filecache
from searchapp.index import generations as publish
from searchapp.index import writing
from searchapp.model import Paragraph, Report
from searchapp.index.generations import IndexBusy
from searchapp.index.schema import documents, make_schema
from searchapp.index.writing import FORMAT

__all__ = ["make_schema", "documents", "reindex", "index_reports",
           "summary_line", "open_index", "load_report", "list_reports", "mined_synonyms",
           "ReindexSummary", "IndexMissing", "IndexIncompatible", "CorpusError", "IndexBusy",
           "FORMAT"]

Progress = writing.Progress
Warn = Callable[[str], None]


class IndexMissing(RuntimeError):
    """No index has been published in the directory yet."""


class IndexIncompatible(RuntimeError):
    """The directory holds an index this version cannot read."""


class CorpusError(ValueError):
    """The corpus paths given to reindex are missing or hold no reports."""


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
            progress: Progress | None = None, warn: Warn | None = None) -> ReindexSummary:
    """Bring the index in line with the corpus files under `paths`; see index_reports.

    Files unchanged since the published generation are not parsed again (filecache.py).
    Raises CorpusError for a missing path or a corpus without reports.
    """
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CorpusError(f"corpus path not found: {', '.join(missing)}")
    from searchapp.ingest.corpus import read_corpus_with  # ingestion layer, imported late: it is heavy

    def reports_read(note: Warn, reader: filecache.Reader) -> Iterator[Report]:
        yield from read_corpus_with(paths, note, reader)

    return _reindex(reports_read, index_dir, full, progress, warn,
                    empty=f"no reports found in {', '.join(map(str, paths))}: "
                          "add .txt, .md, .jsonl or .csv files, or pass --corpus")


def index_reports(reports: Iterable[Report], index_dir: Path, *, full: bool = False,
                  progress: Progress | None = None, warn: Warn | None = None) -> ReindexSummary:
    """Index already-built Reports (tests, tools): same rules as reindex.

    Only added, changed (by content hash) and removed reports are reprocessed;
    everything is rebuilt when `full`, when the dictionary changed, or when
    the published index is of another format. Raises publish.IndexBusy if
    another reindex holds the lock for longer than a few seconds.
    """
    reports = [_readable(r) for r in reports]
    return _reindex(lambda note, reader: iter(reports), index_dir, full, progress, warn,
                    empty="no reports to index")


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
             warn: Warn | None, empty: str) -> ReindexSummary:
    started = time.perf_counter()
    index_dir = Path(index_dir)
    with publish.writer_lock(index_dir):
        publish.clean_stale(index_dir)
        base = None if full else publish.current(index_dir)
        corpus, warnings = _read(source, base, progress)
        plan = writing.plan(corpus, index_dir, full) if corpus.reports else None
        if corpus.stubs and plan is None:  # unchanged files are needed in full after all
            corpus, warnings = _read(source, None, progress)
            plan = writing.plan(corpus, index_dir, full)
        for message in warnings:
            if warn:
                warn(message)
        if not corpus.reports:
            raise CorpusError(empty)
        generation = writing.build(plan, index_dir, progress) if writing.has_work(plan) \
            else None
    return ReindexSummary(
        reports=len(corpus.reports), paragraphs=sum(k.paragraphs for k in corpus.kept.values()),
        added=plan.added, changed=plan.reprocessed - plan.added, removed=plan.removed,
        seconds=time.perf_counter() - started, warnings=warnings, full=plan.base is None,
        generation=(generation or publish.current(index_dir) or Path()).name)


def _read(source: Source, base: Path | None,
          progress: Progress | None) -> tuple[writing.Corpus, list[str]]:
    """The corpus (reusing what `base` recorded of unchanged files) and its warnings, which
    are given only once the corpus is known (a second reading would repeat them)."""
    warnings: list[str] = []
    reader = filecache.Reader(writing.usable(base), warnings.append)
    reports = _collect_reports(source(warnings.append, reader), warnings.append, progress)
    if not reader.consistent():
        return _read(source, None, progress)
    kept = {i: reader.kept.get(id(r)) or filecache.Kept.of(r) for i, r in reports.items()}
    reused = {id(r) for r, _ in reader.stubs}
    stubs = {i for i, r in reports.items() if id(r) in reused}
    return writing.Corpus(reports, kept, stubs, reader.record()), warnings


def _collect_reports(reports: Iterable[Report], warn: Warn,
                     progress: Progress | None) -> dict[str, Report]:
    by_id: dict[str, Report] = {}
    for report in reports:
        if report.id in by_id:
            warn(f"{report.source_path}: same id {report.id!r} as "
                 f"{by_id[report.id].source_path}; skipped")
            continue
        if not report.content_hash:
            report.content_hash = _fingerprint(report)
        by_id[report.id] = report
        if progress:
            progress("read", len(by_id), None)
    return by_id


def _fingerprint(report: Report) -> str:
    """A content hash for Reports built in code rather than read from a file."""
    return hashlib.sha256(repr(asdict(report)).encode()).hexdigest()


# ---------------------------------------------------------------- reading


_open: dict[Path, tuple[tuple, Index]] = {}


def _stamp(generation: Path) -> tuple:
    """Identifies a generation even if a deleted index directory is rebuilt under the same name."""
    info = (generation / "meta.json").stat()
    return generation, info.st_ino, info.st_mtime_ns


def open_index(index_dir: Path) -> Index:
    """The published generation, opened once per process and reopened after a publish."""
    index_dir = Path(index_dir)
    for _ in range(3):  # a generation can vanish between reading CURRENT and opening it
        generation = _published(index_dir)
        try:
            stamp = _stamp(generation)
            break
        except FileNotFoundError:
            continue
    else:
        raise IndexMissing(f"the index in {index_dir} keeps changing; try again")
    cached = _open.get(index_dir.resolve())
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        ix = whoosh_index.open_dir(generation)
    except Exception as error:  # an unpicklable schema, missing TOC, foreign files...
        raise IndexIncompatible(_incompatible(index_dir)) from error
    _open[index_dir.resolve()] = (stamp, ix)
    return ix


def _published(index_dir: Path) -> Path:
    generation = publish.current(index_dir)
    if generation is None:
        raise IndexMissing(f"no search index in {index_dir}: run `searchapp reindex` to build it")
    try:
        readable = _meta_readable(_stamp(generation))
    except FileNotFoundError:
        readable = False
    if not readable:
        raise IndexIncompatible(_incompatible(index_dir))
    return generation


@lru_cache(maxsize=8)
def _meta_readable(stamp: tuple) -> bool:
    """Parsed once per generation, not on every query (2.4 ms per query at 50×)."""
    return writing.read_meta(stamp[0]) is not None


def _incompatible(index_dir: Path) -> str:
    return (f"the index in {index_dir} was built by another version of searchapp: "
            "run `searchapp reindex` to rebuild it")


def _reports_json(generation: Path) -> dict[str, dict]:
    return _read_reports_json(_stamp(generation))


@lru_cache(maxsize=4)
def _read_reports_json(stamp: tuple) -> dict[str, dict]:
    try:
        reports = json.loads((stamp[0] / "reports.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexIncompatible(_incompatible(stamp[0].parent)) from error
    if not isinstance(reports, dict):
        raise IndexIncompatible(_incompatible(stamp[0].parent))
    return reports


def _report(meta: dict, paragraphs: list[Paragraph]) -> Report:
    return Report(**dict(meta, parents=tuple(meta["parents"]), paragraphs=paragraphs))


def list_reports(index_dir: Path) -> list[Report]:
    """Every indexed report's metadata (paragraphs left empty), ordered by id."""
    metas = _reports_json(_published(Path(index_dir)))
    return [_report(meta, []) for _, meta in sorted(metas.items())]


def load_report(index_dir: Path, report_id: str) -> Report | None:
    """The full report (paragraphs in order, with sections), or None if unknown."""
    ix = open_index(index_dir)
    meta = _reports_json(_published(Path(index_dir))).get(report_id)
    if meta is None:
        return None
    with ix.searcher() as searcher:
        stored = sorted(searcher.documents(doc=report_id), key=lambda d: d["n"])
    paragraphs = [Paragraph(n=d["n"], text=d["body"], section=tuple(d["section"]),
                            heading_level=d["heading_level"]) for d in stored]
    return _report(meta, paragraphs)


def mined_synonyms(index_dir: Path) -> dict[str, list[str]]:
    """Synonym pairs mined from the indexed corpus when it was built (for query expansion)."""
    path = _published(Path(index_dir)) / "synonyms.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
