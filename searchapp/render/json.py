"""The one JSON shape of each thing: a report, a hit, Results.

Used by `searchapp search --json`, `searchapp parse --json`, /api/search and /api/doc, so
the CLI, the API and the tests can never disagree about a field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from searchapp.model import Hit, Report, Results
from searchapp.research import anchors
from searchapp.research.citation import Cited, citation

CopiedFrom = Callable[[Hit], dict | None]  # a hit's higher-level source (connections/copies.py)


def results_to_json(results: Results, copied_from: CopiedFrom | None = None) -> dict:
    """Plain JSON-ready dict; keys and their order are part of the public API."""
    return {
        "query": results.query.q,
        "total": results.total,
        "notice": results.notice,
        "expanded": list(results.expanded),
        "took_ms": results.took_ms,
        "page": results.query.page,
        "pages": results.pages,
        "hits": [hit_to_json(hit, copied_from) for hit in results.hits],
        "facets": {name: [{"value": f.value, "count": f.count} for f in values]
                   for name, values in results.facets.items()},
    } | _grouped(results, copied_from)


def _grouped(results: Results, copied_from: CopiedFrom | None) -> dict:
    """group=report adds the report count and the page's reports (additive keys)."""
    if results.groups is None:
        return {}
    return {"reports": results.reports,
            "groups": [{"doc": g.best.doc, "count": g.count,
                        "hits": [hit_to_json(h, copied_from) for h in (g.best, *g.others)]}
                       for g in results.groups]}


def hit_to_json(hit: Hit, copied_from: CopiedFrom | None = None) -> dict:
    return {
        "doc": hit.doc, "paragraph": hit.paragraph, "region": hit.region, "year": hit.year,
        "level": hit.level, "title": hit.title, "date": hit.date, "section": list(hit.section),
        "text": hit.text, "highlight": hit.highlight, "fragment": hit.fragment,
        "spans": [list(span) for span in hit.spans], "score": hit.score, "note": hit.note,
        **hit_reference(hit),
        "copied_from": copied_from(hit) if copied_from else None,
    }


def hit_reference(hit: Hit, base_url: str = "") -> dict[str, str]:
    """The paragraph's stable permalink (site-relative unless `base_url`) and its citation."""
    link = base_url.rstrip("/") + anchors.permalink(hit.doc, hit.paragraph, hit.text)
    cited = Cited(hit.region, hit.level, hit.title, hit.date, hit.section, hit.paragraph, link)
    return {"permalink": link, "citation": citation(cited, date.today())}


def report_to_json(report: Report) -> dict:
    """The report as published (no file paths, hashes or ingestion warnings)."""
    return {
        "id": report.id, "title": report.title, "region": report.region,
        "level": report.level, "type": report.doctype, "year": report.year,
        "date": report.date,
        "source": report.source, "url": report.url, "parents": list(report.parents),
        "glossary": report.glossary,
        "paragraphs": [{"n": p.n, "text": p.text, "section": list(p.section),
                        "heading_level": p.heading_level} for p in report.paragraphs],
    }
