"""JSON twins of the pages: /api/search (same shape as `searchapp search --json`),
/api/doc/<id>, and the OpenAPI document that describes them (tested against real
responses, so it cannot drift)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from flask import Blueprint, Response, jsonify, request

from searchapp.search import searching as search
from searchapp.model import Report
from searchapp.web import settings
from searchapp.web.errors import bad_params
from searchapp.web.pages import find_report

bp = Blueprint("api", __name__, url_prefix="/api")


@cache
def openapi_document() -> dict[str, Any]:
    text = resources.files("searchapp.web").joinpath("static/openapi.json").read_text("utf-8")
    return json.loads(text)


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as published (no file paths, hashes or ingestion warnings)."""
    return {
        "id": report.id, "title": report.title, "region": report.region,
        "level": report.level, "year": report.year, "date": report.date,
        "source": report.source, "url": report.url, "parents": list(report.parents),
        "glossary": report.glossary,
        "paragraphs": [{"n": p.n, "text": p.text, "section": list(p.section),
                        "heading_level": p.heading_level} for p in report.paragraphs],
    }


@bp.get("/search")
def api_search() -> Response:
    query, errors = search.from_params(request.args)
    if errors:
        return bad_params(errors)
    return jsonify(search.results_to_json(search.run(settings().index_dir, query)))


@bp.get("/doc/<report_id>")
def api_doc(report_id: str) -> Response:
    return jsonify(report_to_json(find_report(report_id)))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
