"""Docnum <-> (report id, paragraph number): what the connections pages are asked about
(a report and a paragraph) and what the index answers with (docnums)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from searchapp.index import copies as found
from searchapp.index.generation import Generation


@dataclass(frozen=True)
class Located:
    """Per docnum its report (an index into names) and paragraph number."""

    report: np.ndarray  # int32 per docnum
    names: list[str]
    n: np.ndarray  # int32 per docnum
    position: dict[str, int]  # report id -> index into names


def located(gen: Generation) -> Located:
    """Computed once per generation (two int32 columns)."""
    def compute(g: Generation) -> Located:
        ids, names = found.report_ids(g.columns)
        return Located(ids, names, found.per_docnum(g.columns, "n"),
                       {name: i for i, name in enumerate(names)})
    return gen.derived("connections:located", compute)


def report_docnums(gen: Generation, report_id: str) -> np.ndarray:
    """The live docnums of a report, in paragraph order (empty for an unknown id)."""
    where = located(gen)
    rid = where.position.get(report_id)
    if rid is None:
        return np.zeros(0, np.int32)
    docs = np.flatnonzero((where.report == rid) & gen.live).astype(np.int32)
    return docs[np.argsort(where.n[docs], kind="stable")]


def docnum(gen: Generation, report_id: str, n: int) -> int | None:
    """The live docnum of paragraph `n` of a report (None when there is none)."""
    docs = report_docnums(gen, report_id)
    at = docs[located(gen).n[docs] == n]
    return int(at[0]) if len(at) else None


def report_of(gen: Generation, docnum: int) -> tuple[str, int]:
    """(report id, paragraph number) of a docnum."""
    where = located(gen)
    return where.names[where.report[docnum]], int(where.n[docnum])


def outline(gen: Generation, docs: list[int]) -> list[tuple[int, tuple[str, ...]]]:
    """(heading level, section path as written) of each of `docs`, read from the columns:
    what gen.record(d).heading_level and .section are, without rebuilding each paragraph's
    text (what made a report view's plan/review split cost ~0.1 ms a paragraph)."""
    found = []
    for d in docs:
        part, local = gen.columns.locate(d)
        found.append((int(part.columns["heading_level"][local]),
                      tuple(part.values["paths"][int(part.columns["path"][local])])))
    return found
