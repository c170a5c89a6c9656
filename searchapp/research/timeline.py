"""A term's timeline: per year (and per region or level) how many paragraphs, occurrences
and reports mention it, the share of that year's reports that do, and where it first
appeared.

Counted the way search matches a quoted word: the normalised literal string (a query's
synonyms and long forms would blur "when did this term appear"); the expansions the search
would add are counted separately, each as its own series within the search's results.
Reports are 政府工作报告 (a congress's 决议 on one is counted in paragraphs, not as a
report), or the document type the query asks for; the share's denominator is the reports
of that year within the query's filters. `copied` counts the matching paragraphs mostly
copied from a higher level's report (the rule of 只看本地原创表述): a term a county report
uses only inside the national report's words is the centre's term, not yet its own.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from searchapp.connections.copies import boilerplate
from searchapp.errors import UsageError
from searchapp.index.generation import Generation
from searchapp.index.read import Index
from searchapp.model import DOCTYPES, Query
from searchapp.research.paragraphs import places
from searchapp.search import querylang as ql
from searchapp.search.matching import EXPANSION, OWN
from searchapp.search.reports import doctype_facet
from searchapp.search.searching import select

BY = ("year", "region", "level")
UNKNOWN_GROUP = "未知"
# the Query fields that don't narrow the reports (original hides paragraphs, not reports)
NOT_FILTERS = ("q", "sort", "group", "page", "per_page", "original")


@dataclass(frozen=True)
class Row:
    group: str  # the region or level (by year: "")
    year: int  # 0: unknown
    paragraphs: int
    occurrences: int
    reports: int
    reports_in_scope: int  # reports of that group and year within the filters
    copied: int = 0  # of `paragraphs`, those mostly copied from a higher level (boilerplate)

    @property
    def share(self) -> float:
        return self.reports / self.reports_in_scope if self.reports_in_scope else 0.0


@dataclass(frozen=True)
class First:
    """The earliest report (by year, then date) holding the term, and its first paragraph."""

    region: str
    year: int
    date: str | None
    doc: str
    title: str
    n: int


@dataclass(frozen=True)
class Series:
    word: str  # a synonym or long form of the query's words (normalised)
    rows: list[Row]


@dataclass
class Timeline:
    query: Query
    by: str
    needles: list[str]  # the normalised strings counted
    rows: list[Row]
    first: First | None
    first_text: str  # the first paragraph's text
    first_by_region: list[First]  # earliest first
    expansions: list[Series]
    notice: str | None

    @property
    def total(self) -> Row:
        return Row("", 0, sum(r.paragraphs for r in self.rows),
                   sum(r.occurrences for r in self.rows), sum(r.reports for r in self.rows),
                   sum(r.reports_in_scope for r in self.rows),
                   sum(r.copied for r in self.rows))


@dataclass(frozen=True)
class _Pinned:
    """One generation for all of a timeline's selections: a reindex publishing midway must
    not mix the docnums of two generations."""

    gen: Generation

    def generation(self) -> Generation:
        return self.gen


def timeline(index: Index, query: Query, by: str = "year") -> Timeline:
    if by not in BY:
        raise UsageError(f"无法按“{by[:20]}”分组：可用 year、region、level。")
    index = _Pinned(index.generation())  # type: ignore[assignment]
    exact = select(index, query, literal=True)
    gen = exact.gen
    needles = list(dict.fromkeys(leaf.alternatives[0].needles[0] for leaf in exact.leaves))
    docs = exact.matched
    scope = _reports_only(gen, _scope(index, query), query)
    rows = _rows(gen, docs, _occurrences(gen, needles, docs), scope, by)
    firsts = _firsts(gen, docs)
    first = firsts[0] if firsts else None
    text = gen.record(_first_docnum(gen, docs)).text if first else ""
    return Timeline(query, by, needles, rows, first, text, firsts,
                    _expansions(index, query, scope, by), exact.notice)


def _occurrences(gen: Generation, needles: list[str], docs: np.ndarray) -> np.ndarray:
    total = np.zeros(len(docs), np.float64)
    for needle in needles:
        total += gen.body_counts(needle, docs, gen.literal(needle))
    return total


def _expansions(index: Index, query: Query, scope: np.ndarray, by: str) -> list[Series]:
    """Each synonym or long form the search adds, and each way the reports write the word
    with quotation marks inside (“十四五”规划 for 十四五规划), counted within the search's
    results; not the pieces, parts or feedback words that only rank."""
    full = select(index, query)
    words = dict.fromkeys(n for leaf in full.leaves for a in leaf.alternatives[1:]
                          if a.tier in (OWN, EXPANSION) for n in a.needles)
    series = []
    for needle in words:
        holding = full.gen.literal(needle)
        docs = np.intersect1d(full.matched, holding, assume_unique=True)
        if len(docs):
            counts = full.gen.body_counts(needle, docs, holding)
            series.append(Series(needle, _rows(full.gen, docs, counts, scope, by)))
    return series


def _scope(index: Index, query: Query) -> np.ndarray:
    """The paragraphs within the query's filters (URL parameters and typed region: year:
    level: section:), whatever its words: where the share's denominator is counted."""
    parsed = ql.parse(query.q).node
    children = parsed.children if isinstance(parsed, ql.And) else (parsed,)
    typed = " ".join(filter(None, map(_filter_text, children)))
    scoped = select(index, replace(query, q=typed, original=False))
    return scoped.matched if typed or _has_filters(query) else scoped.gen.live_docs


def _filter_text(node: ql.Node | None) -> str | None:
    """A typed filter (or an OR of them: region:孟州 OR region:沁阳) written back as query
    text; None for anything else."""
    if isinstance(node, ql.Filter):
        return f"{node.field}:{node.value}"
    if isinstance(node, ql.Or) and all(isinstance(c, ql.Filter) for c in node.children):
        return "(" + " OR ".join(map(_filter_text, node.children)) + ")"  # type: ignore[arg-type]
    return None


def _reports_only(gen: Generation, scope: np.ndarray, query: Query) -> np.ndarray:
    """The scope's paragraphs of documents of the type counted as reports: 政府工作报告
    unless the query asks for a type (a congress's 决议 on the report is no report)."""
    facet = doctype_facet(gen)
    wanted = query.doctype or DOCTYPES[0]
    return scope[facet.ids[scope] == facet.values.index(wanted)] \
        if wanted in facet.values else scope[:0]


def _has_filters(query: Query) -> bool:
    return any(getattr(query, f.name) for f in fields(query) if f.name not in NOT_FILTERS)


def _groups(gen: Generation, by: str) -> tuple[np.ndarray, list[str]]:
    if by == "year":
        return np.zeros(len(gen.live), np.int32), [""]
    facet = gen.facets["region"] if by == "region" else gen.level
    return facet.ids, facet.values


def _rows(gen: Generation, docs: np.ndarray, counts: np.ndarray, scope: np.ndarray,
          by: str) -> list[Row]:
    """One Row per (group, year) present in `docs`, ordered by group then year."""
    ids, names = _groups(gen, by)
    report = places(gen).report
    key = _key(ids, gen.year, docs)
    cells, inverse = np.unique(key, return_inverse=True)
    paragraphs = np.bincount(inverse, minlength=len(cells))
    occurrences = np.bincount(inverse, weights=counts, minlength=len(cells))
    copied = np.bincount(inverse, weights=gen.members(docs, boilerplate(gen)),
                         minlength=len(cells))
    counted = np.isin(docs, scope, assume_unique=True)  # a report's, within the filters
    mentioning = _reports_per_cell(key[counted], report[docs[counted]])
    in_scope = _reports_per_cell(_key(ids, gen.year, scope), report[scope])
    rows = []
    for i, cell in enumerate(cells.tolist()):
        group, year = divmod(cell, 10_000)
        rows.append(Row(names[group - 1] if group else UNKNOWN_GROUP if by != "year" else "",
                        year, int(paragraphs[i]), int(occurrences[i]),
                        mentioning.get(cell, 0), in_scope.get(cell, 0), int(copied[i])))
    return sorted(rows, key=lambda r: (r.group, r.year)) if by != "year" else rows


def _key(ids: np.ndarray, year: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """(group, year) as one integer: (group id + 1) * 10,000 + year."""
    return (ids[docs].astype(np.int64) + 1) * 10_000 + year[docs].astype(np.int64)


def _reports_per_cell(key: np.ndarray, report: np.ndarray) -> dict[int, int]:
    pairs = np.unique(key * (1 << 24) + report)
    cells, counts = np.unique(pairs >> 24, return_counts=True)
    return dict(zip(cells.tolist(), counts.tolist(), strict=True))


def _order(gen: Generation, docs: np.ndarray) -> np.ndarray:
    """`docs` with a known year, earliest first: year, date (undated last), report, number."""
    docs = docs[gen.year[docs] > 0]
    where = places(gen)
    date = np.where(gen.date[docs] > 0, gen.date[docs], 99_999_999)
    return docs[np.lexsort((where.n[docs], where.report[docs], date, gen.year[docs]))]


def _first_docnum(gen: Generation, docs: np.ndarray) -> int:
    return int(_order(gen, docs)[0])


def _firsts(gen: Generation, docs: np.ndarray) -> list[First]:
    """The first appearance in each region, earliest first."""
    ordered = _order(gen, docs)
    region = gen.facets["region"].ids[ordered]
    _, first_at = np.unique(region, return_index=True)
    where = places(gen)
    result = []
    for d in ordered[np.sort(first_at)].tolist():
        meta = gen.reports[where.ids[where.report[d]]]
        result.append(First(meta["region"], int(gen.year[d]), meta["date"], meta["id"],
                            meta["title"], int(where.n[d])))
    return result
