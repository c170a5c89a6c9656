"""The one JSON shape of each thing: a report, a hit, Results.

Used by `searchapp search --json`, `searchapp parse --json`, /api/search and /api/doc, so
the CLI, the API and the tests can never disagree about a field."""

from __future__ import annotations

from searchapp.model import Hit, Report, Results


def results_to_json(results: Results) -> dict:
    """Plain JSON-ready dict; keys and their order are part of the public API."""
    return {
        "query": results.query.q,
        "total": results.total,
        "notice": results.notice,
        "expanded": list(results.expanded),
        "took_ms": results.took_ms,
        "page": results.query.page,
        "pages": results.pages,
        "hits": [hit_to_json(hit) for hit in results.hits],
        "facets": {name: [{"value": f.value, "count": f.count} for f in values]
                   for name, values in results.facets.items()},
    }


def hit_to_json(hit: Hit) -> dict:
    return {
        "doc": hit.doc, "paragraph": hit.paragraph, "region": hit.region, "year": hit.year,
        "level": hit.level, "title": hit.title, "date": hit.date, "section": list(hit.section),
        "text": hit.text, "highlight": hit.highlight, "fragment": hit.fragment,
        "spans": [list(span) for span in hit.spans], "score": hit.score, "note": hit.note,
    }


def report_to_json(report: Report) -> dict:
    """The report as published (no file paths, hashes or ingestion warnings)."""
    return {
        "id": report.id, "title": report.title, "region": report.region,
        "level": report.level, "year": report.year, "date": report.date,
        "source": report.source, "url": report.url, "parents": list(report.parents),
        "glossary": report.glossary,
        "paragraphs": [{"n": p.n, "text": p.text, "section": list(p.section),
                        "heading_level": p.heading_level} for p in report.paragraphs],
    }
