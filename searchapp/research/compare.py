"""Localities (or years) side by side: one column per report, its paragraphs matching the
query in document order, and the paragraphs that share wording with another column marked.

Each value (a region, or a year) is searched as a filter added to the query, with the
search's own matching; its column is the most recent report with matches (a year named in
the query pins it), and the column says how many other reports also matched. Two
paragraphs share wording when their normalised texts hold a common run of SHARED_RUN
characters: long enough that 坚持稳中求进 does not count, short enough to catch a sentence
one locality took from another or from the national report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from searchapp.errors import UsageError
from searchapp.index.generation import Generation
from searchapp.index.read import Index
from searchapp.model import Query
from searchapp.research import anchors
from searchapp.research.paragraphs import places
from searchapp.search.searching import select
from searchapp.text.normalize import normalize

MIN_COLUMNS, MAX_COLUMNS = 2, 6
MAX_PARAGRAPHS = 200  # per column; the count on top is the full one
SHARED_RUN = 12


@dataclass(frozen=True)
class Passage:
    n: int
    section: tuple[str, ...]
    text: str
    html: str  # escaped text with the query's words in <mark>
    permalink: str  # site-relative
    shared_with: tuple[int, ...]  # the other columns (by position) holding a common run


@dataclass(frozen=True)
class Column:
    value: str  # the region or year compared
    doc: str | None  # None: no report of this value matches
    title: str
    region: str
    year: int | None
    date: str | None
    paragraphs: int
    occurrences: int
    other_reports: int  # further reports of this value that match
    passages: list[Passage]


@dataclass(frozen=True)
class Comparison:
    query: Query
    axis: str  # "region" or "year"
    columns: list[Column]
    notice: str | None


def compare(index: Index, query: Query, axis: str, values: list[str],
            mark: Callable[[str, str], str]) -> Comparison:
    """`mark` is search.mark (escapes and highlights); `values` are 2-6 regions or years."""
    values = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if axis not in ("region", "year"):
        raise UsageError(f"无法按“{axis[:20]}”对比：可用 region、year。")
    if not MIN_COLUMNS <= len(values) <= MAX_COLUMNS:
        raise UsageError(f"请给出 {MIN_COLUMNS}–{MAX_COLUMNS} 个要对比的地区（region=）或年份"
                         f"（year=），现有 {len(values)} 个。")
    notices: list[str] = []
    found = []
    for value in values:
        selection = select(index, replace(query, **{axis: value}))
        if selection.notice:
            notices.append(selection.notice)
        found.append((selection.gen, selection.matched, selection.leaves))
    columns = [_column(gen, value, docs, leaves, query.q, mark)
               for value, (gen, docs, leaves) in zip(values, found, strict=True)]
    return Comparison(query, axis, _with_shared(columns),
                      " ".join(dict.fromkeys(notices)) or None)


def _column(gen: Generation, value: str, docs: np.ndarray, leaves: list,
            q: str, mark: Callable[[str, str], str]) -> Column:
    if not len(docs):
        return Column(value, None, "", "", None, None, 0, 0, 0, [])
    where = places(gen)
    reports = np.unique(where.report[docs])
    chosen = max(reports.tolist(), key=lambda r: _recency(gen.reports[where.ids[r]]))
    mine = docs[where.report[docs] == chosen]
    mine = mine[np.argsort(where.n[mine], kind="stable")]
    needles = {leaf.alternatives[0].needles[0] for leaf in leaves}
    occurrences = sum(int(gen.body_counts(n, mine).sum()) for n in needles)
    passages = []
    for d in mine[:MAX_PARAGRAPHS].tolist():
        record = gen.record(d)
        passages.append(Passage(record.n, record.section, record.text, mark(record.text, q),
                                anchors.permalink(record.doc, record.n, record.text), ()))
    meta = gen.reports[where.ids[chosen]]
    return Column(value, meta["id"], meta["title"], meta["region"], meta["year"],
                  meta["date"], len(mine), occurrences, len(reports) - 1, passages)


def _recency(meta: dict) -> tuple[int, str]:
    return meta.get("year") or 0, meta.get("date") or ""


def runs(text: str, size: int = SHARED_RUN) -> set[str]:
    """Every `size`-character run of the normalised text, whitespace removed."""
    folded = "".join(normalize(text).split())
    return {folded[i:i + size] for i in range(len(folded) - size + 1)}


def _with_shared(columns: list[Column]) -> list[Column]:
    """The columns with each passage's shared_with filled in."""
    per_passage = [[runs(p.text) for p in c.passages] for c in columns]
    per_column = [set().union(*sets) if sets else set() for sets in per_passage]
    result = []
    for i, column in enumerate(columns):
        passages = [replace(p, shared_with=tuple(
                        j for j in range(len(columns)) if j != i and mine & per_column[j]))
                    for p, mine in zip(column.passages, per_passage[i], strict=True)]
        result.append(replace(column, passages=passages))
    return result
