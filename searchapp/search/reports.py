"""Paragraphs seen by report: which report each paragraph is in, the report's document
type, and the grouped view (one card per report, its best paragraphs first).

A researcher comparing localities asks "which reports say this", not "which paragraphs":
with ten paragraphs a page the same report fills a page four times over. The columns here
are read-side lookups over the generation's report column and report metadata, computed
once per generation (the index format is not involved).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from searchapp.index.columns import concat_values
from searchapp.index.generation import Facet, Generation
from searchapp.model import DOCTYPES

GROUP_SHOWN = 3  # paragraphs shown under a report's best one, behind 「本报告另有 K 处」


def report_facet(gen: Generation) -> Facet:
    """The report id of every paragraph (the build's merged column, mapped)."""
    def compute(g: Generation) -> Facet:
        ids, values = concat_values(g.columns, "report", "reports")
        return Facet(ids, values)
    return gen.derived("report-ids", compute)  # type: ignore[return-value]


def doctype_facet(gen: Generation) -> Facet:
    """The document type (model.DOCTYPES) of every paragraph, from its report's metadata;
    an index built before types were recorded reads as reports (the model's default)."""
    def compute(g: Generation) -> Facet:
        reports = report_facet(g)
        types = [g.reports.get(r, {}).get("doctype", DOCTYPES[0]) for r in reports.values]
        table = np.asarray([DOCTYPES.index(t) if t in DOCTYPES else DOCTYPES.index("other")
                            for t in types] + [-1], dtype=np.int8)  # a byte a paragraph
        return Facet(table[reports.ids], list(DOCTYPES))
    return gen.derived("doctypes", compute)  # type: ignore[return-value]


@dataclass(frozen=True)
class Grouped:
    """Reports in page order, each with its paragraphs in relevance order (docnums)."""

    reports: list[np.ndarray]  # per report: its matched paragraphs, best first
    total: int  # distinct reports


def group(gen: Generation, ranked: np.ndarray, oldest_first: bool | None) -> Grouped:
    """`ranked`: every matched paragraph, best first. Reports come in the order of their
    best paragraph, or by report date when `oldest_first` is True/False (then by best
    paragraph among reports of the same date)."""
    ids = report_facet(gen).ids[ranked]
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # reports by their best paragraph's rank
    if oldest_first is not None:
        best = ranked[first[order]]
        year = np.where(gen.year[best] > 0, gen.year[best], np.iinfo(np.int32).max)
        date = gen.date[best].astype(np.int64)
        if oldest_first:
            order = order[np.lexsort((np.arange(len(order)), date, year))]
        else:
            year = np.where(year == np.iinfo(np.int32).max, 0, year)
            order = order[np.lexsort((np.arange(len(order)), -date, -year))]
    members = np.argsort(inverse, kind="stable")  # positions grouped by report, rank kept
    bounds = np.searchsorted(inverse[members], np.arange(len(first) + 1))
    return Grouped([ranked[members[bounds[r]:bounds[r + 1]]] for r in order.tolist()],
                   len(first))
