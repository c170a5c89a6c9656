"""Writing a generation: what to reprocess, Whoosh writers, the sidecar files.

Each generation holds, besides the Whoosh files, meta.json (format version,
dictionary digest, the content hash of every report: what an incremental
reindex compares), reports.json (metadata and glossary of every report, for
load_report / list_reports) and synonyms.json (pairs mined from the corpus).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from searchapp import publish, synonyms
from searchapp.dictionary import Dictionary, jieba_for, mine_terms, project_dictionary
from searchapp.model import Report
from searchapp.schema import documents, make_schema

FORMAT = 1  # bump whenever the schema, the analysis (normalize, tokenizers) or these files change
PARALLEL_MIN = 3000  # paragraphs; below this, starting worker processes costs more than it saves

Progress = Callable[[str, int, int | None], None]


@dataclass
class Plan:
    reports: dict[str, Report]
    dictionary: Dictionary
    base: Path | None  # generation to start from; None = build from scratch
    changed: list[Report]  # to (re)write
    stale: list[str]  # ids whose old paragraphs must go
    added: int = 0
    removed: int = 0
    reprocessed: int = 0  # added + changed (a full rebuild rewrites more than these)


def plan(reports: dict[str, Report], index_dir: Path, full: bool) -> Plan:
    """Compare content hashes with the published generation; rebuild all when they can't be.

    The dictionary covers the whole corpus (mined terms included), and words
    already indexed were segmented with the old one: a new digest means full.
    """
    dictionary = project_dictionary(mine_terms(reports.values()))
    base = publish.current(index_dir)
    meta = read_meta(base) if base else None
    old: dict[str, str] = meta["reports"] if meta else {}
    changed = [r for r in reports.values() if old.get(r.id) != r.content_hash]
    gone = [i for i in old if i not in reports]
    added = sum(1 for r in changed if r.id not in old)
    if full or meta is None or meta["dictionary"] != dictionary.digest:
        return Plan(reports, dictionary, None, list(reports.values()), [],
                    added=added, removed=len(gone), reprocessed=len(changed))
    stale = [r.id for r in changed if r.id in old] + gone
    return Plan(reports, dictionary, base, changed, stale,
                added=added, removed=len(gone), reprocessed=len(changed))


def has_work(plan: Plan) -> bool:
    """False when the published generation already matches: then nothing is published."""
    return plan.base is None or bool(plan.changed or plan.stale)


def read_meta(generation: Path) -> dict | None:
    """meta.json of a generation, or None when it is missing, damaged or of another format."""
    try:
        meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == FORMAT else None


def build(plan: Plan, index_dir: Path, progress: Progress | None) -> Path:
    """Write the planned changes into a new generation and publish it."""
    with publish.building(index_dir, plan.base) as directory:
        if plan.base is None:
            ix = whoosh_index.create_in(directory, make_schema(plan.dictionary))
        else:
            ix = whoosh_index.open_dir(directory)
        _write_documents(ix, plan, progress)
        _write_sidecars(directory, plan)
        return publish.publish(index_dir, directory)


def _write_documents(ix: Index, plan: Plan, progress: Progress | None) -> None:
    total = sum(len(r.paragraphs) for r in plan.changed)
    jieba_for(plan.dictionary)  # load before forking, so worker processes inherit it
    procs = 2 if total >= PARALLEL_MIN and _idle_cores() >= 1.5 else 1
    writer = ix.writer(procs=procs, multisegment=True, limitmb=256) if procs > 1 else \
        ix.writer(limitmb=256)
    try:
        for report_id in plan.stale:
            writer.delete_by_term("doc", report_id)
        done = 0
        for report in plan.changed:
            for doc in documents(report):
                writer.add_document(**doc)
            done += len(report.paragraphs)
            if progress:
                progress("index", done, total)
    except BaseException:
        writer.cancel()
        raise
    if progress:
        progress("write", 0, None)  # merging and writing segments: the long, silent part
    writer.commit()
    _check_count(ix, plan)


def _idle_cores() -> float:
    """Cores not busy with other work (this process counts as one of the running ones).

    A second writer process only pays on an idle core. 3,000 national paragraphs:
    with the machine otherwise idle procs=2 took 17 s where one process took 26 s;
    with other work on the cores, 41 s where one process took 27 s.
    """
    return len(os.sched_getaffinity(0)) - os.getloadavg()[0] + 1


def _check_count(ix: Index, plan: Plan) -> None:
    """Whoosh's multi-process writer can drop a worker's segment silently; never publish that."""
    expected = sum(len(r.paragraphs) for r in plan.reports.values())
    with ix.searcher() as searcher:
        found = searcher.doc_count()
    if found != expected:
        raise RuntimeError(f"index holds {found} paragraphs, expected {expected}; "
                           "nothing was published, run `searchapp reindex --full`")


def _write_sidecars(build: Path, plan: Plan) -> None:
    reports = dict(sorted(plan.reports.items()))
    meta = {"format": FORMAT, "dictionary": plan.dictionary.digest,
            "reports": {i: r.content_hash for i, r in reports.items()}}
    sidecars = {"meta.json": meta,
                "reports.json": {i: _report_meta(r) for i, r in reports.items()},
                "synonyms.json": synonyms.mine(reports.values())}
    for name, value in sidecars.items():
        publish.write_json_atomic(build / name, json.dumps(value, ensure_ascii=False))


def _report_meta(report: Report) -> dict:
    return {f.name: getattr(report, f.name) for f in fields(Report) if f.name != "paragraphs"}
