"""Results -> the JSON shape shared by `searchapp search --json` and the web API."""

from __future__ import annotations

from searchapp.model import Hit, Results


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
        "spans": [list(span) for span in hit.spans], "score": hit.score,
    }
